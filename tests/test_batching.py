"""Batching never changes an answer, and no request location ever becomes a sign.

The same requests are decided (a) in one run from files, (b) one by one in
the register, (c) in random contiguous batches in the register, (d) in one
run with the rows shuffled; every path must give every request the same
outcome, reason and positions, under a policy that counts planned signs and
under one that does not, with and without roads.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_geometry import street_grid

from planner import placement
from planner.core.policy import Policy
from planner.core.wards import sign_wards
from planner.register import requests as history
from planner.register.store import Store, create_store
from planner.siting.proposals import make_proposer

GROUPS = pd.DataFrame({"group_id": ["G1", "G2", "G3"], "group_name": ["Een", "Twee", "Drie"],
                       "wabp_registered": [True, True, False], "admin_name": ["A", "B", "C"],
                       "admin_phone": ["06-00000001", "06-00000002", "06-00000003"],
                       "admin_email": ["a@example.org", "b@example.org", "c@example.org"]})


def random_requests(rng, wards, n=14):
    """Requests at random spots of random wards (a few wards get several), distinct dates in 2025."""
    polys = wards.geometry.values
    chosen = rng.choice(len(wards), size=n, replace=True, p=np.r_[[4.0] * 3, np.ones(len(wards) - 3)]
                        / (12 + len(wards) - 3))
    pts = []
    for w in chosen:
        x0, y0, x1, y1 = polys[w].bounds
        pts.append(shapely.Point(rng.uniform(x0 + 20, x1 - 20), rng.uniform(y0 + 20, y1 - 20)))
    days = rng.choice(np.arange(1, 300), size=n, replace=False)
    dates = [(pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(d))).date().isoformat() for d in days]
    groups = rng.choice(["G1", "G2", "G3"], size=n, p=[0.4, 0.35, 0.25])  # the register knows only its groups
    return gpd.GeoDataFrame({"request_id": [f"R{k:03d}" for k in range(n)], "date": dates,
                             "group_id": groups, "preferred": [""] * n}, geometry=pts, crs="EPSG:28992")


def initial_signs(wards):
    first = wards.geometry.values[0].centroid
    return gpd.GeoDataFrame({"id": ["B1"], "status": ["placed"], "street": ["Oud"], "placed_on": ["2020-01-01"]},
                            geometry=[first], crs="EPSG:28992")


def answer(d) -> tuple:
    return (d.request_id, d.outcome, d.reason_code, d.ward["code"] if d.ward else None,
            tuple((p["x"], p["y"]) for p in d.proposals), d.signs_to_place)


def decide_files(requests, wards, signs, roads, policy):
    proposer = make_proposer(wards, roads, policy) if roads is not None else None
    return placement.decide_requests(requests, wards, signs, GROUPS, policy, roads=roads, proposer=proposer)


def decide_register(tmp_path, batches, wards, signs, roads, policy, new_location=None):
    """Record and decide ``batches`` in a new register: a GeoPackage in ``tmp_path``, or ``new_location()``."""
    path = new_location() if new_location else tmp_path / f"r{len(list(tmp_path.iterdir()))}.gpkg"
    create_store(path, wards, signs, GROUPS)
    store = Store(path)
    out = []

    def decide(layers):
        proposer = make_proposer(layers["wards"], roads, policy) if roads is not None else None
        return placement.decide_requests(layers["requests"], layers["wards"], layers["signs"], layers["groups"],
                                         policy, roads=roads, proposer=proposer,
                                         open_approvals=layers["open_approvals"])

    for batch in batches:
        for row in batch.itertuples():
            history.add_request(store, row.geometry, row.group_id, request_id=row.request_id, date=row.date)
        out += history.decide_pending(store, decide, policy.name)
    planned = store.layers()["signs"]
    return out, planned


@pytest.mark.parametrize("with_roads", [False, True], ids=["no-roads", "roads"])
@pytest.mark.parametrize("statuses", [("placed", "planned"), ("placed",)], ids=["planned-counts", "placed-only"])
@pytest.mark.parametrize("seed", [1, 2, 3, pytest.param(4, marks=pytest.mark.postgis, id="4-postgis")])
def test_batching_never_changes_an_answer(tmp_path, seed, statuses, with_roads, request):
    new_location = None
    if request.node.get_closest_marker("postgis"):
        server = request.getfixturevalue("postgis_server")
        new_location = lambda: server.url(server.new_database())  # noqa: E731
    rng = np.random.default_rng(seed)
    wards, roads = street_grid(seed=seed)
    roads = roads if with_roads else None
    policy = Policy(coverage_statuses=statuses)
    signs = initial_signs(wards)
    requests = random_requests(rng, wards)
    by_date = requests.sort_values("date").reset_index(drop=True)

    one_run = [answer(d) for d in decide_files(requests, wards, signs, roads, policy)]
    shuffled = requests.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    assert [answer(d) for d in decide_files(shuffled, wards, signs, roads, policy)] == one_run

    singles, planned = decide_register(tmp_path, [by_date.iloc[[k]] for k in range(len(by_date))],
                                       wards, signs, roads, policy, new_location)
    assert [answer(d) for d in singles] == one_run
    cuts = np.sort(rng.choice(np.arange(1, len(by_date)), size=3, replace=False))
    batches = [by_date.iloc[a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(by_date)])]
    batched, _ = decide_register(tmp_path, batches, wards, signs, roads, policy, new_location)
    assert [answer(d) for d in batched] == one_run

    # max_signs holds per ward across runs; every outcome kind of interest occurs somewhere.
    per_ward = sign_wards(planned, wards).groupby("ward_code").size()
    assert (per_ward <= policy.max_signs).all()
    assert {"approved"} <= {a[1] for a in one_run}


# ----------------------------------------------------------------- privacy


def _coordinates(text: str) -> np.ndarray:
    """Every (lon, lat) pair-looking number couple in a text (JSON arrays, CSV columns, JS)."""
    nums = [float(v) for v in re.findall(r"-?\d{1,3}\.\d{4,}", text)]
    pairs = [(a, b) for a, b in zip(nums, nums[1:]) if 3.0 < a < 7.5 and 50.5 < b < 53.7]
    pairs += [(b, a) for a, b in zip(nums, nums[1:]) if 3.0 < b < 7.5 and 50.5 < a < 53.7]
    return np.array(pairs, float).reshape(-1, 2)


def _rd_coordinates(text: str) -> np.ndarray:
    nums = [float(v) for v in re.findall(r"\d{5,6}(?:\.\d+)?", text)]
    pairs = [(a, b) for a, b in zip(nums, nums[1:]) if 0 < a < 300_000 and 300_000 < b < 625_000]
    return np.array(pairs, float).reshape(-1, 2)


def test_no_public_output_of_a_run_without_roads_holds_a_request_location(tmp_path, data_dir, run_cli):
    """Decide the demo requests in a register without roads, then scan every public output."""
    from planner.core.coords import to_lonlat
    from planner.geo import load_requests
    work = tmp_path / "werk"
    work.mkdir()
    assert run_cli("init", "--from", data_dir, cwd=work).returncode == 0
    empty = tmp_path / "leeg"  # no roads anywhere: approvals get no positions
    empty.mkdir()
    result = run_cli("decide", "--json", cwd=work, env={"PLANNER_DATA": str(empty)})
    assert result.returncode == 0, result.stderr
    approved = [d for d in result.json() if d["outcome"] == "approved"]
    assert approved and all(d["proposals"] == [] for d in approved)
    decisions = json.loads(run_cli("map", "--public", "--out", work / "openbaar.html", "--json", cwd=work).stdout)
    assert decisions["public"] is True
    assert run_cli("export", "--out", work / "export", cwd=work).returncode == 0
    requests = load_requests(data_dir / "aanvragen.csv")
    req_lon, req_lat = to_lonlat(requests.geometry)
    req_ll = np.c_[req_lon, req_lat]
    req_rd = shapely.get_coordinates(requests.geometry.values)
    outputs = [work / "openbaar.html", *sorted((work / "export").iterdir())]
    assert len(outputs) >= 5
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        ll = _coordinates(text)
        if len(ll):
            # metres, roughly: 1e-5 degree ~ 1 m (lat) / 0.7 m (lon) here
            d = np.hypot((ll[:, None, 0] - req_ll[None, :, 0]) * 68_000, (ll[:, None, 1] - req_ll[None, :, 1]) * 111_000)
            assert d.min() > 25, f"{path.name} holds a point within {d.min():.1f} m of a request location"
        rd = _rd_coordinates(text)
        if len(rd):
            d = np.hypot(rd[:, None, 0] - req_rd[None, :, 0], rd[:, None, 1] - req_rd[None, :, 1])
            assert d.min() > 25, f"{path.name} holds an RD point within {d.min():.1f} m of a request location"


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_an_approval_without_roads_plans_no_sign_and_keeps_the_ward_in_progress(tmp_path, data_dir, backend, request):
    from planner import geo
    wards = geo.load_wards(data_dir / "wijken.geojson")
    signs = geo.load_signs(data_dir / "borden.geojson")
    groups = geo.load_groups(data_dir / "groepen.csv")
    path = tmp_path / "r.gpkg" if backend == "gpkg" else request.getfixturevalue("postgis_url")
    create_store(path, wards, signs, groups)
    store = Store(path)
    before = len(store.layers()["signs"])
    point = shapely.Point(123750, 493900)
    history.add_request(store, point, "G02", request_id="X1", date="2025-05-01")
    history.add_request(store, shapely.Point(123800, 494200), "G03", request_id="X2", date="2025-05-02")

    def decide(layers):
        return placement.decide_requests(layers["requests"], layers["wards"], layers["signs"], layers["groups"],
                                         Policy(), open_approvals=layers["open_approvals"])

    first, second = history.decide_pending(store, decide, "landsmeer")
    assert (first.outcome, first.proposals, first.signs_to_place) == ("approved", [], 2)
    assert "in overleg met de beheerder bepaald" in first.reason
    assert (second.outcome, second.reason_code) == ("rejected", "ward_in_progress")
    assert "X1" not in second.reason and any("X1" in n for n in second.notes)
    layers = store.layers()
    assert len(layers["signs"]) == before
    assert layers["open_approvals"] == {first.ward["code"]: ["X1"]}


@pytest.mark.parametrize("statuses", [("placed", "planned"), ("placed",)], ids=["planned-counts", "placed-only"])
def test_batching_never_changes_a_shared_pole(tmp_path, statuses):
    """Two wards meet on Dorpsstraat: the later one uses the earlier one's pole (issue 20), in one
    run, shuffled, request by request in the register and in batches."""
    from test_entries import roads as make_roads
    from test_entries import square
    from test_entries import wards as make_wards
    x0, y0 = 120_000.0, 480_000.0
    wards = make_wards(("A", square(0, 0, 1000, 1000)), ("B", square(1000, 0, 2000, 1000)),
                       ("C", square(3000, 0, 4000, 1000)))
    roads = make_roads(("Dorpsstraat", "tertiary", [(-300, 500), (2300, 500)]))
    policy = Policy(coverage_statuses=statuses)
    signs = initial_signs(wards.iloc[[2, 0, 1]].reset_index(drop=True))  # one sign, in ward C
    spots = {"RA": (500, 600), "RB": (1500, 600), "RB2": (1600, 700), "RA2": (400, 300)}
    days = {"RA": "2025-02-01", "RB": "2025-03-01", "RB2": "2025-04-01", "RA2": "2025-05-01"}
    requests = gpd.GeoDataFrame({"request_id": list(spots), "date": [days[r] for r in spots],
                                 "group_id": ["G1", "G2", "G1", "G2"], "preferred": [""] * 4},
                                geometry=[shapely.Point(x0 + x, y0 + y) for x, y in spots.values()], crs="EPSG:28992")

    def shared(decisions):
        return [(d.request_id, d.outcome, d.reason_code,
                 tuple((p["x"], p["y"], (p.get("shared_pole") or {}).get("ward")) for p in d.proposals))
                for d in decisions]

    one_run = shared(decide_files(requests, wards, signs, roads, policy))
    assert any(ward == "A" for *_, props in one_run for *_, ward in props)  # B shares A's pole
    assert shared(decide_files(requests.iloc[[3, 1, 0, 2]], wards, signs, roads, policy)) == one_run
    singles, planned = decide_register(tmp_path, [requests.iloc[[k]] for k in range(4)], wards, signs, roads, policy)
    assert shared(singles) == one_run
    batched, _ = decide_register(tmp_path, [requests.iloc[[0]], requests.iloc[[1, 2, 3]]], wards, signs, roads, policy)
    assert shared(batched) == one_run
    # In the register B's sign keeps its ward, though it hangs on A's pole.
    per_ward = placement.sign_wards(planned, wards).groupby("ward_code").size()
    assert per_ward["B"] == len(next(d for d in singles if d.request_id == "RB").proposals) == 2
