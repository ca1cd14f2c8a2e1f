"""The register: one GeoPackage with every group, admin, sign and decision.

CLI tests run ``planner.cli.main`` in-process in ``tmp_path`` (fast); the
round trip is read back with pyogrio and ogrinfo as independent readers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from conftest import env, gpkg_only, register_bytes, run_json  # noqa: F401  (env: fixture)

from planner import cli
from planner.register.store import Store

LAYERS = {"wards", "signs", "sign_events", "requests", "request_events", "proposals", "decisions", "groups",
          "group_events", "admins",
          "officers", "store_meta"}


run = run_json  # (exit code, parsed JSON stdout or the text, stderr)


@pytest.fixture
def store(env, register_at, capsys):
    """The demo register: a GeoPackage, and (parametrized) a PostGIS database."""
    code, data, err = run(capsys, "init", "--json")
    assert code == 0, err
    return register_at


def dump(path):
    return Store(path).dump()


# ----------------------------------------------------------------- the file


def test_init_creates_standard_geopackage_readable_by_pyogrio_in_rd_new(store):
    gpkg_only(store)
    layers = {name for name, _ in pyogrio.list_layers(store)}
    assert layers == LAYERS
    for name in LAYERS:
        df = pyogrio.read_dataframe(store, layer=name)
        if name in {"wards", "signs", "sign_events", "requests", "proposals"}:
            assert df.crs.to_epsg() == 28992, name
    assert len(pyogrio.read_dataframe(store, layer="wards")) == 9


def test_ogrinfo_lists_every_layer(store):
    gpkg_only(store)
    if not shutil.which("ogrinfo"):
        pytest.skip("ogrinfo not installed")
    out = subprocess.run(["ogrinfo", "-ro", "-q", str(store)], capture_output=True, text=True, check=True)
    for name in LAYERS:
        assert f": {name} (" in out.stdout
    srs = subprocess.run(["ogrinfo", "-ro", "-so", str(store), "signs"], capture_output=True, text=True,
                         check=True).stdout
    assert 'ID["EPSG",28992]' in srs or "EPSG\",\"28992" in srs


def test_init_refuses_to_overwrite_existing_store(store, capsys):
    state = (lambda: store.read_bytes()) if isinstance(store, Path) else (lambda: dump(store))
    before = state()
    code, _, err = run(capsys, "init")
    assert code == 2 and "bestaat al" in err and err.count("\n") == 1
    assert state() == before


def test_init_from_other_folder(env, capsys, data_dir):
    folder = env / "elders"
    folder.mkdir()
    shutil.copy(data_dir / "wijken.geojson", folder)
    code, data, err = run(capsys, "init", "--from", folder, "--store", "ander.gpkg", "--json")
    assert code == 0, err
    assert data["wards"] == 9 and data["signs"] == 0 and data["groups"] == 0


def test_init_with_bad_admin_contact_creates_nothing(env, capsys, data_dir):
    folder = env / "slecht"
    shutil.copytree(data_dir, folder)
    groups = folder / "groepen.csv"
    groups.write_text(groups.read_text(encoding="utf-8").replace("06-00000001", "12345"), encoding="utf-8")
    code, _, err = run(capsys, "init", "--from", folder)
    assert code == 2 and "telefoonnummer" in err
    assert not (env / "planner.gpkg").exists()


# ----------------------------------------------------------------- groups, officers, contacts


def test_group_add_list_show(store, capsys):
    code, g, err = run(capsys, "group", "add", "G20", "--name", "Buurt Noord", "--wabp", "--ward", "LM02",
                       "--admin", "Els Voorbeeld;06-12345678;els@example.org", "--admin", "Bo Test;;bo@example.org",
                       "--json")
    assert code == 0, err
    assert [a["name"] for a in g["admins"]] == ["Els Voorbeeld", "Bo Test"]
    _, groups, _ = run(capsys, "group", "list", "--json")
    row = next(x for x in groups if x["group_id"] == "G20")
    assert row == {"group_id": "G20", "group_name": "Buurt Noord", "wabp_registered": True,
                   "ward_code": "LM02", "wards": ["LM02"], "admins": 2}
    assert next(x for x in groups if x["group_id"] == "G02")["wards"] == ["LM04"]  # from its request
    assert "Els" not in json.dumps(groups)  # the list holds no personal data
    _, shown, _ = run(capsys, "group", "show", "G20", "--json")
    assert shown["admins"][0]["phone"] == "06-12345678"


@pytest.mark.parametrize("admin, message", [
    ("Els Voorbeeld;;", "geen contactgegevens"),
    ("Els Voorbeeld;12-34;", "telefoonnummer"),
    ("Els Voorbeeld;06-12345678;els@@example", "e-mailadres"),
    (";06-12345678;", "zonder naam"),
])
def test_bad_admin_is_one_line_error_and_changes_nothing(store, capsys, admin, message):
    before = dump(store)
    code, _, err = run(capsys, "group", "add", "G20", "--name", "X", "--admin", admin)
    assert code == 2 and message in err and err.startswith("error: ") and err.count("\n") == 1
    assert dump(store) == before


def test_fourth_admin_is_refused(store, capsys):
    admins = [f"Naam {i};06-1234567{i};" for i in range(4)]
    before = dump(store)
    code, _, err = run(capsys, "group", "add", "G20", "--name", "X", *sum((["--admin", a] for a in admins), []))
    assert code == 2 and "hoogstens 3" in err
    run(capsys, "group", "add", "G21", "--name", "Y", *sum((["--admin", a] for a in admins[:3]), []))
    after_three = dump(store)
    assert after_three != before
    code, _, err = run(capsys, "group", "add-admin", "G21", "--admin", "Vier;0612345670;")
    assert code == 2 and "hoogstens 3" in err
    assert dump(store) == after_three


@pytest.mark.parametrize("phone", ["06-12345678", "0612345678", "+31612345678", "020-4877111",
                                   "+31 (0)20 487 7111", "0900-8844"])
def test_dutch_phone_numbers_are_accepted(store, capsys, phone):
    code, _, err = run(capsys, "group", "add", "G20", "--name", "X", "--admin", f"Naam;{phone};")
    assert code == 0, err


def test_officer_and_contacts_side_by_side(store, capsys):
    code, _, err = run(capsys, "officer", "set", "LM04", "--name", "Agent Bakker", "--phone", "0900-8844",
                       "--email", "a.bakker@politie.example.nl")
    assert code == 0, err
    _, c, _ = run(capsys, "contacts", "LM04", "--json")
    assert c["officer"]["name"] == "Agent Bakker"
    # groups G02 and G03 have requests in LM04 (demo data); nobody agreed to be introduced yet
    assert {g["group_id"] for g in c["groups"]} == {"G02", "G03"}
    assert all(g["admins"] == [] and g["without_consent"] for g in c["groups"])
    assert run(capsys, "admin", "set", "G02", "Anna Fictief", "--wijkagent", "ja", "--reason", "gevraagd")[0] == 0
    _, c, _ = run(capsys, "contacts", "LM04", "--json")
    g02 = next(g for g in c["groups"] if g["group_id"] == "G02")
    assert [a["name"] for a in g02["admins"]] == ["Anna Fictief"] and g02["without_consent"] == 1
    code, text, _ = run(capsys, "contacts", "LM04")
    assert "Anna Fictief" in text and "Piet Proef" not in text and "zonder toestemming" in text


def test_officer_consent_is_recorded_per_admin_with_its_date_and_never_the_person(store, capsys):
    code, _, err = run(capsys, "group", "add", "G20", "--name", "Noord", "--admin", "Els Voorbeeld;0612345678;",
                       "--admin", "Bo Test;;bo@example.org", "--wijkagent", "ja", "--wijkagent", "nee")
    assert code == 0, err
    _, g, _ = run(capsys, "group", "show", "G20", "--json")
    assert [a["wijkagent"] for a in g["admins"]] == [True, False]
    assert run(capsys, "group", "add-admin", "G20", "--admin", "Cas Derde;0612345679;", "--wijkagent", "ja")[0] == 0
    assert run(capsys, "admin", "set", "G20", "2", "--wijkagent", "ja", "--reason", "belde zelf",
               "--date", "2026-09-30")[0] == 0
    _, g, _ = run(capsys, "group", "show", "G20", "--json")
    assert [a["wijkagent"] for a in g["admins"]] == [True, True, True]
    _, events, _ = run(capsys, "group", "history", "G20", "--json")
    assert "wijkagent: 1 van 2 beheerder(s) ja" in events[0]["detail"]
    assert events[1]["detail"] == "beheerder 3; wijkagent: ja"
    assert events[2]["event_date"] == "2026-09-30"
    assert events[2]["detail"] == "beheerder 2: toestemming voor contact met de wijkagent: ja"
    assert not any(name in json.dumps(events) for name in ("Els", "Bo Test", "Cas"))
    code, _, err = run(capsys, "group", "add", "G21", "--name", "X", "--admin", "A;0612345678;",
                       "--admin", "B;0612345677;", "--wijkagent", "ja", "--wijkagent", "nee", "--wijkagent", "ja")
    assert code == 2 and "--wijkagent" in err
    with pytest.raises(SystemExit) as stop:  # argparse: usage and one error line
        cli.main(["group", "add", "G21", "--name", "X", "--admin", "A;0612345678;", "--wijkagent", "misschien"])
    assert stop.value.code == 2 and "ja of nee" in capsys.readouterr().err


def test_unknown_ward_is_refused(store, capsys):
    before = dump(store)
    code, _, err = run(capsys, "officer", "set", "XX99", "--name", "A", "--phone", "0612345678")
    assert code == 2 and "onbekende wijk" in err
    code, _, err = run(capsys, "contacts", "XX99")
    assert code == 2 and "onbekende wijk" in err
    assert dump(store) == before


# ----------------------------------------------------------------- requests, decide, signs


def test_request_add_and_decide_records_decision_and_planned_sign(store, capsys):
    run(capsys, "decide", "--json")  # the demo's pending requests
    code, r, err = run(capsys, "request", "add", "--group", "G01", "--at-rd", "122200,498400",
                       "--preferred", "4.90 52.47", "--json")
    assert code == 0, err
    assert r["ward_code"] == "LM07" and r["state"] == "received" and "status" not in r
    # LM07 got a sign from A006: this request is rejected; a fresh ward is approved
    code, r2, _ = run(capsys, "request", "add", "--group", "G01", "--at-rd", "122200,493900", "--id", "N1",
                      "--json")
    _, pending, _ = run(capsys, "request", "list", "--pending", "--json")
    assert {p["request_id"] for p in pending} == {r["request_id"], "N1"}
    code, decisions, err = run(capsys, "decide", "--json")
    assert code == 0, err
    outcome = {d["request_id"]: d["outcome"] for d in decisions}
    assert outcome == {r["request_id"]: "rejected", "N1": "rejected"}  # LM05 covered by A009 already
    st = Store(store)
    assert set(st.table("decisions")["request_id"]) >= {r["request_id"], "N1"}
    _, again, _ = run(capsys, "decide", "--json")
    assert again == []  # nothing pending: nothing decided twice


def test_request_for_unknown_or_removed_group_is_refused(store, capsys):
    run(capsys, "group", "remove", "G03")
    before = dump(store)
    for gid in ("G99", "G03"):
        code, _, err = run(capsys, "request", "add", "--group", gid, "--at-rd", "122200,493900")
        assert code == 2 and err.count("\n") == 1 and "onbekende groep" in err and "group add" in err
    assert dump(store) == before


def test_decide_approval_creates_planned_sign_with_events(store, capsys):
    _, decisions, _ = run(capsys, "decide", "--json")
    approved = [d["request_id"] for d in decisions if d["outcome"] == "approved"]
    assert approved
    _, signs, _ = run(capsys, "sign", "list", "--json")
    planned = [s for s in signs if s["request_id"] in approved]
    assert planned and all(s["status"] == "planned" for s in planned)
    _, events, _ = run(capsys, "sign", "history", planned[0]["id"], "--json")
    assert [e["event"] for e in events] == ["proposed", "approved"]


def test_status_and_check_read_from_store(store, capsys):
    run(capsys, "decide", "--json")
    _, status, _ = run(capsys, "status", "--json")
    by_code = {s["code"]: s for s in status}
    assert by_code["LM04"]["covered"]  # A002's planned sign is in the store, not in borden.geojson
    _, check, _ = run(capsys, "check", "--at-rd", "123750,493900", "--json")
    assert check["covered"]


def test_demo_ignores_store(store, capsys, env):
    code, _, err = run(capsys, "demo", "--out", env / "maps")
    assert code == 0, err


def test_sign_place_relocate_remove_history(store, capsys):
    code, s, err = run(capsys, "sign", "place", "B004", "--date", "2026-10-01", "--json")
    assert code == 0 and s["status"] == "placed", err
    code, s, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "122300,494900", "--force",
                       "--reason", "paal vervangen", "--json")
    assert code == 0, err
    assert (s["x"], s["y"]) == (122300.0, 494900.0)
    code, s, err = run(capsys, "sign", "remove", "B004", "--reason", "wijk opgeheven", "--json")
    assert code == 0 and s["status"] == "removed"
    _, events, _ = run(capsys, "sign", "history", "B004", "--json")
    assert [e["event"] for e in events] == ["approved", "placed", "relocated", "removed"]
    moved = events[2]
    assert (moved["from_x"], moved["from_y"]) == (events[1]["x"], events[1]["y"])
    assert moved["reason"].startswith("paal vervangen")


def test_relocated_sign_gets_the_street_at_its_new_position(store, capsys):
    code, s, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "123600,494710", "--reason", "zicht",
                       "--json")
    assert code == 0, err
    assert s["street"] == "Noorderweg"  # was Burgemeester Postweg
    code, s, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "123300,495000", "--force", "--reason", "tuin",
                       "--json")
    assert code == 0, err
    assert s["street"] == ""  # no named road within 25 m: unknown, not the old street
    _, signs, _ = run(capsys, "sign", "list", "--json")
    assert next(x for x in signs if x["id"] == "B004")["street"] == ""


def test_relocation_outside_ward_or_unknown_sign_changes_nothing(store, capsys):
    before = dump(store)
    code, _, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "123000,492800", "--reason", "x")
    assert code == 2 and "niet in dezelfde wijk" in err
    code, _, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "123000,492800", "--force", "--reason", "x")
    assert code == 2 and "buiten zijn wijk" in err
    code, _, err = run(capsys, "sign", "place", "B999")
    assert code == 2 and "onbekend bord" in err
    code, _, err = run(capsys, "sign", "history", "B999")
    assert code == 2 and "onbekend bord" in err
    assert dump(store) == before


def test_history_is_append_only(store):
    gpkg_only(store)  # PostGIS: test_store_postgis.py
    con = sqlite3.connect(store)
    with pytest.raises(sqlite3.IntegrityError, match="geschiedenis"):
        con.execute("UPDATE sign_events SET reason = 'anders'")
    with pytest.raises(sqlite3.IntegrityError, match="geschiedenis"):
        con.execute("DELETE FROM sign_events")
    con.close()


# ----------------------------------------------------------------- privacy


def test_group_remove_erases_personal_data_from_the_file(store, capsys):
    run(capsys, "decide", "--json")
    assert b"Anna Fictief" in register_bytes(store)
    code, r, err = run(capsys, "group", "remove", "G02", "--json")
    assert code == 0 and r["admins_removed"] == 2, err
    data = register_bytes(store)
    for secret in (b"Anna Fictief", b"Piet Proef", b"anna.fictief@example.org", b"06-00000003"):
        assert secret not in data
    st = Store(store)
    assert "G02" not in set(st.table("admins")["group_id"])
    assert "A002" in set(st.table("decisions")["request_id"])  # anonymous history stays
    code, _, err = run(capsys, "group", "show", "G02")
    assert code == 2 and "onbekende groep" in err


def test_export_holds_no_personal_data(store, capsys, env):
    run(capsys, "decide", "--json")
    run(capsys, "officer", "set", "LM04", "--name", "Agent Bakker", "--phone", "0900-8844")
    code, out, err = run(capsys, "export", "--out", env / "export", "--json")
    assert code == 0, err
    names = {p.split("/")[-1] for p in out["written"]}
    assert {"signs.csv", "signs.geojson", "decisions.csv", "sign_events.geojson"} <= names
    text = "".join((env / "export" / n).read_text(encoding="utf-8") for n in names)
    for secret in ("Anna Fictief", "06-0000000", "@example.org", "Agent Bakker", "0900-8844"):
        assert secret not in text


def test_export_is_tidy_no_local_paths_rounded_coordinates(store, capsys, env, data_dir):
    code, _, err = run(capsys, "export", "--out", env / "export", "--format", "csv")
    assert code == 0, err
    events = (env / "export" / "sign_events.csv").read_text(encoding="utf-8")
    assert str(data_dir) not in events and "overgenomen bij init" not in events  # fixed words only
    assert set(pd.read_csv(env / "export" / "sign_events.csv")["description"]) == {"goedgekeurd", "geplaatst"}
    signs = pd.read_csv(env / "export" / "signs.csv")
    assert (signs["lon"].round(7) == signs["lon"]).all() and (signs["lat"].round(7) == signs["lat"]).all()
    groups = pd.read_csv(env / "export" / "groups.csv")
    assert set(groups["wabp_registered"]) <= {True, False}


STAFF_NOTE = "gebeld met Els Verzonnen 06-00000006, woont Purmerlanderweg 12"


def test_no_staff_free_text_in_any_public_output(store, capsys, env):
    """Every reason and note staff can type holds the marker; no public output may show it."""
    commands = [
        ["group", "add", "G20", "--name", "Buurtapp Noord", "--ward", "LM02", "--admin", "Els Voorbeeld;0612345678;",
         "--admin", "Bo Test;;bo@example.org", "--reason", STAFF_NOTE],
        ["group", "set", "G07", "--wabp", "--reason", STAFF_NOTE],
        ["admin", "set", "G02", "2", "--phone", "06-12345670", "--reason", STAFF_NOTE],
        ["admin", "remove", "G20", "2", "--reason", STAFF_NOTE],
        ["group", "add-admin", "G20", "--admin", "Cas Derde;0612345679;", "--reason", STAFF_NOTE],
        ["decide"],
        ["request", "resolve", "A004", "--reject", "--reason", STAFF_NOTE],
        ["request", "resolve", "A007", "--approve", "--reason", STAFF_NOTE],
        ["request", "agree", "A008", "--without-wish", "--note", STAFF_NOTE],
        ["request", "agree", "A002", "--without-wish", "--note", STAFF_NOTE],
        ["sign", "place", "A002-1"],
        ["sign", "relocate", "A002-1", "--to-rd", "123810,493990", "--force", "--reason", STAFF_NOTE],
        ["sign", "remove", "B004", "--reason", STAFF_NOTE],
        ["group", "remove", "G05", "--reason", STAFF_NOTE],
    ]
    for argv in commands:
        code, _, err = run(capsys, *argv, "--json")
        assert code == 0, (argv, err)
    internal = env / "intern"
    assert run(capsys, "export", "--internal", "--out", internal)[0] == 0
    assert STAFF_NOTE in (internal / "sign_events.csv").read_text(encoding="utf-8")  # kept for the municipality
    public = env / "openbaar"
    assert run(capsys, "export", "--out", public)[0] == 0
    assert run(capsys, "map", "--public", "--out", public / "kaart.html")[0] == 0
    for rid in ("A002", "A004", "A007", "A008"):  # the decision maps are public too
        code, _, err = run(capsys, "map", "--request", rid, "--out", public / f"besluit-{rid}.html")
        assert code == 0, err
    files = sorted(p for p in public.rglob("*") if p.is_file())
    assert len(files) == 14  # 6 layers as CSV, 3 as GeoJSON, the public map, 4 decision maps
    for path in files:
        text = path.read_text(encoding="utf-8")
        for part in ("Els Verzonnen", "06-00000006", "Purmerlanderweg 12"):
            assert part not in text, (path.name, part)
    events = pd.read_csv(public / "sign_events.csv")
    assert "reason" not in events.columns
    assert {"verplaatst door de gemeente", "weggehaald door de gemeente",
            "plek afgesproken met de beheerder"} <= set(events["description"])


def test_control_characters_in_names_are_refused_never_cut(env, capsys, data_dir, tmp_path):
    import json as _json

    wards = _json.loads((data_dir / "wijken.geojson").read_text(encoding="utf-8"))
    wards["features"][0]["properties"]["name"] = "Landsmeer\u0000-Oost"
    folder = tmp_path / "invoer"
    shutil.copytree(data_dir, folder)
    (folder / "wijken.geojson").write_text(_json.dumps(wards), encoding="utf-8")
    code, _, err = run(capsys, "init", "--from", folder, "--store", "x.gpkg")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "NUL" in err, err
    assert not (env / "x.gpkg").exists()
    (folder / "wijken.geojson").write_text((data_dir / "wijken.geojson").read_text(encoding="utf-8"), encoding="utf-8")
    groups = (data_dir / "groepen.csv").read_text(encoding="utf-8").replace("Jan Voorbeeld", "Jan\x00Voorbeeld")
    (folder / "groepen.csv").write_text(groups, encoding="utf-8")
    code, _, err = run(capsys, "init", "--from", folder, "--store", "x.gpkg")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "NUL" in err, err
    assert run(capsys, "init", "--store", "x.gpkg")[0] == 0
    for argv in (["group", "add", "G21", "--name", "Noord\x00Zuid", "--admin", "A;0612345678;"],
                 ["group", "add", "G21", "--name", "Noord", "--admin", "Els\x00Geheim;0612345678;"],
                 ["group", "set", "G01", "--name", "Nieuw\x1bNaam", "--reason", "x"],
                 ["admin", "set", "G01", "1", "--name", "Els\x07", "--reason", "x"],
                 ["officer", "set", "LM04", "--name", "Agent\x00Bakker", "--phone", "0900-8844"],
                 ["sign", "remove", "B004", "--reason", "weg\x00"]):
        code, _, err = run(capsys, *argv, "--store", "x.gpkg")
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, (argv, err)
        assert "stuurteken" in err, err


# ----------------------------------------------------------------- round trip


def test_round_trip_read_back_with_pyogrio(store, capsys, env):
    gpkg_only(store)
    code, r, _ = run(capsys, "request", "add", "--group", "G01", "--at", "4.9045,52.4399", "--json")
    assert code == 0
    _, decisions, _ = run(capsys, "decide", "--json")
    approved = next(d for d in decisions if d["outcome"] == "approved")
    sign_id = f"{approved['request_id']}-1"
    assert run(capsys, "sign", "place", sign_id, "--date", "2026-10-01")[0] == 0
    first = (approved["proposals"][0]["x"], approved["proposals"][0]["y"]) if approved["proposals"] \
        else (approved["x"], approved["y"])
    wards = pyogrio.read_dataframe(store, layer="wards")
    inner = wards[wards["code"] == approved["ward"]["code"]].geometry.iloc[0].representative_point()
    x, y = round(inner.x, 1), round(inner.y, 1)
    assert run(capsys, "sign", "relocate", sign_id, "--to-rd", f"{x},{y}", "--force",
               "--reason", "beter zichtbaar")[0] == 0
    assert run(capsys, "export", "--out", env / "export")[0] == 0

    signs = pyogrio.read_dataframe(store, layer="signs")
    assert signs.crs.to_epsg() == 28992
    row = signs[signs["sign_id"] == sign_id].iloc[0]
    assert row["status"] == "placed" and (row.geometry.x, row.geometry.y) == (x, y)
    events = pyogrio.read_dataframe(store, layer="sign_events")
    mine = events[events["sign_id"] == sign_id]
    assert list(mine["event"]) == ["proposed", "approved", "placed", "relocated"]
    assert (mine.iloc[0].geometry.x, mine.iloc[0].geometry.y) == first  # where it stood first is kept
    assert (mine.iloc[3]["from_x"], mine.iloc[3]["from_y"]) == first
    decided = pyogrio.read_dataframe(store, layer="decisions")
    assert r["request_id"] in set(decided["request_id"])
    exported = pyogrio.read_dataframe(env / "export" / "signs.geojson")
    assert exported.crs.to_epsg() == 4326 and sign_id in set(exported["sign_id"])
    with sqlite3.connect(store) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_relocate_without_target_moves_to_best_free_spot_in_ward(store, capsys):
    code, s, err = run(capsys, "sign", "relocate", "B003", "--reason", "wegwerkzaamheden", "--json")
    if code == 2:  # no valid alternative: nothing moved, one-line reason
        assert "blijft staan" in err and err.count("\n") == 1
        return
    assert code == 0, err
    assert s["ward_code"] == "LM06"
    _, events, _ = run(capsys, "sign", "history", "B003", "--json")
    assert events[-1]["event"] == "relocated" and events[-1]["reason"].startswith("wegwerkzaamheden")


def test_relocation_target_off_the_roads_is_refused_unless_forced(store, capsys):
    before = dump(store)
    code, _, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "122300,494900", "--reason", "x")
    assert code == 2 and "blijft staan" in err and "openbare weg" in err and "alternatief" in err
    assert dump(store) == before
    code, s, err = run(capsys, "sign", "relocate", "B004", "--to-rd", "122300,494900", "--force",
                       "--reason", "nieuwe paal", "--json")
    assert code == 0, err
    assert (s["x"], s["y"]) == (122300.0, 494900.0)


def test_sign_events_cannot_be_dated_before_the_sign_history(store, capsys):
    before = dump(store)
    code, _, err = run(capsys, "sign", "place", "B004", "--date", "2026-09-30")  # approved 2026-10-01
    assert code == 2 and "vóór de laatste gebeurtenis" in err
    assert dump(store) == before
    assert run(capsys, "sign", "place", "B004", "--date", "1-10-2026")[0] == 0  # Dutch date, same day
    code, _, err = run(capsys, "sign", "remove", "B004", "--date", "2026-09-01", "--reason", "x")
    assert code == 2 and "vóór" in err


def test_internal_export_adds_requests_and_contacts_for_internal_systems(store, capsys, env, data_dir):
    assert run(capsys, "officer", "set", "LM04", "--name", "Agent Bakker", "--phone", "0900-8844")[0] == 0
    code, out, err = run(capsys, "export", "--internal", "--out", env / "intern", "--json")
    assert code == 0 and out["internal"] is True, err
    admins = pd.read_csv(env / "intern" / "admins.csv", dtype=str)
    expected = pd.read_csv(data_dir / "groepen.csv", dtype=str)
    assert set(admins["name"]) == set(expected["admin_name"])
    assert set(admins["phone"]) == set(expected["admin_phone"])
    assert "Agent Bakker" in (env / "intern" / "officers.csv").read_text(encoding="utf-8")
    requests = pyogrio.read_dataframe(env / "intern" / "requests.geojson")
    assert sorted(requests["request_id"]) == sorted(pd.read_csv(data_dir / "aanvragen.csv")["request_id"])
    assert requests.crs.to_epsg() == 4326
    # The public export next to it still has none of it.
    assert run(capsys, "export", "--out", env / "publiek")[0] == 0
    assert not (env / "publiek" / "admins.csv").exists() and not (env / "publiek" / "requests.csv").exists()


def test_request_add_by_address_from_a_local_address_table(store, capsys, env):
    table = env / "adressen.csv"
    table.write_text("postcode,huisnummer,x,y\n1121AB,12,123750,493900\n", encoding="utf-8")
    code, r, err = run(capsys, "request", "add", "--group", "G02", "--address", "1121 AB 12",
                       "--addresses", table, "--json")
    assert code == 0, err
    assert (r["x"], r["y"], r["ward_code"]) == (123750.0, 493900.0, "LM04")
    before = dump(store)
    code, _, err = run(capsys, "request", "add", "--group", "G02", "--address", "9999 ZZ 1",
                       "--addresses", table)
    assert code == 2 and err.startswith("error: ")
    assert dump(store) == before


def test_events_and_requests_cannot_be_dated_in_the_future(store, capsys):
    before = dump(store)
    code, _, err = run(capsys, "sign", "place", "B004", "--date", "2026-10-02")  # today is 2026-10-01
    assert code == 2 and "in de toekomst" in err
    code, _, err = run(capsys, "request", "add", "--group", "G01", "--at-rd", "123000,494000",
                       "--date", "2027-01-01")
    assert code == 2 and "in de toekomst" in err
    assert dump(store) == before


def test_public_export_refuses_a_folder_holding_an_internal_export(store, capsys, env):
    assert run(capsys, "export", "--internal", "--out", env / "uit")[0] == 0
    code, _, err = run(capsys, "export", "--out", env / "uit")
    assert code == 2 and "interne export" in err and "admins.csv" in err
    assert run(capsys, "export", "--out", env / "openbaar")[0] == 0
    assert run(capsys, "export", "--out", env / "openbaar")[0] == 0  # refreshing a public export is fine
