"""The inputs of a use case: the layers from the register, the files given, or ``data/``.

Called with keyword arguments (the command line translates its options in
:func:`planner.cli.common.load_inputs`); errors name the value and the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd

from planner import geo, settings
from planner.core import policy as policy_mod
from planner.core.policy import Policy
from planner.errors import InputError
from planner.io.sources import geocode

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



# Layers that a register holds; commands read them from it when one exists.
STORE_LAYERS = ("wards", "signs", "groups", "requests")


def store_for(store: str | None = None, *, files: dict | None = None, recording: bool = False):
    """The register to read from, or None (no register: work on the files).

    ``store`` (a path or URL) must exist; ``$PLANNER_STORE`` or ``./planner.gpkg``
    are used when they exist. With ``recording`` (a use case that records its
    result in the register, like deciding) a ward, sign or group file in
    ``files`` is refused: the register's own layers would be used instead.
    """
    from planner.register import store as store_mod
    path = store_mod.default_path(store)
    if store is None and not path.exists():
        return None
    opened = store_mod.Store(path)
    if recording:
        refuse_files_the_register_would_ignore(files or {}, opened)
    return opened


def refuse_files_the_register_would_ignore(files: dict, store) -> None:
    """Deciding with a register records against the register's wards, signs and groups: an
    explicit file for one of those would be ignored, so the combination is refused."""
    if files.get("requests"):
        return
    given = [f"⟨{n}⟩" for n in ("wards", "signs", "groups") if files.get(n)]
    if given:
        raise InputError(
            f"{' en '.join(given)} met register {store.path}: 'decide' beslist de openstaande aanvragen van het "
            f"register tegen de wijken, borden en groepen in het register en legt ze daar vast, dus "
            f"{' en '.join(given)} zou genegeerd worden; laat {' en '.join(given)} weg, of geef ook ⟨requests⟩ om "
            "op bestanden te beslissen zonder iets vast te leggen")


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


def input_path(name: str, given=None) -> Path:
    """The file of layer ``name``: ``given``, else the default file in :func:`data_dir`."""
    if given is not None and not str(given).strip():
        raise InputError(f"⟨{name}⟩: leeg pad; geef een bestand of laat de optie weg")
    return Path(given) if given is not None else data_dir() / INPUT_FILES[name]


NAMES_NL = INPUT_NL
SPATIAL_LAYERS = ("signs", "roads", "requests")


def load_inputs(*names: str, files: dict | None = None, policy: str | None = None, store: str | None = None,
                use_store: bool = True, recording: bool = False, optional: tuple[str, ...] = (),
                ward: str | None = None) -> Inputs:
    """Load the named layers from the register, the files given or ``data/``.

    ``files`` maps a layer name to a path (None: the default); ``policy`` is a
    preset name or TOML file; ``store`` the register (None: ``$PLANNER_STORE``
    or ``./planner.gpkg`` when it exists; ``use_store=False`` never uses one);
    ``recording`` as in :func:`store_for`.

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
    files = files or {}
    inputs = Inputs(policy=policy_mod.resolve(policy))
    explicit = {n for n in names if files.get(n) is not None}
    paths = {n: input_path(n, files.get(n)) for n in names}
    store = store_for(store, files=files, recording=recording) if use_store else None
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
    keep_to_one_place(inputs, names, explicit, optional, store)
    if explicit and set(inputs.sources) - explicit:
        log.warning("gebruikte invoer: %s", "; ".join(f"{NAMES_NL[n]} {inputs.sources[n]}" for n in names
                                                     if n in inputs.sources))
    return inputs


def bounds_overlap(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def keep_to_one_place(inputs: Inputs, names, explicit: set, optional, store) -> None:
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
        if bounds_overlap(tuple(layer.total_bounds), wards_bounds):
            continue
        here = f"{NAMES_NL[name]} uit {inputs.sources[name]}"
        there = f"de wijken uit {wards_source}"
        if name in explicit:
            if wards_explicit:
                continue  # both given by the user: the decisions say 'outside the wards'
            raise InputError(f"{here} liggen buiten {there}; geef met ⟨wards⟩ de wijken die erbij horen")
        if name in optional:
            setattr(inputs, name, None)
            inputs.sources[name] = f"niet gebruikt ({inputs.sources[name]} ligt buiten {there})"
            log.warning("%s liggen buiten %s en worden niet gebruikt; geef ⟨%s⟩ voor deze wijken",
                        here, there, name)
        elif name == "signs":
            inputs.signs = layer.iloc[0:0].copy()
            inputs.sources[name] = f"geen ({inputs.sources[name]} ligt buiten {there})"
            log.warning("%s liggen buiten %s; er worden geen borden meegeteld; geef ⟨signs⟩ voor deze wijken",
                        here, there)
        else:
            raise InputError(f"{here} liggen buiten {there}; geef ⟨{name}⟩ met de {NAMES_NL[name]} van "
                             "deze wijken")


