"""Benchmark: entry detection + sign choice for a few thousand generated wards.

Compares, in one run, the planner's path (vectorized :func:`find_entries` over
all wards + exact enumeration per ward, :func:`choose_all_wards`) with a
straightforward reference (a per-ward loop: scalar shapely entry detection,
then one solver call per ward: spopt's MCLP through PuLP/CBC by default, or
the planner's own ``milp`` model with ``--reference milp``). It asserts that
both find the same entries per ward and the same objective value (weighted
coverage) per ward, and prints the speed ratio.

spopt's MCLP has no minimum spacing between chosen sites, so the spopt
comparison runs with ``min_spacing = 0``; ``--reference milp`` keeps the
policy's spacing.

    .venv/bin/python benchmarks/bench_proposals.py            # 2000 wards vs spopt, < 2 minutes
    .venv/bin/python benchmarks/bench_proposals.py --wards 900 --reference milp
"""

from __future__ import annotations

import argparse
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import Bounds, LinearConstraint, milp

from planner.entries import BOUNDARY_TOL, SIDE_STEP, classify_roads, find_entries
from planner.policy import Policy
from planner.proposals import choose_all_wards

X0, Y0 = 100_000.0, 420_000.0
CLASSES = np.array(["secondary", "tertiary", "unclassified", "residential", "service", "footway", "motorway"])
CLASS_P = np.array([0.1, 0.2, 0.15, 0.35, 0.1, 0.05, 0.05])


# ----------------------------------------------------------------- data


