"""The life of a request (issue 13): received -> decided -> resolved / proposed -> agreed -> placed.

CLI tests run ``planner.cli.main`` in-process in ``tmp_path`` on a register
made from the demo data and decided once (``planner init``, ``planner decide``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import docx
import pytest
import shapely
from conftest import env, gpkg_only, run_json  # noqa: F401  (env: fixture)  # noqa: F401  (env: fixture)

from planner import cli, geo
from planner.app import lifecycle
from planner.register import requests as history
from planner.register.schema import SCHEMA_VERSION
from planner.register.store import Store
from planner.render.maps.data import read_page_data

run = run_json  # (exit code, parsed JSON stdout or the text, stderr)


def ok(capsys, *args):
    code, data, err = run(capsys, *args)
    assert code == 0, err
    return data


def refused(capsys, path, *args, contains=""):
    """The command ends with one ``error:`` line, exit 2, and the register is unchanged."""
    before = Store(path).dump()
    code, out, err = run(capsys, *args)
    assert code == 2, (out, err)
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert contains in err, err
    assert Store(path).dump() == before
    return err


@pytest.fixture
def store(env, register_at, capsys):
    """The demo register, decided once: a GeoPackage, and (parametrized) a PostGIS database."""
    ok(capsys, "init", "--json")
    ok(capsys, "decide", "--json")
    return register_at


def states(capsys) -> dict:
    return {r["request_id"]: r["state"] for r in ok(capsys, "request", "list", "--json")}


# ----------------------------------------------------------------- states


def test_request_list_shows_the_real_state_of_each_request(store, capsys):
    ok(capsys, "request", "add", "--group", "G01", "--at-rd", "121000,499000", "--id", "N1", "--json")
    s = states(capsys)
    assert s["A001"] == "rejected" and s["A005"] == "rejected"
    assert s["A002"] == "proposed" and s["A009"] == "proposed"
    assert s["A004"] == "needs_review" and s["A007"] == "needs_review"
    assert s["N1"] == "received"
    text = ok(capsys, "request", "list")
    assert "ter beoordeling" in text and "plekken voorgesteld" in text and "ontvangen" in text
    assert "beslist" not in text.replace("nog niet beslist", "")


def test_request_show_has_decision_signs_and_history(store, capsys):
    info = ok(capsys, "request", "show", "A002", "--json")
    assert info["state"] == "proposed" and info["outcome"] == "approved"
    assert info["decision"]["reason_code"] == "ward_not_covered"
    assert [s["id"] for s in info["signs"]] == ["A002-1", "A002-2"]
    events = [(h["subject"], h["event"]) for h in info["history"]]
    assert events[:2] == [("aanvraag A002", "received"), ("aanvraag A002", "decided")]
    assert ("bord A002-1", "proposed") in events
    text = ok(capsys, "request", "show", "A002")
    assert "Stand: toegekend, plekken voorgesteld" in text and "Geschiedenis:" in text


# ----------------------------------------------------------------- resolving a review


def test_resolved_approval_is_an_open_approval_and_blocks_its_ward(store, capsys):
    """A007 (Het Twiske, no entries) approved by staff: approved, no positions, ward in progress."""
    before = Store(store).table("decisions")
    info = ok(capsys, "request", "resolve", "A007", "--approve", "--reason", "borden bij de ingang van het park",
              "--json")
    assert info["state"] == "approved_open" and info["outcome"] == "approved"
    assert info["resolution"] == {"outcome": "approved", "date": "2026-10-01",
                                  "reason": "borden bij de ingang van het park", "ward_code": "LM09",
                                  "decision_reason": info["resolution"]["decision_reason"]}
    assert Store(store).table("decisions").equals(before)  # the decision is not rewritten
    assert Store(store).layers()["open_approvals"] == {"LM09": ["A007"]}
    recorded = {d.request_id: d for d in history.recorded_decisions(Store(store))}
    assert recorded["A007"].outcome == "approved" and "ter beoordeling" in recorded["A007"].notes[0]
    # a later request in the ward is rejected, as for any open approval (the approval in the staff notes)
    ok(capsys, "request", "add", "--group", "G06", "--at-rd", "120000,495000", "--id", "N2", "--json")
    decided = ok(capsys, "decide", "--json")
    assert decided[0]["reason_code"] == "ward_in_progress" and any("A007" in n for n in decided[0]["notes"])


def test_resolved_rejection_is_recorded_with_date_and_reason(store, capsys):
    refused(capsys, store, "request", "resolve", "A004", "--reject", "--reason", "x", "--date", "2026-09-30",
            contains="vóór het besluit")
    refused(capsys, store, "request", "resolve", "A004", "--reject", "--reason", "x", "--date", "2026-10-02",
            contains="toekomst")
    info = ok(capsys, "request", "resolve", "A004", "--reject", "--reason", "groep onbekend, geen reactie",
              "--date", "1-10-2026", "--json")
    assert info["state"] == "rejected"
    resolved = [h for h in info["history"] if h["event"] == "resolved"]
    assert resolved[0]["date"] == "2026-10-01" and resolved[0]["reason"] == "groep onbekend, geen reactie"
    assert "afgehandeld na beoordeling: afgewezen" in resolved[0]["event_nl"]
    assert Store(store).layers()["open_approvals"] == {}


def test_resolve_is_only_for_reviews_and_once(store, capsys):
    refused(capsys, store, "request", "resolve", "A002", "--approve", "--reason", "x", contains="toegekend")
    refused(capsys, store, "request", "resolve", "A001", "--reject", "--reason", "x", contains="afgewezen")
    refused(capsys, store, "request", "resolve", "Z9", "--reject", "--reason", "x", contains="onbekende aanvraag")
    refused(capsys, store, "request", "resolve", "A004", "--reject", "--reason", " ", contains="reden")
    ok(capsys, "request", "resolve", "A004", "--reject", "--reason", "x", "--json")
    refused(capsys, store, "request", "resolve", "A004", "--approve", "--reason", "toch wel", contains="afgewezen")


def test_resolve_approve_checks_the_ward_as_decide_would_now(store, capsys):
    # A004's group G99 is unknown: it must be in the register first (the letter goes to its admins)
    refused(capsys, store, "request", "resolve", "A004", "--approve", "--reason", "x", contains="group add")
    ok(capsys, "group", "add", "G99", "--name", "Nieuw West", "--admin", "Ali Proef;06-00000012;", "--json")
    # LM05 got signs from A009 meanwhile: approving now would give the ward two sets of signs
    refused(capsys, store, "request", "resolve", "A004", "--approve", "--reason", "x", contains="--reject")


def _boundary_point(data_dir, a="LM08", b="LM09"):
    wards = geo.load_wards(data_dir / "wijken.geojson").set_index("code")
    shared = shapely.line_merge(shapely.intersection(wards.geometry[a].boundary, wards.geometry[b].boundary))
    line = shared.geoms[0] if hasattr(shared, "geoms") else shared
    return line.interpolate(0.5, normalized=True)


def test_a_boundary_review_is_approved_for_the_ward_staff_choose(store, capsys, data_dir):
    p = _boundary_point(data_dir)
    ok(capsys, "request", "add", "--group", "G01", "--at-rd", f"{p.x},{p.y}", "--id", "B1", "--json")
    d = ok(capsys, "decide", "--json")[0]
    assert d["reason_code"] == "on_boundary"
    refused(capsys, store, "request", "resolve", "B1", "--approve", "--reason", "x", contains="--ward")
    refused(capsys, store, "request", "resolve", "B1", "--approve", "--ward", "LM01", "--reason", "x",
            contains="niet in wijk LM01")
    info = ok(capsys, "request", "resolve", "B1", "--approve", "--ward", "LM08", "--reason", "voor de polder",
              "--json")
    assert info["ward"]["code"] == "LM08" and info["outcome"] == "approved"
    assert info["state"] in ("proposed", "approved_open")
    assert all(s["status"] == "planned" for s in info["signs"])


# ----------------------------------------------------------------- agreeing positions


def test_agree_keeps_the_proposals_then_placing_them_settles_the_request(store, capsys):
    info = ok(capsys, "request", "agree", "A002", "--note", "telefonisch besproken", "--json")
    assert info["state"] == "agreed" and info["agreed"]["source"] == "voorstel"
    assert [p["sign_id"] for p in info["agreed"]["positions"]] == ["A002-1", "A002-2"]
    events = [e["event"] for e in ok(capsys, "sign", "history", "A002-1", "--json")]
    assert events == ["proposed", "approved", "agreed"]
    refused(capsys, store, "request", "agree", "A002", contains="al afgesproken")
    ok(capsys, "sign", "place", "A002-1", "--json")
    assert states(capsys)["A002"] == "agreed"
    ok(capsys, "sign", "place", "A002-2", "--json")
    assert states(capsys)["A002"] == "placed"


def test_agreed_positions_are_checked_like_sign_relocate(store, capsys):
    # 123000,494000 lies in LM01 (A008), not in A009's ward LM05
    refused(capsys, store, "request", "agree", "A009", "--at-rd", "123000,494000", contains="niet in wijk")
    # far from any road in LM05
    refused(capsys, store, "request", "agree", "A009", "--at-rd", "122100,493500", contains="openbare weg")
    refused(capsys, store, "request", "agree", "A009", "--at-rd", "122100,493500", "--at-rd", "122150,493550",
            "--at-rd", "122200,493600", "--force", contains="staat het beleid er 2 toe")
    refused(capsys, store, "request", "agree", "A004", contains="ter beoordeling")
    refused(capsys, store, "request", "agree", "A001", contains="afgewezen")
    # staff know the spot: --force keeps it (it must still lie in the ward)
    info = ok(capsys, "request", "agree", "A009", "--at-rd", "122100,493500", "--force", "--json")
    signs = {s["id"]: s for s in info["signs"]}
    assert signs["A009-1"]["status"] == "planned" and (signs["A009-1"]["x"], signs["A009-1"]["y"]) == (122100, 493500)
    assert signs["A009-2"]["status"] == "removed"  # one sign agreed instead of two
    moved = ok(capsys, "sign", "history", "A009-1", "--json")[-1]
    assert moved["event"] == "agreed" and "from_x" in moved


def test_agreeing_positions_for_an_open_approval_records_planned_signs(store, capsys):
    ok(capsys, "request", "resolve", "A007", "--approve", "--reason", "bij de ingang", "--json")
    refused(capsys, store, "request", "agree", "A007", contains="--at")
    info = ok(capsys, "request", "agree", "A007", "--at-rd", "120000,495100", "--force", "--json")
    assert info["state"] == "agreed" and [s["id"] for s in info["signs"]] == ["A007-1"]
    assert Store(store).layers()["open_approvals"] == {}


VALID_WISH = "4.91713 52.43591"  # on Noordeinde in LM01, 60 m inside: covers entry LM01-E3


@pytest.fixture
def wish_store(env, register_at, capsys, tmp_path, monkeypatch, data_dir):  # noqa: F811
    """The demo register, decided once, with A008's admin wishing a valid spot (Noordeinde, near its entry)."""
    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    csv = data / "aanvragen.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("4.9166 52.4336", VALID_WISH), encoding="utf-8")
    monkeypatch.setenv("PLANNER_DATA", str(data))
    ok(capsys, "init", "--json")
    ok(capsys, "decide", "--json")
    return register_at


