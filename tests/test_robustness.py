"""Issue 12: how the planner fails, and what it leaves behind.

One test per promise: internal errors are named as bugs, library warnings
are said once, outputs are all or nothing, the register is checked when it
is opened (and by ``planner store check``), a killed ``init`` leaves no
temporary file, explicit files win and defaults of another place are not
used, names are refused above their length and printed in linear time,
erasing a group names the internal outputs that may still hold its data.
The bad-input corpus itself is ``tests/test_bad_input.py``.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from planner import cli, settings
from planner.core.coords import check_wish_lonlat, parse_date, parse_wishes
from planner.errors import InputError, StoreBusyError, StoreError
from planner.io import files as files_mod
from planner.register import store as store_mod
from planner.register.schema import SCHEMA_VERSION
from planner.register.store import Store

NOW = "2026-10-01T12:00:00Z"


@pytest.fixture
def env(tmp_path, monkeypatch, data_dir):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))
    monkeypatch.setenv("PLANNER_NOW", NOW)
    for name in ("PLANNER_STORE", "PLANNER_BUSY_TIMEOUT", "PLANNER_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def register(env, capsys):
    assert cli.main(["init"]) == 0
    capsys.readouterr()
    return env / "planner.gpkg"


def run(capsys, *argv):
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------- 1. how a run ends


def test_an_internal_error_is_one_line_naming_a_bug_exit_1(env, capsys, monkeypatch):
    from planner.cli import core
    monkeypatch.setattr(core, "ward_status", lambda *a, **k: 1 / 0)
    code, out, err = run(capsys, "status")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: interne fout (bug) in planner: ZeroDivisionError")
    assert "PLANNER_DEBUG=1" in err and "Traceback" not in err


def test_planner_debug_shows_the_traceback_of_an_internal_error(env, capsys, monkeypatch):
    from planner.cli import core
    monkeypatch.setattr(core, "ward_status", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("PLANNER_DEBUG", "1")
    code, out, err = run(capsys, "status")
    assert code == 1 and "Traceback" in err and err.splitlines()[-1].startswith("error: interne fout (bug)")


def test_a_locked_database_anywhere_is_the_busy_error(env, capsys, monkeypatch):
    from planner.cli import core

    def locked(*a, **k):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(core, "ward_status", locked)
    code, out, err = run(capsys, "status")
    assert code == 2 and err.startswith("error: ") and "bezet" in err and err.count("\n") == 1


def test_library_warnings_are_said_once_as_waarschuwing_after_success(env, capsys, data_dir):
    wards = json.loads((data_dir / "wijken.geojson").read_text(encoding="utf-8"))
    for f in wards["features"]:
        f["id"] = 1  # GDAL: "Several features with id = 1 have been found" (a RuntimeWarning)
    (env / "w.geojson").write_text(json.dumps(wards), encoding="utf-8")
    code, out, err = run(capsys, "status", "--wards", "w.geojson", "--json")
    assert code == 0
    assert "RuntimeWarning" not in err and "warnings.warn" not in err
    lines = [line for line in err.splitlines() if "Several features" in line]
    assert len(lines) == 1 and lines[0].startswith("waarschuwing: ")
    assert all(line.startswith("waarschuwing: ") for line in err.splitlines())


def test_warnings_before_an_error_are_not_shown(env, capsys, data_dir):
    wards = json.loads((data_dir / "wijken.geojson").read_text(encoding="utf-8"))
    for f in wards["features"]:
        f["id"] = 1
    wards["features"][0]["properties"]["name"] = "x" * 300  # and then a bad name
    (env / "w.geojson").write_text(json.dumps(wards), encoding="utf-8")
    code, out, err = run(capsys, "status", "--wards", "w.geojson")
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: ")


def test_the_planners_own_warnings_are_said_once(env, capsys, monkeypatch):
    from planner.cli import core
    real = core.ward_status

    def warn_twice(*a, **k):
        import logging
        logging.getLogger("planner").warning("let op: %s", "iets")
        logging.getLogger("planner").warning("let op: %s", "iets")
        return real(*a, **k)

    monkeypatch.setattr(core, "ward_status", warn_twice)
    code, out, err = run(capsys, "status", "--json")
    assert code == 0 and err == "waarschuwing: let op: iets\n"


# ----------------------------------------------------------------- outputs: all or nothing


def test_outputs_are_written_all_or_nothing(tmp_path, monkeypatch):
    out = tmp_path / "maps"
    out.mkdir()
    (out / "rapport.md").write_text("oud", encoding="utf-8")
    real = os.fdopen
    calls = []

    def failing(fd, *a, **k):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(fd, *a, **k)

    monkeypatch.setattr(files_mod.os, "fdopen", failing)
    outputs = {out / "rapport.md": "nieuw", out / "besluiten.json": "[]", out / "a.html": "<p>", out / "b.html": "<p>"}
    with pytest.raises(InputError, match="No space left"):
        files_mod.write_files_atomic(outputs)
    assert sorted(p.name for p in out.iterdir()) == ["rapport.md"]
    assert (out / "rapport.md").read_text(encoding="utf-8") == "oud"


def test_a_failed_write_removes_the_folders_it_made(tmp_path):
    outputs = {tmp_path / "nieuw" / "diep" / "ok.md": "a", tmp_path / "nieuw" / "diep" / ("x" * 300 + ".md"): "b"}
    with pytest.raises(InputError, match="kan niet worden geschreven"):
        files_mod.write_files_atomic(outputs)
    assert list(tmp_path.iterdir()) == []


def test_a_file_name_too_long_is_a_clean_error_and_writes_nothing(env, capsys):
    before = sorted(env.rglob("*"))
    code, out, err = run(capsys, "map", "--out", "maps/" + "k" * 300 + ".html")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert sorted(env.rglob("*")) == before


def test_an_unwritable_output_is_a_clean_error(env, capsys, monkeypatch):
    def refused(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_mod.tempfile, "mkstemp", refused)
    code, out, err = run(capsys, "map", "--out", "kaart.html")
    assert code == 2 and "Permission denied" in err and err.count("\n") == 1
    assert not (env / "kaart.html").exists()


# ----------------------------------------------------------------- 2. the register


def test_store_check_of_a_good_register_says_ok(register, capsys):
    code, out, err = run(capsys, "store", "check", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True
    checks = {c["check"] for c in data["checks"]}
    assert "SQLite integrity_check" in checks
    assert any("gpkg_contents" in c for c in checks) and any("spatial_ref_sys" in c for c in checks)


def test_store_check_names_what_is_wrong(register, capsys):
    con = sqlite3.connect(register)
    con.execute("DELETE FROM gpkg_spatial_ref_sys WHERE srs_id = 28992")
    con.execute("UPDATE signs SET placed_on = '2021-02-31' WHERE sign_id = 'B001'")
    con.commit()
    con.close()
    code, out, err = run(capsys, "store", "check")
    assert code == 2 and err.count("\n") == 1
    assert "PROBLEEM  GeoPackage: gpkg_spatial_ref_sys: srs_id 28992 ontbreekt" in out
    assert "2021-02-31" in out


def test_store_check_finds_an_append_only_trigger_made_harmless(register, capsys):
    con = sqlite3.connect(register)
    con.execute("DROP TRIGGER group_events_append_only_delete")
    con.execute("CREATE TRIGGER group_events_append_only_delete BEFORE DELETE ON group_events BEGIN SELECT 1; END")
    con.commit()
    con.close()
    code, out, err = run(capsys, "store", "check")
    assert code == 2 and err.count("\n") == 1
    assert "trigger group_events_append_only_delete gewijzigd" in out


@pytest.mark.parametrize("version,words", [("99", ["schemaversie 99", f"versie {SCHEMA_VERSION}", "werk de planner bij"]),
                                           ("0", ["schemaversie 0", f"versie {SCHEMA_VERSION}", "planner init"])])
def test_a_register_of_another_schema_version_is_refused_with_both_versions(register, capsys, version, words):
    con = sqlite3.connect(register)
    con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", (version,))
    con.commit()
    con.close()
    before = register.read_bytes()
    code, out, err = run(capsys, "group", "add", "G50", "--name", "X", "--admin", "A;0612345678;")
    assert code == 2
    assert all(w in err for w in words), err
    assert register.read_bytes() == before


def test_a_read_only_register_is_refused_before_anything_changes(register, capsys, monkeypatch):
    monkeypatch.setattr(store_mod, "writable", lambda path: False)
    before = register.read_bytes()
    code, out, err = run(capsys, "group", "add", "G50", "--name", "X", "--admin", "A;0612345678;")
    assert code == 2 and "alleen-lezen" in err and err.count("\n") == 1
    assert register.read_bytes() == before
    code, out, err = run(capsys, "group", "list", "--json")  # reading stays possible
    assert code == 0


def test_sqlite_errors_become_clear_register_errors():
    e = store_mod.sqlite_error(sqlite3.OperationalError("attempt to write a readonly database"), "r.gpkg")
    assert isinstance(e, StoreError) and "alleen-lezen" in str(e)
    assert isinstance(store_mod.sqlite_error(sqlite3.OperationalError("database is locked"), "r"), StoreBusyError)
    e = store_mod.sqlite_error(sqlite3.DatabaseError("database disk image is malformed"), "r.gpkg")
    assert isinstance(e, StoreError) and "beschadigd" in str(e)
    assert store_mod.sqlite_error(sqlite3.ProgrammingError("Cannot operate on a closed database."), "r") is None


def test_the_busy_timeout_covers_the_statements_run_when_opening(register, monkeypatch):
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.3")
    holder = sqlite3.connect(register, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreBusyError, match="bezet"):
            Store(register)
        assert time.monotonic() - t0 >= 0.25  # it waited, at the PRAGMAs and the checks
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert Store(register).busy_timeout == 0.3


# ----------------------------------------------------------------- a killed init


KILL_DURING_WRITE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from planner import geo
    from planner.io import files
    from planner.register import store
    if sys.argv[2] == "named":
        del os.O_TMPFILE  # a file system without O_TMPFILE: the named fallback
    def write_half(fd, data, path, what):
        os.write(fd, data[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    files._write_all = write_half
    d = Path(sys.argv[3])
    store.create_store(Path(sys.argv[1]), geo.load_wards(d / "wijken.geojson"))
""")


