"""The register on PostgreSQL + PostGIS: a shared register for a team or a region.

``--store postgresql://USER@HOST:PORT/DB?gemeente=GM0415`` (or the same in
``$PLANNER_STORE``, or a libpq ``key=value`` string with ``gemeente=``)
keeps the register's layers as PostGIS tables in EPSG:28992 with GiST
indexes (QGIS opens them directly; ``requests`` has none, see below). Every
row carries its ``gemeente``; row-level security (forced, also for the
owner) lets a role see and change only the rows of the municipalities it is
mapped to (``*``: all, for the owner that created the schema). The gemeente
of a connection is the URL's ``gemeente`` parameter (the setting
``planner.gemeente``, also when set with ``options=-c``), or the only one
its role is mapped to (so QGIS needs no setting for a staff role).
Superusers are refused: row-level security does not bind them.

Against a hostile colleague with ``psql``: everything the policies use lives
in the schema ``planner_acl`` (owned by the register's owner) and is named
with its schema; every function has ``SET search_path = pg_catalog,
pg_temp``, so no temporary table, function or operator can stand in for it.
The mapping (``planner_acl.staff``) is closed to PUBLIC and read only
through the ``SECURITY DEFINER`` function ``planner_acl.staff_of(role)``,
which answers only for a role the session may act as. ANALYZE keeps no
statistics of personal, home-location and staff free-text columns
(:data:`NO_STATISTICS`), and ``requests`` has no GiST index (PostGIS's
``ST_EstimatedExtent`` reads an index's root, which covers every
municipality). ``store grant`` refuses PUBLIC, unknown, superuser and
``pg_*`` roles. ``store check`` compares all of it with what was installed.

The history tables are append-only (PL/pgSQL triggers raise on UPDATE,
DELETE and TRUNCATE). A write transaction first locks its gemeente's row of
``planner_acl.writers`` (``SELECT ... FOR UPDATE``; the row is under
row-level security, so only that municipality's roles can hold it), so
writers of one municipality queue exactly as sqlite's ``BEGIN IMMEDIATE``
makes them queue (no lost update); one that waits longer than the busy
timeout stops with "de opslag is bezet" (busy timeout 0: ``NOWAIT``).
Schema changes lock ``planner_acl.staff``, which only its owner may lock.
Readers get a ``REPEATABLE READ READ ONLY`` snapshot. An erasure (``DELETE``
or overwrite of admins) is followed by ``VACUUM (FULL, VERBOSE)`` of the
table, outside the transaction, so the dead row versions leave the table's
data file too; when that cannot be done now (the role does not own the
table, a reader holds it, an open transaction can still see the old rows)
the command says so in one warning and the table is recorded in
``planner_acl.erasures``: the owner's next write or ``store check``
completes it. The write-ahead log keeps the old values until its segments
are recycled.

The SQL of the register modules is written for sqlite; :class:`PgConnection`
runs it here: ``?`` placeholders, GeoPackage geometry blobs as parameters
(sent as EWKB), geometries read back as hex EWKB (read by
:func:`planner.store_schema.from_blobs`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

import shapely

from planner.errors import InputError, StoreBusyError, StoreError
from planner.register.schema import APPEND_ONLY, LAYERS, SCHEMA_VERSION, SPATIAL, SRS_ID

URL_SCHEMES = ("postgresql", "postgres")
ALL = "*"  # planner_acl.staff.gemeente: every municipality (the owner)
GEMEENTE_CODE = re.compile(r"[A-Za-z0-9_.-]{1,40}")


# libpq's "key=value" connection string (psql "host=db dbname=registers user=gis"), also accepted.
_CONNINFO = re.compile(r"^\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|options|"
                       r"connect_timeout|application_name|target_session_attrs|gemeente)\s*=", re.IGNORECASE)
_GEMEENTE_KEY = re.compile(r"(?:^|\s)gemeente\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
EXAMPLE_URL = "postgresql://gebruiker@server:5432/database?gemeente=GM0415"


def is_url(value) -> bool:
    """Is ``value`` a PostgreSQL register: a ``postgresql://...`` URL or a ``key=value`` connection string?"""
    if isinstance(value, Location):
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    return ("://" in text and text.split("://", 1)[0].lower() in URL_SCHEMES) or bool(_CONNINFO.match(text))


def _query_pairs(query: str) -> list[tuple[str, str, str]]:
    """``(key, value, raw)`` of each ``key=value`` in a URL query; the raw text is passed on as given."""
    out = []
    for raw in filter(None, query.split("&")):
        key, _, value = raw.partition("=")
        out.append((unquote(key), unquote(value), raw))
    return out


