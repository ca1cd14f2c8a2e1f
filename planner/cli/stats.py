"""The ``stats`` command: coverage counted in residents, per ward, per wijk and for the municipality."""

from __future__ import annotations

import csv
import io
import logging
import sys
from pathlib import Path

from rich.table import Table

from planner.cli.common import (
    add_input_options,
    add_json_option,
    add_text_row,
    console,
    load_inputs,
    print_json,
    store_for,
)
from planner.cli.parser import example
from planner.core import coverage as stats
from planner.core.vocabulary import UNKNOWN, WARD_STATE_NL, YES_NO
from planner.errors import InputError
from planner.io.files import write_text_atomic
from planner.register import requests as history

log = logging.getLogger("planner")

# The --per names follow the README's glossary: a *wijk* is the planner's ward (whatever the municipality
# uses: CBS buurten, CBS wijken or its own), a *cbs-wijk* the CBS district its buurten lie in.
LEVELS = ("wijk", "cbs-wijk", "gemeente")
# Older names, still accepted with a warning: 'ward' was the planner's ward.
LEVEL_ALIASES = {"ward": "wijk", "cbs_wijk": "cbs-wijk", "cbswijk": "cbs-wijk"}


class _Renamed(str):
    """A --per value given by its older name (``old``), kept to warn once the run is under way."""

    old = ""


def _per(value: str) -> str:
    """argparse type of --per: an older name becomes the new one (checked against LEVELS afterwards)."""
    if value in LEVEL_ALIASES:
        new = _Renamed(LEVEL_ALIASES[value])
        new.old = value
        return new
    return value


def _level(value: str | None) -> str | None:
    """The --per level; an older name is accepted with a warning that names the new one."""
    if isinstance(value, _Renamed):
        log.warning("--per %s heet nu --per %s (wijk = de wijken van de planner, cbs-wijk = de CBS-wijken "
                    "waarin ze liggen)", value.old, value)
    return None if value is None else str(value)


def register(sub) -> None:
    p = sub.add_parser("stats", help="dekking per inwoner: per wijk, per CBS-wijk en voor de gemeente",
                       description=(
        "Inwoners, gedekte inwoners en hun aandeel, borden per 1.000 inwoners, wijken met een groep\n"
        "maar zonder borden en wijken met open aanvragen; per wijk (buurt), per CBS-wijk en voor de\n"
        "hele gemeente. Een onbekend inwonertal (CBS-geheimhouding) blijft onbekend, nooit 0."),
        epilog=example("planner stats", "planner stats --per wijk --csv > dekking.csv",
                       "planner stats --json", "planner stats --decisions maps/besluiten.json --per gemeente"))
    p.add_argument("--per", choices=LEVELS, type=_per,
                   help="tabel per wijk (de wijken van de planner), per cbs-wijk (de CBS-wijken waarin de "
                        "wijken liggen) of voor de gemeente (standaard: cbs-wijk als de wijken in CBS-wijken "
                        "liggen, anders wijk)")
    p.add_argument("--csv", action="store_true", help="de tabel als CSV (onbekende getallen zijn leeg)")
    p.add_argument("--out", metavar="FILE.csv", help="schrijf de CSV naar dit bestand")
    p.add_argument("--decisions", metavar="FILE.json",
                   help="de besluiten tot nu toe ('planner decide --json > FILE.json'); standaard die van het "
                        "register, anders de aanvragen beslist zoals 'planner decide' dat doet")
    add_input_options(p, "wards", "signs", "roads", "groups", "requests")
    add_json_option(p)
    p.set_defaults(func=cmd_stats)


def _decisions_and_requests(args):
    """The layers, the decisions so far and (in a register) the undecided requests."""
    from planner.app import decide

    if args.decisions:
        inp = load_inputs(args, "wards", "signs", "groups", optional=("groups",))
        return inp, decide.read_decisions(args.decisions), None
    store = None if args.requests else store_for(args)
    if store is not None:  # recorded decisions; pending requests count as open, undecided
        inp = load_inputs(args, "wards", "signs", "groups", "requests")
        requests = stats.assign_request_wards(inp.requests, inp.wards)
        return inp, history.recorded_decisions(store), requests
    inp = load_inputs(args, "wards", "signs", "roads", "groups", "requests", optional=("roads", "groups"))
    return inp, decide.decide_all(inp), None


