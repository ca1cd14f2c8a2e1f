"""Deciding many requests at once, spread over processes.

Only requests in the same ward depend on each other (an approval changes
what later requests in its ward see; the signs of other wards never matter,
see :func:`planner.placement.decide_requests`). So the wards are split into
independent shares, each decided in its own process by the same
:func:`~planner.placement.decide_requests`, and the decisions are put back
in decision order (date, then input order): the answer is the same as in
one process, whatever the number of processes. Poles shared across wards
(:func:`~planner.placement.share_poles`) are settled after that, in one
pass in decision order over all decisions.

Requests outside every ward or on a shared boundary depend on nothing and go
with the first share.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable

import numpy as np

from planner.core.wards import ward_index
from planner.placement import Decision, decide_requests, share_poles, ward_states

MIN_REQUESTS_PER_JOB = 400  # below this a second process costs more than it saves

_WORK: dict = {}  # what forked workers read (inherited, not pickled)


def default_jobs() -> int:
    """All cores of this machine (``os.sched_getaffinity`` where available)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def ward_shares(requests, wards, n: int) -> list[np.ndarray]:
    """Positional indexes of ``requests`` in ``n`` shares that share no ward, balanced by count."""
    index = ward_index(wards)
    owner = index.ward_of(requests.geometry.values)  # -1 outside, -2 on a boundary: depend on nothing
    codes, inverse, counts = np.unique(owner, return_inverse=True, return_counts=True)
    share_of_code = np.zeros(len(codes), dtype=np.int64)
    load = np.zeros(n)
    for c in np.argsort(-counts, kind="stable"):  # largest wards first, onto the lightest share
        k = int(load.argmin())
        share_of_code[c] = k
        load[k] += counts[c]
    share = share_of_code[inverse]
    return [np.flatnonzero(share == k) for k in range(n) if (share == k).any()]


def _decide_share(k: int) -> list[Decision]:
    w = _WORK
    proposer = w["make_proposer"]() if w["make_proposer"] else None
    part = w["requests"].iloc[w["shares"][k]]
    # The ward states were built once, before the fork: this process changes only its own copy.
    return decide_requests(part, w["wards"], w["signs"], w["groups"], w["policy"], roads=w["roads"],
                           proposer=proposer, open_approvals=w["open_approvals"], states=w["states"],
                           share=False)


def decide_parallel(requests, wards, signs, groups, policy, *, roads=None,
                    make_proposer: Callable | None = None, open_approvals=None, jobs: int | None = None,
                    progress: Callable[[int], None] | None = None) -> list[Decision]:
    """:func:`planner.decide_requests` over ``jobs`` processes (default: all cores).

    Parameters
    ----------
    make_proposer : callable, optional
        ``make_proposer() -> proposer``, called once in each process.
    jobs : int, optional
        Number of processes; 1 (or a run too small to gain) decides in this process.
    progress : callable, optional
        Called with the number of requests decided so far.

    Returns
    -------
    list of Decision, in decision order, equal to one process's answer.
    """
    jobs = default_jobs() if jobs is None else int(jobs)
    jobs = max(1, min(jobs, len(requests) // MIN_REQUESTS_PER_JOB))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        proposer = make_proposer() if make_proposer else None
        return decide_requests(requests, wards, signs, groups, policy, roads=roads, proposer=proposer,
                               open_approvals=open_approvals, progress=progress)
    reqs = requests.reset_index(drop=True)
    shares = ward_shares(reqs, wards, jobs * 2)  # a few more shares than processes: smoother progress
    ward_index(wards)  # built once here, inherited by the workers
    states = ward_states(wards, signs, policy, roads=roads, open_approvals=open_approvals)
    _WORK.update(requests=reqs, wards=wards, signs=signs, groups=groups, policy=policy, roads=roads,
                 make_proposer=make_proposer, open_approvals=open_approvals, shares=shares, states=states)
    done, results = 0, {}
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for k, decisions in zip(range(len(shares)), pool.imap(_decide_share, range(len(shares)))):
                results[k] = decisions
                done += len(decisions)
                if progress is not None:
                    progress(done)
    finally:
        _WORK.clear()
    # Back in decision order: date, then position in the input (as decide_requests orders them).
    dates = reqs["date"].astype(str).to_numpy()
    keyed = []
    for k, decisions in results.items():
        rows = shares[k][np.lexsort((np.arange(len(shares[k])), dates[shares[k]]))]
        keyed += [((dates[r], int(r)), d) for r, d in zip(rows, decisions)]
    keyed.sort(key=lambda item: item[0])
    decisions = [d for _, d in keyed]
    # Poles shared across wards: one pass in decision order over every process's decisions.
    if make_proposer is not None:
        share_poles(decisions, wards, signs, policy, roads=roads)
    return decisions
