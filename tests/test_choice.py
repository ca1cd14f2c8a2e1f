"""The covering model: both exact solvers give the same positions; a failed solve is never an answer."""

from __future__ import annotations

import numpy as np
import pytest

from planner.errors import SolverError
from planner.siting import covering as choice
from planner.siting.covering import (
    CoverProblem,
    choose_mclp,
    enumerate_mclp,
    solve_mclp,
)

WEIGHTS = np.array([0.5, 1.0, 2.0, 2.0, 3.0, 4.0, 5.0])


def random_ward(rng) -> tuple[CoverProblem, int]:
    """A ward-like problem: entries on a rough circle, one candidate 15 m inside each
    (plus, sometimes, an admin's wish), weights from road classes; every third ward
    on a square grid so exact ties occur and only the last tie-breaks decide."""
    n = int(rng.integers(1, 11))
    if rng.random() < 0.33:
        side = int(np.ceil(np.sqrt(n)))
        grid = np.array([(i, j) for i in range(side) for j in range(side)][:n], float) * 100.0
        entries, cand = grid, grid + [0.0, 15.0]
        weight = np.full(n, rng.choice(WEIGHTS))
    else:
        angle = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(150, 600)
        entries = np.c_[np.cos(angle), np.sin(angle)] * radius
        cand = entries * (1 - 15.0 / radius)
        weight = rng.choice(WEIGHTS, n)
    fixed = np.zeros(n, bool)
    if rng.random() < 0.2:
        fixed[int(rng.integers(n))] = True
    d = np.sqrt(((cand[:, None, :] - entries[None, :, :]) ** 2).sum(-1))
    cover = (d <= 150.0) | np.eye(n, dtype=bool)
    return CoverProblem(cover, weight, weight, cand, 100.0, fixed), int(rng.integers(1, 4))


def test_milp_and_enumeration_choose_the_same_positions_on_500_random_wards():
    rng = np.random.default_rng(20261126)
    differ = []
    for k in range(500):
        problem, budget = random_ward(rng)
        a, b = solve_mclp(problem, budget), enumerate_mclp(problem, budget)
        if list(a) != list(b):
            differ.append((k, list(a), list(b), problem.objective(a), problem.objective(b)))
    assert differ == []


def test_ties_after_coverage_count_road_and_spread_go_to_the_candidate_listed_first():
    # Four identical candidates on a square: every pair has the same coverage, count,
    # road weight; the two diagonals have the same spread.
    xy = np.array([[0, 0], [200, 0], [0, 200], [200, 200]], float)
    problem = CoverProblem(np.eye(4, dtype=bool), np.ones(4), np.ones(4), xy, 100.0)
    assert list(enumerate_mclp(problem, 2)) == list(solve_mclp(problem, 2)) == [0, 3]
    assert list(enumerate_mclp(problem, 1)) == list(solve_mclp(problem, 1)) == [0]


def test_the_reproduced_solve_error_is_not_an_empty_choice():
    # Two candidates 128 m apart that both cover both entries of weight 0.5: HiGHS
    # used to end with status 4 ("Solve error") and the request went to review.
    problem = CoverProblem(np.ones((2, 2), bool), [0.5, 0.5], [0.5, 0.5], [[0, 0], [128, 0]], 100.0)
    assert list(solve_mclp(problem, 2)) == list(enumerate_mclp(problem, 2)) == [0]


def test_a_solver_status_other_than_optimal_falls_back_to_the_enumeration(monkeypatch):
    from scipy import optimize

    class Failed:
        status, x, message = 4, None, "Solve error"

    monkeypatch.setattr(optimize, "milp", lambda *a, **k: Failed())
    problem = CoverProblem(np.eye(3, dtype=bool), [3.0, 2.0, 1.0], [3.0, 2.0, 1.0],
                           [[0, 0], [300, 0], [600, 0]], 100.0)
    assert list(solve_mclp(problem, 2)) == [0, 1]


def test_a_failed_solve_too_large_to_enumerate_raises(monkeypatch):
    from scipy import optimize

    class Failed:
        status, x, message = 1, None, "Time limit reached"

    monkeypatch.setattr(optimize, "milp", lambda *a, **k: Failed())
    monkeypatch.setattr(choice, "MAX_ENUMERATION", 2)
    problem = CoverProblem(np.eye(3, dtype=bool), [1.0, 1.0, 1.0], [1.0, 1.0, 1.0],
                           [[0, 0], [300, 0], [600, 0]], 100.0)
    with pytest.raises(SolverError, match="status 1"):
        solve_mclp(problem, 2)
    with pytest.raises(SolverError):
        choose_mclp(problem, 2)


def test_the_planner_uses_the_enumeration_where_it_fits(monkeypatch):
    from scipy import optimize
    monkeypatch.setattr(optimize, "milp", lambda *a, **k: pytest.fail("milp called"))
    problem = CoverProblem(np.eye(3, dtype=bool), [1.0, 2.0, 3.0], [1.0, 2.0, 3.0],
                           [[0, 0], [300, 0], [600, 0]], 100.0)
    assert list(choose_mclp(problem, 2)) == [1, 2]


def test_budget_above_the_number_of_candidates_is_the_number_of_candidates():
    rng = np.random.default_rng(3)
    for _ in range(20):
        problem, _ = random_ward(rng)
        huge = 9223372036854775807
        assert choose_mclp(problem, huge).tolist() == choose_mclp(problem, problem.n).tolist()
        assert enumerate_mclp(problem, huge).tolist() == solve_mclp(problem, huge).tolist()
