"""National scale: the paths users run, against simple references, in one run.

Generates a synthetic Netherlands (``national_data.py``: 15,000 wards of
100-400 vertices, ~33,000 signs, ~63,000 roads, ~10,500 requests) and
measures, each figure against its reference in the same run:

a. ``decide`` without roads (the API behind ``planner decide``) against a
   naive per-request loop (every ward and every sign tested with a scalar
   shapely call), sampled and extrapolated; outcomes must be identical on
   the sample. Goal >= 100x.
a2. the ward verdict stays vectorised: ``decide`` without roads against a
   bare STRtree ``dwithin`` (0.5 m) query of all requests and counted signs
   (the spatial work any answer needs), both from cold caches, best of 3 in
   CPU time. Goal <= 1.5x.
b. ``decide`` with roads (positions for every approval) against the per-ward
   reference (for each approval: find the ward, its roads, its entries with
   ``find_entries`` on that ward alone, one exact ``milp`` solve), on a sample
   of wards and extrapolated; positions and scores must be identical.
   Goal >= 10x.
c. peak memory of the CLI ``planner decide`` with roads on the national files
   (a child process). Goal <= 1.5 GB.
d. time per request of ``decide`` with roads at three sizes. Goal: growth
   from the smallest to the largest <= 1.5x.
e. start-up of ``planner --help`` and ``planner check`` against
   ``python -c "import geopandas"``. Goal <= 0.4 s above it.
f. ``planner propose WARD`` on the national files (goal about a second) and
   the speed-up of ``planner decide --jobs 2`` over ``--jobs 1``.

    .venv/bin/python benchmarks/bench_national.py            # the whole country (a few minutes)
    .venv/bin/python benchmarks/bench_national.py --quick    # ~2,000 wards, under a minute

Prints a table with the ratio and PASS/FAIL per figure; exits 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_data import make_national, write_national  # noqa: E402

import planner  # noqa: E402
from planner import placement  # noqa: E402
from planner.core.parallel import decide_parallel  # noqa: E402
from planner.core.wards import BOUNDARY_TOLERANCE, ward_of
from planner.placement import ProposalResult
from planner.siting.covering import solve_mclp  # noqa: E402
from planner.siting.entries import ALONG_TOLERANCE, RoadNetwork  # noqa: E402
from planner.siting.proposals import make_proposer, plan_ward  # noqa: E402

PLANNER = [sys.executable, "-m", "planner"]
ROWS: list[tuple] = []


def report(figure: str, mine: str, reference: str, ratio: str, ok: bool | None) -> None:
    verdict = "" if ok is None else ("PASS" if ok else "FAIL")
    ROWS.append((figure, mine, reference, ratio, verdict))
    print(f"  {figure}: {mine} | {reference} | {ratio} {verdict}", flush=True)


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def answer(d) -> tuple:
    """What a decision says; a position moved onto a shared pole counts as the one computed for its
    ward (the reference decides a sample of wards, without their neighbours' poles)."""
    def xy(p):
        spot = p["shared_pole"]["computed"] if p.get("shared_pole") else p
        return spot["x"], spot["y"]
    return (d.request_id, d.outcome, d.reason_code, d.ward["code"] if d.ward else None,
            tuple((*xy(p), p["score"]) for p in d.proposals))


# ----------------------------------------------------------------- (a) without roads


def naive_decide(requests, wards, signs, groups, policy, limit: int) -> list[tuple]:
    """The first ``limit`` decisions by a plain per-request loop: every ward and every sign
    is tested with a scalar shapely call (the same rules and the same 0.5 m predicate)."""
    polys, codes = list(wards.geometry.values), list(wards["code"])
    sign_geoms, sign_status = list(signs.geometry.values), list(signs["status"])
    known = {g: bool(r) for g, r in groups.groupby("group_id")["wabp_registered"].max().items()}
    order = np.lexsort((np.arange(len(requests)), requests["date"].astype(str).to_numpy()))
    planned_here: dict[str, int] = {}
    out = []
    for i in order[:limit]:
        req = requests.iloc[i]
        pt = req.geometry
        hits = [k for k, poly in enumerate(polys) if poly.distance(pt) <= BOUNDARY_TOLERANCE]
        base = (str(req["request_id"]),)
        if not hits:
            out.append(base + ("rejected", "outside_wards", None, ()))
            continue
        if len(hits) > 1:
            out.append(base + ("needs_review", "on_boundary", None, ()))
            continue
        ward = polys[hits[0]]
        code = codes[hits[0]]
        inside = [s for s, g in enumerate(sign_geoms) if ward.distance(g) <= BOUNDARY_TOLERANCE]
        counted = sum(sign_status[s] in policy.coverage_statuses for s in inside)
        planned = sum(sign_status[s] == "planned" for s in inside)
        if counted >= policy.min_signs_for_coverage:
            out.append(base + ("rejected", "ward_covered", code, ()))
        elif planned_here.get(code) or (planned and "planned" not in policy.coverage_statuses):
            out.append(base + ("rejected", "ward_in_progress", code, ()))
        elif str(req["group_id"]) not in known:
            out.append(base + ("needs_review", "unknown_group", code, ()))
        elif policy.registration_required and not known[str(req["group_id"])]:
            out.append(base + ("needs_review", "group_not_registered", code, ()))
        else:
            planned_here[code] = 1
            out.append(base + ("approved", "ward_not_covered", code, ()))
    return out


def bench_without_roads(data, policy, sample: int) -> None:
    print("(a) decide without roads", flush=True)
    mine, t_mine = timed(planner.decide_requests, data.requests, data.wards, data.signs, data.groups, policy)
    ref, t_ref = timed(naive_decide, data.requests, data.wards, data.signs, data.groups, policy, sample)
    same = [answer(d) for d in mine[:sample]] == ref
    extrapolated = t_ref / sample * len(data.requests)
    ratio = extrapolated / t_mine
    report("a. decide without roads", f"{t_mine:.2f} s for {len(mine):,} requests",
           f"naive loop {t_ref / sample * 1000:.0f} ms/request -> {extrapolated:.0f} s (sample {sample})",
           f"{ratio:.0f}x (goal >= 100x)", ratio >= 100 and same)
    if not same:
        print("    outcomes differ on the sample!")


def bench_verdict(data, policy, repeat: int = 3) -> None:
    """``decide`` without roads against the bare spatial query it cannot do without.

    Both start cold (a fresh copy of the wards: ``decide`` builds its ward
    index as the reference builds its tree) and are timed alternately, best
    of ``repeat``, in CPU time of this process (both are single-threaded;
    CPU time is steadier than wall time on a shared machine).
    """
    print("(a2) ward verdict vs bare STRtree query", flush=True)
    counted = data.signs[planner.core.wards.is_counted(data.signs["status"], policy)]
    points = np.concatenate([data.requests.geometry.values, counted.geometry.values])
    t_query, t_decide = [], []
    for _ in range(repeat):
        wards = data.wards.copy()
        t0 = time.process_time()
        shapely.STRtree(wards.geometry.values).query(points, predicate="dwithin",
                                                     distance=placement.BOUNDARY_TOLERANCE)
        t_query.append(time.process_time() - t0)
        wards = data.wards.copy()
        t0 = time.process_time()
        planner.decide_requests(data.requests, wards, data.signs, data.groups, policy)
        t_decide.append(time.process_time() - t0)
    ratio = min(t_decide) / min(t_query)
    report("a2. decide without roads vs bare query", f"{min(t_decide):.2f} s CPU for {len(data.requests):,} requests",
           f"STRtree dwithin 0.5 m of {len(points):,} requests and counted signs: {min(t_query):.2f} s CPU",
           f"{ratio:.2f}x (goal <= 1.5x)", ratio <= 1.5)


# ----------------------------------------------------------------- (b) with roads


class ReferenceProposer:
    """Per ward, from scratch: find the ward by scanning the table, take the roads near it,
    ``find_entries`` on that ward alone, and solve the MCLP with one exact ``milp`` model."""

    def __init__(self, wards, roads, policy):
        self.wards, self.roads, self.policy = wards, roads, policy
        self.road_tree = shapely.STRtree(roads.geometry.values)  # built once: a fair reference

    def __call__(self, code, preferred, signs_xy, budget) -> ProposalResult:
        ward = self.wards[self.wards["code"] == code]
        poly = ward.geometry.values[0]
        near = self.roads.iloc[np.sort(self.road_tree.query(poly.buffer(ALONG_TOLERANCE + 1)))]
        network = RoadNetwork(near, self.policy)
        mine = network.entries(ward)
        # decide proposes the municipality's own choice: an admin's wish is weighed in the notes only.
        result = plan_ward(code, str(ward["name"].iloc[0]), poly, mine, network, self.policy, budget=budget,
                           signs_xy=signs_xy, wards=ward, solve=solve_mclp)
        return ProposalResult(proposals=result.proposals, reason=result.reason, notes=result.notes)


def bench_with_roads(data, policy, share: float, rng) -> None:
    print("(b) decide with roads", flush=True)
    roads = data.roads.copy()  # a fresh frame: the road network is built inside the timing
    mine, t_mine = timed(planner.decide_requests, data.requests, data.wards, data.signs, data.groups, policy,
                         roads=roads, proposer=make_proposer(data.wards, roads, policy))
    approvals = [d for d in mine if d.outcome == "approved"]
    # Wards are independent: the reference decides every request of a sample of wards.
    owner = ward_of(data.requests.geometry.values, data.wards)
    wards_with = np.unique(owner[owner >= 0])
    picked = rng.choice(wards_with, size=max(1, int(len(wards_with) * share)), replace=False)
    subset = data.requests[np.isin(owner, picked)]
    ref, t_ref = timed(planner.decide_requests, subset, data.wards, data.signs, data.groups, policy,
                       roads=data.roads, proposer=ReferenceProposer(data.wards, data.roads, policy), share=False)
    by_id = {d.request_id: answer(d) for d in mine}
    same = all(by_id[d.request_id] == answer(d) for d in ref)
    ref_approvals = sum(d.outcome == "approved" for d in ref)
    per_approval = t_ref / max(ref_approvals, 1)
    extrapolated = per_approval * len(approvals)
    ratio = extrapolated / t_mine
    report("b. decide with roads", f"{t_mine:.2f} s, positions for {len(approvals):,} approvals",
           f"per-ward reference {per_approval * 1000:.0f} ms/approval -> {extrapolated:.0f} s "
           f"(sample {ref_approvals} approvals, positions and scores identical: {same})",
           f"{ratio:.1f}x (goal >= 10x)", ratio >= 10 and same)


# ----------------------------------------------------------------- (c), (e), (f): the CLI


def cli(args, cwd) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run the CLI in a child process: wall time, the largest peak memory (bytes) of any child
    so far (the first CLI run measured is the heavy one), the result."""
    t0 = time.perf_counter()
    proc = subprocess.run([*PLANNER, *args], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"planner {' '.join(map(str, args))} failed: {proc.stderr.strip()}")
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024, proc


def file_args(paths, *names) -> list[str]:
    out = []
    for name in names:
        out += [f"--{name}", str(paths[name])]
    return out


def bench_cli(paths, work, data) -> None:
    print("(c) CLI decide with roads: memory; (f) --jobs", flush=True)
    args = ["decide", *file_args(paths, "wards", "signs", "roads", "groups", "requests"), "--json"]
    times = {}
    for jobs in (1, 2):
        wall, peak, proc = cli([*args, "--jobs", str(jobs)], work)
        times[jobs] = (wall, proc.stdout)
        if jobs == 1:
            report("c. CLI decide with roads, peak memory", f"{peak / 2**30:.2f} GB ({wall:.1f} s wall)",
                   "goal 1.5 GB", f"{peak / 1.5 / 2**30:.2f} of the goal", peak <= 1.5 * 2**30)
    same = times[1][1] == times[2][1]
    report("f. CLI decide --jobs 2 vs --jobs 1", f"{times[2][0]:.1f} s", f"{times[1][0]:.1f} s",
           f"{times[1][0] / times[2][0]:.2f}x on {os.cpu_count()} cores (identical output: {same})", same)
    code = data.wards["code"].iloc[len(data.wards) // 2]
    walls = [cli(["propose", code, *file_args(paths, "wards", "signs", "roads"), "--json"], work)[0]
             for _ in range(3)]
    report("f. CLI propose one ward", f"{statistics.median(walls):.2f} s (median of 3)", "goal about 1 s",
           "", statistics.median(walls) <= 2.0)


def bench_startup(paths, work) -> None:
    print("(e) start-up", flush=True)
    def median_wall(cmd, n=5):
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=work, capture_output=True, check=True)
            out.append(time.perf_counter() - t0)
        return statistics.median(out)
    base = median_wall([sys.executable, "-c", "import geopandas"])
    for name, cmd in (("planner --help", [*PLANNER, "--help"]),
                      ("planner check", [*PLANNER, "check", "--at-rd", "123000,494000", "--json"])):
        t = median_wall(cmd)
        report(f"e. {name} start-up", f"{t:.2f} s", f"import geopandas {base:.2f} s",
               f"+{t - base:.2f} s (goal <= +0.40 s)", t - base <= 0.4)


# ----------------------------------------------------------------- (d) growth


def bench_growth(sizes, policy, seed) -> None:
    print("(d) time per request at " + ", ".join(f"{n:,}" for n in sizes) + " wards", flush=True)
    per = {}
    for n in sizes:
        data = make_national(n, seed=seed)
        roads = data.roads.copy()
        decisions, t = timed(planner.decide_requests, data.requests, data.wards, data.signs, data.groups, policy,
                             roads=roads, proposer=make_proposer(data.wards, roads, policy))
        per[n] = t / len(decisions)
        print(f"    {n:>6,} wards: {t:.2f} s for {len(decisions):,} requests, {per[n] * 1000:.3f} ms/request")
    growth = per[sizes[-1]] / per[sizes[0]]
    report("d. decide with roads, time per request", " / ".join(f"{per[n] * 1000:.2f} ms" for n in sizes),
           f"at {' / '.join(f'{n:,}' for n in sizes)} wards", f"growth {growth:.2f}x (goal <= 1.5x)",
           growth <= 1.5)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="about 2,000 wards (under a minute)")
    ap.add_argument("--wards", type=int, help="number of wards (default 15,000; --quick 2,000)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    n = args.wards or (2000 if args.quick else 15000)
    policy = planner.preset("landsmeer")
    rng = np.random.default_rng(args.seed)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}", flush=True)
    t0 = time.perf_counter()
    data = make_national(n, seed=args.seed)
    print(f"data: {len(data.wards):,} wards (median "
          f"{int(np.median(shapely.get_num_coordinates(data.wards.geometry.values)))} vertices), "
          f"{len(data.signs):,} signs, {len(data.roads):,} roads, {len(data.requests):,} requests "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
    bench_without_roads(data, policy, sample=20 if args.quick else 40)
    bench_verdict(data, policy)
    bench_with_roads(data, policy, share=0.1 if args.quick else 0.04, rng=rng)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_national(data, Path(tmp) / "nl")
        work = Path(tmp) / "werk"
        work.mkdir()
        bench_cli(paths, work, data)
        bench_startup(paths, work)
    sizes = (500, 1000, 2000) if args.quick else (1000, 5000, 15000)
    bench_growth(sizes, policy, args.seed)
    print("\n| figure | planner | reference | ratio | |\n| --- | --- | --- | --- | --- |")
    for row in ROWS:
        print("| " + " | ".join(row) + " |")
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    return 0 if all(r[4] != "FAIL" for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
