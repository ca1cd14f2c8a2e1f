"""The register commands for groups and their admins: ``group``, ``admin``, ``officer``,
``contacts``. Personal data is shown only by ``group show`` and ``contacts`` (internal use)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table
from rich.text import Text

from planner.app import outputs
from planner.cli.common import (
    add_common_options,
    add_text_row,
    console,
    print_json,
    say,
    store_of,
    yes_no,
)
from planner.cli.parser import example
from planner.core.vocabulary import GROUP_EVENT_NL
from planner.register import groups as reg


def register(sub) -> None:
    """``group``, ``admin``, ``officer`` and ``contacts``."""
    g = sub.add_parser("group", help="WhatsApp-groepen en hun beheerders",
                       description="WhatsApp-groepen en hun beheerders (1 tot 3 per groep) in het register.",
                       epilog="Voorbeelden:\n"
                              '  planner group add G20 --name "Buurtapp Noord" --ward LM02 '
                              '--admin "Els Voorbeeld;06-12345678;"\n'
                              "  planner group list\n"
                              "  planner group show G20").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    _group_add_actions(g)
    _group_other_actions(g)
    _group_edit_actions(g)
    _admin_command(sub)
    _officer_command(sub)
    _contacts_command(sub)

def _group_add_actions(g) -> None:
    """``group add`` and ``group add-admin``."""
    p = g.add_parser("add", help="voeg een groep toe met 1 tot 3 beheerders",
                     description="Voegt een WhatsApp-groep toe met 1 tot 3 beheerders (persoonsgegevens: alleen\n"
                                 "in de tabel admins van het register).",
                     epilog="Voorbeeld:\n"
                            '  planner group add G20 --name "Buurtapp Noord" --wabp --ward LM02 '
                            '--admin "Els Voorbeeld;06-12345678;els@example.org"')
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep, bijv. G20")
    p.add_argument("--name", required=True, help="naam van de groep")
    p.add_argument("--admin", action="append", default=[], required=True, metavar="'NAAM;TELEFOON;EMAIL'",
                   help="een beheerder (herhaal voor 2 of 3); telefoon of e-mail mag leeg zijn, niet allebei")
    p.add_argument("--wabp", action="store_true", help="aangemeld bij Stichting WABP")
    p.add_argument("--ward", metavar="WARD_CODE", help="de wijk waar de groep actief is")
    p.add_argument("--wijkagent", action="append", type=yes_no, metavar="ja|nee",
                   help="wil de beheerder in contact gebracht worden met de wijkagent? (standaard nee); één keer "
                        "voor alle beheerders of één keer per --admin, in dezelfde volgorde")
    _history_options(p)
    add_common_options(p)
    p.set_defaults(func=cmd_group_add)
    p = g.add_parser("add-admin", help="voeg een beheerder toe aan een groep (hoogstens 3)",
                     description="Voegt een beheerder toe aan een groep; een groep heeft hoogstens 3 beheerders.",
                     epilog="Voorbeeld:\n"
                            "  planner group add-admin G20 --admin \"Bo Test;;bo@example.org\"")
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    p.add_argument("--admin", required=True, metavar="'NAAM;TELEFOON;EMAIL'",
                   help="de beheerder; telefoon of e-mail mag leeg zijn, niet allebei")
    p.add_argument("--wijkagent", type=yes_no, default=False, metavar="ja|nee",
                   help="wil de beheerder in contact gebracht worden met de wijkagent? (standaard nee)")
    _history_options(p)
    add_common_options(p)
    p.set_defaults(func=cmd_group_add_admin)

def _group_other_actions(g) -> None:
    """``group list``, ``group show`` and ``group remove``."""
    p = g.add_parser("list", help="de groepen (zonder persoonsgegevens)",
                     description="Alle groepen met hun wijken en het aantal beheerders, zonder persoonsgegevens.",
                     epilog="Voorbeelden:\n"
                            "  planner group list\n"
                            "  planner group list --json")
    add_common_options(p)
    p.set_defaults(func=cmd_group_list)
    p = g.add_parser("show", help="één groep met de contactgegevens van de beheerders (intern)",
                     description="Eén groep met de namen, telefoonnummers en e-mailadressen van de beheerders\n"
                                 "(persoonsgegevens: alleen voor intern gebruik).",
                     epilog="Voorbeeld:\n"
                            "  planner group show G20")
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    add_common_options(p)
    p.set_defaults(func=cmd_group_show)
    p = g.add_parser("remove", help="wis de beheerders van een groep (AVG); de geschiedenis blijft anoniem",
                     description="Wist de persoonsgegevens van de beheerders (secure_delete); aanvragen, besluiten\n"
                                 "en de geschiedenis van de borden blijven onder het groeps-id bewaard.",
                     epilog="Voorbeeld:\n"
                            "  planner group remove G20")
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    _history_options(p)
    add_common_options(p)
    p.set_defaults(func=cmd_group_remove)

def _group_edit_actions(g) -> None:
    """``group set`` and ``group history``."""
    p = g.add_parser("set", help="wijzig naam, WABP-aanmelding of wijk van een groep (met reden)",
                     description="Wijzigt de naam, de aanmelding bij Stichting WABP en/of de wijk van een groep;\n"
                                 "de wijziging komt met datum en reden in de geschiedenis van de groep.",
                     epilog=example('planner group set G07 --wabp --reason "aangemeld bij Stichting WABP"',
                                    'planner group set G02 --name "WABP Oost" --reason "nieuwe naam"'))
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    p.add_argument("--name", help="nieuwe naam")
    p.add_argument("--wabp", action=argparse.BooleanOptionalAction, default=None,
                   help="aangemeld bij Stichting WABP (--no-wabp: niet aangemeld)")
    p.add_argument("--ward", metavar="WARD_CODE", help="de wijk waar de groep actief is")
    p.add_argument("--reason", required=True, help="waarom")
    p.add_argument("--date", help="datum van de wijziging, JJJJ-MM-DD (standaard: vandaag)")
    add_common_options(p)
    p.set_defaults(func=cmd_group_set)
    p = g.add_parser("history", help="de geschiedenis van een groep (zonder persoonsgegevens)",
                     description="Elke wijziging van een groep en haar beheerders, met datum en reden; welke\n"
                                 "gegevens veranderden, nooit de gegevens zelf.",
                     epilog=example("planner group history G02"))
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    add_common_options(p)
    p.set_defaults(func=cmd_group_history)

def _admin_command(sub) -> None:
    """``admin set`` and ``admin remove``."""
    a = sub.add_parser("admin", help="één beheerder corrigeren of verwijderen (AVG)",
                       description="Corrigeert of verwijdert één beheerder van een groep (AVG: recht op\n"
                                   "rectificatie en op verwijdering). WIE is het nummer uit 'planner group show'\n"
                                   "of de naam van de beheerder.",
                       epilog=example('planner admin set G02 2 --phone 06-12345678 --reason "nieuw nummer"',
                                      'planner admin remove G05 3 --reason "verzoek van de beheerder"')
                       ).add_subparsers(dest="action", metavar="ACTIE", required=True)
    p = a.add_parser("set", help="corrigeer naam, telefoon en/of e-mail van één beheerder",
                     description="Corrigeert de gegevens van één beheerder; de oude gegevens worden overschreven\n"
                                 "(secure_delete). De geschiedenis noemt welke velden veranderden, niet de waarden.",
                     epilog=example('planner admin set G02 2 --email piet@example.org --reason "nieuw adres"'))
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    p.add_argument("who", metavar="WIE", help="nummer uit 'planner group show' (1-3) of de naam")
    p.add_argument("--name", help="juiste naam")
    p.add_argument("--phone", help="juist telefoonnummer ('' om het te wissen)")
    p.add_argument("--email", help="juist e-mailadres ('' om het te wissen)")
    p.add_argument("--wijkagent", type=yes_no, metavar="ja|nee",
                   help="toestemming om de beheerder in contact te brengen met de wijkagent (datum: --date)")
    p.add_argument("--reason", required=True, help="waarom")
    p.add_argument("--date", help="datum van de wijziging, JJJJ-MM-DD (standaard: vandaag)")
    add_common_options(p)
    p.set_defaults(func=cmd_admin_set)
    p = a.add_parser("remove", help="verwijder één beheerder (AVG); nooit de laatste van een groep",
                     description="Wist één beheerder met secure_delete (de gegevens verlaten het bestand).\n"
                                 "De laatste beheerder van een groep gaat alleen met de hele groep\n"
                                 "('planner group remove').",
                     epilog=example('planner admin remove G05 "Kees Nepnaam" --reason "verzoek van de beheerder"'))
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    p.add_argument("who", metavar="WIE", help="nummer uit 'planner group show' (1-3) of de naam")
    p.add_argument("--reason", required=True, help="waarom")
    p.add_argument("--date", help="datum, JJJJ-MM-DD (standaard: vandaag)")
    add_common_options(p)
    p.set_defaults(func=cmd_admin_remove)

def _officer_command(sub) -> None:
    """``officer set``."""
    o = sub.add_parser("officer", help="wijkagenten",
                       description="De wijkagent per wijk (werkcontactgegevens).",
                       epilog="Voorbeeld:\n"
                              "  planner officer set LM04 --name \"Agent Bakker\" --phone 0900-8844").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = o.add_parser("set", help="leg de wijkagent van een wijk vast",
                     description="Legt de wijkagent van een wijk vast (vervangt een eerdere).",
                     epilog="Voorbeeld:\n"
                            "  planner officer set LM04 --name \"Agent Bakker\" --phone 0900-8844")
    p.add_argument("ward_code", metavar="WARD_CODE", help="wijkcode, bijv. LM04")
    p.add_argument("--name", required=True, help="naam van de wijkagent")
    p.add_argument("--phone", default="", help="telefoonnummer, bijv. 0900-8844")
    p.add_argument("--email", default="", help="e-mailadres")
    add_common_options(p)
    p.set_defaults(func=cmd_officer_set)

def _contacts_command(sub) -> None:
    """``contacts WARD``."""
    p = sub.add_parser("contacts", help="de beheerders en de wijkagent van een wijk naast elkaar",
                       description="De beheerders van de groepen in een wijk en de wijkagent, naast elkaar\n"
                                   "(persoonsgegevens: alleen voor intern gebruik).",
                       epilog="Voorbeelden:\n"
                              "  planner contacts LM04\n"
                              "  planner contacts LM04 --json")
    p.add_argument("ward_code", metavar="WARD_CODE", help="wijkcode, bijv. LM04")
    add_common_options(p)
    p.set_defaults(func=cmd_contacts)

def _history_options(p) -> None:
    """``--reason`` and ``--date`` of a register change (kept in the group's history)."""
    p.add_argument("--reason", default="", help="waarom (komt in de geschiedenis van de groep)")
    p.add_argument("--date", help="datum van de wijziging, JJJJ-MM-DD (standaard: vandaag)")

def cmd_group_add(args) -> int:
    admins = [reg.parse_admin(a) for a in args.admin]
    reg.check_admin_count(args.group_id, len(admins))
    consent = args.wijkagent or [False]
    if len(consent) == 1:
        consent = consent * len(admins)
    g = reg.add_group(store_of(args), args.group_id, args.name, admins, registered=args.wabp,
                      ward_code=args.ward, reason=args.reason, date=args.date, consent=consent)
    return say(args, g, f"Groep {g['group_id']} ({g['group_name']}) toegevoegd met {len(g['admins'])} beheerder(s).")

def cmd_group_add_admin(args) -> int:
    g = reg.add_admin(store_of(args), args.group_id, reg.parse_admin(args.admin), reason=args.reason,
                      date=args.date, consent=args.wijkagent)
    return say(args, g, f"Beheerder toegevoegd aan groep {g['group_id']}; nu {len(g['admins'])} beheerder(s).")

def cmd_group_list(args) -> int:
    groups = reg.list_groups(store_of(args))
    if args.json:
        print_json(groups)
        return 0
    table = Table(title="Groepen")
    for col in ("groep", "naam", "WABP", "wijken", "beheerders"):
        table.add_column(col)
    for g in groups:
        add_text_row(table, g["group_id"], g["group_name"], "ja" if g["wabp_registered"] else "nee",
                      ", ".join(g["wards"]) or "-", str(g["admins"]))
    console().print(table)
    return 0

def _contact_line(c: dict) -> str:
    return ", ".join(v for v in (c["name"], c["phone"], c["email"]) if v)

def cmd_group_show(args) -> int:
    g = reg.show_group(store_of(args), args.group_id)
    lines = [f"Groep {g['group_id']}: {g['group_name']} (WABP: {'ja' if g['wabp_registered'] else 'nee'}; "
             f"wijken: {', '.join(g['wards']) or '-'})"]
    lines += [f"  beheerder {a['nr']}: {_contact_line(a)} (wijkagent: {'ja' if a['wijkagent'] else 'nee'})"
              for a in g["admins"]]
    return say(args, g, "\n".join(lines))

def cmd_group_remove(args) -> int:
    r = reg.remove_group(store_of(args), args.group_id, reason=args.reason, date=args.date)
    stale = [str(p) for p in outputs.internal_outputs(Path.cwd())]
    r = {**r, "may_still_hold": stale}
    text = (f"Groep {r['group_id']} verwijderd; persoonsgegevens van {r['admins_removed']} "
            "beheerder(s) gewist. Aanvragen, besluiten en geschiedenis blijven (anoniem) bewaard.")
    if stale:
        text += ("\nLet op: deze eerder gemaakte interne bestanden kunnen de gewiste gegevens nog bevatten: "
                 f"{', '.join(stale)}. Verwijder ze of maak ze opnieuw ('planner map', "
                 "'planner export --internal'); kopieën elders (e-mail, gedeelde mappen) ook.")
    else:
        text += ("\nIn de standaardmappen (maps/, export/) staan geen interne kaarten of exports; "
                 "controleer kopieën elders (e-mail, gedeelde mappen).")
    return say(args, r, text)

def cmd_officer_set(args) -> int:
    officer = reg.contact(args.name, args.phone, args.email, who="wijkagent")
    r = reg.set_officer(store_of(args), args.ward_code, officer)
    return say(args, r, f"Wijkagent van {r['ward_code']}: {_contact_line(r['officer'])}.")

def cmd_contacts(args) -> int:
    c = reg.contacts(store_of(args), args.ward_code)
    if args.json:
        print_json(c)
        return 0
    table = Table(title=Text(f"Contacten wijk {c['ward_name']} ({c['ward_code']})"))
    table.add_column("beheerders (groep)")
    table.add_column("wijkagent")
    admins = [f"{_contact_line(a)} ({g['group_id']} {g['group_name']})" for g in c["groups"] for a in g["admins"]]
    admins += [f"{g['without_consent']} beheerder(s) van {g['group_id']} zonder toestemming (niet getoond; "
               "'planner admin set ... --wijkagent ja' als zij het willen)" for g in c["groups"] if g["without_consent"]]
    officer = _contact_line(c["officer"]) if c["officer"] else "nog niet bekend ('planner officer set')"
    add_text_row(table, "\n".join(admins) or "geen groep bekend in deze wijk", officer)
    console().print(table)
    return 0


def cmd_group_set(args) -> int:
    g = reg.set_group(store_of(args), args.group_id, name=args.name, registered=args.wabp, ward_code=args.ward,
                      reason=args.reason, date=args.date)
    return say(args, g, f"Groep {g['group_id']} gewijzigd: {g['group_name']} (WABP: "
                         f"{'ja' if g['wabp_registered'] else 'nee'}; wijk: {g['ward_code'] or '-'}).")

def cmd_group_history(args) -> int:
    events = reg.group_history(store_of(args), args.group_id)
    lines = [f"Geschiedenis van groep {args.group_id}:"]
    for e in events:
        extra = "; ".join(v for v in (e["detail"], e["reason"]) if v)
        lines.append(f"  {e['event_date']}  {GROUP_EVENT_NL[e['event']]}" + (f" - {extra}" if extra else ""))
    return say(args, events, "\n".join(lines))

def cmd_admin_set(args) -> int:
    g = reg.set_admin(store_of(args), args.group_id, args.who, name=args.name, phone=args.phone, email=args.email,
                      reason=args.reason, date=args.date, consent=args.wijkagent)
    text = f"Beheerder {args.who} van groep {g['group_id']} gecorrigeerd; de oude gegevens zijn gewist."
    if args.name is None and args.phone is None and args.email is None:
        text = (f"Beheerder {args.who} van groep {g['group_id']}: contact met de wijkagent "
                f"{'gewenst' if args.wijkagent else 'niet gewenst'} (vastgelegd in de geschiedenis).")
    return say(args, g, text)

def cmd_admin_remove(args) -> int:
    from planner.app import outputs
    g = reg.remove_admin(store_of(args), args.group_id, args.who, reason=args.reason, date=args.date)
    stale = [str(p) for p in outputs.internal_outputs(Path.cwd())]
    g = {**g, "may_still_hold": stale}
    text = (f"Beheerder {g['admin_removed']} van groep {g['group_id']} verwijderd; de gegevens zijn gewist. "
            f"De groep heeft nu {len(g['admins'])} beheerder(s).")
    if stale:
        text += ("\nLet op: deze eerder gemaakte interne bestanden kunnen de gewiste gegevens nog bevatten: "
                 f"{', '.join(stale)}. Verwijder ze of maak ze opnieuw; kopieën elders ook.")
    return say(args, g, text)