class Location:
    """A register on a PostgreSQL server: the URL (or ``key=value`` string) without ``gemeente``, and the
    gemeente.

    ``str()`` never shows the password; every other part is passed to libpq exactly as given (no
    re-encoding: ``options=-c%20planner.gemeente%3DGM0415`` works as in psql). A malformed URL is an
    :class:`InputError` that does not repeat it (it may hold a password).
    """

    def __init__(self, url: str):
        url = str(url.url if isinstance(url, Location) else url).strip()
        self.url = url
        if _CONNINFO.match(url) and "://" not in url.split("=", 1)[0]:
            self._from_keywords(url)
        else:
            self._from_url(url)
        self.name = self._shown

    def _from_url(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  (checks the port)
        except ValueError as exc:
            raise InputError(f"⟨store⟩/PLANNER_STORE: ongeldige PostgreSQL-URL ({str(exc)[:80]}); schrijf bijv. "
                             f"{EXAMPLE_URL} (een IPv6-adres tussen [ ])") from None
        pairs = _query_pairs(parts.query)
        self.gemeente = next((v.strip() for k, v, _ in pairs if k == "gemeente"), "") or None
        rest = "&".join(raw for k, _, raw in pairs if k != "gemeente")
        self.conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0] + "@" if len(netloc) == 2 else ""
        secret = [parts.password] if parts.password else []
        secret += [v for k, v, raw in pairs if k == "password"] + [raw for k, _, raw in pairs if k == "password"]
        self.passwords = [p for p in secret + [unquote(p) for p in secret] if p]
        shown = "&".join(raw for k, _, raw in pairs if k != "password")
        self._shown = urlunsplit((parts.scheme, user + netloc[-1], parts.path, shown, ""))

    def _from_keywords(self, text: str) -> None:
        found = _GEMEENTE_KEY.search(text)
        self.gemeente = found.group(1).strip("'").strip() if found else None
        rest = (text[:found.start()] + " " + text[found.end():]).strip() if found else text
        try:
            from psycopg.conninfo import conninfo_to_dict, make_conninfo
            keys = conninfo_to_dict(rest)
        except Exception:  # noqa: BLE001  (psycopg's parse error would repeat the string, password and all)
            raise InputError("⟨store⟩/PLANNER_STORE: ongeldige verbindingsreeks; schrijf 'host=... dbname=... "
                             f"user=... gemeente=GM0415' of een URL als {EXAMPLE_URL}") from None
        self.conninfo = rest
        self.passwords = [str(keys["password"])] if keys.get("password") else []
        self._shown = make_conninfo(**{k: v for k, v in keys.items() if k != "password"}) + (
            f" gemeente={self.gemeente}" if self.gemeente else "")

    def __str__(self) -> str:
        return self._shown

    def __repr__(self) -> str:
        return f"Location({self._shown!r})"

    def __fspath__(self):  # a location is no file: refuse file operations loudly
        raise TypeError("a PostgreSQL register has no file path")

    def exists(self) -> bool:
        """A server named explicitly is meant to be used; opening it checks the register."""
        return True

    def scrub(self, text: str) -> str:
        """``text`` without any password (libpq never prints one; this makes sure): from the URL, the
        ``key=value`` string or ``$PGPASSWORD``."""
        import os

        for secret in sorted(set(self.passwords + [os.environ.get("PGPASSWORD") or ""]), key=len, reverse=True):
            if secret:
                text = text.replace(secret, "***")
        return re.sub(r"password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", "password=***", text, flags=re.IGNORECASE)


# ----------------------------------------------------------------- connecting


def _psycopg():
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency of the planner
        raise StoreError("PostgreSQL-register vraagt het pakket psycopg (pip install 'psycopg[binary]')") from None
    return psycopg


def connect(loc: Location, *, timeout: float):
    """A :class:`PgConnection` (autocommit; the caller begins) acting for ``loc.gemeente``."""
    psycopg = _psycopg()
    try:
        raw = psycopg.connect(loc.conninfo, autocommit=True, connect_timeout=max(int(timeout), 2),
                              application_name="planner")
    except psycopg.Error as exc:
        raise connect_error(loc, exc) from None
    con = PgConnection(raw, loc)
    try:
        if con.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            raise StoreError(f"{loc}: verbind niet als superuser: de row-level security die de gemeenten van elkaar "
                             "scheidt geldt niet voor superusers; gebruik een eigen rol (zie README, 'Shared "
                             "register')")
        con.set_gemeente(loc.gemeente)
    except BaseException:
        raw.close()
        raise
    return con


def connect_error(loc: Location, exc) -> StoreError:
    text = loc.scrub(" ".join(str(exc).split()))
    low = text.lower()
    if "connection info string" in low or "invalid" in low and ("uri" in low or "option" in low or "integer" in low):
        why = "ongeldige verbindingsgegevens"
    elif "password" in low or "authentication" in low or "role" in low and "does not exist" in low:
        why = "inloggen geweigerd (gebruiker of wachtwoord onjuist)"
    elif "database" in low and "does not exist" in low:
        why = "de database bestaat niet"
    else:
        why = "de server is niet bereikbaar"
    return StoreError(f"{loc}: {why} ({text[:200]}); controleer ⟨store⟩ of PLANNER_STORE")


_PARAM = re.compile(r"\?")
_CONFLICT = re.compile(r"ON CONFLICT \((\w+)\)")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """sqlite SQL of the register modules as psycopg SQL (placeholders, per-gemeente keys)."""
    sql = sql.replace("%", "%%")
    sql = _PARAM.sub("%s", sql)
    return _CONFLICT.sub(r"ON CONFLICT (gemeente, \1)", sql)


def _param(value):
    """A GeoPackage geometry blob becomes EWKB (with SRID 28992), NaN NULL; anything else is passed as is."""
    if isinstance(value, (bytes, memoryview)) and bytes(value[:2]) == b"GP":
        blob = bytes(value)
        flags = blob[3]
        offset = 8 + 8 * {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}[(flags >> 1) & 0b111]
        geom = shapely.from_wkb(blob[offset:])
        return shapely.to_wkb(shapely.set_srid(geom, SRS_ID), include_srid=True, output_dimension=2)
    if isinstance(value, float) and value != value:  # NaN is NULL, as sqlite stores it
        return None
    return value


class PgConnection:
    """A psycopg connection that runs the register's sqlite-flavoured SQL."""

    backend = "postgresql"

    def __init__(self, raw, loc: Location):
        self.raw = raw
        self.loc = loc
        self.gemeente = None

    def execute(self, sql: str, params=()):
        cur = self.raw.cursor()
        cur.execute(translate(sql), tuple(_param(p) for p in params))
        return cur

    def executemany(self, sql: str, rows):
        cur = self.raw.cursor()
        rows = [tuple(_param(p) for p in r) for r in rows]
        if rows:
            cur.executemany(translate(sql), rows)
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != 0  # IDLE

    def close(self) -> None:
        self.raw.close()

    def set_gemeente(self, gemeente: str | None) -> None:
        """Act for ``gemeente`` (or the only one this role is mapped to)."""
        if not gemeente:
            rows = []
            given = self.execute("SELECT current_setting('planner.gemeente', true)").fetchone()[0]
            if given:  # set for the session, e.g. options=-c planner.gemeente=GM0415 in the URL or service
                rows = [given]
            elif self.execute(f"SELECT to_regprocedure('{ACL}.staff_of(name)')").fetchone()[0]:
                rows = [r[0] for r in self.execute(f"SELECT g FROM {ACL}.staff_of(current_user) g "
                                                   "WHERE g != '*' ORDER BY g")]
            if len(rows) != 1:
                raise InputError(f"{self.loc}: geef de gemeente in de URL, bijv. {self.loc.conninfo}?gemeente=GM0415 "
                                 "(een PostgreSQL-register kan meerdere gemeenten bevatten)")
            gemeente = rows[0]
        if not GEMEENTE_CODE.fullmatch(gemeente):
            raise InputError(f"gemeente {gemeente[:40]!r}: ongeldige code; gebruik bijv. GM0415")
        self.execute("SELECT set_config('planner.gemeente', ?, false)", (gemeente,))
        self.gemeente = gemeente


