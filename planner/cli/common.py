"""Options and input loading shared by the subcommands."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from functools import partial

from .. import geo, geocode, policy as policy_mod, settings
from ..errors import InputError
from ..policy import Policy

log = logging.getLogger("planner")

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
INPUT_NL = {"wards": "wijken", "signs": "borden", "roads": "wegen", "groups": "groepen", "requests": "aanvragen"}
INPUT_FILES = {
    "wards": "wijken.geojson",
    "signs": "borden.geojson",
    "roads": "wegen.geojson",
    "groups": "groepen.csv",
    "requests": "aanvragen.csv",
}


def data_dir() -> Path:
    """``$PLANNER_DATA``, else ``./data`` when it exists, else the bundled demo data."""
    env = settings.data_dir()
    if env is not None:
        return env
    local = Path.cwd() / "data"
    return local if (local / INPUT_FILES["wards"]).exists() else PACKAGE_ROOT / "data"


def add_input_options(parser, *names: str) -> None:
    """``--wards``, ``--signs``, ... (default: the files in ``data/``) and ``--policy``."""
    for name in names:
        parser.add_argument(f"--{name}", metavar="FILE",
                            help=f"{INPUT_NL[name]}: bestand, of FILE.gpkg:LAAG (standaard: het register, "
                                 f"anders data/{INPUT_FILES[name]})" if name in STORE_LAYERS else
                            f"{INPUT_NL[name]}: bestand, of FILE.gpkg:LAAG (standaard: data/{INPUT_FILES[name]})")
    parser.add_argument("--policy", metavar="NAME|FILE.toml",
                        help=f"beleid: een gemeente ({', '.join(policy_mod.preset_names())}) of een TOML-bestand; "
                             "standaard landsmeer")
    add_store_option(parser)


def add_store_option(parser) -> None:
    """``--store PATH``: the register (default ``$PLANNER_STORE``, else ``./planner.gpkg``)."""
    if "--store" not in parser._option_string_actions:
        parser.add_argument("--store", metavar="FILE.gpkg|postgresql://...",
                            help="het register: een GeoPackage of een gedeeld register op PostgreSQL/PostGIS "
                                 "(standaard: $PLANNER_STORE, anders planner.gpkg als dat bestaat)")


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
    if explicit is None and not path.exists():
        return None
    store = store_mod.Store(path)
    _refuse_files_the_register_would_ignore(args, store)
    return store


# Commands that decide against the register's own layers and record the result there.
RECORDING_COMMANDS = {"decide"}


def _refuse_files_the_register_would_ignore(args, store) -> None:
    """``decide`` with a register records against the register's wards, signs and groups: an
    explicit file for one of those would be ignored, so the combination is refused."""
    if getattr(args, "command", None) not in RECORDING_COMMANDS or getattr(args, "requests", None):
        return
    given = [f"--{n}" for n in ("wards", "signs", "groups") if getattr(args, n, None)]
    if given:
        raise InputError(
            f"{' en '.join(given)} met register {store.path}: 'decide' beslist de openstaande aanvragen van het "
            f"register tegen de wijken, borden en groepen in het register en legt ze daar vast, dus "
            f"{' en '.join(given)} zou genegeerd worden; laat {' en '.join(given)} weg, of geef ook --requests om "
            "op bestanden te beslissen zonder iets vast te leggen")


def add_location_options(parser) -> None:
    """``--at LON,LAT`` | ``--at-rd X,Y`` | ``--address TEXT`` (one required), and ``--addresses``."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", metavar="LON,LAT", help="plek in WGS84-graden, lengte eerst: 4.916,52.433")
    where.add_argument("--at-rd", metavar="X,Y", help="plek in RD New-meters: 123000,494000")
    where.add_argument("--address", metavar="TEXT", help='adres, bijv. "Zuideinde 1, Landsmeer" of "1121 AB 12"')
    parser.add_argument("--addresses", metavar="FILE.csv",
                        help="eigen adressentabel voor --address (standaard $PLANNER_ADDRESSES, anders PDOK)")


def location_from_args(args):
    """The RD New point of ``--at``/``--at-rd``/``--address``, and the address found (or None)."""
    if args.at is not None:
        lon, lat = geo.parse_lonlat(args.at, "--at")
        return geo.point_rd(lon, lat, source="--at"), None
    if args.address is not None:
        if not args.address.strip():
            raise InputError("--address: leeg adres; geef bijv. \"Zuideinde 1, Landsmeer\" of \"1121 AB 12\"")
        found = geocode.geocode_one(args.address, addresses=args.addresses)
        return geo.point_rd(x=found.x, y=found.y, source=f"adres {found.label}"), found
    x, y = geo.parse_lonlat(args.at_rd, "--at-rd")
    return geo.point_rd(x=x, y=y, source="--at-rd"), None


def console():
    """A rich console for plain output: no markup, emoji or highlighting of names from outside.

    Highlighting (rich's regular expressions for numbers, URLs, ...) takes
    quadratic time on a long word; names are printed as they are.
    """
    from rich.console import Console
    return Console(soft_wrap=False, width=160, highlight=False, emoji=False, markup=False)


def add_json_option(parser) -> None:
    """``--json``: the command's answer as JSON on stdout (its shape is in the README, *JSON output*)."""
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON (voor scripts)")


@dataclass
class Inputs:
    """The loaded layers a command works on (None when not asked for)."""

    policy: Policy
    wards: gpd.GeoDataFrame | None = None
    signs: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    groups: pd.DataFrame | None = None
    requests: gpd.GeoDataFrame | None = None
    open_approvals: dict | None = None  # register: ward -> approvals whose positions are to be agreed
    sources: dict = field(default_factory=dict)  # layer -> where it came from (for the user)


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
    if given is not None and not str(given).strip():
        raise InputError(f"--{name}: leeg pad; geef een bestand of laat de optie weg")
    return Path(given) if given is not None else data_dir() / INPUT_FILES[name]


