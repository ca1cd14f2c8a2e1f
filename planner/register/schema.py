"""The register's file format: a standard GeoPackage (OGC 12-128, v1.3).

The GeoPackage is written with Python's ``sqlite3`` only, following the
specification to the letter: the metadata tables ``gpkg_spatial_ref_sys``
(with EPSG:28992), ``gpkg_contents`` and ``gpkg_geometry_columns``, feature
tables with GeoPackage binary geometries (``GP`` header + ISO WKB) and the
non-spatial tables registered as ``attributes``. QGIS, ``ogrinfo`` and
pyogrio list and read every layer. No spatial index (rtree) is created: its
GDAL triggers call ``ST_*`` SQL functions that plain sqlite lacks, and the
register is small.

Layers
------
wards (MULTIPOLYGON)   code, name, population, wijk_code, wijk_name, gemeente_code
signs (POINT)          sign_id, status (planned/placed/removed), ward_code, street, ...
sign_events (POINT)    append-only history: proposed, approved, agreed, placed, relocated, removed
requests (POINT)       request_id, date, group_id, ward_code, preferred, status
request_events         append-only life of a request: received, decided, resolved, agreed
proposals (POINT)      the ranked positions of each decision
decisions              request_id, outcome, reason_code, reason, ...
groups                 group_id, group_name, wabp_registered, ward_code, removed_on
group_events           append-only history of groups and admins (never personal data)
admins                 personal data: name, phone, email (the only such table)
officers               the wijkagent per ward
store_meta             key/value (schema version, created_at, source)

Schema versions
---------------
1  the first register.
2  ``request_events`` and ``group_events`` (append-only), sign event ``agreed``
   (positions agreed with the admin).
3  the CBS figures of each ward: ``wards.population`` (residents, NULL when
   unknown), ``wijk_code``, ``wijk_name`` and ``gemeente_code``.

4  ``admins.officer_consent``: the admin agreed to be introduced to the
   wijkagent (``--wijkagent ja``; default no; every admin of an older register: no).

An older register is migrated when it is opened (:func:`migrate`, one
transaction, one function per step).
"""

from __future__ import annotations

import struct

import numpy as np
import shapely

SRS_ID = 28992
SCHEMA_VERSION = "4"
MIGRATABLE = (1, 2, 3)  # older versions this planner migrates when it opens them
APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3 (GDAL < 3.7 warns on 1.4)

RD_NEW_WKT = (
    'PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",'
    '6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],AUTHORITY["EPSG","6289"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4289"]],PROJECTION["Oblique_Stereographic"],PARAMETER["latitude_of_origin",'
    '52.1561605555556],PARAMETER["central_meridian",5.38763888888889],PARAMETER["scale_factor",0.9999079],'
    'PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],UNIT["metre",1,'
    'AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","28992"]]'
)
WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
    'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",'
    '0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],'
    'AUTHORITY["EPSG","4326"]]'
)