def error_of(exc, loc: Location):
    """The planner error for a psycopg error (None: a bug, not the register)."""
    psycopg = _psycopg()
    e = psycopg.errors
    text = loc.scrub(" ".join(str(exc).split()))
    if isinstance(exc, (e.LockNotAvailable, e.DeadlockDetected, e.SerializationFailure, e.QueryCanceled)):
        from planner import settings
        return StoreBusyError(f"{loc}: de opslag is bezet door een ander proces; probeer het zo opnieuw "
                              f"(wachttijd PLANNER_BUSY_TIMEOUT, nu {settings.busy_timeout():g} s)")
    if isinstance(exc, (e.IntegrityError, e.RaiseException)):
        return InputError(f"{loc}: wijziging geweigerd ({text[:300]})")
    if isinstance(exc, e.InsufficientPrivilege):
        return StoreError(f"{loc}: geen rechten voor deze wijziging ({text[:200]}); vraag de beheerder van de "
                          "database om rechten (er is niets gewijzigd)")
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(f"{loc}: verbinding met de server verbroken of geweigerd ({text[:200]}); er is niets "
                          "gewijzigd wat niet was vastgelegd")
    return None


# ----------------------------------------------------------------- the schema


def _split_columns(columns: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in columns:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return out + [cur.strip()] if cur.strip() else out


def table_sql(name: str, gtype: str | None, columns: str) -> str:
    """``CREATE TABLE`` of one layer on PostgreSQL: ``fid``, ``gemeente``, ``geom`` and the sqlite columns."""
    cols, unique = [], []
    for col in _split_columns(columns):
        col = col.replace("DOUBLE", "double precision").replace("BOOLEAN NOT NULL DEFAULT 0", "integer NOT NULL DEFAULT 0")
        if " UNIQUE" in col:
            col = col.replace(" UNIQUE", "")
            unique.append(col.split()[0])
        cols.append(col)
    geom = [f"geom geometry({gtype}, {SRS_ID})"] if gtype else []
    keys = [f"UNIQUE (gemeente, {c})" for c in unique]
    return (f"CREATE TABLE {name} (fid bigint GENERATED BY DEFAULT AS IDENTITY, "
            f"gemeente text NOT NULL DEFAULT {ACL}.gemeente(), "
            + ", ".join(geom + cols + ["PRIMARY KEY (gemeente, fid)"] + keys) + ")")


# Everything the row-level security relies on lives in its own schema, owned by the role that made
# the register, and is named with its schema everywhere: no temporary table, function or operator of
# another role can stand in for it. Every function runs with a fixed search_path (pg_catalog first,
# pg_temp last, which PostgreSQL never searches for functions or operators).
ACL = "planner_acl"
STAFF_TABLE = f"{ACL}.staff"      # role -> gemeente; readable only through planner_acl.staff_of()
WRITERS_TABLE = f"{ACL}.writers"  # one row per gemeente: its writers queue on it (SELECT ... FOR UPDATE)
ERASURES_TABLE = f"{ACL}.erasures"  # tables whose erased rows still wait for VACUUM FULL
SAFE_PATH = "SET search_path = pg_catalog, pg_temp"
GEMEENTE_SQL = f"(SELECT {ACL}.gemeente())"
POLICY_SQL = f"USING (gemeente = {GEMEENTE_SQL}) WITH CHECK (gemeente = {GEMEENTE_SQL})"

# The functions exactly as installed ('store check' compares them): name -> (arguments, result,
# security definer, body).
FUNCTIONS = {
    "staff_of": ("who name", "SETOF text", True, f"""
  SELECT s.gemeente FROM {STAFF_TABLE} s
  WHERE s.role OPERATOR(pg_catalog.=) who AND pg_catalog.pg_has_role(session_user, who, 'MEMBER')
"""),
    "gemeente": ("", "text", False, f"""
  SELECT CASE WHEN COALESCE(pg_catalog.current_setting('planner.gemeente', true), '') = '' THEN
    (SELECT pg_catalog.min(m) FROM {ACL}.staff_of(current_user) m WHERE m <> '*' HAVING pg_catalog.count(*) = 1)
  ELSE (SELECT pg_catalog.current_setting('planner.gemeente', true) FROM {ACL}.staff_of(current_user) m
        WHERE m IN (pg_catalog.current_setting('planner.gemeente', true), '*') LIMIT 1) END
"""),
    "append_only": ("", "trigger", False, """
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END
"""),
}


def function_sql(name: str) -> str:
    args, result, definer, body = FUNCTIONS[name]
    language = "plpgsql" if result == "trigger" else "sql"
    volatility = "" if result == "trigger" else " STABLE"
    security = " SECURITY DEFINER" if definer else ""
    return (f"CREATE OR REPLACE FUNCTION {ACL}.{name}({args}) RETURNS {result} LANGUAGE {language}{volatility}"
            f"{security} {SAFE_PATH} AS $planner${body}$planner$")


_ACL_SQL = [
    f"CREATE SCHEMA {ACL}",
    f"REVOKE ALL ON SCHEMA {ACL} FROM PUBLIC",
    f"GRANT USAGE ON SCHEMA {ACL} TO PUBLIC",  # to call the functions; every table in it is closed to PUBLIC
    f"CREATE TABLE {STAFF_TABLE} (role name NOT NULL, gemeente text NOT NULL, PRIMARY KEY (role, gemeente))",
    f"REVOKE ALL ON {STAFF_TABLE} FROM PUBLIC",
    function_sql("staff_of"),
    function_sql("gemeente"),
    function_sql("append_only"),
    f"REVOKE ALL ON FUNCTION {ACL}.append_only() FROM PUBLIC",
    f"CREATE TABLE {WRITERS_TABLE} (gemeente text PRIMARY KEY DEFAULT {ACL}.gemeente())",
    f"REVOKE ALL ON {WRITERS_TABLE} FROM PUBLIC",
    f"ALTER TABLE {WRITERS_TABLE} ENABLE ROW LEVEL SECURITY",
    f"ALTER TABLE {WRITERS_TABLE} FORCE ROW LEVEL SECURITY",
    f"CREATE POLICY writers_gemeente ON {WRITERS_TABLE} {POLICY_SQL}",
    f"CREATE TABLE {ERASURES_TABLE} (tbl text PRIMARY KEY, since timestamptz NOT NULL DEFAULT now())",
    f"REVOKE ALL ON {ERASURES_TABLE} FROM PUBLIC",
]

# Columns whose values are personal data, a home location or staff free text: ANALYZE keeps no
# statistics of them (pg_statistic, ST_EstimatedExtent), so nothing of them outlives an erasure there
# or shows another municipality's data to a staff role.
NO_STATISTICS = {
    "admins": ("name", "phone", "email"),
    "officers": ("name", "phone", "email"),
    "requests": ("geom", "preferred"),
    "proposals": ("geom",),
    "decisions": ("notes",),
    "sign_events": ("reason",),
    "request_events": ("reason", "detail"),
    "group_events": ("reason", "detail"),
}
# Layers without a spatial index: PostGIS's ST_EstimatedExtent reads the root of a GiST index, which
# covers the rows of every municipality; request points may be homes.
NO_SPATIAL_INDEX = ("requests",)
INDEXED = tuple(t for t in SPATIAL if t not in NO_SPATIAL_INDEX)

_INDEXES = [
    "CREATE INDEX admins_group ON admins(gemeente, group_id)",
    "CREATE INDEX sign_events_sign ON sign_events(gemeente, sign_id)",
    "CREATE INDEX proposals_request ON proposals(gemeente, request_id)",
    "CREATE INDEX request_events_request ON request_events(gemeente, request_id)",
    "CREATE INDEX group_events_group ON group_events(gemeente, group_id)",
    "CREATE UNIQUE INDEX request_events_resolved_once ON request_events(gemeente, request_id) "
    "WHERE event = 'resolved'",
]


def has_schema(con) -> bool:
    return bool(con.execute(f"SELECT to_regclass('store_meta') IS NOT NULL AND to_regclass('{STAFF_TABLE}') "
                            "IS NOT NULL").fetchone()[0])


def append_only_triggers() -> dict[str, tuple[str, str, str]]:
    """Trigger name -> (table, event, message) of every append-only trigger on PostgreSQL."""
    out = {}
    for table, noun in APPEND_ONLY.items():
        for what, verb in (("update", "gewijzigd"), ("delete", "gewist"), ("truncate", "gewist")):
            out[f"{table}_append_only_{what}"] = (table, what.upper(), f"de geschiedenis van {noun} kan niet "
                                                                        f"worden {verb}")
    return out


def create_schema(con) -> None:
    """Create the register's tables, triggers, spatial indexes and policies (inside a transaction)."""
    try:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except Exception as exc:  # noqa: BLE001  (re-raised as a clear error)
        raise StoreError(f"{con.loc}: PostGIS ontbreekt en kan niet worden aangemaakt ({str(exc)[:150]}); "
                         "installeer postgis (Debian: postgresql-15-postgis-3) of vraag de beheerder om "
                         "'CREATE EXTENSION postgis'") from None
    for statement in _ACL_SQL:
        con.execute(statement)
    con.execute(f"INSERT INTO {STAFF_TABLE} (role, gemeente) VALUES (current_user, '*') ON CONFLICT DO NOTHING")
    for name, gtype, description, columns in LAYERS:
        con.execute(table_sql(name, gtype, columns))
        con.execute(f"REVOKE ALL ON {name} FROM PUBLIC")
        con.execute(f"COMMENT ON TABLE {name} IS '{description}'")
        if name in INDEXED:
            con.execute(f"CREATE INDEX {name}_geom ON {name} USING gist (geom)")
        con.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        con.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        con.execute(f"CREATE POLICY {name}_gemeente ON {name} {POLICY_SQL}")
        for column in NO_STATISTICS.get(name, ()):
            con.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET STATISTICS 0")
    for trigger, (table, event, message) in append_only_triggers().items():
        each = "STATEMENT" if event == "TRUNCATE" else "ROW"
        con.execute(f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH {each} "
                    f"EXECUTE FUNCTION {ACL}.append_only('{message}')")
    for statement in _INDEXES:
        con.execute(statement)



def grant(con, role: str, gemeente: str) -> None:
    """Let ``role`` (an existing PostgreSQL role) read and change the register of ``gemeente`` only.

    Refused: PUBLIC (every role), an unknown role, a predefined ``pg_*`` role, a superuser or a role
    that bypasses row-level security, and a gemeente code that is no code.
    """
    _psycopg()
    from psycopg import sql as psql
    role = str(role)
    if not GEMEENTE_CODE.fullmatch(str(gemeente)):
        raise InputError(f"gemeente {str(gemeente)[:40]!r}: ongeldige code; gebruik bijv. GM0415")
    if role.strip().strip('"').lower() == "public":
        raise InputError("store grant: PUBLIC is iedere rol in de database; geef één rol per medewerker of team, "
                         "bijv. 'planner store grant medewerker_landsmeer GM0415'")
    if any(ch < " " for ch in role) or not role.strip() or len(role) > 63:
        raise InputError(f"store grant: ongeldige rolnaam {role[:63]!r}")
    row = con.execute("SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = ?", (role,)).fetchone()
    if row is None:
        raise InputError(f"store grant: rol {role!r} bestaat niet in deze database-server; maak haar eerst "
                         f"(bijv. CREATE ROLE {psql.Identifier(role).as_string(con.raw)} LOGIN) en geef dan rechten")
    if row[0] or role.startswith("pg_"):
        raise InputError(f"store grant: rol {role!r} is een superuser, omzeilt row-level security of is een "
                         "ingebouwde rol; geef rechten aan een gewone rol")
    ident = psql.Identifier(role).as_string(con.raw)
    tables = ", ".join(name for name, *_ in LAYERS)
    con.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {ident}")
    sequences = ", ".join(r[0] for r in con.execute(
        "SELECT pg_catalog.pg_get_serial_sequence(quote_ident(current_schema()) || '.' || t, 'fid') "
        "FROM unnest(?::text[]) t", ([name for name, *_ in LAYERS],)))
    con.execute(f"GRANT USAGE ON SEQUENCE {sequences} TO {ident}")
    con.execute(f"GRANT SELECT, INSERT, UPDATE ON {WRITERS_TABLE} TO {ident}")
    con.execute(f"GRANT INSERT ON {ERASURES_TABLE} TO {ident}")
    con.execute(f"INSERT INTO {STAFF_TABLE} (role, gemeente) VALUES (?, ?) ON CONFLICT DO NOTHING", (role, gemeente))


# ----------------------------------------------------------------- transactions


def lock_timeout(busy_timeout: float) -> str:
    """``lock_timeout`` for a busy timeout in seconds: never 0 (which is "wait forever" in PostgreSQL)."""
    return f"{max(1, round(busy_timeout * 1000))}ms"


def queue_writers(con, *, nowait: bool) -> None:
    """Wait for the gemeente's earlier writers: lock its row of ``planner_acl.writers`` (``FOR UPDATE``).

    The row is under row-level security: only roles mapped to the gemeente can see it, so only they
    can hold its writers up (no advisory lock that any role can take). ``nowait``: fail at once.
    Nothing to do in a database without a register yet (``init`` creates it).
    """
    if not con.execute(f"SELECT to_regclass('{WRITERS_TABLE}') IS NOT NULL").fetchone()[0]:
        return
    gemeente = con.execute(f"SELECT {ACL}.gemeente()").fetchone()[0]
    if gemeente is None:  # not mapped to it: the policies refuse every change anyway
        return
    con.execute(f"INSERT INTO {WRITERS_TABLE} (gemeente) VALUES (?) ON CONFLICT DO NOTHING", (gemeente,))
    con.execute(f"SELECT 1 FROM {WRITERS_TABLE} WHERE gemeente = ? FOR UPDATE{' NOWAIT' if nowait else ''}",
                (gemeente,))


class SchemaRace(StoreBusyError):
    """Another ``init`` created the schema at the same moment; the caller tries once more."""


def prepare_register(con, *, nowait: bool) -> None:
    """For ``init`` and ``store copy``: the schema exists (created now in a database without one, or
    brought up to date by its owner) and this gemeente has no register yet. Inside the transaction."""
    psycopg = _psycopg()
    if not has_schema(con):
        if con.execute("SELECT to_regclass('store_meta') IS NOT NULL").fetchone()[0]:
            raise StoreError(f"{con.loc}: deze database heeft een planner-register zonder schema {ACL} "
                             "(van een oudere planner); open het eerst met de eigenaar ('planner store check')")
        try:
            con.execute("SAVEPOINT create_schema")
            create_schema(con)
            con.execute("RELEASE SAVEPOINT create_schema")
        except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema, psycopg.errors.DuplicateObject,
                psycopg.errors.DuplicateTable):
            raise SchemaRace(f"{con.loc}: een ander proces maakt tegelijk het register aan; probeer het zo "
                             "opnieuw") from None
        queue_writers(con, nowait=nowait)
    if stored_version(con) is not None:
        raise StoreError(f"{con.loc}: register van gemeente {con.gemeente} bestaat al; kies een andere gemeente "
                         "of database")


