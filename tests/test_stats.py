"""Coverage counted in residents (``planner stats``, :mod:`planner.core.coverage`), and the one vocabulary."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
import mapdata  # noqa: E402

from planner import placement
from planner.core import coverage as stats  # noqa: E402
from planner.core import vocabulary
from planner.core.policy import Policy  # noqa: E402
from planner.render.maps import page as maps
from planner.render.maps.data import read_page_data

# CBS-like codes for the demo wards: LM01-LM05 in wijk WK041500, LM06-LM09 in WK041501
CODES = {f"LM0{k}": f"BU0415{0 if k <= 5 else 1:02d}{k:02d}" for k in range(1, 10)}
POPULATION = {"LM01": 4200, "LM02": 3100, "LM03": 2900, "LM04": 1800, "LM05": -99999999,  # CBS: secret
              "LM06": 350, "LM07": 600, "LM08": 40, "LM09": 0}


@pytest.fixture(scope="module")
def demo(request):
    wards, signs, roads, groups, decisions = mapdata.load(Path(request.config.rootpath) / "data")
    return wards, signs, roads, groups, decisions


@pytest.fixture(scope="module")
def cbs(demo):
    """The demo with CBS buurt codes and populations (one secret)."""
    wards, signs, roads, groups, decisions = demo
    wards = wards.assign(population=wards["code"].map(POPULATION), code=wards["code"].map(CODES))
    import dataclasses

    decisions = [dataclasses.replace(d, ward={**d.ward, "code": CODES[d.ward["code"]]}) if d.ward else d
                 for d in decisions]
    return wards, signs, roads, groups, decisions


def test_cbs_sentinels_negatives_and_blanks_are_unknown_not_zero():
    wards = pd.DataFrame({"population": [1200, -99999999, -99999997, -5, None, "", "0", 0]})
    pop = stats.population_of(wards)
    assert pop.isna().tolist() == [False, True, True, True, True, True, False, False]
    assert pop.iloc[0] == 1200 and pop.iloc[6] == 0


def test_a_buurt_lies_in_the_wijk_of_its_first_six_digits():
    wards = pd.DataFrame({"code": ["BU04150203", "WK041502", "LM01", "BU1234"]})
    assert stats.wijk_codes(wards).iloc[:2].tolist() == ["WK041502", "WK041502"]
    assert stats.wijk_codes(wards).iloc[2:].isna().all()
    given = pd.DataFrame({"code": ["BU04150203"], "wijk_code": ["WK999999"]})
    assert stats.wijk_codes(given).tolist() == ["WK999999"]


def test_covered_residents_follow_ward_status(cbs):
    wards, signs, roads, groups, decisions = cbs
    result = stats.coverage_stats(wards, signs, Policy(), decisions=decisions, groups=groups)
    t = result.wards.set_index("code")
    from planner.core.wards import ward_status

    covered = ward_status(wards, signs, Policy()).set_index("code")["covered"]
    assert (t["covered"] == covered).all()
    lm03 = t.loc[CODES["LM03"]]  # covered: B001, B002
    assert lm03["covered"] and lm03["covered_residents"] == 2900 and lm03["covered_share"] == 1.0
    assert lm03["signs_per_1000"] == pytest.approx(2 * 1000 / 2900, abs=0.01)
    lm01 = t.loc[CODES["LM01"]]
    assert not lm01["covered"] and lm01["covered_residents"] == 0 and lm01["covered_share"] == 0.0


def test_unknown_population_stays_unknown_everywhere(cbs, capsys):
    wards, signs, roads, groups, decisions = cbs
    result = stats.coverage_stats(wards, signs, Policy(), decisions=decisions)
    secret = result.wards.set_index("code").loc[CODES["LM05"]]
    for column in ("residents", "covered_residents", "covered_share", "signs_per_1000"):
        assert pd.isna(secret[column]), column
    plain = result.to_dict()
    row = next(r for r in plain["wards"] if r["code"] == CODES["LM05"])
    assert row["residents"] is None and row["covered_share"] is None
    json.dumps(plain)  # JSON-ready
    assert stats.format_number(secret["residents"]) == "onbekend" and stats.format_share(None) == "onbekend"
    # no residents at all (a ward of 0 inhabitants): no share, not 0 %
    empty = result.wards.set_index("code").loc[CODES["LM09"]]
    assert empty["residents"] == 0 and pd.isna(empty["covered_share"]) and pd.isna(empty["signs_per_1000"])


def test_totals_add_the_known_wards_and_count_the_unknown(cbs):
    wards, signs, roads, groups, decisions = cbs
    tot = stats.coverage_stats(wards, signs, Policy(), decisions=decisions).municipality
    known = {c: p for c, p in POPULATION.items() if p >= 0}
    assert tot["residents"] == sum(known.values())
    assert tot["wards_population_unknown"] == 1
    covered = {"LM02", "LM03", "LM06"}  # the wards with counted signs in the demo
    assert tot["covered_residents"] == sum(known[c] for c in covered if c in known)
    assert tot["covered_share"] == pytest.approx(tot["covered_residents"] / tot["residents"], abs=1e-4)
    assert tot["signs"] == 4
    all_unknown = stats.coverage_stats(wards.assign(population=None), signs, Policy()).municipality
    assert all_unknown["residents"] is pd.NA and all_unknown["covered_share"] is pd.NA


def test_wijk_totals(cbs):
    wards, signs, roads, groups, decisions = cbs
    wk = stats.coverage_stats(wards, signs, Policy(), decisions=decisions).wijken.set_index("wijk_code")
    assert list(wk.index) == ["WK041500", "WK041501"]
    assert wk.loc["WK041500", "wards"] == 5 and wk.loc["WK041500", "wards_population_unknown"] == 1
    assert wk.loc["WK041500", "residents"] == 4200 + 3100 + 2900 + 1800
    assert wk.loc["WK041501", "residents"] == 350 + 600 + 40 + 0


def test_groups_without_signs_and_open_requests(cbs):
    wards, signs, roads, groups, decisions = cbs
    t = stats.coverage_stats(wards, signs, Policy(), decisions=decisions, groups=groups).wards.set_index("code")
    a002 = next(d for d in decisions if d.request_id == "A002")  # approved, signs not placed
    assert t.loc[a002.ward["code"], "open_requests"] >= 1
    assert t.loc[a002.ward["code"], "group_without_signs"]
    assert not t.loc[CODES["LM03"], "group_without_signs"]  # A001's group, but the ward has signs
    # a register's group lives in a ward even before it asks
    g = groups.assign(ward_code=CODES["LM08"])
    t = stats.coverage_stats(wards, signs, Policy(), groups=g).wards.set_index("code")
    assert t.loc[CODES["LM08"], "has_group"] and t.loc[CODES["LM08"], "group_without_signs"]


def test_an_approval_is_settled_once_its_signs_are_placed(cbs):
    wards, signs, roads, groups, decisions = cbs
    a002 = next(d for d in decisions if d.request_id == "A002")
    planned = signs.iloc[:1].assign(id="A002-1", status="planned", request_id="A002")
    placed = planned.assign(status="placed")
    with_planned = pd.concat([signs.assign(request_id=""), planned], ignore_index=True)
    with_placed = pd.concat([signs.assign(request_id=""), placed], ignore_index=True)
    assert stats.decision_is_open([a002], with_planned).tolist() == [True]
    assert stats.decision_is_open([a002], with_placed).tolist() == [False]


def test_the_overview_map_has_a_choropleth_of_the_share(cbs):
    wards, signs, roads, groups, decisions = cbs
    page = maps.render(maps.overview_map(maps.prepare(wards, signs, decisions, groups=groups)))
    d = read_page_data(page)
    assert d["wijken"]["code"] == ["WK041500", "WK041501"]
    assert all(v is None or 0 <= v <= 1 for v in d["wijken"]["share"])
    lm05 = d["wards"]["code"].index(CODES["LM05"])
    assert d["wards"]["pop"][lm05] is None  # unknown, not 0
    assert d["words"]["layers"]["choropleth"] == "Gedekte inwoners per wijk"
    assert "pl-choro-legend" in page and "inwonertal onbekend" in page


@pytest.fixture
def planner_main(tmp_path, monkeypatch, data_dir, capsys):
    from planner.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))

    def run(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def cbs_wards_file(cbs, tmp_path):
    wards = cbs[0]
    path = tmp_path / "wijken.geojson"
    wards.to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def test_stats_command_prints_unknown_not_zero(planner_main, cbs_wards_file):
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "wijk")
    assert code == 0, err
    assert "onbekend" in out and "Gemeente" in out and "aandeel" in out
    line = next(row for row in out.splitlines() if CODES["LM05"] in row)
    assert "onbekend" in line


def test_stats_command_json_and_csv(planner_main, cbs_wards_file, tmp_path):
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"municipality", "wijken", "wards"} and len(data["wards"]) == 9
    assert next(r for r in data["wards"] if r["code"] == CODES["LM05"])["residents"] is None
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "cbs-wijk", "--csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["wijk_code"] for r in rows] == ["WK041500", "WK041501"]
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "wijk", "--out", "d.csv")
    assert code == 0, err
    rows = list(csv.DictReader(open(tmp_path / "d.csv", encoding="utf-8")))
    secret = next(r for r in rows if r["code"] == CODES["LM05"])
    assert secret["residents"] == "" and secret["covered_share"] == ""  # unknown: empty, not 0


def test_stats_command_on_demo_data_without_wijken(planner_main):
    code, out, err = planner_main("stats")
    assert code == 0, err and "Per wijk" in out
    code, out, err = planner_main("stats", "--per", "cbs-wijk")
    assert code == 2 and err.startswith("error: ") and "--per wijk" in err
    code, out, err = planner_main("stats", "--per", "gemeente", "--csv")
    assert code == 0 and out.startswith("wards,covered_wards")


def test_stats_per_names_match_the_glossary_and_old_names_still_work(planner_main, cbs_wards_file, capsys):
    """--per wijk: the planner's wards ("Per wijk"); --per cbs-wijk: the CBS districts; 'ward' is an old name."""
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "wijk", "--csv")
    assert code == 0 and "heet nu" not in err
    by_ward = list(csv.DictReader(io.StringIO(out)))
    assert len(by_ward) == 9 and "code" in by_ward[0]
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "cbs-wijk", "--csv")
    assert [r["wijk_code"] for r in csv.DictReader(io.StringIO(out))] == ["WK041500", "WK041501"]
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "ward", "--csv")
    assert code == 0 and list(csv.DictReader(io.StringIO(out))) == by_ward
    assert ("waarschuwing: --per ward heet nu --per wijk (wijk = de wijken van de planner, "
            "cbs-wijk = de CBS-wijken waarin ze liggen)") in err.splitlines()
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file), "--per", "wijk")
    assert "Per wijk" in out and "Per CBS-wijk" not in out
    code, out, err = planner_main("stats", "--wards", str(cbs_wards_file))  # default: per CBS wijk
    assert "Per CBS-wijk" in out
    with pytest.raises(SystemExit):
        planner_main("stats", "--per", "buurt")
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "wijk" in err and "cbs-wijk" in err and "ward" not in err


