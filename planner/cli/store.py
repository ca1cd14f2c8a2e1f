"""Register commands: init, group, officer, contacts, request, sign, export, store.

All work on the register (``--store``, ``$PLANNER_STORE`` or
``./planner.gpkg``; a ``postgresql://`` URL for the shared register). Every change is one transaction; bad input changes
nothing and ends with ``error: ...`` and exit code 2."""

from __future__ import annotations

from pathlib import Path

from planner.app.inputs import INPUT_FILES, LOADERS
from planner.cli.common import (
    add_common_options,
    add_json_option,
    console,
    print_json,
    say,
    store_of,
)
from planner.errors import InputError
from planner.register import export
from planner.register import store as store_mod


def register(sub) -> None:
    """``store check|copy|grant``, ``init`` and ``export``."""
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
    add_common_options(p)
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
    add_common_options(p)
    p.set_defaults(func=cmd_store_grant)

    p = sub.add_parser("init", help="maak het register (GeoPackage) uit de bestanden in data/",
                       description="Maakt het register planner.gpkg (of --store) uit wijken, borden, groepen en\n"
                                   "aanvragen in een map; overschrijft nooit een bestaand register.",
                       epilog="Voorbeelden:\n"
                              "  planner init\n"
                              "  planner init --from mijn --store mijn/planner.gpkg --json")
    p.add_argument("--from", dest="source", metavar="DIR", help="map met de invoerbestanden (standaard: data/)")
    add_common_options(p)
    p.set_defaults(func=cmd_init)

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
    add_common_options(p)
    p.set_defaults(func=cmd_export)

def cmd_store_check(args) -> int:
    path = store_mod.default_path(args.file if args.file is not None else args.store)
    findings = store_mod.check_store(path)
    problems = [f for f in findings if not f.ok]
    if args.json:
        print_json({"store": str(path), "ok": not problems, "checks": [f.to_dict() for f in findings]})
    else:
        lines = [f"Register {path}:"] + [f"  {'ok      ' if f.ok else 'PROBLEEM'}  {f.check}: {f.detail}"
                                         for f in findings]
        console().print("\n".join(lines), soft_wrap=True)
    if problems:
        raise InputError(f"{path}: {len(problems)} controle(s) niet in orde ({', '.join(f.check for f in problems)}); "
                         "zet een reservekopie terug of maak het register opnieuw met 'planner init'")
    return 0

def cmd_store_copy(args) -> int:
    from planner.register import copy as store_copy
    r = store_copy.copy_store(args.src, args.dst)
    total = sum(r["rows"].values())
    return say(args, r, f"Register {r['from']} gekopieerd naar {r['to']}: {total} rijen in {len(r['rows'])} lagen.")

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
    return say(args, {"role": args.role, "gemeente": args.gemeente},
                f"Rol {args.role} mag het register van gemeente {args.gemeente} lezen en wijzigen.")

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
    return say(args, {"store": str(path), **counts},
                f"Register {path} gemaakt: {counts['wards']} wijken, {counts['signs']} borden, "
                f"{counts['groups']} groepen, {counts['requests']} aanvragen.")

def cmd_export(args) -> int:
    if not args.out.strip():
        raise InputError("--out: leeg pad; geef de map voor de export, bijv. --out export")
    formats = ("csv", "geojson") if args.format == "both" else (args.format,)
    files = export.export_register(store_of(args), args.out, formats, internal=args.internal)
    text = "\n".join(f"  geschreven: {f}" for f in files) or "niets geschreven"
    if args.internal:
        text += "\nLet op: deze export bevat persoonsgegevens (AVG); niet publiceren of delen buiten de gemeente."
    return say(args, {"written": [str(f) for f in files], "internal": args.internal}, text)
