"""Core commands: check, decide, status, demo."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

from planner import placement
from planner.app import decide
from planner.cli.common import (
    add_input_options,
    add_json_option,
    add_location_options,
    add_text_row,
    console,
    load_inputs,
    location_from_args,
    print_json,
    store_for,
)
from planner.cli.parser import example
from planner.core.vocabulary import OUTCOME_NL, UNNAMED_ROAD  # noqa: E402  (one word per outcome, everywhere)
from planner.core.wards import check_point, ward_status
from planner.errors import InputError
from planner.io.sources import geocode


def register(sub) -> None:
    p = sub.add_parser("check", help="is de wijk op deze plek al gedekt?", description=(
        "Zoekt de wijk van een plek (WGS84, RD New of een adres) en zegt of daar al borden hangen\n"
        "die volgens het beleid meetellen, met die borden erbij."),
        epilog=example("planner check --at 4.916,52.433", "planner check --at-rd 123000,494000 --json",
                       'planner check --address "1121 AB 12"'))
    add_location_options(p)
    add_input_options(p, "wards", "signs", "roads")
    add_json_option(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("decide", help="beslis de aanvragen", description=(
        "Beslist de aanvragen op datum (eerst ingediend, eerst beslist), met de reden en, als er\n"
        "wegen zijn, de voorgestelde plekken. Met een register: de openstaande aanvragen, en de\n"
        "besluiten worden daar vastgelegd."),
        epilog=example("planner decide", "planner decide --requests data/aanvragen.csv --json",
                       "planner decide --policy noordwijk",
                       "planner decide --out besluiten.json   # daarna: planner map --decisions besluiten.json"))
    add_input_options(p, "wards", "signs", "roads", "groups", "requests")
    p.add_argument("--out", metavar="FILE.json",
                   help="schrijf de besluiten ook als JSON naar dit bestand (voor 'planner map --decisions'); "
                        "het bestand wordt pas geschreven als alles gelukt is")
    p.add_argument("--addresses", metavar="FILE.csv",
                   help="eigen adressentabel voor aanvragen met een adres (standaard $PLANNER_ADDRESSES, "
                        "anders PDOK)")
    add_jobs_option(p)
    add_json_option(p)
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("status", help="per wijk: aantal borden en gedekt of niet", description=(
        "Per wijk het aantal borden dat volgens het beleid meetelt en of de wijk gedekt is."),
        epilog=example("planner status", "planner status --policy coevorden --json"))
    add_input_options(p, "wards", "signs")
    add_json_option(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", help="beslis de demo-aanvragen; schrijf rapport en kaarten naar maps/",
                       description=(
        "Beslist de aanvragen van de demodata (altijd de bestanden, nooit het register) en schrijft\n"
        "het rapport (rapport.md, besluiten.json) en de kaarten (overzicht.html, ...) in één keer."),
        epilog=example("planner demo", "planner demo --out /tmp/kaarten --json"))
    add_input_options(p, "wards", "signs", "roads", "groups", "requests")
    p.add_argument("--out", metavar="DIR", default="maps", help="uitvoermap (standaard: maps)")
    add_json_option(p)
    p.set_defaults(func=cmd_demo)


def _console():
    return console()  # no highlighting: linear time on long names


def cmd_check(args) -> int:
    point, found = location_from_args(args)
    inp = load_inputs(args, "wards", "signs", "roads", optional=("roads",))
    result = check_point(point, inp.wards, inp.signs, inp.policy, inp.roads)
    if args.address:
        result["address"] = found.to_dict()
        if not args.json:
            _console().print(f"Adres: {found.label}", markup=False)
    if args.json:
        print_json(result)
        return 0
    con = _console()
    if result.get("on_boundary"):
        con.print("Deze locatie ligt op de grens van " + " en ".join(
            f"wijk {w['ward']['name']} ({w['ward']['code']}, {'heeft al borden' if w['covered'] else 'nog geen borden'})"
            for w in result["wards"]) + ".", markup=False)
        return 0
    if result["ward"] is None:
        con.print("Deze locatie ligt niet in een wijk van de gemeente.")
        return 0
    state = "heeft al borden" if result["covered"] else "heeft nog geen borden"
    con.print(f"Wijk {result['ward']['name']} ({result['ward']['code']}) {state}.", markup=False)
    for s in result["signs"]:
        con.print(f"  - {placement.sign_phrase(s)}", markup=False)
    return 0


def add_jobs_option(parser) -> None:
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="aantal processen (standaard: alle kernen; wijken worden los van elkaar beslist)")


@contextmanager
def progress_bar(total: int, what: str, *, enabled: bool = True):
    """A rich progress bar on stderr when it is a terminal (never with --json or when piped).

    Yields ``update(done)``.
    """
    if not enabled or total < 200 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )
    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done)


def decide_cli(inp, args):
    """:func:`decide_all` with ``--jobs`` and a progress bar on a terminal."""
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs: verwacht een aantal processen van minstens 1, kreeg {args.jobs}")
    with progress_bar(len(inp.requests), "Aanvragen beslissen", enabled=not args.json) as update:
        return decide.decide_all(inp, jobs=args.jobs, progress=update)


def _decide_in_register(args):
    """Decide the register's pending requests and record them: ``(inputs, decisions)``, or None
    without a register or with ``--requests`` (then the files are decided, nothing recorded)."""
    if getattr(args, "requests", None):
        return None
    store = store_for(args)
    if store is None:
        return None
    base = load_inputs(args, "roads", optional=("roads",))  # roads are not kept in the register
    decisions = decide.decide_and_record(store, policy=base.policy, roads=base.roads,
                                         decide=lambda inp: decide_cli(inp, args))
    if not args.json:
        text = (f"{len(decisions)} openstaande aanvra{'ag' if len(decisions) == 1 else 'gen'} beslist "
                f"en vastgelegd in {store.path}; brieven aan de beheerders: 'planner brief --all'." if decisions else
                f"Geen openstaande aanvragen in {store.path}; niets beslist (nieuwe aanvraag: 'planner request add').")
        _console().print(text, markup=False)
    return base, decisions


def cmd_decide(args) -> int:
    if args.out is not None and (not str(args.out).strip() or not str(args.out).lower().endswith(".json")):
        raise InputError(f"--out {str(args.out)[:60]!r}: geef een .json-bestand voor de besluiten")
    with geocode.using_addresses(args.addresses):  # requests files may give addresses
        recorded = _decide_in_register(args)
        if recorded is not None:
            inp, decisions = recorded
        else:
            inp = load_inputs(args, "wards", "signs", "roads", "groups", "requests", optional=("roads",))
            decisions = decide_cli(inp, args)
    if args.out is not None:
        import json

        from planner.io.files import write_text_atomic
        write_text_atomic(Path(args.out), json.dumps([d.to_dict() for d in decisions], ensure_ascii=False,
                                                      indent=2, default=str) + "\n")
    if args.json:
        print_json([d.to_dict() for d in decisions])
        return 0
    if not decisions:
        if recorded is None:
            _console().print("Geen aanvragen om te beslissen.")
        return 0
    table = Table(title=f"Besluiten ({inp.policy.name})", show_lines=True)
    for col in ("aanvraag", "datum", "groep", "wijk", "besluit", "reden", "voorgestelde plekken"):
        table.add_column(col)
    for d in decisions:
        spots = "\n".join(f"{p['rank']}. {p.get('road') or UNNAMED_ROAD} "
                          f"({p['lat']:.5f}, {p['lon']:.5f})" for p in d.proposals)
        cells = (d.request_id, d.date, d.group_id, d.ward["name"] if d.ward else "-",
                 OUTCOME_NL[d.outcome], d.reason, spots or "-")
        add_text_row(table, *cells)
    _console().print(table)
    return 0


def cmd_status(args) -> int:
    inp = load_inputs(args, "wards", "signs")
    status = ward_status(inp.wards, inp.signs, inp.policy)
    if args.json:
        print_json(status.to_dict("records"))
        return 0
    table = Table(title=f"Wijken ({inp.policy.name})")
    for col in ("code", "naam", "borden", "gedekt"):
        table.add_column(col)
    for row in status.itertuples():
        add_text_row(table, row.code, row.name, row.signs, "ja" if row.covered else "nee")
    _console().print(table)
    return 0


def cmd_demo(args) -> int:
    inp = load_inputs(args, "wards", "signs", "roads", "groups", "requests")
    decisions = decide.decide_all(inp)
    if not str(args.out).strip():
        raise InputError("--out is leeg; geef een map voor de kaarten en het rapport (standaard: maps)")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is een bestand, geen map; geef met --out een map")
    from planner.render import report
    written = report.write_outputs(out, inp, decisions)
    counts = {k: sum(d.outcome == k for d in decisions) for k in OUTCOME_NL}
    if args.json:
        print_json({"out": str(out), "decisions": len(decisions), "outcomes": counts,
                    "written": [str(p) for p in written]})
        return 0
    con = _console()
    con.print(f"{len(decisions)} aanvragen beslist: " + ", ".join(
        f"{n} {OUTCOME_NL[k]}" for k, n in counts.items()))
    for path in written:
        con.print(f"  geschreven: {path}", markup=False)
    return 0