def cmd_stats(args) -> int:
    if args.out and not str(args.out).lower().endswith(".csv"):
        raise InputError(f"{args.out}: --out moet een .csv-bestand zijn")
    inp, decisions, requests = _decisions_and_requests(args)
    result = stats.coverage_stats(inp.wards, inp.signs, inp.policy, decisions=decisions, groups=inp.groups,
                                  requests=requests)
    level = _level(args.per) or ("cbs-wijk" if len(result.wijken) else "wijk")
    if level == "cbs-wijk" and not len(result.wijken):
        raise InputError("de wijken liggen niet in CBS-wijken (geen BU-codes en geen kolom wijk_code); "
                         "kies --per wijk of --per gemeente")
    if args.json:
        print_json(result.to_dict())
        return 0
    rows = _rows(result, level)
    if args.csv or args.out:
        text = _csv(rows)
        if args.out:
            path = write_text_atomic(Path(args.out), text)
            print(f"geschreven: {path} ({len(rows)} rijen)")
        else:
            sys.stdout.write(text)
        return 0
    _print(result, level, inp.policy.name)
    return 0


def _rows(result: stats.CoverageStats, level: str) -> list[dict]:
    if level == "gemeente":
        return [stats.plain_record(result.municipality)]
    table = result.wards if level == "wijk" else result.wijken
    return [stats.plain_record(r) for r in table.to_dict("records")]


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if v is None else (str(v).lower() if isinstance(v, bool) else v)
                             for k, v in r.items()})
    return buf.getvalue()


def _print(result: stats.CoverageStats, level: str, policy_name: str) -> None:
    con = console()
    tot, n = result.municipality, stats.format_number
    unknown = tot["wards_population_unknown"]
    lines = [f"Gemeente ({policy_name})",
             f"  wijken gedekt: {n(tot['covered_wards'])} van {n(tot['wards'])}",
             f"  inwoners: {n(tot['residents'])}" + (f" ({n(unknown)} wijken met onbekend inwonertal)" if unknown else ""),
             f"  gedekte inwoners: {n(tot['covered_residents'])} (aandeel {stats.format_share(tot['covered_share'])})",
             f"  borden per 1.000 inwoners: {n(tot['signs_per_1000'], 2)}",
             f"  wijken met een groep maar zonder borden: {n(tot['wards_group_without_signs'])}",
             f"  wijken met open aanvragen: {n(tot['wards_with_open_requests'])} ({n(tot['open_requests'])} aanvragen)"]
    for line in lines:
        con.print(line, markup=False)
    if level == "gemeente":
        return
    if level == "cbs-wijk":
        table = Table(title="Per CBS-wijk")
        for col in ("wijk", "naam", "buurten", "gedekt", "inwoners", "gedekte inwoners", "aandeel",
                    "borden", "per 1.000", "groep zonder borden", "open aanvragen"):
            table.add_column(col)
        for r in result.wijken.to_dict("records"):
            pop = stats.format_number(r["residents"])
            if r["wards_population_unknown"]:
                pop += f" (+{r['wards_population_unknown']} {UNKNOWN})"
            add_text_row(table, r["wijk_code"], r["wijk_name"], r["wards"], r["covered_wards"], pop,
                         stats.format_number(r["covered_residents"]), stats.format_share(r["covered_share"]),
                         r["signs"], stats.format_number(r["signs_per_1000"], 2), r["wards_group_without_signs"],
                         r["open_requests"])
    else:
        table = Table(title="Per wijk")
        for col in ("code", "naam", "status", "inwoners", "gedekte inwoners", "borden", "per 1.000",
                    "groep zonder borden", "open aanvragen"):
            table.add_column(col)
        for r in result.wards.to_dict("records"):
            add_text_row(table, r["code"], r["name"], WARD_STATE_NL[r["state"]], stats.format_number(r["residents"]),
                         stats.format_number(r["covered_residents"]), r["signs"],
                         stats.format_number(r["signs_per_1000"], 2), YES_NO[bool(r["group_without_signs"])],
                         r["open_requests"])
    con.print(table)
