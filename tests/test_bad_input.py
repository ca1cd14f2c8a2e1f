"""The bad-input corpus (issue 12): every input, damaged the way a careless or hostile user would.

Each case runs one command in-process (``planner.cli.main``) in a fresh copy
of a working folder (the demo data in ``data/`` and a register
``planner.gpkg``) and asserts what the README promises for bad input: exit
code 2, exactly one line on stderr and it starts with ``error:`` (no
traceback, no warnings), and nothing written or changed (the folder's file
names and bytes, and the register's contents, are as before).

Policy files are being rewritten; for them only the exit code and the one
error line are asserted (``loose``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import geopandas as gpd
import pyogrio
import pytest
import shapely

from planner import cli, geo
from planner.register.store import Store, create_store

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-10-01T12:00:00Z"
LONG = "x" * 300          # longer than any name may be
HUGE = "y" * 3000         # longer than any free text may be


# ----------------------------------------------------------------- the working folder


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A working folder with the demo data in ``data/`` and a register made from it."""
    root = tmp_path_factory.mktemp("base")
    shutil.copytree(REPO / "data", root / "data")
    old = os.environ.get("PLANNER_NOW")
    os.environ["PLANNER_NOW"] = NOW
    try:
        d = root / "data"
        create_store(root / "planner.gpkg", geo.load_wards(d / "wijken.geojson"), geo.load_signs(d / "borden.geojson"),
                     geo.load_groups(d / "groepen.csv"), geo.load_requests(d / "aanvragen.csv"), source="data")
    finally:
        if old is None:
            del os.environ["PLANNER_NOW"]
        else:
            os.environ["PLANNER_NOW"] = old
    (root / "in").mkdir()
    return root


@pytest.fixture
def work(base, tmp_path, monkeypatch):
    w = tmp_path / "w"
    shutil.copytree(base, w)
    monkeypatch.chdir(w)
    monkeypatch.setenv("PLANNER_DATA", str(w / "data"))
    monkeypatch.setenv("PLANNER_NOW", NOW)
    for name in ("PLANNER_STORE", "PLANNER_BUSY_TIMEOUT", "PLANNER_DEBUG", "PLANNER_ADDRESSES"):
        monkeypatch.delenv(name, raising=False)
    return w


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def register_dump(folder: Path):
    try:
        return Store(folder / "planner.gpkg").dump()
    except Exception:  # noqa: BLE001  (a damaged register has no dump; its bytes are compared)
        return None


def run(capsys, argv) -> tuple[int, str, str]:
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(code, err):
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


# ----------------------------------------------------------------- small files


def fc(features, crs=None) -> dict:
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return data


def feat(props, geometry) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x, y) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def square(x, y, d=0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]}


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    write_json(path, data)


def demo(w: Path, name: str) -> dict:
    return json.loads((w / "data" / name).read_text(encoding="utf-8"))


def wards_with(change) -> Callable:
    """Setup: ``in/w.geojson`` = the demo wards with ``change(data)`` applied."""
    def setup(w):
        data = demo(w, "wijken.geojson")
        change(data)
        write_json(w / "in" / "w.geojson", data)
    return setup


def signs_with(change) -> Callable:
    def setup(w):
        data = demo(w, "borden.geojson")
        change(data)
        write_json(w / "in" / "s.geojson", data)
    return setup


def roads_with(change) -> Callable:
    def setup(w):
        data = demo(w, "wegen.geojson")
        change(data)
        write_json(w / "in" / "r.geojson", data)
    return setup


def set_prop(key, value, i=0) -> Callable:
    def change(data):
        data["features"][i]["properties"][key] = value
    return change


def drop_prop(key) -> Callable:
    def change(data):
        for f in data["features"]:
            f["properties"].pop(key, None)
    return change


def set_geom(geometry, i=0) -> Callable:
    def change(data):
        data["features"][i]["geometry"] = geometry
    return change


def swap_coords(data):
    def swap(c):
        return [swap(x) for x in c] if isinstance(c[0], list) else [c[1], c[0]]
    for f in data["features"]:
        f["geometry"]["coordinates"] = swap(f["geometry"]["coordinates"])


def csv_file(name: str, text: str, encoding="utf-8") -> Callable:
    def setup(w):
        (w / "in" / name).write_bytes(text.encode(encoding))
    return setup


def csv_from_demo(demo_name: str, out: str, change: Callable[[list[str]], list[str]]) -> Callable:
    """Setup: ``in/OUT`` = a demo CSV with its lines changed."""
    def setup(w):
        lines = (w / "data" / demo_name).read_text(encoding="utf-8").splitlines()
        (w / "in" / out).write_text("\n".join(change(lines)) + "\n", encoding="utf-8")
    return setup


def replace_in(line_no: int, old: str, new: str) -> Callable:
    def change(lines):
        lines = list(lines)
        assert old in lines[line_no], (old, lines[line_no])
        lines[line_no] = lines[line_no].replace(old, new, 1)
        return lines
    return change


def file_bytes(name: str, data: bytes) -> Callable:
    def setup(w):
        (w / "in" / name).write_bytes(data)
    return setup


def both(*setups) -> Callable:
    def setup(w):
        for s in setups:
            s(w)
    return setup


def no_register(w):
    (w / "planner.gpkg").unlink()


def sql(*statements) -> Callable:
    """Setup: change the register with raw SQL (as another program could)."""
    def setup(w):
        con = sqlite3.connect(w / "planner.gpkg", isolation_level=None)
        for s in statements:
            con.execute(s)
        con.close()
    return setup


def register_bytes(change: Callable[[bytes], bytes]) -> Callable:
    def setup(w):
        p = w / "planner.gpkg"
        p.write_bytes(change(p.read_bytes()))
    return setup


def corrupt_pages(data: bytes) -> bytes:
    data = bytearray(data)
    data[4096 * 3 + 8: 4096 * 3 + 3000] = b"\xff" * (3000 - 8)
    return bytes(data)


def plain_sqlite(w):
    (w / "planner.gpkg").unlink()
    con = sqlite3.connect(w / "planner.gpkg")
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()