def lock_schema(con, *, nowait: bool) -> None:
    """Hold off every other schema change: a lock on the mapping table, which only its owner may take."""
    con.execute(f"LOCK TABLE {STAFF_TABLE} IN SHARE ROW EXCLUSIVE MODE{' NOWAIT' if nowait else ''}")


@contextmanager
def transaction(loc: Location, busy_timeout: float, *, create: bool = False):
    """One write transaction for the gemeente, after the writers before it (its row in planner_acl.writers).

    ``create``: for ``init`` and ``store copy`` (:func:`prepare_register`).
    Afterwards, erased personal data leaves the data files (:func:`finish_erasures`).
    """
    con = connect(loc, timeout=busy_timeout)
    try:
        with errors(loc):
            con.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            con.execute(f"SET LOCAL lock_timeout = '{lock_timeout(busy_timeout)}'")
            queue_writers(con, nowait=busy_timeout == 0)
            if create:
                prepare_register(con, nowait=busy_timeout == 0)
            con.vacuum = set()
            yield con
            con.execute("COMMIT")
        finish_erasures(con, con.vacuum, busy_timeout)
    finally:
        if con.in_transaction:
            try:
                con.execute("ROLLBACK")
            except Exception:  # noqa: BLE001  (closing rolls back as well)
                pass
        con.close()


