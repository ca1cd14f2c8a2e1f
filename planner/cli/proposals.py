"""Commands ``propose`` (where the signs of a ward go) and ``relocate`` (move a sign)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from planner.cli.common import (
    add_input_options,
    add_json_option,
    add_text_row,
    console,
    load_inputs,
    print_json,
)
from planner.cli.parser import example
from planner.core.coords import parse_lonlat, point_rd
from planner.core.vocabulary import UNNAMED_ROAD, road_class_nl
from planner.core.wards import ward_status
from planner.errors import InputError
from planner.siting.proposals import propose_positions
from planner.siting.relocation import relocate_sign


def register(sub) -> None:
    p = sub.add_parser("propose", help="stel plekken voor de borden van een wijk voor, bij de invalswegen",
                       description=(
        "Kiest hoogstens max_signs plekken (beleid) bij de invalswegen van de wijk die samen de\n"
        "belangrijkste invalswegen dekken, met de toelichting per plek. Leest alleen deze wijk en\n"
        "de wegen en borden in de buurt. Voorkeursplekken van de beheerder (--prefer) worden\n"
        "gecontroleerd en overgenomen als ze geldig zijn."),
        epilog=example("planner propose LM04", "planner propose LM01 --max-signs 1 --json",
                       "planner propose LM08 --cover-all", 'planner propose LM01 --prefer "4.9166 52.4336"'))
    p.add_argument("ward", metavar="WARD_CODE", help="wijkcode, bijv. LM01")
    p.add_argument("--max-signs", type=int, metavar="N",
                   help="hoogstens N borden (standaard: max_signs van het beleid)")
    p.add_argument("--cover-all", action="store_true",
                   help="elke invalsweg een bord, met zo min mogelijk borden (set covering)")
    p.add_argument("--prefer", metavar="'LON LAT; LON LAT'", default="",
                   help="voorkeursplekken van de beheerder (lengte eerst), overgenomen als ze geldig zijn")
    add_input_options(p, "wards", "signs", "roads")
    add_json_option(p)
    p.set_defaults(func=cmd_propose)

    p = sub.add_parser("relocate", help="verplaats een bord naar de beste vrije plek in zijn wijk (of toets --to)",
                       description=(
        "Rekent uit waar een bord heen kan: de beste vrije plek in dezelfde wijk (eerst bij zijn\n"
        "oude invalsweg), of toetst de plek van --to. Het invoerbestand verandert niet; in een\n"
        "register verplaatst 'planner sign relocate' het bord echt."),
        epilog=example('planner relocate B001 --reason "wegwerkzaamheden" --json',
                       'planner relocate B001 --reason "verzoek beheerder" --to 4.9178,52.4207'))
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord, bijv. B001")
    p.add_argument("--reason", required=True, metavar="TEXT", help="waarom het bord verplaatst wordt")
    p.add_argument("--to", metavar="LON,LAT", help="te toetsen plek in WGS84-graden, in plaats van zelf kiezen")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="datum van de verplaatsing (standaard: vandaag)")
    add_input_options(p, "wards", "signs", "roads")
    add_json_option(p)
    p.set_defaults(func=cmd_relocate)


def _console():
    return console()  # no highlighting: linear time on long names


def cmd_propose(args) -> int:
    # Only this ward, and the roads and signs near it, are read (national files stay on disk).
    inp = load_inputs(args, "wards", "signs", "roads", optional=("roads", "signs"), ward=args.ward)
    result = propose_positions(args.ward, inp.wards, inp.roads, inp.policy, max_signs=args.max_signs,
                               cover_all=args.cover_all, wishes=args.prefer, signs=inp.signs)
    covered = _covered(inp, result.ward["code"])
    if covered:
        result.notes.insert(0, f"Wijk {result.ward['name']} heeft al borden; volgens het beleid "
                               f"({inp.policy.name}) komen er geen borden bij. Dit voorstel is alleen "
                               "ter informatie (bijvoorbeeld bij verplaatsen).")
    if args.json:
        print_json({**result.to_dict(), "covered": covered})
        return 0
    con = _console()
    ward = result.ward
    if result.needs_review:
        con.print(f"Wijk {ward['name']} ({ward['code']}): geen voorstel. {result.reason}", markup=False)
        return 0
    table = Table(title=Text(f"Voorstel borden wijk {ward['name']} ({ward['code']}, {inp.policy.name})"),
                  show_lines=True)
    for col in ("nr", "weg", "klasse", "RD x, y", "WGS84 lat, lon", "score", "toelichting"):
        table.add_column(col)
    for p in result.proposals:
        cells = (str(p["rank"]), p["road"] or UNNAMED_ROAD, road_class_nl(p["road_class"]), f"{p['x']:.0f}, {p['y']:.0f}",
                 f"{p['lat']:.6f}, {p['lon']:.6f}", f"{p['score']:g}", p["explanation"])
        add_text_row(table, *cells)
    con.print(table)
    for note in result.notes:
        con.print(f"- {note}", markup=False)
    return 0


def _covered(inp, ward_code: str) -> bool:
    """Does the ward already have signs that count under the policy?"""
    if inp.signs is None:
        return False
    status = ward_status(inp.wards, inp.signs, inp.policy)
    return bool(status.loc[status["code"] == ward_code, "covered"].any())


def cmd_relocate(args) -> int:
    if args.date is not None and not args.date.strip():
        raise InputError("--date is leeg; geef een datum (JJJJ-MM-DD) of laat de optie weg")
    to = parse_lonlat(args.to, "--to") if args.to is not None else None
    if to is not None:
        point_rd(*to, source="--to")  # validates: degrees, not swapped, in the Netherlands
    inp = load_inputs(args, "wards", "signs", "roads")
    result = relocate_sign(args.sign_id, inp.signs, inp.wards, inp.roads, inp.policy, args.reason,
                           to=to, date=args.date)
    if args.json:
        print_json(result.to_dict())
        return 0
    _console().print(result.message, markup=False)
    return 0