def wards_gpkg(w):
    """A GeoPackage of wards made by a GIS program: not a register."""
    (w / "planner.gpkg").unlink()
    pyogrio.write_dataframe(geo.load_wards(w / "data" / "wijken.geojson"), w / "planner.gpkg", layer="wijken")


def two_layer_gpkg(w):
    wards = geo.load_wards(w / "data" / "wijken.geojson")
    pyogrio.write_dataframe(wards, w / "in" / "twee.gpkg", layer="een")
    pyogrio.write_dataframe(wards, w / "in" / "twee.gpkg", layer="andere")


def cbs_gpkg(w, *, name="wijkenbuurten_2024_v1.gpkg", level_layer="buurten"):
    wards = geo.load_wards(w / "data" / "wijken.geojson")
    gdf = gpd.GeoDataFrame({"buurtcode": [f"BU0415{i:04d}" for i in range(len(wards))],
                            "buurtnaam": wards["name"], "wijkcode": "WK041500", "gemeentecode": "GM0415",
                            "gemeentenaam": "Landsmeer", "water": "NEE", "aantal_inwoners": 100},
                           geometry=wards.geometry.values, crs=geo.RD_NEW)
    pyogrio.write_dataframe(gdf, w / "in" / name, layer=level_layer)


def pbf_bytes(data: bytes) -> Callable:
    return file_bytes("wegen.osm.pbf", data)


def lines_gpkg(columns: dict, *, where="landsmeer") -> Callable:
    def setup(w):
        x0, y0 = (121000, 494000) if where == "landsmeer" else (900000, 9000000)
        gdf = gpd.GeoDataFrame(columns, geometry=[shapely.LineString([(x0, y0), (x0 + 500, y0 + 500)])],
                               crs=geo.RD_NEW)
        pyogrio.write_dataframe(gdf, w / "in" / "wegen.gpkg", layer="wegen")
    return setup


def policy_file(text: str) -> Callable:
    return file_bytes("beleid.toml", text.encode("utf-8"))


def addresses_file(text: str) -> Callable:
    return file_bytes("adressen.csv", text.encode("utf-8"))


ADDRESSES = "postcode,huisnummer,x,y\n1121AB,12,123000,494000\n"


def internal_export(w):
    (w / "export").mkdir()
    (w / "export" / "admins.csv").write_text("group_id,name,phone,email\n", encoding="utf-8")


def a_file(name: str) -> Callable:
    def setup(w):
        (w / name).write_text("ik ben een bestand\n", encoding="utf-8")
    return setup


# ----------------------------------------------------------------- the corpus


@dataclass
class Case:
    id: str
    argv: list
    setup: Callable | None = None
    env: dict = field(default_factory=dict)
    loose: bool = False  # policy files: exit 2 and one error line only


