"""The register: one GeoPackage that keeps every ward, sign, group and decision.

Every change is one sqlite transaction (``BEGIN IMMEDIATE``, rollback
journal, ``synchronous=FULL``): a process killed mid-write leaves the store
exactly as before or exactly as after. The ``-journal`` file such a process
leaves next to the store is rolled back and removed by the next command that
opens it. Writers are serialized by sqlite's
lock; a writer that waits longer than the busy timeout gets
:class:`StoreBusyError` ("de opslag is bezet"), never a lost update, because
each change reads what it depends on inside its own write transaction.
The sign history (``sign_events``) is append-only, enforced by triggers.
Personal data lives only in ``admins``; removing a group erases it with
``secure_delete`` so the bytes leave the file too. See
:mod:`planner.register.schema` for the layers.

The same register can live in PostgreSQL + PostGIS (a ``postgresql://``
URL instead of a path): :mod:`planner.register.postgres` gives this module its
connections and transactions there, and the register modules run the same
SQL on both.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner import settings
from planner.core.coords import RD_NEW, to_lonlat
from planner.core.request_state import OPEN_APPROVAL, request_state
from planner.core.wards import assign_wards
from planner.errors import InputError, PlannerError, StoreBusyError, StoreError, shorten  # noqa: F401  (re-exported)
from planner.io.files import remove_stale_temps, write_new_file
from planner.register import groups as register
from planner.register import postgres as store_pg
from planner.register.check import Finding, check_file, check_opened, check_register
from planner.register.schema import (
    LAYERS,
    MIGRATABLE,
    SCHEMA_VERSION,
    create_schema,
    from_blobs,
    migrate,
    to_blob,
)

DEFAULT_NAME = "planner.gpkg"
BUSY_TIMEOUT_S = settings.BUSY_TIMEOUT_S  # seconds a writer waits for another; $PLANNER_BUSY_TIMEOUT overrides


def now() -> str:
    """UTC timestamp of a change (``$PLANNER_NOW`` fixes it, for reproducible runs)."""
    return settings.now()


def today() -> str:
    """Default date of an event (the date part of ``$PLANNER_NOW`` when set)."""
    return settings.today()


def default_path(explicit=None):
    """``explicit`` (``--store``), else ``$PLANNER_STORE``, else ``./planner.gpkg``.

    A ``postgresql://`` URL gives a :class:`planner.store_pg.Location` (a
    register on a PostgreSQL server), anything else a file path.
    """
    if explicit is not None and str(explicit).strip():
        return store_pg.Location(explicit) if store_pg.is_url(explicit) else Path(explicit)
    if explicit is not None:
        raise InputError("⟨store⟩: leeg pad; geef het register-bestand, bijv. ⟨store⟩ planner.gpkg")
    env = settings.store_setting()
    if env is not None and store_pg.is_url(env):
        return store_pg.Location(env)
    return settings.store_path() or Path.cwd() / DEFAULT_NAME


def sqlite_error(exc: sqlite3.Error, path) -> PlannerError | None:
    """The planner error for a sqlite error on the register at ``path`` (None: a bug, not the register).

    "database is locked" anywhere (also in a PRAGMA when opening) is
    :class:`StoreBusyError`; a read-only file, a damaged file and a file that
    is not a register are :class:`StoreError` with what to do.
    """
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreBusyError(f"{path}: de opslag is bezet door een ander proces; probeer het zo opnieuw "
                              f"(wachttijd PLANNER_BUSY_TIMEOUT, nu {settings.busy_timeout():g} s)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: register is alleen-lezen; geef schrijfrechten op het bestand en de map "
                          "(er is niets gewijzigd)")
    if "unable to open" in text:
        return StoreError(f"{path}: register is niet te openen; controleer het pad en de rechten op de map")
    if "disk is full" in text or "disk i/o" in text:
        return StoreError(f"{path}: register kan niet worden geschreven ({exc}); maak ruimte of controleer de "
                          "schijf (er is niets gewijzigd)")
    if isinstance(exc, sqlite3.IntegrityError):
        return InputError(f"{path}: wijziging geweigerd ({exc})")
    if isinstance(exc, (sqlite3.DatabaseError)) and not isinstance(exc, (sqlite3.ProgrammingError,
                                                                          sqlite3.InterfaceError)):
        return StoreError(f"{path}: register is beschadigd of geen planner-register ({exc}); zet een "
                          "reservekopie terug of maak het opnieuw met 'planner init'; 'planner store check' "
                          "zegt wat er mis is")
    return None


@contextmanager
def sqlite_errors(path):
    """Within the block, sqlite errors on the register become planner errors (see :func:`sqlite_error`)."""
    try:
        yield
    except sqlite3.Error as exc:
        err = sqlite_error(exc, path)
        if err is None:
            raise
        raise err from None


# ----------------------------------------------------------------- creating


def create_store(path, wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame | None = None,
                 groups: pd.DataFrame | None = None, requests: gpd.GeoDataFrame | None = None,
                 *, source: str = "") -> Path:
    """Create a new store at ``path`` from loaded layers; refuse to overwrite.

    The register is built in memory and then written to a file that has no
    name until it is complete (``O_TMPFILE``, linked into place), so ``path``
    either does not exist or is complete, and a process killed meanwhile
    leaves nothing behind. Where the file system cannot do that, a named
    temporary file carrying the process id is used; such files of dead
    processes are removed by the next ``init``.
    """
    if store_pg.is_url(path):
        return _create_pg(store_pg.Location(path), wards, signs, groups, requests, source)
    path = Path(path)
    if path.exists():
        raise StoreError(f"{path}: register bestaat al; kies een andere naam of verwijder het eerst")
    if groups is not None:
        register.validate_groups(groups, "groepen")
    _check_sign_dates(signs)
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_schema(con)
        _fill(con, wards, signs, groups, requests, source)
        con.execute("COMMIT")
        data = con.serialize()
    finally:
        con.close()
    return write_new_register(path, data)


def write_new_register(path: Path, data: bytes) -> Path:
    """Write a register built in memory (``serialize()``) as the new file ``path``, all or nothing.

    Used by ``init`` and ``store copy``; never over an existing file.
    """
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise StoreError(f"{blocked}: is een bestand, geen map; kies een andere plek voor het register")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: map voor het register kan niet worden gemaakt ({exc.strerror})") from None
    remove_stale_temps(path)
    try:
        write_new_file(path, data, what="register")
    except InputError as exc:
        raise StoreError(exc.message) from None
    return path


def _create_pg(loc, wards, signs, groups, requests, source):
    """``create_store`` on PostgreSQL: the schema when the database has none, then this gemeente's register."""
    if groups is not None:
        register.validate_groups(groups, "groepen")
    _check_sign_dates(signs)
    for attempt in range(3):  # a first init at the same moment as another: once more, then the schema is there
        try:
            with store_pg.transaction(loc, settings.busy_timeout(), create=True) as con:
                _fill(con, wards, signs, groups, requests, source)
            return loc
        except store_pg.SchemaRace:
            if attempt == 2:
                raise
    return loc