def test_the_wish_is_considered_not_obeyed(wish_store, capsys):
    """A008's admin wishes a spot on Noordeinde: valid, but the municipality's best choice differs."""
    info = ok(capsys, "request", "show", "A008", "--json")
    options = info["options"]
    assert options["wishes"][0]["valid"] is True and options["chosen"] is None
    with_wish = [(p["x"], p["y"]) for p in options["with_wish"]["proposals"]]
    without = [(p["x"], p["y"]) for p in options["without_wish"]["proposals"]]
    assert with_wish != without
    assert options["without_wish"]["weight_covered"] >= options["with_wish"]["weight_covered"]
    text = ok(capsys, "request", "show", "A008")
    assert "beste keuze zonder wens" in text and "beste keuze met wens" in text and "wens 1: geldig" in text
    agreed = ok(capsys, "request", "agree", "A008", "--without-wish", "--note", "telefonisch", "--json")
    placed = [(s["x"], s["y"]) for s in agreed["signs"] if s["status"] != "removed"]
    assert placed == without
    record = agreed["agreed"]
    assert record["source"] == "zonder wens" and record["preferred"] == VALID_WISH
    assert record["options"]["with_wish"]["proposals"] and record["options"]["without_wish"]["proposals"]
    assert ok(capsys, "request", "show", "A008", "--json")["options"] == record["options"]  # the record, later