# ----------------------------------------------------------------- erasure


def complete_erasures(loc: Location, busy_timeout: float):
    """``store check``: complete the pending erasures (the owner only); a :class:`Finding`."""
    from planner.register.check import Finding

    con = connect(loc, timeout=busy_timeout)
    try:
        with errors(loc):
            if not con.execute(f"SELECT to_regclass('{ERASURES_TABLE}') IS NOT NULL").fetchone()[0]:
                return Finding("gewiste gegevens", True, "geen wissingen bijgehouden")
            if not con.execute(f"SELECT has_table_privilege('{ERASURES_TABLE}', 'SELECT')").fetchone()[0]:
                return Finding("gewiste gegevens", True, "openstaande wissingen ziet en voltooit alleen de eigenaar "
                                                         "van het register")
            left = finish_erasures(con, set(), busy_timeout)
    finally:
        con.close()
    if left:
        return Finding("gewiste gegevens", False, f"oude waarden staan nog in het databasebestand van "
                                                  f"{', '.join(left)}; probeer het opnieuw als niemand de tabel "
                                                  "open heeft")
    return Finding("gewiste gegevens", True, "alle gewiste gegevens zijn ook uit de databasebestanden")


def _may_vacuum(con, table: str) -> bool:
    return bool(con.execute(
        "SELECT pg_catalog.pg_has_role(c.relowner, 'USAGE') OR pg_catalog.pg_has_role(d.datdba, 'USAGE') "
        "FROM pg_catalog.pg_class c, pg_catalog.pg_database d WHERE c.oid = to_regclass(?) "
        "AND d.datname = current_database()", (table,)).fetchone()[0])


