"""Register commands: init, group, officer, contacts, request, sign, export, store.

All work on the register (``--store``, ``$PLANNER_STORE`` or
``./planner.gpkg``; a ``postgresql://`` URL for the shared register). Every change is one transaction; bad input changes
nothing and ends with ``error: ...`` and exit code 2.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text

from planner.app import outputs
from planner.app.inputs import INPUT_FILES, LOADERS
from planner.cli.common import (
    add_json_option,
    add_location_options,
    add_store_option,
    add_text_row,
    console,
    location_from_args,
    print_json,
    yes_no,
)
from planner.core.coords import parse_lonlat, point_rd
from planner.core.vocabulary import SIGN_STATUS_NL
from planner.errors import InputError
from planner.register import export
from planner.register import groups as reg
from planner.register import requests as history
from planner.register import store as store_mod

EVENT_NL = {"proposed": "voorgesteld", "approved": "goedgekeurd", "agreed": "plek afgesproken",
            "placed": "geplaatst", "relocated": "verplaatst", "removed": "verwijderd"}


def _common(p) -> None:
    add_store_option(p)
    add_json_option(p)


def register(sub) -> None:
    st = sub.add_parser("store", help="het register zelf: controleren, kopiëren, rechten (PostgreSQL)",
                        description="Opdrachten voor het register zelf: een GeoPackage-bestand of een\n"
                                    "PostgreSQL/PostGIS-database (--store postgresql://...?gemeente=GM0415).",
                        epilog="Voorbeelden:\n"
                               "  planner store check\n"
                               "  planner store check kopie.gpkg --json\n"
                               "  planner store copy planner.gpkg 'postgresql://gis@db/registers?gemeente=GM0415'"
                        ).add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = st.add_parser("check", help="controleer het register: SQLite, GeoPackage-regels, schema, datums",
                      description="Controleert het register: SQLite-integriteit, de GeoPackage-regels, het schema\n"
                                  "en de datums; exit code 2 als er iets niet in orde is.",
                      epilog="Voorbeelden:\n"
                             "  planner store check\n"
                             "  planner store check kopie.gpkg --json")
    p.add_argument("file", nargs="?", metavar="FILE.gpkg", help="register (standaard: --store, $PLANNER_STORE, "
                                                                   "anders planner.gpkg)")
    _common(p)
    p.set_defaults(func=cmd_store_check)
    p = st.add_parser("copy", help="kopieer het register tussen GeoPackage en PostgreSQL/PostGIS",
                      description="Kopieert het register laag voor laag (met de fid's) naar een nieuw register:\n"
                                  "een GeoPackage-bestand of een gemeente in een PostgreSQL/PostGIS-database.\n"
                                  "Het doel moet nieuw zijn; alles of niets.",
                      epilog="Voorbeelden:\n"
                             "  planner store copy planner.gpkg 'postgresql://gis@db.example.org/registers?gemeente=GM0415'\n"
                             "  planner store copy 'postgresql://gis@db/registers?gemeente=GM0415' kopie.gpkg")
    p.add_argument("src", metavar="SRC", help="het register (bestand of postgresql://-URL)")
    p.add_argument("dst", metavar="DST", help="het nieuwe register (bestand of postgresql://-URL)")
    add_json_option(p)
    p.set_defaults(func=cmd_store_copy)
    p = st.add_parser("grant", help="geef een PostgreSQL-rol toegang tot het register van één gemeente",
                      description="Geeft een bestaande PostgreSQL-rol lees- en schrijfrechten op de lagen; de\n"
                                  "row-level security laat de rol alleen de rijen van de gemeente zien.",
                      epilog="Voorbeeld:\n"
                             "  planner store grant medewerker_landsmeer GM0415 --store 'postgresql://gis@db/registers'")
    p.add_argument("role", metavar="ROLE", help="de PostgreSQL-rol")
    p.add_argument("gemeente", metavar="GEMEENTE", help="gemeentecode, bijv. GM0415")
    _common(p)
    p.set_defaults(func=cmd_store_grant)

    p = sub.add_parser("init", help="maak het register (GeoPackage) uit de bestanden in data/",
                       description="Maakt het register planner.gpkg (of --store) uit wijken, borden, groepen en\n"
                                   "aanvragen in een map; overschrijft nooit een bestaand register.",
                       epilog="Voorbeelden:\n"
                              "  planner init\n"
                              "  planner init --from mijn --store mijn/planner.gpkg --json")
    p.add_argument("--from", dest="source", metavar="DIR", help="map met de invoerbestanden (standaard: data/)")
    _common(p)
    p.set_defaults(func=cmd_init)

    g = sub.add_parser("group", help="WhatsApp-groepen en hun beheerders",
                       description="WhatsApp-groepen en hun beheerders (1 tot 3 per groep) in het register.",
                       epilog="Voorbeelden:\n"
                              '  planner group add G20 --name "Buurtapp Noord" --ward LM02 '
                              '--admin "Els Voorbeeld;06-12345678;"\n'
                              "  planner group list\n"
                              "  planner group show G20").add_subparsers(
        dest="action", metavar="ACTION", required=True)
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
    _common(p)
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
    _common(p)
    p.set_defaults(func=cmd_group_add_admin)
    p = g.add_parser("list", help="de groepen (zonder persoonsgegevens)",
                     description="Alle groepen met hun wijken en het aantal beheerders, zonder persoonsgegevens.",
                     epilog="Voorbeelden:\n"
                            "  planner group list\n"
                            "  planner group list --json")
    _common(p)
    p.set_defaults(func=cmd_group_list)
    p = g.add_parser("show", help="één groep met de contactgegevens van de beheerders (intern)",
                     description="Eén groep met de namen, telefoonnummers en e-mailadressen van de beheerders\n"
                                 "(persoonsgegevens: alleen voor intern gebruik).",
                     epilog="Voorbeeld:\n"
                            "  planner group show G20")
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    _common(p)
    p.set_defaults(func=cmd_group_show)
    p = g.add_parser("remove", help="wis de beheerders van een groep (AVG); de geschiedenis blijft anoniem",
                     description="Wist de persoonsgegevens van de beheerders (secure_delete); aanvragen, besluiten\n"
                                 "en de geschiedenis van de borden blijven onder het groeps-id bewaard.",
                     epilog="Voorbeeld:\n"
                            "  planner group remove G20")
    p.add_argument("group_id", metavar="GROUP_ID", help="id van de groep")
    _history_options(p)
    _common(p)
    p.set_defaults(func=cmd_group_remove)

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
    _common(p)
    p.set_defaults(func=cmd_officer_set)

    p = sub.add_parser("contacts", help="de beheerders en de wijkagent van een wijk naast elkaar",
                       description="De beheerders van de groepen in een wijk en de wijkagent, naast elkaar\n"
                                   "(persoonsgegevens: alleen voor intern gebruik).",
                       epilog="Voorbeelden:\n"
                              "  planner contacts LM04\n"
                              "  planner contacts LM04 --json")
    p.add_argument("ward_code", metavar="WARD_CODE", help="wijkcode, bijv. LM04")
    _common(p)
    p.set_defaults(func=cmd_contacts)

    r = sub.add_parser("request", help="aanvragen voor borden",
                       description="Aanvragen voor borden in het register; beslissen doet 'planner decide'.",
                       epilog="Voorbeelden:\n"
                              "  planner request add --group G20 --at 4.9045,52.4399\n"
                              "  planner request list --pending").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = r.add_parser("add", help="leg een aanvraag vast (beslis met 'planner decide')",
                     description="Legt een aanvraag van een groep vast op een plek (WGS84, RD New of een adres);\n"
                                 "'planner decide' beslist hem.",
                     epilog="Voorbeelden:\n"
                            "  planner request add --group G20 --at 4.9045,52.4399 --preferred \"4.905 52.440\"\n"
                            "  planner request add --group G20 --address \"1121 AB 12\"")
    p.add_argument("--group", required=True, metavar="GROUP_ID", help="de groep die aanvraagt")
    add_location_options(p)
    p.add_argument("--id", dest="request_id", help="id van de aanvraag (standaard: R0001, R0002, ...)")
    p.add_argument("--date", help="datum van de aanvraag, JJJJ-MM-DD (standaard: vandaag)")
    p.add_argument("--preferred", default="", metavar="'LON LAT; LON LAT'",
                   help="voorkeursplekken van de beheerder, lengte eerst (optioneel)")
    _common(p)
    p.set_defaults(func=cmd_request_add)
    p = r.add_parser("list", help="de aanvragen",
                     description="De aanvragen in het register met hun status (open of beslist).",
                     epilog="Voorbeelden:\n"
                            "  planner request list\n"
                            "  planner request list --pending --json")
    p.add_argument("--pending", action="store_true", help="alleen aanvragen die nog niet beslist zijn")
    _common(p)
    p.set_defaults(func=cmd_request_list)

    s = sub.add_parser("sign", help="plaats, verplaats of verwijder een bord; de geschiedenis",
                       description="Borden in het register: plaatsen, verplaatsen, verwijderen, en hun geschiedenis.",
                       epilog="Voorbeelden:\n"
                              "  planner sign place A002-1\n"
                              "  planner sign remove B004 --reason \"wijk opgeheven\"\n"
                              "  planner sign history A002-1").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = s.add_parser("place", help="een gepland bord is geplaatst",
                     description="Legt vast dat een gepland bord geplaatst is (nooit vóór de toekenning).",
                     epilog="Voorbeeld:\n"
                            "  planner sign place A002-1 --date 2026-10-01")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord, bijv. A002-1")
    p.add_argument("--date", help="JJJJ-MM-DD (standaard: vandaag)")
    _common(p)
    p.set_defaults(func=cmd_sign_place)
    p = s.add_parser("relocate", help="verplaats een bord binnen zijn wijk, met een reden",
                     description="Verplaatst een bord binnen zijn wijk: naar --to/--to-rd (getoetst zoals\n"
                                 "'planner relocate') of, zonder, naar de beste vrije plek; met de reden.",
                     epilog="Voorbeelden:\n"
                            "  planner sign relocate A002-2 --to-rd 123750,493900 --reason \"paal vervangen\"\n"
                            "  planner sign relocate B003 --reason \"wegwerkzaamheden\"")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord")
    to = p.add_mutually_exclusive_group()
    to.add_argument("--to", metavar="LON,LAT", help="nieuwe plek in WGS84-graden, lengte eerst")
    to.add_argument("--to-rd", metavar="X,Y", help="nieuwe plek in RD New-meters")
    p.add_argument("--force", action="store_true",
                   help="neem --to/--to-rd over, ook niet bij een bekende weg of dicht bij een ander bord "
                        "(de gemeente kent de plek); de plek moet wel in de wijk van het bord liggen")
    p.add_argument("--reason", required=True, help="waarom het bord verplaatst wordt")
    p.add_argument("--date", help="JJJJ-MM-DD (standaard: vandaag)")
    p.add_argument("--roads", metavar="FILE", help="wegen om zonder --to de beste vrije plek te kiezen "
                                                   "(standaard: data/wegen.geojson)")
    p.add_argument("--policy", metavar="NAME|FILE.toml", help="beleid om zonder --to een plek te kiezen")
    _common(p)
    p.set_defaults(func=cmd_sign_relocate)
    p = s.add_parser("remove", help="haal een bord weg (het blijft in de geschiedenis)",
                     description="Haalt een bord weg, met de reden; het blijft in de geschiedenis staan.",
                     epilog="Voorbeeld:\n"
                            "  planner sign remove B004 --reason \"wijk opgeheven\"")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord")
    p.add_argument("--reason", required=True, help="waarom het bord weggaat")
    p.add_argument("--date", help="JJJJ-MM-DD (standaard: vandaag)")
    _common(p)
    p.set_defaults(func=cmd_sign_remove)
    p = s.add_parser("history", help="elke gebeurtenis van een bord",
                     description="Elke gebeurtenis van een bord: voorgesteld, toegekend, geplaatst, verplaatst, weg.",
                     epilog="Voorbeelden:\n"
                            "  planner sign history A002-1\n"
                            "  planner sign history B001 --json")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord")
    _common(p)
    p.set_defaults(func=cmd_sign_history)
    p = s.add_parser("list", help="alle borden in het register",
                     description="Alle borden in het register met status, wijk, straat en plaatsingsdatum.",
                     epilog="Voorbeelden:\n"
                            "  planner sign list\n"
                            "  planner sign list --json")
    _common(p)
    p.set_defaults(func=cmd_sign_list)

    p = sub.add_parser("export", help="openbare export (CSV/GeoJSON) zonder persoonsgegevens",
                       description="Schrijft de lagen van het register als CSV en GeoJSON (RFC 7946). De openbare\n"
                                   "export bevat geen persoonsgegevens en geen plekken van aanvragen; --internal\n"
                                   "voegt aanvragen, voorstellen, beheerders en wijkagenten toe.",
                       epilog="Voorbeelden:\n"
                              "  planner export --out export\n"
                              "  planner export --internal --out intern --json")
    p.add_argument("--out", metavar="DIR", default="export", help="uitvoermap (standaard: export)")
    p.add_argument("--internal", action="store_true",
                   help="ook aanvragen, voorstellen, beheerders en wijkagenten: PERSOONSGEGEVENS, alleen voor "
                        "interne systemen")
    p.add_argument("--format", choices=["csv", "geojson", "both"], default="both",
                   help="bestandsformaat (standaard: both, CSV en GeoJSON)")
    _common(p)
    p.set_defaults(func=cmd_export)


def _store(args) -> store_mod.Store:
    return store_mod.Store(store_mod.default_path(getattr(args, "store", None)))


def _con():
    return console()


def _say(args, data, text: str) -> int:
    if args.json:
        print_json(data)
    else:
        _con().print(text)
    return 0


# ----------------------------------------------------------------- store check


def cmd_store_check(args) -> int:
    path = store_mod.default_path(args.file if args.file is not None else args.store)
    findings = store_mod.check_store(path)
    problems = [f for f in findings if not f.ok]
    if args.json:
        print_json({"store": str(path), "ok": not problems, "checks": [f.to_dict() for f in findings]})
    else:
        lines = [f"Register {path}:"] + [f"  {'ok      ' if f.ok else 'PROBLEEM'}  {f.check}: {f.detail}"
                                         for f in findings]
        _con().print("\n".join(lines), soft_wrap=True)
    if problems:
        raise InputError(f"{path}: {len(problems)} controle(s) niet in orde ({', '.join(f.check for f in problems)}); "
                         "zet een reservekopie terug of maak het register opnieuw met 'planner init'")
    return 0


def cmd_store_copy(args) -> int:
    from planner.register import copy as store_copy
    r = store_copy.copy_store(args.src, args.dst)
    total = sum(r["rows"].values())
    return _say(args, r, f"Register {r['from']} gekopieerd naar {r['to']}: {total} rijen in {len(r['rows'])} lagen.")


def cmd_store_grant(args) -> int:
    from planner import settings
    from planner.register import postgres as store_pg
    path = store_mod.default_path(args.store)
    if not store_pg.is_url(path):
        raise InputError("store grant is voor een PostgreSQL-register; geef --store postgresql://...")
    loc = store_pg.Location(path.url)
    loc.gemeente = args.gemeente
    with store_pg.transaction(loc, settings.busy_timeout()) as con:
        store_pg.grant(con, args.role, args.gemeente)
    return _say(args, {"role": args.role, "gemeente": args.gemeente},
                f"Rol {args.role} mag het register van gemeente {args.gemeente} lezen en wijzigen.")


# ----------------------------------------------------------------- init


def cmd_init(args) -> int:
    from planner.app.inputs import data_dir
    folder = Path(args.source) if args.source else data_dir()
    if not folder.is_dir():
        raise InputError(f"{folder}: " + ("is een bestand, geen map" if folder.exists() else "map bestaat niet")
                         + "; geef met --from de map met wijken.geojson (en borden, groepen, aanvragen)")
    path = store_mod.default_path(args.store)
    if not store_mod.store_pg.is_url(path) and path.exists():
        raise InputError(f"{path}: register bestaat al; kies een andere naam of verwijder het eerst")
    wards = LOADERS["wards"](folder / INPUT_FILES["wards"])
    signs, groups, requests = (
        LOADERS[name](folder / INPUT_FILES[name]) if (folder / INPUT_FILES[name]).exists() else None
        for name in ("signs", "groups", "requests"))
    store_mod.create_store(path, wards, signs, groups, requests, source=str(folder))
    counts = {"wards": len(wards), "signs": 0 if signs is None else len(signs),
              "groups": 0 if groups is None else groups["group_id"].nunique(),
              "requests": 0 if requests is None else len(requests)}
    return _say(args, {"store": str(path), **counts},
                f"Register {path} gemaakt: {counts['wards']} wijken, {counts['signs']} borden, "
                f"{counts['groups']} groepen, {counts['requests']} aanvragen.")


# ----------------------------------------------------------------- groups, officers


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
    g = reg.add_group(_store(args), args.group_id, args.name, admins, registered=args.wabp,
                      ward_code=args.ward, reason=args.reason, date=args.date, consent=consent)
    return _say(args, g, f"Groep {g['group_id']} ({g['group_name']}) toegevoegd met {len(g['admins'])} beheerder(s).")


def cmd_group_add_admin(args) -> int:
    g = reg.add_admin(_store(args), args.group_id, reg.parse_admin(args.admin), reason=args.reason,
                      date=args.date, consent=args.wijkagent)
    return _say(args, g, f"Beheerder toegevoegd aan groep {g['group_id']}; nu {len(g['admins'])} beheerder(s).")


def cmd_group_list(args) -> int:
    groups = reg.list_groups(_store(args))
    if args.json:
        print_json(groups)
        return 0
    table = Table(title="Groepen")
    for col in ("groep", "naam", "WABP", "wijken", "beheerders"):
        table.add_column(col)
    for g in groups:
        add_text_row(table, g["group_id"], g["group_name"], "ja" if g["wabp_registered"] else "nee",
                      ", ".join(g["wards"]) or "-", str(g["admins"]))
    _con().print(table)
    return 0


def _contact_line(c: dict) -> str:
    return ", ".join(v for v in (c["name"], c["phone"], c["email"]) if v)


def cmd_group_show(args) -> int:
    g = reg.show_group(_store(args), args.group_id)
    lines = [f"Groep {g['group_id']}: {g['group_name']} (WABP: {'ja' if g['wabp_registered'] else 'nee'}; "
             f"wijken: {', '.join(g['wards']) or '-'})"]
    lines += [f"  beheerder {a['nr']}: {_contact_line(a)} (wijkagent: {'ja' if a['wijkagent'] else 'nee'})"
              for a in g["admins"]]
    return _say(args, g, "\n".join(lines))


def cmd_group_remove(args) -> int:
    r = reg.remove_group(_store(args), args.group_id, reason=args.reason, date=args.date)
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
    return _say(args, r, text)


# Internal outputs that hold admins' contact data: the internal overview map, internal exports, letters.
def cmd_officer_set(args) -> int:
    officer = reg.contact(args.name, args.phone, args.email, who="wijkagent")
    r = reg.set_officer(_store(args), args.ward_code, officer)
    return _say(args, r, f"Wijkagent van {r['ward_code']}: {_contact_line(r['officer'])}.")


def cmd_contacts(args) -> int:
    c = reg.contacts(_store(args), args.ward_code)
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
    _con().print(table)
    return 0


# ----------------------------------------------------------------- requests, signs


def cmd_request_add(args) -> int:
    point, _ = location_from_args(args)
    r = history.add_request(_store(args), point, args.group, request_id=args.request_id, date=args.date,
                            preferred=args.preferred)
    return _say(args, r, f"Aanvraag {r['request_id']} van groep {r['group_id']} vastgelegd "
                         f"(wijk {r['ward_code'] or 'geen'}); beslis met 'planner decide'.")


def cmd_request_list(args) -> int:
    rows = history.list_requests(_store(args), "pending" if args.pending else None)
    if args.json:
        print_json(rows)
        return 0
    table = Table(title="Aanvragen")
    for col in ("aanvraag", "datum", "groep", "wijk", "stand"):
        table.add_column(col)
    for r in rows:
        add_text_row(table, r["request_id"], r["date"], r["group_id"], r["ward_code"] or "-", r["state_nl"])
    _con().print(table)
    return 0


def _sign_text(s: dict) -> str:
    street = f" ({s['street']})" if s.get("street") else ""
    return f"Bord {s['id']}{street} in wijk {s['ward_code'] or '-'}: {SIGN_STATUS_NL[s['status']]} (RD {s['x']}, {s['y']})."


def cmd_sign_place(args) -> int:
    s = history.place_sign(_store(args), args.sign_id, date=args.date)
    return _say(args, s, _sign_text(s))


def _relocation_chooser(base, reason: str, target=None, *, force: bool = False):
    """Chooser for ``sign relocate``: checks ``target`` (inside the ward, near a
    public road, spaced from other signs) or, without one, picks the best free
    candidate in the ward; the same rules as ``planner relocate``. ``force``
    keeps the target unchecked (the register still refuses another ward)."""
    import shapely

    from planner.siting.relocation import relocate_sign as plan_move

    def choose(sign_id, layers):
        if force and target is not None:
            return target, "plek gekozen door de gemeente"
        r = plan_move(sign_id, layers["signs"], layers["wards"], base.roads, base.policy, reason, to=target)
        if not r.moved:
            raise InputError(f"bord {sign_id} blijft staan: {r.message}")
        if target is not None:
            return target, ""
        road = f"op {r.to['road']}" if r.to.get("road") else ""
        return shapely.Point(r.to["x"], r.to["y"]), f"beste vrije plek {road}".strip()

    return choose


def cmd_sign_relocate(args) -> int:
    to = None
    if args.to is not None:
        lon, lat = parse_lonlat(args.to, "--to")
        to = point_rd(lon, lat, source="--to")
    elif args.to_rd is not None:
        x, y = parse_lonlat(args.to_rd, "--to-rd")
        to = point_rd(x=x, y=y, source="--to-rd")
    from planner.cli.common import load_inputs
    base = load_inputs(args, "roads", optional=("roads",))  # the new street; the best spot without --to
    store = _store(args)
    before = history.sign_info(store, args.sign_id)
    s = history.relocate_sign(store, args.sign_id, None, reason=args.reason, date=args.date,
                              chooser=_relocation_chooser(base, args.reason, to, force=args.force),
                              roads=base.roads)
    street = f"{s['street']}, " if s["street"] else ""
    return _say(args, s, f"Bord {s['id']} verplaatst van RD {before['x']}, {before['y']} naar RD {s['x']}, "
                         f"{s['y']} ({street}wijk {s['ward_code']}).")


def cmd_sign_remove(args) -> int:
    s = history.remove_sign(_store(args), args.sign_id, reason=args.reason, date=args.date)
    return _say(args, s, _sign_text(s))


def cmd_sign_history(args) -> int:
    events = history.sign_history(_store(args), args.sign_id)
    if args.json:
        print_json(events)
        return 0
    table = Table(title=Text(f"Geschiedenis bord {args.sign_id}"))
    for col in ("datum", "gebeurtenis", "positie (RD)", "aanvraag", "reden"):
        table.add_column(col)
    for e in events:
        where = f"{e['x']}, {e['y']}"
        if "from_x" in e:
            where = f"{e['from_x']}, {e['from_y']} -> {where}"
        add_text_row(table, e["event_date"], EVENT_NL[e["event"]], where, e["request_id"] or "-", e["reason"])
    _con().print(table)
    return 0


def cmd_sign_list(args) -> int:
    df = history.signs_frame(_store(args))
    rows = [{"id": r.sign_id, "status": r.status, "ward_code": r.ward_code, "street": r.street,
             "placed_on": r.placed_on, "request_id": r.request_id,
             "x": round(r.geometry.x, 1), "y": round(r.geometry.y, 1)} for r in df.itertuples()]
    if args.json:
        print_json(rows)
        return 0
    table = Table(title="Borden")
    for col in ("bord", "status", "wijk", "straat", "geplaatst op"):
        table.add_column(col)
    for r in rows:
        add_text_row(table, r["id"], SIGN_STATUS_NL[r["status"]], r["ward_code"] or "-", r["street"], r["placed_on"])
    _con().print(table)
    return 0


def cmd_export(args) -> int:
    if not args.out.strip():
        raise InputError("--out: leeg pad; geef de map voor de export, bijv. --out export")
    formats = ("csv", "geojson") if args.format == "both" else (args.format,)
    files = export.export_register(_store(args), args.out, formats, internal=args.internal)
    text = "\n".join(f"  geschreven: {f}" for f in files) or "niets geschreven"
    if args.internal:
        text += "\nLet op: deze export bevat persoonsgegevens (AVG); niet publiceren of delen buiten de gemeente."
    return _say(args, {"written": [str(f) for f in files], "internal": args.internal}, text)