W, S, R = "in/w.geojson", "in/s.geojson", "in/r.geojson"
CASES = [
    # --- wards files (status reads wards and signs; --store none: files only)
    Case("wards-missing", ["status", "--wards", "in/nope.geojson"]),
    Case("wards-empty", ["status", "--wards", "in/w.geojson"], file_bytes("w.geojson", b"")),
    Case("wards-random-bytes", ["status", "--wards", "in/w.geojson"], file_bytes("w.geojson", os.urandom(2000))),
    Case("wards-truncated", ["status", "--wards", W],
         lambda w: (w / W).write_bytes((w / "data" / "wijken.geojson").read_bytes()[:3000])),
    Case("wards-not-geojson", ["status", "--wards", W], file_bytes("w.geojson", b'{"a": 1}')),
    Case("wards-no-features", ["status", "--wards", W], lambda w: write_json(w / W, fc([]))),
    Case("wards-points", ["status", "--wards", W], wards_with(set_geom(point(4.91, 52.43)))),
    Case("wards-lines", ["status", "--wards", W],
         wards_with(set_geom({"type": "LineString", "coordinates": [[4.91, 52.43], [4.92, 52.44]]}))),
    Case("wards-no-code", ["status", "--wards", W], wards_with(drop_prop("code"))),
    Case("wards-no-name", ["status", "--wards", W], wards_with(drop_prop("name"))),
    Case("wards-duplicate-code", ["status", "--wards", W], wards_with(set_prop("code", "LM02", 0))),
    Case("wards-empty-code", ["status", "--wards", W], wards_with(set_prop("code", " ", 0))),
    Case("wards-long-name", ["status", "--wards", W], wards_with(set_prop("name", LONG))),
    Case("wards-name-with-newline", ["status", "--wards", W], wards_with(set_prop("name", "Dorp\nerror: nep"))),
    Case("wards-long-code", ["status", "--wards", W], wards_with(set_prop("code", LONG))),
    Case("wards-swapped-lonlat", ["status", "--wards", W], wards_with(swap_coords)),
    Case("wards-rd-in-wgs84", ["status", "--wards", W],
         lambda w: write_json(w / W, fc([feat({"code": "A", "name": "A"}, square(121000, 494000, 500))]))),
    Case("wards-outside-nl", ["status", "--wards", W],
         lambda w: write_json(w / W, fc([feat({"code": "A", "name": "Parijs"}, square(2.35, 48.85))]))),
    Case("wards-degrees-declared-rd", ["status", "--wards", W],
         lambda w: write_json(w / W, fc([feat({"code": "A", "name": "A"}, square(4.9, 52.4))],
                                         "urn:ogc:def:crs:EPSG::28992"))),
    Case("wards-unclosed-ring-rd-numbers", ["status", "--wards", W],
         lambda w: write_json(w / W, fc([feat({"code": "A", "name": "A"}, {"type": "Polygon", "coordinates": [
             [[121000, 494000], [121500, 494000], [121500, 494500], [121000, 494500]]]})]))),
    Case("wards-directory", ["status", "--wards", "in"]),
    Case("wards-unknown-suffix", ["status", "--wards", "in/w.xyz"], file_bytes("w.xyz", b"abc")),
    Case("wards-csv-points", ["status", "--wards", "in/w.csv"], csv_file("w.csv", "code,name,x,y\nA,B,121000,494000\n")),
    Case("wards-two-layers", ["status", "--wards", "in/twee.gpkg"], two_layer_gpkg),
    Case("wards-missing-layer", ["status", "--wards", "in/twee.gpkg:geen"], two_layer_gpkg),
    Case("wards-empty-path", ["status", "--wards", ""]),
    Case("wards-other-place-check-with-register",
         ["check", "--at", "4.916,52.433", "--signs", S],
         both(signs_with(lambda d: [f["geometry"].update(coordinates=[5.5, 52.0]) for f in d["features"]]))),
    # --- signs files
    Case("signs-missing", ["status", "--signs", "in/nope.geojson"]),
    Case("signs-no-id", ["status", "--signs", S], signs_with(drop_prop("id"))),
    Case("signs-no-status", ["status", "--signs", S], signs_with(drop_prop("status"))),
    Case("signs-unknown-status", ["status", "--signs", S], signs_with(set_prop("status", "misschien"))),
    Case("signs-duplicate-id", ["status", "--signs", S], signs_with(set_prop("id", "B002", 0))),
    Case("signs-polygons", ["status", "--signs", S], signs_with(set_geom(square(4.91, 52.43)))),
    Case("signs-swapped", ["status", "--signs", S], signs_with(swap_coords)),
    Case("signs-rd-in-wgs84", ["status", "--signs", S], signs_with(set_geom(point(122955, 494016)))),
    Case("signs-outside-nl", ["status", "--signs", S], signs_with(set_geom(point(2.35, 48.85)))),
    Case("signs-placed-on-ooit", ["status", "--signs", S], signs_with(set_prop("placed_on", "ooit"))),
    Case("signs-placed-on-31-02", ["status", "--signs", S], signs_with(set_prop("placed_on", "31-02-2021"))),
    Case("signs-placed-on-month-13", ["status", "--signs", S], signs_with(set_prop("placed_on", "2021-13-01"))),
    Case("signs-placed-on-bad-time", ["status", "--signs", S],
         signs_with(set_prop("placed_on", "2021-03-15 25:00"))),
    Case("signs-long-id", ["status", "--signs", S], signs_with(set_prop("id", LONG))),
    Case("signs-long-street", ["status", "--signs", S], signs_with(set_prop("street", LONG))),
    Case("signs-csv-ragged-row", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,121000,494000\nB2,placed,121100,494100,extra\n")),
    Case("signs-csv-short-row", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,121000,494000\nB2,placed,121100\n")),
    Case("signs-csv-not-numbers", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,twaalf,494000\n")),
    Case("signs-csv-infinite", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,inf,494000\n")),
    Case("signs-csv-both-pairs", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y,lon,lat\nB1,placed,121000,494000,4.9,52.4\n")),
    Case("signs-csv-no-coordinates", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,,\n")),
    Case("signs-csv-degrees-in-xy", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,4.91,52.43\n")),
    Case("signs-csv-no-coordinate-columns", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,straat\nB1,placed,Dorpsstraat\n")),
    Case("signs-csv-header-only", ["status", "--signs", "in/s.csv"], csv_file("s.csv", "id,status,x,y\n")),
    Case("signs-csv-utf16-without-bom", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y\nB1,placed,121000,494000\n", encoding="utf-16-le")),
    Case("signs-csv-unbalanced-quote", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", 'id,status,x,y\n"B1,placed,121000,494000\n')),
    Case("signs-csv-duplicate-column", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id,status,x,y,x\nB1,placed,121000,494000,1\n")),
    Case("signs-csv-lon-lat-swapped", ["status", "--signs", "in/s.csv"],
         csv_file("s.csv", "id;status;lon;lat\nB1;placed;52,43;4,91\n")),
    Case("signs-other-place-than-wards", ["status", "--signs", S],
         both(no_register, signs_with(lambda d: [f["geometry"].update(coordinates=[5.5, 52.0])
                                                 for f in d["features"]]))),
    # --- roads files
    Case("roads-missing", ["check", "--at", "4.916,52.433", "--roads", "in/nope.geojson"]),
    Case("roads-no-highway", ["check", "--at", "4.916,52.433", "--roads", R], roads_with(drop_prop("highway"))),
    Case("roads-points", ["check", "--at", "4.916,52.433", "--roads", R], roads_with(set_geom(point(4.91, 52.43)))),
    Case("roads-long-name", ["check", "--at", "4.916,52.433", "--roads", R], roads_with(set_prop("name", LONG))),
    Case("roads-outside-nl", ["check", "--at", "4.916,52.433", "--roads", R], roads_with(
        set_geom({"type": "LineString", "coordinates": [[2.35, 48.85], [2.36, 48.86]]}))),
    Case("roads-random-bytes", ["check", "--at", "4.916,52.433", "--roads", R], file_bytes("r.geojson", os.urandom(500))),
    Case("roads-other-place-required", ["relocate", "B001", "--reason", "test", "--roads", R],
         both(no_register, roads_with(lambda d: [f["geometry"].update(coordinates=[[5.5, 52.0], [5.51, 52.01]])
                                                 for f in d["features"]]))),
    # --- groups files (decide on files: --requests given)
    Case("groups-missing-columns", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "id,naam\nG01,Buurt\n")),
    Case("groups-four-admins", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\n" + "".join(f"G01,Buurt,A{i}\n" for i in range(4)))),
    Case("groups-empty-id", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\n,Buurt,Anna\n")),
    Case("groups-id-with-space", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\nG 01,Buurt,Anna\n")),
    Case("groups-duplicate-admin", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\nG01,Buurt,Anna\nG01,Buurt,Anna\n")),
    Case("groups-long-name", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", f"group_id,group_name,admin_name\nG01,{LONG},Anna\n")),
    Case("groups-huge-name", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\nG01," + "z" * 100_000 + ",Anna\n")),
    Case("groups-ragged-row", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "group_id,group_name,admin_name\nG01,Buurt,Anna,extra,meer\n")),
    Case("groups-empty-file", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in/g.csv"],
         csv_file("g.csv", "")),
    Case("groups-directory", ["decide", "--requests", "data/aanvragen.csv", "--groups", "in"]),
    # --- requests files
    Case("requests-date-ooit", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(1, "2026-09-01", "ooit"))),
    Case("requests-date-31-02", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(1, "2026-09-01", "31-02-2026"))),
    Case("requests-date-bad-time", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(1, "2026-09-01", "2026-09-01 99:99"))),
    Case("requests-date-empty", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(1, "2026-09-01", ""))),
    Case("requests-no-date-column", ["decide", "--requests", "in/a.csv"],
         csv_file("a.csv", "request_id,group_id,x,y\nA1,G01,123000,494000\n")),
    Case("requests-duplicate-id", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(2, "A002", "A001"))),
    Case("requests-id-300-chars", ["demo", "--requests", "in/a.csv", "--out", "uit"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(2, "A002", "A" * 300))),
    Case("requests-id-with-slash", ["demo", "--requests", "in/a.csv", "--out", "uit"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(2, "A002", "../../A002"))),
    Case("requests-empty-group", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(1, "G01", ""))),
    Case("requests-preferred-swapped", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(8, "4.9166 52.4336", "52.4336 4.9166"))),
    Case("requests-preferred-rd", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(8, "4.9166 52.4336", "123000 494000"))),
    Case("requests-preferred-garbage", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(8, "4.9166 52.4336", "bij de kerk"))),
    Case("requests-preferred-outside-nl", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", replace_in(8, "4.9166 52.4336", "2.35 48.85"))),
    Case("requests-ragged-row", ["decide", "--requests", "in/a.csv"],
         csv_from_demo("aanvragen.csv", "a.csv", lambda lines: lines[:2] + [lines[2] + ",extra,meer"] + lines[3:])),
    Case("requests-no-location", ["decide", "--requests", "in/a.csv"],
         csv_file("a.csv", "request_id,date,group_id,x,y\nA1,2026-09-01,G01,,\n")),
    Case("requests-degrees-in-xy", ["decide", "--requests", "in/a.csv"],
         csv_file("a.csv", "request_id,date,group_id,x,y\nA1,2026-09-01,G01,4.9,52.4\n")),
    Case("requests-address-unreachable", ["decide", "--requests", "in/a.csv"],
         csv_file("a.csv", "request_id,date,group_id,adres\nA1,2026-09-01,G01,Zuideinde 1 Landsmeer\n")),
    Case("requests-empty-file", ["decide", "--requests", "in/a.csv"], csv_file("a.csv", "")),
    Case("requests-other-place", ["decide", "--requests", "in/a.csv"],
         both(no_register, csv_file("a.csv", "request_id,date,group_id,lon,lat\nA1,2026-09-01,G01,5.5,52.0\n"))),
    # --- policies (being rewritten: exit 2 and one error line only)
    Case("policy-unknown-preset", ["status", "--policy", "atlantis"], loose=True),
    Case("policy-directory", ["status", "--policy", "in"], loose=True),
    Case("policy-missing-file", ["status", "--policy", "in/geen.toml"], loose=True),
    Case("policy-invalid-toml", ["status", "--policy", "in/beleid.toml"], policy_file("max_signs = = 3\n"), loose=True),
    Case("policy-preset-number", ["status", "--policy", "in/beleid.toml"], policy_file("preset = 5\n"), loose=True),
    Case("policy-class-weights-number", ["status", "--policy", "in/beleid.toml"],
         policy_file("class_weights = 5\n"), loose=True),
    Case("policy-unknown-key", ["status", "--policy", "in/beleid.toml"], policy_file("maximaal = 3\n"), loose=True),
    Case("policy-negative-max-signs", ["status", "--policy", "in/beleid.toml"],
         policy_file("max_signs = -1\n"), loose=True),
    Case("policy-huge-max-signs", ["decide", "--policy", "in/beleid.toml"],
         policy_file("max_signs = 9223372036854775807\n"), loose=True),
    Case("policy-huge-cover-radius", ["decide", "--policy", "in/beleid.toml"],
         policy_file("cover_radius = 1e300\n"), loose=True),
    Case("policy-huge-class-weight", ["decide", "--policy", "in/beleid.toml"],
         policy_file("[class_weights]\nresidential = 1e308\n"), loose=True),
    Case("propose-huge-max-signs", ["propose", "LM01", "--max-signs", "9223372036854775807"]),
    Case("policy-binary", ["status", "--policy", "in/beleid.toml"],
         file_bytes("beleid.toml", b"\xff\xfe\x00garbage"), loose=True),
    # --- addresses
    Case("address-empty", ["check", "--address", ""]),
    Case("address-blank", ["check", "--address", "   "]),
    Case("address-too-long", ["check", "--address", LONG]),
    Case("address-unreachable-pdok", ["check", "--address", "Zuideinde 1, Landsmeer"]),
    Case("address-table-missing", ["check", "--address", "1121 AB 12", "--addresses", "in/geen.csv"]),
    Case("address-table-no-postcode", ["check", "--address", "1121 AB 12", "--addresses", "in/adressen.csv"],
         addresses_file("huisnummer,x,y\n12,123000,494000\n")),
    Case("address-table-bad-number", ["check", "--address", "1121 AB 12", "--addresses", "in/adressen.csv"],
         addresses_file("postcode,huisnummer,x,y\n1121AB,twaalf,123000,494000\n")),
    Case("address-table-outside-nl", ["check", "--address", "1121 AB 12", "--addresses", "in/adressen.csv"],
         addresses_file("postcode,huisnummer,lon,lat\n1121AB,12,2.35,48.85\n")),
    Case("address-not-in-table-offline", ["check", "--address", "9999 ZZ 1", "--addresses", "in/adressen.csv"],
         addresses_file(ADDRESSES)),
    Case("address-geocode-empty", ["geocode", ""]),
    Case("address-geocode-rows-zero", ["geocode", "1121 AB 12", "--rows", "0"]),
    Case("address-geocode-rows-text", ["geocode", "1121 AB 12", "--rows", "veel"]),
    Case("address-request-add-empty", ["request", "add", "--group", "G01", "--address", ""]),
    # --- CBS wards import
    Case("cbs-missing-file", ["import", "wards", "in/geen.gpkg", "--gemeente", "Landsmeer", "--out", "uit.geojson"]),
    Case("cbs-not-cbs", ["import", "wards", "data/wijken.geojson", "--gemeente", "Landsmeer", "--out", "uit.geojson"]),
    Case("cbs-unknown-gemeente", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Atlantis",
                                  "--out", "uit.geojson"], cbs_gpkg),
    Case("cbs-wrong-level", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                             "--level", "wijk", "--out", "uit.geojson"], cbs_gpkg),
    Case("cbs-year-nonsense", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                               "--year", "99999", "--out", "uit.geojson"], cbs_gpkg),
    Case("cbs-out-bad-suffix", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                                "--out", "uit.txt"], cbs_gpkg),
    Case("cbs-out-exists", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                            "--out", "data/wijken.geojson"], cbs_gpkg),
    Case("cbs-out-under-a-file", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                                  "--out", "bestand/uit.geojson"], both(cbs_gpkg, a_file("bestand"))),
    Case("cbs-out-empty", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                           "--out", ""], cbs_gpkg),
    Case("cbs-store-exists", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                              "--store", "planner.gpkg"], cbs_gpkg),
    Case("cbs-store-empty", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                             "--store", ""], cbs_gpkg),
    Case("cbs-random-bytes", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                              "--out", "uit.geojson"], file_bytes("wijkenbuurten_2024_v1.gpkg", os.urandom(4096))),
    Case("cbs-no-buurten-layer", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                                  "--out", "uit.geojson"], lambda w: (cbs_gpkg(w, level_layer="x"),
                                                                      cbs_gpkg(w, level_layer="y"))),
    Case("cbs-truncated", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                           "--out", "uit.geojson"],
         lambda w: (cbs_gpkg(w), (w / "in/wijkenbuurten_2024_v1.gpkg").write_bytes(
             (w / "in/wijkenbuurten_2024_v1.gpkg").read_bytes()[:70_000]))),
    Case("cbs-damaged-pages", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                               "--out", "uit.geojson"],
         lambda w: (cbs_gpkg(w), (w / "in/wijkenbuurten_2024_v1.gpkg").write_bytes(
             corrupt_pages((w / "in/wijkenbuurten_2024_v1.gpkg").read_bytes())))),
    Case("wards-gpkg-truncated", ["status", "--wards", "in/twee.gpkg:een"],
         lambda w: (two_layer_gpkg(w), (w / "in/twee.gpkg").write_bytes((w / "in/twee.gpkg").read_bytes()[:60_000]))),
    Case("cbs-unknown-level", ["import", "wards", "in/wijkenbuurten_2024_v1.gpkg", "--gemeente", "Landsmeer",
                               "--level", "straat", "--out", "uit.geojson"], cbs_gpkg),
    # --- OSM / NWB / line layers
    Case("osm-garbage-pbf", ["import", "roads", "in/wegen.osm.pbf", "--out", "uit.geojson"], pbf_bytes(os.urandom(3000))),
    Case("osm-empty-pbf", ["import", "roads", "in/wegen.osm.pbf", "--out", "uit.geojson"], pbf_bytes(b"")),
    Case("osm-bbox-text", ["import", "roads", "in/wegen.gpkg", "--bbox", "a,b,c,d", "--out", "uit.geojson"],
         lines_gpkg({"highway": ["residential"]})),
    Case("osm-bbox-three-numbers", ["import", "roads", "in/wegen.gpkg", "--bbox", "4.8,52.4,4.9",
                                    "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("osm-bbox-inverted", ["import", "roads", "in/wegen.gpkg", "--bbox", "4.9,52.5,4.8,52.4",
                               "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("osm-margin-nan", ["import", "roads", "in/wegen.gpkg", "--wards", "data/wijken.geojson", "--margin", "nan",
                            "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("osm-margin-negative", ["import", "roads", "in/wegen.gpkg", "--wards", "data/wijken.geojson",
                                 "--margin", "-5", "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("osm-wards-missing", ["import", "roads", "in/wegen.gpkg", "--wards", "in/geen.geojson",
                               "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("nwb-no-class", ["import", "roads", "in/wegen.gpkg", "--out", "uit.geojson"],
         lines_gpkg({"straat": ["Dorpsstraat"]})),
    Case("nwb-class-column-missing", ["import", "roads", "in/wegen.gpkg", "--class-column", "klasse",
                                      "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("nwb-name-column-missing", ["import", "roads", "in/wegen.gpkg", "--name-column", "naam",
                                     "--out", "uit.geojson"], lines_gpkg({"highway": ["residential"]})),
    Case("nwb-outside-nl", ["import", "roads", "in/wegen.gpkg", "--out", "uit.geojson"],
         lines_gpkg({"highway": ["residential"]}, where="elders")),
    Case("osm-unknown-suffix", ["import", "roads", "in/wegen.xyz", "--out", "uit.geojson"], file_bytes("wegen.xyz", b"x")),
    Case("osm-out-exists", ["import", "roads", "in/wegen.gpkg", "--out", "data/wegen.geojson"],
         lines_gpkg({"highway": ["residential"]})),
    Case("osm-out-is-directory", ["import", "roads", "in/wegen.gpkg", "--out", "in.geojson", "--force"],
         both(lines_gpkg({"highway": ["residential"]}), lambda w: (w / "in.geojson").mkdir())),
    # --- register files (the default ./planner.gpkg, damaged)
    Case("register-random-bytes", ["status"], register_bytes(lambda b: os.urandom(len(b)))),
    Case("register-truncated", ["status"], register_bytes(lambda b: b[:20000])),
    Case("register-truncated-header", ["group", "list"], register_bytes(lambda b: b[:50])),
    Case("register-empty-file", ["group", "list"], register_bytes(lambda b: b"")),
    Case("register-malformed", ["group", "list"], register_bytes(corrupt_pages)),
    Case("register-malformed-write", ["group", "add", "G50", "--name", "Nieuw", "--admin", "A;0612345678;"],
         register_bytes(corrupt_pages)),
    Case("register-dropped-table", ["group", "list"], sql("DROP TABLE officers")),
    Case("register-dropped-column", ["group", "list"], sql("ALTER TABLE groups DROP COLUMN removed_on")),
    Case("register-schema-99", ["group", "add", "G50", "--name", "Nieuw", "--admin", "A;0612345678;"],
         sql("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")),
    Case("register-schema-0", ["request", "add", "--group", "G01", "--at-rd", "123000,494000"],
         sql("UPDATE store_meta SET value = '0' WHERE key = 'schema_version'")),
    Case("register-schema-text", ["status"], sql("UPDATE store_meta SET value = 'een' WHERE key = 'schema_version'")),
    Case("register-schema-missing", ["status"], sql("DELETE FROM store_meta WHERE key = 'schema_version'")),
    Case("register-application-id", ["status"], sql("PRAGMA application_id = 0")),
    Case("register-plain-sqlite", ["status"], plain_sqlite),
    Case("register-wards-geopackage", ["status"], wards_gpkg),
    Case("register-store-option-missing", ["status", "--store", "in/geen.gpkg"]),
    Case("register-store-option-directory", ["group", "list", "--store", "in"]),
    Case("register-store-option-empty", ["group", "list", "--store", ""]),
    Case("register-store-option-geojson", ["group", "list", "--store", "data/wijken.geojson"]),
    Case("register-store-check-damaged", ["store", "check"], register_bytes(corrupt_pages)),
    Case("register-store-check-dropped-table", ["store", "check"], sql("DROP TABLE officers")),
    Case("register-store-check-no-srs", ["store", "check"],
         sql("DELETE FROM gpkg_geometry_columns WHERE table_name = 'signs'")),
    Case("register-store-check-not-sqlite", ["store", "check", "data/wegen.geojson"]),
    # --- every command's options, with the register
    Case("check-at-empty", ["check", "--at", ""]),
    Case("check-at-text", ["check", "--at", "vier,vijf"]),
    Case("check-at-one-number", ["check", "--at", "4.9"]),
    Case("check-at-swapped", ["check", "--at", "52.433,4.916"]),
    Case("check-at-rd-numbers", ["check", "--at", "123000,494000"]),
    Case("check-at-nan", ["check", "--at", "nan,nan"]),
    Case("check-at-inf", ["check", "--at", "inf,52.4"]),
    Case("check-at-rd-empty", ["check", "--at-rd", ""]),
    Case("check-at-rd-degrees", ["check", "--at-rd", "4.9,52.4"]),
    Case("check-at-rd-outside", ["check", "--at-rd", "900000,900000"]),
    Case("check-two-locations", ["check", "--at", "4.9,52.4", "--at-rd", "123000,494000"]),
    Case("check-no-location", ["check"]),
    Case("decide-wards-with-register", ["decide", "--wards", "data/wijken.geojson"]),
    Case("decide-groups-with-register", ["decide", "--groups", "data/groepen.csv"]),
    Case("decide-addresses-missing", ["decide", "--requests", "in/a.csv", "--addresses", "in/geen.csv"],
         csv_file("a.csv", "request_id,date,group_id,adres\nA1,2026-09-01,G01,1121 AB 12\n")),
    Case("propose-unknown-ward", ["propose", "LM99"]),
    Case("propose-negative-max-signs", ["propose", "LM01", "--max-signs", "-1"]),
    Case("propose-max-signs-text", ["propose", "LM01", "--max-signs", "twee"]),
    Case("propose-prefer-swapped", ["propose", "LM01", "--prefer", "52.43 4.91"]),
    Case("propose-prefer-rd", ["propose", "LM01", "--prefer", "123000 494000"]),
    Case("propose-prefer-garbage", ["propose", "LM01", "--prefer", "bij de kerk"]),
    Case("relocate-unknown-sign", ["relocate", "B999", "--reason", "test"]),
    Case("relocate-bad-time", ["relocate", "B001", "--reason", "test", "--date", "2026-09-01 99:99"]),
    Case("relocate-to-swapped", ["relocate", "B001", "--reason", "test", "--to", "52.42,4.918"]),
    Case("relocate-empty-reason", ["relocate", "B001", "--reason", ""]),
    Case("map-out-not-html", ["map", "--out", "kaart.txt"]),
    Case("map-public-and-request", ["map", "--public", "--request", "A002"]),
    Case("map-unknown-request", ["map", "--request", "Z999"]),
    Case("map-out-under-a-file", ["map", "--out", "bestand/kaart.html"], a_file("bestand")),
    Case("demo-out-is-a-file", ["demo", "--out", "bestand"], a_file("bestand")),
    Case("demo-out-under-a-file", ["demo", "--out", "bestand/maps"], a_file("bestand")),
    Case("group-add-id-with-space", ["group", "add", "G 50", "--name", "X", "--admin", "A;0612345678;"]),
    Case("group-add-id-too-long", ["group", "add", "G" * 41, "--name", "X", "--admin", "A;0612345678;"]),
    Case("group-add-name-too-long", ["group", "add", "G50", "--name", LONG, "--admin", "A;0612345678;"]),
    Case("group-add-name-huge", ["group", "add", "G50", "--name", "n" * 100_000, "--admin", "A;0612345678;"]),
    Case("group-add-name-empty", ["group", "add", "G50", "--name", "", "--admin", "A;0612345678;"]),
    Case("group-add-name-newline", ["group", "add", "G50", "--name", "Buurt\nerror: nep", "--admin", "A;0612345678;"]),
    Case("group-add-admin-no-contact", ["group", "add", "G50", "--name", "X", "--admin", "Anna;;"]),
    Case("group-add-admin-bad-phone", ["group", "add", "G50", "--name", "X", "--admin", "Anna;12345;"]),
    Case("group-add-admin-bad-email", ["group", "add", "G50", "--name", "X", "--admin", "Anna;;anna@"]),
    Case("group-add-admin-long-name", ["group", "add", "G50", "--name", "X", "--admin", f"{LONG};0612345678;"]),
    Case("group-add-admin-too-many-fields", ["group", "add", "G50", "--name", "X", "--admin", "A;0612345678;a@b.nl;x"]),
    Case("group-add-four-admins", ["group", "add", "G50", "--name", "X"] + ["--admin", "A;0612345678;"] * 4),
    Case("group-add-unknown-ward", ["group", "add", "G50", "--name", "X", "--admin", "A;0612345678;",
                                    "--ward", "LM99"]),
    Case("group-add-existing", ["group", "add", "G01", "--name", "X", "--admin", "A;0612345678;"]),
    Case("group-add-no-admin", ["group", "add", "G50", "--name", "X"]),
    Case("group-add-admin-unknown-group", ["group", "add-admin", "G77", "--admin", "A;0612345678;"]),
    Case("group-add-admin-fourth", ["group", "add-admin", "G05", "--admin", "A;0612345678;"]),
    Case("group-show-unknown", ["group", "show", "G77"]),
    Case("group-remove-unknown", ["group", "remove", "G77"]),
    Case("officer-unknown-ward", ["officer", "set", "LM99", "--name", "Agent", "--phone", "0900-8844"]),
    Case("officer-no-contact", ["officer", "set", "LM01", "--name", "Agent"]),
    Case("officer-bad-email", ["officer", "set", "LM01", "--name", "Agent", "--email", "agent@@politie.nl"]),
    Case("officer-long-name", ["officer", "set", "LM01", "--name", LONG, "--phone", "0900-8844"]),
    Case("contacts-unknown-ward", ["contacts", "LM99"]),
    Case("request-add-unknown-group", ["request", "add", "--group", "G77", "--at-rd", "123000,494000"]),
    Case("request-add-date-ooit", ["request", "add", "--group", "G01", "--at-rd", "123000,494000", "--date", "ooit"]),
    Case("request-add-date-31-02", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                    "--date", "31-02-2026"]),
    Case("request-add-date-bad-time", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                       "--date", "2026-09-01 99:99"]),
    Case("request-add-date-future", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                     "--date", "2030-01-01"]),
    Case("request-add-date-empty", ["request", "add", "--group", "G01", "--at-rd", "123000,494000", "--date", ""]),
    Case("request-add-id-with-space", ["request", "add", "--group", "G01", "--at-rd", "123000,494000", "--id", "R 1"]),
    Case("request-add-id-300", ["request", "add", "--group", "G01", "--at-rd", "123000,494000", "--id", "R" * 300]),
    Case("request-add-id-existing", ["request", "add", "--group", "G01", "--at-rd", "123000,494000", "--id", "A001"]),
    Case("request-add-preferred-swapped", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                           "--preferred", "52.43 4.91"]),
    Case("request-add-preferred-rd", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                      "--preferred", "123000 494000"]),
    Case("request-add-preferred-garbage", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                           "--preferred", "bij de kerk"]),
    Case("request-add-preferred-huge", ["request", "add", "--group", "G01", "--at-rd", "123000,494000",
                                        "--preferred", "4.91 52.43; " * 300]),
    Case("request-add-outside-nl", ["request", "add", "--group", "G01", "--at-rd", "900000,900000"]),
    Case("sign-place-unknown", ["sign", "place", "B999"]),
    Case("sign-place-placed", ["sign", "place", "B001"]),
    Case("sign-place-bad-date", ["sign", "place", "B003", "--date", "31-02-2026"]),
    Case("sign-relocate-to-swapped", ["sign", "relocate", "B001", "--to", "52.42,4.918", "--reason", "paal"]),
    Case("sign-relocate-outside-ward", ["sign", "relocate", "B001", "--to-rd", "120000,495000", "--force",
                                        "--reason", "paal"]),
    Case("sign-relocate-empty-reason", ["sign", "relocate", "B001", "--to-rd", "123000,492800", "--reason", ""]),
    Case("sign-relocate-huge-reason", ["sign", "relocate", "B001", "--to-rd", "123000,492800", "--force",
                                       "--reason", HUGE]),
    Case("sign-relocate-bad-date", ["sign", "relocate", "B001", "--to-rd", "123000,492800", "--force",
                                    "--reason", "paal", "--date", "2026-09-01 24:00"]),
    Case("sign-relocate-to-empty", ["sign", "relocate", "B001", "--to", "", "--reason", "paal"]),
    Case("sign-relocate-to-rd-empty", ["sign", "relocate", "B001", "--to-rd", "", "--reason", "paal"]),
    Case("sign-remove-empty-reason", ["sign", "remove", "B001", "--reason", " "]),
    Case("sign-remove-unknown", ["sign", "remove", "B999", "--reason", "weg"]),
    Case("sign-remove-before-history", ["sign", "remove", "B001", "--reason", "weg", "--date", "2000-01-01"]),
    Case("sign-history-unknown", ["sign", "history", "B999"]),
    Case("export-out-is-a-file", ["export", "--out", "bestand"], a_file("bestand")),
    Case("export-public-over-internal", ["export", "--out", "export"], internal_export),
    Case("export-bad-format", ["export", "--format", "xlsx"]),
    Case("export-out-empty", ["export", "--out", ""]),
    Case("export-out-file-name-too-long", ["export", "--out", "e" * 300]),
    Case("init-register-exists", ["init"]),
    Case("init-from-missing", ["init", "--store", "nieuw.gpkg", "--from", "in/geen"]),
    Case("init-from-a-file", ["init", "--store", "nieuw.gpkg", "--from", "data/wijken.geojson"]),
    Case("init-placed-on-ooit", ["init", "--store", "nieuw.gpkg", "--from", "in/d"],
         lambda w: (shutil.copytree(w / "data", w / "in" / "d"),
                    edit_json(w / "in/d/borden.geojson", set_prop("placed_on", "ooit")))),
    Case("init-placed-on-31-02", ["init", "--store", "nieuw.gpkg", "--from", "in/d"],
         lambda w: (shutil.copytree(w / "data", w / "in" / "d"),
                    edit_json(w / "in/d/borden.geojson", set_prop("placed_on", "31-02-2021")))),
    Case("init-placed-on-future", ["init", "--store", "nieuw.gpkg", "--from", "in/d"],
         lambda w: (shutil.copytree(w / "data", w / "in" / "d"),
                    edit_json(w / "in/d/borden.geojson", set_prop("placed_on", "2030-01-01")))),
    Case("init-sign-id-with-space", ["init", "--store", "nieuw.gpkg", "--from", "in/d"],
         lambda w: (shutil.copytree(w / "data", w / "in" / "d"),
                    edit_json(w / "in/d/borden.geojson", set_prop("id", "B 1")))),
    Case("init-bad-phone", ["init", "--store", "nieuw.gpkg", "--from", "in/d"],
         lambda w: (shutil.copytree(w / "data", w / "in" / "d"), (w / "in/d/groepen.csv").write_text(
             (w / "data/groepen.csv").read_text(encoding="utf-8").replace("06-00000001", "12345"),
             encoding="utf-8"))),
    Case("init-store-in-missing-folder-of-file", ["init", "--store", "bestand/nieuw.gpkg"], a_file("bestand")),
    Case("init-store-empty", ["init", "--store", ""]),
    # --- argparse: unknown command and options
    Case("args-unknown-command", ["verwijder-alles"]),
    Case("args-unknown-option", ["status", "--alles"]),
    Case("args-missing-action", ["group"]),
    Case("args-bad-choice", ["import", "roads", "in/x.pbf", "--engine", "gdal", "--out", "x.geojson"]),
    # --- environment variables
    Case("env-busy-timeout-text", ["status"], env={"PLANNER_BUSY_TIMEOUT": "abc"}),
    Case("env-busy-timeout-negative", ["group", "list"], env={"PLANNER_BUSY_TIMEOUT": "-1"}),
    Case("env-busy-timeout-nan", ["group", "list"], env={"PLANNER_BUSY_TIMEOUT": "nan"}),
    Case("env-busy-timeout-huge", ["group", "list"], env={"PLANNER_BUSY_TIMEOUT": "1e9"}),
    Case("env-now-garbage", ["request", "add", "--group", "G01", "--at-rd", "123000,494000"],
         env={"PLANNER_NOW": "gisteren"}),
    Case("env-now-impossible-date", ["sign", "place", "B003"], env={"PLANNER_NOW": "2026-02-31T10:00:00Z"}),
    Case("env-data-missing-folder", ["status"], no_register, env={"PLANNER_DATA": "/nonexistent/data"}),
    Case("env-data-is-a-file", ["status"], env={"PLANNER_DATA": "data/wijken.geojson"}),
    Case("env-store-is-a-folder", ["group", "list"], env={"PLANNER_STORE": "data"}),
    Case("env-store-missing-explicitly", ["group", "list"], env={"PLANNER_STORE": "in/geen.gpkg"}),
    Case("env-pdok-url-not-http", ["check", "--address", "Zuideinde 1"], env={"PLANNER_PDOK_URL": "ftp://pdok"}),
    Case("env-pdok-url-garbage", ["geocode", "Zuideinde 1"], env={"PLANNER_PDOK_URL": "geen url"}),
    Case("env-debug-unknown", ["status"], env={"PLANNER_DEBUG": "banaan"}),
    Case("env-addresses-missing", ["check", "--address", "1121 AB 12"], env={"PLANNER_ADDRESSES": "in/geen.csv"}),
    Case("env-addresses-directory", ["geocode", "1121 AB 12"], env={"PLANNER_ADDRESSES": "in"}),
]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_error_line_exit_2_and_changes_nothing(case, work, capsys, monkeypatch):
    if case.setup is not None:
        case.setup(work)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    before, before_register = snapshot(work), register_dump(work)
    code, out, err = run(capsys, case.argv)
    if os.environ.get("SHOW_ERRORS"):
        with open(os.environ["SHOW_ERRORS"], "a", encoding="utf-8") as fh:
            fh.write(f"{case.id}: {code} {err}")
    assert_one_error_line(code, err)
    if case.loose:
        return
    assert snapshot(work) == before, "files were written or changed"
    assert register_dump(work) == before_register


