"""The planner's Dutch words, defined once: outcomes, states, road classes, legends.

The command line, the report, the maps and the letters print the same word
for the same thing; code and JSON keep the English keys (``approved``,
``placed``, ``tertiary``). Change a word here and every output follows.

>>> OUTCOME_NL["needs_review"]
'ter beoordeling'
>>> road_class_nl("tertiary_link")
'op-/afrit (tertiaire weg)'
"""

from __future__ import annotations

# Decision outcomes (``Decision.outcome``).
OUTCOME_NL = {"approved": "toegekend", "rejected": "afgewezen", "needs_review": "ter beoordeling"}

# Ward states on the maps and in ``planner stats`` (see planner.maps).
WARD_STATE_NL = {
    "gedekt": "gedekt",
    "in_behandeling": "aanvraag in behandeling",
    "niet_gedekt": "niet gedekt",
}
# One legend line per ward state: what the colour means.
WARD_STATE_LEGEND = {
    "gedekt": "wijk gedekt: heeft borden die volgens het beleid meetellen",
    "in_behandeling": "wijk met een aanvraag in behandeling: toegekend (borden nog te plaatsen) "
                      "of ter beoordeling",
    "niet_gedekt": "wijk niet gedekt: geen borden, geen lopende aanvraag",
}

# Sign statuses (``signs.status``).
SIGN_STATUS_NL = {"placed": "geplaatst", "planned": "gepland", "removed": "verwijderd"}

# What happened to a sign, in fixed words: the public export says this instead of the reason staff
# typed (free text stays internal).
SIGN_EVENT_NL = {"proposed": "voorgesteld", "approved": "goedgekeurd", "agreed": "plek afgesproken met de beheerder",
                 "placed": "geplaatst", "relocated": "verplaatst door de gemeente",
                 "removed": "weggehaald door de gemeente"}

# Requests on the maps: still open (approved, signs not placed, or to be
# reviewed) or settled.
REQUEST_STATE_NL = {"open": "aanvraag in behandeling", "settled": "aanvraag afgehandeld"}

# Marker kinds on the maps, as the legend names them.
MARKER_NL = {
    "bord": "bord (geplaatst)",
    "gepland": "bord (gepland)",
    "aanvraag": REQUEST_STATE_NL["open"],
    "afgehandeld": REQUEST_STATE_NL["settled"],
    "voorstel": "voorgestelde plek (nummer = rang)",
}

# OSM highway classes as staff read them; JSON keeps the OSM class.
ROAD_CLASS_NL = {
    "motorway": "autosnelweg", "trunk": "autoweg", "primary": "hoofdweg",
    "secondary": "secundaire weg", "tertiary": "tertiaire weg", "unclassified": "overige weg",
    "residential": "woonstraat", "living_street": "woonerf", "service": "dienstweg",
    "pedestrian": "voetgangersgebied", "footway": "voetpad", "cycleway": "fietspad", "path": "pad",
    "track": "landbouwweg", "bridleway": "ruiterpad", "busway": "busbaan", "road": "weg",
}
UNNAMED_ROAD = "naamloze weg"
UNKNOWN = "onbekend"  # a number nobody knows (e.g. CBS population sentinels); never 0
OUTSIDE_WARDS = "buiten de gemeente"
YES_NO = {True: "ja", False: "nee"}


def road_class_nl(road_class) -> str:
    """Dutch name of an OSM road class (``tertiary`` -> ``tertiaire weg``); others unchanged."""
    cls = "" if road_class is None else str(road_class)
    if cls.endswith("_link"):
        return f"op-/afrit ({road_class_nl(cls.removesuffix('_link'))})"
    return ROAD_CLASS_NL.get(cls, cls or "zonder klasse")


def outcome_nl(outcome: str) -> str:
    """Dutch word of a decision outcome (``needs_review`` -> ``ter beoordeling``)."""
    return OUTCOME_NL[outcome]


__all__ = ["OUTCOME_NL", "WARD_STATE_NL", "WARD_STATE_LEGEND", "SIGN_STATUS_NL", "SIGN_EVENT_NL", "REQUEST_STATE_NL",
           "MARKER_NL", "ROAD_CLASS_NL", "UNNAMED_ROAD", "UNKNOWN", "OUTSIDE_WARDS", "YES_NO",
           "road_class_nl", "outcome_nl"]
