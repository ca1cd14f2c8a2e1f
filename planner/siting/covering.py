"""Choosing sign positions: maximal covering (MCLP) and set covering (LSCP).

The model, for one ward. Candidates ``c`` (positions on entry roads) and
entries ``e`` with weight ``w_e`` (road class weight); ``a_ce = 1`` when
candidate ``c`` lies within the cover radius of entry ``e`` (a candidate
always covers its own entry); ``K`` is the set of candidate pairs closer
than the minimum spacing; ``F`` the candidates that must be chosen (an
admin's valid wishes). Binary ``x_c`` (sign at ``c``), ``y_e`` (entry
covered).

MCLP, budget ``p``::

    max  sum_e w_e y_e
    s.t. y_e <= sum_c a_ce x_c      for every entry e
         sum_c x_c <= p
         x_i + x_j <= 1             for (i, j) in K
         x_c = 1                    for c in F

LSCP (every entry gets a sign, fewest signs)::

    min  sum_c x_c
    s.t. sum_c a_ce x_c >= 1        for every entry e
         x_i + x_j <= 1, x_c = 1    as above

Ties are broken lexicographically, each stage fixing the optimum of the one
before: (MCLP only) fewest signs for that coverage, then the highest total
road weight of the chosen positions (the more important road), then the
widest spread (sum of pairwise distances of the chosen positions, in whole
centimetres), and last the candidates listed first (``2**(n-1-i)`` for
candidate ``i``: no two subsets tie), so the answer is unique.

:func:`solve_mclp` / :func:`solve_lscp` solve this with scipy's ``milp``
(HiGHS, no optimality gap). :func:`enumerate_mclp` answers the same MCLP by
enumerating all subsets of at most ``p`` candidates in numpy: exact, and far
cheaper per ward when ``p`` is 2-3 and there are a few dozen candidates.
Both return the same positions (the tests check it on random wards).
:func:`choose_mclp` is what the planner calls: enumeration where it fits,
``milp`` otherwise. A ``milp`` that ends without a proven optimum is never
an answer: it falls back to the enumeration or raises :class:`SolverError`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from planner.errors import SolverError

TOL = 1e-6
MAX_ENUMERATION = 300_000
MAX_INDEX_BITS = 50  # candidates beyond this get no index preference (floats stay exact)


@dataclass
class CoverProblem:
    """One ward's covering problem (see the module docstring for the model).

    Attributes
    ----------
    cover : ndarray of bool, shape (n_candidates, n_entries)
    entry_weight : ndarray, shape (n_entries,)
    road_weight : ndarray, shape (n_candidates,)
    xy : ndarray, shape (n_candidates, 2), RD New metres
    min_spacing : float
    fixed : ndarray of bool, shape (n_candidates,), optional
    """

    cover: np.ndarray
    entry_weight: np.ndarray
    road_weight: np.ndarray
    xy: np.ndarray
    min_spacing: float = 0.0
    fixed: np.ndarray | None = None

    def __post_init__(self):
        self.cover = np.asarray(self.cover, dtype=bool).reshape(len(self.xy), -1)
        self.entry_weight = np.asarray(self.entry_weight, dtype=float)
        self.road_weight = np.asarray(self.road_weight, dtype=float)
        self.xy = np.asarray(self.xy, dtype=float).reshape(-1, 2)
        n = len(self.xy)
        self.fixed = np.zeros(n, bool) if self.fixed is None else np.asarray(self.fixed, bool)

    @property
    def n(self) -> int:
        return len(self.xy)

    def distances(self) -> np.ndarray:
        """Pairwise distances of the candidates in whole centimetres (exact sums, equal in both solvers)."""
        d = self.xy[:, None, :] - self.xy[None, :, :]
        return np.round(np.sqrt((d ** 2).sum(axis=-1)) * 100.0) / 100.0

    def index_weight(self) -> np.ndarray:
        """Last tie-break: candidate ``i`` weighs ``2**(n-1-i)`` (earlier candidates first)."""
        if self.n <= MAX_INDEX_BITS:
            return np.ldexp(1.0, np.arange(self.n)[::-1])
        return np.arange(self.n, 0, -1, dtype=float)  # very large wards: earlier first, as a sum

    def objective(self, chosen) -> tuple[float, int, float, float]:
        """(weighted coverage, number of signs, road weight, spread) of a choice."""
        chosen = np.asarray(chosen, dtype=np.int64)
        covered = self.cover[chosen].any(axis=0) if chosen.size else np.zeros(self.cover.shape[1], bool)
        d = self.distances()[np.ix_(chosen, chosen)]
        return (float(self.entry_weight[covered].sum()), int(chosen.size),
                float(self.road_weight[chosen].sum()), float(np.triu(d, 1).sum()))

    def feasible(self, chosen) -> bool:
        chosen = np.asarray(chosen, dtype=np.int64)
        d = self.distances()[np.ix_(chosen, chosen)]
        spaced = bool((d[np.triu_indices(len(chosen), 1)] >= self.min_spacing).all())
        return spaced and bool(self.fixed[chosen].sum() == self.fixed.sum())


def _lexicographic(problem: CoverProblem, rows: list, stages: list) -> np.ndarray | None:
    """Solve with milp, maximising each stage objective in turn (None: infeasible).

    Raises :class:`SolverError` when HiGHS ends without a proven optimum
    (time limit, numerical trouble): that is never an answer.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    n, m = problem.n, problem.cover.shape[1]
    pi, pj = np.triu_indices(n, k=1)
    conflict = problem.distances()[pi, pj] < problem.min_spacing
    pi, pj = pi[~conflict], pj[~conflict]
    q = len(pi)
    size = n + m + q
    constraints = [LinearConstraint(np.hstack([a, np.zeros((a.shape[0], size - a.shape[1]))]), lo, hi)
                   for a, lo, hi in rows]
    ci, cj = np.triu_indices(n, k=1)
    ci, cj = ci[conflict], cj[conflict]
    if ci.size:
        a = np.zeros((ci.size, size))
        a[np.arange(ci.size), ci] = 1
        a[np.arange(ci.size), cj] = 1
        constraints.append(LinearConstraint(a, -np.inf, 1))
    if q:  # z_ij <= x_i, z_ij <= x_j (z_ij = x_i * x_j at the spread optimum)
        a = np.zeros((2 * q, size))
        a[np.arange(q), pi] = -1
        a[np.arange(q, 2 * q), pj] = -1
        a[np.arange(2 * q), n + m + np.r_[np.arange(q), np.arange(q)]] = 1
        constraints.append(LinearConstraint(a, -np.inf, 0))
    lower = np.r_[problem.fixed.astype(float), np.zeros(m + q)]
    bounds = Bounds(lower, np.ones(size))
    integrality = np.r_[np.ones(n), np.zeros(m + q)]
    dist = np.round(problem.distances()[pi, pj] * 100.0)  # whole centimetres
    x = None
    for kind, vec in stages + [("index", problem.index_weight())]:
        c = np.zeros(size)
        if kind == "spread":
            if q == 0:
                continue
            c[n + m:] = dist
        else:
            c[:len(vec)] = vec
        res = milp(-c, constraints=constraints, integrality=integrality, bounds=bounds,
                   options={"mip_rel_gap": 0.0})
        if res.status == 2:  # infeasible
            return None
        if res.status != 0 or res.x is None:
            raise SolverError(f"HiGHS vond geen bewezen optimum (status {res.status}: {res.message})")
        x = np.where(np.arange(size) < n, np.round(res.x), res.x)
        best = float(c @ x)
        # Stage values are sums of weights (TOL) or whole numbers (centimetres, index weights: 0.5).
        slack = 0.5 if kind in ("spread", "index") else TOL * max(1.0, abs(best))
        constraints.append(LinearConstraint(c[None, :], best - slack, np.inf))
    return np.flatnonzero(x[:n] > 0.5)


