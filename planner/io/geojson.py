"""GeoJSON as RFC 7946 defines it: the planner's one GeoJSON writer.

Every ``.geojson`` file the planner writes (``planner export``, ``planner
import wards|roads --out FILE.geojson``, the demo data script) goes through
:func:`to_geojson`, so all of them follow RFC 7946 the same way:

* coordinates in WGS84 longitude, latitude (EPSG:4326), and no ``crs``
  member (RFC 7946 section 4);
* polygon exterior rings counterclockwise, holes clockwise (section 3.1.6,
  the right-hand rule);
* coordinates rounded to 7 decimals (about 1 cm; section 11.2 advises
  against needless precision).

Properties are written as JSON values: missing values (``NaN``, ``NA``,
``NaT``, ``None``) become ``null``, dates become ISO text.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.coords import WGS84

PRECISION = 7  # decimals of a degree: about 1 cm


def to_geojson(gdf: gpd.GeoDataFrame, *, precision: int = PRECISION) -> str:
    """A GeoDataFrame as an RFC 7946 FeatureCollection (text).

    Parameters
    ----------
    gdf : GeoDataFrame
        Features with a CRS (any; they are projected to WGS84).
    precision : int
        Decimals kept of every coordinate (default 7).

    Returns
    -------
    str
        ``{"type": "FeatureCollection", "features": [...]}`` with one feature
        per line (readable, and diffs stay small), without ``crs`` member and
        without feature ids.
    """
    if gdf.crs is None:
        raise ValueError("to_geojson: the GeoDataFrame has no CRS; set it before writing GeoJSON")
    geometries = rfc7946_geometries(gdf.geometry.to_crs(WGS84).to_numpy(), precision=precision)
    texts = np.full(len(geometries), "null", dtype=object)
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if present.any():
        texts[present] = shapely.to_geojson(geometries[present])
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    rows = gdf[columns].to_dict("records") if columns else [{} for _ in range(len(gdf))]
    features = ",\n".join(
        '{"type":"Feature","properties":' + json.dumps({k: _json_value(v) for k, v in row.items()},
                                                        ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":' + text + "}"
        for row, text in zip(rows, texts))
    return '{"type":"FeatureCollection","features":[\n' + features + "\n]}\n"


def rfc7946_geometries(geometries, *, precision: int = PRECISION) -> np.ndarray:
    """WGS84 geometries rounded to ``precision`` decimals, exterior rings counterclockwise.

    Rounding comes first, so the orientation holds for the coordinates as written.
    """
    geometries = np.asarray(geometries, dtype=object)
    rounded = shapely.transform(geometries, lambda xy: np.round(xy, precision))
    return _counterclockwise(rounded)


def _counterclockwise(geometries: np.ndarray) -> np.ndarray:
    if hasattr(shapely, "orient_polygons"):  # shapely >= 2.1: vectorized
        return shapely.orient_polygons(geometries, exterior_cw=False)
    from shapely.geometry.polygon import orient

    def one(geom):
        if geom is None or geom.is_empty:
            return geom
        if geom.geom_type == "Polygon":
            return orient(geom, 1.0)
        if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
            return type(geom)([one(part) for part in geom.geoms])
        return geom

    return np.array([one(g) for g in geometries], dtype=object)


def _json_value(value):
    """A property value as plain JSON (numpy scalars, missing values, dates)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict, str, int)):
        return value
    return str(value)


__all__ = ["to_geojson", "rfc7946_geometries", "PRECISION"]
