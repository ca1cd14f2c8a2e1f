"""Deciding requests: on loaded layers, or the register's pending requests, recorded there."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from planner.app.inputs import Inputs
from planner.errors import InputError
from planner.placement import OUTCOMES, Decision
from planner.register import requests as history

REQUIRED_FIELDS = ("request_id", "date", "group_id", "outcome", "reason_code", "reason", "ward", "x", "y", "lon", "lat")  # of a decision in a JSON file


def decide_all(inp, *, jobs: int | None = 1, progress=None):
    """Decide the loaded requests (with proposals when the planner can make them).

    ``jobs`` processes (None: all cores) share the wards; the answer is the same for any number.
    """
    from functools import partial

    from planner.core.parallel import decide_parallel
    from planner.siting.proposals import make_proposer
    factory = partial(make_proposer, inp.wards, inp.roads, inp.policy) if inp.roads is not None else None
    if factory is not None:
        from planner.siting.entries import road_network
        road_network(inp.roads, inp.policy)._tree("parts")  # built once, shared with the workers
    return decide_parallel(inp.requests, inp.wards, inp.signs, inp.groups, inp.policy, roads=inp.roads,
                           make_proposer=factory, open_approvals=inp.open_approvals, jobs=jobs,
                           progress=progress)


def decide_and_record(store, *, policy, roads=None, decide=decide_all) -> list:
    """Decide the register's pending requests and record them in one transaction.

    The requests are decided against the register's own wards, signs, groups
    and open approvals (``roads`` come from files: the register keeps none);
    every decision, its proposals and the planned signs are recorded.
    ``decide`` is :func:`decide_all` or a variant of it (a progress bar).
    """

    def run(layers):
        inp = Inputs(policy=policy, roads=roads, wards=layers["wards"], signs=layers["signs"],
                     groups=layers["groups"], requests=layers["requests"],
                     open_approvals=layers["open_approvals"])
        return decide(inp)

    return history.decide_pending(store, run, policy.name)


def decide_preview(inp: Inputs, pending) -> list:
    """What deciding ``pending`` requests would give, recording nothing."""
    return decide_all(dataclasses.replace(inp, requests=pending)) if len(pending) else []


def read_decisions(path) -> list[Decision]:
    """Decisions from a JSON file as ``planner decide --json`` prints them (a list of objects)."""
    path = Path(path)
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: bestand met besluiten bestaat niet") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geen geldige JSON ({exc})") from None
    if not isinstance(items, list):
        raise InputError(f"{path}: verwacht een lijst met besluiten (zoals 'planner decide --json' schrijft)")
    fields = {f.name for f in dataclasses.fields(Decision)}
    out = []
    for k, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{path}: besluit {k} is geen object")
        missing = [f for f in REQUIRED_FIELDS if f not in item]
        if missing:
            raise InputError(f"{path}: besluit {k} mist {', '.join(missing)}")
        if item["outcome"] not in OUTCOMES:
            raise InputError(f"{path}: besluit {k} heeft onbekende uitkomst {item['outcome']!r}")
        try:
            out.append(Decision(**{key: value for key, value in item.items() if key in fields}))
        except TypeError as exc:
            raise InputError(f"{path}: besluit {k}: {exc}") from None
    return out
