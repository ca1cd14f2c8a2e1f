"""Real data: ``import wards`` (CBS), ``import roads`` (OSM/NWB/lines), ``geocode``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio

from planner import geo
from planner.cli.common import add_json_option, console, print_json
from planner.cli.parser import example
from planner.core.vocabulary import road_class_nl
from planner.errors import InputError
from planner.io.sources import cbs, geocode, osm

OUT_SUFFIXES = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GPKG"}
# GeoPackage 1.3: GDAL 3.6 / QGIS 3.28 LTR warn on 1.4 ("may only be partially supported").
GPKG_OPTIONS = {"VERSION": "1.3"}


def register(sub) -> None:
    p = sub.add_parser("import", help="echte gegevens inlezen: CBS-wijken, OSM/NWB-wegen", description=(
        "Maakt van echte bronbestanden de invoer van de planner: wijken uit de CBS Wijk- en\n"
        "Buurtkaart, wegen uit OpenStreetMap, NWB of een eigen lijnenlaag. Schrijft een nieuw\n"
        "bestand (.geojson in WGS84 volgens RFC 7946, of .gpkg in RD New)."),
        epilog=example("planner import wards wijkenbuurten_2024_v1.gpkg --gemeente Landsmeer --out wijken.geojson",
                       "planner import roads noord-holland-latest.osm.pbf --wards wijken.geojson "
                       "--out wegen.gpkg"))
    what = p.add_subparsers(dest="what", metavar="WHAT", title="soorten")
    what.required = True

    w = what.add_parser("wards", help="wijken uit de CBS Wijk- en Buurtkaart (GeoPackage of shapefile)",
                        description=(
        "Leest één gemeente uit de CBS Wijk- en Buurtkaart (landelijk bestand of shapefile van een\n"
        "ouder jaar), op buurt- of wijkniveau; wateroppervlak valt weg, CBS-geheimhoudingscodes\n"
        "worden 'onbekend', ongeldige vlakken worden gerepareerd."),
        epilog=example("planner import wards wijkenbuurten_2024_v1.gpkg --gemeente Landsmeer --out mijn/wijken.geojson",
                       "planner import wards wijk_2019_v3.shp --gemeente GM0415 --level wijk --out mijn/wijken.gpkg",
                       "planner import wards wijkenbuurten_2024_v1.gpkg --gemeente 0415 --store planner.gpkg"))
    w.add_argument("file", metavar="FILE", help="wijkenbuurten_JJJJ_vN.gpkg of buurt_JJJJ_vN.shp/wijk_...shp")
    w.add_argument("--gemeente", required=True, metavar="GM0415|NAAM", help="gemeentecode of -naam")
    w.add_argument("--level", choices=cbs.LEVELS, default="buurt", help="CBS-niveau (standaard: buurt)")
    w.add_argument("--year", type=int, metavar="YYYY",
                   help="jaargang (kiest de laag; wordt per wijk bewaard; standaard uit de bestandsnaam)")
    w.add_argument("--layer", metavar="NAME", help="laagnaam, als de automatische keuze niet past")
    _add_out(w, store=True)
    add_json_option(w)
    w.set_defaults(func=cmd_import_wards)

    r = what.add_parser("roads", help="wegen uit een OSM-extract (.osm.pbf), NWB of een lijnenlaag",
                        description=(
        "Leest wegen met naam en OSM-wegklasse (highway). --bbox en --wards knippen de wegen af\n"
        "op het kader: wat erbuiten ligt valt weg, ook van wegen die het kader kruisen."),
        epilog=example("planner import roads noord-holland-latest.osm.pbf --wards mijn/wijken.geojson "
                       "--out mijn/wegen.geojson",
                       "planner import roads nwb_wegvakken.gpkg --bbox 4.88,52.41,4.96,52.46 --out mijn/wegen.gpkg"))
    r.add_argument("file", metavar="FILE", help=".osm.pbf, GeoPackage, Shapefile of GeoJSON")
    clip = r.add_mutually_exclusive_group()
    clip.add_argument("--bbox", metavar="W,Z,O,N",
                      help="knip de wegen af op dit kader (lon/lat-graden of RD-meters)")
    clip.add_argument("--wards", metavar="FILE", help="knip de wegen af op het kader om deze wijken (plus --margin)")
    r.add_argument("--margin", type=float, default=500.0, metavar="M",
                   help="marge om --wards in meters (standaard 500)")
    r.add_argument("--layer", metavar="NAME", help="laag van een GeoPackage")
    r.add_argument("--name-column", metavar="COL", help="kolom met de straatnaam (NWB: stt_naam)")
    r.add_argument("--class-column", metavar="COL",
                   help="kolom met de wegklasse (standaard: highway, of de NWB-vertaling)")
    r.add_argument("--engine", choices=("auto", "pyrosm", "osmium"), default="auto",
                   help="OSM-lezer (standaard auto: pyrosm, anders osmium)")
    _add_out(r)
    add_json_option(r)
    r.set_defaults(func=cmd_import_roads)

    g = sub.add_parser("geocode", help="zoek een adres op (PDOK Locatieserver of een eigen adressentabel)",
                       description=(
        "Zoekt een adres of postcode met huisnummer op, eerst in de eigen adressentabel (als die er\n"
        "is), anders bij PDOK Locatieserver; toont de kandidaten met RD- en WGS84-coördinaten\n"
        "(lat, lon)."),
        epilog=example('planner geocode "Zuideinde 1, Landsmeer"', 'planner geocode "1121 AB 12" --json'))
    g.add_argument("query", metavar="QUERY", help='bijv. "Zuideinde 1, Landsmeer" of "1121 AB 12"')
    g.add_argument("--addresses", metavar="FILE.csv",
                   help="eigen adressentabel (postcode, huisnummer, x, y); standaard $PLANNER_ADDRESSES")
    g.add_argument("--rows", type=int, default=5, help="hoogstens zoveel kandidaten (standaard 5)")
    add_json_option(g)
    g.set_defaults(func=cmd_geocode)


def _add_out(p, store: bool = False) -> None:
    dest = p.add_mutually_exclusive_group(required=True) if store else p
    dest.add_argument("--out", required=not store, metavar="FILE.geojson|FILE.gpkg",
                      help="uitvoerbestand (GeoJSON in WGS84 volgens RFC 7946, of GeoPackage in RD New)")
    if store:
        dest.add_argument("--store", metavar="FILE.gpkg",
                          help="maak een nieuw register met deze wijken (zoals 'planner init'; overschrijft nooit)")
    p.add_argument("--force", action="store_true", help="overschrijf een bestaand uitvoerbestand")


def _console():
    return console()


def check_out(out, force: bool) -> Path:
    """Validate the output path before any work is done."""
    if not str(out).strip():
        raise InputError("--out: leeg pad; geef een .geojson- of .gpkg-bestand")
    out = Path(out)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise InputError(f"{out}: uitvoer moet .geojson of .gpkg zijn")
    if out.exists() and not force:
        raise InputError(f"{out}: bestaat al; gebruik --force om te overschrijven")
    if out.is_dir():
        raise InputError(f"{out}: is een map")
    _check_folder(out.parent)
    return out


def _check_folder(folder: Path) -> None:
    """The output folder may be missing (it is made when writing), but not a file."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise InputError(f"{part}: is een bestand, geen map")
            return


