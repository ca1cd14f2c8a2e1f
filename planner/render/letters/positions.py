"""Where a sign stands, in words an admin can follow on the street without a map.

:func:`describe_positions` says for each position its street, the nearest
crossing street along that street with the distance and the compass
direction from the crossing ("Dorpsstraat, 45 m ten westen van de kruising
met de Oostmeerweg"), the side of the road (the right-hand side for traffic
entering the ward: signs face incoming traffic, and the Dutch drive on the
right) and, when an address table is given, the nearest house number on the
same street ("ter hoogte van Dorpsstraat 12"). Without a crossing within
:data:`MAX_CROSSING_DISTANCE` it measures from where the street enters the
ward instead ("15 m voorbij de grens met wijk Landsmeer-Dorp"), and when the
street enters the ward closer by than the nearest crossing it says both.

Everything is computed in RD New (metres) from the road network; the
coordinates stay in the letter too, for those who use a phone.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

MAX_CROSSING_DISTANCE = 400.0  # metres along the street
ON_STREET = 40.0  # metres: a sign belongs to a street whose line lies this close
TOUCH = 1.0  # metres: two streets meet when their lines come this close
SAME_CROSSING = 3.0  # metres: streets meeting within this distance share one crossing
NEAR_ADDRESS = 60.0  # metres: the nearest house number on the street, when this close
COMPASS_8 = ("oosten", "noordoosten", "noorden", "noordwesten", "westen", "zuidwesten", "zuiden", "zuidoosten")
COMPASS_4 = ("oostkant", "noordkant", "westkant", "zuidkant")
# Street names that take "de" in a sentence ("de kruising met de Kerkstraat"); others go without
# an article ("de kruising met Zuideinde"), which is never wrong.
_DE_WORDS = re.compile(r"(straat|weg|laan|dijk|kade|singel|gracht|steeg|dreef|baan|allee|boulevard|dwarsweg|"
                       r"ring|weide|wetering|vaart|brug)$", re.IGNORECASE)


def with_article(street: str) -> str:
    """``Kerkstraat`` -> ``de Kerkstraat``; ``Zuideinde`` stays ``Zuideinde``."""
    return f"de {street}" if _DE_WORDS.search(street.strip()) else street


def _compass(dx: float, dy: float, names=COMPASS_8) -> str:
    n = len(names)
    angle = np.degrees(np.arctan2(dy, dx)) % 360.0
    return names[int(((angle + 180.0 / n) % 360.0) // (360.0 / n))]


def _round_metres(d: float) -> int:
    return int(max(5, 5 * round(d / 5.0)))


def _named(roads) -> tuple[np.ndarray, np.ndarray]:
    names = roads["name"].fillna("").astype(str).str.strip().to_numpy() if "name" in roads else \
        np.full(len(roads), "", dtype=object)
    return roads.geometry.values, names


def _lines(geoms) -> np.ndarray:
    """The line parts of some geometries (an intersection may leave points)."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    return parts[np.isin(shapely.get_type_id(parts), (1, 2))]


def _street_line(point, street: str, geoms, names):
    """The merged line of the street the sign stands on (nearest to ``point``) and its name.

    The sign's own street when it lies within :data:`ON_STREET`; else the
    nearest road there (its name may be empty); (None, street) when no road is near.
    """
    near = shapely.dwithin(geoms, point, ON_STREET)
    if not near.any():
        return None, street
    lower = np.char.lower(names.astype(str))
    same = near & (lower == street.lower()) if street else np.zeros(len(geoms), bool)
    if not same.any():
        k = np.flatnonzero(near)[np.argmin(shapely.distance(geoms[near], point))]
        street = names[k]
        same = (lower == street.lower()) if street else (np.arange(len(geoms)) == k)
    # all parts of that street nearby, merged; the piece the sign stands on
    box = shapely.buffer(point, MAX_CROSSING_DISTANCE * 2)
    parts = _lines(shapely.intersection(geoms[same & shapely.intersects(geoms, box)], box))
    if not len(parts):
        return None, street
    pieces = _lines([shapely.line_merge(shapely.multilinestrings(parts))])
    return pieces[np.argmin(shapely.distance(pieces, point))], street


