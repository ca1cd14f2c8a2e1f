"""The ``map`` command: write the overview map (internal or public) or one decision's map.

The map never decides what is already decided: with a register it shows
the recorded decisions (and a preview of the pending requests); with
``--decisions FILE.json`` (``planner decide --json > FILE.json``, or the
``maps/besluiten.json`` that ``planner demo`` writes) it shows those. Only
without either does it decide the requests file, as ``planner decide`` would.
"""

from __future__ import annotations

from pathlib import Path

from planner.cli.common import (
    add_input_options,
    add_json_option,
    load_inputs,
    print_json,
    store_for,
)
from planner.cli.parser import example
from planner.errors import InputError
from planner.io.files import write_text_atomic
from planner.register import requests as history


def register(sub) -> None:
    p = sub.add_parser("map", help="schrijf de overzichtskaart (of de kaart van één besluit) als HTML",
                       description=(
        "Schrijft de overzichtskaart (intern, of openbaar zonder persoonsgegevens en aanvraaglocaties)\n"
        "of de kaart van één besluit. Vastgelegde besluiten worden niet opnieuw genomen: uit het\n"
        "register, of uit --decisions FILE.json ('planner decide --json > FILE.json', of\n"
        "maps/besluiten.json van 'planner demo')."),
        epilog=example("planner map", "planner map --public --out site/kaart.html",
                       "planner map --request A002", "planner map --decisions maps/besluiten.json"))
    p.add_argument("--public", action="store_true",
                   help="openbare kaart: geen namen, telefoonnummers of e-mailadressen van beheerders en geen "
                        "aanvraaglocaties")
    p.add_argument("--request", metavar="ID", help="schrijf de kaart van het besluit over deze aanvraag")
    p.add_argument("--decisions", metavar="FILE.json",
                   help="toon deze besluiten in plaats van opnieuw te beslissen ('planner decide --json > "
                        "FILE.json', of maps/besluiten.json van 'planner demo')")
    p.add_argument("--out", metavar="FILE",
                   help="HTML-bestand (standaard: maps/overzicht.html, maps/overzicht-openbaar.html "
                        "of maps/aanvraag-<ID>.html)")
    add_input_options(p, "wards", "signs", "roads", "groups", "requests")
    add_json_option(p)
    p.set_defaults(func=cmd_map)


def cmd_map(args) -> int:
    from planner.app import decide

    if args.public and args.request:
        raise InputError("--public en --request gaan niet samen; een besluitkaart bevat nooit "
                         "beheerdersgegevens")
    if args.decisions and args.requests:
        raise InputError("--decisions en --requests gaan niet samen: de besluiten zijn al genomen")
    out = Path(args.out) if args.out else None
    if out is not None and (out.is_dir() or out.suffix.lower() not in {".html", ".htm"}):
        raise InputError(f"{out}: --out moet een .html-bestand zijn")
    if args.decisions:  # recorded in a file: reuse, never decide again
        decisions = decide.read_decisions(args.decisions)
        inp = load_inputs(args, "wards", "signs", "roads", "groups", optional=("roads",))
    else:
        inp = load_inputs(args, "wards", "signs", "roads", "groups", "requests", optional=("roads",))
        store = None if args.requests else store_for(args)
        if store is None:
            decisions = decide.decide_all(inp)
        else:  # the register's recorded decisions, plus a preview of what is still pending
            pending = inp.requests[inp.requests["status"] == "pending"]
            preview = decide.decide_preview(inp, pending)
            for d in preview:
                d.notes.append("Voorlopig: nog niet beslist met 'planner decide'.")
            decisions = history.recorded_decisions(store) + preview
    public = args.public or bool(args.request)
    from planner.render.maps import page as maps
    data = maps.prepare(inp.wards, inp.signs, decisions, roads=inp.roads, groups=inp.groups,
                        policy=inp.policy, public=public)
    if args.request:
        chosen = [d for d in decisions if d.request_id == args.request]
        if not chosen:
            raise InputError(f"aanvraag {args.request!r} bestaat niet")
        html = maps.render(maps.decision_map(data, chosen[0]))
        default = Path("maps") / maps.decision_file_name(args.request)
    else:
        html = maps.render(maps.overview_map(data, public=args.public))
        default = Path("maps") / ("overzicht-openbaar.html" if args.public else "overzicht.html")
    path = write_text_atomic(out or default, html)
    size = path.stat().st_size
    if args.json:
        print_json({"path": str(path), "bytes": size, "public": public, "decisions": len(decisions)})
    else:
        kind = "openbare kaart" if args.public else ("besluitkaart" if args.request else "interne kaart")
        print(f"{kind} geschreven: {path} ({size / 1024:.0f} kB)")
    return 0
