"""A seeded synthetic Netherlands, shaped like the real data, for national-scale benchmarks and tests.

Wards are Voronoi cells of clustered seeds (dense cities, sparse rural land) whose shared edges are
densified and wiggled once and rebuilt into polygons, so they tile a convex NL-ish extent in RD New
exactly. Roads, signs, groups and requests carry the awkward cases of real data (dual carriageways,
roads along ward boundaries, unknown groups, requests outside every ward, on a boundary or several
in one ward on one day, valid and invalid wishes). Names and contacts are fictitious.

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
OUTSIDE_BOX = (-6000.0, 290000.0, 299000.0, 628000.0)  # inside planner.core.coords.NL_RD_BOUNDS
VERTEX_SPACING = 0.0175  # x sqrt(ward area): ~240 vertices per ward
WIGGLE, MODES = 0.08, 8  # boundary wiggle amplitude (x edge length) and number of sine modes
PATHS = ("footway", "cycleway")
STEMS = ("Kerk Molen Dorps School Stations Haven Spoor Dijk Polder Kanaal Beuken Eiken Linden Berken Wilgen "
         "Populieren Esdoorn Tulpen Rozen Seringen Merel Lijster Zwaluw Meeuwen Reiger Kievit Oranje Wilhelmina "
         "Juliana Beatrix Emma Nassau Rembrandt Vermeer Mondriaan Vondel Bilderdijk Tromp Industrie Fabrieks Veld "
         "Bos Heide Akker Weide Zand Vaart Sluis Brug Markt Noorder Zuider").split() + [
    "Van Gogh", "De Ruyter", "Piet Hein", "Burgemeester de Vries", "Dokter Schaep", "Pastoor van Dijk"]
SUFFIXES = "straat straat straat weg weg laan laan plein kade gracht singel dijk hof pad dreef steeg".split()
STANDALONE = ("Zuideinde,Noordeinde,Achterweg,Rijksstraatweg,Oude Dijk,Hoofdstraat,Brink,Voorstraat,"
              "Buitenweg,Ring,Dorpsstraat,Lange Gracht,Korte Akker").split(",")
WARD_STEMS = ("Oud-West Oud-Oost Molenwijk Bloemenbuurt Vogelbuurt Schildersbuurt Bomenbuurt Rivierenbuurt "
              "Componistenbuurt Dichterswijk Zeeheldenbuurt Stationsbuurt Havenkwartier Kerkbuurt Dorp "
              "Lintbebouwing Bedrijventerrein Nieuwbouw").split() + ["De Hoven", "Het Zand", "De Akkers", "De Weide"]
FIRST = "Jan Anna Piet Karin Ahmed Els Kees Fatima Henk Sanne Tom Mila Daan Noor Sem Eva Luuk Yara".split()
LAST = "Voorbeeld Fictief Proef Testpersoon Demo Verzonnen Nepnaam Testnaam Bedacht Zomaar Niemand".split()
CITY_CLASSES = {"residential": 0.4, "tertiary": 0.3, "secondary": 0.12, "living_street": 0.05, "cycleway": 0.13}
RURAL_CLASSES = {"unclassified": 0.35, "tertiary": 0.28, "secondary": 0.17, "primary": 0.1, "cycleway": 0.1}
LOCAL_CITY = {"residential": 0.58, "living_street": 0.1, "service": 0.12, "footway": 0.1, "cycleway": 0.1}
LOCAL_RURAL = {"unclassified": 0.4, "residential": 0.25, "service": 0.2, "footway": 0.05, "cycleway": 0.1}
UNNAMED = {"service": 0.5, "footway": 0.7, "cycleway": 0.6, "unclassified": 0.15}
FILES = {"wards": "wijken.gpkg", "signs": "borden.gpkg", "roads": "wegen.gpkg",
         "groups": "groepen.csv", "requests": "aanvragen.csv"}


@dataclass
class NationalData:
    """A synthetic Netherlands; all geometries in RD New (EPSG:28992).

    Attributes
    ----------
    wards : GeoDataFrame
        ``code`` (``BU00010000``), ``name``, ``gemeente`` (``GM0001``), ``population`` (whole
        numbers as float, NaN = unknown), ``water`` (``JA``/``NEE``), polygons.
    signs, roads : GeoDataFrame
        Signs: ``id`` (``S000001``), ``status`` (placed/planned), ``placed_on`` (``YYYY-MM-DD`` or
        ``""``), ``street``, points. Roads: ``name`` (``""`` = unnamed), ``highway`` (OSM), lines.
    groups, requests : DataFrame, GeoDataFrame
        As :func:`planner.geo.load_groups` / :func:`planner.geo.load_requests` return them; the
        requests also have ``kind``: normal, same_day, near_boundary, unknown_group or outside.
    """

    wards: gpd.GeoDataFrame
    signs: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    groups: pd.DataFrame
    requests: gpd.GeoDataFrame


def _uniform(rng, k, geom=EXTENT, box=None):
    """``k`` uniform points inside ``geom`` (with ``box``: inside the box, outside ``geom``)."""
    x0, y0, x1, y1 = box or geom.bounds
    out = np.zeros((0, 2))
    while len(out) < k:
        p = rng.uniform((x0, y0), (x1, y1), (2 * k + 16, 2))
        inside = shapely.contains_xy(geom, p[:, 0], p[:, 1])
        out = np.vstack([out, p[~inside if box else inside]])
    return out[:k]


def _seeds(rng, n):
    """Ward seeds: 65 % in cities of Pareto-distributed size, the rest rural; >= 25 m apart."""
    n_city = max(1, n // 60)
    weight = rng.pareto(1.2, n_city) + 1.0
    per = rng.multinomial(int(0.65 * n), weight / weight.sum())
    sigma = np.repeat(rng.uniform(150, 300, n_city) * np.sqrt(per + 1), per)
    pts = np.repeat(_uniform(rng, n_city), per, axis=0) + rng.normal(size=(per.sum(), 2)) * sigma[:, None]
    pts, inner = np.vstack([pts, _uniform(rng, n - len(pts))]), EXTENT.buffer(-50)
    for _ in range(100):
        bad = ~shapely.contains_xy(inner, pts[:, 0], pts[:, 1]) | (cKDTree(pts).query(pts, k=2)[0][:, 1] < 25)
        if not bad.any():
            break
        pts[bad] = _uniform(rng, int(bad.sum()), inner)
    return pts


def _ring_next(cell):
    """Index of the next vertex of the same (open) ring, wrapping around."""
    i = np.arange(len(cell))
    first = np.maximum.accumulate(np.where(np.r_[True, cell[1:] != cell[:-1]], i, 0))
    return np.where(np.r_[cell[1:] != cell[:-1], True], first, i + 1)


def _tiling(rng, n):
    """Wiggled Voronoi wards rebuilt from one shared edge network, and that network.

    Edge ``e`` runs from ``F[fo[e]]`` to ``F[fo[e] + n_int[e] + 1]`` between wards ``c1[e]`` and
    ``c2[e]`` (-1 on the outer border). A point of a wiggled edge stays inside the triangle
    (seed, P, Q) on its side, and these triangles do not overlap, so no two edges can cross.
    """
    seeds = _seeds(rng, n)
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=EXTENT, ordered=True))
    cells = shapely.orient_polygons(shapely.intersection(vor, EXTENT))
    xy, cell = shapely.get_coordinates(shapely.get_exterior_ring(cells), return_index=True)
    open_ = np.r_[cell[1:] == cell[:-1], False]
    uniq, vid = np.unique(np.round(xy[open_], 3), axis=0, return_inverse=True)  # shared vertices, mm grid
    vid, cell = vid.ravel(), cell[open_]
    keep = vid != vid[_ring_next(cell)]
    vid, cell = vid[keep], cell[keep]
    u, v, nv = vid, vid[_ring_next(cell)], len(uniq)
    fwd = u < v
    keys, e_h = np.unique(np.minimum(u, v).astype(np.int64) * nv + np.maximum(u, v), return_inverse=True)
    E = len(keys)
    side = np.full((E, 2), -1)
    side[e_h[fwd], 0], side[e_h[~fwd], 1] = cell[fwd], cell[~fwd]
    if ((side >= 0).sum(1) != np.bincount(e_h, minlength=E)).any():
        raise RuntimeError("Voronoi edges do not pair up")
    c1 = np.where(side[:, 0] >= 0, side[:, 0], side[:, 1])
    c2 = np.where((side >= 0).all(1), side[:, 1], -1)
    shared, P, Q = c2 >= 0, uniq[keys // nv], uniq[keys % nv]
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
    bound = np.zeros(len(e))
    for c in (c1, c2):
        s = seeds[np.maximum(c, 0)] - P
        h, f = np.einsum("ij,ij->i", s, nh)[e], (np.einsum("ij,ij->i", s, dh) / L)[e]
        with np.errstate(divide="ignore", invalid="ignore"):
            lim = np.minimum.reduce([np.ones_like(t), np.where(f > 0, t / f, np.inf),
                                     np.where(f < 1, (1 - t) / (1 - f), np.inf)])
        bound = np.where((c[e] >= 0) & (np.sign(h) == np.sign(delta)), np.abs(h) * lim, bound)
    delta = np.sign(delta) * np.minimum(np.abs(delta), 0.8 * bound)
    m = n_int + 2
    fo = np.cumsum(m) - m
    F = np.empty((m.sum(), 2))
    F[fo], F[fo + m - 1] = P, Q
    F[fo[e] + k] = P[e] + dh[e] * (L[e] * t)[:, None] + nh[e] * delta[:, None]
    mh = n_int[e_h] + 1  # a half-edge takes its edge's points from its start, without its end
    hi = np.repeat(np.arange(len(e_h)), mh)
    j = np.arange(len(hi)) - (np.cumsum(mh) - mh)[hi]
    idx = fo[e_h[hi]] + np.where(fwd[hi], j, n_int[e_h[hi]] + 1 - j)
    polys = shapely.polygons(shapely.linearrings(F[idx], indices=cell[hi]))
    if not shapely.is_valid(polys).all():
        raise RuntimeError("invalid ward polygon")
    return dict(seeds=seeds, polys=polys, r=r, F=F, fo=fo, n_int=n_int, c1=c1, c2=c2)


def pick_column(rng, table, k):
    return rng.choice(np.array(list(table), dtype=object), k, p=np.array(list(table.values())))


def _street_names(rng, cls):
    """Dutch-looking names for roads of classes ``cls``; some unnamed (most often paths, service roads)."""
    k = len(cls)
    names = np.char.add(rng.choice(STEMS, k), rng.choice(SUFFIXES, k)).astype(object)
    alone = rng.random(k) < 0.08
    names[alone] = rng.choice(STANDALONE, alone.sum())
    names[rng.random(k) < np.array([UNNAMED.get(c, 0.02) for c in cls])] = ""
    return names


def _wards(rng, T):
    """Ward table: gemeenten by k-means on the seeds, CBS-like codes, names, population, water."""
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
    rank[order] = np.arange(n) - np.searchsorted(gm[order], gm[order])  # 0 = nearest the centre
    area = shapely.area(polys) / 1e6
    rural = area > 4
    name = rng.choice(WARD_STEMS, n).astype(object)
    name[rural] = np.char.add(rng.choice(["Buitengebied ", "Verspreide huizen "], rural.sum()),
                              rng.choice(["Noord", "Oost", "Zuid", "West"], rural.sum()))
    name[rank == 0] = "Centrum"
    pop = np.round(area * 6000 / (1 + area) ** 1.5 * rng.lognormal(0, 0.4, n))
    water, big = np.zeros(n, bool), np.flatnonzero(area >= np.quantile(area, 0.9))
    water[rng.choice(big, min(len(big), max(2, n // 250)), replace=False)] = True
    pop[water] = 0
    pop[(rng.random(n) < 0.03) & ~water] = np.nan
    return gpd.GeoDataFrame({"code": [f"BU{g:04d}{k:04d}" for g, k in zip(gm, rank)], "name": name,
                             "gemeente": [f"GM{g:04d}" for g in gm], "population": pop,
                             "water": np.where(water, "JA", "NEE").astype(object)}, geometry=polys, crs=RD_NEW)


def _roads(rng, T):
    """Roads, the rows (road, name, owner ward, t near its inside, t farther out) to put signs
    on, and the name of the street that starts at each ward's seed."""
    seeds, r, F, fo, n_int, c1, c2 = (T[k] for k in ("seeds", "r", "F", "fo", "n_int", "c1", "c2"))
    n, rural = len(seeds), r > 2000
    geoms, names, classes, owners = [], [], [], []

    def add(g, cls, nm=None, own=()):
        nm = _street_names(rng, cls) if nm is None else nm
        geoms.append(g), classes.append(cls), names.append(nm)
        for o, near, far in own:
            ok = ~np.isin(cls, PATHS)
            owners.append((g[ok], nm[ok], o[ok], np.full(ok.sum(), near), np.full(ok.sum(), far)))
        return nm

    # local streets; the first of every ward starts at its seed and is no path
    w = np.repeat(np.arange(n), 1 + rng.poisson(1.0, n))
    first = np.r_[True, w[1:] != w[:-1]]
    start = seeds[w] + rng.normal(size=(len(w), 2)) * (0.2 * r[w] * ~first)[:, None]
    ang, ln = rng.uniform(0, 2 * np.pi, len(w)), r[w] * rng.uniform(0.25, 0.6, len(w))
    d = np.c_[np.cos(ang), np.sin(ang)]
    mid = start + d * (ln / 2)[:, None] + np.c_[-d[:, 1], d[:, 0]] * (rng.normal(0, 0.06, len(w)) * ln)[:, None]
    cls = np.where(rural[w], pick_column(rng, LOCAL_RURAL, len(w)), pick_column(rng, LOCAL_CITY, len(w)))
    cls[first & np.isin(cls, PATHS)] = "residential"
    seed_street = add(shapely.linestrings(np.stack([start, mid, start + d * ln[:, None]], 1)), cls,
                      own=[(w, 0.0, 0.9)])[first]
    # connectors between neighbouring seeds across their shared boundary; some dual carriageways
    e = np.flatnonzero((c2 >= 0) & (n_int >= 2))
    e = e[rng.random(len(e)) < 0.55]
    a, b = c1[e], c2[e]
    cross = F[fo[e] + 1 + (rng.uniform(0.3, 0.7, len(e)) * n_int[e]).astype(int)]
    pa = seeds[a] + rng.normal(size=(len(e), 2)) * 0.1 * r[a, None]
    pb = seeds[b] + rng.normal(size=(len(e), 2)) * 0.1 * r[b, None]
    wob = lambda p, q: (p + q) / 2 + rng.normal(size=p.shape) * 0.04 * np.hypot(*(q - p).T)[:, None]  # noqa: E731
    g = shapely.linestrings(np.stack([pa, wob(pa, cross), cross, wob(cross, pb), pb], 1))
    cls = np.where(rural[a] & rural[b], pick_column(rng, RURAL_CLASSES, len(e)), pick_column(rng, CITY_CLASSES, len(e)))
    dual = np.isin(cls, ["primary", "secondary", "tertiary"]) & (rng.random(len(e)) < 0.2)
    add(g[~dual], cls[~dual], own=[(a[~dual], 0.05, 0.4), (b[~dual], 0.95, 0.6)])
    gap, dual_names = rng.uniform(5, 10, dual.sum()), _street_names(rng, cls[dual])
    for sgn in (1, -1):  # two carriageways 10-20 m apart, one name
        add(shapely.offset_curve(g[dual], sgn * gap, quad_segs=2), cls[dual], dual_names,
            own=[(a[dual], 0.05, 0.4), (b[dual], 0.95, 0.6)] if sgn == 1 else ())
    # roads along a shared boundary (0-1.8 m off it), with side streets into the wards on both sides
    cand = np.flatnonzero((c2 >= 0) & (n_int >= 12))
    e = rng.choice(cand, min(len(cand), max(3, round(0.04 * len(cand)))), replace=False)
    lo = np.ceil(0.15 * n_int[e]).astype(int)
    cnt = np.floor(0.85 * n_int[e]).astype(int) - lo + 1
    re = np.repeat(np.arange(len(e)), cnt)
    pos = fo[e][re] + lo[re] + np.arange(cnt.sum()) - (np.cumsum(cnt) - cnt)[re]
    tan = F[pos + 1] - F[pos - 1]
    off = rng.uniform(-1.8, 1.8, len(e)) * (rng.random(len(e)) > 0.2)
    pts = F[pos] + np.c_[-tan[:, 1], tan[:, 0]] / np.hypot(*tan.T)[:, None] * off[re, None]
    add(shapely.linestrings(pts, indices=re), pick_column(rng, {"residential": 0.5, "tertiary": 0.3,
                                                          "unclassified": 0.2}, len(e)))
    for frac in (1 / 3, 2 / 3):
        p = pts[np.cumsum(cnt) - cnt + (frac * (cnt - 1)).astype(int)]
        for c in (c1[e], c2[e]):
            d = seeds[c] - p
            dist = np.hypot(*d.T)
            q = p + d / dist[:, None] * np.minimum(0.4 * dist, 300)[:, None]
            add(shapely.linestrings(np.stack([p, q], 1)), np.full(len(e), "residential", object),
                own=[(c, 1.0, 0.3)])
    # motorways: wobbly lines across the country in ways of ~15 km, dual carriageways 16 m apart
    inner = EXTENT.buffer(-200)
    for mw in range(max(2, round(n / 1200))):
        at = (rng.random() + np.array([0.0, rng.uniform(0.3, 0.7)])) % 1.0  # ends on opposite sides
        ends = shapely.get_coordinates(shapely.line_interpolate_point(EXTENT.exterior, at, normalized=True))
        s, walk, d = np.linspace(0, 1, 81)[:, None], rng.normal(0, 400, 81).cumsum(), ends[1] - ends[0]
        walk -= walk[0] + s[:, 0] * (walk[-1] - walk[0])
        line = ends[0] + s * d + np.outer(walk, [-d[1], d[0]]) / np.hypot(*d)
        ways = np.stack([line[i:i + 6] for i in range(0, 76, 5)])
        ways = shapely.linestrings(ways[shapely.contains_xy(inner, ways[..., 0], ways[..., 1]).all(1)])
        for sgn in (1, -1):
            add(shapely.offset_curve(ways, sgn * 8.0, quad_segs=2), np.full(len(ways), "motorway", object),
                np.full(len(ways), f"A{mw + 1}", object))
    g, limit = np.concatenate(geoms), EXTENT.buffer(1000)  # roads go on abroad, but not out of RD's range
    out = ~shapely.contains(limit, g)
    g[out] = shapely.intersection(g[out], limit)
    parts, pi = shapely.get_parts(g, return_index=True)
    keep = shapely.length(parts) > 1
    roads = gpd.GeoDataFrame({"name": np.concatenate(names)[pi][keep],
                              "highway": np.concatenate(classes)[pi][keep]}, geometry=parts[keep], crs=RD_NEW)
    return roads, [np.concatenate(col) for col in zip(*owners)], seed_street