def write_layer(gdf: gpd.GeoDataFrame, out: Path, layer: str) -> None:
    """Write GeoJSON (RFC 7946, WGS84) or GeoPackage 1.3 (RD New), atomically.

    GeoJSON goes through the planner's one GeoJSON writer
    (:func:`planner.geojson.to_geojson`). A GeoPackage is written as version
    1.3, which GDAL 3.6 and QGIS 3.28 LTR open without a warning (GDAL 3.7+
    would write 1.4). Folders made for the output are removed again when
    writing fails; a path that cannot be written is an InputError naming it.
    """
    from planner.io.files import (
        make_folders,
        remove_folders,
        write_error,
        write_text_atomic,
    )
    if OUT_SUFFIXES[out.suffix.lower()] == "GeoJSON":
        from planner.io.geojson import to_geojson
        write_text_atomic(out, to_geojson(gdf))
        return
    made = make_folders(out.parent)
    tmp = None
    try:
        try:
            fd, tmp = tempfile.mkstemp(suffix=out.suffix, prefix=".planner-", dir=out.parent)
            os.close(fd)
            os.unlink(tmp)  # GDAL wants to create the file itself
        except OSError as exc:
            raise write_error(out, exc) from None
        try:
            pyogrio.write_dataframe(gdf.to_crs(geo.RD_NEW), tmp, driver="GPKG", layer=layer,
                                    dataset_options=GPKG_OPTIONS)
            os.replace(tmp, out)
        except OSError as exc:
            raise write_error(out, exc) from None
        except pyogrio.errors.DataSourceError as exc:
            raise InputError(f"{out}: kan niet worden geschreven ({geo.first_line(exc)}); kies een andere map "
                             "of bestandsnaam (er is niets geschreven)") from None
    except BaseException:
        remove_folders(made)
        raise
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def check_new_store(path):
    """A register path that does not exist yet, in an existing folder (or a PostgreSQL URL, checked on writing)."""
    from planner.register import postgres as store_pg
    if not str(path).strip():
        raise InputError("--store: leeg pad; geef een nieuw register-bestand, bijv. --store planner.gpkg")
    if store_pg.is_url(path):
        return store_pg.Location(path)
    path = Path(path)
    if path.exists():
        raise InputError(f"{path}: register bestaat al; importeer met --out naar een bestand, "
                         "of kies een nieuwe naam voor --store")
    _check_folder(path.parent)
    return path