_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")


def vacuum_full(con, table: str, busy_timeout: float) -> str:
    """``VACUUM FULL`` of ``table`` (outside a transaction): "" when every erased row version left its
    data file, else why not (in Dutch)."""
    psycopg = _psycopg()
    if not _may_vacuum(con, table):
        return "deze rol is niet de eigenaar van de tabel en mag haar niet herschrijven"
    notices = []
    con.raw.add_notice_handler(notices.append)
    try:
        con.execute(f"SET lock_timeout = '{lock_timeout(min(busy_timeout, 2.0))}'")  # never hang behind a reader
        con.execute(f"VACUUM (FULL, VERBOSE) {table}")
    except psycopg.errors.LockNotAvailable:
        return "een ander programma (bijv. QGIS of een open transactie) leest de tabel nu"
    except psycopg.Error as exc:
        return f"VACUUM FULL mislukt ({' '.join(str(exc).split())[:150]})"
    finally:
        con.raw.remove_notice_handler(notices.append)
    kept = sum(int(m.group(1)) for n in notices for m in [_KEPT.search(n.message_detail or "")] if m)
    if kept:
        return f"een open transactie kan {kept} oude versie(s) nog zien"
    return ""


def finish_erasures(con, erased, busy_timeout: float) -> list[str]:
    """After a commit: rewrite the tables whose personal data was erased (``erased``) and those whose
    erasure is still pending, so the old values leave the data files too. What cannot be done now is
    recorded in ``planner_acl.erasures`` (completed by the owner's next write or ``store check``) and
    said in one warning. Returns the tables still pending."""
    import logging

    if not con.execute(f"SELECT to_regclass('{ERASURES_TABLE}') IS NOT NULL").fetchone()[0]:
        return []
    owner = con.execute(f"SELECT has_table_privilege('{ERASURES_TABLE}', 'SELECT, DELETE')").fetchone()[0]
    pending = {r[0] for r in con.execute(f"SELECT tbl FROM {ERASURES_TABLE}")} if owner else set()
    left, why = [], ""
    for table in sorted(set(erased) | pending):
        start = con.execute("SELECT clock_timestamp()").fetchone()[0]
        problem = vacuum_full(con, table, busy_timeout)
        if problem:
            left.append(table)
            why = why or problem
            if table in erased:
                con.execute(f"INSERT INTO {ERASURES_TABLE} (tbl) VALUES (?) ON CONFLICT DO NOTHING", (table,))
        elif table in pending:
            con.execute(f"DELETE FROM {ERASURES_TABLE} WHERE tbl = ? AND since <= ?", (table, start))
    if left and set(erased) & set(left):
        logging.getLogger("planner").warning(
            "de gegevens zijn uit het register gewist, maar de oude waarden staan nog in het databasebestand van "
            f"{', '.join(left)} ({why}); dat is vastgelegd: de eigenaar van het register maakt het af met "
            "'planner store check' (of de volgende wijziging door de eigenaar)")
    return left


@contextmanager
def reading(loc: Location, busy_timeout: float):
    """A consistent read-only snapshot of the gemeente's register."""
    con = connect(loc, timeout=busy_timeout)
    try:
        with errors(loc):
            con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield con
    finally:
        if con.in_transaction:
            try:
                con.execute("ROLLBACK")
            except Exception:  # noqa: BLE001
                pass
        con.close()


@contextmanager
def errors(loc: Location):
    psycopg = _psycopg()
    try:
        yield
    except psycopg.Error as exc:
        err = error_of(exc, loc)
        if err is None:
            raise
        raise err from None


# ----------------------------------------------------------------- checks and reading


def stored_version(con) -> int | None:
    row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(str(row[0]).strip())
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------- older registers

OLD_STAFF_TABLE = "planner_staff"  # schema version 2: the mapping in the tables' schema, readable by PUBLIC
MIGRATABLE_PG = (2,)


def _old_layout(con) -> bool:
    return bool(con.execute(f"SELECT to_regclass('{OLD_STAFF_TABLE}') IS NOT NULL AND to_regclass('{STAFF_TABLE}') "
                            "IS NULL AND to_regclass('store_meta') IS NOT NULL").fetchone()[0])


def needs_upgrade(con) -> bool:
    """A register of schema version 2 (or its layout, before issue 21), to be brought up to date."""
    if _old_layout(con):
        return True
    return has_schema(con) and stored_version(con) in MIGRATABLE_PG


def upgrade(loc: Location, busy_timeout: float) -> None:
    """Bring a PostgreSQL register of schema version 2 to this planner's version, in one transaction.

    The schema-wide part (:func:`secure_old_layout`, :func:`migrate_v2_to_v4_pg`) is
    done once, by the owner of the tables, under the schema lock; then this gemeente's version. The
    other gemeenten follow when they are opened (any of their roles may do that part).
    """
    with transaction(loc, busy_timeout) as con:
        nowait = busy_timeout == 0
        if _old_layout(con) or not con.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'admins' AND column_name = 'officer_consent'").fetchone()[0]:
            if not _may_vacuum(con, "store_meta"):  # the tables' owner (or the database's)
                raise StoreError(f"{loc}: register heeft schemaversie 2 en moet eenmaal worden bijgewerkt naar "
                                 f"versie {SCHEMA_VERSION} door de eigenaar van de tabellen (de rol van de eerste "
                                 "'planner init'); laat die het register openen, bijv. met 'planner group list' "
                                 "(er is niets gewijzigd)")
            if _old_layout(con):
                con.execute(f"LOCK TABLE {OLD_STAFF_TABLE} IN SHARE ROW EXCLUSIVE MODE{' NOWAIT' if nowait else ''}")
                secure_old_layout(con)
            else:
                lock_schema(con, nowait=nowait)
            migrate_v2_to_v4_pg(con)
        queue_writers(con, nowait=nowait)
        con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version' AND value IN ('2')",
                    (SCHEMA_VERSION,))


