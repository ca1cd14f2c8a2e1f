"""The register on both backends: GeoPackage (embedded) and PostgreSQL + PostGIS (shared).

The PostGIS tests use a throwaway cluster (``postgis_server`` in conftest:
started once per session in a temporary folder, on a Unix socket, stopped
at the end); each test gets a fresh database. Register tests that take
``store_location`` run once per backend.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
import shapely
from conftest import PG_ROLE, env, run_json  # noqa: F401,E402  (env: fixture)

from planner import cli
from planner.errors import InputError, StoreError
from planner.register import groups as reg
from planner.register import requests as history
from planner.register.store import Store

NOW = "2026-10-01T12:00:00Z"


run = run_json  # (exit code, parsed JSON stdout or the text, stderr)


def ok(capsys, *args):
    code, data, err = run(capsys, *args, "--json")
    assert code == 0, err
    return data


# A day in the register: every register command once, with the answers kept.
SCENARIO = [
    ["group", "add", "G20", "--name", "Buurtapp Noord", "--wabp", "--ward", "LM02",
     "--admin", "Els Voorbeeld;06-12345678;els@example.org", "--admin", "Bo Test;;bo@example.org"],
    ["group", "list"],
    ["group", "show", "G20"],
    ["group", "add-admin", "G20", "--admin", "Cas Derde;0612345679;"],
    ["officer", "set", "LM04", "--name", "Agent Bakker", "--phone", "0900-8844"],
    ["contacts", "LM04"],
    ["request", "add", "--group", "G20", "--at", "4.9045,52.4399", "--id", "R0100"],
    ["decide"],
    ["request", "list"],
    ["request", "show", "A002"],
    ["sign", "list"],
    ["sign", "place", "A002-1", "--date", "2026-10-01"],
    ["sign", "relocate", "A002-1", "--to-rd", "123810,493990", "--force", "--reason", "nieuwe paal"],
    ["sign", "remove", "B004", "--reason", "wijk opgeheven"],
    ["sign", "history", "A002-1"],
    ["group", "set", "G07", "--wabp", "--reason", "aangemeld"],
    ["admin", "set", "G02", "2", "--phone", "06-12345670", "--reason", "nieuw nummer"],
    ["admin", "remove", "G20", "3", "--reason", "verzoek"],
    ["group", "history", "G02"],
    ["group", "remove", "G05"],
    ["request", "list", "--pending"],
    ["request", "resolve", "A004", "--reject", "--reason", "niet aangemeld"],
    ["request", "agree", "A008", "--without-wish"],
    ["request", "show", "A008"],
    ["status"],
    ["check", "--at-rd", "123750,493900"],
    ["brief", "A002", "--out", "brieven", "--format", "docx"],
    ["export", "--internal", "--out", "intern"],
]


def _answers(capsys, location, folder):
    """Every answer of the scenario (JSON, exit code, error) and the internal export's files."""
    import shutil

    out = []
    for argv in [["init"], *SCENARIO]:
        code, data, err = run(capsys, *argv, "--store", location, "--json")
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("store",)}
        out.append((argv[:2], code, data, err.replace(location, "STORE")))
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "intern").iterdir())}
    shutil.rmtree(folder / "intern")
    shutil.rmtree(folder / "brieven")
    return out + [files]


def _first_difference(a, b, where="") -> str:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b):
        return next((_first_difference(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b)) if x != y), "")
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return next((_first_difference(a[k], b[k], f"{where}.{k}") for k in a if a[k] != b[k]), "")
    return f"{where}: {a!r} != {b!r}"


def test_every_register_command_gives_the_same_answer_on_postgis_as_on_geopackage(env, capsys, postgis_url):
    gpkg = _answers(capsys, str(env / "planner.gpkg"), env)
    pg = _answers(capsys, postgis_url, env)
    assert [a[1] for a in gpkg[:-1]] == [0] * len(SCENARIO + [1]), [a for a in gpkg[:-1] if a[1]]
    assert "admins.csv" in gpkg[-1] and "Els Voorbeeld" in gpkg[-1]["admins.csv"]
    for a, b in zip(gpkg, pg):
        assert a == b, _first_difference(a, b)


