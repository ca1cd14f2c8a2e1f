"""CBS Wijk- en Buurtkaart import: both schemas, one municipality, clean wards."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from planner import geo
from planner.core.coords import to_lonlat
from planner.errors import InputError
from planner.io.sources import cbs

X0, Y0 = 120_000, 492_000  # Landsmeer, RD New


def _square(i, j, size=1000):
    return shapely.box(X0 + i * size, Y0 + j * size, X0 + (i + 1) * size, Y0 + (j + 1) * size)


def cbs_buurten() -> pd.DataFrame:
    """Buurten of a tiny national map: Landsmeer with every awkward case, plus neighbours."""
    bowtie = shapely.Polygon([(X0, Y0 + 3000), (X0 + 1000, Y0 + 4000), (X0 + 1000, Y0 + 3000),
                              (X0, Y0 + 4000)])  # self-intersecting
    rows = [
        # code, name, wijk, gm, gm name, water, inwoners, geometry
        ("BU04150000", "Landsmeer-Dorp", "WK041500", "GM0415", "Landsmeer", "NEE", 4210, _square(0, 0)),
        ("BU04150001", "'t Twiske", "WK041500", "GM0415", "Landsmeer", "NEE", 35,
         shapely.MultiPolygon([_square(1, 0), _square(3, 0)])),
        ("BU04150002", "Het Twiske water", "WK041500", "GM0415", "Landsmeer", "JA", 0, _square(2, 0)),
        ("BU04150003", "Den Ilp", "WK041501", "GM0415", "Landsmeer", "NEE", -99999999, _square(0, 1)),
        ("BU04150004", "Purmerland", "WK041501", "GM0415", "Landsmeer", "NEE", -99999997, bowtie),
        ("BU00000000", "Súdwest-Centrum", "WK190000", "GM1900", "Súdwest-Fryslân", "NEE", 900, _square(5, 5)),
        ("BU05180000", "Centrum", "WK051800", "GM0518", "'s-Gravenhage", "NEE", 1200, _square(6, 6)),
        ("BU03630000", "Buiksloterham", "WK036300", "GM0363", "Amsterdam", "NEE", 5000, _square(0, -2)),
    ]
    return pd.DataFrame(rows, columns=["code", "name", "wijk", "gm", "gm_name", "water", "inw", "geometry"])


def write_gpkg(path):
    """A GeoPackage like wijkenbuurten_2024_v1.gpkg: layers gemeenten, wijken, buurten (lower case)."""
    b = cbs_buurten()
    buurten = gpd.GeoDataFrame({
        "buurtcode": b["code"], "buurtnaam": b["name"], "wijkcode": b["wijk"], "gemeentecode": b["gm"],
        "gemeentenaam": b["gm_name"], "water": b["water"], "aantal_inwoners": b["inw"],
    }, geometry=list(b["geometry"]), crs=geo.RD_NEW)
    fixed = buurten.assign(geometry=buurten.geometry.make_valid())
    wijk_geoms = fixed.dissolve("wijkcode", as_index=False)
    wijken = gpd.GeoDataFrame({
        "wijkcode": wijk_geoms["wijkcode"], "wijknaam": ["Wijk " + c[-2:] for c in wijk_geoms["wijkcode"]],
        "gemeentecode": wijk_geoms["gemeentecode"], "gemeentenaam": wijk_geoms["gemeentenaam"],
        "water": "NEE", "aantal_inwoners": -99999999,
    }, geometry=wijk_geoms.geometry.make_valid(), crs=geo.RD_NEW)
    gemeenten = fixed.dissolve("gemeentecode", as_index=False)[["gemeentecode", "gemeentenaam", "geometry"]]
    for name, layer in (("gemeenten", gemeenten), ("wijken", wijken), ("buurten", buurten)):
        pyogrio.write_dataframe(layer, path, layer=name, driver="GPKG")
    return path


def write_shp(path):
    """A shapefile like buurt_2019_v3.shp: upper-case 10-character columns."""
    b = cbs_buurten()
    gdf = gpd.GeoDataFrame({
        "BU_CODE": b["code"], "BU_NAAM": b["name"], "WK_CODE": b["wijk"], "GM_CODE": b["gm"],
        "GM_NAAM": b["gm_name"], "WATER": b["water"], "AANT_INW": b["inw"],
    }, geometry=list(b["geometry"]), crs=geo.RD_NEW)
    pyogrio.write_dataframe(gdf, path, driver="ESRI Shapefile", encoding="UTF-8")
    return path


@pytest.fixture
def gpkg(tmp_path):
    return write_gpkg(tmp_path / "wijkenbuurten_2024_v1.gpkg")


@pytest.fixture
def shp(tmp_path):
    return write_shp(tmp_path / "buurt_2019_v3.shp")


@pytest.fixture(params=["gpkg", "shp"])
def cbs_file(request, tmp_path):
    if request.param == "gpkg":
        return write_gpkg(tmp_path / "wijkenbuurten_2024_v1.gpkg")
    return write_shp(tmp_path / "buurt_2019_v3.shp")


def test_keeps_only_the_municipality(cbs_file):
    wards = cbs.read_cbs_wards(cbs_file, "GM0415")
    assert set(wards["gemeente"]) == {"GM0415"}
    assert wards["code"].str.startswith("BU0415").all()
    assert wards.crs == geo.RD_NEW


def test_both_schemas_give_the_same_wards(gpkg, shp):
    a = cbs.read_cbs_wards(gpkg, "Landsmeer")
    b = cbs.read_cbs_wards(shp, "Landsmeer")
    cols = ["code", "name", "population", "level", "gemeente"]
    pd.testing.assert_frame_equal(a[cols].sort_values("code").reset_index(drop=True),
                                  b[cols].sort_values("code").reset_index(drop=True))


def test_water_only_areas_are_dropped(cbs_file):
    wards = cbs.read_cbs_wards(cbs_file, "GM0415")
    assert "BU04150002" not in set(wards["code"])
    assert wards.attrs["water_dropped"] == ["BU04150002"]


def test_sentinels_become_unknown_population(cbs_file):
    wards = cbs.read_cbs_wards(cbs_file, "GM0415").set_index("code")
    assert wards["population"].dtype == "Int64"
    assert wards.loc["BU04150000", "population"] == 4210
    assert pd.isna(wards.loc["BU04150003", "population"])
    assert pd.isna(wards.loc["BU04150004", "population"])


def test_clean_population_treats_all_sentinels_as_missing():
    out = cbs.clean_population([-99999999, -99999998, -99999997, -99999990, 0, 12, None])
    assert out.isna().tolist() == [True, True, True, True, False, False, True]


def test_invalid_geometry_is_repaired(cbs_file):
    wards = cbs.read_cbs_wards(cbs_file, "GM0415")
    assert shapely.is_valid(wards.geometry.values).all()
    assert "BU04150004" in wards.attrs["repaired"]
    purmerland = wards.set_index("code").loc["BU04150004", "geometry"]
    assert purmerland.area == pytest.approx(500_000)


def test_multipolygons_and_apostrophes_survive(cbs_file):
    twiske = cbs.read_cbs_wards(cbs_file, "GM0415").set_index("code").loc["BU04150001"]
    assert twiske["name"] == "'t Twiske"
    assert twiske.geometry.geom_type == "MultiPolygon"
    assert twiske.geometry.area == pytest.approx(2_000_000)


@pytest.mark.parametrize("given", ["GM0415", "gm0415", "0415", "415", "Landsmeer", "landsmeer"])
def test_municipality_by_code_or_name(gpkg, given):
    assert set(cbs.read_cbs_wards(gpkg, given)["gemeente"]) == {"GM0415"}


def test_municipality_names_with_diacritics_and_apostrophes(cbs_file):
    assert cbs.read_cbs_wards(cbs_file, "Sudwest-Fryslan")["name"].tolist() == ["Súdwest-Centrum"]
    assert cbs.read_cbs_wards(cbs_file, "'s-Gravenhage")["gemeente"].tolist() == ["GM0518"]


def test_unknown_municipality_lists_closest_matches(cbs_file):
    with pytest.raises(InputError, match=r"gemeente 'Landsmer' niet gevonden.*Landsmeer \(GM0415\)"):
        cbs.read_cbs_wards(cbs_file, "Landsmer")


def test_unknown_code_lists_closest_matches(gpkg):
    with pytest.raises(InputError, match=r"GM0416.*bedoelde u.*GM0415"):
        cbs.read_cbs_wards(gpkg, "GM0416")


def test_wijk_level_reads_the_wijken_layer(gpkg):
    wards = cbs.read_cbs_wards(gpkg, "Landsmeer", level="wijk", year=2024)
    assert sorted(wards["code"]) == ["WK041500", "WK041501"]
    assert set(wards["level"]) == {"wijk"} and set(wards["year"]) == {2024}
    assert wards["population"].isna().all()


def test_wijk_level_on_a_buurt_shapefile_is_an_error(shp):
    with pytest.raises(InputError, match="bevat buurten, geen wijken"):
        cbs.read_cbs_wards(shp, "Landsmeer", level="wijk")


def test_reads_with_a_filter_not_the_whole_file(gpkg, monkeypatch):
    """Geometries are read with a WHERE on the municipality; only attributes are read unfiltered."""
    calls = []
    real = pyogrio.read_dataframe

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(cbs.pyogrio, "read_dataframe", spy)
    cbs.read_cbs_wards(gpkg, "Landsmeer")
    with_geometry = [c for c in calls if c.get("read_geometry", True)]
    assert with_geometry and all(c.get("where") == "gemeentecode = 'GM0415'" for c in with_geometry)
    assert all(c.get("max_features") for c in with_geometry)


def test_not_a_cbs_file_is_an_error(tmp_path):
    path = tmp_path / "iets.gpkg"
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[_square(0, 0)], crs=geo.RD_NEW)
    pyogrio.write_dataframe(gdf, path, layer="iets")
    with pytest.raises(InputError, match="geen CBS Wijk- en Buurtkaart"):
        cbs.read_cbs_wards(path, "Landsmeer")


# ----------------------------------------------------------------- CLI


def test_cli_import_wards_writes_planner_wards(run_cli, gpkg, tmp_path):
    out = tmp_path / "wijken.geojson"
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "4 buurten van GM0415" in res.stdout
    wards = geo.load_wards(out)
    assert sorted(wards["code"]) == ["BU04150000", "BU04150001", "BU04150003", "BU04150004"]
    props = json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]
    assert {"code", "name", "population", "level", "gemeente"} <= set(props)
    assert "crs" not in json.loads(out.read_text(encoding="utf-8"))  # RFC 7946: WGS84


def test_cli_import_wards_to_geopackage(run_cli, shp, tmp_path):
    out = tmp_path / "wijken.gpkg"
    res = run_cli("import", "wards", shp, "--gemeente", "GM0415", "--out", out)
    assert res.returncode == 0, res.stderr
    assert len(geo.load_wards(out)) == 4


def test_cli_import_wards_refuses_to_overwrite(run_cli, gpkg, tmp_path):
    out = tmp_path / "wijken.geojson"
    out.write_text("{}")
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", out)
    assert res.returncode == 2 and "--force" in res.stderr
    assert out.read_text() == "{}"
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", out, "--force")
    assert res.returncode == 0, res.stderr


def test_cli_import_wards_unknown_municipality_writes_nothing(run_cli, gpkg, tmp_path):
    out = tmp_path / "wijken.geojson"
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmer", "--out", out)
    assert res.returncode == 2
    assert res.stderr.startswith("error: gemeente 'Landsmer' niet gevonden") and "Landsmeer (GM0415)" in res.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".planner-*")) == []


def test_year_comes_from_the_file_name_unless_given(gpkg, shp):
    assert set(cbs.read_cbs_wards(gpkg, "Landsmeer")["year"]) == {2024}
    assert set(cbs.read_cbs_wards(shp, "Landsmeer")["year"]) == {2019}
    assert set(cbs.read_cbs_wards(shp, "Landsmeer", year=2020)["year"]) == {2020}


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_cli_import_wards_into_a_new_register(run_cli, gpkg, tmp_path, backend, request):
    store = tmp_path / "planner.gpkg" if backend == "gpkg" else request.getfixturevalue("postgis_url")
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--store", store)
    assert res.returncode == 0, res.stderr
    status = run_cli("status", "--store", store, "--json")
    assert status.returncode == 0, status.stderr
    assert sorted(w["code"] for w in status.json()) == ["BU04150000", "BU04150001", "BU04150003", "BU04150004"]
    again = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--store", store)
    assert again.returncode == 2 and "bestaat al" in again.stderr


def _pbf_across_den_ilp(path):
    """An OSM extract with one named road from Landsmeer-Dorp north into Den Ilp (test wards above)."""
    import osmium

    lon, lat = to_lonlat(gpd.GeoSeries(shapely.points([X0 + 500, X0 + 500], [Y0 + 300, Y0 + 1700])))
    with osmium.SimpleWriter(str(path)) as w:
        for nid, (a, b) in enumerate(zip(lon, lat), start=1):
            w.add_node(osmium.osm.mutable.Node(id=nid, location=osmium.osm.Location(a, b), version=1))
        w.add_way(osmium.osm.mutable.Way(id=10, nodes=[1, 2], tags={"highway": "residential", "name": "Ilperweg"},
                                         version=1))
    return path


def test_imported_wards_and_roads_make_a_working_setup(run_cli, gpkg, tmp_path):
    wards, roads = tmp_path / "wijken.geojson", tmp_path / "wegen.geojson"
    assert run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", wards).returncode == 0
    res = run_cli("import", "roads", _pbf_across_den_ilp(tmp_path / "x.osm.pbf"), "--wards", wards, "--out", roads)
    assert res.returncode == 0, res.stderr
    status = run_cli("status", "--wards", wards, "--json")
    assert status.returncode == 0, status.stderr
    assert "'t Twiske" in {w["name"] for w in status.json()}
    check = run_cli("check", "--at-rd", f"{X0 + 1500},{Y0 + 500}", "--wards", wards, "--json")
    assert check.returncode == 0, check.stderr
    assert check.json()["ward"]["name"] == "'t Twiske"
    propose = run_cli("propose", "BU04150003", "--wards", wards, "--roads", roads, "--json")
    assert propose.returncode == 0, propose.stderr
    assert [p["road"] for p in propose.json()["proposals"]] == ["Ilperweg"]


def test_cli_import_wards_makes_a_missing_output_folder_only_on_success(run_cli, gpkg, tmp_path):
    bad = run_cli("import", "wards", gpkg, "--gemeente", "Atlantis", "--out", tmp_path / "nieuw" / "w.geojson")
    assert bad.returncode == 2 and not (tmp_path / "nieuw").exists()
    out = tmp_path / "mijn" / "wijken" / "w.geojson"
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", out)
    assert res.returncode == 0, res.stderr
    assert len(gpd.read_file(out)) > 0
    (tmp_path / "bestand").write_text("x")
    res = run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--out", tmp_path / "bestand" / "w.geojson")
    assert res.returncode == 2 and "is een bestand" in res.stderr


# ----------------------------------------------------------------- population and CBS codes (issue 22, item 7)


def test_import_keeps_population_wijk_and_gemeente_codes(cbs_file):
    wards = cbs.read_cbs_wards(cbs_file, "Landsmeer").set_index("code")
    assert wards.loc["BU04150000", "population"] == 4210 and wards.loc["BU04150001", "population"] == 35
    assert wards.loc["BU04150000", "wijk_code"] == "WK041500" and wards.loc["BU04150003", "wijk_code"] == "WK041501"
    assert set(wards["gemeente"]) == {"GM0415"}
    wijken = cbs.read_cbs_wards(cbs_file, "Landsmeer", level="wijk") if str(cbs_file).endswith(".gpkg") else None
    if wijken is not None:  # a wijk is its own CBS wijk
        assert list(wijken["wijk_code"]) == list(wijken["code"])


@pytest.mark.parametrize("backend", ["gpkg", "postgis"])
def test_the_register_keeps_population_and_cbs_codes(run_cli, gpkg, tmp_path, backend, request):
    store = tmp_path / "planner.gpkg" if backend == "gpkg" else request.getfixturevalue("postgis_url")
    assert run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--store", store).returncode == 0
    res = run_cli("stats", "--store", store, "--json")
    assert res.returncode == 0, res.stderr
    data = res.json()
    wards = {w["code"]: w for w in data["wards"]}
    assert wards["BU04150000"]["residents"] == 4210 and wards["BU04150003"]["residents"] is None  # secret: unknown
    assert wards["BU04150000"]["wijk_code"] == "WK041500"
    assert data["municipality"]["residents"] == 4210 + 35 and data["municipality"]["wards_population_unknown"] == 2
    assert [w["wijk_code"] for w in data["wijken"]] == ["WK041500", "WK041501"]
    if backend == "gpkg":
        import sqlite3
        con = sqlite3.connect(store)
        rows = con.execute("SELECT code, population, wijk_code, gemeente_code FROM wards ORDER BY code").fetchall()
        con.close()
        assert rows[0] == ("BU04150000", 4210, "WK041500", "GM0415") and rows[2][1] is None


def test_a_version_2_register_gets_the_population_columns_when_opened(run_cli, gpkg, tmp_path):
    import sqlite3

    from planner.register.schema import SCHEMA_VERSION

    store = tmp_path / "planner.gpkg"
    assert run_cli("import", "wards", gpkg, "--gemeente", "Landsmeer", "--store", store).returncode == 0
    con = sqlite3.connect(store, isolation_level=None)
    for column in ("population", "wijk_code", "wijk_name", "gemeente_code"):  # version 3
        con.execute(f"ALTER TABLE wards DROP COLUMN {column}")
    con.execute("ALTER TABLE admins DROP COLUMN officer_consent")  # version 4
    con.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    res = run_cli("stats", "--store", store, "--json")  # any command migrates
    assert res.returncode == 0, res.stderr
    wards = {w["code"]: w for w in res.json()["wards"]}
    assert wards["BU04150000"]["residents"] is None  # unknown until the wards are imported again, never 0
    assert wards["BU04150000"]["wijk_code"] == "WK041500"
    con = sqlite3.connect(store)
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT gemeente_code FROM wards WHERE code = 'BU04150000'").fetchone()[0] == "GM0415"
    con.close()
    assert run_cli("store", "check", "--store", store, "--json").json()["ok"] is True