def migrate_v2_to_v4_pg(con) -> None:
    """Version 2 -> 4 on PostgreSQL: the wards' CBS figures (version 3, population unknown until the
    wards are imported again) and ``admins.officer_consent`` (version 4; every admin so far: no)."""
    con.execute("ALTER TABLE wards ADD COLUMN IF NOT EXISTS population integer "
                "CHECK (population IS NULL OR population >= 0)")
    for column in ("wijk_code", "wijk_name", "gemeente_code"):
        con.execute(f"ALTER TABLE wards ADD COLUMN IF NOT EXISTS {column} text")
    con.execute("ALTER TABLE admins ADD COLUMN IF NOT EXISTS officer_consent integer NOT NULL DEFAULT 0")


def secure_old_layout(con) -> None:
    """The row-level security of a version-2 register rebuilt as :func:`create_schema` makes it: the
    mapping, functions, lock and erasure tables in ``planner_acl``, the defaults and policies naming
    them, the append-only triggers on its function, no PUBLIC rights, no statistics on personal
    columns, no spatial index on requests; the old mapping table and functions dropped. Statistics
    that ANALYZE kept before stay until the database's superuser removes them (README)."""
    for statement in _ACL_SQL:
        con.execute(statement)
    con.execute(f"INSERT INTO {STAFF_TABLE} (role, gemeente) SELECT role, gemeente FROM {OLD_STAFF_TABLE} "
                "ON CONFLICT DO NOTHING")
    for name, *_ in LAYERS:
        con.execute(f"ALTER TABLE {name} ALTER COLUMN gemeente SET DEFAULT {ACL}.gemeente()")
        con.execute(f"DROP POLICY IF EXISTS {name}_gemeente ON {name}")
        con.execute(f"CREATE POLICY {name}_gemeente ON {name} {POLICY_SQL}")
        con.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        con.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        con.execute(f"REVOKE ALL ON {name} FROM PUBLIC")
        for column in NO_STATISTICS.get(name, ()):
            con.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET STATISTICS 0")
    for name in NO_SPATIAL_INDEX:
        con.execute(f"DROP INDEX IF EXISTS {name}_geom")
    for trigger, (table, event, message) in append_only_triggers().items():
        each = "STATEMENT" if event == "TRUNCATE" else "ROW"
        con.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        con.execute(f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH {each} "
                    f"EXECUTE FUNCTION {ACL}.append_only('{message}')")
    roles = [r[0] for r in con.execute(f"SELECT DISTINCT role FROM {OLD_STAFF_TABLE} WHERE gemeente <> '*' "
                                       "AND role IN (SELECT rolname FROM pg_catalog.pg_roles)")]
    _psycopg()
    from psycopg import sql as psql
    for role in roles:
        ident = psql.Identifier(role).as_string(con.raw)
        con.execute(f"GRANT SELECT, INSERT, UPDATE ON {WRITERS_TABLE} TO {ident}")
        con.execute(f"GRANT INSERT ON {ERASURES_TABLE} TO {ident}")
    con.execute("DROP FUNCTION IF EXISTS planner_append_only()")
    con.execute("DROP FUNCTION IF EXISTS planner_gemeente()")
    con.execute(f"DROP TABLE {OLD_STAFF_TABLE}")


def check_opened(con, loc: Location) -> None:
    """The register of this gemeente exists and has this planner's schema version."""
    if not has_schema(con):
        raise StoreError(f"{loc}: geen planner-register in deze database; maak het met 'planner init --store URL'")
    version = stored_version(con)
    if version is None:
        raise StoreError(f"{loc}: register van gemeente {con.gemeente} bestaat niet (of deze gebruiker mag het niet "
                         "zien); maak het met 'planner init --store URL' of vraag om rechten")
    if version != int(SCHEMA_VERSION):
        raise StoreError(f"{loc}: register heeft schemaversie {version}, deze planner kent versie {SCHEMA_VERSION}; "
                         "gebruik de planner-versie waarmee het is gemaakt (er is niets gewijzigd)")


def columns(table: str) -> list[str]:
    """The columns of a layer as the GeoPackage has them (``fid``, ``geom``, ...; without ``gemeente``)."""
    from planner.register.check import expected_columns
    return list(expected_columns()[table])


def extent(con, table: str):
    row = con.execute(f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                      f"(SELECT ST_Extent(geom) AS e FROM {table}) x").fetchone()
    return None if row is None or row[0] is None else tuple(float(v) for v in row)


def _normal(sql) -> str:
    return " ".join(str(sql or "").split())


