"""planner: where do WhatsApp-buurtpreventie signs go?

Data flows one way: files -> :mod:`planner.geo` (load, validate, RD New) ->
:mod:`planner.wards` (in the ward, counted signs, covered) -> :mod:`planner.placement`
(decisions) and :mod:`planner.proposals` (entry roads, positions) -> reports, maps
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
    "RD_NEW": "geo", "WGS84": "geo", "load_wards": "geo", "load_signs": "geo", "load_roads": "geo",
    "load_groups": "geo", "load_requests": "geo", "point_rd": "geo",
    "Decision": "placement", "ProposalResult": "placement", "decide_requests": "placement",
    "decisions_frame": "placement",
    "ward_of": "wards", "in_ward": "wards", "ward_index": "wards", "assign_wards": "wards",
    "counted_signs": "wards", "is_covered": "wards", "ward_status": "wards", "check_point": "wards",
    "Policy": "policy", "load_policy": "policy", "preset": "policy", "preset_names": "policy",
    "find_entries": "entries", "road_network": "entries",
    "propose_positions": "proposals", "WardProposal": "proposals", "make_proposer": "proposals",
    "relocate_sign": "relocation", "Relocation": "relocation",
    "overview_map": "maps", "decision_map": "maps",
    "to_geojson": "geojson",
    "show_request": "lifecycle", "resolve_request": "lifecycle", "agree_positions": "lifecycle",
    "wish_options": "lifecycle", "letter_for": "letters", "write_letters": "letters", "load_config": "config",
    "coverage_stats": "stats", "CoverageStats": "stats",
}
_RENAMED = {"prepare_map_data": ("maps", "prepare")}

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