_META_SQL = """
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""

# CBS figures of a ward (schema 3): residents (CBS aantal_inwoners; NULL = unknown, never 0 for unknown),
# the CBS wijk it lies in and its gemeente code.
WARD_POPULATION_COLUMNS = ("population INTEGER CHECK (population IS NULL OR population >= 0), wijk_code TEXT, "
                           "wijk_name TEXT, gemeente_code TEXT")

# (layer, geometry type or None for attributes, description, columns SQL)
LAYERS: list[tuple[str, str | None, str, str]] = [
    ("wards", "MULTIPOLYGON", "Wijken",
     "code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, " + WARD_POPULATION_COLUMNS),
    ("signs", "POINT", "Borden (huidige stand)",
     "sign_id TEXT NOT NULL UNIQUE, status TEXT NOT NULL CHECK (status IN ('planned','placed','removed')), "
     "ward_code TEXT, street TEXT NOT NULL DEFAULT '', placed_on TEXT NOT NULL DEFAULT '', "
     "request_id TEXT, updated_at TEXT NOT NULL"),
    ("sign_events", "POINT", "Geschiedenis van de borden (alleen toevoegen)",
     "sign_id TEXT NOT NULL, event TEXT NOT NULL CHECK (event IN "
     "('proposed','approved','agreed','placed','relocated','removed')), at TEXT NOT NULL, "
     "event_date TEXT NOT NULL, ward_code TEXT, request_id TEXT, reason TEXT NOT NULL DEFAULT '', "
     "from_x DOUBLE, from_y DOUBLE"),
    ("requests", "POINT", "Aanvragen",
     "request_id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, group_id TEXT NOT NULL, ward_code TEXT, "
     "preferred TEXT NOT NULL DEFAULT '', status TEXT NOT NULL CHECK (status IN ('pending','decided')), "
     "created_at TEXT NOT NULL"),
    ("proposals", "POINT", "Voorgestelde posities per besluit",
     "request_id TEXT NOT NULL, rank INTEGER NOT NULL, sign_id TEXT, road TEXT NOT NULL DEFAULT '', "
     "road_class TEXT NOT NULL DEFAULT '', score DOUBLE, entries TEXT NOT NULL DEFAULT '', "
     "explanation TEXT NOT NULL DEFAULT ''"),
    ("decisions", None, "Besluiten",
     "request_id TEXT NOT NULL UNIQUE, decided_at TEXT NOT NULL, policy TEXT NOT NULL, "
     "group_id TEXT NOT NULL, ward_code TEXT, outcome TEXT NOT NULL, reason_code TEXT NOT NULL, "
     "reason TEXT NOT NULL, n_proposals INTEGER NOT NULL DEFAULT 0, notes TEXT NOT NULL DEFAULT ''"),
    ("request_events", None, "Levensloop van de aanvragen (alleen toevoegen)",
     "request_id TEXT NOT NULL, event TEXT NOT NULL CHECK (event IN ('received','decided','resolved','agreed')), "
     "at TEXT NOT NULL, event_date TEXT NOT NULL, outcome TEXT, ward_code TEXT, "
     "reason TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''"),
    ("groups", None, "WhatsApp-groepen (zonder persoonsgegevens)",
     "group_id TEXT NOT NULL UNIQUE, group_name TEXT NOT NULL, wabp_registered BOOLEAN NOT NULL DEFAULT 0, "
     "ward_code TEXT, created_at TEXT NOT NULL, removed_on TEXT"),
    ("admins", None, "Beheerders (PERSOONSGEGEVENS)",
     "group_id TEXT NOT NULL, name TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '', "
     "email TEXT NOT NULL DEFAULT '', officer_consent BOOLEAN NOT NULL DEFAULT 0"),
    ("group_events", None, "Geschiedenis van groepen en beheerders (alleen toevoegen, zonder persoonsgegevens)",
     "group_id TEXT NOT NULL, event TEXT NOT NULL CHECK (event IN ('added','changed','removed','readded',"
     "'admin_added','admin_changed','admin_removed')), at TEXT NOT NULL, event_date TEXT NOT NULL, "
     "reason TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT ''"),
    ("officers", None, "Wijkagenten per wijk",
     "ward_code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '', "
     "email TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL"),
    ("store_meta", None, "Gegevens over het register",
     "key TEXT NOT NULL UNIQUE, value TEXT NOT NULL"),
]
SPATIAL = {name: gtype for name, gtype, _, _ in LAYERS if gtype}

APPEND_ONLY = {"sign_events": "borden", "request_events": "aanvragen", "group_events": "groepen"}
TRIGGERS = [f"{table}_append_only_{what}" for table in APPEND_ONLY for what in ("update", "delete")]

_EXTRA = [
    *(f"CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table} "
      f"BEGIN SELECT RAISE(ABORT, 'de geschiedenis van {noun} kan niet worden gewijzigd'); END"
      for table, noun in APPEND_ONLY.items()),
    *(f"CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table} "
      f"BEGIN SELECT RAISE(ABORT, 'de geschiedenis van {noun} kan niet worden gewist'); END"
      for table, noun in APPEND_ONLY.items()),
    "CREATE INDEX admins_group ON admins(group_id)",
    "CREATE INDEX sign_events_sign ON sign_events(sign_id)",
    "CREATE INDEX proposals_request ON proposals(request_id)",
    "CREATE INDEX request_events_request ON request_events(request_id)",
    "CREATE INDEX group_events_group ON group_events(group_id)",
    # A review is resolved once: afterwards the request is approved or rejected.
    "CREATE UNIQUE INDEX request_events_resolved_once ON request_events(request_id) WHERE event = 'resolved'",
]


def create_schema(con) -> None:
    """Create the empty GeoPackage schema on a fresh connection; leaves the transaction open."""
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {USER_VERSION}")
    con.execute("BEGIN")
    for statement in filter(str.strip, _META_SQL.split(";")):
        con.execute(statement)
    con.executemany(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
        [("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
         ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
         ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
         ("Amersfoort / RD New", SRS_ID, "EPSG", SRS_ID, RD_NEW_WKT, "Rijksdriehoeksstelsel (RD New), metres")],
    )
    for layer in LAYERS:
        _create_layer(con, *layer)
    for statement in _EXTRA:
        con.execute(statement)


def _table_sql(name: str, gtype: str | None, columns: str) -> str:
    geom = f", geom {gtype}" if gtype else ""
    return f"CREATE TABLE {name} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL{geom}, {columns})"


def _create_layer(con, name: str, gtype: str | None, description: str, columns: str) -> None:
    con.execute(_table_sql(name, gtype, columns))
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (name, "features" if gtype else "attributes", name, description, SRS_ID if gtype else None),
    )
    if gtype:
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)", (name, gtype, SRS_ID))


# ----------------------------------------------------------------- migration


def migrate(con, version: int, *, now: str) -> None:
    """Bring a register of an older schema ``version`` (in :data:`MIGRATABLE`) to :data:`SCHEMA_VERSION`.

    Runs inside the caller's write transaction: either everything is done or
    nothing. Each step is its own function: :func:`migrate_v1_to_v2`,
    :func:`migrate_v2_to_v3_population`,
    :func:`migrate_v3_to_v4_officer_consent`.
    """
    if version not in MIGRATABLE:
        raise ValueError(f"schema version {version} cannot be migrated")
    if version < 2:
        migrate_v1_to_v2(con)
    if version < 3:
        migrate_v2_to_v3_population(con)
    if version < 4:
        migrate_v3_to_v4_officer_consent(con)
    con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
    con.execute("INSERT INTO store_meta (key, value) VALUES ('migrated_at', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (now,))


def migrate_v3_to_v4_officer_consent(con) -> None:
    """Version 3 -> 4: ``admins.officer_consent`` (introduced to the wijkagent), no for every admin so far."""
    con.execute("ALTER TABLE admins ADD COLUMN officer_consent BOOLEAN NOT NULL DEFAULT 0")


def migrate_v1_to_v2(con) -> None:
    """Version 1 -> 2: ``sign_events`` is rebuilt with the new event
    ``agreed`` (rows, fids and triggers kept), ``request_events`` and
    ``group_events`` are created, and the life of every request so far is
    written into ``request_events`` (``received`` on its date, ``decided``
    when its decision was recorded).
    """
    layers = {name: (gtype, description, columns) for name, gtype, description, columns in LAYERS}
    # sign_events: the same columns with a wider CHECK; rebuilt under a temporary name, then renamed.
    gtype, _, columns = layers["sign_events"]
    cols = ", ".join(["fid", "geom"] + [r[1] for r in con.execute("PRAGMA table_info(sign_events)")
                                        if r[1] not in ("fid", "geom")])
    for trigger in ("sign_events_append_only_update", "sign_events_append_only_delete"):
        con.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    con.execute(_table_sql("sign_events_v2", gtype, columns))
    con.execute(f"INSERT INTO sign_events_v2 ({cols}) SELECT {cols} FROM sign_events")
    con.execute("DROP INDEX IF EXISTS sign_events_sign")
    con.execute("DROP TABLE sign_events")
    con.execute("ALTER TABLE sign_events_v2 RENAME TO sign_events")
    for name in ("request_events", "group_events"):
        _create_layer(con, name, *layers[name])
    for statement in _EXTRA:
        if "sign_events_append_only" in statement or "sign_events_sign" in statement or any(
                t in statement for t in ("request_events", "group_events")):
            con.execute(statement)
    con.execute("INSERT INTO request_events (request_id, event, at, event_date, reason) "
                "SELECT request_id, 'received', created_at, date, '' FROM requests ORDER BY date, fid")
    con.execute("INSERT INTO request_events (request_id, event, at, event_date, outcome, ward_code, reason, detail) "
                "SELECT d.request_id, 'decided', d.decided_at, substr(d.decided_at, 1, 10), d.outcome, d.ward_code, "
                "d.reason, json_object('reason_code', d.reason_code, 'policy', d.policy) "
                "FROM decisions d ORDER BY d.fid")
    con.execute("INSERT INTO group_events (group_id, event, at, event_date, reason) "
                "SELECT group_id, 'added', created_at, substr(created_at, 1, 10), "
                "'overgenomen bij het bijwerken van het register' FROM groups ORDER BY fid")
    con.execute("INSERT INTO group_events (group_id, event, at, event_date, reason) "
                "SELECT group_id, 'removed', removed_on, substr(removed_on, 1, 10), "
                "'overgenomen bij het bijwerken van het register' FROM groups WHERE removed_on IS NOT NULL "
                "ORDER BY fid")


def migrate_v2_to_v3_population(con) -> None:
    """Version 2 -> 3: the wards get their CBS figures (:data:`WARD_POPULATION_COLUMNS`).

    The residents of a ward stay unknown (NULL) until its wards are imported
    again; a ward with a CBS buurt code gets its CBS wijk (``BU04150203`` lies
    in ``WK041502``) and its gemeente (``GM0415``).
    """
    for column in WARD_POPULATION_COLUMNS.split(", "):
        con.execute(f"ALTER TABLE wards ADD COLUMN {column}")
    con.execute("UPDATE wards SET wijk_code = 'WK' || substr(code, 3, 6), gemeente_code = 'GM' || substr(code, 3, 4) "
                "WHERE code GLOB 'BU[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'")
    con.execute("UPDATE wards SET wijk_code = code, gemeente_code = 'GM' || substr(code, 3, 4) "
                "WHERE code GLOB 'WK[0-9][0-9][0-9][0-9][0-9][0-9]'")


# ----------------------------------------------------------------- geometry blobs


def to_blob(geom) -> bytes | None:
    """One shapely geometry as a GeoPackage binary (little endian, XY envelope).

    Points carry no envelope (allowed by the spec and what GDAL writes).
    """
    if geom is None:
        return None
    wkb = shapely.to_wkb(geom, byte_order=1, flavor="iso", output_dimension=2)
    if geom.is_empty:
        return b"GP" + struct.pack("<BBi", 0, 0b00010001, SRS_ID) + wkb
    if geom.geom_type == "Point":
        return b"GP" + struct.pack("<BBi", 0, 0b00000001, SRS_ID) + wkb
    x0, y0, x1, y1 = geom.bounds
    return b"GP" + struct.pack("<BBi4d", 0, 0b00000011, SRS_ID, x0, x1, y0, y1) + wkb


_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def from_blobs(blobs) -> np.ndarray:
    """GeoPackage binary blobs (or PostGIS EWKB) to an array of shapely geometries (None stays None)."""
    out = np.full(len(blobs), None, dtype=object)
    wkbs, where = [], []
    for i, blob in enumerate(blobs):
        if blob is None:
            continue
        if isinstance(blob, str) or bytes(blob[:2]) != b"GP":  # (E)WKB, hex from PostGIS
            wkbs.append(bytes.fromhex(blob) if isinstance(blob, str) else bytes(blob))
            where.append(i)
            continue
        flags = blob[3]
        offset = 8 + 8 * _ENVELOPE_DOUBLES[(flags >> 1) & 0b111]
        wkbs.append(bytes(blob[offset:]))
        where.append(i)
    if wkbs:
        out[np.asarray(where)] = shapely.from_wkb(np.asarray(wkbs, dtype=object))
    return out


def update_extent(con, table: str) -> None:
    """Set ``gpkg_contents`` bounds of a feature table to its data (x/y of blobs)."""
    blobs = [row[0] for row in con.execute(f"SELECT geom FROM {table} WHERE geom IS NOT NULL")]
    geoms = from_blobs(blobs)
    if len(geoms):
        x0, y0, x1, y1 = shapely.total_bounds(geoms)
        bounds = (float(x0), float(y0), float(x1), float(y1))
    else:
        bounds = (None, None, None, None)
    con.execute(
        "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
        "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
        (*bounds, table),
    )
