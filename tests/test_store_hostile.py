"""The shared PostGIS register against a hostile colleague.

Two municipalities share one database: Landsmeer (GM0415) and Amsterdam
(GM0363). A staff role of Landsmeer opens ``psql`` next to the planner
(here: psycopg with the same rights) and tries every trick the row-level
security could fall for: temporary objects that shadow the names the
policies use, ``SET`` of every setting the policies read, ``SET ROLE``,
views, functions, ``COPY``, ``pg_dump``, the statistics views, and writes
that change ``gemeente``. Nothing of Amsterdam may come back, and nothing of
Amsterdam may change.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import REGISTER_NOW, REPO_ROOT, run_json

from planner import cli
from planner.register.postgres import NO_STATISTICS

AMSTERDAM = {"name": "Geheime Amsterdammer", "phone": "0611112222", "email": "geheim@amsterdam.example"}
MARKERS = ("Geheime Amsterdammer", "0611112222", "geheim@amsterdam", "GM0363", "Amsterdam-Noord", "G90")
AMSTERDAM_HOME = (4.9036, 52.3905)  # a request of Amsterdam: someone's home


@pytest.fixture(scope="module")
def shared(postgis_server):
    """One database with the registers of GM0415 and GM0363, a staff role for each; the URLs."""
    db = postgis_server.new_database()
    owner_a, owner_b = postgis_server.url(db, gemeente="GM0415"), postgis_server.url(db, gemeente="GM0363")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNER_DATA", str(REPO_ROOT / "data"))
        mp.setenv("PLANNER_NOW", REGISTER_NOW)
        mp.delenv("PLANNER_STORE", raising=False)
        a = AMSTERDAM
        for argv in (["init", "--store", owner_a], ["init", "--store", owner_b],
                     ["group", "add", "G90", "--name", "Amsterdam-Noord", "--store", owner_b,
                      "--admin", f"{a['name']};{a['phone']};{a['email']}", "--reason", "Amsterdam-Noord erbij"],
                     ["request", "add", "--group", "G90", "--at", f"{AMSTERDAM_HOME[0]},{AMSTERDAM_HOME[1]}",
                      "--id", "AMS1", "--store", owner_b]):
            assert cli.main(argv) == 0, argv
        for role in ("h_landsmeer", "h_amsterdam"):
            postgis_server.psql("postgres", f"CREATE ROLE {role} LOGIN")
        assert cli.main(["store", "grant", "h_landsmeer", "GM0415", "--store", owner_a]) == 0
        assert cli.main(["store", "grant", "h_amsterdam", "GM0363", "--store", owner_b]) == 0
    postgis_server.psql(db, "ANALYZE")  # as autovacuum's autoanalyze would, with every row of both
    return {"db": db, "owner_a": owner_a, "owner_b": owner_b,
            "amsterdam": postgis_server.url(db, user="h_amsterdam", gemeente=None)}


@pytest.fixture
def hostile(shared, postgis_server):
    """A psql-like session of Landsmeer's staff role (autocommit off: each test's changes are rolled back)."""
    import psycopg

    con = psycopg.connect(f"host={postgis_server.sock} port={postgis_server.port} dbname={shared['db']} "
                          "user=h_landsmeer")
    yield con
    con.rollback()
    con.close()


def _everything(con, sql="SELECT * FROM admins") -> str:
    """All rows the statements (``;``-separated, the last a query) give, as one text; an error is an
    empty answer (nothing was shown)."""
    import psycopg

    *first, last = [part for part in sql.split("; ") if part.strip()]
    try:
        with con.transaction():
            for statement in first:
                con.execute(statement)
            return repr(con.execute(last).fetchall())
    except psycopg.Error:
        return ""


def _nothing_of_amsterdam(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text, marker


def _amsterdam_unchanged(shared) -> None:
    from planner.register.store import Store

    st = Store(shared["amsterdam"])
    admins = st.table("admins")
    g90 = admins[admins["group_id"] == "G90"]
    assert g90[["name", "phone", "email"]].to_dict("records") == [AMSTERDAM] and len(admins) == 12
    events = st.table("group_events")
    g90 = events[events["group_id"] == "G90"]
    assert list(g90["event"]) == ["added"] and list(g90["reason"]) == ["Amsterdam-Noord erbij"]


TABLES = ("admins", "groups", "group_events", "requests", "request_events", "decisions", "store_meta")


def test_the_staff_role_sees_its_own_register_and_nothing_of_the_other(hostile):
    with hostile.transaction():
        assert hostile.execute("SELECT count(*) FROM admins").fetchone()[0] > 0  # its own admins
    for table in TABLES:
        _nothing_of_amsterdam(_everything(hostile, f"SELECT * FROM {table}"))


def test_temporary_tables_shadowing_the_mapping_show_nothing(hostile, shared):
    with hostile.transaction():
        for name in ("planner_staff", "staff", "writers"):
            hostile.execute(f"CREATE TEMP TABLE {name} (role name, gemeente text)")
            hostile.execute(f"INSERT INTO {name} VALUES (current_user, '*'), (current_user, 'GM0363')")
        hostile.execute("SET search_path = pg_temp, planner_acl, public")
        hostile.execute("SET planner.gemeente = 'GM0363'")
    for table in TABLES:
        _nothing_of_amsterdam(_everything(hostile, f"SELECT * FROM public.{table}"))
    with hostile.transaction():
        hostile.execute("RESET search_path")
        hostile.execute("SET planner.gemeente = '*'")
    _nothing_of_amsterdam(_everything(hostile))
    _amsterdam_unchanged(shared)


def test_temporary_functions_and_operators_shadowing_the_policy_show_nothing(hostile):
    with hostile.transaction():
        hostile.execute("CREATE FUNCTION pg_temp.gemeente() RETURNS text LANGUAGE sql AS $$ SELECT 'GM0363' $$")
        hostile.execute("CREATE FUNCTION pg_temp.staff_of(who name) RETURNS SETOF text LANGUAGE sql "
                        "AS $$ SELECT unnest(ARRAY['*', 'GM0363']) $$")
        hostile.execute("CREATE FUNCTION pg_temp.yes(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$")
        hostile.execute("CREATE OPERATOR pg_temp.= (LEFTARG = text, RIGHTARG = text, FUNCTION = pg_temp.yes)")
        hostile.execute("SET search_path = pg_temp, planner_acl, public, pg_catalog")
        hostile.execute("SET planner.gemeente = 'GM0363'")
    for table in TABLES:
        _nothing_of_amsterdam(_everything(hostile, f"SELECT * FROM public.{table}"))


def test_setting_every_setting_the_policies_read_shows_nothing(hostile):
    for value in ("GM0363", "*", "GM0363,GM0415", "", "gm0363", "GM0363 "):
        with hostile.transaction():
            hostile.execute("SELECT set_config('planner.gemeente', %s, false)", (value,))
        _nothing_of_amsterdam(_everything(hostile))
    for sql in ("SET row_security = off", "SET session_replication_role = replica", "SET ROLE planner",
                "SET ROLE h_amsterdam", "SET SESSION AUTHORIZATION planner"):
        answer = _everything(hostile, f"{sql}; SELECT * FROM admins")
        _nothing_of_amsterdam(answer)


def test_views_functions_and_copy_show_nothing(hostile):
    with hostile.transaction():
        hostile.execute("SET planner.gemeente = 'GM0363'")
        hostile.execute("CREATE TEMP VIEW alles AS SELECT * FROM public.admins")
        hostile.execute("CREATE FUNCTION pg_temp.lek() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER "
                        "AS $$ SELECT name || phone || email FROM public.admins $$")
    _nothing_of_amsterdam(_everything(hostile, "SELECT * FROM alles"))
    _nothing_of_amsterdam(_everything(hostile, "SELECT pg_temp.lek()"))
    for what in ("admins", "(SELECT * FROM admins)", "requests", "group_events"):
        with hostile.cursor() as cur:
            with cur.copy(f"COPY {what} TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
        hostile.rollback()
        _nothing_of_amsterdam(data.decode())


def test_the_mapping_table_is_readable_only_as_ones_own_rows(hostile):
    import psycopg

    for sql in ("SELECT * FROM planner_acl.staff", "SELECT * FROM planner_acl.erasures"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with hostile.transaction():
                hostile.execute(sql)
    assert _everything(hostile, "SELECT * FROM planner_acl.writers") in ("", "[('GM0415',)]", "[]")
    ask = "SELECT planner_acl.staff_of(%s)"
    with hostile.transaction():
        assert hostile.execute(ask, ("h_landsmeer",)).fetchall() == [("GM0415",)]
        assert hostile.execute(ask, ("h_amsterdam",)).fetchall() == []  # not its role: nothing
        assert hostile.execute(ask, ("planner",)).fetchall() == []


def test_writes_that_change_gemeente_or_forge_history_are_refused(hostile, shared):
    import psycopg

    attempts = [
        "UPDATE admins SET gemeente = 'GM0363'",
        "INSERT INTO admins (gemeente, group_id, name) VALUES ('GM0363', 'G90', 'erbij')",
        "INSERT INTO group_events (gemeente, group_id, event, at, event_date, reason) VALUES "
        "('GM0363', 'G90', 'removed', 'x', '2026-10-01', 'vervalst')",
        "SET planner.gemeente = 'GM0363'; INSERT INTO group_events (group_id, event, at, event_date) "
        "VALUES ('G90', 'removed', 'x', '2026-10-01')",
        "COPY group_events (gemeente, group_id, event, at, event_date) FROM STDIN",
    ]
    for sql in attempts:
        with pytest.raises(psycopg.Error):
            with hostile.transaction():
                hostile.execute(sql)
    with hostile.transaction():
        hostile.execute("SET planner.gemeente = 'GM0363'")
        assert hostile.execute("UPDATE admins SET name = 'gekaapt' WHERE group_id = 'G90'").rowcount == 0
        assert hostile.execute("DELETE FROM admins WHERE gemeente = 'GM0363'").rowcount == 0
        assert hostile.execute("DELETE FROM groups WHERE group_id = 'G90'").rowcount == 0
    _amsterdam_unchanged(shared)


def test_pg_dump_as_the_staff_role_holds_nothing_of_the_other_municipality(hostile, shared, postgis_server):
    base = [*postgis_server.as_user, f"{postgis_server.bindir}/pg_dump", "-h", str(postgis_server.sock),
            "-p", str(postgis_server.port), "-U", "h_landsmeer", "-d", shared["db"]]
    for extra in ([], ["--enable-row-security"], ["--enable-row-security", "-n", "public"],
                  ["--enable-row-security", "-t", "admins", "-t", "requests"]):
        done = subprocess.run([*base, *extra], capture_output=True, text=True, timeout=120)
        _nothing_of_amsterdam(done.stdout)


def test_statistics_keep_nothing_of_personal_or_home_columns(hostile, shared, postgis_server):
    listed = ", ".join(f"('{t}', '{c}')" for t, cols in NO_STATISTICS.items() for c in cols)
    kept = postgis_server.psql(shared["db"], "SELECT count(*) FROM pg_statistic s JOIN pg_attribute a ON "
                               "a.attrelid = s.starelid AND a.attnum = s.staattnum WHERE (s.starelid::regclass::text, "
                               f"a.attname::text) IN ({listed})").stdout
    assert kept.split()[2] == "0", kept
    with hostile.transaction():
        assert hostile.execute("SELECT count(*) FROM pg_stats WHERE tablename IN ('admins', 'requests')"
                               ).fetchone()[0] == 0
        assert hostile.execute("SELECT ST_EstimatedExtent('requests', 'geom')").fetchone()[0] is None
    for sql in ("SELECT * FROM pg_statistic", "SELECT * FROM pg_stats_ext",
                "SELECT * FROM pg_stats WHERE tablename = 'groups'",
                "SELECT _postgis_stats('requests', 'geom')"):
        _nothing_of_amsterdam(_everything(hostile, sql))


def test_store_grant_refuses_public_unknown_and_superuser_roles(shared, capsys, monkeypatch):
    monkeypatch.setenv("PLANNER_NOW", REGISTER_NOW)
    for role in ("public", "PUBLIC", "nosuchrole", "postgres", "pg_read_all_data"):
        code, _, err = run_json(capsys, "store", "grant", role, "GM0415", "--store", shared["owner_a"])
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, (role, err)
        assert "interne fout" not in err
    code, _, err = run_json(capsys, "store", "grant", "h_landsmeer", "*", "--store", shared["owner_a"])
    assert code == 2 and "ongeldige code" in err

