"""Benchmark: reading one municipality from a national CBS Wijk- en Buurtkaart.

Issue 6, point 4: reading a full national file (about 14,000 buurten) and
keeping one municipality must not load every geometry into memory first.
This script generates a national-size file (GeoPackage like
``wijkenbuurten_2024_v1.gpkg`` or an old-style shapefile), then measures in
the same run, each in a fresh Python process:

* ``imports``   - only the imports (the floor every process pays);
* ``planner``   - :func:`planner.io.sources.cbs.read_cbs_wards` (attribute read, then a
  filtered geometry read);
* ``baseline``  - the naive way: ``geopandas.read_file`` of the whole layer,
  then keep the municipality.

It prints peak memory (VmHWM) above the import floor and wall time, with the
ratios planner / baseline, and checks that both keep the same buurten.
Not part of the test suite. Run from the repository root::

    .venv/bin/python benchmarks/bench_cbs_import.py                  # GeoPackage, 14,000 buurten
    .venv/bin/python benchmarks/bench_cbs_import.py --format shp     # old shapefile schema
    .venv/bin/python benchmarks/bench_cbs_import.py --vertices 200   # smaller file, quicker
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORTS = "import geopandas, pyogrio, shapely, pandas; import planner.io.sources.cbs"


def generate(path: Path, fmt: str, buurten: int, gemeenten: int, vertices: int, seed: int = 1) -> None:
    """Write a national-size CBS-like file: ``buurten`` polygons of ``vertices`` points each."""
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import shapely

    rng = np.random.default_rng(seed)
    per_gm = np.full(gemeenten, buurten // gemeenten)
    per_gm[: buurten - per_gm.sum()] += 1
    gm_of = np.repeat(np.arange(gemeenten), per_gm)
    local = np.arange(buurten) - np.repeat(np.cumsum(per_gm) - per_gm, per_gm)  # number within its gemeente
    gm_codes = np.array([f"GM{415 if g == 0 else 1000 + g:04d}" for g in range(gemeenten)])
    gm_names = np.array(["Landsmeer" if g == 0 else f"Gemeente {g}" for g in range(gemeenten)])
    side = int(np.ceil(np.sqrt(buurten)))
    chunk = 2000
    first = True
    for start in range(0, buurten, chunk):
        idx = np.arange(start, min(start + chunk, buurten))
        cx = 15_000 + (idx % side) * 2_000.0
        cy = 310_000 + (idx // side) * 2_000.0
        angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
        radius = 900 * (0.8 + 0.2 * rng.random((len(idx), vertices)))
        ring = np.stack([cx[:, None] + radius * np.cos(angles), cy[:, None] + radius * np.sin(angles)], axis=-1)
        ring = np.concatenate([ring, ring[:, :1]], axis=1)
        geoms = shapely.multipolygons([[p] for p in shapely.polygons(ring)])
        codes = [f"BU{gm_codes[gm_of[i]][2:]}{local[i]:04d}" for i in idx]
        water = np.where(rng.random(len(idx)) < 0.03, "JA", "NEE")
        inw = np.where(rng.random(len(idx)) < 0.1, -99999999, rng.integers(0, 5000, len(idx)))
        g = gm_of[idx]
        if fmt == "gpkg":
            cols = {"buurtcode": codes, "buurtnaam": [f"Buurt {i}" for i in idx], "wijkcode": [c[:8] for c in codes],
                    "gemeentecode": gm_codes[g], "gemeentenaam": gm_names[g], "water": water,
                    "aantal_inwoners": inw}
        else:
            cols = {"BU_CODE": codes, "BU_NAAM": [f"Buurt {i}" for i in idx], "WK_CODE": [c[:8] for c in codes],
                    "GM_CODE": gm_codes[g], "GM_NAAM": gm_names[g], "WATER": water, "AANT_INW": inw}
        gdf = gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:28992")
        kwargs = {"layer": "buurten", "driver": "GPKG"} if fmt == "gpkg" else {"driver": "ESRI Shapefile"}
        pyogrio.write_dataframe(gdf, path, append=not first, **kwargs)
        first = False
    if fmt == "gpkg":  # the real file has these layers too
        small = gpd.GeoDataFrame({"gemeentecode": gm_codes, "gemeentenaam": gm_names},
                                 geometry=shapely.points(np.zeros(gemeenten), np.zeros(gemeenten)).tolist(),
                                 crs="EPSG:28992")
        pyogrio.write_dataframe(small.assign(geometry=small.buffer(1)), path, layer="gemeenten", driver="GPKG")


def child(mode: str, path: str, gemeente: str) -> None:
    """Run one measurement in this (fresh) process and print JSON."""
    exec(IMPORTS, {})
    import geopandas as gpd

    from planner.io.sources import cbs

    t0 = time.perf_counter()
    codes: list[str] = []
    if mode == "planner":
        wards = cbs.read_cbs_wards(path, gemeente, progress=False)
        codes = sorted(wards["code"])
    elif mode == "baseline":
        layer = "buurten" if path.endswith(".gpkg") else None
        gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
        gdf.columns = [c.lower() for c in gdf.columns]
        code, gm, water = (("buurtcode", "gemeentecode", "water") if "buurtcode" in gdf.columns
                           else ("bu_code", "gm_code", "water"))
        keep = gdf[(gdf[gm] == gemeente) & (gdf[water] != "JA")]
        codes = sorted(keep[code])
    seconds = time.perf_counter() - t0
    peak_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
                   if line.startswith("VmHWM:"))
    print(json.dumps({"mode": mode, "seconds": seconds, "peak_mb": peak_kb / 1024, "codes": codes}))


def measure(mode: str, path: Path, gemeente: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), gemeente],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--format", choices=("gpkg", "shp"), default="gpkg")
    ap.add_argument("--buurten", type=int, default=14_000)
    ap.add_argument("--gemeenten", type=int, default=342)
    ap.add_argument("--vertices", type=int, default=500, help="points per buurt outline (default 500)")
    ap.add_argument("--gemeente", default="GM0415")
    ap.add_argument("--keep", metavar="DIR", help="write the generated file here and keep it")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / ("wijkenbuurten_2024_v1.gpkg" if args.format == "gpkg" else "buurt_2019_v3.shp")
        t0 = time.perf_counter()
        if not path.exists():
            generate(path, args.format, args.buurten, args.gemeenten, args.vertices)
        size = sum(p.stat().st_size for p in folder.glob(path.stem + ".*")) / 1e6
        print(f"{path.name}: {args.buurten} buurten x {args.vertices} punten, {size:.0f} MB "
              f"(gemaakt in {time.perf_counter() - t0:.1f} s)")
        floor = measure("imports", path, args.gemeente)
        runs = {m: measure(m, path, args.gemeente) for m in ("planner", "baseline")}

    if runs["planner"]["codes"] != runs["baseline"]["codes"]:
        print("FOUT: planner en baseline houden verschillende buurten over")
        return 1
    extra = {m: max(r["peak_mb"] - floor["peak_mb"], 0.1) for m, r in runs.items()}
    print(f"{args.gemeente}: {len(runs['planner']['codes'])} buurten (zonder water), beide gelijk")
    print(f"{'':10} {'piek boven imports':>20} {'tijd':>8}")
    for m, r in runs.items():
        print(f"{m:10} {extra[m]:17.1f} MB {r['seconds']:7.2f} s")
    print(f"imports    {floor['peak_mb']:17.1f} MB (vloer, niet meegeteld)")
    print(f"ratio geheugen planner/baseline: {extra['planner'] / extra['baseline']:.3f}")
    print(f"ratio tijd     planner/baseline: {runs['planner']['seconds'] / runs['baseline']['seconds']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