def test_request_show_says_which_choice_was_taken_only_after_agree(wish_store, capsys):
    before = ok(capsys, "request", "show", "A008")
    assert "gekozen" not in before and "overgenomen" not in before
    assert ok(capsys, "request", "show", "A008", "--json")["options"]["chosen"] is None
    ok(capsys, "request", "agree", "A008", "--with-wish", "--json")
    after = ok(capsys, "request", "show", "A008")
    assert "beste keuze met wens (gekozen)" in after and "beste keuze zonder wens (gekozen)" not in after
    assert "gekozen bij de afspraak met de beheerder: de beste keuze met de wens van de beheerder" in after
    assert ok(capsys, "request", "show", "A008", "--json")["options"]["chosen"] == "with_wish"


def test_wish_that_covers_no_entry_is_invalid_everywhere(store, capsys):
    """The demo's A008 wish lies on Noordeinde 320 m from its entry: decide, show and agree all say invalid."""
    decision = ok(capsys, "request", "show", "A008", "--json")["decision"]
    assert any("is niet geldig: dekt geen invalsweg binnen 150 m" in n for n in decision["notes"])
    info = ok(capsys, "request", "show", "A008", "--json")
    wish = info["options"]["wishes"][0]
    assert wish["valid"] is False and "dekt geen invalsweg" in wish["reason"]
    assert all(p["source"] == "planner" for p in info["options"]["with_wish"]["proposals"])
    text = ok(capsys, "request", "show", "A008")
    assert "wens 1: niet geldig" in text and "overgenomen:" not in text.replace("niet overgenomen:", "")
    refused(capsys, store, "request", "agree", "A008", "--with-wish", contains="niet geldig")


