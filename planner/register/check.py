"""Checks of a register file: when it is opened, and in full (``planner store check``).

Opening a register (:class:`planner.store.Store`) runs the cheap checks of
:func:`check_opened`: the file is a SQLite database and a planner register
(GeoPackage ``application_id``, the ``store_meta`` table), its schema
version is the one this planner knows (newer and older registers are
refused with both version numbers and what to do), every table and column
the planner uses is there, and SQLite's ``quick_check`` finds no damage.

:func:`check_register` is the full check behind ``planner store check``:
SQLite's ``integrity_check``, the GeoPackage rules the planner relies on
(``application_id``, ``gpkg_spatial_ref_sys`` with EPSG:28992,
``gpkg_contents`` and ``gpkg_geometry_columns`` consistent with the tables,
GeoPackage geometry blobs), the planner's schema and triggers, the dates in
the register and files left next to it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planner.errors import StoreError, clip, shorten
from planner.register.schema import (
    APPLICATION_ID,
    LAYERS,
    MIGRATABLE,
    SCHEMA_VERSION,
    SPATIAL,
    SRS_ID,
    TRIGGERS,
    USER_VERSION,
    create_schema,
)

SQLITE_HEADER = b"SQLite format 3\x00"
DAMAGED_HINT = ("zet een reservekopie terug of maak het register opnieuw met 'planner init'; "
                "'planner store check' zegt wat er mis is")


@dataclass
class Finding:
    """One check of ``planner store check``: what was checked, whether it holds, and details."""

    check: str
    ok: bool
    detail: str = ""

    def to_dict(self) -> dict:
        return {"check": self.check, "ok": self.ok, "detail": self.detail}


@lru_cache(maxsize=1)
def expected_columns() -> dict[str, tuple[str, ...]]:
    """Table -> column names of a register made by this planner (from the schema itself)."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_schema(con)
        return {name: tuple(r[1] for r in con.execute(f"PRAGMA table_info({name})"))
                for name, *_ in LAYERS}
    finally:
        con.close()


@lru_cache(maxsize=1)
def expected_triggers() -> dict[str, str]:
    """Trigger -> its SQL (whitespace normalized) in a register made by this planner."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        create_schema(con)
        return {r[0]: " ".join(str(r[1]).split()) for r in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        con.close()


def check_file(path: Path) -> None:
    """The file exists, is a file and starts like a SQLite database; StoreError otherwise."""
    if not path.exists():
        raise StoreError(f"{path}: register bestaat niet; maak het met 'planner init' "
                         "(of geef het juiste pad met ⟨store⟩ of PLANNER_STORE)")
    if path.is_dir():
        raise StoreError(f"{path}: is een map, geen register; geef het register-bestand (bijv. "
                         f"{path / 'planner.gpkg'})")
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: register is niet te lezen ({exc.strerror}); controleer de rechten") from None
    if not head:
        raise StoreError(f"{path}: bestand is leeg (0 bytes), geen planner-register; {DAMAGED_HINT}")
    if not head.startswith(SQLITE_HEADER):
        raise StoreError(f"{path}: geen planner-register (geen SQLite/GeoPackage-bestand); "
                         "geef het register van 'planner init' met ⟨store⟩")
    if len(head) < 100:
        raise StoreError(f"{path}: register is afgekapt ({len(head)} bytes); {DAMAGED_HINT}")


def schema_version(con, path: Path) -> int:
    """The register's schema version; StoreError when it is not a planner register or not this version."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    app = con.execute("PRAGMA application_id").fetchone()[0]
    if "store_meta" not in tables:
        if app == APPLICATION_ID or "gpkg_contents" in tables:
            raise StoreError(f"{path}: is een GeoPackage maar geen planner-register (tabel store_meta ontbreekt); "
                             "maak een register met 'planner init' of 'planner import wards ... --store'")
        raise StoreError(f"{path}: geen planner-register (een SQLite-bestand zonder de tabellen van de planner)")
    if app != APPLICATION_ID:
        raise StoreError(f"{path}: register is beschadigd (application_id {app:#x} in plaats van GeoPackage); "
                         + DAMAGED_HINT)
    row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(str(row[0]).strip())
    except (TypeError, ValueError):
        found = "ontbreekt" if row is None else f"is {shorten(row[0])}"
        raise StoreError(f"{path}: register is beschadigd (schemaversie {found}); {DAMAGED_HINT}") from None
    known = int(SCHEMA_VERSION)
    if version > known:
        raise StoreError(f"{path}: register heeft schemaversie {version}, deze planner kent versie {known}; "
                         "het is gemaakt door een nieuwere planner: werk de planner bij (er is niets gewijzigd)")
    if version in MIGRATABLE:
        raise StoreError(f"{path}: register heeft schemaversie {version}, ouder dan versie {known} van deze planner; "
                         "de eerste planner-opdracht die het register opent (bijv. 'planner group list') werkt het "
                         "bij (maak eerst een reservekopie als u wilt)")
    if version < known:
        raise StoreError(f"{path}: register heeft schemaversie {version}, ouder dan versie {known} van deze "
                         "planner, en kan niet worden omgezet; gebruik de planner-versie waarmee het is gemaakt, "
                         "of maak een nieuw register met 'planner init' (er is niets gewijzigd)")
    return version