NAMES_NL = INPUT_NL
SPATIAL_LAYERS = ("signs", "roads", "requests")


def load_inputs(args, *names: str, optional: tuple[str, ...] = (), ward: str | None = None) -> Inputs:
    """Load the named layers from the register, the paths in ``args`` or ``data/``.

    When a register exists (see :func:`store_for`) wards, signs, groups and
    requests come from it unless a file is given explicitly: a file given
    explicitly always wins. Layers in ``optional`` are skipped when their
    default file is absent; a path given explicitly must always exist.

    Layers are never mixed across places: a layer the user did not give
    (from ``data/`` or the register) that lies outside the wards is not used
    (optional layers are skipped, signs become "no signs", requests are an
    error), and an explicit layer outside the default wards is an error.
    When explicit files are combined with others, a warning says which
    sources were used (``Inputs.sources``).

    With ``ward`` (a ward code) and wards from a file, only that ward is read
    (its attributes are scanned, then only its feature), and signs and roads
    only near it (a spatial filter GDAL applies while reading): what one
    ward's answer needs, also from national files.
    """
    inputs = Inputs(policy=policy_mod.resolve(getattr(args, "policy", None)))
    explicit = {n for n in names if getattr(args, n, None) is not None}
    paths = {n: input_path(args, n) for n in names}
    store = store_for(args)
    from_store = [n for n in names if n in STORE_LAYERS and n not in explicit] if store else []
    if from_store:
        layers = store.layers()
        for name in from_store:
            setattr(inputs, name, layers[name])
            inputs.sources[name] = f"register {store.path}"
        inputs.open_approvals = layers.get("open_approvals")
    box = None
    if ward is not None and "wards" in names and "wards" not in from_store:
        found = geo.ward_by_code(paths["wards"], ward)
        inputs.wards = found
        inputs.sources["wards"] = str(paths["wards"]) + ("" if "wards" in explicit else " (standaard)")
        margin = 10.0  # metres: roads along the boundary and signs on it are read too
        x0, y0, x1, y1 = found.total_bounds
        box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    for name in names:
        if name in from_store or (box is not None and name == "wards"):
            continue
        path = paths[name]
        if name in optional and name not in explicit and not path.exists():
            continue
        loader = LOADERS[name]
        if box is not None and name in ("signs", "roads"):
            loader = partial(loader, bbox=box)
        setattr(inputs, name, loader(path))
        inputs.sources[name] = str(path) + ("" if name in explicit else " (standaard)")
    _keep_to_one_place(inputs, names, explicit, optional, store)
    if explicit and set(inputs.sources) - explicit:
        log.warning("gebruikte invoer: %s", "; ".join(f"{NAMES_NL[n]} {inputs.sources[n]}" for n in names
                                                     if n in inputs.sources))
    return inputs


def _bounds_overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _keep_to_one_place(inputs: Inputs, names, explicit: set, optional, store) -> None:
    """Drop layers that lie elsewhere than the wards (see :func:`load_inputs`)."""
    import numpy as np

    if inputs.wards is not None and len(inputs.wards):
        wards_bounds = tuple(inputs.wards.total_bounds)
        wards_source = inputs.sources.get("wards", "")
        wards_explicit = "wards" in explicit
    elif store is not None and "wards" not in names:
        wards_bounds = store.extent("wards")
        wards_source = f"register {store.path}"
        wards_explicit = False
    else:
        return
    if wards_bounds is None or not np.all(np.isfinite(wards_bounds)):
        return
    for name in SPATIAL_LAYERS:
        layer = getattr(inputs, name)
        if layer is None or not len(layer) or name not in inputs.sources:
            continue
        if _bounds_overlap(tuple(layer.total_bounds), wards_bounds):
            continue
        here = f"{NAMES_NL[name]} uit {inputs.sources[name]}"
        there = f"de wijken uit {wards_source}"
        if name in explicit:
            if wards_explicit:
                continue  # both given by the user: the decisions say 'outside the wards'
            raise InputError(f"{here} liggen buiten {there}; geef met --wards de wijken die erbij horen")
        if name in optional:
            setattr(inputs, name, None)
            inputs.sources[name] = f"niet gebruikt ({inputs.sources[name]} ligt buiten {there})"
            log.warning("%s liggen buiten %s en worden niet gebruikt; geef --%s voor deze wijken",
                        here, there, name)
        elif name == "signs":
            inputs.signs = layer.iloc[0:0].copy()
            inputs.sources[name] = f"geen ({inputs.sources[name]} ligt buiten {there})"
            log.warning("%s liggen buiten %s; er worden geen borden meegeteld; geef --signs voor deze wijken",
                        here, there)
        else:
            raise InputError(f"{here} liggen buiten {there}; geef --{name} met de {NAMES_NL[name]} van "
                             "deze wijken")


def add_text_row(table, *cells) -> None:
    """Add a row of plain text to a rich table (names from outside are not markup)."""
    from rich.text import Text
    table.add_row(*(c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells))


def print_json(data) -> None:
    # One string, one write: json.dump's many small writes cost seconds at national scale.
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def yes_no(value: str) -> bool:
    """``ja``/``nee`` (also yes/no, j/n, 1/0) of an option such as ``--wijkagent``."""
    import argparse

    text = str(value).strip().lower()
    if text in ("ja", "j", "yes", "y", "1", "true"):
        return True
    if text in ("nee", "n", "no", "0", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{value!r}: geef ja of nee")