def test_lifecycle_in_the_python_api(wish_store):
    s = Store(wish_store)
    roads = geo.load_roads(os.environ["PLANNER_DATA"] + "/wegen.geojson")
    info = lifecycle.resolve_request(s, "A007", approve=False, reason="alleen water")
    assert info["state"] == "rejected"
    info = lifecycle.agree_positions(s, "A008", choice="with_wish", roads=roads)
    assert info["agreed"]["source"] == "met wens" and info["options"]["chosen"] == "with_wish"
    assert lifecycle.show_request(s, "A008")["state"] == "agreed"


# ----------------------------------------------------------------- what is shown follows the state


def test_agreed_request_is_drawn_as_its_signs(store, capsys, tmp_path):
    ok(capsys, "request", "agree", "A008", "--without-wish", "--json")
    signs = [s["id"] for s in ok(capsys, "request", "show", "A008", "--json")["signs"] if s["status"] != "removed"]
    ok(capsys, "map", "--request", "A008", "--out", tmp_path / "a8.html", "--json")
    page = read_page_data((tmp_path / "a8.html").read_text(encoding="utf-8"))
    assert "proposals" not in page and page["signs"]["id"] == signs  # one marker per sign
    ok(capsys, "map", "--out", tmp_path / "all.html", "--json")
    page = read_page_data((tmp_path / "all.html").read_text(encoding="utf-8"))
    assert "A008" not in page.get("proposals", {}).get("req", [])
    assert [i for i in page["signs"]["id"] if i.startswith("A008")] == signs
    for sid in signs:  # placed: still its signs
        ok(capsys, "sign", "place", sid, "--json")
    assert states(capsys)["A008"] == "placed"
    ok(capsys, "map", "--request", "A008", "--out", tmp_path / "a8.html", "--json")
    page = read_page_data((tmp_path / "a8.html").read_text(encoding="utf-8"))
    assert "proposals" not in page and page["signs"]["id"] == signs and page["signs"]["st"] == [0] * len(signs)


def test_letter_says_hangen_only_for_placed_signs(store, capsys, tmp_path):
    # A003's ward has only A002's planned signs: they "zijn al gepland", nothing "hangt".
    a003 = ok(capsys, "request", "show", "A003", "--json")["reason"]
    assert "zijn al borden gepland: bord A002-1 (Dorpsstraat) en bord A002-2 (Dorpsstraat)" in a003
    assert "hangen al" not in a003 and "hangt al" not in a003 and "aanvraag A002" not in a003
    ok(capsys, "brief", "A003", "--format", "docx", "--json")
    letter = " ".join(p.text for p in docx.Document("brieven/brief-A003.docx").paragraphs)
    assert "zijn al borden gepland" in letter and "hangen al" not in letter and "aanvraag A002" not in letter
    assert "Anna Fictief" not in letter  # A002's admin
    a001 = ok(capsys, "request", "show", "A001", "--json")["reason"]
    assert "hangen al borden: bord B" in a001 and "gepland" not in a001


# ----------------------------------------------------------------- the schema: migration of a version-1 register