def solve_mclp(problem: CoverProblem, max_signs: int) -> np.ndarray:
    """Exact MCLP with ties broken as in the module docstring (scipy ``milp``/HiGHS).

    Returns the indices of the chosen candidates (sorted). When HiGHS ends
    without a proven optimum, the exact enumeration answers instead (when it
    fits); otherwise :class:`SolverError` is raised.
    """
    n, m = problem.n, problem.cover.shape[1]
    max_signs = min(int(max_signs), n)  # never more signs than candidates
    if n == 0 or max_signs <= 0:
        return np.zeros(0, dtype=np.int64)
    cover_rows = np.hstack([-problem.cover.T.astype(float), np.eye(m)])  # y_e - sum a_ce x_c <= 0
    budget = np.r_[np.ones(n), np.zeros(m)][None, :]
    rows = [(cover_rows, -np.inf, 0.0), (budget, 0.0, float(max_signs))]
    stages = [("coverage", np.r_[np.zeros(n), problem.entry_weight]), ("count", -np.ones(n)),
              ("road", problem.road_weight), ("spread", None)]
    try:
        chosen = _lexicographic(problem, rows, stages)
    except SolverError:
        if _n_subsets(n, max_signs) > MAX_ENUMERATION:
            raise
        return enumerate_mclp(problem, max_signs)
    if chosen is None:  # only when the admin's fixed wishes cannot all be kept
        return np.zeros(0, dtype=np.int64)
    return chosen


