"""The planner's Dutch words, defined once: outcomes, states, road classes, legends.

The command line, the report, the maps and the letters print the same word
for the same thing; code and JSON keep the English keys (``approved``,
``placed``, ``tertiary``). Change a word here and every output follows.

>>> OUTCOME_NL["needs_review"]
'ter beoordeling'
>>> road_class_nl("tertiary_link")
'op-/afrit (tertiaire weg)'
>>> date_nl("2026-09-03")
'3 september 2026'
"""

from __future__ import annotations

import re

# Decision outcomes (``Decision.outcome``).
OUTCOME_NL = {"approved": "toegekend", "rejected": "afgewezen", "needs_review": "ter beoordeling"}

# Ward states on the maps and in ``planner stats``: the ward verdict of
# planner.placement.ward_verdict (covered -> gedekt, in_progress ->
# in_behandeling, free -> niet_gedekt). A request under review does not
# change its ward's state: only an approval does.
WARD_STATE_NL = {
    "gedekt": "gedekt",
    "in_behandeling": "aanvraag in behandeling",
    "niet_gedekt": "niet gedekt",
}
# One legend line per ward state: what the colour means.
WARD_STATE_LEGEND = {
    "gedekt": "wijk gedekt: heeft borden die volgens het beleid meetellen",
    "in_behandeling": "wijk met een toekenning in behandeling: plekken nog af te spreken, "
                      "of geplande borden die nog niet meetellen",
    "niet_gedekt": "wijk niet gedekt: geen borden, geen lopende toekenning (een aanvraag ter "
                   "beoordeling verandert dat niet)",
}

# Sign statuses (``signs.status``).
SIGN_STATUS_NL = {"placed": "geplaatst", "planned": "gepland", "removed": "verwijderd"}

# The life of a request (planner.request_state.request_state): its state now.
REQUEST_STATE_NL = {
    "received": "ontvangen, nog niet beslist",
    "needs_review": "ter beoordeling",
    "rejected": "afgewezen",
    "approved_open": "toegekend, plekken nog af te spreken",
    "proposed": "toegekend, plekken voorgesteld",
    "agreed": "plekken afgesproken met de beheerder",
    "placed": "borden geplaatst",
    "signs_removed": "borden verwijderd",
}

# Requests on the maps: still open (planner.request_state.OPEN_STATES) or settled.
REQUEST_OPEN_NL = {"open": "aanvraag in behandeling", "settled": "aanvraag afgehandeld"}

# What happened to a sign, in fixed words: the public export says this instead of the reason staff
# typed (free text stays internal).
SIGN_EVENT_NL = {"proposed": "voorgesteld", "approved": "goedgekeurd", "agreed": "plek afgesproken met de beheerder",
                 "placed": "geplaatst", "relocated": "verplaatst door de gemeente",
                 "removed": "weggehaald door de gemeente"}

# Marker kinds on the maps, as the legend names them.
MARKER_NL = {
    "bord": "bord (geplaatst)",
    "gepland": "bord (gepland)",
    "aanvraag": REQUEST_OPEN_NL["open"],
    "afgehandeld": REQUEST_OPEN_NL["settled"],
    "voorstel": "voorgestelde plek (aanvraag-volgnummer, bv. A008-1)",
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
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")
SHARED_POLE_NL = "gedeelde paal: één paal met een bord naar elke kant"  # two wards, one street crossing


def road_class_nl(road_class) -> str:
    """Dutch name of an OSM road class (``tertiary`` -> ``tertiaire weg``); others unchanged."""
    cls = "" if road_class is None else str(road_class)
    if cls.endswith("_link"):
        return f"op-/afrit ({road_class_nl(cls.removesuffix('_link'))})"
    return ROAD_CLASS_NL.get(cls, cls or "zonder klasse")


def date_nl(value) -> str:
    """An ISO date (``2026-09-03``, with or without a time) as people read it: ``3 september 2026``.

    Empty values give ``""``; text that is not an ISO date is returned as it is.
    """
    if value is None or str(value) in ('<NA>', 'NaT', 'nan'):  # None, NaN, pd.NA, NaT
        return ""
    text = str(value).strip()
    m = _ISO_DATE.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return text
    return f"{int(m.group(3))} {MONTHS_NL[int(m.group(2)) - 1]} {m.group(1)}"


def outcome_nl(outcome: str) -> str:
    """Dutch word of a decision outcome (``needs_review`` -> ``ter beoordeling``)."""
    return OUTCOME_NL[outcome]



# What happened to a request, in its history (request show).
REQUEST_EVENT_NL = {"received": "ontvangen", "decided": "beslist", "resolved": "afgehandeld na beoordeling",
                    "agreed": "plekken afgesproken met de beheerder"}

# What staff took in 'request agree' (``options["chosen"]``, only after agreeing), in Dutch.
CHOICE_NL = {"proposals": "de voorgestelde plekken",
             "without_wish": "de beste keuze van de gemeente zonder de wens van de beheerder",
             "with_wish": "de beste keuze met de wens van de beheerder",
             "positions": "plekken gekozen in het gesprek met de beheerder"}

# What happened to a group (group history): which data changed, never the data.
GROUP_EVENT_NL = {"added": "toegevoegd", "changed": "gewijzigd", "removed": "verwijderd (beheerders gewist)",
                  "readded": "opnieuw toegevoegd", "admin_added": "beheerder toegevoegd",
                  "admin_changed": "beheerder gecorrigeerd", "admin_removed": "beheerder verwijderd"}

__all__ = ["OUTCOME_NL", "WARD_STATE_NL", "WARD_STATE_LEGEND", "SIGN_STATUS_NL", "SIGN_EVENT_NL", "REQUEST_EVENT_NL", "CHOICE_NL", "GROUP_EVENT_NL", "REQUEST_STATE_NL", "REQUEST_OPEN_NL",
           "MARKER_NL", "ROAD_CLASS_NL", "UNNAMED_ROAD", "UNKNOWN", "OUTSIDE_WARDS", "YES_NO",
           "MONTHS_NL", "SHARED_POLE_NL", "road_class_nl", "outcome_nl", "date_nl"]