def test_stats_reuses_saved_decisions(planner_main, tmp_path, monkeypatch):
    code, out, err = planner_main("decide", "--json")
    assert code == 0, err
    (tmp_path / "b.json").write_text(out, encoding="utf-8")
    from planner.app import decide

    monkeypatch.setattr(decide, "decide_all", lambda *a, **k: (_ for _ in ()).throw(AssertionError("decided")))
    code, out, err = planner_main("stats", "--decisions", "b.json", "--json")
    assert code == 0, err
    assert json.loads(out)["municipality"]["open_requests"] >= 1


def test_vocabulary_words(demo):
    assert vocabulary.road_class_nl("tertiary") == "tertiaire weg"
    assert vocabulary.road_class_nl("secondary_link") == "op-/afrit (secundaire weg)"
    assert vocabulary.road_class_nl("") == "zonder klasse"
    assert set(vocabulary.OUTCOME_NL) == {"approved", "rejected", "needs_review"}
    assert vocabulary.WARD_STATE_NL["in_behandeling"] == "aanvraag in behandeling"
    assert np.all([vocabulary.MARKER_NL[k] for k in ("bord", "gepland", "aanvraag", "afgehandeld", "voorstel")])


def test_review_request_ward_state_is_the_same_in_map_stats_and_decisions(demo):
    """A request under review does not make its ward "in behandeling" (map legend, stats) nor block the
    next approval (decisions): all three say it with the one ward verdict."""
    from planner.render.maps.data import page_data

    wards, signs, _roads, _groups, decisions = demo
    review = next(d for d in decisions if d.reason_code == "unknown_group")  # A004, group G99
    code = review.ward["code"]
    # decisions: A009, later in the same ward, is approved (the review does not block it)
    later = [d for d in decisions if d.ward and d.ward["code"] == code and d.date > review.date]
    assert [(d.request_id, d.outcome) for d in later] == [("A009", "approved")]
    # stats and the map: with only the review, the ward is "niet gedekt"; its request is open
    table = stats.coverage_stats(wards, signs, Policy(), decisions=[review]).wards.set_index("code")
    assert table.loc[code, "state"] == "niet_gedekt" and table.loc[code, "open_requests"] == 1
    page = page_data(maps.prepare(wards, signs, [review], policy=Policy()), public=False)
    k = page["wards"]["code"].index(code)
    assert page["words"]["stateKeys"][page["wards"]["state"][k]] == "niet_gedekt"
    assert page["decisions"]["open"] == [1]  # the request's own marker: in behandeling
    assert "ter beoordeling verandert dat niet" in vocabulary.WARD_STATE_LEGEND["niet_gedekt"]
    # the approval (no positions: no roads) is what makes it "in behandeling", for all three
    table = stats.coverage_stats(wards, signs, Policy(), decisions=[review] + later).wards.set_index("code")
    assert table.loc[code, "state"] == "in_behandeling"
    page = page_data(maps.prepare(wards, signs, [review] + later, policy=Policy()), public=False)
    assert page["words"]["stateKeys"][page["wards"]["state"][k]] == "in_behandeling"
    assert later[0].proposals == [] and placement.open_approvals(later) == {code: ["A009"]}