def _check_sign_dates(signs) -> None:
    """A placed sign's ``placed_on`` may not lie in the future (the register dates its events)."""
    if signs is None or not len(signs):
        return
    future = signs[(signs["status"] == "placed") & (signs["placed_on"].astype(str) > today())]
    if len(future):
        row = future.iloc[0]
        raise InputError(f"borden: bord {row['id']}: placed_on {row['placed_on']} ligt in de toekomst "
                         f"(vandaag is {today()}); geef de datum waarop het bord geplaatst is")


def ward_figures(wards) -> list[tuple]:
    """Per ward the CBS figures the register keeps: (population, wijk_code, wijk_name, gemeente_code).

    ``population`` as :func:`planner.stats.population_of` reads it (CBS
    sentinels and blanks are unknown: NULL); the wijk as
    :func:`planner.stats.wijk_codes` finds it; the gemeente from a
    ``gemeente_code`` column, a ``gemeente`` column that holds a code
    (``planner import wards``), else from a CBS ward code.
    """
    from planner.core.coverage import population_of, wijk_codes

    def text(column):
        if column not in wards:
            return pd.Series(pd.NA, index=wards.index, dtype="string")
        return wards[column].astype("string").str.strip().replace("", pd.NA)

    pop = population_of(wards)
    wijk = wijk_codes(wards)
    named = text("gemeente")  # 'planner import wards' writes the code here; other files may hold a name
    gemeente = text("gemeente_code").fillna(named.where(named.str.fullmatch(r"GM\d{4}").fillna(False)))
    from_code = wards["code"].astype(str).str.extract(r"^(?:BU|WK)(\d{4})\d{2,4}$", expand=False)
    gemeente = gemeente.fillna(("GM" + from_code).astype("string"))
    plain = [None if v is pd.NA or v is None else v for v in pop.astype(object)]
    return [(None if p is None else int(p), none(w), none(n), none(g))
            for p, w, n, g in zip(plain, wijk.astype(object), text("wijk_name").astype(object),
                                  gemeente.astype(object))]