# ----------------------------------------------------------------- a register held by another process


HOLD = ("import sqlite3, sys, time\n"
        "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "con.execute('BEGIN ' + sys.argv[2])\n"
        "con.execute('SELECT count(*) FROM wards').fetchone()\n"
        "print('vast', flush=True)\n"
        "time.sleep(60)\n")
LOCKED = [
    ("EXCLUSIVE", ["status"]),
    ("EXCLUSIVE", ["group", "list"]),
    ("EXCLUSIVE", ["check", "--at", "4.916,52.433"]),
    ("EXCLUSIVE", ["store", "check"]),
    ("EXCLUSIVE", ["sign", "history", "B001"]),
    ("EXCLUSIVE", ["export", "--out", "uit"]),
    ("IMMEDIATE", ["group", "add", "G50", "--name", "X", "--admin", "A;0612345678;"]),
    ("IMMEDIATE", ["request", "add", "--group", "G01", "--at-rd", "123000,494000"]),
    ("IMMEDIATE", ["decide"]),
    ("IMMEDIATE", ["sign", "place", "B003"]),
    ("DEFERRED", ["officer", "set", "LM01", "--name", "Agent", "--phone", "0900-8844"]),  # a GIS program reading
    ("DEFERRED", ["group", "remove", "G01"]),
]


@pytest.mark.parametrize("mode,argv", LOCKED, ids=[f"{m.lower()}-{'-'.join(a[:2])}" for m, a in LOCKED])
def test_a_register_held_by_another_process_is_busy_not_a_traceback(mode, argv, work, capsys, monkeypatch):
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.2")
    before, before_register = snapshot(work), register_dump(work)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(work / "planner.gpkg"), mode],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "vast"
        code, out, err = run(capsys, argv)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert_one_error_line(code, err)
    assert "bezet" in err
    assert snapshot(work) == before
    assert register_dump(work) == before_register