def cmd_import_wards(args) -> int:
    from planner.register import store as store_mod
    if args.year is not None and not 1900 <= args.year <= 2100:
        raise InputError(f"--year: {args.year} is geen jaargang van de Wijk- en Buurtkaart; geef bijv. 2024")
    out = check_new_store(args.store) if args.store is not None else check_out(args.out, args.force)
    wards = cbs.read_cbs_wards(args.file, args.gemeente, level=args.level, year=args.year, layer=args.layer)
    if args.store:
        if isinstance(out, Path):
            out.parent.mkdir(parents=True, exist_ok=True)
        store_mod.create_store(out, wards, source=str(args.file))
    else:
        write_layer(wards, out, "wijken")
    gm = wards["gemeente"].iloc[0]
    unknown = int(wards["population"].isna().sum())
    if args.json:
        print_json({"out": str(out), "store": bool(args.store), "gemeente": gm, "level": args.level,
                    "wards": len(wards), "water_dropped": list(wards.attrs.get("water_dropped", [])),
                    "repaired": list(wards.attrs.get("repaired", [])), "population_unknown": unknown})
        return 0
    con = _console()
    where = f"nieuw register {out}" if args.store else str(out)
    con.print(f"{len(wards)} {args.level}en van {gm} geschreven naar {where}")
    if wards.attrs.get("water_dropped"):
        con.print(f"  weggelaten (alleen water): {', '.join(wards.attrs['water_dropped'])}")
    if wards.attrs.get("repaired"):
        con.print(f"  geometrie gerepareerd: {', '.join(wards.attrs['repaired'])}")
    if unknown:
        con.print(f"  inwoners onbekend bij {unknown} {args.level}(en)")
    return 0


def cmd_import_roads(args) -> int:
    out = check_out(args.out, args.force)
    if not (0 <= args.margin <= 50_000):  # also refuses nan and inf
        raise InputError(f"--margin: {args.margin:g} meter kan niet; geef 0 tot 50000, bijv. 500")
    bbox = args.bbox
    if args.wards:
        bbox = osm.bbox_of_wards(geo.load_wards(args.wards), args.margin)
    roads = osm.read_roads(args.file, layer=args.layer, bbox=bbox, name_column=args.name_column,
                           class_column=args.class_column, engine=args.engine)
    write_layer(roads, out, "wegen")
    counts = roads["highway"].value_counts()
    if args.json:
        print_json({"out": str(out), "roads": len(roads), "classes": {str(k): int(v) for k, v in counts.items()}})
        return 0
    con = _console()
    con.print(f"{len(roads)} wegen geschreven naar {out}")
    con.print("  " + ", ".join(f"{road_class_nl(k)}: {v}" for k, v in counts.items()))
    return 0


def cmd_geocode(args) -> int:
    if not 1 <= args.rows <= 50:
        raise InputError(f"--rows: {args.rows} kan niet; geef 1 tot 50")
    candidates = geocode.geocode(args.query, addresses=args.addresses, rows=args.rows)
    if args.json:
        print_json([c.to_dict() for c in candidates])
        return 0 if candidates else 1
    con = _console()
    if not candidates:
        con.print(f"Geen adres gevonden voor '{args.query}'.")
        return 1
    if len(candidates) > 1:
        con.print(f"{len(candidates)} mogelijkheden voor '{args.query}':")
    for c in candidates:
        score = f"  score {c.score:.2f}" if c.score is not None else ""
        con.print(f"{c.label}  RD {c.x:.1f}, {c.y:.1f}  WGS84 {c.lat:.6f}, {c.lon:.6f}{score}"
                  f"  ({c.source})")
    return 0
