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
widest spread (sum of pairwise distances of the chosen positions).

:func:`solve_mclp` / :func:`solve_lscp` solve this with scipy's ``milp``
(HiGHS). :func:`enumerate_mclp` answers the same MCLP by enumerating all
subsets of at most ``p`` candidates in numpy: exact, and far cheaper per ward
when ``p`` is 2-3 and there are a few dozen candidates (the tests check that
both give the same objective values).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

TOL = 1e-6
MAX_ENUMERATION = 300_000


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
        d = self.xy[:, None, :] - self.xy[None, :, :]
        return np.sqrt((d ** 2).sum(axis=-1))

    def conflicts(self) -> np.ndarray:
        """Candidate pairs (i < j) closer than ``min_spacing``, shape (k, 2)."""
        i, j = np.triu_indices(self.n, k=1)
        close = self.distances()[i, j] < self.min_spacing
        return np.column_stack([i[close], j[close]])

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
    """Solve with milp, maximising each stage objective in turn (None: infeasible)."""
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
    dist = problem.distances()[pi, pj]
    x = None
    for kind, vec in stages:
        c = np.zeros(size)
        if kind == "spread":
            if q == 0:
                continue
            c[n + m:] = dist
        else:
            c[:len(vec)] = vec
        res = milp(-c, constraints=constraints, integrality=integrality, bounds=bounds)
        if res.status != 0:
            return None
        x = res.x
        best = float(c @ x)
        constraints.append(LinearConstraint(c[None, :], best - TOL * max(1.0, abs(best)), np.inf))
    return np.flatnonzero(x[:n] > 0.5)


def solve_mclp(problem: CoverProblem, max_signs: int) -> np.ndarray:
    """Exact MCLP with ties broken as in the module docstring (scipy ``milp``/HiGHS).

    Returns the indices of the chosen candidates (sorted).
    """
    n, m = problem.n, problem.cover.shape[1]
    if n == 0 or max_signs <= 0:
        return np.zeros(0, dtype=np.int64)
    cover_rows = np.hstack([-problem.cover.T.astype(float), np.eye(m)])  # y_e - sum a_ce x_c <= 0
    budget = np.r_[np.ones(n), np.zeros(m)][None, :]
    rows = [(cover_rows, -np.inf, 0.0), (budget, 0.0, float(max_signs))]
    stages = [("coverage", np.r_[np.zeros(n), problem.entry_weight]), ("count", -np.ones(n)),
              ("road", problem.road_weight), ("spread", None)]
    chosen = _lexicographic(problem, rows, stages)
    return np.zeros(0, dtype=np.int64) if chosen is None else chosen


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

    Exact; falls back to :func:`solve_mclp` when there are more than
    ``MAX_ENUMERATION`` subsets.
    """
    n, p = problem.n, int(max_signs)
    if n == 0 or p <= 0:
        return np.zeros(0, dtype=np.int64)
    if _n_subsets(n, p) > MAX_ENUMERATION:
        return solve_mclp(problem, p)
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
    keys = [np.round(v, 6) for v in (coverage, -count, rw, spread)]
    idx = np.flatnonzero(ok)
    best = idx[np.lexsort([-keys[3][idx], -keys[2][idx], -keys[1][idx], -keys[0][idx]])[0]]
    return np.sort(sets[best][real[best]])
