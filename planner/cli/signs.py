"""The register commands for signs: place, relocate, remove, their history and the list."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from planner.cli.common import (
    add_common_options,
    add_text_row,
    console,
    print_json,
    say,
    store_of,
)
from planner.core.coords import parse_lonlat, point_rd
from planner.core.vocabulary import SIGN_EVENT_NL, SIGN_STATUS_NL
from planner.errors import InputError
from planner.register import requests as history


def register(sub) -> None:
    """``sign place|relocate|remove|history|list``."""
    s = sub.add_parser("sign", help="plaats, verplaats of verwijder een bord; de geschiedenis",
                       description="Borden in het register: plaatsen, verplaatsen, verwijderen, en hun geschiedenis.",
                       epilog="Voorbeelden:\n"
                              "  planner sign place A002-1\n"
                              "  planner sign remove B004 --reason \"wijk opgeheven\"\n"
                              "  planner sign history A002-1").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    _sign_move_actions(s)
    _sign_other_actions(s)

def _sign_move_actions(s) -> None:
    """``sign place`` and ``sign relocate``."""
    p = s.add_parser("place", help="een gepland bord is geplaatst",
                     description="Legt vast dat een gepland bord geplaatst is (nooit vóór de toekenning).",
                     epilog="Voorbeeld:\n"
                            "  planner sign place A002-1 --date 2026-10-01")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord, bijv. A002-1")
    p.add_argument("--date", help="JJJJ-MM-DD (standaard: vandaag)")
    add_common_options(p)
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
    add_common_options(p)
    p.set_defaults(func=cmd_sign_relocate)

def _sign_other_actions(s) -> None:
    """``sign remove``, ``sign history`` and ``sign list``."""
    p = s.add_parser("remove", help="haal een bord weg (het blijft in de geschiedenis)",
                     description="Haalt een bord weg, met de reden; het blijft in de geschiedenis staan.",
                     epilog="Voorbeeld:\n"
                            "  planner sign remove B004 --reason \"wijk opgeheven\"")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord")
    p.add_argument("--reason", required=True, help="waarom het bord weggaat")
    p.add_argument("--date", help="JJJJ-MM-DD (standaard: vandaag)")
    add_common_options(p)
    p.set_defaults(func=cmd_sign_remove)
    p = s.add_parser("history", help="elke gebeurtenis van een bord",
                     description="Elke gebeurtenis van een bord: voorgesteld, toegekend, geplaatst, verplaatst, weg.",
                     epilog="Voorbeelden:\n"
                            "  planner sign history A002-1\n"
                            "  planner sign history B001 --json")
    p.add_argument("sign_id", metavar="SIGN_ID", help="id van het bord")
    add_common_options(p)
    p.set_defaults(func=cmd_sign_history)
    p = s.add_parser("list", help="alle borden in het register",
                     description="Alle borden in het register met status, wijk, straat en plaatsingsdatum.",
                     epilog="Voorbeelden:\n"
                            "  planner sign list\n"
                            "  planner sign list --json")
    add_common_options(p)
    p.set_defaults(func=cmd_sign_list)

def _sign_text(s: dict) -> str:
    street = f" ({s['street']})" if s.get("street") else ""
    return f"Bord {s['id']}{street} in wijk {s['ward_code'] or '-'}: {SIGN_STATUS_NL[s['status']]} (RD {s['x']}, {s['y']})."

def cmd_sign_place(args) -> int:
    s = history.place_sign(store_of(args), args.sign_id, date=args.date)
    return say(args, s, _sign_text(s))

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
    store = store_of(args)
    before = history.sign_info(store, args.sign_id)
    s = history.relocate_sign(store, args.sign_id, None, reason=args.reason, date=args.date,
                              chooser=_relocation_chooser(base, args.reason, to, force=args.force),
                              roads=base.roads)
    street = f"{s['street']}, " if s["street"] else ""
    return say(args, s, f"Bord {s['id']} verplaatst van RD {before['x']}, {before['y']} naar RD {s['x']}, "
                         f"{s['y']} ({street}wijk {s['ward_code']}).")

def cmd_sign_remove(args) -> int:
    s = history.remove_sign(store_of(args), args.sign_id, reason=args.reason, date=args.date)
    return say(args, s, _sign_text(s))

def cmd_sign_history(args) -> int:
    events = history.sign_history(store_of(args), args.sign_id)
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
        add_text_row(table, e["event_date"], SIGN_EVENT_NL[e["event"]], where, e["request_id"] or "-", e["reason"])
    console().print(table)
    return 0

def cmd_sign_list(args) -> int:
    df = history.signs_frame(store_of(args))
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
    console().print(table)
    return 0
