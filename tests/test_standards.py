"""Standards an analyst's tools expect (issue 16).

* every GeoJSON the planner writes is RFC 7946 (WGS84, no ``crs`` member,
  counterclockwise outer rings, at most 7 decimals), through one writer;
* every command takes ``--json`` and the README documents its shape;
* help texts and argparse's own errors are Dutch, every command's help has
  an example, and ``planner --help`` stays light;
* ``import roads --bbox`` cuts the roads to the box;
* GeoPackages are version 1.3 (GDAL 3.6 / QGIS 3.28 LTR open them without a warning);
* messages print WGS84 as ``lat, lon``;
* ``make demo`` installs only what the demo needs, ``make notebooks`` opens JupyterLab.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from planner import cli, geo
from planner.io.geojson import to_geojson

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-10-01T12:00:00Z"
MAX_DECIMALS = 7


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """``planner ARGS`` in-process in ``tmp_path`` on a copy of the demo data: (code, stdout, stderr)."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PLANNER_NOW", NOW)
    monkeypatch.delenv("PLANNER_STORE", raising=False)

    def call(*args):
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return call


# ----------------------------------------------------------------- GeoJSON: RFC 7946


def _rings(geometry: dict):
    """(ring coordinates, is outer ring) of every polygon in a GeoJSON geometry."""
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    elif kind == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from _rings(g)
        return
    else:
        return
    for polygon in polygons:
        for k, ring in enumerate(polygon):
            yield ring, k == 0