def none(value):
    """A missing value (``<NA>``, NaN) as None for SQL."""
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else value


def _fill(con, wards, signs, groups, requests, source) -> None:
    t = now()
    multi = shapely.force_2d(wards.geometry.values)
    single = shapely.get_type_id(multi) == 3
    multi[single] = shapely.multipolygons(multi[single].reshape(-1, 1).tolist()) if single.any() else multi[single]
    figures = ward_figures(wards)
    con.executemany("INSERT INTO wards (geom, code, name, population, wijk_code, wijk_name, gemeente_code) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(to_blob(g), c, n, *f) for g, c, n, f in zip(multi, wards["code"], wards["name"], figures)])
    if signs is not None and len(signs):
        s = assign_wards(signs, wards)
        for row in s.itertuples(index=False):
            sid = register.check_id(row.id, "bord-id")
            blob = to_blob(row.geometry)
            con.execute("INSERT INTO signs (geom, sign_id, status, ward_code, street, placed_on, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (blob, sid, row.status, row.ward_code, row.street, row.placed_on, t))
            event = "placed" if row.status == "placed" else "approved"
            record_sign_event(con, sid, event, row.geometry, ward_code=row.ward_code,
                   event_date=row.placed_on or today(),
                   reason=f"overgenomen bij init uit {Path(source).name or 'bestand'}")  # no full path: it is public
    if groups is not None:
        for gid, grp in groups.groupby("group_id", sort=True):
            con.execute("INSERT INTO groups (group_id, group_name, wabp_registered, created_at) VALUES (?, ?, ?, ?)",
                        (gid, grp["group_name"].iloc[0], int(grp["wabp_registered"].any()), t))
            con.execute("INSERT INTO group_events (group_id, event, at, event_date, reason) VALUES (?, 'added', ?, ?, ?)",
                        (gid, t, today(), f"overgenomen bij init uit {Path(source).name or 'bestand'}"))
            consent = grp["admin_wijkagent"] if "admin_wijkagent" in grp else [False] * len(grp)
            con.executemany("INSERT INTO admins (group_id, name, phone, email, officer_consent) VALUES (?, ?, ?, ?, ?)",
                            [(gid, r.admin_name, r.admin_phone, r.admin_email, int(bool(c)))
                             for r, c in zip(grp.itertuples(), consent)])
    if requests is not None and len(requests):
        r = assign_wards(requests, wards)
        con.executemany(
            "INSERT INTO requests (geom, request_id, date, group_id, ward_code, preferred, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            [(to_blob(row.geometry), row.request_id, row.date, row.group_id, row.ward_code, row.preferred, t)
             for row in r.itertuples(index=False)])
        con.executemany("INSERT INTO request_events (request_id, event, at, event_date, ward_code) "
                        "VALUES (?, 'received', ?, ?, ?)",
                        [(row.request_id, t, row.date, row.ward_code) for row in r.itertuples(index=False)])
    con.executemany("INSERT INTO store_meta (key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("created_at", t), ("source", source)])
    for table in ("wards", "signs", "sign_events", "requests", "proposals"):
        grow_extent(con, table)


def grow_extent(con, table: str) -> None:
    """Widen the ``gpkg_contents`` bounds of ``table`` to cover all its geometries (PostGIS: nothing to do)."""
    if getattr(con, "backend", "sqlite") == "postgresql":
        return
    geoms = from_blobs([r[0] for r in con.execute(f"SELECT geom FROM {table} WHERE geom IS NOT NULL")])
    bounds = tuple(float(v) for v in shapely.total_bounds(geoms)) if len(geoms) else (None,) * 4
    con.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
                "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?", (*bounds, table))


def record_sign_event(con, sign_id, event, geom, *, ward_code=None, request_id=None, reason="",
                      event_date=None, from_xy=(None, None)) -> None:
    """Append one event to a sign's history (``sign_events``: append-only in the register)."""
    con.execute(
        "INSERT INTO sign_events (geom, sign_id, event, at, event_date, ward_code, request_id, reason, "
        "from_x, from_y) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (to_blob(geom), sign_id, event, now(), event_date or today(), ward_code, request_id, reason, *from_xy))


# ----------------------------------------------------------------- the store

# Every decided request with its effective decision: the recorded decision, or the
# staff's resolution of a review (``request_events`` ``resolved``) when there is one.
EFFECTIVE_DECISIONS = (
    "SELECT d.fid, d.request_id, d.group_id, d.outcome AS decided_outcome, "
    "COALESCE(v.outcome, d.outcome) AS outcome, "
    "CASE WHEN v.fid IS NULL THEN d.ward_code ELSE v.ward_code END AS ward_code, "
    "v.event_date AS resolved_on, v.reason AS resolution "
    "FROM decisions d LEFT JOIN request_events v ON v.request_id = d.request_id AND v.event = 'resolved'"
)


class Store:
    """An existing register: a GeoPackage file, or a municipality's register on PostgreSQL.

    Parameters
    ----------
    path : path-like or str
        The ``.gpkg`` file (must exist and be a planner register), or a
        ``postgresql://...?gemeente=GM0415`` URL (:mod:`planner.register.postgres`).
    busy_timeout : float, optional
        Seconds a writer waits for another writer before giving up.
    """

    def __init__(self, path, *, busy_timeout: float | None = None):
        self.busy_timeout = settings.busy_timeout() if busy_timeout is None else float(busy_timeout)
        self.pg = store_pg.is_url(path)
        if self.pg:
            self.path = store_pg.Location(path)
            with store_pg.reading(self.path, self.busy_timeout) as con:
                upgrade = store_pg.needs_upgrade(con)
                if not upgrade:
                    store_pg.check_opened(con, self.path)
                    self.gemeente = con.gemeente
            if upgrade:  # schema version 2: brought up to date once (one transaction)
                store_pg.upgrade(self.path, self.busy_timeout)
                with store_pg.reading(self.path, self.busy_timeout) as con:
                    store_pg.check_opened(con, self.path)
                    self.gemeente = con.gemeente
            return
        self.path = Path(path)
        check_file(self.path)
        self._migrate_older_schema()
        with self._connect() as con, sqlite_errors(self.path):
            check_opened(con, self.path)
        self._clear_dead_journal()
        remove_stale_temps(self.path)

    def _migrate_older_schema(self) -> None:
        """Bring a register of an older, known schema version to this planner's (one transaction).

        Anything else (not a register, damaged, newer, unknown version) is left
        to :func:`planner.store_check.check_opened`, which refuses it clearly.
        A read-only register of an older version is refused: nothing changes.
        """
        with self._connect() as con, sqlite_errors(self.path):
            version = _stored_version(con)
            if version not in MIGRATABLE:
                return
            if not writable(self.path):
                raise StoreError(f"{self.path}: register heeft schemaversie {version} en moet worden bijgewerkt naar "
                                 f"versie {SCHEMA_VERSION}, maar is alleen-lezen; geef schrijfrechten op het bestand "
                                 "en de map, of gebruik de planner-versie waarmee het is gemaakt (er is niets gewijzigd)")
            con.execute("BEGIN IMMEDIATE")
            try:
                if _stored_version(con) in MIGRATABLE:  # another process may have done it meanwhile
                    migrate(con, version, now=now())
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def _clear_dead_journal(self) -> None:
        """Remove the ``-journal`` file a killed writer left behind, when no writer is active.

        Opening the store already rolled back a *hot* journal (one whose
        changes reached the database file) and deleted it. A writer killed
        before it touched the database file leaves a journal that sqlite
        ignores (zeroed header) but does not delete; while we hold the write
        lock nobody else can own a journal, so it is removed here. When
        another writer is busy, or the register is read-only, nothing is done.
        """
        journal = self.path.with_name(self.path.name + "-journal")
        if not journal.exists():
            return
        try:
            con = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        except sqlite3.Error:
            return
        try:
            con.execute("BEGIN IMMEDIATE")  # rolls back a hot journal first, if there still is one
            journal.unlink(missing_ok=True)
            con.execute("ROLLBACK")
        except (sqlite3.Error, OSError):
            pass  # a live writer holds the lock and owns the journal, or we may not write
        finally:
            con.close()

    @contextmanager
    def _connect(self):
        """A connection whose every statement (also these PRAGMAs) waits ``busy_timeout`` for a lock."""
        with sqlite_errors(self.path):
            con = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout)
        try:
            with sqlite_errors(self.path):
                con.execute("PRAGMA secure_delete = ON")
                con.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it returns
                con.execute("PRAGMA foreign_keys = ON")
            yield con
        finally:
            con.close()

    def _check_writable(self) -> None:
        """Refuse, before anything is done, to change a register that may not be written."""
        if not writable(self.path):
            raise StoreError(f"{self.path}: register is alleen-lezen; geef schrijfrechten op het bestand en op "
                             "de map (voor het -journal-bestand); er is niets gewijzigd")

    @contextmanager
    def transaction(self):
        """One atomic change: ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on any error)."""
        if self.pg:
            with store_pg.transaction(self.path, self.busy_timeout) as con:
                yield con
            return
        self._check_writable()
        with self._connect() as con:
            with sqlite_errors(self.path):
                con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # closing the connection rolls back as well
                if isinstance(exc, sqlite3.Error):
                    err = sqlite_error(exc, self.path)
                    if err is not None:
                        raise err from None
                raise

    @contextmanager
    def reading(self):
        """A consistent snapshot for reading several tables."""
        if self.pg:
            with store_pg.reading(self.path, self.busy_timeout) as con:
                yield con
            return
        with self._connect() as con:
            try:
                con.execute("BEGIN")
                yield con
            except sqlite3.Error as exc:
                err = sqlite_error(exc, self.path)
                if err is None:
                    raise
                raise err from None
            finally:
                if con.in_transaction:
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass

    # ------------------------------------------------------------- reading layers

    def layers(self, con=None, *, pending_only: bool = False) -> dict:
        """Wards, signs, groups and requests in the shape of the ``geo`` loaders."""
        if con is None:
            with self.reading() as c:
                return self.layers(c, pending_only=pending_only)
        wards = read_geoframe(con, "SELECT geom, code, name, population, wijk_code, wijk_name, gemeente_code FROM wards "
                            "ORDER BY fid")
        wards["population"] = pd.to_numeric(wards["population"], errors="coerce").astype("Int64")
        signs = read_geoframe(con, "SELECT geom, sign_id AS id, status, placed_on, street, ward_code, request_id "
                            "FROM signs WHERE status != 'removed' ORDER BY fid")
        where = "WHERE status = 'pending'" if pending_only else ""
        requests = read_geoframe(con, f"SELECT geom, request_id, date, group_id, preferred, status FROM requests "
                               f"{where} ORDER BY fid")
        groups = read_frame(
            con, "SELECT g.group_id, g.group_name, g.wabp_registered, g.ward_code, a.name AS admin_name, "
            "a.phone AS admin_phone, a.email AS admin_email FROM groups g JOIN admins a USING (group_id) "
            "WHERE g.removed_on IS NULL ORDER BY g.group_id, a.fid")
        groups["wabp_registered"] = groups["wabp_registered"].astype(bool)
        # Open approvals (positions still to be agreed): the SQL only fetches each effective
        # approval with its signs; request_state decides (a resolved review counts with its resolution).
        rows = con.execute(
            f"SELECT e.ward_code, e.request_id, "
            "(SELECT count(*) FROM signs s WHERE s.request_id = e.request_id AND s.status != 'removed'), "
            "(SELECT count(*) FROM signs s WHERE s.request_id = e.request_id AND s.status = 'placed'), "
            "(SELECT count(*) FROM signs s WHERE s.request_id = e.request_id) "
            f"FROM ({EFFECTIVE_DECISIONS}) e JOIN requests r USING (request_id) "
            "WHERE e.outcome = 'approved' AND e.ward_code IS NOT NULL ORDER BY r.date, e.fid").fetchall()
        approvals: dict[str, list[str]] = {}
        for ward_code, request_id, active, placed, total in rows:
            if request_state("approved", signs=active, placed=placed, recorded=total) == OPEN_APPROVAL:
                approvals.setdefault(ward_code, []).append(request_id)
        return {"wards": wards, "signs": signs, "groups": groups, "requests": requests,
                "open_approvals": approvals}

    def extent(self, table: str) -> tuple | None:
        """The bounds (RD New) of a feature table from ``gpkg_contents``, or None when empty."""
        with self.reading() as con:
            if self.pg:
                return store_pg.extent(con, table)
            row = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
                              (table,)).fetchone()
        if row is None or any(v is None for v in row):
            return None
        return tuple(float(v) for v in row)

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame (geometry as shapely in ``geometry`` when spatial)."""
        with self.reading() as con:
            if self.pg:
                cols = store_pg.columns(name)
                sql = f"SELECT {', '.join(cols)} FROM {name} ORDER BY fid"
                return read_geoframe(con, sql) if "geom" in cols else read_frame(con, sql)
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
            if "geom" in cols:
                return read_geoframe(con, f"SELECT * FROM {name} ORDER BY fid")
            return pd.read_sql_query(f"SELECT * FROM {name} ORDER BY fid", con)

    def dump(self) -> dict:
        """Every table as sorted rows (for comparing two states byte for byte)."""
        with self.reading() as con:
            if self.pg:
                return {name: sorted(con.execute(f"SELECT {', '.join(store_pg.columns(name))} "
                                                 f"FROM {name}").fetchall(), key=repr) for name, *_ in LAYERS}
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return {n: sorted(con.execute(f"SELECT * FROM {n}").fetchall(), key=repr)
                    for n in names if n != "gpkg_contents"} | {
                "gpkg_contents": sorted(con.execute(
                    "SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents").fetchall())}

    # ------------------------------------------------------------- helpers inside a transaction

    @staticmethod
    def ward_row(con, code: str):
        """The geometry and name of ward ``code``; an :class:`InputError` when the register has no such ward."""
        row = con.execute("SELECT geom, name FROM wards WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise InputError(f"onbekende wijk {shorten(code)}")
        return from_blobs([row[0]])[0], row[1]

    @staticmethod
    def sign_row(con, sign_id: str) -> dict:
        """Sign ``sign_id`` as a dict (geometry, status, ward, request, street); an :class:`InputError` when unknown."""
        row = con.execute("SELECT geom, status, ward_code, request_id, street FROM signs WHERE sign_id = ?",
                          (sign_id,)).fetchone()
        if row is None:
            raise InputError(f"onbekend bord {shorten(sign_id)}")
        return {"geometry": from_blobs([row[0]])[0], "status": row[1], "ward_code": row[2],
                "request_id": row[3], "street": row[4]}

    @staticmethod
    def ward_at(con, point) -> str | None:
        """The code of the only ward ``point`` lies in (:func:`planner.core.wards.in_ward`), else None."""
        wards = read_geoframe(con, "SELECT geom, code, name FROM wards ORDER BY fid")
        return assign_wards(gpd.GeoDataFrame(geometry=[point], crs=RD_NEW), wards)["ward_code"].iloc[0]


def _stored_version(con) -> int | None:
    """The register's schema version as a number, or None when it cannot be read (checked elsewhere)."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "store_meta" not in tables or "gpkg_contents" not in tables:
        return None
    row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    try:
        return int(str(row[0]).strip())
    except (TypeError, ValueError):
        return None