def test_map_and_stats_count_the_signs_a_run_planned_as_decide_does(data_dir):
    """Without a register the planned signs of this run's approvals are in no signs file; decide
    counts them for later requests, and so do the ward states of the maps and stats."""
    import planner

    wards, signs = planner.load_wards(data_dir / "wijken.geojson"), planner.load_signs(data_dir / "borden.geojson")
    roads = planner.load_roads(data_dir / "wegen.geojson")
    policy = planner.preset("landsmeer")
    decisions = planner.decide_requests(planner.load_requests(data_dir / "aanvragen.csv"), wards, signs,
                                        planner.load_groups(data_dir / "groepen.csv"), policy, roads=roads,
                                        proposer=planner.make_proposer(wards, roads, policy))
    by_id = {d.request_id: d for d in decisions}
    assert by_id["A002"].outcome == "approved" and by_id["A002"].proposals
    assert (by_id["A003"].outcome, by_id["A003"].reason_code) == ("rejected", "ward_covered")  # A002's planned signs
    table = planner.coverage_stats(wards, signs, policy, decisions=decisions).wards.set_index("code")
    oost = by_id["A002"].ward["code"]
    assert table.loc[oost, "state"] == "gedekt" and bool(table.loc[oost, "covered"])
    assert table.loc[oost, "signs"] == 2