def test_store_from_environment_variable_is_a_postgis_url(env, capsys, postgis_url, monkeypatch):
    monkeypatch.setenv("PLANNER_STORE", postgis_url)
    assert ok(capsys, "init")["wards"] > 0
    assert len(ok(capsys, "group", "list")) == 8
    assert not (env / "planner.gpkg").exists()


def test_history_is_append_only_in_the_database(env, capsys, store_location):
    ok(capsys, "init", "--store", store_location)
    st = Store(store_location)
    for table in ("sign_events", "request_events", "group_events"):
        for sql in (f"UPDATE {table} SET event_date = '2000-01-01'", f"DELETE FROM {table}"):
            with pytest.raises(InputError, match="geschiedenis"):
                with st.transaction() as con:
                    con.execute(sql)
    assert all(len(st.table(t)) for t in ("sign_events", "request_events", "group_events"))


def test_postgis_layers_are_in_rd_new_with_spatial_indexes(env, capsys, postgis_url):
    ok(capsys, "init", "--store", postgis_url)
    data = ok(capsys, "store", "check", "--store", postgis_url)
    assert data["ok"], data
    st = Store(postgis_url)
    with st.reading() as con:
        cols = {r[0]: (r[1], r[2]) for r in con.execute("SELECT f_table_name, type, srid FROM geometry_columns")}
        gist = {r[0] for r in con.execute("SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%gist%'")}
    assert cols["wards"] == ("MULTIPOLYGON", 28992) and cols["signs"] == ("POINT", 28992)
    assert {"wards", "signs", "sign_events", "proposals"} <= gist
    assert "requests" not in gist  # its index root would show every municipality's request points (homes)
    assert st.extent("wards") is not None


def test_erasing_an_admin_leaves_no_trace_readable_on_either_backend(env, capsys, store_location):
    ok(capsys, "init", "--store", store_location)
    ok(capsys, "group", "add", "G30", "--name", "X", "--admin", "Geheime Naam;0612345678;",
       "--admin", "Ander;;a@example.org", "--store", store_location)
    ok(capsys, "admin", "remove", "G30", "1", "--reason", "verzoek", "--store", store_location)
    admins = Store(store_location).table("admins")
    assert "Geheime Naam" not in set(admins["name"])


def test_copy_round_trip_geopackage_postgis_geopackage_compares_equal(env, capsys, postgis_url):
    ok(capsys, "init", "--store", "a.gpkg")
    ok(capsys, "request", "add", "--group", "G01", "--at-rd", "123700,493600", "--store", "a.gpkg")
    ok(capsys, "decide", "--store", "a.gpkg")
    ok(capsys, "admin", "remove", "G02", "1", "--reason", "weg", "--store", "a.gpkg")
    ok(capsys, "store", "copy", "a.gpkg", postgis_url)
    ok(capsys, "store", "copy", postgis_url, "b.gpkg")
    assert Store("a.gpkg").dump() == Store("b.gpkg").dump()
    # and the copy on PostGIS answers as the original
    assert ok(capsys, "request", "list", "--store", postgis_url) == ok(capsys, "request", "list", "--store", "a.gpkg")
    # a new row on PostGIS gets a fresh fid after the copied ones
    ok(capsys, "group", "add", "G40", "--name", "Y", "--admin", "Z;0612345678;", "--store", postgis_url)
    code, _, err = run(capsys, "store", "copy", "a.gpkg", postgis_url)
    assert code == 2 and "bestaat al" in err


def _fork(argv):
    pid = os.fork()
    if pid == 0:
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            code = cli.main(argv)
        except BaseException:
            code = 99
        os._exit(code)
    return pid


