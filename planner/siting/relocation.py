"""Relocating a sign: the municipality keeps the right to move it.

The sign moves to the best free candidate in its own ward, preferring its
old entry; or a given target is checked. The ward stays covered (the new
spot is in the same ward), or the answer says that no valid alternative
exists and nothing moves. The reason and the date are part of the result,
so a register can store every move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner import settings
from planner.core.coords import parse_date, to_rd_xy
from planner.core.policy import Policy
from planner.core.text import check_text
from planner.core.wards import in_ward, ward_index
from planner.errors import InputError
from planner.siting.entries import road_candidates, road_network
from planner.siting.proposals import MIN_MOVE, min_distance, xy_to_lonlat_arrays


@dataclass
class Relocation:
    """The outcome of :func:`relocate_sign`; ``to`` is None when nothing moves."""

    sign_id: str
    ward: dict | None
    from_: dict
    to: dict | None
    reason: str
    date: str
    moved: bool
    message: str
    entries_before: list[str] = field(default_factory=list)
    entries_after: list[str] = field(default_factory=list)
    alternative: dict | None = None

    def to_dict(self) -> dict:
        return {"sign_id": self.sign_id, "ward": self.ward, "from": self.from_, "to": self.to,
                "reason": self.reason, "date": self.date, "moved": self.moved, "message": self.message,
                "entries_before": self.entries_before, "entries_after": self.entries_after,
                "alternative": self.alternative}


def _spot(x: float, y: float, road: str = "", road_class: str = "", **extra) -> dict:
    lon, lat = xy_to_lonlat_arrays(np.array([[x, y]]))
    return {"x": round(float(x), 1), "y": round(float(y), 1), "lon": round(float(lon[0]), 7),
            "lat": round(float(lat[0]), 7), "road": road, "road_class": road_class, **extra}


def _covered(entries: gpd.GeoDataFrame, xy: np.ndarray, radius: float) -> np.ndarray:
    """Per entry: is one of the positions ``xy`` within ``radius``?"""
    exy = shapely.get_coordinates(entries.geometry.values)
    if len(xy) == 0 or len(exy) == 0:
        return np.zeros(len(exy), bool)
    d = np.sqrt(((exy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    return (d <= radius).any(axis=1)


def _not_in_one_ward(sign_id: str, sign, index, ward_idx: int) -> str:
    """Why a sign outside every ward (-1) or on the boundary of two (-2) is not moved."""
    if ward_idx == -1:
        return f"Bord {sign_id} staat niet in een wijk van de gemeente; het blijft staan."
    _, both = index.pairs([sign])
    names = " en ".join(f"{index.names[w]} ({index.codes[w]})" for w in both)
    return (f"Bord {sign_id} staat op de grens van de wijken {names}; kies zelf een doel in de wijk waarvoor het "
            "bord bedoeld is.")


def relocate_sign(sign_id: str, signs: gpd.GeoDataFrame, wards: gpd.GeoDataFrame,
                  roads: gpd.GeoDataFrame | None, policy: Policy, reason: str, to=None,
                  date: str | None = None, *, entries: gpd.GeoDataFrame | None = None) -> Relocation:
    """Move sign ``sign_id`` within its ward, or say why it cannot move.

    Parameters
    ----------
    sign_id : str
    signs, wards, roads : GeoDataFrame
        RD New layers (all signs, any status, keep their spacing).
    policy : Policy
        ``min_spacing``, ``cover_radius``, ``inset``, ``wish_road_distance``.
    reason : str
        Why the sign moves (required; stored with the move).
    to : (lon, lat) tuple or shapely Point in RD New, optional
        A target to check instead of choosing the best free candidate.
    date : str, optional
        ``YYYY-MM-DD`` of the move (default today).
    entries : GeoDataFrame, optional
        Precomputed :func:`planner.entries.find_entries`.

    Returns
    -------
    Relocation
        ``moved`` False (and ``to`` None) when no valid alternative exists.
        Without ``to``, candidates on the sign's old entry come first, then
        the best weighted coverage of the ward's entries together with the
        ward's other signs, the more important road, the shortest move.
    """
    reason = check_text(reason, "⟨reason⟩")
    if not reason:
        raise InputError("een reden voor de verplaatsing is verplicht (⟨reason⟩)")
    date = parse_date(date, "⟨date⟩") if date else settings.today()
    hit = np.flatnonzero(signs["id"].astype(str).to_numpy() == str(sign_id))
    if hit.size == 0:
        raise InputError(f"bord {sign_id!r} staat niet in de bordenlaag")
    sign = signs.geometry.values[hit[0]]
    old = np.array([[sign.x, sign.y]])
    base = dict(sign_id=str(sign_id), reason=reason, date=date)
    index = ward_index(wards)
    ward_idx = index.ward_of([sign])[0]
    if ward_idx < 0:
        return Relocation(**base, ward=None, from_=_spot(*old[0]), to=None, moved=False,
                          message=_not_in_one_ward(sign_id, sign, index, ward_idx))
    code, name = str(index.codes[ward_idx]), str(index.names[ward_idx])
    ward = {"code": code, "name": name}
    poly = index.geoms[ward_idx]
    network = road_network(roads, policy)
    near_old = network.nearest_counted(np.array([sign]))
    from_ = _spot(*old[0], near_old["road"][0], near_old["road_class"][0])
    others_mask = np.ones(len(signs), bool)
    others_mask[hit[0]] = False
    # Only the ward's own signs matter (spacing and coverage), as in proposals.
    others = signs.geometry.values[others_mask]
    others_xy = shapely.get_coordinates(others[in_ward(others, poly)]).reshape(-1, 2)
    mine = network.entries(wards, [code]) if entries is None else entries[entries["ward_code"] == code]
    ids = mine["entry_id"].to_numpy()
    before = _covered(mine, np.vstack([others_xy, old]), policy.cover_radius)
    base.update(ward=ward, from_=from_, entries_before=ids[before].tolist())
    best = _best_candidate(mine, policy, old, others_xy)
    if to is not None:
        new, refused = _checked_target(to, poly, network, policy, old, others_xy, best, sign_id)
        if refused:
            return Relocation(**base, to=None, moved=False, alternative=best, message=refused)
    elif best is None:
        return Relocation(**base, to=None, moved=False,
                          message=f"Voor bord {sign_id} is in wijk {name} geen geldige andere plek; "
                                  "het bord blijft staan.")
    else:
        new = best
    after = _covered(mine, np.vstack([others_xy, [[new["x"], new["y"]]]]), policy.cover_radius)
    return Relocation(**base, to=new, moved=True, entries_after=ids[after].tolist(),
                      message=f"Bord {sign_id} gaat van ({from_['lat']:.5f}, {from_['lon']:.5f}) naar "
                              f"{new['road'] or 'een naamloze weg'} ({new['lat']:.5f}, {new['lon']:.5f}) "
                              f"in wijk {name}; reden: {reason} ({date}).")


def _checked_target(to, poly, network, policy: Policy, old, others_xy, best: dict | None,
                    sign_id: str) -> tuple[dict | None, str]:
    """A given target as a spot, or why it is refused (with the best valid alternative)."""
    target = to if isinstance(to, shapely.Point) else shapely.Point(*np.ravel(to_rd_xy([to[0]], [to[1]])))
    problems = target_problems(target, poly, network, policy, old, others_xy)
    if problems:
        offer = (f" Beste geldige alternatief: {best['road'] or 'naamloze weg'} "
                 f"({best['lat']:.5f}, {best['lon']:.5f})." if best else " Er is geen geldig alternatief.")
        return None, f"Bord {sign_id} wordt niet verplaatst: het doel {' en '.join(problems)}.{offer}"
    road = network.nearest_counted(np.array([target]))
    return _spot(target.x, target.y, road["road"][0], road["road_class"][0]), ""


def target_problems(target, poly, network, policy: Policy, old, others_xy) -> list[str]:
    """What is wrong with moving a sign from ``old`` to ``target`` in ward ``poly`` (Dutch; empty: fine).

    ``others_xy``: the ward's other signs. Used by ``planner relocate`` and the register.
    """
    problems = []
    if not in_ward([target], poly)[0]:
        problems.append("ligt niet in dezelfde wijk")
    elif shapely.distance(shapely.boundary(poly), target) < policy.boundary_clearance:
        problems.append(f"ligt binnen {policy.boundary_clearance:.0f} m van de wijkgrens")
    if network.nearest_counted(np.array([target]))["distance"][0] > policy.wish_road_distance:
        problems.append(f"ligt niet binnen {policy.wish_road_distance:.0f} m van een openbare weg")
    spacing = min_distance(np.array([[target.x, target.y]]), others_xy)[0]
    if spacing < policy.min_spacing:
        problems.append(f"staat op {spacing:.0f} m van een ander bord (minimaal {policy.min_spacing:.0f} m)")
    if np.hypot(target.x - old[0, 0], target.y - old[0, 1]) < MIN_MOVE:
        problems.append("is (vrijwel) de huidige plek")
    return problems


def _best_candidate(mine, policy: Policy, old, others_xy) -> dict | None:
    """The best free candidate in the ward (old entry first), as a spot dict, or None."""
    if mine.empty:
        return None
    cands = road_candidates(mine, policy)
    cxy = shapely.get_coordinates(cands.geometry.values)
    free = (min_distance(cxy, others_xy) >= policy.min_spacing) & \
           (np.hypot(cxy[:, 0] - old[0, 0], cxy[:, 1] - old[0, 1]) >= MIN_MOVE)
    cands, cxy = cands[free].reset_index(drop=True), cxy[free]
    if cands.empty:
        return None
    exy = shapely.get_coordinates(mine.geometry.values)
    d_old = np.hypot(exy[:, 0] - old[0, 0], exy[:, 1] - old[0, 1])
    old_entry = mine["entry_id"].iloc[int(d_old.argmin())] if d_old.min() <= policy.cover_radius else None
    info = mine.set_index("entry_id")
    weights = mine["weight"].to_numpy(float)
    d = np.sqrt(((exy[None, :, :] - cxy[:, None, :]) ** 2).sum(-1))
    cover = (d <= policy.cover_radius) | (mine["entry_id"].to_numpy()[None, :] == cands["entry_id"].to_numpy()[:, None])
    cover |= _covered(mine, others_xy, policy.cover_radius)[None, :]
    table = pd.DataFrame({
        "same": (cands["entry_id"] == old_entry).to_numpy(),
        "coverage": np.round(cover.astype(float) @ weights, 6),
        "weight": info.loc[cands["entry_id"], "weight"].to_numpy(float),
        "move": np.hypot(cxy[:, 0] - old[0, 0], cxy[:, 1] - old[0, 1]),
    })
    k = table.sort_values(["same", "coverage", "weight", "move"], ascending=[False, False, False, True]).index[0]
    e = info.loc[cands["entry_id"].iloc[k]]
    return _spot(*cxy[k], e["road"], e["road_class"], entry_id=cands["entry_id"].iloc[k])