def _on_roads(rng, ward, T, rows, seed_street, jitter=4.0):
    """A point on (within ``jitter`` m of) a road of each ward in ``ward``, and its street.

    Falls back to within 1 m of the ward's seed, where its first street starts.
    """
    geom, name, owner, near, far = rows
    order = np.argsort(owner, kind="stable")
    a, b = np.searchsorted(owner[order], ward, "left"), np.searchsorted(owner[order], ward, "right")
    pick = order[a + (rng.random(len(ward)) * (b - a)).astype(int)]
    u, ang, rad = rng.random(len(ward)), rng.uniform(0, 2 * np.pi, len(ward)), np.sqrt(rng.random(len(ward)))
    shift = np.c_[np.cos(ang), np.sin(ang)] * rad[:, None]
    xy, street, todo = T["seeds"][ward] + shift, seed_street[ward].copy(), np.ones(len(ward), bool)
    for reach in (1.0, 0.3):  # the second try nearer the ward's end of the road
        i = np.flatnonzero(todo)
        t = near[pick[i]] + reach * u[i] * (far - near)[pick[i]]
        p = shapely.get_coordinates(shapely.line_interpolate_point(geom[pick[i]], t, normalized=True))
        p += jitter * shift[i]
        ok = shapely.contains_xy(T["polys"][ward[i]], p[:, 0], p[:, 1])
        xy[i[ok]], street[i[ok]], todo[i[ok]] = p[ok], name[pick[i[ok]]], False
    bad = todo & ~shapely.contains_xy(T["polys"][ward], xy[:, 0], xy[:, 1])
    xy[bad] = T["seeds"][ward[bad]]
    return xy, street


