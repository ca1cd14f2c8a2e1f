"""With a register, the map shows the recorded decisions (not a re-decision)."""

from __future__ import annotations


def test_map_with_register_shows_recorded_decisions_and_previews_pending(run_cli, tmp_path):
    assert run_cli("init").returncode == 0
    decided = {d["request_id"]: d["outcome"] for d in run_cli("decide", "--json").json()}
    assert decided["A002"] == "approved"
    added = run_cli("request", "add", "--group", "G01", "--at-rd", "121000,499000", "--json")
    assert added.returncode == 0, added.stderr
    res = run_cli("map", "--json")
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "maps" / "overzicht.html").read_text()
    # Re-deciding would reject A002 on its own planned signs; the map keeps the record.
    assert "Aanvraag A002 (toegekend)" in page
    assert "Aanvraag A003 (afgewezen)" in page
    new_id = added.json()["request_id"]
    assert f"Aanvraag {new_id} (" in page and "Voorlopig" in page


def test_recorded_rejection_map_shows_the_signs_that_cover_the_ward(run_cli, tmp_path):
    assert run_cli("init").returncode == 0
    assert run_cli("decide", "--json").returncode == 0
    res = run_cli("map", "--request", "A001", "--json")
    assert res.returncode == 0, res.stderr
    page = (tmp_path / "maps" / "aanvraag-A001.html").read_text()
    assert "Bord B001" in page and "Bord B002" in page  # LM03's placed signs
    assert "Bord B003" not in page  # another ward's