def read_frame(con, sql: str, params=()) -> pd.DataFrame:
    """A query's rows as a DataFrame (``pandas.read_sql_query`` on sqlite; the same shape on PostgreSQL)."""
    if isinstance(con, sqlite3.Connection):
        return pd.read_sql_query(sql, con, params=params or None)
    cur = con.execute(sql, params)
    return pd.DataFrame.from_records(cur.fetchall(), columns=[d[0] for d in cur.description], coerce_float=True)


def read_geoframe(con, sql: str, params=()) -> gpd.GeoDataFrame:
    """The rows of ``sql`` as a GeoDataFrame in RD New (its ``geom`` column, a GeoPackage or PostGIS blob)."""
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    df = pd.DataFrame(rows, columns=cols, dtype=object)  # object: NULL stays None
    geoms = from_blobs(df.pop("geom").tolist()) if "geom" in df else np.full(len(df), None)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=RD_NEW), crs=RD_NEW)


def lonlat_of(geom) -> tuple[float, float]:
    lon, lat = to_lonlat(gpd.GeoSeries([geom], crs=RD_NEW))
    return round(float(lon[0]), 7), round(float(lat[0]), 7)


def check_store(path, *, busy_timeout: float | None = None) -> list[Finding]:
    """``planner store check``: every check of :func:`planner.store_check.check_register` (read only).

    A file that is no SQLite database at all is a :class:`StoreError`; a
    busy register a :class:`StoreBusyError`; everything else is a finding.
    """
    timeout = settings.busy_timeout() if busy_timeout is None else busy_timeout
    if store_pg.is_url(path):
        loc = store_pg.Location(path)
        with store_pg.reading(loc, timeout) as con:
            if store_pg.needs_upgrade(con):
                return [Finding("planner: schema", False, f"schemaversie 2, deze planner kent versie {SCHEMA_VERSION}; "
                                "de eerste planner-opdracht van de eigenaar van de tabellen (bijv. 'planner group "
                                "list') werkt het bij")]
            if not store_pg.has_schema(con):
                return [Finding("planner: schema", False, "geen planner-register in deze database")]
            findings = store_pg.check_register(con, loc)
        return findings + [store_pg.complete_erasures(loc, timeout)]  # pending erasures are completed here
    path = Path(path)
    check_file(path)
    with sqlite_errors(path):
        con = sqlite3.connect(path, isolation_level=None, timeout=timeout)
    try:
        try:
            with sqlite_errors(path):
                con.execute("BEGIN")
                return check_register(con, path)
        except StoreError as exc:
            detail = str(exc).removeprefix(f"{path}: ").replace("; 'planner store check' zegt wat er mis is", "")
            return [Finding("SQLite", False, detail)]
    finally:
        con.close()


def writable(path: Path) -> bool:
    """May this process change the register (the file, and the folder for its ``-journal``)?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


