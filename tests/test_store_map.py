"""With a register, the map shows the recorded decisions (not a re-decision)."""

from __future__ import annotations

from planner.render.maps.data import OUTCOME_KEYS, read_page_data


def _decisions(page: str) -> dict:
    d = read_page_data(page)["decisions"]
    outcomes = d.get("out", [])
    keys = list(OUTCOME_KEYS)
    return {rid: {"outcome": keys[o], "notes": notes} for rid, o, notes in zip(d["id"], outcomes, d["notes"])}


def test_map_with_register_shows_recorded_decisions_and_previews_pending(run_cli, tmp_path):
    assert run_cli("init").returncode == 0
    decided = {d["request_id"]: d["outcome"] for d in run_cli("decide", "--json").json()}
    assert decided["A002"] == "approved"
    added = run_cli("request", "add", "--group", "G01", "--at-rd", "121000,499000", "--json")
    assert added.returncode == 0, added.stderr
    res = run_cli("map", "--json")
    assert res.returncode == 0, res.stderr
    shown = _decisions((tmp_path / "maps" / "overzicht.html").read_text())
    # Re-deciding would reject A002 on its own planned signs; the map keeps the record.
    for rid, outcome in decided.items():
        assert shown[rid]["outcome"] == outcome, rid
    new_id = added.json()["request_id"]
    assert new_id in shown and any("Voorlopig" in n for n in shown[new_id]["notes"])
    assert not any("Voorlopig" in n for rid in decided for n in shown[rid]["notes"])


def test_recorded_rejection_map_shows_the_signs_that_cover_the_ward(run_cli, tmp_path):
    assert run_cli("init").returncode == 0
    assert run_cli("decide", "--json").returncode == 0
    res = run_cli("map", "--request", "A001", "--json")
    assert res.returncode == 0, res.stderr
    d = read_page_data((tmp_path / "maps" / "aanvraag-A001.html").read_text())
    assert sorted(d["signs"]["id"]) == ["B001", "B002"]  # LM03's placed signs, and no other ward's


def test_stats_with_register_counts_recorded_decisions_and_pending_requests(run_cli):
    assert run_cli("init").returncode == 0
    before = run_cli("stats", "--json").json()["municipality"]["open_requests"]
    assert before >= 1  # nothing decided yet: every request is open
    assert run_cli("decide", "--json").returncode == 0
    after = run_cli("stats", "--json")
    assert after.returncode == 0, after.stderr
    assert after.json()["municipality"]["wards"] == 9
