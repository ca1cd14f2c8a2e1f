"""A seeded synthetic Netherlands, shaped like the real data, for national-scale benchmarks.

Wards are Voronoi cells of clustered seeds (dense "cities", sparse rural land)
inside a convex NL-ish polygon in RD New; every shared edge is densified and
wiggled once, inside the "kite" spanned by the two seeds, so the wards keep
tiling the extent exactly (neighbours share the very same vertices) and stay
valid. Roads, signs, groups and requests are laid out on top, with the awkward
cases real data has: dual carriageways, roads along ward boundaries with side
streets, unknown groups, requests outside every ward or on a boundary, several
requests in one ward on one day, valid and invalid wishes. Everything is fake
(names, phone numbers 06-0000xxxx, e-mail at example.org).

    .venv/bin/python benchmarks/national_data.py --wards 2000 --out /tmp/nl
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

RD_NEW = "EPSG:28992"
EXTENT = shapely.Polygon([(13000, 378000), (60000, 350000), (175000, 306000), (205000, 306000),
                          (278000, 455000), (278000, 590000), (250000, 620000), (130000, 620000)])
OUTSIDE_BOX = (-6000.0, 290000.0, 299000.0, 628000.0)  # inside planner.coords.NL_RD_BOUNDS
VERTEX_SPACING = 0.0175  # x sqrt(ward area): ~220 vertices per ward
WIGGLE, MODES = 0.08, 8  # boundary wiggle amplitude (x edge length) and sine modes
PATHS = ("footway", "cycleway")
STEMS = ("Kerk,Molen,Dorps,School,Stations,Haven,Spoor,Dijk,Polder,Kanaal,Beuken,Eiken,Linden,Berken,"
         "Wilgen,Populieren,Esdoorn,Tulpen,Rozen,Seringen,Merel,Lijster,Zwaluw,Meeuwen,Reiger,Kievit,"
         "Oranje,Wilhelmina,Juliana,Beatrix,Emma,Nassau,Rembrandt,Vermeer,Van Gogh,Mondriaan,Vondel,"
         "Bilderdijk,Tromp,De Ruyter,Piet Hein,Burgemeester de Vries,Dokter Schaep,Pastoor van Dijk,"
         "Industrie,Fabrieks,Veld,Bos,Heide,Akker,Weide,Zand,Vaart,Sluis,Brug,Markt,Noorder,Zuider").split(",")
SUFFIXES = "straat,straat,straat,weg,weg,laan,laan,plein,kade,gracht,singel,dijk,hof,pad,dreef,steeg".split(",")
STANDALONE = ("Zuideinde,Noordeinde,Achterweg,Rijksstraatweg,Oude Dijk,Hoofdstraat,Brink,Voorstraat,"
              "Buitenweg,Ring,Dorpsstraat,Lange Gracht,Korte Akker").split(",")
WARD_STEMS = ("Oud-West,Oud-Oost,De Hoven,Het Zand,Molenwijk,Bloemenbuurt,Vogelbuurt,Schildersbuurt,"
              "Bomenbuurt,Rivierenbuurt,Componistenbuurt,Dichterswijk,Zeeheldenbuurt,De Akkers,De Weide,"
              "Stationsbuurt,Havenkwartier,Kerkbuurt,Dorp,Lintbebouwing,Bedrijventerrein,Nieuwbouw").split(",")
COMPASS = np.array(["Noord", "Oost", "Zuid", "West"])
FIRST = "Jan,Anna,Piet,Karin,Ahmed,Els,Kees,Fatima,Henk,Sanne,Tom,Mila,Daan,Noor,Sem,Eva,Luuk,Yara".split(",")
LAST = ("Voorbeeld,Fictief,Proef,Testpersoon,Demo,Verzonnen,Nepnaam,Testnaam,Bedacht,Zomaar,"
        "Niemand,Onbekend").split(",")
CITY_CLASSES = {"residential": 0.4, "tertiary": 0.3, "secondary": 0.12, "living_street": 0.05, "cycleway": 0.13}
RURAL_CLASSES = {"unclassified": 0.35, "tertiary": 0.28, "secondary": 0.17, "primary": 0.1, "cycleway": 0.1}
LOCAL_CITY = {"residential": 0.58, "living_street": 0.1, "service": 0.12, "footway": 0.1, "cycleway": 0.1}
LOCAL_RURAL = {"unclassified": 0.4, "residential": 0.25, "service": 0.2, "footway": 0.05, "cycleway": 0.1}
UNNAMED = {"service": 0.5, "footway": 0.7, "cycleway": 0.6, "unclassified": 0.15}


@dataclass
class NationalData:
    """A synthetic Netherlands; all geometries in RD New (EPSG:28992).

    Attributes
    ----------
    wards : GeoDataFrame
        ``code`` (``BU00010000``), ``name``, ``gemeente`` (``GM0001``),
        ``population`` (float, NaN = unknown), ``water`` (``JA``/``NEE``), polygons.
    signs : GeoDataFrame
        ``id`` (``S000001``), ``status`` (placed/planned), ``placed_on``
        (``YYYY-MM-DD`` or ``""``), ``street``, points.
    roads : GeoDataFrame
        ``name`` (``""`` when unnamed), ``highway`` (OSM class), lines.
    groups : DataFrame
        As :func:`planner.geo.load_groups` returns it: one row per admin.
    requests : GeoDataFrame
        As :func:`planner.geo.load_requests` returns it (``request_id``, ``date``,
        ``group_id``, ``x``, ``y``, ``preferred``, points) plus ``kind``: normal,
        same_day, unknown_group, outside or near_boundary.
    """

    wards: gpd.GeoDataFrame
    signs: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    groups: pd.DataFrame
    requests: gpd.GeoDataFrame


def _in_extent(rng, k, geom=EXTENT, box=None):
    """``k`` uniform points inside ``geom`` (or, with ``box``, inside the box but outside ``geom``)."""
    x0, y0, x1, y1 = box or geom.bounds
    out = np.zeros((0, 2))
    while len(out) < k:
        p = rng.uniform((x0, y0), (x1, y1), (2 * k + 16, 2))
        inside = shapely.contains_xy(geom, p[:, 0], p[:, 1])
        out = np.vstack([out, p[~inside if box else inside]])
    return out[:k]


def _seeds(n, rng):
    """Clustered ward seeds: 65 % in cities of Pareto-distributed size, the rest rural."""
    n_city = max(1, n // 60)
    weight = rng.pareto(1.2, n_city) + 1.0
    per = rng.multinomial(int(0.65 * n), weight / weight.sum())
    sigma = np.repeat(rng.uniform(150, 300, n_city) * np.sqrt(per + 1), per)
    pts = np.repeat(_in_extent(rng, n_city), per, axis=0) + rng.normal(size=(per.sum(), 2)) * sigma[:, None]
    pts = np.vstack([pts, _in_extent(rng, n - len(pts))])
    inner = EXTENT.buffer(-50)
    for _ in range(100):  # redraw seeds outside the extent or within 25 m of another seed
        bad = ~shapely.contains_xy(inner, pts[:, 0], pts[:, 1])
        bad |= cKDTree(pts).query(pts, k=2)[0][:, 1] < 25
        if not bad.any():
            break
        pts[bad] = _in_extent(rng, int(bad.sum()), inner)
    return pts


def _ring_next(cell):
    """Index of the next vertex in the same (open) ring, wrapping around."""
    i = np.arange(len(cell))
    first = np.maximum.accumulate(np.where(np.r_[True, cell[1:] != cell[:-1]], i, 0))
    return np.where(np.r_[cell[1:] != cell[:-1], True], first, i + 1)


def _tiling(n, rng):
    """Exact tiling of EXTENT: wiggled Voronoi cells built from one shared edge network."""
    seeds = _seeds(n, rng)
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=EXTENT, ordered=True))
    cells = shapely.orient_polygons(shapely.intersection(vor, EXTENT))
    xy, cell = shapely.get_coordinates(shapely.get_exterior_ring(cells), return_index=True)
    open_ = np.r_[cell[1:] == cell[:-1], False]
    uniq, vid = np.unique(np.round(xy[open_], 3), axis=0, return_inverse=True)
    vid, cell = vid.ravel(), cell[open_]
    keep = vid != vid[_ring_next(cell)]  # vertices merged by the mm grid
    vid, cell = vid[keep], cell[keep]
    u, v = vid, vid[_ring_next(cell)]
    fwd, nv = u < v, len(uniq)
    keys, e_h = np.unique(np.minimum(u, v).astype(np.int64) * nv + np.maximum(u, v), return_inverse=True)
    E = len(keys)
    side = np.full((E, 2), -1)
    side[e_h[fwd], 0], side[e_h[~fwd], 1] = cell[fwd], cell[~fwd]
    if np.bincount(e_h, minlength=E).max() > 2 or ((side >= 0).sum(1) != np.bincount(e_h)).any():
        raise RuntimeError("Voronoi edges do not pair up")
    c1 = np.where(side[:, 0] >= 0, side[:, 0], side[:, 1])
    c2 = np.where((side >= 0).all(1), side[:, 1], -1)
    shared = c2 >= 0
    P, Q = uniq[keys // nv], uniq[keys % nv]
    L = np.hypot(*(Q - P).T)
    dh = (Q - P) / L[:, None]
    nh = np.c_[-dh[:, 1], dh[:, 0]]
    r = np.sqrt(shapely.area(cells))
    scale = np.where(shared, (r[c1] + r[np.maximum(c2, 0)]) / 2, r[c1])
    n_int = np.floor(L / (VERTEX_SPACING * scale * rng.uniform(0.6, 1.5, E))).astype(np.int64)
    e = np.repeat(np.arange(E), n_int)
    k = np.arange(len(e)) - (np.cumsum(n_int) - n_int)[e] + 1
    t = (k + rng.uniform(-0.3, 0.3, len(e))) / (n_int[e] + 1)
    coef = rng.normal(size=(E, MODES)) / np.arange(1, MODES + 1)
    delta = sum(coef[e, j] * np.sin((j + 1) * np.pi * t) for j in range(MODES)) * (WIGGLE * L * shared)[e]
    delta += rng.normal(0, 0.15, len(e)) * (L / (n_int + 1) * shared)[e] * np.sin(np.pi * t)
    bound = np.zeros(len(e))  # stay inside the triangle (seed, P, Q) on the side the edge moves to
    for c in (c1, c2):
        s = seeds[np.maximum(c, 0)] - P
        h, f = np.einsum("ij,ij->i", s, nh)[e], (np.einsum("ij,ij->i", s, dh) / L)[e]
        with np.errstate(divide="ignore", invalid="ignore"):
            lim = np.minimum(1.0, np.minimum(np.where(f > 0, t / f, np.inf), np.where(f < 1, (1 - t) / (1 - f), np.inf)))
        bound = np.where((c[e] >= 0) & (np.sign(h) == np.sign(delta)), np.abs(h) * lim, bound)
    delta = np.sign(delta) * np.minimum(np.abs(delta), 0.8 * bound)
    m = n_int + 2
    fo = np.cumsum(m) - m
    F = np.empty((m.sum(), 2))
    F[fo], F[fo + m - 1] = P, Q
    F[fo[e] + k] = P[e] + dh[e] * (L[e] * t)[:, None] + nh[e] * delta[:, None]
    mh = n_int[e_h] + 1  # half-edge: its edge's points from its start, without its end
    hi = np.repeat(np.arange(len(e_h)), mh)
    j = np.arange(len(hi)) - (np.cumsum(mh) - mh)[hi]
    idx = fo[e_h[hi]] + np.where(fwd[hi], j, n_int[e_h[hi]] + 1 - j)
    polys = shapely.polygons(shapely.linearrings(F[idx], indices=cell[hi]))
    if not shapely.is_valid(polys).all():
        raise RuntimeError("invalid ward polygon")
    return dict(seeds=seeds, polys=polys, r=r, F=F, fo=fo, n_int=n_int, c1=c1, c2=c2)


def _pick(rng, table, k):
    return rng.choice(np.array(list(table), dtype=object), k, p=np.array(list(table.values())))


def _street_names(rng, k):
    names = np.char.add(rng.choice(STEMS, k), rng.choice(SUFFIXES, k)).astype(object)
    alone = rng.random(k) < 0.08
    names[alone] = rng.choice(STANDALONE, alone.sum())
    return names


def _wards(T, rng):
    """Ward attributes: gemeenten by k-means on the seeds, CBS-like codes, names, population, water."""
    seeds, polys, n = T["seeds"], T["polys"], len(T["seeds"])
    n_gm = max(1, round(n / 44))
    centres = seeds[rng.choice(n, n_gm, replace=False)]
    for _ in range(5):
        lab = cKDTree(centres).query(seeds)[1]
        cnt = np.bincount(lab, minlength=n_gm)[:, None]
        sums = np.stack([np.bincount(lab, seeds[:, i], n_gm) for i in (0, 1)], 1)
        centres = np.where(cnt > 0, sums / np.maximum(cnt, 1), centres)
    lab = cKDTree(centres).query(seeds)[1]
    gm = np.argsort(np.lexsort((centres[:, 0], -centres[:, 1])))[lab] + 1  # numbered north to south
    order = np.lexsort((np.hypot(*(seeds - centres[lab]).T), gm))
    rank = np.empty(n, int)
    rank[order] = np.arange(n) - np.searchsorted(gm[order], gm[order])
    area = shapely.area(polys) / 1e6
    rural = area > 4
    name = rng.choice(WARD_STEMS, n).astype(object)
    name[rural] = np.char.add(rng.choice(["Buitengebied ", "Verspreide huizen "], rural.sum()),
                              rng.choice(COMPASS, rural.sum())).astype(object)
    name[rank == 0] = "Centrum"
    pop = np.round(area * 6000 / (1 + area) ** 1.5 * rng.lognormal(0, 0.4, n))
    water = np.zeros(n, bool)
    big = np.flatnonzero(area >= np.quantile(area, 0.9))
    water[rng.choice(big, min(len(big), max(2, n // 250)), replace=False)] = True
    pop[water] = 0
    pop[(rng.random(n) < 0.03) & ~water] = np.nan
    return gpd.GeoDataFrame({
        "code": [f"BU{g:04d}{k:04d}" for g, k in zip(gm, rank)], "name": name,
        "gemeente": [f"GM{g:04d}" for g in gm], "population": pop,
        "water": np.where(water, "JA", "NEE")}, geometry=polys, crs=RD_NEW)


def _roads(T, wards, rng):
    """Roads plus the table of (road, owner ward, t range) that signs and wishes are put on."""
    seeds, r, F, fo, n_int, c1, c2 = (T[k] for k in ("seeds", "r", "F", "fo", "n_int", "c1", "c2"))
    n = len(seeds)
    rural = r > 2000
    geoms, names, classes, owners = [], [], [], []

    def add(g, cls, nm=None, own=None):
        nm = _street_names(rng, len(g)) if nm is None else nm
        nm = np.where(rng.random(len(g)) < np.array([UNNAMED.get(c, 0.02) for c in cls]), "", nm)
        geoms.append(g), classes.append(cls), names.append(nm)
        if own is not None:  # rows (owner, t from, t to) of roads signs may stand on
            for o, lo, hi in own:
                ok = ~np.isin(cls, PATHS) & (o >= 0)
                owners.append((g[ok], nm[ok], o[ok], np.full(ok.sum(), lo), np.full(ok.sum(), hi)))
        return nm

    # local streets, the first one of every ward starting at its seed and never a path
    k = 1 + rng.poisson(1.0, n)
    w = np.repeat(np.arange(n), k)
    first = np.r_[True, w[1:] != w[:-1]]
    start = seeds[w] + rng.normal(size=(len(w), 2)) * (0.2 * r[w] * ~first)[:, None]
    ang, ln = rng.uniform(0, 2 * np.pi, len(w)), r[w] * rng.uniform(0.25, 0.6, len(w))
    d = np.c_[np.cos(ang), np.sin(ang)]
    mid = start + d * (ln / 2)[:, None] + np.c_[-d[:, 1], d[:, 0]] * (rng.normal(0, 0.06, len(w)) * ln)[:, None]
    cls = np.where(rural[w], _pick(rng, LOCAL_RURAL, len(w)), _pick(rng, LOCAL_CITY, len(w)))
    cls[first & np.isin(cls, PATHS)] = "residential"
    nm = add(shapely.linestrings(np.stack([start, mid, start + d * ln[:, None]], 1)), cls,
             own=[(w, 0.0, 0.9)])
    seed_street = nm[first]
    # connectors between neighbouring seeds, crossing the shared boundary; some dual carriageways
    cand = np.flatnonzero((c2 >= 0) & (n_int >= 2))
    e = cand[rng.random(len(cand)) < 0.55]
    a, b = c1[e], c2[e]
    cross = F[fo[e] + 1 + (rng.uniform(0.3, 0.7, len(e)) * n_int[e]).astype(int)]
    pa = seeds[a] + rng.normal(size=(len(e), 2)) * 0.1 * r[a, None]
    pb = seeds[b] + rng.normal(size=(len(e), 2)) * 0.1 * r[b, None]
    wob = lambda p, q: (p + q) / 2 + rng.normal(size=p.shape) * 0.04 * np.hypot(*(q - p).T)[:, None]
    g = shapely.linestrings(np.stack([pa, wob(pa, cross), cross, wob(cross, pb), pb], 1))
    ru = rural[a] & rural[b]
    cls = np.where(ru, _pick(rng, RURAL_CLASSES, len(e)), _pick(rng, CITY_CLASSES, len(e)))
    dual = np.isin(cls, ["primary", "secondary", "tertiary"]) & (rng.random(len(e)) < 0.2)
    nm = add(g[~dual], cls[~dual], own=[(a[~dual], 0.05, 0.4), (b[~dual], 0.6, 0.95)])
    gap = rng.uniform(5, 10, dual.sum())
    dual_names = _street_names(rng, dual.sum())
    for sgn in (1, -1):
        add(shapely.offset_curve(g[dual], sgn * gap, quad_segs=2), cls[dual], dual_names,
            own=[(a[dual], 0.05, 0.4), (b[dual], 0.6, 0.95)] if sgn == 1 else None)
    # roads along a shared boundary (0-1.8 m off it), with side streets into both wards
    cand = np.flatnonzero((c2 >= 0) & (n_int >= 12))
    e = rng.choice(cand, min(len(cand), max(3, round(0.04 * len(cand)))), replace=False)
    lo, hi = np.ceil(0.15 * n_int[e]).astype(int), np.floor(0.85 * n_int[e]).astype(int)
    cnt = hi - lo + 1
    re = np.repeat(np.arange(len(e)), cnt)
    pos = fo[e][re] + lo[re] + np.arange(cnt.sum()) - (np.cumsum(cnt) - cnt)[re]
    tan = F[pos + 1] - F[pos - 1]
    off = rng.uniform(-1.8, 1.8, len(e)) * (rng.random(len(e)) > 0.2)
    pts = F[pos] + np.c_[-tan[:, 1], tan[:, 0]] / np.hypot(*tan.T)[:, None] * off[re, None]
    add(shapely.linestrings(pts, indices=re), _pick(rng, {"residential": 0.5, "tertiary": 0.3, "unclassified": 0.2},
                                                    len(e)))
    first_pt = np.cumsum(cnt) - cnt
    for frac in (1 / 3, 2 / 3):
        p = pts[first_pt + (frac * (cnt - 1)).astype(int)]
        for c in (c1[e], c2[e]):
            d = seeds[c] - p
            dist = np.hypot(*d.T)
            q = p + d / dist[:, None] * np.minimum(0.4 * dist, 300)[:, None]
            add(shapely.linestrings(np.stack([p, q], 1)), np.full(len(e), "residential", object),
                own=[(c, 0.3, 1.0)])
    # motorways: long wobbly lines across the country as dual carriageways, in ~15 km ways
    for m in range(max(2, round(n / 1200))):
        ends = shapely.get_coordinates(shapely.line_interpolate_point(EXTENT.exterior, rng.random(2), normalized=True))
        s = np.linspace(0, 1, 80)[:, None]
        walk = rng.normal(0, 400, 80).cumsum()
        walk -= walk[0] + s[:, 0] * (walk[-1] - walk[0])
        d = ends[1] - ends[0]
        line = ends[0] + s * d + np.outer(walk, [-d[1], d[0]]) / np.hypot(*d)
        parts = shapely.get_parts(shapely.intersection(shapely.linestrings(line), EXTENT.buffer(-200)))
        ways = np.array([shapely.LineString(c[i:i + 6]) for c in map(shapely.get_coordinates, parts)
                         for i in range(0, len(c) - 1, 5)], dtype=object)
        for sgn in (1, -1):
            add(shapely.offset_curve(ways, sgn * 8.0, quad_segs=2), np.full(len(ways), "motorway", object),
                np.full(len(ways), f"A{m + 1}", object))
    g = np.concatenate(geoms)
    parts, pi = shapely.get_parts(g, return_index=True)
    keep = shapely.length(parts) > 1
    roads = gpd.GeoDataFrame({"name": np.concatenate(names)[pi][keep],
                              "highway": np.concatenate(classes)[pi][keep]}, geometry=parts[keep], crs=RD_NEW)
    rows = [np.concatenate(col) for col in zip(*owners)]
    return roads, rows, seed_street


def _on_roads(rng, ward, rows, T, seed_street, jitter):
    """A point on (or within ``jitter`` m of) a road of each ward in ``ward``, with the street name.

    Falls back to the ward's seed (the start of its first street) when the point is not inside the ward.
    """
    geom, name, owner, lo, hi = rows
    order = np.argsort(owner, kind="stable")
    a, b = np.searchsorted(owner[order], ward, "left"), np.searchsorted(owner[order], ward, "right")
    pick = order[a + (rng.random(len(ward)) * (b - a)).astype(int)]
    t = lo[pick] + rng.random(len(ward)) * (hi - lo)[pick]
    xy = shapely.get_coordinates(shapely.line_interpolate_point(geom[pick], t, normalized=True))
    ang, rad = rng.uniform(0, 2 * np.pi, len(ward)), jitter * np.sqrt(rng.random(len(ward)))
    xy += np.c_[np.cos(ang), np.sin(ang)] * rad[:, None]
    ok = shapely.contains_xy(T["polys"][ward], xy[:, 0], xy[:, 1])
    xy[~ok] = T["seeds"][ward[~ok]]
    return xy, np.where(ok, name[pick], seed_street[ward])


def _in_ward(rng, ward, T, spread=0.15):
    """A random point near the seed of each ward in ``ward`` (the seed itself when that falls outside)."""
    xy = T["seeds"][ward] + rng.normal(size=(len(ward), 2)) * spread * T["r"][ward, None]
    ok = shapely.contains_xy(T["polys"][ward], xy[:, 0], xy[:, 1])
    return np.where(ok[:, None], xy, T["seeds"][ward])


def _days(rng, start, n_days, k):
    return np.datetime_as_string(np.datetime64(start) + rng.integers(0, n_days, k), "D").astype(object)


def _signs(rng, wards, T, rows, seed_street, signs_per_ward, signed_share):
    """Signs in about ``signed_share`` of the land wards, ``signs_per_ward`` per ward on average."""
    land = np.flatnonzero(wards["water"].to_numpy() == "NEE")
    signed = land[rng.random(len(land)) < signed_share]
    w = np.repeat(signed, 1 + rng.poisson(max(signs_per_ward / signed_share - 1, 0), len(signed)))
    xy, street = _on_roads(rng, w, rows, T, seed_street, jitter=4.0)
    planned = (rng.random(len(wards)) < 0.15)[w] | (rng.random(len(w)) < 0.15)
    placed_on = np.where(planned | (rng.random(len(w)) < 0.03), "", _days(rng, "2012-01-01", 14 * 365, len(w)))
    return gpd.GeoDataFrame({"id": [f"S{i + 1:06d}" for i in range(len(w))],
                             "status": np.where(planned, "planned", "placed").astype(object),
                             "placed_on": placed_on.astype(object), "street": street},
                            geometry=shapely.points(xy), crs=RD_NEW)


def _requests(rng, wards, T, rows, seed_street, per_ward):
    """Groups (one row per admin) and requests, with every special kind present."""
    land = np.flatnonzero(wards["water"].to_numpy() == "NEE")
    n_req = max(40, round(per_ward * len(wards)))
    n_out, n_unk = max(3, round(0.01 * n_req)), max(3, round(0.02 * n_req))
    n_edge, n_sd = max(3, min(25, n_req // 1000)), max(2, round(0.015 * n_req))
    sd_w = rng.choice(land, n_sd, replace=False)
    sd_k = rng.integers(2, 4, n_sd)
    norm_w = rng.choice(land, n_req - n_out - n_unk - n_edge - sd_k.sum())
    F, fo, n_int, c1, c2 = (T[k] for k in ("F", "fo", "n_int", "c1", "c2"))
    e = rng.choice(np.flatnonzero((c2 >= 0) & (n_int >= 1)), n_edge, replace=False)
    pos = fo[e] + 1 + rng.integers(0, n_int[e])
    tan = F[pos + 1] - F[pos - 1]
    edge_xy = F[pos] + np.c_[-tan[:, 1], tan[:, 0]] / np.hypot(*tan.T)[:, None] * rng.uniform(-0.25, 0.25, n_edge)[:, None]
    edge_w = np.where(shapely.contains_xy(T["polys"][c1[e]], edge_xy[:, 0], edge_xy[:, 1]), c1[e], c2[e])
    # groups: one per ward with normal requests, one per same-day and near-boundary request
    uw = np.unique(norm_w)
    gw = np.concatenate([uw, np.repeat(sd_w, sd_k), edge_w])
    gid = np.array([f"G{i + 1:05d}" for i in range(len(gw))], dtype=object)
    n_adm = rng.choice([1, 2, 3], len(gw), p=[0.6, 0.3, 0.1])
    gi = np.repeat(np.arange(len(gw)), n_adm)
    j = np.arange(len(gi)) - (np.cumsum(n_adm) - n_adm)[gi]
    first, last = np.array(FIRST)[(gi * 5 + j) % len(FIRST)], rng.choice(LAST, len(gi))
    prefix = rng.choice(["WABP", "Buurtapp", "Buurtpreventie", "Alert"], len(gw))
    gname = np.array([f"{p} {nm}" for p, nm in zip(prefix, wards["name"].to_numpy()[gw])], dtype=object)
    groups = pd.DataFrame({
        "group_id": gid[gi], "group_name": gname[gi],
        "wabp_registered": (rng.random(len(gw)) < 0.6)[gi],
        "admin_name": np.char.add(np.char.add(first, " "), last).astype(object),
        "admin_phone": [f"06-0000{(i + 1) % 10000:04d}" for i in range(len(gi))],
        "admin_email": [f"{f.lower()}.{s.lower()}{i + 1}@example.org" for i, (f, s) in enumerate(zip(first, last))]})
    # requests, by kind
    unk_w = rng.choice(land, n_unk)
    n_sd_req = sd_k.sum()
    kind = np.repeat(np.array(["normal", "same_day", "near_boundary", "unknown_group", "outside"], dtype=object),
                     [len(norm_w), n_sd_req, n_edge, n_unk, n_out])
    ward = np.concatenate([norm_w, np.repeat(sd_w, sd_k), edge_w, unk_w, np.full(n_out, -1)])
    group = np.concatenate([gid[np.searchsorted(uw, norm_w)], gid[len(uw):len(uw) + n_sd_req + n_edge],
                            [f"G9{i + 1:05d}" for i in range(n_unk)], rng.choice(gid, n_out)])
    inside = ward >= 0
    xy = np.empty((len(ward), 2))
    xy[inside] = _in_ward(rng, ward[inside], T)
    xy[kind == "near_boundary"] = edge_xy
    xy[~inside] = _in_extent(rng, n_out, EXTENT.buffer(100), box=OUTSIDE_BOX)
    date = _days(rng, "2025-01-01", 730, len(ward))
    date[kind == "same_day"] = np.repeat(_days(rng, "2025-01-01", 730, n_sd), sd_k)
    # wishes ("lon lat; lon lat"): some on a road of the ward, some in another ward
    wished = np.flatnonzero(np.isin(kind, ["normal", "same_day"]) & (rng.random(len(ward)) < 0.25))
    nw = rng.integers(1, 3, len(wished))
    ww = np.repeat(ward[wished], nw)
    wxy = _on_roads(rng, ww, rows, T, seed_street, jitter=4.0)[0]
    other = (ww + rng.integers(1, len(wards), len(ww))) % len(wards)
    wxy = np.where((rng.random(len(ww)) < 0.65)[:, None], wxy, T["seeds"][other])
    lon, lat = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True).transform(wxy[:, 0], wxy[:, 1])
    text = np.array([f"{a:.6f} {b:.6f}" for a, b in zip(lon, lat)], dtype=object)
    preferred = np.full(len(ward), "", dtype=object)
    bounds = np.cumsum(nw)
    preferred[wished] = ["; ".join(text[s - k:s]) for s, k in zip(bounds, nw)]
    order = np.argsort(date, kind="stable")
    xy = np.round(xy[order], 3)
    requests = gpd.GeoDataFrame({
        "request_id": [f"R{i + 1:06d}" for i in range(len(order))], "date": date[order], "group_id": group[order],
        "x": xy[:, 0], "y": xy[:, 1], "preferred": preferred[order], "kind": kind[order]},
        geometry=shapely.points(xy), crs=RD_NEW)
    return groups, requests


def make_national(n_wards=15000, *, seed=0, signs_per_ward=2.2, signed_share=0.5, requests_per_ward=0.7):
    """Generate a synthetic Netherlands (deterministic for a seed).

    Parameters
    ----------
    n_wards : int
        Number of wards (Voronoi cells tiling a Dutch-sized extent exactly).
    seed : int
        Seed of the random generator; the same seed gives the same data.
    signs_per_ward : float
        Mean number of signs per ward (over all wards).
    signed_share : float
        Share of land wards that have signs.
    requests_per_ward : float
        Number of requests per ward.

    Returns
    -------
    NationalData
    """
    rng = np.random.default_rng(seed)
    T = _tiling(n_wards, rng)
    wards = _wards(T, rng)
    roads, rows, seed_street = _roads(T, wards, rng)
    signs = _signs(rng, wards, T, rows, seed_street, signs_per_ward, signed_share)
    groups, requests = _requests(rng, wards, T, rows, seed_street, requests_per_ward)
    return NationalData(wards, signs, roads, groups, requests)


FILES = {"wards": "wijken.gpkg", "signs": "borden.gpkg", "roads": "wegen.gpkg",
         "groups": "groepen.csv", "requests": "aanvragen.csv"}


def write_national(data: NationalData, folder) -> dict[str, Path]:
    """Write the files the planner CLI reads into ``folder`` (made if missing; files are replaced).

    Parameters
    ----------
    data : NationalData
    folder : str or Path

    Returns
    -------
    dict
        ``{"wards": .../wijken.gpkg, "signs": .../borden.gpkg, "roads": .../wegen.gpkg,
        "groups": .../groepen.csv, "requests": .../aanvragen.csv}``; GeoPackages in RD New,
        the requests with RD ``x,y`` columns.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: folder / f for k, f in FILES.items()}
    for key in ("wards", "signs", "roads"):
        paths[key].unlink(missing_ok=True)
        pyogrio.write_dataframe(getattr(data, key), paths[key], layer=Path(FILES[key]).stem, driver="GPKG")
    groups = data.groups.assign(wabp_registered=np.where(data.groups["wabp_registered"], "ja", "nee"))
    groups.to_csv(paths["groups"], index=False)
    req = pd.DataFrame(data.requests.drop(columns="geometry"))
    req["x"], req["y"] = req["x"].map("{:.3f}".format), req["y"].map("{:.3f}".format)
    req.to_csv(paths["requests"], index=False)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wards", type=int, default=2000, help="number of wards (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="folder for the files")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data = make_national(args.wards, seed=args.seed)
    t1 = time.perf_counter()
    paths = write_national(data, args.out)
    t2 = time.perf_counter()
    for key, path in paths.items():
        print(f"{key:9s} {len(getattr(data, key)):8,d}  {path}")
    print(f"generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s, "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