def _days(rng, start, n_days, k):
    return np.datetime_as_string(np.datetime64(start) + rng.integers(0, n_days, k), "D").astype(object)


def _signs(rng, wards, T, rows, seed_street, per_ward, share):
    """Signs in about ``share`` of the land wards, ``per_ward`` per ward on average."""
    land = np.flatnonzero(wards["water"].to_numpy() == "NEE")
    signed = land[rng.random(len(land)) < share]
    w = np.repeat(signed, 1 + rng.poisson(max(per_ward / share - 1, 0), len(signed)))
    xy, street = _on_roads(rng, w, T, rows, seed_street)
    planned = (rng.random(len(wards)) < 0.15)[w] | (rng.random(len(w)) < 0.15)  # some wards only planned
    placed_on = np.where(planned | (rng.random(len(w)) < 0.03), "", _days(rng, "2012-01-01", 14 * 365, len(w)))
    return gpd.GeoDataFrame({"id": [f"S{i + 1:06d}" for i in range(len(w))],
                             "status": np.where(planned, "planned", "placed").astype(object),
                             "placed_on": placed_on.astype(object), "street": street},
                            geometry=shapely.points(xy), crs=RD_NEW)


def _groups(rng, wards, gw):
    """One group per entry of ``gw`` (its ward), 1-3 fictitious admins each."""
    gid = np.array([f"G{i + 1:05d}" for i in range(len(gw))], dtype=object)
    n_adm = rng.choice([1, 2, 3], len(gw), p=[0.6, 0.3, 0.1])
    gi = np.repeat(np.arange(len(gw)), n_adm)
    j = np.arange(len(gi)) - (np.cumsum(n_adm) - n_adm)[gi]
    first, last = np.array(FIRST)[(gi * 5 + j) % len(FIRST)], rng.choice(LAST, len(gi))
    prefix = rng.choice(["WABP", "Buurtapp", "Buurtpreventie", "Alert"], len(gw))
    gname = np.array([f"{p} {nm}" for p, nm in zip(prefix, wards["name"].to_numpy()[gw])], dtype=object)
    return gid, pd.DataFrame({
        "group_id": gid[gi], "group_name": gname[gi], "wabp_registered": (rng.random(len(gw)) < 0.6)[gi],
        "admin_name": [f"{f} {s}" for f, s in zip(first, last)],
        "admin_phone": [f"06-0000{(i + 1) % 10000:04d}" for i in range(len(gi))],
        "admin_email": [f"{f.lower()}.{s.lower()}{i + 1}@example.org" for i, (f, s) in enumerate(zip(first, last))]})