def _crossing(point, line, street: str, geoms, names):
    """(distance along the street, crossing point, names of the crossing streets) of the nearest crossing."""
    others = (names != "") & (np.char.lower(names.astype(str)) != street.lower()) & \
        shapely.dwithin(geoms, line, TOUCH)
    if not others.any():
        return None
    meet = shapely.get_point(shapely.shortest_line(line, geoms[others]), 0)  # where each meets the street
    along = shapely.line_locate_point(line, meet)
    here = line.project(point)
    dist = np.abs(along - here)
    best = int(np.argmin(dist))
    if dist[best] > MAX_CROSSING_DISTANCE:
        return None
    same = shapely.distance(meet, meet[best]) <= SAME_CROSSING
    crossing_names = sorted(set(names[others][same]))
    return float(dist[best]), meet[best], crossing_names


def _entry(point, line, ward_geom, wards):
    """(distance along the street from the ward boundary, where along the street, name of the ward on the
    other side or None), or None when the street does not cross the boundary."""
    if ward_geom is None:
        return None
    coords = shapely.get_coordinates(shapely.intersection(line, shapely.boundary(ward_geom)))
    if not len(coords):
        return None
    cuts = shapely.points(coords)
    along = shapely.line_locate_point(line, cuts)
    here = line.project(point)
    k = int(np.argmin(np.abs(along - here)))
    outside = None
    if wards is not None and len(wards):
        # a point a few metres beyond the boundary, away from the sign
        step = 5.0 if along[k] >= here else -5.0
        beyond = line.interpolate(float(along[k]) + step)
        hit = np.flatnonzero(shapely.contains(wards.geometry.values, beyond)
                             & ~shapely.equals(wards.geometry.values, ward_geom))
        outside = str(wards["name"].iloc[hit[0]]) if len(hit) else None
    return float(abs(along[k] - here)), float(along[k]), outside


def _side(point, line, ward_geom) -> str:
    """The compass side of the road on the right for traffic entering the ward here ('' when unknown)."""
    here = line.project(point)
    a, b = line.interpolate(max(here - 2.0, 0.0)), line.interpolate(min(here + 2.0, line.length))
    dx, dy = b.x - a.x, b.y - a.y
    if dx == dy == 0 or ward_geom is None:
        return ""
    cuts = shapely.get_coordinates(shapely.intersection(line, shapely.boundary(ward_geom)))
    if len(cuts):
        along = shapely.line_locate_point(line, shapely.points(cuts))
        boundary_at = along[np.argmin(np.abs(along - here))]
        if boundary_at > here:  # traffic comes from further along the line: it drives the other way
            dx, dy = -dx, -dy
    else:  # the street does not cross the boundary: drive towards the ward's middle
        c = ward_geom.representative_point()
        if (c.x - point.x) * dx + (c.y - point.y) * dy < 0:
            dx, dy = -dx, -dy
    return _compass(dy, -dx, COMPASS_4)  # right-hand side of the driving direction


def _address(point, street: str, addresses) -> str:
    """``Dorpsstraat 12``: the nearest address on the same street (address table), or ''."""
    if addresses is None or not street:
        return ""
    t = addresses.table
    on_street = t[t["straat"].fillna("").astype(str).str.strip().str.lower() == street.lower()]
    if on_street.empty:
        return ""
    d = np.hypot(on_street["x"].to_numpy() - point.x, on_street["y"].to_numpy() - point.y)
    k = int(np.argmin(d))
    if d[k] > NEAR_ADDRESS:
        return ""
    r = on_street.iloc[k]
    return f"{r['straat']} {r['huisnummer']}{r['toevoeging'] or ''}"