def missing_parts(con) -> list[str]:
    """Tables and columns of the planner's schema that the register lacks."""
    missing = []
    for table, columns in expected_columns().items():
        have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
        if not have:
            missing.append(f"tabel {table}")
            continue
        missing += [f"kolom {table}.{c}" for c in columns if c not in have]
    return missing


def missing_parts_pg(con) -> list[str]:
    """Tables and columns of the planner's schema that a PostgreSQL register lacks."""
    have: dict[str, set] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = current_schema()"):
        have.setdefault(table, set()).add(column)
    missing = []
    for table, columns in expected_columns().items():
        if table not in have:
            missing.append(f"tabel {table}")
            continue
        missing += [f"kolom {table}.{c}" for c in (*columns, "gemeente") if c not in have[table]]
    return missing


def check_opened(con, path: Path) -> None:
    """The checks run whenever a register is opened (cheap); StoreError naming the problem."""
    schema_version(con, path)
    missing = missing_parts(con)
    if missing:
        raise StoreError(f"{path}: register is beschadigd of door een ander programma gewijzigd "
                         f"(ontbreekt: {', '.join(missing[:5])}); {DAMAGED_HINT}")
    bad_date = first_bad_date(con)
    if bad_date:
        raise StoreError(f"{path}: register bevat een ongeldige datum ({bad_date}); herstel die (bijv. in QGIS) "
                         "als JJJJ-MM-DD of zet een reservekopie terug; 'planner store check' noemt ze alle")
    problems = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise StoreError(f"{path}: register is beschadigd ({clip('; '.join(problems), 200)}); "
                         + DAMAGED_HINT)


_DATE_GLOB = "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]"
DATE_COLUMNS = (("requests", "request_id", "date", "aanvraag {}: datum {!r}", ""),
                ("signs", "sign_id", "placed_on", "bord {}: placed_on {!r}", " AND placed_on != ''"),
                ("sign_events", "sign_id", "event_date", "gebeurtenis van bord {}: datum {!r}", ""),
                ("request_events", "request_id", "event_date", "gebeurtenis van aanvraag {}: datum {!r}", ""),
                ("group_events", "group_id", "event_date", "gebeurtenis van groep {}: datum {!r}", ""))


def first_bad_date(con) -> str | None:
    """The first date in the register that is not ``YYYY-MM-DD`` (a cheap check by pattern), or None."""
    for table, key, column, what, extra in DATE_COLUMNS:
        row = con.execute(f"SELECT {key}, {column} FROM {table} WHERE (typeof({column}) != 'text' OR "
                          f"{column} NOT GLOB '{_DATE_GLOB}'){extra} LIMIT 1").fetchone()
        if row is not None:
            return what.format(shorten(row[0], 50)[1:-1], shorten(row[1], 40)[1:-1])
    return None


# ----------------------------------------------------------------- the full check


def valid_date(text) -> bool:
    """Is ``text`` a real calendar date written as ``YYYY-MM-DD``?"""
    try:
        return dt.date.fromisoformat(str(text)).isoformat() == str(text)
    except ValueError:
        return False


