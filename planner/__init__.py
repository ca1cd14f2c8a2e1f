"""planner: where do WhatsApp-buurtpreventie signs go?

Data flows one way: files -> :mod:`planner.geo` (load, validate, RD New) ->
:mod:`planner.core.wards` (in the ward, counted signs, covered) -> :mod:`planner.placement`
(decisions) and :mod:`planner.siting.proposals` (entry roads, positions) -> reports, maps
and the register.

>>> import planner
>>> wards = planner.load_wards("data/wijken.geojson")
>>> signs = planner.load_signs("data/borden.geojson")
>>> planner.ward_status(wards, signs, planner.preset("landsmeer"))  # doctest: +SKIP

The names below are imported when first used, so ``import planner`` (and
``planner --help``) does not pay for geopandas, scipy or folium up front.
"""

from __future__ import annotations

import importlib

# public name -> module that defines it
_API = {
    "InputError": "errors", "PlannerError": "errors", "SolverError": "errors",
    "RD_NEW": "core.coords", "WGS84": "core.coords", "load_wards": "geo", "load_signs": "geo", "load_roads": "geo",
    "load_groups": "geo", "load_requests": "geo", "point_rd": "core.coords",
    "Decision": "placement", "ProposalResult": "placement", "decide_requests": "placement",
    "decisions_frame": "placement",
    "ward_of": "core.wards", "in_ward": "core.wards", "ward_index": "core.wards", "assign_wards": "core.wards",
    "counted_signs": "core.wards", "is_covered": "core.wards", "ward_status": "core.wards", "check_point": "core.wards",
    "Policy": "core.policy", "load_policy": "core.policy", "preset": "core.policy", "preset_names": "core.policy",
    "find_entries": "siting.entries", "road_network": "siting.entries",
    "propose_positions": "siting.proposals", "WardProposal": "siting.proposals", "make_proposer": "siting.proposals",
    "relocate_sign": "siting.relocation", "Relocation": "siting.relocation",
    "overview_map": "render.maps.page", "decision_map": "render.maps.page",
    "to_geojson": "io.geojson",
    "show_request": "app.lifecycle", "resolve_request": "app.lifecycle", "agree_positions": "app.lifecycle",
    "wish_options": "app.lifecycle", "letter_for": "app.letters", "write_letters": "app.letters", "load_config": "render.letters.municipality",
    "coverage_stats": "core.coverage", "CoverageStats": "core.coverage",
}
_RENAMED = {"prepare_map_data": ("render.maps.page", "prepare")}

__all__ = sorted([*_API, *_RENAMED])
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _API:
        module, attr = _API[name], name
    elif name in _RENAMED:
        module, attr = _RENAMED[name]
    else:
        try:  # submodules: planner.geo, planner.placement, ...
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            raise AttributeError(f"module 'planner' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *__all__])