def describe_position(x: float, y: float, street: str = "", *, roads=None, ward_geom=None, wards=None,
                      addresses=None) -> dict:
    """One position in words; see :func:`describe_positions`."""
    point = shapely.Point(x, y)
    street = (street or "").strip()
    out = {"street": street, "where": "", "side": "", "crossing": None, "distance_m": None, "address": ""}
    if roads is None or not len(roads):
        return out
    geoms, names = _named(roads)
    line, street = _street_line(point, street, geoms, names)
    out["street"] = street
    out["address"] = _address(point, street, addresses)
    if line is None:
        return out
    found = _crossing(point, line, street, geoms, names)
    entry = _entry(point, line, ward_geom, wards)
    parts = []
    if entry is not None and (found is None or entry[0] < found[0]):
        # the street enters the ward closer by than the nearest crossing: measure from there first
        dist, _, outside = entry
        across = f"de grens met wijk {outside}" if outside else "de gemeentegrens"
        parts.append(f"{_round_metres(dist)} m voorbij {across}")
        out["distance_m"] = _round_metres(dist)
    if found is not None:
        dist, at, crossing_names = found
        others = " en ".join(with_article(n) for n in crossing_names)
        out["crossing"] = crossing_names
        out["distance_m"] = out["distance_m"] or _round_metres(dist)
        parts.append(f"bij de kruising met {others}" if dist < 5 else
                     f"{_round_metres(dist)} m ten {_compass(point.x - at.x, point.y - at.y)} van de kruising "
                     f"met {others}")
    out["where"] = ", ".join(parts)
    side = _side(point, line, ward_geom)
    if side:
        out["side"] = f"aan de {side} van de weg (rechts voor wie de wijk in rijdt)"
    return out


def describe_positions(positions, *, roads=None, ward_geom=None, wards=None, addresses=None) -> list[dict]:
    """Each position (dicts with ``x``, ``y`` in RD New and ``street``) in words.

    Parameters
    ----------
    positions : list of dict
    roads : GeoDataFrame of lines with ``name`` (RD New), optional
        Without roads only the street is known.
    ward_geom : shapely (Multi)Polygon, optional
        The ward the signs are for: the side of the road and the distance from
        its boundary follow from where the street enters it.
    wards : GeoDataFrame with ``name``, optional
        All wards, to name the ward on the other side of the boundary.
    addresses : planner.geocode.AddressTable, optional
        For the nearest house number on the same street.

    Returns
    -------
    list of dict
        ``street``, ``where`` (e.g. ``45 m ten westen van de kruising met de
        Oostmeerweg``; '' when unknown), ``side`` (``aan de zuidkant van de weg
        (...)`` or ''), ``crossing`` (names) or None, ``distance_m`` and
        ``address`` (e.g. ``Dorpsstraat 12`` or '').
    """
    if roads is not None and len(roads) and len(positions):
        # only the roads near the positions (the spatial index of a national network is built once)
        xy = np.array([[float(p["x"]), float(p["y"])] for p in positions])
        reach = 2 * MAX_CROSSING_DISTANCE + ON_STREET
        box = shapely.box(*(xy.min(axis=0) - reach), *(xy.max(axis=0) + reach))
        roads = roads.iloc[np.sort(roads.sindex.query(box))]
    return [describe_position(float(p["x"]), float(p["y"]), p.get("street") or "", roads=roads,
                              ward_geom=ward_geom, wards=wards, addresses=addresses) for p in positions]


def position_sentence(d: dict) -> str:
    """``Dorpsstraat, 45 m ten westen van de kruising met de Oostmeerweg, aan de zuidkant van de weg (...),
    ter hoogte van Dorpsstraat 12`` (the parts that are known)."""
    parts = [d["street"] or "naamloze weg"] + [v for v in (d["where"], d["side"]) if v]
    if d.get("address"):
        parts.append(f"ter hoogte van {d['address']}")
    return ", ".join(parts)


__all__ = ["describe_positions", "describe_position", "position_sentence", "with_article"]