def _requests(rng, wards, T, rows, seed_street, per_ward):
    """Groups and requests of every kind, in date order."""
    F, fo, n_int, c1, c2, polys = (T[k] for k in ("F", "fo", "n_int", "c1", "c2", "polys"))
    land = np.flatnonzero(wards["water"].to_numpy() == "NEE")
    n_req = max(40, round(per_ward * len(wards)))
    n_out, n_unk = max(3, round(0.01 * n_req)), max(3, round(0.02 * n_req))
    n_edge, n_sd = max(3, min(25, n_req // 1000)), max(2, round(0.015 * n_req))
    sd_w, sd_k = rng.choice(land, n_sd, replace=False), rng.integers(2, 4, n_sd)  # same ward, same day
    norm_w = rng.choice(land, n_req - n_out - n_unk - n_edge - sd_k.sum())
    e = rng.choice(np.flatnonzero((c2 >= 0) & (n_int >= 1)), n_edge, replace=False)
    pos = fo[e] + 1 + rng.integers(0, n_int[e])  # within 0.25 m of a shared boundary vertex
    tan = F[pos + 1] - F[pos - 1]
    edge_xy = F[pos] + np.c_[-tan[:, 1], tan[:, 0]] / np.hypot(*tan.T)[:, None] * rng.uniform(-.25, .25, (n_edge, 1))
    edge_w = np.where(shapely.contains_xy(polys[c1[e]], edge_xy[:, 0], edge_xy[:, 1]), c1[e], c2[e])
    uw = np.unique(norm_w)
    gid, groups = _groups(rng, wards, np.concatenate([uw, np.repeat(sd_w, sd_k), edge_w]))
    kind = np.repeat(np.array(["normal", "same_day", "near_boundary", "unknown_group", "outside"], dtype=object),
                     [len(norm_w), sd_k.sum(), n_edge, n_unk, n_out])
    ward = np.concatenate([norm_w, np.repeat(sd_w, sd_k), edge_w, rng.choice(land, n_unk), np.full(n_out, -1)])
    group = np.concatenate([gid[np.searchsorted(uw, norm_w)], gid[len(uw):],
                            [f"G9{i + 1:05d}" for i in range(n_unk)], rng.choice(gid, n_out)])
    w = np.maximum(ward, 0)
    xy = T["seeds"][w] + rng.normal(size=(len(w), 2)) * 0.15 * T["r"][w, None]
    xy = np.where(shapely.contains_xy(polys[w], xy[:, 0], xy[:, 1])[:, None], xy, T["seeds"][w])
    xy[kind == "near_boundary"] = edge_xy
    xy[ward < 0] = _uniform(rng, n_out, EXTENT.buffer(100), box=OUTSIDE_BOX)
    date = _days(rng, "2025-01-01", 730, len(ward))
    date[kind == "same_day"] = np.repeat(_days(rng, "2025-01-01", 730, n_sd), sd_k)
    # wishes "lon lat; lon lat": 65 % on a road of the ward, the others in another ward
    wished = np.flatnonzero(np.isin(kind, ["normal", "same_day"]) & (rng.random(len(ward)) < 0.25))
    nw = rng.integers(1, 3, len(wished))
    ww = np.repeat(ward[wished], nw)
    other = T["seeds"][(ww + rng.integers(1, len(wards), len(ww))) % len(wards)]
    wxy = np.where((rng.random(len(ww)) < 0.65)[:, None], _on_roads(rng, ww, T, rows, seed_street)[0], other)
    lon, lat = Transformer.from_crs(RD_NEW, "EPSG:4326", always_xy=True).transform(wxy[:, 0], wxy[:, 1])
    text = [f"{a:.6f} {b:.6f}" for a, b in zip(lon, lat)]
    preferred = np.full(len(ward), "", dtype=object)
    preferred[wished] = ["; ".join(text[s - k:s]) for s, k in zip(np.cumsum(nw), nw)]
    order = np.argsort(date, kind="stable")
    xy = np.round(xy[order], 3)
    requests = gpd.GeoDataFrame({
        "request_id": [f"R{i + 1:06d}" for i in range(len(order))], "date": date[order], "group_id": group[order],
        "x": xy[:, 0], "y": xy[:, 1], "preferred": preferred[order], "kind": kind[order]},
        geometry=shapely.points(xy), crs=RD_NEW)
    return groups, requests


def make_national(n_wards=15000, *, seed=0, signs_per_ward=2.2, signed_share=0.5,
                  requests_per_ward=0.7) -> NationalData:
    """Generate a synthetic Netherlands; the same arguments give the same data.

    Parameters
    ----------
    n_wards : int
        Number of wards (they tile ``EXTENT`` exactly).
    seed : int
        Seed of the random generator.
    signs_per_ward, signed_share, requests_per_ward : float
        Mean signs per ward (over all wards), share of land wards with signs, requests per ward.

    Returns
    -------
    NationalData
    """
    rng = np.random.default_rng(seed)
    T = _tiling(rng, n_wards)
    wards = _wards(rng, T)
    roads, rows, seed_street = _roads(rng, T)
    signs = _signs(rng, wards, T, rows, seed_street, signs_per_ward, signed_share)
    groups, requests = _requests(rng, wards, T, rows, seed_street, requests_per_ward)
    return NationalData(wards, signs, roads, groups, requests)


def write_national(data: NationalData, folder) -> dict[str, Path]:
    """Write the files the planner CLI reads into ``folder`` (made if missing; files are replaced).

    Returns
    -------
    dict
        Path per part: ``wijken.gpkg``, ``borden.gpkg``, ``wegen.gpkg`` (RD New), ``groepen.csv``,
        ``aanvragen.csv`` (RD ``x,y``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: folder / f for k, f in FILES.items()}
    for key in ("wards", "signs", "roads"):
        paths[key].unlink(missing_ok=True)
        pyogrio.write_dataframe(getattr(data, key), paths[key], layer=paths[key].stem, driver="GPKG",
                                dataset_options={"VERSION": "1.3"})  # GDAL 3.6 / QGIS 3.28 open it silently
    data.groups.assign(wabp_registered=np.where(data.groups["wabp_registered"], "ja", "nee")).to_csv(
        paths["groups"], index=False)
    req = pd.DataFrame(data.requests.drop(columns="geometry"))
    req["x"], req["y"] = req["x"].map("{:.3f}".format), req["y"].map("{:.3f}".format)
    req.to_csv(paths["requests"], index=False)
    return paths


def main(argv=None):
    ap = argparse.ArgumentParser(description="Write a synthetic Netherlands for the planner CLI.")
    ap.add_argument("--wards", type=int, default=2000, help="number of wards (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="folder for the files")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data, t1 = make_national(args.wards, seed=args.seed), time.perf_counter()
    paths, t2 = write_national(data, args.out), time.perf_counter()
    for key, path in paths.items():
        print(f"{key:9s} {len(getattr(data, key)):8,d}  {path}")
    print(f"generated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s, "
          f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