def _positions(coords):
    if coords and isinstance(coords[0], str):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def assert_rfc7946(path: Path) -> int:
    """Check one GeoJSON file; return the number of features."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text, parse_float=str)  # the numbers as written
    assert data["type"] == "FeatureCollection", path
    assert "crs" not in data, f"{path.name}: RFC 7946 has no crs member"
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        coords = geometry.get("coordinates") or []
        for lon, lat, *_ in _positions(coords):
            for value in (lon, lat):
                decimals = len(value.split(".")[1]) if "." in value else 0
                assert "e" not in value.lower() and decimals <= MAX_DECIMALS, f"{path.name}: {value}"
            assert 3.0 < float(lon) < 7.5 and 50.5 < float(lat) < 53.8, f"{path.name}: not WGS84 lon, lat"
        for ring, outer in _rings(geometry):
            ccw = shapely.LinearRing([(float(x), float(y)) for x, y, *_ in ring]).is_ccw
            assert ccw == outer, f"{path.name}: {'outer' if outer else 'inner'} ring runs the wrong way"
    return len(data["features"])


def test_to_geojson_orients_rings_rounds_and_has_no_crs(tmp_path):
    outer_cw = [(121000, 494000), (121000, 495000), (122000, 495000), (122000, 494000)]
    hole_ccw = [(121200, 494200), (121800, 494200), (121800, 494800), (121200, 494800)]
    donut = shapely.Polygon(outer_cw, [hole_ccw])
    assert not donut.exterior.is_ccw and donut.interiors[0].is_ccw
    gdf = gpd.GeoDataFrame(
        {"code": ["W1", "W2", "P1"], "n": [1, None, 3], "t": [None, "x", "y"]},
        geometry=[donut, shapely.MultiPolygon([donut, shapely.box(123000, 494000, 124000, 495000)]),
                  shapely.Point(121234.5678, 494321.1234)], crs=geo.RD_NEW)
    path = tmp_path / "w.geojson"
    path.write_text(to_geojson(gdf), encoding="utf-8")
    assert assert_rfc7946(path) == 3
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert back.to_crs(geo.RD_NEW).geometry.iloc[0].hausdorff_distance(donut) < 0.02  # 7 decimals: about 1 cm
    props = json.loads(path.read_text())["features"][1]["properties"]
    assert props == {"code": "W2", "n": None, "t": "x"}


def _cbs_file(tmp_path):
    from test_cbs import write_gpkg
    return write_gpkg(tmp_path / "wijkenbuurten_2024_v1.gpkg")


def _pbf(tmp_path):
    from test_osm import write_landsmeer_pbf
    return write_landsmeer_pbf(tmp_path / "landsmeer.osm.pbf")


def test_every_geojson_the_planner_writes_is_rfc7946(run, tmp_path):
    written = []
    # the demo data (scripts/make_demo_data.py writes it with the same writer)
    written += sorted((REPO / "data").glob("*.geojson"))
    # planner import wards / roads --out FILE.geojson
    assert run("import", "wards", _cbs_file(tmp_path), "--gemeente", "Landsmeer", "--out", "w.geojson")[0] == 0
    assert run("import", "roads", _pbf(tmp_path), "--out", "r.geojson")[0] == 0
    written += [tmp_path / "w.geojson", tmp_path / "r.geojson"]
    # planner export, public and internal, after decisions were recorded
    assert run("init")[0] == 0
    assert run("decide")[0] == 0
    assert run("export", "--out", "openbaar", "--format", "geojson")[0] == 0
    assert run("export", "--internal", "--out", "intern")[0] == 0
    written += sorted((tmp_path / "openbaar").glob("*.geojson")) + sorted((tmp_path / "intern").glob("*.geojson"))
    names = {p.name for p in written}
    assert {"wijken.geojson", "wegen.geojson", "borden.geojson", "wards.geojson", "signs.geojson",
            "requests.geojson", "proposals.geojson"} <= names
    for path in written:
        assert_rfc7946(path)
    # the wards survive the round trip through the register and the export
    exported = gpd.read_file(tmp_path / "openbaar" / "wards.geojson").to_crs(geo.RD_NEW)
    source = geo.load_wards(tmp_path / "data" / "wijken.geojson")
    assert exported.geometry.hausdorff_distance(source.geometry).max() < 0.02


def test_geojson_is_written_by_one_writer():
    """No module writes GeoJSON by itself (``to_json``, ``to_file``, GDAL's GeoJSON driver)."""
    pattern = re.compile(r"\.to_json\(|\.to_file\(|driver=[\"']GeoJSON")
    offenders = []
    for path in [*(REPO / "planner").rglob("*.py"), *(REPO / "scripts").glob("*.py")]:
        if path.name == "geojson.py":
            continue
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{k}: {line.strip()}")
    assert not offenders, "GeoJSON must go through planner.io.geojson.to_geojson:\n" + "\n".join(offenders)


# ----------------------------------------------------------------- GeoPackage 1.3


def _gpkg_version(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA application_id").fetchone()[0], con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def test_every_geopackage_the_planner_writes_is_version_1_3(run, tmp_path):
    assert run("import", "wards", _cbs_file(tmp_path), "--gemeente", "GM0415", "--out", "w.gpkg")[0] == 0
    assert run("import", "roads", _pbf(tmp_path), "--out", "r.gpkg")[0] == 0
    assert run("init")[0] == 0
    for name in ("w.gpkg", "r.gpkg", "planner.gpkg"):
        assert _gpkg_version(tmp_path / name) == (0x47504B47, 10300), name
        if shutil.which("ogrinfo"):  # GDAL's own tools (Debian: gdal-bin), when installed
            proc = subprocess.run(["ogrinfo", "-so", "-al", str(tmp_path / name)], capture_output=True, text=True,
                                  timeout=60)
            assert proc.returncode == 0 and "warning" not in (proc.stdout + proc.stderr).lower(), proc.stderr


# ----------------------------------------------------------------- --bbox cuts


def test_import_roads_bbox_cuts_the_roads_to_the_box(run, tmp_path):
    box = (4.905, 52.425, 4.915, 52.435)  # Dorpsstraat (4.900 - 4.920) and Zuideinde cross it
    code, out, err = run("import", "roads", _pbf(tmp_path), "--bbox", ",".join(map(str, box)), "--out", "r.geojson",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["roads"] >= 1
    roads = gpd.read_file(tmp_path / "r.geojson")
    x0, y0, x1, y1 = roads.total_bounds
    eps = 1e-7
    assert box[0] - eps <= x0 and y0 >= box[1] - eps and x1 <= box[2] + eps and y1 <= box[3] + eps
    assert "Dorpsstraat" in set(roads["name"])
    assert x0 == pytest.approx(box[0], abs=eps) and x1 == pytest.approx(box[2], abs=eps)  # cut at the edges


def test_import_roads_rd_bbox_cuts_a_line_layer(run, tmp_path):
    from test_osm import _nwb_layer
    box = (121000, 493000, 122500, 494500)
    code, _, err = run("import", "roads", _nwb_layer(tmp_path / "nwb.gpkg"), "--bbox", ",".join(map(str, box)),
                       "--out", "r.gpkg")
    assert code == 0, err
    x0, y0, x1, y1 = geo.load_roads(tmp_path / "r.gpkg").total_bounds
    assert box[0] - 0.01 <= x0 and box[1] - 0.01 <= y0 and x1 <= box[2] + 0.01 and y1 <= box[3] + 0.01


# ----------------------------------------------------------------- --json everywhere


def _commands(parser, path=()):
    """(command path, parser) of every runnable command."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    yield path, parser
    for name, child in subs[0].choices.items():
        yield from _commands(child, (*path, name))


LEAVES = [(" ".join(p), parser) for p, parser in _commands(cli.build_parser())
          if p and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)]
ALL = [" ".join(p) for p, _ in _commands(cli.build_parser())]


@pytest.mark.parametrize("command", [c for c, _ in LEAVES])
def test_every_command_takes_json(command):
    parser = dict(LEAVES)[command]
    assert "--json" in parser._option_string_actions, f"planner {command} has no --json"


def test_the_readme_documents_the_json_of_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    documented = set()
    for row in section.splitlines():
        if row.startswith("| `"):
            documented |= set(re.findall(r"`([a-z][a-z -]*)`", row.split("|")[1]))
    missing = [c for c, _ in LEAVES if c not in documented]
    assert not missing, f"README 'JSON output' lacks: {missing}"


def test_demo_and_imports_answer_in_json(run, tmp_path):
    code, out, err = run("demo", "--out", "kaarten", "--json")
    assert code == 0, err
    demo = json.loads(out)
    assert demo["decisions"] == sum(demo["outcomes"].values()) == 9
    assert all(Path(p).exists() for p in demo["written"])
    code, out, err = run("import", "wards", _cbs_file(tmp_path), "--gemeente", "Landsmeer", "--out", "w.gpkg",
                         "--json")
    assert code == 0, err
    wards = json.loads(out)
    assert (wards["gemeente"], wards["level"], wards["store"]) == ("GM0415", "buurt", False)
    assert wards["wards"] == 4 and wards["water_dropped"] == ["BU04150002"]
    code, out, err = run("import", "roads", _pbf(tmp_path), "--out", "r.gpkg", "--json")
    assert code == 0, err
    assert json.loads(out) == {"out": "r.gpkg", "roads": 3,
                               "classes": {"secondary": 1, "residential": 1, "footway": 1}}


# ----------------------------------------------------------------- one coordinate order in messages


def test_messages_print_wgs84_as_lat_lon(run, tmp_path):
    code, out, err = run("propose", "LM01", "--prefer", "4.9166 52.4336")
    assert code == 0, err
    assert "Voorkeursplek 1 (52.43360, 4.91660)" in out
    (tmp_path / "adressen.csv").write_text("postcode,huisnummer,x,y\n1121AB,12,122000,494000\n", encoding="utf-8")
    code, out, err = run("geocode", "1121 AB 12", "--addresses", tmp_path / "adressen.csv")
    assert code == 0, err
    lat, lon = map(float, re.search(r"WGS84 ([\d.]+), ([\d.]+)", out).groups())
    assert 52 < lat < 53 and 4 < lon < 6


def test_no_message_prints_lon_before_lat():
    """Messages print WGS84 as ``lat, lon``; only the input parser (coords.py) echoes input as given."""
    pattern = re.compile(r"\{[^{}]*\blon\b[^{}]*\}[^\"'{}]{0,15}\{[^{}]*\blat\b[^{}]*\}")
    offenders = [f"{path.relative_to(REPO)}:{k}: {line.strip()}"
                 for path in (REPO / "planner").rglob("*.py") if path.name != "coords.py"
                 for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if pattern.search(line)]
    assert not offenders, "\n".join(offenders)


# ----------------------------------------------------------------- Dutch help and errors


ENGLISH = re.compile(r"\busage:|\boptions:|positional arguments|show this help|\bdefault:|"
                     r"\b(required|invalid|expected|unrecognized|not allowed|ambiguous)\b")


@pytest.mark.parametrize("command", ALL, ids=lambda c: c or "planner")
def test_every_help_is_dutch_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([*command.split(), "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.startswith("gebruik: planner")
    assert "Voorbeeld" in out, f"planner {command} --help has no example"
    assert "planner " + command in out.split("Voorbeeld", 1)[1]
    assert not ENGLISH.search(out), ENGLISH.search(out)


@pytest.mark.parametrize("argv, dutch", [
    ([], "geef een opdracht: check, decide"),
    (["bestaatniet"], "onbekende opdracht 'bestaatniet'"),
    (["check"], "geef één van --at, --at-rd of --address"),
    (["check", "--at", "4.9,52.4", "--at-rd", "1,2"], "--at-rd gaat niet samen met --at"),
    (["check", "--at"], "--at: verwacht één waarde"),
    (["status", "--onzin"], "onbekend argument: --onzin"),
    (["status", "--json=ja"], "--json neemt geen waarde"),
    (["decide", "--jobs", "twee"], "--jobs: 'twee' is geen geheel getal"),
    (["import", "wards", "f.gpkg", "--gemeente", "x", "--out", "o.geojson", "--level", "gemeente"],
     "--level: ongeldige keuze 'gemeente'; kies uit buurt, wijk"),
    (["import", "wards", "f.gpkg", "--out", "o.geojson"], "verplicht argument ontbreekt: --gemeente"),
    (["import"], "geef een opdracht: wards, roads"),
    (["relocate", "B001"], "verplicht argument ontbreekt: --reason"),
    (["import", "roads", "f.pbf", "--out", "o.gpkg", "--margin", "veel"], "--margin: 'veel' is geen getal"),
])
def test_argument_errors_are_dutch_in_one_line(argv, dutch, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert dutch in lines[0]
    assert "--help'" in lines[0]
    assert not ENGLISH.search(lines[0].removeprefix("error: ")), lines[0]


def test_help_does_not_load_the_heavy_libraries():
    code = ("import sys\nfrom planner import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'folium', 'scipy', 'matplotlib', 'pyrosm'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


# ----------------------------------------------------------------- notebooks and make


def test_the_tour_notebook_says_its_inputs_and_asserts_what_it_teaches():
    import nbformat
    nb = nbformat.read(REPO / "notebooks" / "01_rondleiding.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert text.count("*Invoer:") >= 5 and "geen wegen" in text and "en de wegen" in text
    assert code.count("assert ") >= 10
    assert '"ward_in_progress"' in code and '"no_entries"' in code


def test_make_demo_installs_only_the_planner_and_make_notebooks_opens_jupyterlab():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    rules = dict(re.findall(r"^([\w$()./-]+):([^\n]*)", makefile, flags=re.M))
    assert rules["demo"].split() == ["install"]
    assert "install-test" in rules["test"].split() and "browser" in rules["test"].split()
    assert "install-notebooks" in rules["notebooks"].split()
    core = makefile.split("$(BIN)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "pip install --quiet -e ." in core and "[" not in core
    assert "jupyter lab notebooks/" in makefile
    import tomllib
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(d.startswith("jupyterlab") for d in extras["notebooks"])
    assert os.path.exists(REPO / ".ci" / "run") and "make test" in (REPO / ".ci" / "run").read_text()


def test_library_errors_name_values_and_the_command_line_adds_the_flag():
    """Outside planner/cli/ no message names a command-line flag: values are named as ⟨name⟩,
    which the API reads as the parameter name and the command line as --name."""
    from planner.errors import InputError

    flag = re.compile(r"""["'][^"'\n]*(?<![\w-])--(?:[a-z][a-z-]+|\{|%s)""")
    offenders = []
    for path in (REPO / "planner").rglob("*.py"):
        if "cli" in path.relative_to(REPO / "planner").parts:
            continue
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if "``" in line or line.strip().startswith("#") or "'planner " in line:
                continue  # docstrings and comments, and whole commands quoted as examples
            if flag.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{k}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
    error = InputError("⟨reason⟩: vraagt een reden; geef ⟨to_rd⟩ X,Y")
    assert str(error) == "reason: vraagt een reden; geef to_rd X,Y"
    assert error.for_command_line() == "--reason: vraagt een reden; geef --to-rd X,Y"
