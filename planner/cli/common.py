"""Options and input loading shared by the subcommands."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from functools import partial

from .. import geo, geocode, policy as policy_mod
from ..policy import Policy

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
INPUT_FILES = {
    "wards": "wijken.geojson",
    "signs": "borden.geojson",
    "roads": "wegen.geojson",
    "groups": "groepen.csv",
    "requests": "aanvragen.csv",
}


def data_dir() -> Path:
    """``$PLANNER_DATA``, else ``./data`` when it exists, else the bundled demo data."""
    env = os.environ.get("PLANNER_DATA")
    if env:
        return Path(env)
    local = Path.cwd() / "data"
    return local if (local / INPUT_FILES["wards"]).exists() else PACKAGE_ROOT / "data"


def add_input_options(parser, *names: str) -> None:
    """``--wards``, ``--signs``, ... (default: the files in ``data/``) and ``--policy``."""
    for name in names:
        parser.add_argument(f"--{name}", metavar="FILE",
                            help=f"{name} file, or FILE.gpkg:LAYER (default: data/{INPUT_FILES[name]})")
    parser.add_argument("--policy", metavar="NAME|FILE.toml",
                        help=f"policy preset ({', '.join(policy_mod.preset_names())}) or TOML file; default landsmeer")
    add_store_option(parser)


def add_store_option(parser) -> None:
    """``--store PATH``: the register (default ``$PLANNER_STORE``, else ``./planner.gpkg``)."""
    if "--store" not in parser._option_string_actions:
        parser.add_argument("--store", metavar="FILE.gpkg",
                            help="register (default: $PLANNER_STORE, else planner.gpkg when it exists)")


# Layers that a register holds; commands read them from it when one exists.
STORE_LAYERS = ("wards", "signs", "groups", "requests")
STORELESS_COMMANDS = {"demo"}  # always the bundled/data files


def store_for(args):
    """The register to read from, or None (no register: work on the files).

    ``--store`` must exist; ``$PLANNER_STORE`` or ``./planner.gpkg`` are used
    when they exist. ``planner demo`` never uses a register.
    """
    from .. import store as store_mod
    if getattr(args, "command", None) in STORELESS_COMMANDS:
        return None
    explicit = getattr(args, "store", None)
    path = store_mod.default_path(explicit)
    if explicit or path.exists():
        return store_mod.Store(path)
    return None


def add_location_options(parser) -> None:
    """``--at LON,LAT`` | ``--at-rd X,Y`` | ``--address TEXT`` (one required), and ``--addresses``."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", metavar="LON,LAT", help="location in WGS84 degrees")
    where.add_argument("--at-rd", metavar="X,Y", help="location in RD New metres")
    where.add_argument("--address", metavar="TEXT", help='address, e.g. "Zuideinde 1, Landsmeer" or "1121 AB 12"')
    parser.add_argument("--addresses", metavar="FILE.csv",
                        help="local address table for --address (default $PLANNER_ADDRESSES, else PDOK)")


def location_from_args(args):
    """The RD New point of ``--at``/``--at-rd``/``--address``, and the address found (or None)."""
    if args.at:
        lon, lat = geo.parse_lonlat(args.at, "--at")
        return geo.point_rd(lon, lat, source="--at"), None
    if args.address:
        found = geocode.geocode_one(args.address, addresses=args.addresses)
        return geo.point_rd(x=found.x, y=found.y, source=f"adres {found.label}"), found
    x, y = geo.parse_lonlat(args.at_rd, "--at-rd")
    return geo.point_rd(x=x, y=y, source="--at-rd"), None


def add_json_option(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


@dataclass
class Inputs:
    """The loaded layers a command works on (None when not asked for)."""

    policy: Policy
    wards: gpd.GeoDataFrame | None = None
    signs: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    groups: pd.DataFrame | None = None
    requests: gpd.GeoDataFrame | None = None


LOADERS = {
    "wards": geo.load_wards,
    "signs": geo.load_signs,
    "roads": geo.load_roads,
    "groups": geo.load_groups,
    # Requests may give an address instead of coordinates: looked up in the local
    # address table ($PLANNER_ADDRESSES), else at PDOK Locatieserver.
    "requests": partial(geo.load_requests, locate=geocode.locate_requests),
}


def input_path(args, name: str) -> Path:
    given = getattr(args, name, None)
    return Path(given) if given else data_dir() / INPUT_FILES[name]


def load_inputs(args, *names: str, optional: tuple[str, ...] = ()) -> Inputs:
    """Load the named layers from the register, the paths in ``args`` or ``data/``.

    When a register exists (see :func:`store_for`) wards, signs, groups and
    requests come from it unless a file is given explicitly. Layers in
    ``optional`` are skipped when their default file is absent; a path given
    explicitly must always exist.
    """
    inputs = Inputs(policy=policy_mod.resolve(getattr(args, "policy", None)))
    store = store_for(args)
    from_store = [n for n in names if n in STORE_LAYERS and not getattr(args, n, None)] if store else []
    if from_store:
        layers = store.layers()
        for name in from_store:
            setattr(inputs, name, layers[name])
    for name in names:
        if name in from_store:
            continue
        path = input_path(args, name)
        if name in optional and not getattr(args, name, None) and not path.exists():
            continue
        setattr(inputs, name, LOADERS[name](path))
    return inputs


def add_text_row(table, *cells) -> None:
    """Add a row of plain text to a rich table (names from outside are not markup)."""
    from rich.text import Text
    table.add_row(*(c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells))


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