def generate(n_wards: int, seed: int = 42) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Voronoi wards (~400 m across) and roads: long through roads (some dual
    carriageways) and short local streets, with random OSM classes."""
    rng = np.random.default_rng(seed)
    side = 400.0 * np.sqrt(n_wards)
    extent = shapely.box(X0, Y0, X0 + side, Y0 + side)
    seeds = shapely.multipoints(rng.uniform([X0, Y0], [X0 + side, Y0 + side], (n_wards, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=extent))
    cells = shapely.intersection(cells, extent)
    wards = gpd.GeoDataFrame({"code": [f"W{i:05d}" for i in range(len(cells))],
                              "name": [f"Wijk {i}" for i in range(len(cells))]},
                             geometry=cells, crs="EPSG:28992")
    lines, names, classes = [], [], []
    n_through = int(side / 400)
    for k in range(n_through):
        for horizontal in (True, False):
            c = rng.uniform(0, side)
            wobble = rng.normal(0, 40, 12).cumsum()
            t = np.linspace(-100, side + 100, 12)
            xy = np.column_stack([t, c + wobble]) if horizontal else np.column_stack([c + wobble, t])
            cls = rng.choice(CLASSES, p=CLASS_P)
            name = f"{'Laan' if horizontal else 'Weg'} {k}"
            lines.append(xy)
            names.append(name)
            classes.append(cls)
            if rng.random() < 0.15:  # dual carriageway: a parallel twin with the same name
                offset = np.array([0, 18]) if horizontal else np.array([18, 0])
                lines.append(xy + offset)
                names.append(name)
                classes.append(cls)
    n_local = n_wards
    start = rng.uniform(0, side, (n_local, 2))
    angle = rng.uniform(0, 2 * np.pi, n_local)
    length = rng.uniform(60, 400, n_local)
    end = start + np.column_stack([np.cos(angle), np.sin(angle)]) * length[:, None]
    for i in range(n_local):
        lines.append(np.vstack([start[i], (start[i] + end[i]) / 2 + rng.normal(0, 20, 2), end[i]]))
        names.append(f"Straat {i}" if rng.random() < 0.9 else "")
        classes.append(rng.choice(CLASSES, p=CLASS_P))
    geoms = [shapely.LineString(xy + [X0, Y0]) for xy in lines]
    roads = gpd.GeoDataFrame({"name": names, "highway": classes}, geometry=geoms, crs="EPSG:28992")
    return wards, roads


# ----------------------------------------------------------------- reference


def _inside(poly, boundary, pt) -> bool:
    return poly.contains(pt) and boundary.distance(pt) > BOUNDARY_TOL


def reference_entries(wards, roads, policy: Policy) -> dict:
    """Per ward, in a plain loop: entry points and candidates, merged per road."""
    weights = classify_roads(roads, policy)["weight"].to_numpy()
    names = roads["name"].to_numpy()
    sindex = roads.sindex
    out = {}
    for code, poly in zip(wards["code"], wards.geometry):
        boundary = poly.boundary
        found = []  # (key, x, y, weight, candidate)
        for ri in sindex.query(poly, predicate="intersects"):
            if weights[ri] <= 0:
                continue
            for part in shapely.get_parts(roads.geometry.iloc[ri]):
                inter = boundary.intersection(part)
                seen = set()
                for x, y in shapely.get_coordinates(inter):
                    if (round(x, 3), round(y, 3)) in seen:
                        continue
                    seen.add((round(x, 3), round(y, 3)))
                    pt = shapely.Point(x, y)
                    d = part.project(pt)
                    before = _inside(poly, boundary, part.interpolate(max(d - SIDE_STEP, 0.0)))
                    after = _inside(poly, boundary, part.interpolate(min(d + SIDE_STEP, part.length)))
                    if before == after:
                        continue
                    sign = 1.0 if after else -1.0
                    cand = None
                    for step in (policy.inset, policy.inset / 2, SIDE_STEP):
                        c = part.interpolate(min(max(d + sign * step, 0.0), part.length))
                        if _inside(poly, boundary, c):
                            cand = c
                            break
                    cand = cand or part.interpolate(min(max(d + sign * SIDE_STEP, 0.0), part.length))
                    key = names[ri] if names[ri] else f"#{ri}"
                    found.append((key, x, y, float(weights[ri]), cand))
        # Single-linkage merge per road key, representative = heaviest, then west-most.
        parent = list(range(len(found)))

        def root(i):
            while parent[i] != i:
                i = parent[i]
            return i
        for i in range(len(found)):
            for j in range(i + 1, len(found)):
                if found[i][0] == found[j][0] and \
                        np.hypot(found[i][1] - found[j][1], found[i][2] - found[j][2]) <= policy.merge_distance:
                    parent[root(j)] = root(i)
        groups = {}
        for i, f in enumerate(found):
            groups.setdefault(root(i), []).append(f)
        entries = [sorted(g, key=lambda f: (-f[3], f[1], f[2]))[0] for g in groups.values()]
        if entries:
            out[code] = entries
    return out


def _milp_coverage(cover, w, cxy, min_spacing, max_signs) -> float:
    """The plain MCLP (coverage only, with spacing) as one scipy ``milp`` call."""
    n, m = cover.shape
    a_cover = np.hstack([-cover.T.astype(float), np.eye(m)])  # y_e <= sum_c a_ce x_c
    budget = np.r_[np.ones(n), np.zeros(m)][None, :]
    rows = [LinearConstraint(a_cover, -np.inf, 0), LinearConstraint(budget, 0, max_signs)]
    i, j = np.triu_indices(n, 1)
    close = np.hypot(*(cxy[i] - cxy[j]).T) < min_spacing
    if close.any():
        a = np.zeros((close.sum(), n + m))
        a[np.arange(close.sum()), i[close]] = 1
        a[np.arange(close.sum()), j[close]] = 1
        rows.append(LinearConstraint(a, -np.inf, 1))
    res = milp(-np.r_[np.zeros(n), w], constraints=rows, integrality=np.r_[np.ones(n), np.zeros(m)],
               bounds=Bounds(0, 1))
    return float(-res.fun)


def reference_choice(entries: dict, policy: Policy, max_signs: int, reference: str) -> dict:
    """One solver call per ward; returns the weighted coverage per ward."""
    if reference == "spopt":
        import pulp
        from spopt.locate import MCLP  # imported (warm) by main() before the clock starts
    result = {}
    for code, ents in entries.items():
        exy = np.array([[f[1], f[2]] for f in ents])
        cxy = np.array([[f[4].x, f[4].y] for f in ents])
        w = np.array([f[3] for f in ents])
        cost = np.sqrt(((exy[:, None, :] - cxy[None, :, :]) ** 2).sum(-1))  # clients x facilities
        np.fill_diagonal(cost, 0.0)  # a position always covers its own entry
        if reference == "spopt":
            p = min(max_signs, len(ents))
            model = MCLP.from_cost_matrix(cost, w, service_radius=policy.cover_radius, p_facilities=p)
            model.solve(pulp.PULP_CBC_CMD(msg=False))
            result[code] = float(pulp.value(model.problem.objective))
        else:
            result[code] = _milp_coverage((cost <= policy.cover_radius).T, w, cxy, policy.min_spacing, max_signs)
    return result


# ----------------------------------------------------------------- run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wards", type=int, default=2000, help="number of generated wards (default 2000)")
    ap.add_argument("--max-signs", type=int, default=2)
    ap.add_argument("--reference", choices=["spopt", "milp"], default="spopt")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    policy = Policy()
    if args.reference == "spopt":
        policy = policy.replace(min_spacing=0.0)
    if args.reference == "spopt":
        try:  # import outside the timed region: the reference pays for solving, not for importing
            import pulp  # noqa: F401
            from spopt.locate import MCLP  # noqa: F401
        except ImportError:
            sys.exit("spopt/pulp ontbreken: pip install -e '.[bench]', of gebruik --reference milp")
    wards, roads = generate(args.wards, args.seed)
    print(f"{len(wards)} wards, {len(roads)} roads; reference: per-ward loop + {args.reference}; "
          f"max_signs={args.max_signs}, min_spacing={policy.min_spacing:g} m")

    t0 = time.perf_counter()
    entries = find_entries(wards, roads, policy)
    t1 = time.perf_counter()
    mine = choose_all_wards(entries, policy, max_signs=args.max_signs, fast=True)
    t2 = time.perf_counter()
    ref_entries = reference_entries(wards, roads, policy)
    t3 = time.perf_counter()
    ref = reference_choice(ref_entries, policy, args.max_signs, args.reference)
    t4 = time.perf_counter()

    counts = entries.groupby("ward_code").size().to_dict()
    ref_counts = {k: len(v) for k, v in ref_entries.items()}
    # Explicit checks (not ``assert``: they must hold under ``python -O`` too).
    if counts != ref_counts:
        sys.exit("FOUT: entry counts differ between planner and reference")
    ours = mine.set_index("ward_code")["coverage"]
    theirs = pd.Series(ref).reindex(ours.index)
    if set(ref) != set(ours.index) or not np.allclose(ours.to_numpy(), theirs.to_numpy(), atol=1e-6):
        sys.exit("FOUT: objective values differ between planner and reference")
    print(f"entries: {len(entries)} in {len(counts)} wards, identical per ward; "
          f"objective (weighted coverage) identical in all {len(ours)} wards, total {ours.sum():g}")
    planner_s, reference_s = t2 - t0, t4 - t2
    print(f"planner   : {planner_s:8.3f} s  (entries {t1 - t0:.3f} s + choice {t2 - t1:.3f} s)")
    print(f"reference : {reference_s:8.3f} s  (entries {t3 - t2:.3f} s + {args.reference} {t4 - t3:.3f} s)")
    print(f"speed ratio: planner is {reference_s / planner_s:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
