"""Register commands for the life of a request and real-life register edits.

``request show|resolve|agree`` (added to the ``request`` command),
``group set|history`` (added to ``group``) and ``admin set|remove``. Every
change is one transaction with a date and a reason in the history; bad
input changes nothing and ends with ``error: ...`` and exit code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from planner.app import lifecycle
from planner.cli.common import (
    add_json_option,
    add_store_option,
    console,
    load_inputs,
    print_json,
    yes_no,
)
from planner.cli.parser import example
from planner.core import policy as policy_mod
from planner.core.coords import parse_lonlat, parse_wishes, point_rd
from planner.core.vocabulary import OUTCOME_NL, date_nl
from planner.errors import InputError
from planner.register import groups as reg
from planner.register.requests import REQUEST_STATES


def _common(p) -> None:
    add_store_option(p)
    add_json_option(p)


def _actions(sub, command: str):
    """The subcommand action of an existing command (``request``, ``group``) to add actions to."""
    parser = sub.choices[command]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError(f"command {command} has no actions")  # a bug: the register module changed


def _roads_options(p) -> None:
    p.add_argument("--roads", metavar="FILE", help="wegen, voor de plekken en de controle (standaard: "
                                                   "data/wegen.geojson als die er is)")
    p.add_argument("--policy", metavar="NAME|FILE.toml",
                   help="beleid (standaard: het beleid waaronder de aanvraag is beslist)")


def register(sub) -> None:
    r = _actions(sub, "request")
    p = r.add_parser("show", help="één aanvraag: stand, besluit, borden, wens en geschiedenis (intern)",
                     description="Toont de echte stand van een aanvraag (ontvangen, beslist, ter beoordeling,\n"
                                 "toegekend, plekken voorgesteld/afgesproken, borden geplaatst), het besluit en de\n"
                                 "afhandeling, de borden, de wens van de beheerder met de beste keuze van de gemeente\n"
                                 "met en zonder die wens, en de geschiedenis. Bevat de locatie van de aanvraag\n"
                                 "(kan een woning zijn): intern.",
                     epilog=example("planner request show A002", "planner request show A008 --json"))
    p.add_argument("request_id", metavar="REQUEST_ID", help="id van de aanvraag")
    _roads_options(p)
    _common(p)
    p.set_defaults(func=cmd_request_show)

    p = r.add_parser("resolve", help="handel een aanvraag ter beoordeling af: toekennen of afwijzen, met reden",
                     description="Een medewerker handelt een aanvraag ter beoordeling af. Het besluit blijft staan;\n"
                                 "de afhandeling komt er met datum en reden bij. Een toekenning wordt getoetst zoals\n"
                                 "'planner decide' dat nu zou doen (wijk inmiddels gedekt of al in behandeling:\n"
                                 "geweigerd) en krijgt voorgestelde plekken als er wegen zijn.",
                     epilog=example('planner request resolve A004 --approve --reason "groep aangemeld, G99 bekend"',
                                    'planner request resolve A007 --reject --reason "alleen water in de wijk"',
                                    'planner request resolve R0003 --approve --ward LM02 --reason "voor LM02"'))
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--approve", action="store_true", help="toekennen")
    how.add_argument("--reject", action="store_true", help="afwijzen")
    p.add_argument("request_id", metavar="REQUEST_ID", help="id van de aanvraag")
    p.add_argument("--reason", required=True, help="waarom (komt in de geschiedenis en in de brief)")
    p.add_argument("--ward", metavar="WARD_CODE", help="de wijk, bij een aanvraag op de grens van twee wijken")
    p.add_argument("--date", help="datum van de afhandeling, JJJJ-MM-DD (standaard: vandaag)")
    _roads_options(p)
    _common(p)
    p.set_defaults(func=cmd_request_resolve)

    p = r.add_parser("agree", help="leg de plekken vast die met de beheerder zijn afgesproken",
                     description="Legt de plekken vast die met de beheerder zijn afgesproken. Zonder plekken blijven\n"
                                 "de voorgestelde plekken; --at/--at-rd (herhaal per bord) neemt plekken uit het\n"
                                 "gesprek, gecontroleerd zoals 'planner sign relocate'; --with-wish/--without-wish\n"
                                 "neemt de beste keuze van de gemeente met of zonder de wens van de beheerder.",
                     epilog=example("planner request agree A002",
                                    "planner request agree A008 --without-wish --note \"wens ligt te dicht bij de grens\"",
                                    "planner request agree A009 --at 4.9021,52.4352 --at 4.9060,52.4321"))
    p.add_argument("request_id", metavar="REQUEST_ID", help="id van de aanvraag")
    p.add_argument("--at", action="append", metavar="LON,LAT", help="afgesproken plek in WGS84 (herhaal per bord)")
    p.add_argument("--at-rd", action="append", metavar="X,Y", help="afgesproken plek in RD New (herhaal per bord)")
    wish = p.add_mutually_exclusive_group()
    wish.add_argument("--with-wish", action="store_true", help="de beste keuze met de wens van de beheerder")
    wish.add_argument("--without-wish", action="store_true", help="de beste keuze zonder de wens")
    p.add_argument("--force", action="store_true",
                   help="neem --at/--at-rd ook niet bij een bekende weg of dicht bij een ander bord (de gemeente "
                        "kent de plek); de plek moet wel in de wijk liggen")
    p.add_argument("--note", default="", help="wat er is afgesproken (optioneel)")
    p.add_argument("--date", help="datum van de afspraak, JJJJ-MM-DD (standaard: vandaag)")
    _roads_options(p)
    _common(p)
    p.set_defaults(func=cmd_request_agree)

    g = _actions(sub, "group")
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
    _common(p)
    p.set_defaults(func=cmd_group_set)
    p = g.add_parser("history", help="de geschiedenis van een groep (zonder persoonsgegevens)",
                     description="Elke wijziging van een groep en haar beheerders, met datum en reden; welke\n"
                                 "gegevens veranderden, nooit de gegevens zelf.",
                     epilog=example("planner group history G02"))
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    _common(p)
    p.set_defaults(func=cmd_group_history)

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
    _common(p)
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
    _common(p)
    p.set_defaults(func=cmd_admin_remove)


def _store(args):
    from planner.register import store as store_mod
    return store_mod.Store(store_mod.default_path(getattr(args, "store", None)))


def _say(args, data, text: str) -> int:
    if args.json:
        print_json(data)
    else:
        console().print(text)
    return 0


def _roads_and_policy(args):
    base = load_inputs(args, "roads", optional=("roads",))
    return base.roads, (policy_mod.resolve(args.policy) if args.policy else None)


# ----------------------------------------------------------------- requests


def _where(p: dict) -> str:
    return f"{p.get('road') or 'naamloze weg'} ({p['lat']:.5f}, {p['lon']:.5f})"


def _option_lines(options: dict | None) -> list[str]:
    if not options:
        return []
    lines = []
    for k, w in enumerate(options["wishes"], start=1):
        lines.append(f"  wens {k}: {'geldig' if w['valid'] else 'niet geldig'} - {w['explanation']}")

    def alt(label, summary):
        if summary is None:
            return
        spots = "; ".join(f"{p['rank']}. {_where(p)}" for p in summary["proposals"]) or "geen plek"
        lines.append(f"  {label}: {spots} - dekt {summary['entries_covered']} van {summary['entries']} "
                     f"invalswegen (gewicht {summary['weight_covered']:g} van {summary['weight']:g})")
    chosen = options.get("chosen")  # only after 'request agree'
    alt("beste keuze zonder wens" + (" (gekozen)" if chosen == "without_wish" else ""), options["without_wish"])
    alt("beste keuze met wens" + (" (gekozen)" if chosen == "with_wish" else ""), options["with_wish"])
    if chosen:
        lines.append(f"  gekozen bij de afspraak met de beheerder: {lifecycle.CHOICE_NL[chosen]}")
    head = "Wens van de beheerder en de keuze van de gemeente:" if options["wishes"] else "Keuze van de gemeente:"
    return [head] + lines if lines else []


def request_text(info: dict) -> str:
    """The Dutch text of ``planner request show`` (and of resolve/agree)."""
    ward = f"wijk {info['ward']['name']} ({info['ward']['code']})" if info["ward"] else "geen wijk"
    lines = [f"Aanvraag {info['request_id']} van {date_nl(info['date'])}, groep {info['group_id']}, {ward}",
             f"Stand: {info['state_nl']}"]
    d = info["decision"]
    if d:
        lines.append(f"Besluit ({date_nl(d['decided_at'])}, beleid {d['policy']}): {OUTCOME_NL[d['outcome']]} - "
                     f"{d['reason']}")
    res = info["resolution"]
    if res:
        lines.append(f"Afgehandeld na beoordeling ({date_nl(res['date'])}): {OUTCOME_NL[res['outcome']]} - {res['reason']}")
    if info["agreed"]:
        lines.append(f"Plekken afgesproken met de beheerder ({date_nl(info['agreed']['date'])}; {info['agreed']['source']})"
                     + (f": {info['agreed']['note']}" if info["agreed"]["note"] else ""))
    if info["signs"]:
        lines.append("Borden:")
        lines += [f"  {s['id']}: {s['status_nl']}, {_where({'road': s['street'], **s})}" for s in info["signs"]]
    if info["preferred"]:
        wishes = "; ".join(f"({lat:.5f}, {lon:.5f})" for lon, lat in parse_wishes(info["preferred"]))
        lines.append(f"Voorkeursplek(ken) van de beheerder: {wishes}")
    lines += _option_lines(info.get("options"))
    lines.append("Geschiedenis:")
    for h in info["history"]:
        reason = f" - {h['reason']}" if h["reason"] else ""
        lines.append(f"  {h['date']}  {h['subject']}: {h['event_nl']}{reason}")
    return "\n".join(lines)


def cmd_request_show(args) -> int:
    roads, policy = _roads_and_policy(args)
    info = lifecycle.show_request(_store(args), args.request_id, roads=roads, policy=policy)
    return _say(args, info, request_text(info))


def cmd_request_resolve(args) -> int:
    roads, policy = _roads_and_policy(args)
    info = lifecycle.resolve_request(_store(args), args.request_id, approve=args.approve, reason=args.reason,
                                     ward=args.ward, date=args.date, roads=roads, policy=policy)
    what = OUTCOME_NL[info["outcome"]]
    text = f"Aanvraag {info['request_id']} afgehandeld: {what}. Stand: {info['state_nl']}."
    if info["state"] == "proposed":
        text += f"\nSpreek de plekken af met de beheerder: 'planner request agree {info['request_id']}'."
    elif info["state"] == "approved_open":
        text += (f"\nGeen voorgestelde plekken (geen wegen of invalswegen); leg de afgesproken plekken vast met "
                 f"'planner request agree {info['request_id']} --at LON,LAT'.")
    text += f"\nBrief aan de beheerder(s): 'planner brief {info['request_id']}'."
    return _say(args, info, text)


def _positions(args) -> list | None:
    points = []
    for value in args.at or []:
        lon, lat = parse_lonlat(value, "--at")
        points.append(point_rd(lon, lat, source="--at"))
    for value in args.at_rd or []:
        x, y = parse_lonlat(value, "--at-rd")
        points.append(point_rd(x=x, y=y, source="--at-rd"))
    return points or None


def cmd_request_agree(args) -> int:
    positions = _positions(args)
    if positions is None and args.force:
        raise InputError("--force hoort bij --at/--at-rd (plekken die de gemeente kent)")
    choice = "with_wish" if args.with_wish else "without_wish" if args.without_wish else "proposals"
    roads, policy = _roads_and_policy(args)
    info = lifecycle.agree_positions(_store(args), args.request_id, positions=positions, choice=choice,
                                     force=args.force, note=args.note, date=args.date, roads=roads, policy=policy)
    spots = "\n".join(f"  {s['id']}: {_where({'road': s['street'], **s})}" for s in info["signs"]
                      if s["status"] != "removed")
    text = (f"Plekken van aanvraag {info['request_id']} afgesproken met de beheerder:\n{spots}\n"
            f"Stand: {info['state_nl']}. Plaats de borden met 'planner sign place BORD'.")
    lines = _option_lines(info.get("options"))
    if lines:
        text += "\n" + "\n".join(lines)
    return _say(args, info, text)


# ----------------------------------------------------------------- groups and admins


GROUP_EVENT_NL = {"added": "toegevoegd", "changed": "gewijzigd", "removed": "verwijderd (beheerders gewist)",
                  "readded": "opnieuw toegevoegd", "admin_added": "beheerder toegevoegd",
                  "admin_changed": "beheerder gecorrigeerd", "admin_removed": "beheerder verwijderd"}


def cmd_group_set(args) -> int:
    g = reg.set_group(_store(args), args.group_id, name=args.name, registered=args.wabp, ward_code=args.ward,
                      reason=args.reason, date=args.date)
    return _say(args, g, f"Groep {g['group_id']} gewijzigd: {g['group_name']} (WABP: "
                         f"{'ja' if g['wabp_registered'] else 'nee'}; wijk: {g['ward_code'] or '-'}).")


def cmd_group_history(args) -> int:
    events = reg.group_history(_store(args), args.group_id)
    lines = [f"Geschiedenis van groep {args.group_id}:"]
    for e in events:
        extra = "; ".join(v for v in (e["detail"], e["reason"]) if v)
        lines.append(f"  {e['event_date']}  {GROUP_EVENT_NL[e['event']]}" + (f" - {extra}" if extra else ""))
    return _say(args, events, "\n".join(lines))


def cmd_admin_set(args) -> int:
    g = reg.set_admin(_store(args), args.group_id, args.who, name=args.name, phone=args.phone, email=args.email,
                      reason=args.reason, date=args.date, consent=args.wijkagent)
    text = f"Beheerder {args.who} van groep {g['group_id']} gecorrigeerd; de oude gegevens zijn gewist."
    if args.name is None and args.phone is None and args.email is None:
        text = (f"Beheerder {args.who} van groep {g['group_id']}: contact met de wijkagent "
                f"{'gewenst' if args.wijkagent else 'niet gewenst'} (vastgelegd in de geschiedenis).")
    return _say(args, g, text)


def cmd_admin_remove(args) -> int:
    from planner.app import outputs
    g = reg.remove_admin(_store(args), args.group_id, args.who, reason=args.reason, date=args.date)
    stale = [str(p) for p in outputs.internal_outputs(Path.cwd())]
    g = {**g, "may_still_hold": stale}
    text = (f"Beheerder {g['admin_removed']} van groep {g['group_id']} verwijderd; de gegevens zijn gewist. "
            f"De groep heeft nu {len(g['admins'])} beheerder(s).")
    if stale:
        text += ("\nLet op: deze eerder gemaakte interne bestanden kunnen de gewiste gegevens nog bevatten: "
                 f"{', '.join(stale)}. Verwijder ze of maak ze opnieuw; kopieën elders ook.")
    return _say(args, g, text)


__all__ = ["register", "request_text", "REQUEST_STATES"]
