"""Entry roads: hand-built wards and roads where the entries are known by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.ops

from planner.core.policy import Policy
from planner.siting.entries import find_entries, no_entry_reason

X0, Y0 = 120_000.0, 480_000.0  # somewhere in the Netherlands, RD New


def at(x, y):
    return (X0 + x, Y0 + y)


def square(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def wards(*specs, water=None):
    """specs: (code, polygon)."""
    data = {"code": [c for c, _ in specs], "name": [f"Wijk {c}" for c, _ in specs]}
    if water is not None:
        data["water"] = water
    return gpd.GeoDataFrame(data, geometry=[g for _, g in specs], crs="EPSG:28992")


def roads(*specs):
    """specs: (name, highway, [(x, y), ...])."""
    return gpd.GeoDataFrame({"name": [n for n, _, _ in specs], "highway": [h for _, h, _ in specs]},
                            geometry=[shapely.LineString([at(*p) for p in pts]) for _, _, pts in specs],
                            crs="EPSG:28992")


def local_xy(entries):
    xy = shapely.get_coordinates(entries.geometry.values)
    return sorted(map(tuple, np.round(xy - [X0, Y0], 1)))


POLICY = Policy()
SQUARE = square(0, 0, 1000, 1000)


def test_crossroads_has_four_entries_on_the_boundary():
    w = wards(("A", SQUARE))
    r = roads(("Hoofdweg", "tertiary", [(-500, 500), (1500, 500)]),
              ("Dwarsweg", "residential", [(500, -500), (500, 1500)]))
    e = find_entries(w, r, POLICY)
    assert local_xy(e) == [(0, 500), (500, 0), (500, 1000), (1000, 500)]
    assert set(e["road_index"]) == {0, 1}
    assert e.set_index("road")["weight"].to_dict() == {"Hoofdweg": 3.0, "Dwarsweg": 2.0}
    # The most important entries get the lowest numbers.
    assert list(e["entry_id"][:2].map(lambda s: e.set_index("entry_id").loc[s, "road"])) == ["Hoofdweg"] * 2


def test_candidate_lies_on_the_road_an_inset_inside_the_ward():
    w = wards(("A", SQUARE))
    r = roads(("Doodlopend", "residential", [(-200, 400), (300, 400)]))
    e = find_entries(w, r, POLICY)
    assert local_xy(e) == [(0, 400)]
    cand = e["candidate"].iloc[0]
    assert (round(cand.x - X0, 1), round(cand.y - Y0, 1)) == (POLICY.inset, 400)


def test_dual_carriageway_is_one_entry():
    w = wards(("A", SQUARE))
    r = roads(("Rijksstraatweg", "secondary", [(-300, 490), (500, 490)]),
              ("Rijksstraatweg", "secondary", [(500, 510), (-300, 510)]))
    e = find_entries(w, r, POLICY)
    assert len(e) == 1
    assert e["crossings"].iloc[0] == 2


def test_zigzag_crossings_of_one_road_within_merge_distance_are_one_entry():
    w = wards(("A", SQUARE))
    r = roads(("Slingerweg", "tertiary", [(-10, 500), (10, 510), (-10, 520), (10, 530), (300, 530)]))
    e = find_entries(w, r, POLICY)
    assert len(e) == 1 and e["crossings"].iloc[0] == 3


def test_two_roads_at_one_spot_stay_two_entries():
    w = wards(("A", SQUARE))
    r = roads(("Eenweg", "tertiary", [(-100, 500), (300, 500)]),
              ("Anderweg", "residential", [(-100, 520), (300, 520)]))
    assert len(find_entries(w, r, POLICY)) == 2


def test_road_along_the_boundary_is_no_entry():
    w = wards(("A", SQUARE))
    r = roads(("Grensweg", "tertiary", [(-100, 0), (1100, 0)]))
    assert find_entries(w, r, POLICY).empty


def test_road_along_the_boundary_that_turns_in_is_one_entry():
    w = wards(("A", SQUARE))
    r = roads(("Grensweg", "tertiary", [(-100, 0), (300, 0), (300, 400)]))
    assert local_xy(find_entries(w, r, POLICY)) == [(300, 0)]


def test_road_touching_the_boundary_from_outside_is_no_entry():
    w = wards(("A", SQUARE))
    r = roads(("Raakweg", "tertiary", [(-100, 400), (0, 500), (-100, 600)]))
    assert find_entries(w, r, POLICY).empty


def test_ring_road_that_crosses_twice_has_two_entries():
    w = wards(("A", SQUARE))
    t = np.linspace(0.3, 0.3 + 2 * np.pi, 721)
    ring = list(zip(500 + 300 * np.cos(t), 300 * np.sin(t)))
    r = roads(("Ringweg", "secondary", ring))
    e = find_entries(w, r, POLICY)
    assert [(round(x), y) for x, y in local_xy(e)] == [(200, 0), (800, 0)]


def test_road_from_one_ward_into_another_is_an_entry_of_both():
    w = wards(("A", square(0, 0, 1000, 1000)), ("B", square(1000, 0, 2000, 1000)))
    r = roads(("Dorpsweg", "tertiary", [(500, 500), (1500, 500)]))
    e = find_entries(w, r, POLICY)
    assert sorted(zip(e["ward_code"], map(tuple, np.round(shapely.get_coordinates(e.geometry.values) - [X0, Y0])))) \
        == [("A", (1000, 500)), ("B", (1000, 500))]
    cand = dict(zip(e["ward_code"], e["candidate"]))
    assert cand["A"].x - X0 == pytest.approx(1000 - POLICY.inset)
    assert cand["B"].x - X0 == pytest.approx(1000 + POLICY.inset)


def test_road_from_outside_the_municipality_is_an_entry():
    w = wards(("A", square(0, 0, 1000, 1000)), ("B", square(1000, 0, 2000, 1000)))
    r = roads(("Provinciale weg", "primary", [(-800, 300), (400, 300)]))
    e = find_entries(w, r, POLICY)
    assert list(e["ward_code"]) == ["A"] and local_xy(e) == [(0, 300)]


def test_classes_without_weight_are_no_entries():
    w = wards(("A", SQUARE))
    r = roads(("A7", "motorway", [(-100, 300), (1100, 300)]),
              ("Fietspad", "cycleway", [(-100, 600), (1100, 600)]),
              ("Voetpad", "footway", [(-100, 700), (1100, 700)]))
    assert find_entries(w, r, POLICY).empty
    reason = no_entry_reason("A", w, r, POLICY)
    assert "A7 (autosnelweg)" in reason and "Fietspad (fietspad)" in reason


def test_class_weights_are_policy_settings():
    w = wards(("A", SQUARE))
    r = roads(("Fietspad", "cycleway", [(-100, 600), (1100, 600)]))
    e = find_entries(w, r, POLICY.replace(class_weights={"cycleway": 1.5}))
    assert len(e) == 2 and set(e["weight"]) == {1.5}


def test_class_map_reads_nwb_style_classes():
    w = wards(("A", SQUARE))
    r = roads(("Gemeenteweg", "G", [(-100, 600), (300, 600)]), ("Rijksweg", "R", [(-100, 200), (300, 200)]))
    e = find_entries(w, r, POLICY, class_map={"G": "residential", "R": "motorway"})
    assert list(e["road"]) == ["Gemeenteweg"] and list(e["road_class"]) == ["residential"]


def test_water_ward_has_no_entries():
    w = wards(("A", SQUARE), water=["JA"])
    r = roads(("Dijk", "tertiary", [(-100, 500), (1100, 500)]))
    assert find_entries(w, r, POLICY).empty
    assert "water" in no_entry_reason("A", w, r, POLICY)


def test_ward_without_roads_has_no_entries_and_says_why():
    w = wards(("A", square(0, 0, 1000, 1000)), ("B", square(3000, 0, 4000, 1000)))
    r = roads(("Dorpsweg", "tertiary", [(-100, 500), (500, 500)]))
    assert set(find_entries(w, r, POLICY)["ward_code"]) == {"A"}
    assert "geen wegen" in no_entry_reason("B", w, r, POLICY)
    assert "geen weggegevens" in no_entry_reason("B", w, None, POLICY)


def test_entries_are_found_for_all_demo_wards(data_dir):
    import planner
    w = planner.load_wards(data_dir / "wijken.geojson")
    r = planner.load_roads(data_dir / "wegen.geojson")
    e = find_entries(w, r, planner.preset("landsmeer"))
    assert e["entry_id"].is_unique
    assert "LM09" not in set(e["ward_code"])
    assert set(e["ward_code"]) == set(w["code"]) - {"LM09"}
    on_boundary = shapely.distance(w.set_index("code").loc[e["ward_code"]].boundary.values, e.geometry.values)
    assert (on_boundary < 0.01).all()


# ----------------------------------------------------------------- streets, not OSM ways (issue 20)


def scramble(r, rng, splits=3):
    """The same streets as OSM might split them: every way cut at random points (each piece a
    row of its own), random pieces drawn the other way round, the rows shuffled."""
    rows = []
    for name, highway, geom in zip(r["name"], r["highway"], r.geometry.values):
        cuts = np.sort(rng.uniform(0.02, 0.98, size=rng.integers(1, splits + 1))) * geom.length
        edges = np.r_[0.0, cuts, geom.length]
        for a, b in zip(edges[:-1], edges[1:]):
            piece = shapely.ops.substring(geom, a, b)
            if rng.random() < 0.5:
                piece = shapely.reverse(piece)
            rows.append((name, highway, piece))
    rows = [rows[i] for i in rng.permutation(len(rows))]
    return gpd.GeoDataFrame({"name": [n for n, _, _ in rows], "highway": [h for _, h, _ in rows]},
                            geometry=[g for _, _, g in rows], crs=r.crs)


def entry_answer(e):
    """What an entry frame says, independent of how the roads were split (to the centimetre)."""
    cands = [tuple(map(tuple, np.round(shapely.get_coordinates(c), 2))) if c is not None else ()
             for c in e["candidates"]]
    xy = np.round(shapely.get_coordinates(e.geometry.values), 2)
    return sorted(zip(e["ward_code"], e["entry_id"], e["road"], e["road_class"], e["weight"], e["crossings"],
                      map(tuple, xy), cands))


def test_split_reversed_and_shuffled_ways_give_the_same_entries():
    from test_geometry import street_grid
    w, r = street_grid(seed=7)
    expected = entry_answer(find_entries(w, r, POLICY))
    assert len(expected) > 20
    for seed in range(3):
        assert entry_answer(find_entries(w, scramble(r, np.random.default_rng(seed)), POLICY)) == expected


def test_way_ending_just_inside_the_boundary_is_an_entry_when_its_street_goes_on():
    w = wards(("A", SQUARE))
    # OSM splits the street 5 m inside the ward (a bridge); the street goes on for 300 m.
    r = roads(("Brugstraat", "secondary", [(-100, 500), (5, 500)]),
              ("Brugstraat", "secondary", [(300, 500), (5, 500)]))
    e = find_entries(w, r, POLICY)
    assert local_xy(e) == [(0, 500)]
    assert e["candidate"].iloc[0].x - X0 == pytest.approx(POLICY.inset)


def test_street_changing_class_mid_way_is_one_street_with_the_class_where_it_enters():
    w = wards(("A", SQUARE))
    r = roads(("Dorpsstraat", "residential", [(-100, 500), (5, 500)]),
              ("Dorpsstraat", "tertiary", [(5, 500), (400, 500)]))
    e = find_entries(w, r, POLICY)
    assert list(zip(e["road"], e["road_class"])) == [("Dorpsstraat", "residential")]


def test_entry_that_reaches_the_clearance_without_room_for_a_sign_still_counts():
    w = wards(("A", SQUARE))
    # 12 m into the ward: boundary_clearance (10 m) is reached, the inset (15 m) is not.
    r = roads(("Korteweg", "residential", [(-100, 500), (12, 500)]),
              ("Hoofdweg", "tertiary", [(-100, 600), (400, 600)]))
    e = find_entries(w, r, POLICY).set_index("road")
    assert set(e.index) == {"Korteweg", "Hoofdweg"}
    assert e.loc["Korteweg", "candidate"] is None and e.loc["Hoofdweg", "candidate"] is not None


def test_loop_street_gives_the_same_entries_wherever_the_loop_starts():
    w = wards(("A", SQUARE))
    t = np.linspace(0.0, 2 * np.pi, 361)
    ring = [(500 + 300 * np.cos(a), 300 * np.sin(a)) for a in t]
    expected = None
    for start in (0, 90, 200, 300):
        pts = ring[start:-1] + ring[:start + 1]
        got = local_xy(find_entries(w, roads(("Ringweg", "secondary", pts)), POLICY))
        expected = expected or got
        assert got == expected == [(200, 0), (800, 0)]


# ----------------------------------------------------------------- every reason is true (issue 20 item 4)


def test_reason_no_roads_given():
    reason = no_entry_reason("A", wards(("A", SQUARE)), None, POLICY)
    assert reason.startswith("Er zijn geen weggegevens geladen")


def test_reason_roads_given_but_none_near_the_ward():
    w = wards(("A", SQUARE), ("B", square(3000, 0, 4000, 1000)))
    r = roads(("Dorpsweg", "tertiary", [(-100, 500), (500, 500)]))
    for given in (r, r.iloc[0:0]):  # also an empty frame: what 'propose' reads near a ward without roads
        reason = no_entry_reason("B", w, given, POLICY)
        assert "liggen geen wegen" in reason and "geen weggegevens geladen" not in reason


def test_reason_roads_but_none_enters_names_those_along_the_boundary():
    w = wards(("A", SQUARE))
    r = roads(("Grensweg", "tertiary", [(-100, 0), (1100, 0)]),
              ("Stompje", "residential", [(300, -100), (300, 6)]),
              ("Binnenhof", "residential", [(400, 400), (600, 400)]))
    assert find_entries(w, r, POLICY).empty
    reason = no_entry_reason("A", w, r, POLICY)
    assert "Geen weg komt wijk Wijk A verder binnen dan 10 m van de grens." in reason
    assert "Langs de grens lopen: Grensweg (tertiaire weg)" in reason
    assert "niet 10 m de wijk in: Stompje (woonstraat)" in reason
    assert "zonder aansluiting op de grens: Binnenhof (woonstraat)" in reason


def test_street_goes_on_through_a_junction_with_a_side_branch_of_the_same_name():
    w = wards(("A", SQUARE))
    # OSM: the street is split at the junction 5 m inside the ward, where a spur of the same
    # name branches off to the south; the street itself goes straight on.
    r = roads(("Zonnebloemstraat", "residential", [(-100, 500), (5, 500)]),
              ("Zonnebloemstraat", "residential", [(5, 500), (300, 500)]),
              ("Zonnebloemstraat", "residential", [(5, 500), (5, 300)]))
    e = find_entries(w, r, POLICY)
    assert local_xy(e) == [(0, 500)]
    assert e["candidate"].iloc[0].x - X0 == pytest.approx(POLICY.inset)
    rng = np.random.default_rng(0)
    for _ in range(3):
        assert entry_answer(find_entries(w, scramble(r, rng), POLICY)) == entry_answer(e)


def test_dual_carriageway_forming_the_boundary_is_judged_alike_in_both_wards_however_it_is_split():
    # Wards A (south) and B (north) meet at y = 500, between the two carriageways of Rijksweg.
    w = wards(("A", square(0, 0, 1000, 500)), ("B", square(0, 500, 1000, 1000)))
    south = [(-100, 485), (3, 485), (60, 485), (1100, 485)]  # OSM splits it 3 m inside the ward ...
    north = [(1100, 515), (400, 515), (-100, 515)]           # ... and this one far from the boundary
    r = roads(*[("Rijksweg", "secondary", [a, b]) for a, b in zip(south[:-1], south[1:])],
              *[("Rijksweg", "secondary", [a, b]) for a, b in zip(north[:-1], north[1:])])
    e = find_entries(w, r, POLICY)
    mirrored = {(c, x, y if c == "A" else 1000 - y) for c, (x, y) in
                zip(e["ward_code"], map(tuple, np.round(shapely.get_coordinates(e.geometry.values) - [X0, Y0], 1)))}
    assert mirrored == {("A", 0.0, 485.0), ("A", 1000.0, 485.0), ("B", 0.0, 485.0), ("B", 1000.0, 485.0)}
