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
:mod:`planner.store_schema` for the layers.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import date as _date, datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import register
from .errors import InputError, PlannerError
from .geo import RD_NEW, to_lonlat
from .placement import assign_wards
from .store_schema import APPLICATION_ID, SCHEMA_VERSION, create_schema, from_blobs, to_blob

DEFAULT_NAME = "planner.gpkg"
BUSY_TIMEOUT_S = 10.0  # seconds a writer waits for another; $PLANNER_BUSY_TIMEOUT overrides


class StoreBusyError(PlannerError):
    """Another process holds the store's write lock for too long."""


def now() -> str:
    """UTC timestamp of a change (``$PLANNER_NOW`` fixes it, for reproducible runs)."""
    return os.environ.get("PLANNER_NOW") or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> str:
    """Default date of an event (the date part of ``$PLANNER_NOW`` when set)."""
    fixed = os.environ.get("PLANNER_NOW")
    return fixed[:10] if fixed else _date.today().isoformat()


def default_path(explicit=None) -> Path:
    """``explicit`` (``--store``), else ``$PLANNER_STORE``, else ``./planner.gpkg``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PLANNER_STORE")
    return Path(env) if env else Path.cwd() / DEFAULT_NAME


# ----------------------------------------------------------------- creating


def create_store(path, wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame | None = None,
                 groups: pd.DataFrame | None = None, requests: gpd.GeoDataFrame | None = None,
                 *, source: str = "") -> Path:
    """Create a new store at ``path`` from loaded layers; refuse to overwrite.

    The file is built beside ``path`` under a temporary name and then linked
    into place, so ``path`` either does not exist or is complete.
    """
    path = Path(path)
    if path.exists():
        raise InputError(f"{path}: register bestaat al; kies een andere naam of verwijder het eerst")
    if groups is not None:
        register.validate_groups(groups, "groepen")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            create_schema(con)
            _fill(con, wards, signs, groups, requests, source)
            con.execute("COMMIT")
        finally:
            con.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails when path exists
        except FileExistsError:
            raise InputError(f"{path}: register bestaat al; kies een andere naam of verwijder het eerst") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + "-journal").unlink(missing_ok=True)
    return path


def _fill(con, wards, signs, groups, requests, source) -> None:
    t = now()
    multi = shapely.force_2d(wards.geometry.values)
    single = shapely.get_type_id(multi) == 3
    multi[single] = shapely.multipolygons(multi[single].reshape(-1, 1).tolist()) if single.any() else multi[single]
    con.executemany("INSERT INTO wards (geom, code, name) VALUES (?, ?, ?)",
                    [(to_blob(g), c, n) for g, c, n in zip(multi, wards["code"], wards["name"])])
    if signs is not None and len(signs):
        s = assign_wards(signs, wards)
        for row in s.itertuples(index=False):
            sid = register.check_id(row.id, "bord-id")
            blob = to_blob(row.geometry)
            con.execute("INSERT INTO signs (geom, sign_id, status, ward_code, street, placed_on, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (blob, sid, row.status, row.ward_code, row.street, row.placed_on, t))
            event = "placed" if row.status == "placed" else "approved"
            _event(con, sid, event, row.geometry, ward_code=row.ward_code,
                   event_date=row.placed_on or today(),
                   reason=f"overgenomen bij init uit {Path(source).name or 'bestand'}")  # no full path: it is public
    if groups is not None:
        for gid, grp in groups.groupby("group_id", sort=True):
            con.execute("INSERT INTO groups (group_id, group_name, wabp_registered, created_at) VALUES (?, ?, ?, ?)",
                        (gid, grp["group_name"].iloc[0], int(grp["wabp_registered"].any()), t))
            con.executemany("INSERT INTO admins (group_id, name, phone, email) VALUES (?, ?, ?, ?)",
                            [(gid, r.admin_name, r.admin_phone, r.admin_email) for r in grp.itertuples()])
    if requests is not None and len(requests):
        r = assign_wards(requests, wards)
        con.executemany(
            "INSERT INTO requests (geom, request_id, date, group_id, ward_code, preferred, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            [(to_blob(row.geometry), row.request_id, row.date, row.group_id, row.ward_code, row.preferred, t)
             for row in r.itertuples(index=False)])
    con.executemany("INSERT INTO store_meta (key, value) VALUES (?, ?)",
                    [("schema_version", SCHEMA_VERSION), ("created_at", t), ("source", source)])
    for table in ("wards", "signs", "sign_events", "requests", "proposals"):
        _grow_extent(con, table)


def _grow_extent(con, table: str) -> None:
    """Widen the ``gpkg_contents`` bounds of ``table`` to cover all its geometries."""
    geoms = from_blobs([r[0] for r in con.execute(f"SELECT geom FROM {table} WHERE geom IS NOT NULL")])
    bounds = tuple(float(v) for v in shapely.total_bounds(geoms)) if len(geoms) else (None,) * 4
    con.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
                "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?", (*bounds, table))


def _event(con, sign_id, event, geom, *, ward_code=None, request_id=None, reason="",
           event_date=None, from_xy=(None, None)) -> None:
    con.execute(
        "INSERT INTO sign_events (geom, sign_id, event, at, event_date, ward_code, request_id, reason, "
        "from_x, from_y) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (to_blob(geom), sign_id, event, now(), event_date or today(), ward_code, request_id, reason, *from_xy))


# ----------------------------------------------------------------- the store


class Store:
    """An existing register file.

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file; must exist and be a planner register.
    busy_timeout : float, optional
        Seconds a writer waits for another writer before giving up.
    """

    def __init__(self, path, *, busy_timeout: float | None = None):
        self.path = Path(path)
        if busy_timeout is None:
            busy_timeout = float(os.environ.get("PLANNER_BUSY_TIMEOUT") or BUSY_TIMEOUT_S)
        self.busy_timeout = busy_timeout
        if not self.path.is_file():
            raise InputError(f"{self.path}: register bestaat niet; maak het met 'planner init'")
        with self._connect() as con:
            try:
                app = con.execute("PRAGMA application_id").fetchone()[0]
                meta = con.execute("SELECT value FROM store_meta WHERE key='schema_version'").fetchone()
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    raise self._busy(exc) from None
                raise InputError(f"{self.path}: geen planner-register ({exc})") from None
            except sqlite3.DatabaseError as exc:
                raise InputError(f"{self.path}: geen planner-register ({exc})") from None
            if app != APPLICATION_ID or meta is None:
                raise InputError(f"{self.path}: geen planner-register")
        self._clear_dead_journal()

    def _clear_dead_journal(self) -> None:
        """Remove the ``-journal`` file a killed writer left behind, when no writer is active.

        Opening the store already rolled back a *hot* journal (one whose
        changes reached the database file) and deleted it. A writer killed
        before it touched the database file leaves a journal that sqlite
        ignores (zeroed header) but does not delete; while we hold the write
        lock nobody else can own a journal, so it is removed here. When
        another writer is busy, nothing is done.
        """
        journal = self.path.with_name(self.path.name + "-journal")
        if not journal.exists():
            return
        con = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")  # rolls back a hot journal first, if there still is one
            journal.unlink(missing_ok=True)
            con.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass  # a live writer holds the lock and owns the journal
        finally:
            con.close()

    @contextmanager
    def _connect(self):
        con = sqlite3.connect(self.path, isolation_level=None, timeout=self.busy_timeout)
        try:
            con.execute("PRAGMA secure_delete = ON")
            con.execute("PRAGMA synchronous = FULL")  # a commit is on disk before it returns
            con.execute("PRAGMA foreign_keys = ON")
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self):
        """One atomic change: ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on any error)."""
        with self._connect() as con:
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._busy(exc) from None
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                    raise self._busy(exc) from None
                if isinstance(exc, sqlite3.IntegrityError):
                    raise InputError(f"{self.path}: wijziging geweigerd ({exc})") from None
                raise

    @contextmanager
    def reading(self):
        """A consistent snapshot for reading several tables."""
        with self._connect() as con:
            try:
                con.execute("BEGIN")
                yield con
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    raise self._busy(exc) from None
                raise
            finally:
                if con.in_transaction:
                    con.execute("ROLLBACK")

    def _busy(self, exc) -> StoreBusyError:
        return StoreBusyError(f"{self.path}: de opslag is bezet door een ander proces; probeer het zo opnieuw")

    # ------------------------------------------------------------- reading layers

    def layers(self, con=None, *, pending_only: bool = False) -> dict:
        """Wards, signs, groups and requests in the shape of the ``geo`` loaders."""
        if con is None:
            with self.reading() as c:
                return self.layers(c, pending_only=pending_only)
        wards = _frame(con, "SELECT geom, code, name FROM wards ORDER BY fid")
        signs = _frame(con, "SELECT geom, sign_id AS id, status, placed_on, street, ward_code, request_id "
                            "FROM signs WHERE status != 'removed' ORDER BY fid")
        where = "WHERE status = 'pending'" if pending_only else ""
        requests = _frame(con, f"SELECT geom, request_id, date, group_id, preferred, status FROM requests "
                               f"{where} ORDER BY fid")
        groups = pd.read_sql_query(
            "SELECT g.group_id, g.group_name, g.wabp_registered, g.ward_code, a.name AS admin_name, "
            "a.phone AS admin_phone, a.email AS admin_email FROM groups g JOIN admins a USING (group_id) "
            "WHERE g.removed_on IS NULL ORDER BY g.group_id, a.fid", con)
        groups["wabp_registered"] = groups["wabp_registered"].astype(bool)
        return {"wards": wards, "signs": signs, "groups": groups, "requests": requests}

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame (geometry as shapely in ``geometry`` when spatial)."""
        with self.reading() as con:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({name})")]
            if "geom" in cols:
                return _frame(con, f"SELECT * FROM {name} ORDER BY fid")
            return pd.read_sql_query(f"SELECT * FROM {name} ORDER BY fid", con)

    def dump(self) -> dict:
        """Every table as sorted rows (for comparing two states byte for byte)."""
        with self.reading() as con:
            names = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return {n: sorted(con.execute(f"SELECT * FROM {n}").fetchall(), key=repr)
                    for n in names if n != "gpkg_contents"} | {
                "gpkg_contents": sorted(con.execute(
                    "SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents").fetchall())}

    # ------------------------------------------------------------- helpers inside a transaction

    @staticmethod
    def _ward(con, code: str):
        row = con.execute("SELECT geom, name FROM wards WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise InputError(f"onbekende wijk {code!r}")
        return from_blobs([row[0]])[0], row[1]

    @staticmethod
    def _sign(con, sign_id: str) -> dict:
        row = con.execute("SELECT geom, status, ward_code, request_id, street FROM signs WHERE sign_id = ?",
                          (sign_id,)).fetchone()
        if row is None:
            raise InputError(f"onbekend bord {sign_id!r}")
        return {"geometry": from_blobs([row[0]])[0], "status": row[1], "ward_code": row[2],
                "request_id": row[3], "street": row[4]}

    @staticmethod
    def _ward_at(con, point) -> str | None:
        wards = _frame(con, "SELECT geom, code, name FROM wards ORDER BY fid")
        return assign_wards(gpd.GeoDataFrame(geometry=[point], crs=RD_NEW), wards)["ward_code"].iloc[0]


def _frame(con, sql: str, params=()) -> gpd.GeoDataFrame:
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description]
    rows = cur.fetchall()
    df = pd.DataFrame(rows, columns=cols, dtype=object)  # object: NULL stays None
    geoms = from_blobs(df.pop("geom").tolist()) if "geom" in df else np.full(len(df), None)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=RD_NEW), crs=RD_NEW)


def lonlat_of(geom) -> tuple[float, float]:
    lon, lat = to_lonlat(gpd.GeoSeries([geom], crs=RD_NEW))
    return round(float(lon[0]), 7), round(float(lat[0]), 7)


def open_store(path=None, *, busy_timeout: float | None = None) -> Store:
    """The store at ``path`` (default :func:`default_path`)."""
    return Store(default_path(path), busy_timeout=busy_timeout)

