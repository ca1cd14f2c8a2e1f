"""``planner store copy SRC DST``: move a register between a GeoPackage and PostgreSQL/PostGIS.

Every layer is copied row by row with its ``fid``, so a round trip
(GeoPackage -> PostGIS -> GeoPackage) gives a register whose
:meth:`planner.store.Store.dump` equals the original's. The destination
must be new: a GeoPackage file that does not exist yet (written under no
name until complete, like ``planner init``), or a gemeente without a
register in the PostgreSQL database (one transaction: all or nothing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import shapely

from planner import settings
from planner.errors import InputError, StoreError
from planner.register import postgres as store_pg
from planner.register.check import expected_columns
from planner.register.schema import (
    LAYERS,
    SPATIAL,
    create_schema,
    from_blobs,
    to_blob,
    update_extent,
)
from planner.register.store import Store, default_path, write_new_register


def read_layers(store: Store) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every layer of ``store``: ``name -> (columns, rows)``, rows in fid order, geometries as GeoPackage blobs."""
    out = {}
    with store.reading() as con:
        for name, *_ in LAYERS:
            cols = list(expected_columns()[name])
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {name} ORDER BY fid").fetchall()
            if "geom" in cols:
                g = cols.index("geom")
                geoms = from_blobs([r[g] for r in rows])
                rows = [(*r[:g], r[g] if isinstance(r[g], bytes) and r[g][:2] == b"GP" else
                         (None if geom is None else to_blob(shapely.set_srid(geom, 0))), *r[g + 1:])
                        for r, geom in zip(rows, geoms)]
            out[name] = (cols, [tuple(r) for r in rows])
    return out


def _insert_all(con, layers) -> None:
    for name, (cols, rows) in layers.items():
        con.executemany(f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)


def copy_store(src, dst) -> dict:
    """Copy the register at ``src`` to the new register ``dst`` (paths or ``postgresql://`` URLs).

    Returns ``{"from", "to", "rows": {layer: n}}``.
    """
    source = Store(default_path(src))
    target = default_path(dst)
    if str(target) == str(source.path):
        raise InputError("store copy: bron en doel zijn hetzelfde register")
    layers = read_layers(source)
    if store_pg.is_url(target):
        for attempt in range(3):  # a first init at the same moment: once more, then the schema is there
            try:
                with store_pg.transaction(target, settings.busy_timeout(), create=True) as con:
                    _insert_all(con, layers)
                    for name, *_ in LAYERS:  # the next generated fid follows the copied ones
                        con.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'fid'), GREATEST("
                                    f"(SELECT COALESCE(max(fid), 0) FROM {name}) + 1, nextval(pg_get_serial_sequence("
                                    f"'{name}', 'fid'))), false)")
                break
            except store_pg.SchemaRace:
                if attempt == 2:
                    raise
    else:
        path = Path(target)
        if path.exists():
            raise StoreError(f"{path}: bestaat al; kies een nieuwe naam voor de kopie")
        mem = sqlite3.connect(":memory:", isolation_level=None)
        try:
            create_schema(mem)
            _insert_all(mem, layers)
            for table in SPATIAL:
                update_extent(mem, table)
            mem.execute("COMMIT")
            data = mem.serialize()
        finally:
            mem.close()
        write_new_register(path, data)
    return {"from": str(source.path), "to": str(target), "rows": {n: len(r) for n, (_, r) in layers.items()}}
