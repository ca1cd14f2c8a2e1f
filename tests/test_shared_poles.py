"""One pole where two wards meet on a street (issue 20 item 3).

The later ward (in date order) uses the earlier ward's pole on the same
street, with a sign facing each way; the report, the letter and the map say
so; two poles closer than ``min_spacing`` on one street never happen, across
wards either; batching, row order and ``--jobs`` never change the answer.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from test_entries import X0, Y0, roads, square, wards

from planner import placement
from planner.core import parallel
from planner.core.policy import Policy
from planner.core.vocabulary import SHARED_POLE_NL
from planner.core.wards import ward_status
from planner.render.report import decision_report
from planner.siting.proposals import make_proposer

POLICY = Policy()
GROUPS = pd.DataFrame({"group_id": ["G1", "G2"], "group_name": ["Een", "Twee"], "wabp_registered": [True, True]})
# Ward A (west) and ward B (east) meet at x = 1000; Dorpsstraat runs through both.
TWO = wards(("A", square(0, 0, 1000, 1000)), ("B", square(1000, 0, 2000, 1000)))
STREET = roads(("Dorpsstraat", "tertiary", [(-300, 500), (2300, 500)]))
NO_SIGNS = gpd.GeoDataFrame({"id": [], "status": [], "street": [], "placed_on": []}, geometry=[], crs="EPSG:28992")


def requests(*rows):
    """rows: (request_id, date, (x, y))."""
    return gpd.GeoDataFrame({"request_id": [r for r, _, _ in rows], "date": [d for _, d, _ in rows],
                             "group_id": ["G1"] * len(rows), "preferred": [""] * len(rows)},
                            geometry=[shapely.Point(X0 + x, Y0 + y) for _, _, (x, y) in rows], crs="EPSG:28992")


def decide(reqs, signs=NO_SIGNS, r=STREET, w=TWO):
    return placement.decide_requests(reqs, w, signs, GROUPS, POLICY, roads=r, proposer=make_proposer(w, r, POLICY))


def positions(decisions):
    return {d.request_id: sorted((p["x"], p["y"], bool(p.get("shared_pole"))) for p in d.proposals)
            for d in decisions}


def test_later_ward_uses_the_earlier_wards_pole_on_the_same_street():
    ds = decide(requests(("RB", "2026-03-01", (1500, 600)), ("RA", "2026-02-01", (500, 600))))
    a, b = {d.request_id: d for d in ds}["RA"], {d.request_id: d for d in ds}["RB"]
    assert a.outcome == b.outcome == "approved"
    # A was first: its sign 15 m inside A at the shared crossing stays its own pole.
    a_pole = [p for p in a.proposals if p["x"] == X0 + 1000 - POLICY.inset]
    assert len(a_pole) == 1 and "shared_pole" not in a_pole[0]
    # B's sign at that crossing hangs on A's pole, facing B.
    shared = [p for p in b.proposals if p.get("shared_pole")]
    assert len(shared) == 1
    assert (shared[0]["x"], shared[0]["y"]) == (a_pole[0]["x"], a_pole[0]["y"])
    assert shared[0]["shared_pole"] == {"sign_id": f"RA-{a_pole[0]['rank']}", "ward": "A",
                                        "computed": {"x": X0 + 1000 + POLICY.inset, "y": Y0 + 500}}
    assert "Gedeelde paal: één paal met een bord naar elke kant" in shared[0]["explanation"]
    assert any(SHARED_POLE_NL in n for n in b.notes)


def test_two_poles_on_one_street_are_never_closer_than_min_spacing_across_wards():
    rng = np.random.default_rng(1)
    for _ in range(5):
        dates = rng.permutation(["2026-01-01", "2026-01-02"])
        ds = decide(requests(("RA", dates[0], (500, 600)), ("RB", dates[1], (1500, 600))))
        poles = {(p["x"], p["y"], p["road"]) for d in ds for p in d.proposals}
        xy = np.array([(x, y) for x, y, _ in poles])
        d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        assert (d[np.triu_indices(len(xy), 1)] >= POLICY.min_spacing).all()


def test_an_existing_sign_of_the_neighbouring_ward_is_the_shared_pole():
    sign = gpd.GeoDataFrame({"id": ["B7"], "status": ["placed"], "street": ["Dorpsstraat"], "placed_on": ["2020-01-01"]},
                            geometry=[shapely.Point(X0 + 985, Y0 + 500)], crs="EPSG:28992")
    ds = decide(requests(("RB", "2026-03-01", (1500, 600))), signs=sign)
    shared = [p for p in ds[0].proposals if p.get("shared_pole")]
    assert [(p["x"], p["shared_pole"]["sign_id"]) for p in shared] == [(X0 + 985, "B7")]


def test_the_report_says_which_sign_shares_a_pole():
    ds = decide(requests(("RA", "2026-02-01", (500, 600)), ("RB", "2026-03-01", (1500, 600))))
    text = decision_report(ds, POLICY.name, POLICY.description)
    assert f"{SHARED_POLE_NL} (paal van bord RA-" in text


def test_the_map_says_which_sign_shares_a_pole():
    from planner.render.maps.page import map_pages
    ds = decide(requests(("RA", "2026-02-01", (500, 600)), ("RB", "2026-03-01", (1500, 600))))
    pages = map_pages(TWO, NO_SIGNS, ds, roads=STREET, policy=POLICY)
    from planner.render.maps.data import read_page_data
    d = read_page_data(pages["overzicht.html"])
    shared = [d["strings"][i] for i in d["proposals"]["shared"] if i is not None]
    assert shared and all(s.startswith("RA-") for s in shared)  # RB's sign hangs on RA's pole
    assert "Gedeelde paal: één paal met een bord naar elke kant (paal van bord {sign})" in \
        d["words"]["labels"]["sharedPole"]


def test_sharing_is_the_same_in_one_run_in_two_runs_shuffled_and_over_processes(monkeypatch):
    reqs = requests(("RA", "2026-02-01", (500, 600)), ("RB", "2026-03-01", (1500, 600)),
                    ("RB2", "2026-04-01", (1600, 600)))
    one = positions(decide(reqs))
    assert any(shared for _, _, shared in one["RB"])
    # Shuffled rows: the same answer.
    assert positions(decide(reqs.iloc[[2, 0, 1]])) == one
    # Two runs: the first run's planned signs (with the ward they were recorded for) are input to the second.
    first = decide(reqs.iloc[[0]])
    planned = [dict(s, ward_code="A") for s in placement._planned_from(first[0])]
    signs = gpd.GeoDataFrame(pd.DataFrame(planned).drop(columns=["x", "y", "lon", "lat"]),
                             geometry=[shapely.Point(s["x"], s["y"]) for s in planned], crs="EPSG:28992")
    second = decide(reqs.iloc[[1, 2]], signs=signs)
    assert positions(first + second) == one
    # Over processes: the pass runs once, after the processes' decisions are put back in order.
    monkeypatch.setattr(parallel, "MIN_REQUESTS_PER_JOB", 1)
    over = parallel.decide_parallel(reqs, TWO, NO_SIGNS, GROUPS, POLICY, roads=STREET, jobs=2,
                                    make_proposer=lambda: make_proposer(TWO, STREET, POLICY))
    assert positions(over) == one


def test_a_sign_recorded_for_its_own_ward_on_the_neighbours_pole_counts_for_its_own_ward():
    # B's sign hangs on A's pole (it lies in A): B is covered, so a later request there is rejected.
    sign = gpd.GeoDataFrame({"id": ["RB-1"], "status": ["planned"], "street": ["Dorpsstraat"], "placed_on": [""],
                             "ward_code": ["B"]}, geometry=[shapely.Point(X0 + 985, Y0 + 500)], crs="EPSG:28992")
    d = decide(requests(("RB3", "2026-05-01", (1500, 600))), signs=sign)[0]
    assert (d.outcome, d.reason_code) == ("rejected", "ward_covered") and d.ward["code"] == "B"
    # ... and the status of the wards says the same (one meaning of a ward's signs everywhere).
    status = ward_status(TWO, sign, POLICY).set_index("code")
    assert status.loc["B", "covered"] and not status.loc["A", "covered"]


def test_a_review_approved_later_also_uses_the_neighbours_pole(tmp_path):
    from test_batching import GROUPS as REGISTER_GROUPS

    from planner.app import lifecycle
    from planner.register import requests as history
    from planner.register.store import Store, create_store
    path = tmp_path / "register.gpkg"
    create_store(path, TWO, NO_SIGNS, REGISTER_GROUPS)
    store = Store(path)
    history.add_request(store, shapely.Point(X0 + 500, Y0 + 600), "G1", request_id="RA", date="2026-02-01")
    history.add_request(store, shapely.Point(X0 + 1500, Y0 + 600), "G3", request_id="RB", date="2026-03-01")
    strict = POLICY.replace(registration_required=True)  # G3 is not registered with Stichting WABP

    def decide_layers(layers):
        return placement.decide_requests(layers["requests"], layers["wards"], layers["signs"], layers["groups"],
                                         strict, roads=STREET, proposer=make_proposer(layers["wards"], STREET, strict))

    decided = {d.request_id: d for d in history.decide_pending(store, decide_layers, strict.name)}
    assert decided["RB"].reason_code == "group_not_registered"
    info = lifecycle.resolve_request(store, "RB", approve=True, reason="groep aangemeld", roads=STREET, policy=strict)
    a_pole = [(p["x"], p["y"]) for p in decided["RA"].proposals if p["x"] == X0 + 1000 - POLICY.inset]
    shared = [p for p in info["proposals"] if "Gedeelde paal" in p["explanation"]]
    assert len(a_pole) == 1 and [(p["x"], p["y"]) for p in shared] == a_pole
