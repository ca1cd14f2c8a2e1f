"""Proposals: the optimum is known by hand on small wards; wishes; demo data; CLI."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_entries import SQUARE, X0, Y0, roads, square, wards

import planner
from planner.cli import main
from planner.core.coords import parse_wishes
from planner.core.policy import Policy
from planner.errors import InputError
from planner.siting.covering import CoverProblem, enumerate_mclp, solve_lscp, solve_mclp
from planner.siting.proposals import make_proposer, propose_positions

POLICY = Policy()
CROSSROADS = roads(("Hoofdweg", "tertiary", [(-500, 500), (1500, 500)]),
                   ("Dwarsweg", "residential", [(500, -500), (500, 1500)]))


def spots(result):
    return sorted((round(p["x"] - X0), round(p["y"] - Y0)) for p in result.proposals)


def lonlat(x, y):
    lon, lat = planner.core.coords.to_lonlat(gpd.GeoSeries([shapely.Point(X0 + x, Y0 + y)], crs="EPSG:28992"))
    return float(lon[0]), float(lat[0])


# ----------------------------------------------------------------- choice


def test_crossroads_two_signs_go_to_the_more_important_road():
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY)
    assert spots(res) == [(15, 500), (985, 500)]
    assert [p["road"] for p in res.proposals] == ["Hoofdweg", "Hoofdweg"]
    assert [p["rank"] for p in res.proposals] == [1, 2]
    assert all(p["score"] == 3.0 and len(p["entries"]) == 1 for p in res.proposals)


def test_cover_all_gives_every_entry_a_sign_with_fewest_signs():
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, cover_all=True)
    assert res.method == "lscp" and len(res.proposals) == 4
    assert all(e["covered"] for e in res.entries)
    assert any("4 borden nodig" in n for n in res.notes)


def test_max_signs_limits_the_number_of_signs():
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, max_signs=1)
    assert len(res.proposals) == 1 and res.proposals[0]["road"] == "Hoofdweg"

    none = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, max_signs=0)
    assert none.proposals == [] and none.needs_review and "hooguit 0 borden" in none.reason


def test_ward_with_one_road_in_gets_one_sign():
    r = roads(("Doodlopend", "residential", [(-200, 400), (300, 400)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert spots(res) == [(15, 400)]


def test_dual_carriageway_gets_one_sign():
    r = roads(("Rijksstraatweg", "secondary", [(-300, 490), (500, 490)]),
              ("Rijksstraatweg", "secondary", [(500, 510), (-300, 510)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert len(res.proposals) == 1 and res.proposals[0]["score"] == 4.0


def test_ring_road_crossing_twice_gets_a_sign_at_each_entry():
    t = np.linspace(0.3, 0.3 + 2 * np.pi, 721)
    r = roads(("Ringweg", "secondary", list(zip(500 + 300 * np.cos(t), 300 * np.sin(t)))))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert len(res.proposals) == 2 and sorted(round(p["x"] - X0, -1) for p in res.proposals) == [200, 800]
    assert len(propose_positions("A", wards(("A", SQUARE)), r, POLICY, max_signs=1).proposals) == 1


def test_road_along_the_boundary_gives_no_proposal():
    r = roads(("Grensweg", "tertiary", [(-100, 0), (1100, 0)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert res.needs_review and res.proposals == [] and "binnen" in res.reason


def test_ward_without_roads_needs_review_with_the_reason():
    w = wards(("A", SQUARE), ("B", square(3000, 0, 4000, 1000)))
    res = propose_positions("B", w, CROSSROADS, POLICY)
    assert res.needs_review and res.proposals == [] and "geen wegen" in res.reason
    res = propose_positions("A", w, None, POLICY)
    assert res.needs_review and "geen weggegevens" in res.reason


def test_one_sign_covers_close_entries_and_sits_on_the_more_important_road():
    r = roads(("Hoofdweg", "tertiary", [(-100, 500), (300, 500)]),
              ("Zijweg", "residential", [(-100, 560), (300, 560)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert len(res.proposals) == 1
    assert res.proposals[0]["road"] == "Hoofdweg" and res.proposals[0]["score"] == 5.0


def test_min_spacing_keeps_chosen_signs_apart():
    r = roads(("Hoofdweg", "tertiary", [(-100, 500), (300, 500)]),
              ("Zijweg", "residential", [(-100, 580), (300, 580)]))
    tight = POLICY.replace(cover_radius=50.0)
    assert len(propose_positions("A", wards(("A", SQUARE)), r, tight).proposals) == 1
    assert len(propose_positions("A", wards(("A", SQUARE)), r, tight.replace(min_spacing=50.0)).proposals) == 2


def test_tie_goes_to_the_wider_spread():
    r = roads(("West", "tertiary", [(-100, 500), (300, 500)]),
              ("Oost", "tertiary", [(1100, 500), (700, 500)]),
              ("Noordwest", "tertiary", [(-100, 800), (300, 800)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY)
    assert sorted(p["road"] for p in res.proposals) == ["Noordwest", "Oost"]


def test_existing_signs_block_candidates_within_min_spacing():
    sign = np.array([[X0 + 30, Y0 + 500]])
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, signs=sign)
    assert (15, 500) not in spots(res) and (985, 500) in spots(res)
    assert "staat al 1 bord;" in res.notes[0]


def test_proposal_has_the_contract_fields():
    p = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY).proposals[0]
    assert {"rank", "x", "y", "lon", "lat", "road", "road_class", "score", "entries", "explanation"} <= set(p)
    assert (p["lon"], p["lat"]) == pytest.approx(lonlat(p["x"] - X0, p["y"] - Y0), abs=1e-6)
    assert p["entries"][0].startswith("A-E") and "Hoofdweg" in p["explanation"]


def test_unknown_ward_is_an_input_error():
    with pytest.raises(InputError, match="XX"):
        propose_positions("XX", wards(("A", SQUARE)), CROSSROADS, POLICY)


def random_problem(rng, fixed_first=False):
    n = int(rng.integers(1, 12))
    xy = rng.uniform(0, 600, (n, 2))
    d = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1))
    w = rng.choice([0.5, 2.0, 3.0, 5.0], n)
    fixed = np.zeros(n, bool)
    fixed[0] = fixed_first
    return CoverProblem((d <= 150) | np.eye(n, dtype=bool), w, w, xy, 100.0, fixed)


def test_enumeration_and_milp_reach_the_same_optimum():
    rng = np.random.default_rng(7)
    for k in range(40):
        problem = random_problem(rng, fixed_first=k % 4 == 0)
        p = int(rng.integers(1, 4))
        a, b = solve_mclp(problem, p), enumerate_mclp(problem, p)
        assert problem.feasible(a) and problem.feasible(b)
        assert problem.objective(a) == pytest.approx(problem.objective(b))


def test_lscp_covers_every_entry_or_says_it_cannot():
    rng = np.random.default_rng(3)
    for _ in range(20):
        problem = random_problem(rng)
        chosen = solve_lscp(problem)
        if chosen is not None:
            assert problem.cover[chosen].any(axis=0).all() and problem.feasible(chosen)
    blocked = CoverProblem(np.eye(2, dtype=bool), [1, 1], [1, 1], [[0, 0], [10, 0]], 100.0)
    assert solve_lscp(blocked) is None


# ----------------------------------------------------------------- wishes


def test_valid_wish_is_kept():
    wish = lonlat(500, 880)  # on the Dwarsweg, 120 m from its north entry, far from the west/east entries
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, wishes=[wish])
    assert res.wishes[0]["valid"]
    kept = [p for p in res.proposals if p["source"] == "wens"]
    assert len(kept) == 1 and kept[0]["road"] == "Dwarsweg" and kept[0]["rank"] == 1
    assert (round(kept[0]["x"] - X0), round(kept[0]["y"] - Y0)) == (500, 880)
    assert len(res.proposals) == 2


def test_wish_outside_the_ward_is_refused_with_the_best_alternative():
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, wishes=[lonlat(-300, 500)])
    wish = res.wishes[0]
    assert not wish["valid"] and "niet in de wijk" in wish["reason"]
    assert wish["alternative"]["road"] == "Hoofdweg" and "alternatief" in wish["explanation"]
    assert spots(res) == [(15, 500), (985, 500)]


def test_wish_far_from_a_public_road_is_refused():
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, wishes="%f %f" % lonlat(200, 200))
    assert not res.wishes[0]["valid"] and "openbare weg" in res.wishes[0]["reason"]


def test_wish_too_close_to_another_sign_is_refused():
    sign = np.array([[X0 + 500, Y0 + 750]])
    res = propose_positions("A", wards(("A", SQUARE)), CROSSROADS, POLICY, wishes=[lonlat(500, 700)], signs=sign)
    assert not res.wishes[0]["valid"] and "ander bord" in res.wishes[0]["reason"]


def test_wishes_are_parsed_from_the_request_text():
    assert parse_wishes("4.9166 52.4336; 4.92,52.44") == [(4.9166, 52.4336), (4.92, 52.44)]
    assert parse_wishes("") == []
    with pytest.raises(InputError):
        parse_wishes("hier ergens")


# ----------------------------------------------------------------- demo data


@pytest.fixture
def demo(data_dir):
    return dict(wards=planner.load_wards(data_dir / "wijken.geojson"),
                signs=planner.load_signs(data_dir / "borden.geojson"),
                roads=planner.load_roads(data_dir / "wegen.geojson"),
                groups=planner.load_groups(data_dir / "groepen.csv"),
                requests=planner.load_requests(data_dir / "aanvragen.csv"),
                policy=planner.preset("landsmeer"))


def decide_demo(d):
    proposer = make_proposer(d["wards"], d["roads"], d["policy"], d["signs"])
    return {x.request_id: x for x in planner.decide_requests(
        d["requests"], d["wards"], d["signs"], d["groups"], d["policy"], roads=d["roads"], proposer=proposer)}


def test_demo_approved_decisions_carry_their_proposals(demo):
    decided = decide_demo(demo)
    approved = [d for d in decided.values() if d.outcome == "approved"]
    assert approved and all(1 <= len(d.proposals) <= 2 for d in approved)
    polys = demo["wards"].set_index("code").geometry
    for d in approved:
        for p in d.proposals:
            # A sign on a shared pole hangs on the neighbouring ward's pole, facing its own ward.
            home = p["shared_pole"]["ward"] if p.get("shared_pole") else d.ward["code"]
            assert polys[home].contains(shapely.Point(p["x"], p["y"]))
    assert any(p.get("shared_pole") for d in approved for p in d.proposals)  # Dorpsstraat (issue 20)


def test_demo_het_twiske_needs_review_without_entries(demo):
    d = decide_demo(demo)["A007"]
    assert (d.outcome, d.reason_code, d.proposals) == ("needs_review", "no_entries", [])
    assert "A7 (autosnelweg)" in d.reason


VALID_WISH = "4.91713 52.43591"  # on Noordeinde in LM01, 60 m inside: covers entry LM01-E3


def test_demo_wish_of_a008_is_considered_not_obeyed(demo):
    # The municipality's own choice is the proposal; the admin's valid wish is weighed in
    # the notes (with what it would cover) and agreed with the admin in 'request agree'.
    requests = demo["requests"].copy()
    requests.loc[requests["request_id"] == "A008", "preferred"] = VALID_WISH
    d = decide_demo(demo | {"requests": requests})["A008"]
    assert d.outcome == "approved"
    assert all(p["source"] == "planner" for p in d.proposals)
    notes = " ".join(d.notes)
    assert "Voorkeursplek 1 (52.43591, 4.91713) is geldig." in notes
    m = re.search(r"Het voorstel van de gemeente dekt (\d+) van de (\d+) invalswegen van de wijk, de drukste "
                  r"eerst; met de geldige voorkeursplek\(ken\) erin zouden de borden (\d+) van de \2 dekken", notes)
    assert m, notes
    own, total, wished = map(int, m.groups())
    assert own >= wished and own <= total  # the municipality's choice is the optimum; the wish may cost coverage
    # words a beheerder can read: no weights, no pointers to nothing, no commands
    assert not re.search(r"gewicht|hierboven|planner request", notes)


def test_wish_that_covers_no_entry_is_invalid_in_decide_and_propose(demo, cli):
    # A008's wish (the demo data) lies on Noordeinde 320 m from its entry: it serves nobody entering.
    d = decide_demo(demo)["A008"]
    assert "Voorkeursplek 1 (52.43360, 4.91660) is niet geldig: dekt geen invalsweg binnen 150 m" in " ".join(d.notes)
    result = propose_positions("LM01", demo["wards"], demo["roads"], demo["policy"], wishes="4.9166 52.4336",
                               signs=demo["signs"])
    assert not result.wishes[0]["valid"] and "dekt geen invalsweg" in result.wishes[0]["reason"]
    assert all(p["source"] == "planner" for p in result.proposals)
    code, out, err = cli("propose", "LM01", "--prefer", "4.9166 52.4336")
    assert code == 0, err
    assert "is niet overgenomen: dekt geen invalsweg binnen 150 m" in " ".join(out.split())
    assert "Gewenste plek" not in out


# ----------------------------------------------------------------- command line


@pytest.fixture
def cli(tmp_path, monkeypatch, data_dir, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))
    monkeypatch.delenv("PLANNER_STORE", raising=False)

    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_propose_prints_ward_and_proposals(cli):
    code, out, _ = cli("propose", "LM04", "--json")
    data = json.loads(out)
    assert code == 0 and data["ward"]["code"] == "LM04"
    assert len(data["proposals"]) == 2
    assert {"rank", "lon", "lat", "x", "y", "road", "road_class", "score"} <= set(data["proposals"][0])


def test_cli_propose_max_signs_and_cover_all(cli):
    assert len(json.loads(cli("propose", "LM04", "--max-signs", 1, "--json")[1])["proposals"]) == 1
    data = json.loads(cli("propose", "LM01", "--cover-all", "--json")[1])
    assert data["method"] == "lscp" and all(e["covered"] for e in data["entries"])


def test_cli_propose_ward_without_entries_needs_review(cli):
    code, out, _ = cli("propose", "LM09", "--json")
    data = json.loads(out)
    assert code == 0 and data["needs_review"] and data["proposals"] == []


def test_cli_propose_with_roads_given_but_none_near_the_ward_says_so(cli, tmp_path):
    w = wards(("A", SQUARE), ("B", square(3000, 0, 4000, 1000)))
    w.to_file(tmp_path / "w.gpkg")
    roads(("Dorpsweg", "tertiary", [(-100, 500), (500, 500)])).to_file(tmp_path / "r.gpkg")
    code, out, _ = cli("propose", "B", "--wards", tmp_path / "w.gpkg", "--roads", tmp_path / "r.gpkg", "--json")
    data = json.loads(out)
    assert code == 0 and data["needs_review"]
    assert "liggen geen wegen" in data["reason"] and "geen weggegevens" not in data["reason"]


def test_cli_propose_unknown_ward_exits_2(cli):
    code, out, err = cli("propose", "XX")
    assert code == 2 and out == "" and err.startswith("error: ") and "XX" in err
    assert "LM01" in err  # names the codes that do exist


def test_cli_propose_ward_code_is_case_insensitive(cli):
    code, out, _ = cli("propose", "lm04", "--json")
    assert code == 0 and json.loads(out)["ward"]["code"] == "LM04"


def test_cli_decide_json_lists_proposals(cli):
    decided = {d["request_id"]: d for d in json.loads(cli("decide", "--json")[1])}
    assert decided["A002"]["outcome"] == "approved" and decided["A002"]["proposals"]
    assert decided["A007"]["reason_code"] == "no_entries"


def test_propose_on_a_covered_ward_says_the_policy_adds_no_signs(cli):
    code, out, _ = cli("propose", "LM03", "--json")  # Landsmeer-Zuid has B001 and B002
    data = json.loads(out)
    assert code == 0 and data["covered"] is True
    assert "komen er geen borden bij" in data["notes"][0]
    uncovered = json.loads(cli("propose", "LM04", "--json")[1])
    assert uncovered["covered"] is False
    assert not any("komen er geen borden bij" in n for n in uncovered["notes"])


def test_reason_entries_but_no_spot_says_why():
    # The street reaches 10 m inside (an entry) but leaves no room 15 m along the road.
    short = roads(("Korteweg", "residential", [(-100, 500), (12, 500)]))
    res = propose_positions("A", wards(("A", SQUARE)), short, POLICY)
    assert res.needs_review and res.proposals == []
    assert [e["road"] for e in res.entries] == ["Korteweg"]
    assert "heeft invalswegen (Korteweg (woonstraat)), maar daar is geen plek voor een bord" in res.reason
    # Every spot within min_spacing of the ward's own sign: another true reason.
    r = roads(("Doodlopend", "residential", [(-200, 400), (60, 400)]))
    sign = np.array([[X0 + 30, Y0 + 420]])
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY, signs=sign)
    assert res.needs_review and "liggen binnen 100 m van het bestaande bord van de wijk" in res.reason


def test_entry_without_a_spot_of_its_own_counts_as_covered_by_a_nearby_sign():
    r = roads(("Korteweg", "residential", [(-100, 500), (12, 500)]),
              ("Hoofdweg", "tertiary", [(-100, 560), (400, 560)]))
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY, max_signs=1)
    assert len(res.proposals) == 1 and res.proposals[0]["road"] == "Hoofdweg"
    assert res.proposals[0]["score"] == 5.0 and all(e["covered"] for e in res.entries)


def test_candidates_further_along_the_entering_street_raise_the_covered_weight():
    # Westweg enters from the west at y = 130, Zuidweg from the south at x = 120. The first
    # spot on either street (15 m in) is more than cover_radius from the other entry; a spot
    # further along either street covers both entries with one sign.
    r = roads(("Westweg", "tertiary", [(-100, 130), (600, 130)]),
              ("Zuidweg", "tertiary", [(120, -100), (120, 250)]))
    first_spots = {(15, 130), (120, 15)}
    res = propose_positions("A", wards(("A", SQUARE)), r, POLICY, max_signs=1)
    assert len(res.proposals) == 1 and res.proposals[0]["score"] == 6.0
    assert spots(res)[0] not in first_spots
    assert all(e["covered"] for e in res.entries)