def _downgrade_to_v1(path):
    """Make a version-1 register (as planner 0.1 wrote it) out of a current one."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    for t in ("request_events", "group_events"):
        for what in ("update", "delete"):
            con.execute(f"DROP TRIGGER {t}_append_only_{what}")
        con.execute(f"DROP TABLE {t}")
        con.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (t,))
    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'sign_events'").fetchone()[0]
    con.execute("DROP TRIGGER sign_events_append_only_update")
    con.execute("DROP TRIGGER sign_events_append_only_delete")
    con.execute("ALTER TABLE sign_events RENAME TO old_events")
    con.execute(sql.replace("'approved','agreed',", "'approved',"))
    con.execute("INSERT INTO sign_events SELECT * FROM old_events")
    con.execute("DROP TABLE old_events")
    con.execute("CREATE INDEX sign_events_sign ON sign_events(sign_id)")
    for what, verb in (("update", "gewijzigd"), ("delete", "gewist")):
        con.execute(f"CREATE TRIGGER sign_events_append_only_{what} BEFORE {what.upper()} ON sign_events "
                    f"BEGIN SELECT RAISE(ABORT, 'de geschiedenis van borden kan niet worden {verb}'); END")
    for column in ("population", "wijk_code", "wijk_name", "gemeente_code"):  # version 3
        con.execute(f"ALTER TABLE wards DROP COLUMN {column}")
    con.execute("ALTER TABLE admins DROP COLUMN officer_consent")  # version 4
    con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("COMMIT")
    con.close()


def test_a_version_2_register_is_migrated_when_opened_every_admin_without_consent(store, capsys):
    gpkg_only(store)
    con = sqlite3.connect(store, isolation_level=None)
    con.execute("ALTER TABLE admins DROP COLUMN officer_consent")  # version 4
    for column in ("population", "wijk_code", "wijk_name", "gemeente_code"):  # version 3
        con.execute(f"ALTER TABLE wards DROP COLUMN {column}")
    con.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    before = Store(store).table("group_events")
    group = ok(capsys, "group", "show", "G02", "--json")  # any command migrates
    assert [a["wijkagent"] for a in group["admins"]] == [False, False]
    con = sqlite3.connect(store)
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    con.close()
    assert Store(store).table("group_events").equals(before)
    assert ok(capsys, "store", "check", "--json")["ok"] is True


def test_a_version_1_register_is_migrated_when_opened(store, capsys):
    gpkg_only(store)
    events_before = Store(store).table("sign_events")
    _downgrade_to_v1(store)
    code, report, err = run(capsys, "store", "check", "--json")
    assert code == 2 and any("werkt het bij" in c["detail"] for c in report["checks"])  # 'store check' only reads
    s = states(capsys)  # any command migrates
    assert s["A002"] == "proposed" and s["A004"] == "needs_review"
    con = sqlite3.connect(store)
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM request_events WHERE event = 'received'").fetchone()[0] == 9
    assert con.execute("SELECT count(*) FROM request_events WHERE event = 'decided'").fetchone()[0] == 9
    con.close()
    after = Store(store).table("sign_events")
    assert after.drop(columns="geometry").equals(events_before.drop(columns="geometry"))
    assert ok(capsys, "store", "check", "--json")["ok"] is True
    ok(capsys, "request", "agree", "A002", "--json")  # the new event works on a migrated register


def test_a_read_only_version_1_register_is_refused_unchanged(store, capsys):
    gpkg_only(store)
    _downgrade_to_v1(store)
    data = store.read_bytes()
    store.chmod(0o444)
    try:
        if os.access(store, os.W_OK):
            pytest.skip("running as root: files are always writable")
        code, _, err = run(capsys, "group", "list")
        assert code == 2 and "alleen-lezen" in err and "schemaversie 1" in err
        assert store.read_bytes() == data
    finally:
        store.chmod(0o644)


def test_request_state_is_the_same_in_list_register_and_map(store, capsys, tmp_path):
    """One owner (planner.core.request_state): request list, the register's open approvals and the map's
    open/settled markers all follow the same state of each request."""
    from planner.core.request_state import OPEN_APPROVAL, OPEN_STATES

    ok(capsys, "request", "resolve", "A007", "--approve", "--reason", "bij de ingang", "--json")  # no positions
    ok(capsys, "request", "agree", "A002", "--json")
    for sid in ("A002-1", "A002-2"):
        ok(capsys, "sign", "place", sid, "--json")
    ok(capsys, "request", "agree", "A009", "--json")
    state = states(capsys)
    assert {state[r] for r in ("A002", "A007", "A009", "A004", "A001")} == \
        {"placed", OPEN_APPROVAL, "agreed", "needs_review", "rejected"}
    layers = Store(store).layers()
    opened = sorted(r for ids in layers["open_approvals"].values() for r in ids)
    assert opened == sorted(r for r, s in state.items() if s == OPEN_APPROVAL) == ["A007"]
    ok(capsys, "map", "--out", tmp_path / "all.html", "--json")
    page = read_page_data((tmp_path / "all.html").read_text(encoding="utf-8"))
    flags = dict(zip(page["decisions"]["id"], page["decisions"]["open"]))
    assert flags == {r: int(s in OPEN_STATES) for r, s in state.items()}
