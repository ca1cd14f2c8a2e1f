"""planner: where do WhatsApp-buurtpreventie signs go?

Data flows one way: files -> :mod:`planner.geo` (load, validate, RD New) ->
:mod:`planner.placement` (wards, coverage, decisions) -> reports and maps.

>>> import planner
>>> wards = planner.load_wards("data/wijken.geojson")
>>> signs = planner.load_signs("data/borden.geojson")
>>> planner.ward_status(wards, signs, planner.preset("landsmeer"))  # doctest: +SKIP
"""

from .errors import InputError, PlannerError
from .geo import (
    RD_NEW,
    WGS84,
    load_groups,
    load_requests,
    load_roads,
    load_signs,
    load_wards,
    point_rd,
)
from .placement import (
    Decision,
    ProposalResult,
    assign_wards,
    check_point,
    counted_signs,
    decide_requests,
    decisions_frame,
    ward_of,
    ward_status,
)
from .policy import Policy, load_policy, preset, preset_names
from .entries import find_entries
from .proposals import WardProposal, make_proposer, propose_positions
from .relocation import Relocation, relocate_sign
from .maps import decision_map, overview_map
from .maps import prepare as prepare_map_data

__all__ = [
    "RD_NEW", "WGS84", "InputError", "PlannerError",
    "load_wards", "load_signs", "load_roads", "load_groups", "load_requests", "point_rd",
    "Decision", "ProposalResult", "ward_of", "assign_wards", "counted_signs", "ward_status",
    "check_point", "decide_requests", "decisions_frame",
    "Policy", "load_policy", "preset", "preset_names",
    "find_entries", "propose_positions", "WardProposal", "make_proposer",
    "relocate_sign", "Relocation",
    "prepare_map_data", "overview_map", "decision_map",
]
__version__ = "0.1.0"
