"""Record real OpenStreetMap street geometry for the tests (offline; no network).

Source: the OSM extract that pyrosm ships as ``pyrosm.get_data("test_pbf")``
(a small part of Finland, (c) OpenStreetMap contributors, ODbL). Its road
ways are read as they are in OSM (split at junctions, bridges and tag
changes, drawn in either direction), projected to metres (ETRS-TM35FIN,
EPSG:3067) and moved rigidly (no rotation, no scaling) so that their centre
lies in Landsmeer (RD New 121000, 494000): real street shapes, real way
splits, at a place where the planner's Dutch checks accept them.

    python scripts/record_osm_streets.py    # writes tests/recorded/osm_streets.geojson
"""

from __future__ import annotations

from pathlib import Path

import pyrosm
import shapely

from planner import to_geojson
from planner.io.sources import osm

CENTRE_RD = (121_000.0, 494_000.0)
OUT = Path(__file__).resolve().parents[1] / "tests" / "recorded" / "osm_streets.geojson"


def main() -> None:
    ways = osm.read_osm_roads(pyrosm.get_data("test_pbf")).to_crs(3067)
    x0, y0, x1, y1 = ways.total_bounds
    dx, dy = CENTRE_RD[0] - (x0 + x1) / 2, CENTRE_RD[1] - (y0 + y1) / 2
    moved = ways.copy()
    moved["geometry"] = shapely.transform(ways.geometry.values, lambda xy: xy + [dx, dy])
    moved = moved.set_crs(28992, allow_override=True)
    moved["osm_id"] = moved["osm_id"].astype("int64")
    moved["name"] = moved["name"].fillna("")
    OUT.write_text(to_geojson(moved[["osm_id", "name", "highway", "geometry"]]), encoding="utf-8")
    print(f"{OUT}: {len(moved)} ways")


if __name__ == "__main__":
    main()