@pytest.mark.parametrize("how", ["tmpfile", "named"])
def test_a_killed_init_leaves_no_temporary_file_behind(tmp_path, data_dir, how):
    target = tmp_path / "planner.gpkg"
    proc = subprocess.run([sys.executable, "-c", KILL_DURING_WRITE, str(target), how, str(data_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not target.exists()
    left = list(tmp_path.glob(".planner.gpkg.*.tmp"))
    if how == "tmpfile":
        assert left == []  # the file had no name yet
    else:  # the named fallback: the next init removes the file of the dead process
        assert len(left) == 1
        from planner import geo
        store_mod.create_store(target, geo.load_wards(data_dir / "wijken.geojson"))
        assert list(tmp_path.glob(".planner.gpkg.*.tmp")) == []
        assert Store(target).table("wards").shape[0] == 9


def test_an_old_leftover_from_a_killed_init_is_cleaned_up(register):
    old = register.with_name(".planner.gpkg.ab12cd.tmp")
    old.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    Store(register)
    assert not old.exists()


# ----------------------------------------------------------------- 3. explicit files win, no mixing of places


def test_an_explicit_wards_file_wins_over_the_register(register, capsys, data_dir):
    wards = json.loads((data_dir / "wijken.geojson").read_text(encoding="utf-8"))
    wards["features"] = wards["features"][:2]
    wards["features"][0]["properties"]["code"] = "EIGEN1"
    (register.parent / "w.geojson").write_text(json.dumps(wards), encoding="utf-8")
    code, out, err = run(capsys, "status", "--wards", "w.geojson", "--json")
    assert code == 0, err
    assert [w["code"] for w in json.loads(out)] == ["EIGEN1", "LM02"]
    assert "gebruikte invoer" in err and "w.geojson" in err and "register" in err


def test_decide_refuses_an_explicit_file_the_register_would_ignore(register, capsys):
    before = Store(register).dump()
    code, out, err = run(capsys, "decide", "--wards", "elders.geojson")
    assert code == 2 and "--wards" in err and "--requests" in err
    assert Store(register).dump() == before


def test_default_roads_of_another_place_are_not_used(env, capsys, data_dir):
    """Wards of another place with the demo roads of data/: the roads are left out, and said so."""
    wards = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "U1", "name": "Utrecht"},
             "geometry": {"type": "Polygon", "coordinates": [[[5.10, 52.08], [5.13, 52.08], [5.13, 52.10],
                                                              [5.10, 52.10], [5.10, 52.08]]]}}]}
    (env / "utrecht.geojson").write_text(json.dumps(wards), encoding="utf-8")
    code, out, err = run(capsys, "check", "--at", "5.115,52.09", "--wards", "utrecht.geojson", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["ward"]["code"] == "U1" and result["covered"] is False  # the demo signs are not counted
    assert "wegen.geojson" in err and "niet gebruikt" in err
    assert "gebruikte invoer" in err


# ----------------------------------------------------------------- 4. dates and lengths


@pytest.mark.parametrize("text", ["ooit", "31-02-2021", "2026-09-01 99:99", "2026-09-01 24:00", "2026-13-01",
                                  "2026-09-01T10:61", "0000-01-01", ""])
def test_impossible_dates_and_times_are_refused(text):
    with pytest.raises(InputError, match="ongeldige datum"):
        parse_date(text, "--date")


@pytest.mark.parametrize("text,expected", [("2026-09-01 23:59", "2026-09-01"), ("1-9-2026", "2026-09-01"),
                                           ("2026-09-01T10:30:00+02:00", "2026-09-01")])
def test_possible_dates_with_times_are_read(text, expected):
    assert parse_date(text) == expected


def test_printing_a_huge_name_from_the_register_takes_linear_time(register, capsys):
    con = sqlite3.connect(register)
    con.execute("UPDATE groups SET group_name = ? WHERE group_id = 'G01'", ("n" * 100_000,))
    con.commit()
    con.close()
    for argv in (["group", "show", "G01"], ["group", "list"], ["contacts", "LM03"]):
        t0 = time.monotonic()
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        assert time.monotonic() - t0 < 3, argv


def test_names_and_free_text_have_a_maximum_length(register, capsys):
    code, _, err = run(capsys, "group", "add", "G50", "--name", "n" * 201, "--admin", "A;0612345678;")
    assert code == 2 and "hoogstens 200" in err and len(err) < 300
    code, _, err = run(capsys, "group", "add", "G50", "--name", "n" * 200, "--admin", "A;0612345678;", "--json")
    assert code == 0, err
    code, _, err = run(capsys, "sign", "remove", "B001", "--reason", "r" * 2001)
    assert code == 2 and "hoogstens 2000" in err


# ----------------------------------------------------------------- wishes


@pytest.mark.parametrize("lon,lat,words", [(52.43, 4.91, "verwisseld"), (123000, 494000, "RD-meters"),
                                           (2.35, 48.85, "buiten Nederland"), ("nan", "1", "verwacht")])
def test_wishes_with_swapped_or_rd_coordinates_are_refused(lon, lat, words):
    with pytest.raises(InputError, match=words):
        check_wish_lonlat(lon, lat, "--prefer")


def test_valid_wishes_are_read():
    assert parse_wishes("4.9166 52.4336; 4.917,52.434") == [(4.9166, 52.4336), (4.917, 52.434)]
    assert check_wish_lonlat(4.9166, 52.4336).x == pytest.approx(122955, abs=100)


# ----------------------------------------------------------------- environment


def test_settings_read_and_check_every_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "2,5")
    assert settings.busy_timeout() == 2.5
    monkeypatch.setenv("PLANNER_NOW", "2026-10-01")
    assert settings.now() == "2026-10-01T00:00:00Z" and settings.today() == "2026-10-01"
    monkeypatch.setenv("PLANNER_DEBUG", "ja")
    assert settings.debug() is True
    monkeypatch.setenv("PLANNER_DATA", str(tmp_path))
    assert settings.data_dir() == tmp_path
    settings.check_environment()
    monkeypatch.setenv("PLANNER_PDOK_URL", "localhost:8080")
    with pytest.raises(InputError, match="PLANNER_PDOK_URL"):
        settings.check_environment()


# ----------------------------------------------------------------- 7. erasing a group


def test_group_remove_names_internal_outputs_that_may_still_hold_the_data(register, capsys):
    (register.parent / "maps").mkdir()
    (register.parent / "maps" / "overzicht.html").write_text("<p>Jan Voorbeeld</p>", encoding="utf-8")
    (register.parent / "maps" / "overzicht-openbaar.html").write_text("<p></p>", encoding="utf-8")
    (register.parent / "intern").mkdir()
    (register.parent / "intern" / "admins.csv").write_text("group_id,name\nG01,Jan\n", encoding="utf-8")
    code, out, err = run(capsys, "group", "remove", "G01", "--json")
    assert code == 0, err
    assert json.loads(out)["may_still_hold"] == ["maps/overzicht.html", "intern/admins.csv"]
    code, out, err = run(capsys, "group", "remove", "G02")
    assert code == 0 and "maps/overzicht.html" in out and "intern/admins.csv" in out


def test_group_remove_without_internal_outputs_says_so(register, capsys):
    code, out, err = run(capsys, "group", "remove", "G01")
    assert code == 0 and "geen interne kaarten of exports" in out