def choose_mclp(problem: CoverProblem, max_signs: int) -> np.ndarray:
    """The MCLP answer the planner uses: exact enumeration where it fits, else ``milp``.

    Both give the same positions (same model, same tie-breaks).
    """
    max_signs = min(int(max_signs), problem.n)  # never more signs than candidates
    if _n_subsets(problem.n, int(max_signs)) > MAX_ENUMERATION:
        return solve_mclp(problem, max_signs)
    return enumerate_mclp(problem, max_signs)


def solve_lscp(problem: CoverProblem) -> np.ndarray | None:
    """Exact LSCP (every entry covered, fewest signs), same tie-breaks; None if infeasible."""
    n, m = problem.n, problem.cover.shape[1]
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 0 or not problem.cover.any(axis=0).all():
        return None
    rows = [(problem.cover.T.astype(float), 1.0, np.inf)]
    stages = [("count", -np.ones(n)), ("road", problem.road_weight), ("spread", None)]
    return _lexicographic(problem, rows, stages)


@lru_cache(maxsize=256)
def _subsets(n: int, p: int) -> np.ndarray:
    """All subsets of ``range(n)`` with at most ``p`` members, padded with ``n``."""
    rows = [np.full((1, p), n, dtype=np.int64)]
    for k in range(1, min(p, n) + 1):
        combos = np.array(list(itertools.combinations(range(n), k)), dtype=np.int64)
        rows.append(np.hstack([combos, np.full((len(combos), p - k), n, dtype=np.int64)]))
    return np.vstack(rows)


def _n_subsets(n: int, p: int) -> int:
    from math import comb
    return sum(comb(n, k) for k in range(0, min(p, n) + 1))


def enumerate_mclp(problem: CoverProblem, max_signs: int) -> np.ndarray:
    """The MCLP of :func:`solve_mclp`, solved by enumerating every subset in numpy.

    Exact; raises :class:`SolverError` when there are more than
    ``MAX_ENUMERATION`` subsets (use :func:`choose_mclp`).
    """
    n = problem.n
    p = min(int(max_signs), n)  # never more signs than candidates
    if n == 0 or p <= 0:
        return np.zeros(0, dtype=np.int64)
    if _n_subsets(n, p) > MAX_ENUMERATION:
        raise SolverError(f"te veel combinaties om op te sommen ({n} kandidaten, {p} borden)")
    sets = _subsets(n, p)
    real = sets < n
    cover = np.vstack([problem.cover, np.zeros((1, problem.cover.shape[1]), bool)])
    dist = np.zeros((n + 1, n + 1))
    dist[:n, :n] = problem.distances()
    road = np.r_[problem.road_weight, 0.0]
    fixed = np.r_[problem.fixed, False]
    ok = fixed[sets].sum(axis=1) == problem.fixed.sum()
    coverage = cover[sets].any(axis=1).astype(float) @ problem.entry_weight
    spread = np.zeros(len(sets))
    for a, b in itertools.combinations(range(p), 2):
        pair = real[:, a] & real[:, b]
        ok &= ~pair | (dist[sets[:, a], sets[:, b]] >= problem.min_spacing)
        spread += np.where(pair, dist[sets[:, a], sets[:, b]], 0.0)
    count = real.sum(axis=1)
    rw = road[sets].sum(axis=1)
    index = np.r_[problem.index_weight(), 0.0][sets].sum(axis=1)
    keys = [np.round(v, 6) for v in (coverage, -count, rw)] + [np.round(spread * 100.0), index]
    idx = np.flatnonzero(ok)
    if idx.size == 0:  # the admin's fixed wishes cannot all be kept
        return np.zeros(0, dtype=np.int64)
    best = idx[np.lexsort([-k[idx] for k in keys[::-1]])[0]]
    return np.sort(sets[best][real[best]])