def check_security(con) -> list[str]:
    """Everything the isolation and the history's protection rest on, compared with what the planner
    installed: FORCE row-level security and the one policy (its expressions) per table, every
    append-only trigger (UPDATE, DELETE, TRUNCATE; enabled), the functions (body, SECURITY DEFINER,
    search_path), the gemeente defaults, no rights for PUBLIC, no statistics on personal columns.
    The problems found (empty: all as installed)."""
    problems = []
    schema = con.execute("SELECT current_schema()").fetchone()[0]
    tables = {name: f"{schema}.{name}" for name, *_ in LAYERS} | {"writers": WRITERS_TABLE}
    oids = {name: con.execute("SELECT to_regclass(?)::oid", (qualified,)).fetchone()[0]
            for name, qualified in tables.items()}
    expected = f"(gemeente = ( SELECT {ACL}.gemeente() AS gemeente))"
    for name, oid in oids.items():
        if oid is None:
            problems.append(f"tabel {tables[name]} ontbreekt")
            continue
        enabled, forced, acl = con.execute("SELECT relrowsecurity, relforcerowsecurity, relacl::text FROM "
                                           "pg_catalog.pg_class WHERE oid = ?", (oid,)).fetchone()
        if not (enabled and forced):
            problems.append(f"tabel {name}: row-level security staat uit of niet geforceerd (FORCE)")
        if acl and any(item.startswith("=") for item in acl.strip("{}").split(",")):
            problems.append(f"tabel {name}: PUBLIC (iedere rol) heeft rechten")
        policies = con.execute("SELECT polname, polcmd, polpermissive, polroles::text, pg_get_expr(polqual, polrelid), "
                               "pg_get_expr(polwithcheck, polrelid) FROM pg_catalog.pg_policy WHERE polrelid = ?",
                               (oid,)).fetchall()
        wanted = (f"{name}_gemeente", "*", True, "{0}", expected, expected)
        if [tuple(_normal(v) if isinstance(v, str) else v for v in p) for p in policies] != [wanted]:
            problems.append(f"tabel {name}: policies gewijzigd ({'; '.join(_normal(p[0]) + ': ' + _normal(p[4]) for p in policies) or 'geen'})")
        if name != "writers":
            default = con.execute("SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d JOIN "
                                  "pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                                  "WHERE d.adrelid = ? AND a.attname = 'gemeente'", (oid,)).fetchone()
            if default is None or _normal(default[0]) != f"{ACL}.gemeente()":
                problems.append(f"tabel {name}: standaardwaarde van gemeente gewijzigd")
        for column in NO_STATISTICS.get(name, ()):
            target = con.execute("SELECT attstattarget FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attname = ?",
                                 (oid, column)).fetchone()
            if target is None or target[0] != 0:
                problems.append(f"kolom {name}.{column}: statistieken worden bewaard (persoonsgegevens)")
    triggers = {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT tgname, tgenabled, pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger WHERE NOT tgisinternal "
        "AND tgrelid = ANY(?)", ([o for o in oids.values() if o is not None],))}
    for trigger, (table, event, message) in append_only_triggers().items():
        each = "STATEMENT" if event == "TRUNCATE" else "ROW"
        want = (f"CREATE TRIGGER {trigger} BEFORE {event} ON {schema}.{table} FOR EACH {each} EXECUTE FUNCTION "
                f"{ACL}.append_only('{message}')")
        if trigger not in triggers:
            problems.append(f"trigger {trigger} ontbreekt (geschiedenis niet beschermd)")
        elif triggers[trigger][0] not in ("O", "A"):
            problems.append(f"trigger {trigger} staat uit (geschiedenis niet beschermd)")
        elif _normal(triggers[trigger][1]) != want:
            problems.append(f"trigger {trigger} gewijzigd")
    functions = {}
    for name, args, body, definer, config in con.execute(
            "SELECT proname, pg_get_function_identity_arguments(oid), prosrc, prosecdef, proconfig::text "
            "FROM pg_catalog.pg_proc WHERE pronamespace = to_regnamespace(?)", (ACL,)):
        functions.setdefault(name, []).append((args, body, definer, config))
    for name, (args, _result, definer, body) in FUNCTIONS.items():
        want = [(args, body, definer, '{"search_path=pg_catalog, pg_temp"}')]
        if functions.get(name) != want:
            problems.append(f"functie {ACL}.{name} gewijzigd of ontbreekt (de isolatie van de gemeenten hangt ervan af)")
    problems += [f"onbekende functie {ACL}.{name}" for name in functions if name not in FUNCTIONS]
    acl = con.execute("SELECT relacl::text FROM pg_catalog.pg_class WHERE oid = to_regclass(?)",
                      (STAFF_TABLE,)).fetchone()
    if acl is None:
        problems.append(f"tabel {STAFF_TABLE} ontbreekt")
    elif acl[0] and any(item.startswith("=") for item in acl[0].strip("{}").split(",")):
        problems.append(f"tabel {STAFF_TABLE}: PUBLIC (iedere rol) kan de koppeling van rollen aan gemeenten lezen")
    return problems


def check_register(con, loc: Location):
    """``planner store check`` on PostgreSQL: PostGIS, tables, triggers, policies, geometries, dates."""
    from planner.register.check import (
        DATE_COLUMNS,
        Finding,
        missing_parts_pg,
        valid_date,
    )
    out = []

    def add(check, problems, ok_detail=""):
        out.append(Finding(check, not problems, "; ".join(problems[:5]) if problems else ok_detail))

    version = con.execute("SELECT postgis_lib_version()").fetchone()[0]
    add("PostGIS", [], f"versie {version}")
    missing = missing_parts_pg(con)
    v = stored_version(con)
    if v != int(SCHEMA_VERSION):
        missing.append(f"schemaversie {v}, verwacht {SCHEMA_VERSION}")
    add("planner: schema", missing, f"versie {SCHEMA_VERSION}, gemeente {con.gemeente}")
    add("beveiliging: row-level security, triggers, functies, rechten", check_security(con),
        "zoals de planner ze heeft ingericht")
    problems = []
    geo = {r[0]: (r[1].upper(), r[2]) for r in con.execute(
        "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = current_schema()")}
    for table, gtype in SPATIAL.items():
        if geo.get(table) != (gtype, SRS_ID):
            problems.append(f"{table}: verwacht {gtype} in EPSG:{SRS_ID}, staat als {geo.get(table)}")
    idx = {r[0] for r in con.execute("SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING gist%'")}
    problems += [f"{t}: ruimtelijke index ontbreekt" for t in INDEXED if t not in idx]
    problems += [f"{t}: ruimtelijke index toont de omvang van alle gemeenten" for t in NO_SPATIAL_INDEX if t in idx]
    add("PostGIS: geometriekolommen en ruimtelijke indexen", problems, "EPSG:28992, GiST-indexen")
    problems = []
    for table, key, column, what, extra in DATE_COLUMNS:
        problems += [what.format(k, v) for k, v in con.execute(f"SELECT {key}, {column} FROM {table} WHERE 1 = 1{extra}")
                     if not valid_date(v)]
    add("datums", problems, "alle JJJJ-MM-DD")
    return out


__all__ = ["Location", "is_url", "connect", "create_schema", "transaction", "reading", "grant"]
