"""The register commands for requests: add, list, and their life (show, resolve, agree).

Every change is one transaction with a date and a reason in the history; bad input
changes nothing and ends with ``error: ...`` and exit code 2.
"""

from __future__ import annotations

from rich.table import Table

from planner.app import lifecycle
from planner.cli.common import (
    add_common_options,
    add_location_options,
    add_text_row,
    console,
    load_inputs,
    location_from_args,
    print_json,
    say,
    store_of,
)
from planner.cli.parser import example
from planner.core import policy as policy_mod
from planner.core.coords import parse_lonlat, parse_wishes, point_rd
from planner.core.vocabulary import CHOICE_NL, OUTCOME_NL, date_nl
from planner.errors import InputError
from planner.register import requests as history


def register(sub) -> None:
    """``request add|list|show|resolve|agree``."""
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
    add_common_options(p)
    p.set_defaults(func=cmd_request_add)
    p = r.add_parser("list", help="de aanvragen",
                     description="De aanvragen in het register met hun status (open of beslist).",
                     epilog="Voorbeelden:\n"
                            "  planner request list\n"
                            "  planner request list --pending --json")
    p.add_argument("--pending", action="store_true", help="alleen aanvragen die nog niet beslist zijn")
    add_common_options(p)
    p.set_defaults(func=cmd_request_list)
    _request_show_action(r)
    _request_resolve_action(r)
    _request_agree_action(r)

def _request_show_action(r) -> None:
    """``request show``."""
    p = r.add_parser("show", help="één aanvraag: stand, besluit, borden, wens en geschiedenis (intern)",
                     description="Toont de echte stand van een aanvraag (ontvangen, beslist, ter beoordeling,\n"
                                 "toegekend, plekken voorgesteld/afgesproken, borden geplaatst), het besluit en de\n"
                                 "afhandeling, de borden, de wens van de beheerder met de beste keuze van de gemeente\n"
                                 "met en zonder die wens, en de geschiedenis. Bevat de locatie van de aanvraag\n"
                                 "(kan een woning zijn): intern.",
                     epilog=example("planner request show A002", "planner request show A008 --json"))
    p.add_argument("request_id", metavar="REQUEST_ID", help="id van de aanvraag")
    _roads_options(p)
    add_common_options(p)
    p.set_defaults(func=cmd_request_show)

def _request_resolve_action(r) -> None:
    """``request resolve``."""
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
    add_common_options(p)
    p.set_defaults(func=cmd_request_resolve)

def _request_agree_action(r) -> None:
    """``request agree``."""
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
    add_common_options(p)
    p.set_defaults(func=cmd_request_agree)

def _roads_options(p) -> None:
    p.add_argument("--roads", metavar="FILE", help="wegen, voor de plekken en de controle (standaard: "
                                                   "data/wegen.geojson als die er is)")
    p.add_argument("--policy", metavar="NAME|FILE.toml",
                   help="beleid (standaard: het beleid waaronder de aanvraag is beslist)")

def _roads_and_policy(args):
    base = load_inputs(args, "roads", optional=("roads",))
    return base.roads, (policy_mod.resolve(args.policy) if args.policy else None)

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
        lines.append(f"  gekozen bij de afspraak met de beheerder: {CHOICE_NL[chosen]}")
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
    info = lifecycle.show_request(store_of(args), args.request_id, roads=roads, policy=policy)
    return say(args, info, request_text(info))

def cmd_request_resolve(args) -> int:
    roads, policy = _roads_and_policy(args)
    info = lifecycle.resolve_request(store_of(args), args.request_id, approve=args.approve, reason=args.reason,
                                     ward=args.ward, date=args.date, roads=roads, policy=policy)
    what = OUTCOME_NL[info["outcome"]]
    text = f"Aanvraag {info['request_id']} afgehandeld: {what}. Stand: {info['state_nl']}."
    if info["state"] == "proposed":
        text += f"\nSpreek de plekken af met de beheerder: 'planner request agree {info['request_id']}'."
    elif info["state"] == "approved_open":
        text += (f"\nGeen voorgestelde plekken (geen wegen of invalswegen); leg de afgesproken plekken vast met "
                 f"'planner request agree {info['request_id']} --at LON,LAT'.")
    text += f"\nBrief aan de beheerder(s): 'planner brief {info['request_id']}'."
    return say(args, info, text)

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
    info = lifecycle.agree_positions(store_of(args), args.request_id, positions=positions, choice=choice,
                                     force=args.force, note=args.note, date=args.date, roads=roads, policy=policy)
    spots = "\n".join(f"  {s['id']}: {_where({'road': s['street'], **s})}" for s in info["signs"]
                      if s["status"] != "removed")
    text = (f"Plekken van aanvraag {info['request_id']} afgesproken met de beheerder:\n{spots}\n"
            f"Stand: {info['state_nl']}. Plaats de borden met 'planner sign place BORD'.")
    lines = _option_lines(info.get("options"))
    if lines:
        text += "\n" + "\n".join(lines)
    return say(args, info, text)

__all__ = ["register", "request_text"]


def cmd_request_add(args) -> int:
    point, _ = location_from_args(args)
    r = history.add_request(store_of(args), point, args.group, request_id=args.request_id, date=args.date,
                            preferred=args.preferred)
    return say(args, r, f"Aanvraag {r['request_id']} van groep {r['group_id']} vastgelegd "
                         f"(wijk {r['ward_code'] or 'geen'}); beslis met 'planner decide'.")

def cmd_request_list(args) -> int:
    rows = history.list_requests(store_of(args), "pending" if args.pending else None)
    if args.json:
        print_json(rows)
        return 0
    table = Table(title="Aanvragen")
    for col in ("aanvraag", "datum", "groep", "wijk", "stand"):
        table.add_column(col)
    for r in rows:
        add_text_row(table, r["request_id"], r["date"], r["group_id"], r["ward_code"] or "-", r["state_nl"])
    console().print(table)
    return 0