def check_register(con, path: Path) -> list[Finding]:
    """Every check of ``planner store check`` on an open connection; a list of findings.

    Read only: nothing in the register is changed.
    """
    out: list[Finding] = []

    def add(check: str, problems: list[str], ok_detail: str = "") -> None:
        out.append(Finding(check, not problems, "; ".join(problems[:5]) + (
            f" (en nog {len(problems) - 5})" if len(problems) > 5 else "") if problems else ok_detail))

    integrity = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
    add("SQLite integrity_check", [] if integrity == ["ok"] else [clip(p) for p in integrity], "ok")
    if integrity != ["ok"] and any("malformed" in p or "corrupt" in p for p in integrity):
        return out

    app = con.execute("PRAGMA application_id").fetchone()[0]
    user_version = con.execute("PRAGMA user_version").fetchone()[0]
    problems = []
    if app != APPLICATION_ID:
        problems.append(f"application_id is {app:#x}, niet 0x47504b47 ('GPKG')")
    if not 10200 <= user_version < 10500:
        problems.append(f"user_version {user_version} is geen GeoPackage-versie (verwacht {USER_VERSION})")
    add("GeoPackage: application_id en versie", problems, f"GPKG {user_version}")

    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    meta = [t for t in ("gpkg_spatial_ref_sys", "gpkg_contents", "gpkg_geometry_columns") if t not in tables]
    add("GeoPackage: metadatatabellen", [f"tabel {t} ontbreekt" for t in meta], "aanwezig")
    if meta:
        return out

    srs = {r[0] for r in con.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
    add("GeoPackage: gpkg_spatial_ref_sys",
        [f"srs_id {s} ontbreekt" for s in (SRS_ID, 4326, -1, 0) if s not in srs], "EPSG:28992 aanwezig")

    contents, problems = _contents_problems(con, tables, srs)
    add("GeoPackage: gpkg_contents en gpkg_geometry_columns", problems, f"{len(contents)} lagen consistent")

    problems = []
    try:
        schema_version(con, path)
    except StoreError as exc:
        problems.append(str(exc).removeprefix(f"{path}: "))
    problems += [f"{m} ontbreekt" for m in missing_parts(con)]
    triggers = {r[0]: " ".join(str(r[1]).split()) for r in con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    problems += [f"trigger {t} ontbreekt (geschiedenis niet beschermd)"
                 for t in TRIGGERS if t not in triggers]
    problems += [f"trigger {t} gewijzigd (geschiedenis niet beschermd)" for t, sql in expected_triggers().items()
                 if t in triggers and triggers[t] != sql]
    add("planner: schema", problems, f"versie {SCHEMA_VERSION}")
    if any("tabel" in p for p in problems):
        return out

    add("geometrieën", _geometry_problems(con), "alle in GeoPackage-formaat, EPSG:28992")
    add("datums", _date_problems(con), "alle JJJJ-MM-DD")

    left = sorted(p.name for p in path.parent.glob(f".{path.name}.*.tmp"))
    journal = path.with_name(path.name + "-journal")
    notes = [f"{journal.name} staat ernaast (een afgebroken schrijver; de volgende opdracht ruimt het op)"] \
        if journal.exists() else []
    notes += [f"achtergebleven tijdelijk bestand {name}" for name in left]
    out.append(Finding("bestanden naast het register", True, "; ".join(notes) or "geen"))
    return out


def _contents_problems(con, tables: set, srs: set) -> tuple[dict, list[str]]:
    """``gpkg_contents`` and ``gpkg_geometry_columns`` against the tables, the SRS and the planner's layers."""
    contents = {r[0]: (r[1], r[2]) for r in con.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents")}
    geometry = {r[0]: (r[1], r[2], r[3]) for r in con.execute(
        "SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns")}
    problems = []
    for table, (kind, srs_id) in sorted(contents.items()):
        if table not in tables:
            problems.append(f"gpkg_contents noemt {table}, maar die tabel bestaat niet")
        if kind == "features" and table not in geometry:
            problems.append(f"{table} staat als features in gpkg_contents maar niet in gpkg_geometry_columns")
        if srs_id is not None and srs_id not in srs:
            problems.append(f"gpkg_contents: {table} heeft onbekende srs_id {srs_id}")
    for table, (column, gtype, srs_id) in sorted(geometry.items()):
        if contents.get(table, (None,))[0] != "features":
            problems.append(f"gpkg_geometry_columns noemt {table}, maar gpkg_contents niet als features")
        elif column not in {r[1] for r in con.execute(f"PRAGMA table_info({_quote(table)})")}:
            problems.append(f"geometriekolom {table}.{column} bestaat niet")
        if srs_id not in srs:
            problems.append(f"gpkg_geometry_columns: {table} heeft onbekende srs_id {srs_id}")
    for table, gtype in SPATIAL.items():
        if table in geometry and (geometry[table][1].upper() != gtype or geometry[table][2] != SRS_ID):
            problems.append(f"{table}: verwacht {gtype} in EPSG:{SRS_ID}, staat als {geometry[table][1]} "
                            f"in srs {geometry[table][2]}")
    for table, *_ in LAYERS:
        if table in tables and table not in contents:
            problems.append(f"laag {table} staat niet in gpkg_contents (QGIS en GDAL zien hem niet)")
    return contents, problems


def _geometry_problems(con) -> list[str]:
    """Geometries that are no GeoPackage blob, or not in RD New."""
    problems = []
    for table in SPATIAL:
        for fid, blob in con.execute(f"SELECT fid, geom FROM {table} WHERE geom IS NOT NULL"):
            blob = bytes(blob) if isinstance(blob, (bytes, memoryview)) else b""
            if len(blob) < 8 or blob[:2] != b"GP":
                problems.append(f"{table} fid {fid}: geen GeoPackage-geometrie")
            elif struct.unpack("<i" if blob[3] & 1 else ">i", blob[4:8])[0] != SRS_ID:
                problems.append(f"{table} fid {fid}: geometrie niet in EPSG:{SRS_ID}")
    return problems


def _date_problems(con) -> list[str]:
    """Dates that are not ``YYYY-MM-DD`` calendar dates."""
    problems = []
    for table, key, column, what, extra in DATE_COLUMNS:
        rows = con.execute(f"SELECT {key}, {column} FROM {table} WHERE 1 = 1{extra}")
        problems += [what.format(k, v) for k, v in rows if not valid_date(v)]
    return problems


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