def _wait(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_eight_writer_processes_lose_nothing_and_duplicate_no_id(env, capsys, store_location):
    ok(capsys, "init", "--store", store_location)
    pids = []
    for w in range(8):
        pids.append(_fork(["group", "add", f"C{w}", "--name", f"Groep {w}", "--admin", f"Naam {w};06123456{w:02d};",
                           "--store", store_location]))
        for _ in range(3):  # generated ids: R0010, R0011, ... must never repeat
            pids.append(_fork(["request", "add", "--group", f"G0{1 + w % 8}", "--at-rd", "122200,498400",
                               "--store", store_location]))
    assert [_wait(p) for p in pids] == [0] * len(pids)
    st = Store(store_location)
    groups, requests = st.table("groups"), st.table("requests")
    assert {f"C{w}" for w in range(8)} <= set(groups["group_id"])
    assert len(requests) == 9 + 24 and requests["request_id"].is_unique
    assert len(st.table("request_events")) == 33


def test_a_killed_postgis_writer_leaves_the_register_as_before(env, capsys, postgis_url):
    ok(capsys, "init", "--store", postgis_url)
    st = Store(postgis_url)
    for i in range(30):
        history.add_request(st, shapely.Point(121500 + 50 * i, 494000), "G01", request_id=f"K{i:03d}",
                            date="2026-09-30")
    before = st.dump()
    pid = os.fork()
    if pid == 0:
        record, calls = history._record_decision, []

        def record_then_die(*a, **kw):
            if len(calls) == 5:
                os.kill(os.getpid(), signal.SIGKILL)
            calls.append(1)
            return record(*a, **kw)

        history._record_decision = record_then_die
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        cli.main(["decide", "--store", postgis_url])
        os._exit(0)
    assert _wait(pid) == -signal.SIGKILL
    assert Store(postgis_url).dump() == before
    ok(capsys, "decide", "--store", postgis_url)  # the advisory lock went with the dead session
    assert Store(postgis_url).dump() != before


def test_unreachable_server_and_wrong_password_are_one_clear_error(env, capsys, postgis_server, tmp_path):
    db = postgis_server.new_database()
    dead = f"postgresql://planner:geheim-wachtwoord@127.0.0.1:1/{db}?gemeente=GM0415&connect_timeout=2"
    code, _, err = run(capsys, "group", "list", "--store", dead)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert "niet bereikbaar" in err and "geheim-wachtwoord" not in err
    postgis_server.psql("postgres", "CREATE ROLE buiten LOGIN PASSWORD 'juist'")
    hba = postgis_server.data / "pg_hba.conf"
    postgis_server._run("sh", "-c", f"echo 'local all buiten scram-sha-256' | cat - {hba} > {hba}.new && "
                        f"mv {hba}.new {hba}")
    postgis_server.psql("postgres", "SELECT pg_reload_conf()")
    try:
        wrong = (f"postgresql://buiten:fout-wachtwoord@/{db}?host={postgis_server.sock}&port={postgis_server.port}"
                 "&gemeente=GM0415")
        code, _, err = run(capsys, "group", "list", "--store", wrong)
    finally:
        postgis_server._run("sh", "-c", f"sed -i '1d' {hba}")
        postgis_server.psql("postgres", "SELECT pg_reload_conf()")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert "inloggen geweigerd" in err and "fout-wachtwoord" not in err


def test_a_superuser_connection_is_refused_because_rls_would_not_bind_it(env, capsys, postgis_server):
    url = postgis_server.url(postgis_server.new_database(), user="postgres")
    code, _, err = run(capsys, "init", "--store", url)
    assert code == 2 and "superuser" in err


def test_two_municipalities_in_one_database_cannot_read_or_change_each_others_admins(env, capsys, postgis_server):
    db = postgis_server.new_database()
    owner_a, owner_b = postgis_server.url(db, gemeente="GM0415"), postgis_server.url(db, gemeente="GM0363")
    ok(capsys, "init", "--store", owner_a)
    ok(capsys, "init", "--store", owner_b)
    ok(capsys, "group", "add", "G90", "--name", "Amsterdam-Noord", "--admin", "Alleen Amsterdam;0612345678;",
       "--store", owner_b)
    for role in ("staf_landsmeer", "staf_amsterdam"):
        postgis_server.psql("postgres", f"CREATE ROLE {role} LOGIN")
    ok(capsys, "store", "grant", "staf_landsmeer", "GM0415", "--store", owner_a)
    ok(capsys, "store", "grant", "staf_amsterdam", "GM0363", "--store", owner_b)
    landsmeer = postgis_server.url(db, user="staf_landsmeer", gemeente=None)  # the role's only gemeente
    amsterdam = postgis_server.url(db, user="staf_amsterdam", gemeente=None)

    mine = Store(landsmeer).table("admins")
    assert len(mine) and "Alleen Amsterdam" not in set(mine["name"])
    theirs = Store(amsterdam).table("admins")
    assert "Alleen Amsterdam" in set(theirs["name"])
    # asking for the other municipality does not help: the policy maps the role, not the setting
    with pytest.raises(StoreError, match="bestaat niet"):
        Store(postgis_server.url(db, user="staf_landsmeer", gemeente="GM0363"))
    code, _, err = run(capsys, "group", "show", "G90", "--store", landsmeer)
    assert code == 2 and "onbekende groep" in err
    st = Store(landsmeer)
    with st.transaction() as con:  # raw SQL, straight past the planner: nothing of Amsterdam is touched
        assert con.execute("UPDATE admins SET name = 'gekaapt' WHERE group_id = 'G90'").rowcount == 0
        assert con.execute("DELETE FROM admins WHERE group_id = 'G90'").rowcount == 0
    with pytest.raises(InputError):  # and a row for another municipality cannot be written
        with st.transaction() as con:
            con.execute("INSERT INTO admins (gemeente, group_id, name) VALUES ('GM0363', 'G90', 'erbij')")
    assert Store(amsterdam).table("admins").equals(theirs)
    assert reg.show_group(Store(amsterdam), "G90")["admins"][0]["name"] == "Alleen Amsterdam"


def test_gdal_the_library_of_qgis_opens_the_postgis_layers_in_rd_new(env, capsys, postgis_server):
    import shutil
    import subprocess

    if not shutil.which("ogrinfo"):
        pytest.skip("ogrinfo not installed")
    db = postgis_server.new_database()
    ok(capsys, "init", "--store", postgis_server.url(db))
    postgis_server.psql("postgres", "CREATE ROLE staf_qgis LOGIN")
    ok(capsys, "store", "grant", "staf_qgis", "GM0415", "--store", postgis_server.url(db))
    conn = f"PG:dbname={db} host={postgis_server.sock} port={postgis_server.port} user=staf_qgis"
    out = subprocess.run(["ogrinfo", "-ro", "-q", conn], capture_output=True, text=True, check=True).stdout
    for name in ("wards", "signs", "sign_events", "requests", "proposals"):
        assert f": {name} (" in out
    info = subprocess.run(["ogrinfo", "-ro", "-so", conn, "wards"], capture_output=True, text=True,
                          check=True).stdout
    assert "28992" in info and "Feature Count: 9" in info  # the staff role sees its own gemeente, no setting


def test_postgis_writers_killed_at_random_moments_leave_the_register_before_or_after(env, capsys, postgis_server):
    import random
    import time

    ok(capsys, "init", "--store", "base.gpkg")
    st = Store("base.gpkg")
    for i in range(40):
        history.add_request(st, shapely.Point(121000 + 100 * i, 494000 + 40 * i), f"G0{1 + i % 8}",
                            request_id=f"K{i:03d}", date="2026-09-30")

    def fresh():
        url = postgis_server.url(postgis_server.new_database())
        ok(capsys, "store", "copy", "base.gpkg", url)
        return url

    url = fresh()
    before = Store(url).dump()
    ok(capsys, "decide", "--store", url)
    after = Store(url).dump()
    assert after != before
    rng = random.Random(7)
    seen = set()
    for _ in range(4):
        url = fresh()
        pid = _fork(["decide", "--store", url])
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(pid, signal.SIGKILL)
        _wait(pid)
        state = Store(url).dump()
        assert state in (before, after)
        seen.add(state == after)
    ok(capsys, "decide", "--store", url)  # the register works on after a kill


def test_a_busy_postgis_register_gives_a_clear_error_and_changes_nothing(env, capsys, postgis_url, monkeypatch):
    import psycopg

    from planner.register.postgres import Location

    ok(capsys, "init", "--store", postgis_url)
    before = Store(postgis_url).dump()
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.3")
    holder = psycopg.connect(Location(postgis_url).conninfo, options="-c planner.gemeente=GM0415")
    try:  # another writer of the same municipality holds the register
        holder.execute("SELECT 1 FROM planner_acl.writers WHERE gemeente = 'GM0415' FOR UPDATE")
        code, _, err = run(capsys, "group", "add", "G60", "--name", "X", "--admin", "A;0612345678;",
                           "--store", postgis_url)
        other = postgis_url.replace("GM0415", "GM0363")  # another municipality does not wait for it
        assert run(capsys, "init", "--store", other)[0] == 0
    finally:
        holder.close()
    assert code == 2 and err.startswith("error: ") and "bezet" in err and err.count("\n") == 1
    assert Store(postgis_url).dump() == before


def test_advisory_locks_of_another_role_block_no_writer_and_no_init(env, capsys, postgis_server, monkeypatch):
    import psycopg

    db = postgis_server.new_database()
    owner = postgis_server.url(db)
    ok(capsys, "init", "--store", owner)
    postgis_server.psql("postgres", "CREATE ROLE staf_dwars LOGIN")
    ok(capsys, "store", "grant", "staf_dwars", "GM0415", "--store", owner)
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.5")
    hostile = psycopg.connect(f"host={postgis_server.sock} port={postgis_server.port} dbname={db} user=staf_dwars",
                              autocommit=True)
    try:
        for key in ("planner:GM0415", "planner:GM0363", "planner:schema"):
            hostile.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        with pytest.raises(psycopg.Error):  # the schema lock is the owner's: the mapping table is closed to it
            hostile.execute("BEGIN; LOCK TABLE planner_acl.staff IN SHARE ROW EXCLUSIVE MODE")
        hostile.execute("ROLLBACK")
        ok(capsys, "group", "add", "G61", "--name", "X", "--admin", "A;0612345678;", "--store", owner)
        ok(capsys, "init", "--store", postgis_server.url(db, gemeente="GM0363"))
    finally:
        hostile.close()


def test_busy_timeout_zero_means_do_not_wait_on_postgis(env, capsys, postgis_url, monkeypatch):
    import time

    import psycopg

    from planner.register.postgres import Location

    ok(capsys, "init", "--store", postgis_url)
    holder = psycopg.connect(Location(postgis_url).conninfo, options="-c planner.gemeente=GM0415")
    try:
        holder.execute("SELECT 1 FROM planner_acl.writers WHERE gemeente = 'GM0415' FOR UPDATE")
        monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0")
        start = time.monotonic()
        code, _, err = run(capsys, "group", "add", "G60", "--name", "X", "--admin", "A;0612345678;",
                           "--store", postgis_url)
        assert time.monotonic() - start < 3
    finally:
        holder.close()
    assert code == 2 and "bezet" in err and "0 s" in err
    assert ok(capsys, "group", "add", "G60", "--name", "X", "--admin", "A;0612345678;", "--store", postgis_url)


def test_busy_timeout_zero_means_do_not_wait_on_geopackage(env, capsys, monkeypatch):
    import sqlite3
    import time

    ok(capsys, "init", "--store", "r.gpkg")
    holder = sqlite3.connect(env / "r.gpkg", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0")
        start = time.monotonic()
        code, _, err = run(capsys, "group", "add", "G60", "--name", "X", "--admin", "A;0612345678;",
                           "--store", "r.gpkg")
        assert time.monotonic() - start < 3
    finally:
        holder.close()
    assert code == 2 and "bezet" in err


def test_two_first_inits_at_once_both_end_well(env, capsys, postgis_server):
    db = postgis_server.new_database()
    pids = [_fork(["init", "--store", postgis_server.url(db, gemeente=g)]) for g in ("GM0415", "GM0363", "GM0384")]
    assert [_wait(p) for p in pids] == [0, 0, 0]
    for g in ("GM0415", "GM0363", "GM0384"):
        assert len(Store(postgis_server.url(db, gemeente=g)).table("wards")) == 9


# ----------------------------------------------------------------- erasure: no trace in the cluster's files


def _database_files(server, url) -> bytes:
    """Every data file of the register's database (tables, indexes, pg_statistic, ...) after a CHECKPOINT."""
    with Store(url).reading() as con:
        oid = con.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
    server.psql("postgres", "CHECKPOINT")
    folder = server.data / "base" / str(oid)
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


ERASED = {"G30": ("Geheime Naam", "0611119999", "verdwijn@example.org"),  # group remove
          "G31-1": ("Oude Naam", "0622228888", "oud@example.org"),          # admin set (all three changed)
          "G31-2": ("Weg Persoon", "0633337777", "weg@example.org")}         # admin remove


def _erase_all(capsys, url):
    for gid in ("G30", "G31"):
        admins = [a for k, a in ERASED.items() if k.split("-")[0] == gid] + [("Blijft Hier", "0644446666", "")]
        ok(capsys, "group", "add", gid, "--name", f"Groep {gid}", "--store", url,
           *[x for a in admins for x in ("--admin", ";".join(a))])
    return [["group", "remove", "G30", "--reason", "verzoek"],
            ["admin", "set", "G31", "1", "--name", "Nieuwe Naam", "--phone", "0655555555", "--email", "n@example.org",
             "--reason", "correctie"],
            ["admin", "remove", "G31", "2", "--reason", "verzoek"]]


def _traces(data: bytes) -> list[str]:
    return [v for values in ERASED.values() for v in values if v.encode() in data]


def test_erasure_leaves_no_trace_in_tables_statistics_or_data_files(env, capsys, postgis_server):
    url = postgis_server.url(postgis_server.new_database())
    ok(capsys, "init", "--store", url)
    commands = _erase_all(capsys, url)
    postgis_server.psql(url.split("/")[3].split("?")[0], "ANALYZE")  # as autoanalyze would, with the values in
    assert _traces(_database_files(postgis_server, url))  # the check can see them while they are there
    for argv in commands:
        code, _, err = run(capsys, *argv, "--store", url)
        assert code == 0 and "waarschuwing" not in err, err
    postgis_server.psql(url.split("/")[3].split("?")[0], "ANALYZE")
    assert _traces(_database_files(postgis_server, url)) == []


def test_erasure_by_a_staff_role_warns_records_and_store_check_completes_it(env, capsys, postgis_server):
    db = postgis_server.new_database()
    owner = postgis_server.url(db)
    ok(capsys, "init", "--store", owner)
    postgis_server.psql("postgres", "CREATE ROLE staf_wis LOGIN")
    ok(capsys, "store", "grant", "staf_wis", "GM0415", "--store", owner)
    staff = postgis_server.url(db, user="staf_wis", gemeente=None)
    commands = _erase_all(capsys, staff)
    for argv in commands:
        code, _, err = run(capsys, *argv, "--store", staff)
        assert code == 0, err
        assert err.count("waarschuwing: ") == 1 and "niet de eigenaar" in err and "store check" in err, err
    assert _traces(_database_files(postgis_server, owner))  # pending: still in the old data file
    data = ok(capsys, "store", "check", "--store", owner)
    assert data["ok"] and any(c["check"] == "gewiste gegevens" and c["ok"] for c in data["checks"]), data
    assert _traces(_database_files(postgis_server, owner)) == []


def test_erasure_while_a_reader_holds_the_table_warns_and_the_next_owner_write_completes_it(
        env, capsys, postgis_url, postgis_server, monkeypatch):
    import psycopg

    from planner.register.postgres import Location

    ok(capsys, "init", "--store", postgis_url)
    commands = _erase_all(capsys, postgis_url)
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.3")
    reader = psycopg.connect(Location(postgis_url).conninfo, options="-c planner.gemeente=GM0415")
    try:  # e.g. QGIS with the admins table open in a transaction
        reader.execute("SELECT count(*) FROM admins").fetchone()
        for argv in commands:
            code, _, err = run(capsys, *argv, "--store", postgis_url)
            assert code == 0 and err.count("waarschuwing: ") == 1 and "leest de tabel" in err, err
    finally:
        reader.close()
    assert _traces(_database_files(postgis_server, postgis_url))
    ok(capsys, "officer", "set", "LM04", "--name", "Agent Bakker", "--phone", "0900-8844", "--store", postgis_url)
    assert _traces(_database_files(postgis_server, postgis_url)) == []


TAMPERING = {  # what an owner (or a script run as the owner) may change behind the planner's back
    "trigger uit": "ALTER TABLE group_events DISABLE TRIGGER group_events_append_only_delete",
    "truncate-trigger weg": "DROP TRIGGER sign_events_append_only_truncate ON sign_events",
    "policy open": "ALTER POLICY admins_gemeente ON admins USING (true)",
    "extra policy": "CREATE POLICY iedereen ON requests USING (true)",
    "geen FORCE": "ALTER TABLE admins NO FORCE ROW LEVEL SECURITY",
    "rls uit": "ALTER TABLE groups DISABLE ROW LEVEL SECURITY",
    "functie": "CREATE OR REPLACE FUNCTION planner_acl.gemeente() RETURNS text LANGUAGE sql STABLE "
               "SET search_path = pg_catalog, pg_temp AS $$ SELECT 'GM0363' $$",
    "search_path": "ALTER FUNCTION planner_acl.staff_of(name) RESET search_path",
    "public": "GRANT SELECT ON planner_acl.staff TO PUBLIC",
    "statistieken": "ALTER TABLE admins ALTER COLUMN name SET STATISTICS 100",
}


def test_store_check_finds_every_change_to_the_security_and_exits_2(env, capsys, postgis_server):
    base = postgis_server.new_database()
    ok(capsys, "init", "--store", postgis_server.url(base))
    assert ok(capsys, "store", "check", "--store", postgis_server.url(base))["ok"]
    for k, (what, sql) in enumerate(TAMPERING.items()):
        db = f"{base}_t{k}"
        postgis_server.psql("postgres", f"CREATE DATABASE {db} TEMPLATE {base} OWNER {PG_ROLE}")
        postgis_server.psql(db, f"SET ROLE {PG_ROLE}; {sql}")
        code, data, err = run(capsys, "store", "check", "--store", postgis_server.url(db), "--json")
        assert code == 2 and err.startswith("error: ") and "beveiliging" in err, (what, err)
        found = next(c for c in data["checks"] if c["check"].startswith("beveiliging"))
        assert not found["ok"], what


# ----------------------------------------------------------------- URLs and connection strings


def _one_clean_error(code, err, *secrets):
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert "interne fout" not in err
    for secret in secrets:
        assert secret not in err, err


def test_a_malformed_url_is_one_error_without_the_password(env, capsys):
    for url in ("postgresql://planner:geheim-ipv6@[::1/db?gemeente=GM0415",
                "postgresql://planner:geheim-poort@localhost:99999/db?gemeente=GM0415",
                "postgresql://planner:geheim-sleutel@/db?host=/tmp&nosuchkey=1&gemeente=GM0415"):
        code, _, err = run(capsys, "group", "list", "--store", url)
        _one_clean_error(code, err, "geheim-")


def test_a_key_value_connection_string_works_and_never_shows_its_password(env, capsys, postgis_server, monkeypatch):
    db = postgis_server.new_database()
    keys = f"host={postgis_server.sock} port={postgis_server.port} dbname={db} user=planner"
    ok(capsys, "init", "--store", f"{keys} gemeente=GM0415")
    assert len(ok(capsys, "group", "list", "--store", f"{keys} password=geheim-kv gemeente=GM0415")) == 8
    wrong = f"host={postgis_server.sock} port={postgis_server.port} dbname=bestaat_niet user=planner " \
            "password='geheim kv' gemeente=GM0415"
    code, _, err = run(capsys, "group", "list", "--store", wrong)
    _one_clean_error(code, err, "geheim")
    assert "bestaat niet" in err
    monkeypatch.setenv("PGPASSWORD", "geheim-omgeving")
    code, _, err = run(capsys, "group", "list", "--store", wrong.replace(" password='geheim kv'", ""))
    _one_clean_error(code, err, "geheim")
    code, _, err = run(capsys, "group", "list", "--store", "host=/tmp dbname='niet afgesloten password=geheim-q")
    _one_clean_error(code, err, "geheim")


def test_url_query_values_are_passed_as_given(env, capsys, postgis_server):
    db = postgis_server.new_database()
    ok(capsys, "init", "--store", postgis_server.url(db))
    url = postgis_server.url(db, gemeente=None) + "&options=-c%20planner.gemeente%3DGM0415"
    assert len(ok(capsys, "group", "list", "--store", url)) == 8


# ----------------------------------------------------------------- a register of schema version 2

OLD_LAYOUT = """
SET ROLE planner;
CREATE TABLE planner_staff (role name NOT NULL, gemeente text NOT NULL, PRIMARY KEY (role, gemeente));
GRANT SELECT ON planner_staff TO PUBLIC;
INSERT INTO planner_staff SELECT role, gemeente FROM planner_acl.staff;
CREATE FUNCTION planner_gemeente() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN COALESCE(current_setting('planner.gemeente', true), '') = '' THEN
    (SELECT min(gemeente) FROM planner_staff WHERE role = current_user AND gemeente <> '*' HAVING count(*) = 1)
  ELSE (SELECT current_setting('planner.gemeente', true) FROM planner_staff s WHERE s.role = current_user
        AND s.gemeente IN (current_setting('planner.gemeente', true), '*') LIMIT 1) END $$;
CREATE FUNCTION planner_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END $$;
DO $$ DECLARE t text; BEGIN
  FOREACH t IN ARRAY ARRAY['wards','signs','sign_events','requests','proposals','decisions','request_events',
                           'groups','admins','group_events','officers','store_meta'] LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN gemeente SET DEFAULT planner_gemeente()', t);
    EXECUTE format('DROP POLICY %I ON %I', t || '_gemeente', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (gemeente = (SELECT planner_gemeente())) '
                   'WITH CHECK (gemeente = (SELECT planner_gemeente()))', t || '_gemeente', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['sign_events','request_events','group_events'] LOOP
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_append_only_update', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION '
                   'planner_append_only(''alleen toevoegen'')', t || '_append_only_update', t);
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_append_only_delete', t);
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_append_only_truncate', t);
  END LOOP;
END $$;
DROP SCHEMA planner_acl CASCADE;
CREATE INDEX requests_geom ON requests USING gist (geom);
ALTER TABLE admins ALTER COLUMN name SET STATISTICS -1;
ALTER TABLE admins DROP COLUMN officer_consent;
SET planner.gemeente = 'GM0415';
UPDATE store_meta SET value = '2' WHERE key = 'schema_version';
SET planner.gemeente = 'GM0363';
UPDATE store_meta SET value = '2' WHERE key = 'schema_version';
"""


def test_a_version_2_postgis_register_is_secured_and_migrated_by_its_owner(env, capsys, postgis_server):
    db = postgis_server.new_database()
    owner_a, owner_b = postgis_server.url(db), postgis_server.url(db, gemeente="GM0363")
    ok(capsys, "init", "--store", owner_a)
    ok(capsys, "init", "--store", owner_b)
    postgis_server.psql("postgres", "CREATE ROLE staf_oud LOGIN")
    ok(capsys, "store", "grant", "staf_oud", "GM0415", "--store", owner_a)
    postgis_server.psql(db, OLD_LAYOUT)
    staff = postgis_server.url(db, user="staf_oud")
    code, _, err = run(capsys, "group", "list", "--store", staff)  # a staff role may not change the schema
    assert code == 2 and "eigenaar" in err and err.count("\n") == 1, err
    code, data, err = run(capsys, "store", "check", "--store", owner_a, "--json")
    assert code == 2 and "schemaversie 2" in json.dumps(data)
    group = ok(capsys, "group", "show", "G02", "--store", owner_a)  # the owner's first command brings it up to date
    assert [a["wijkagent"] for a in group["admins"]] == [False, False]
    assert ok(capsys, "store", "check", "--store", owner_a)["ok"]
    assert len(ok(capsys, "group", "list", "--store", staff)) == 8  # the mapping came along
    assert len(ok(capsys, "group", "list", "--store", owner_b)) == 8  # the other gemeente: its version only
    assert ok(capsys, "store", "check", "--store", owner_b)["ok"]
    ok(capsys, "group", "add", "G70", "--name", "Na de update", "--admin", "A;0612345678;", "--wijkagent", "ja",
       "--store", staff)
