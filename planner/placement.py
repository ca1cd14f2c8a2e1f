"""The ward verdict and the decision on each request: approved, rejected or needs review, with the reason.

The ward notions ("in the ward", counted sign, covered) live in
:mod:`planner.core.wards` and are re-exported here. :func:`ward_verdict` is THE
ward verdict (covered / in progress / free) that decisions, reviews
(:func:`planner.lifecycle.resolve_request`), the maps and ``stats`` use;
:class:`WardVerdict` says it in Dutch (*hangen al* only for placed signs,
*zijn al gepland* for planned ones, never another group's request). The decision loop walks the
requests in date order because an approval changes what later requests in
its ward see (so two admins of one ward cannot get two sets of signs); wards
never depend on each other (see :mod:`planner.core.parallel`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import compress
from typing import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.coords import to_lonlat, xy_to_lonlat
from planner.core.policy import Policy
from planner.core.vocabulary import SHARED_POLE_NL, SIGN_STATUS_NL
from planner.core.wards import (
    BOUNDARY_TOLERANCE,
    is_counted,
    is_covered,
    nearest_street,
    sign_streets,
    sign_ward_pairs,
    sign_wards,
    text_column,
    ward_index,
)

OUTCOMES = ("approved", "rejected", "needs_review")

# ----------------------------------------------------------------- decisions


@dataclass
class Decision:
    """The answer to one request, with its reason in code and in Dutch.

    ``ward`` is the request's ward (None outside every ward and on a shared
    boundary, where ``boundary_wards`` names the wards it touches).
    """

    request_id: str
    date: str
    group_id: str
    outcome: str
    reason_code: str
    reason: str
    ward: dict | None
    x: float
    y: float
    lon: float
    lat: float
    signs: list[dict] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    boundary_wards: list[dict] = field(default_factory=list)
    signs_to_place: int = 0

    def to_dict(self) -> dict:
        """The decision as plain JSON data (its fields already are; a shallow copy)."""
        return dict(self.__dict__)


@dataclass
class ProposalResult:
    """What a proposer returns: positions (may be empty) and why, if empty."""

    proposals: list[dict]
    reason: str = ""
    notes: list[str] = field(default_factory=list)


# proposer(ward_code, preferred_text, ward_signs_xy, max_signs) -> ProposalResult
Proposer = Callable[[str, str, np.ndarray, int], ProposalResult]


# ----------------------------------------------------------------- the ward verdict

# The ward verdict: what a new request in the ward would meet. Covered: rejected
# (ward_covered); in progress: rejected (ward_in_progress); free: it may be approved.
WARD_VERDICTS = ("covered", "in_progress", "free")
# The same verdict as a ward state on the maps and in `planner stats` (planner.vocabulary.WARD_STATE_NL).
WARD_STATE_OF_VERDICT = {"covered": "gedekt", "in_progress": "in_behandeling", "free": "niet_gedekt"}


def ward_verdict(n_counted, n_pending, n_open_approvals, policy: Policy):
    """THE ward verdict, elementwise over wards: ``covered``, ``in_progress`` or ``free``.

    Arrays of counts give an array of verdicts; three ints (one ward) give a str.

    * ``covered``: at least ``min_signs_for_coverage`` counted signs
      (:func:`planner.wards.is_covered`; statuses in ``coverage_statuses``,
      also signs planned by an earlier approval);
    * ``in_progress``: not covered, but an approval is under way: signs
      planned that the policy does not count (``n_pending``), or approvals
      whose positions are still to be agreed (``n_open_approvals``, see
      :data:`planner.request_state.OPEN_APPROVAL`);
    * ``free`` otherwise.

    A request under review (``needs_review``) or not yet decided does not
    change its ward's verdict: it neither makes the ward *in behandeling*
    on the maps and in ``stats`` nor blocks the next approval (an approval
    after review is checked against the verdict then, see
    :func:`planner.lifecycle.resolve_request`). Decisions
    (:func:`decide_requests`), reviews, the maps and ``stats``
    (:func:`planner.stats.coverage_stats`) all use this function.
    """
    if all(isinstance(v, int) for v in (n_counted, n_pending, n_open_approvals)):  # one ward: a str
        if is_covered(n_counted, policy):
            return "covered"
        return "in_progress" if n_pending + n_open_approvals > 0 else "free"
    covered = is_covered(n_counted, policy)
    busy = (np.asarray(n_pending) + np.asarray(n_open_approvals)) > 0
    return np.where(covered, "covered", np.where(busy, "in_progress", "free"))


def _phrases(signs: list[dict]) -> str:
    return _join_nl([sign_phrase(s, with_status=False) for s in signs])


@dataclass(slots=True)
class WardVerdict:
    """One ward's verdict (:func:`ward_verdict`) with what it rests on.

    ``counted``: the counted signs (a covered ward); ``pending``: planned
    signs the policy does not count; ``approvals``: ids of approvals whose
    positions are still to be agreed (internal: never in a sentence that
    reaches another group, see :meth:`sentence`).
    """

    state: str
    counted: tuple = ()
    pending: tuple = ()
    approvals: tuple = ()
    _said: dict | None = field(default=None, compare=False, repr=False)

    def sentence(self, ward_name: str) -> str:
        """Why a new request in this ward gets no signs, in Dutch (empty for a free ward).

        Signs that hang are said to hang (*hangen al*), planned ones to be
        planned (*zijn al gepland*); the sentence names signs and streets,
        never another group's request or admins (it goes into letters and reports).
        """
        if self._said is None:
            self._said = {}
        said = self._said.get(ward_name)
        if said is None:
            said = self._said[ward_name] = self._sentence(ward_name)
        return said

    def _sentence(self, ward_name: str) -> str:
        if self.state == "covered":
            placed = [s for s in self.counted if s["status"] == "placed"]
            planned = [s for s in self.counted if s["status"] != "placed"]
            hang = (f"{'hangt al een bord' if len(placed) == 1 else 'hangen al borden'}: {_phrases(placed)}"
                    if placed else "")
            plan = (f"{'is al een bord' if len(planned) == 1 else 'zijn al borden'} gepland: {_phrases(planned)}"
                    if planned else "")
            what = f"{hang}; er {plan}" if hang and plan else (hang or plan)
            return f"In wijk {ward_name} {what}. Volgens het beleid komen er dan geen borden bij."
        if self.state == "in_progress":
            what = []
            if self.approvals:
                n = len(self.approvals)
                what.append(("er is al een aanvraag" if n == 1 else f"er zijn al {n} aanvragen")
                            + " toegekend; de plekken van de borden worden met de beheerder afgesproken")
            if self.pending:
                what.append(f"er {'is' if len(self.pending) == 1 else 'zijn'} al {_phrases(list(self.pending))} "
                            "gepland")
            return f"Voor wijk {ward_name} loopt al een toekenning: {'; '.join(what)}. Er komen geen extra borden bij."
        return ""

    def notes(self) -> list[str]:
        """Internal notes (staff): the approvals in progress, by request id."""
        return [f"Lopende toekenning: aanvraag {r} (plekken nog af te spreken met de beheerder)."
                for r in self.approvals]


@dataclass
class WardState:
    """What a ward holds while requests are decided: its signs (any status, with
    those planned by approvals in this run or earlier) and the approvals whose
    positions are still to be agreed with the admin. Change them with
    :meth:`add_signs` and :meth:`add_approval` (the verdict is kept until then)."""

    signs: list[dict] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)

    def counted(self, policy: Policy) -> list[dict]:
        """The counted signs (:func:`planner.wards.is_counted`)."""
        if not self.signs:
            return []
        flags = is_counted([s["status"] for s in self.signs], policy)
        return [s for s, c in zip(self.signs, flags) if c]

    def verdict(self, policy: Policy) -> WardVerdict:
        """The ward's :class:`WardVerdict` under ``policy`` (:func:`ward_verdict`)."""
        key = (id(policy), len(self.signs), len(self.approvals))
        cached = self.__dict__.get("_verdict")
        if cached is not None and cached[0] == key:
            return cached[1]
        counted = self.counted(policy)
        ids = {id(s) for s in counted}
        pending = [s for s in self.signs if s["status"] == "planned" and id(s) not in ids]
        state = ward_verdict(len(counted), len(pending), len(self.approvals), policy)
        verdict = WardVerdict(state, tuple(counted), tuple(pending), tuple(self.approvals))
        self.__dict__["_verdict"] = (key, verdict)
        return verdict

    def add_signs(self, signs: list[dict]) -> None:
        self.signs.extend(signs)

    def add_approval(self, request_id: str) -> None:
        self.approvals.append(request_id)


def sign_phrase(sign: dict, *, with_status: bool = True) -> str:
    """A sign in a Dutch sentence: ``bord B001 (Zuideinde, geplaatst)``; ``with_status=False``:
    ``bord B001 (Zuideinde)`` (the sentence says whether it hangs or is planned)."""
    street = sign.get("street") or ""
    if not with_status:
        return f"bord {sign['id']} ({street})" if street else f"bord {sign['id']}"
    status = SIGN_STATUS_NL.get(sign["status"], sign["status"])
    if sign.get("request_id"):
        status += f" na aanvraag {sign['request_id']}"
    street = f"{street}, " if street else ""
    return f"bord {sign['id']} ({street}{status})"


def _join_nl(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


class WardStates:
    """The :class:`WardState` and :class:`WardVerdict` of every ward, from one vectorised pass.

    The signs are assigned to wards with one spatial query; the counts and
    every ward's :func:`ward_verdict` are computed at once (:meth:`verdicts`).
    A ward's sign records and its state are built on first use only, so a
    run pays for the wards its requests lie in.
    """

    def __init__(self, wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame | None, policy: Policy,
                 roads: gpd.GeoDataFrame | None = None, open_approvals: dict[str, list[str]] | None = None,
                 only=None):
        self.index = ward_index(wards)
        self.policy = policy
        self._signs, self._roads = signs, roads
        n = self.index.n
        self._only = None
        if only is not None:  # only these wards (positions): the signs of the others are never looked at
            only = np.unique(np.asarray(only, dtype=np.int64))
            self._only = set(self.index.codes[only].tolist())
        if signs is not None and len(signs):
            if only is None:
                pi, wi = self.index.pairs(signs.geometry.values)
            else:  # the same predicate (in_ward), asked from the wards' side
                tree = shapely.STRtree(signs.geometry.values)
                q, pi = tree.query(self.index.geoms[only], predicate="dwithin", distance=BOUNDARY_TOLERANCE)
                wi = only[q]
            pi, wi = sign_ward_pairs(signs, self.index, pi, wi, only=only)
            order = np.lexsort((pi, wi))  # by ward; within a ward in sign order
            self._pi, self._wi = pi[order], wi[order]
            status = signs["status"].to_numpy(dtype=object)[self._pi]
        else:
            self._pi = self._wi = np.zeros(0, np.int64)
            status = np.zeros(0, dtype=object)
        self._counted = is_counted(status, policy)
        self._pending = (status == "planned") & ~self._counted
        self._start = np.searchsorted(self._wi, np.arange(n + 1)).tolist()
        self._counted_list, self._pending_list = self._counted.tolist(), self._pending.tolist()
        self._approvals = {code: list(ids) for code, ids in (open_approvals or {}).items()}
        n_open = np.zeros(n, np.int64)
        for code, ids in self._approvals.items():
            if code in self.index.position:
                n_open[self.index.position[code]] = len(ids)
        self._initial = ward_verdict(np.bincount(self._wi[self._counted], minlength=n),
                                     np.bincount(self._wi[self._pending], minlength=n), n_open, policy)
        self._initial_list = self._initial.tolist()
        self._built: dict[str, WardState] = {}
        self._said: dict[str, WardVerdict] = {}
        self._records: list | None = None

    def verdicts(self) -> np.ndarray:
        """Every ward's :func:`ward_verdict` now (in the wards' order; built with ``only``: those wards')."""
        out = self._initial.copy()
        for code, st in self._built.items():  # wards changed by approvals of this run
            out[self.index.position[code]] = st.verdict(self.policy).state
        return out

    def _check(self, code: str) -> None:
        if self._only is not None and code not in self._only:
            raise KeyError(f"ward {code} is not among the wards these states were built for")

    def verdict(self, code: str) -> WardVerdict:
        """Ward ``code``'s :class:`WardVerdict` now."""
        self._check(code)
        built = self._built.get(code)
        if built is not None:
            return built.verdict(self.policy)
        found = self._said.get(code)
        if found is None:
            k = self.index.position[code]
            a, b = self._start[k], self._start[k + 1]
            records = self.records(k)
            counted = tuple(compress(records, self._counted_list[a:b]))
            pending = tuple(compress(records, self._pending_list[a:b]))
            found = self._said[code] = WardVerdict(self._initial_list[k], counted, pending,
                                                   tuple(self._approvals.get(code, ())))
        return found

    def need(self, ward_positions) -> None:
        """Build the sign records of these wards (positions) in one vectorised pass (see :meth:`records`)."""
        if self._records is None:
            self._records = [None] * len(self._pi)
        wanted = np.flatnonzero(np.isin(self._wi, np.asarray(ward_positions, dtype=np.int64)))
        self._build(wanted[[self._records[j] is None for j in wanted.tolist()]])

    def records(self, k: int) -> list[dict]:
        """Ward ``k``'s signs (position in the wards) as :func:`planner.wards.sign_records` gives them."""
        a, b = self._start[k], self._start[k + 1]
        if b == a:
            return []
        if self._records is None or None in self._records[a:b]:
            self.need([k])
        return self._records[a:b]

    def _build(self, rows: np.ndarray) -> None:
        if not len(rows):
            return
        placed = self._signs.iloc[self._pi[rows]]
        geoms = placed.geometry.values
        x, y = shapely.get_x(geoms), shapely.get_y(geoms)
        lon, lat = xy_to_lonlat(x, y)
        street = text_column(placed, "street").copy()
        missing = street == ""
        if missing.any() and self._roads is not None:
            street[missing] = nearest_street(geoms[missing], self._roads)
        columns = {
            "id": placed["id"].astype(str).tolist(), "status": placed["status"].tolist(),
            "street": street.tolist(), "placed_on": text_column(placed, "placed_on").tolist(),
            "x": np.round(x, 1).tolist(), "y": np.round(y, 1).tolist(),
            "lon": np.round(lon, 7).tolist(), "lat": np.round(lat, 7).tolist(),
            "request_id": text_column(placed, "request_id").tolist()}
        keys = tuple(columns)
        for j, row in zip(rows.tolist(), zip(*columns.values())):
            self._records[j] = dict(zip(keys, row))

    def __getitem__(self, code: str) -> WardState:
        """Ward ``code``'s :class:`WardState` (its signs and open approvals), to change it."""
        self._check(code)
        state = self._built.get(code)
        if state is None:
            signs = list(self.records(self.index.position[code]))
            state = self._built[code] = WardState(signs, list(self._approvals.get(code, [])))
        return state

    def get(self, code: str, default=None) -> WardState:
        return self[code] if code in self.index.position else default


def ward_states(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy, *,
                roads: gpd.GeoDataFrame | None = None,
                open_approvals: dict[str, list[str]] | None = None, only=None) -> WardStates:
    """The :class:`WardStates` of ``wards`` (their signs and open approvals), for :func:`decide_requests`.

    ``only`` (ward positions) limits them to those wards (the wards of the requests).
    """
    return WardStates(wards, signs, policy, roads=roads, open_approvals=open_approvals, only=only)


def open_approvals(decisions: list["Decision"], signs: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """Ward code -> approvals whose positions are still to be agreed, from decisions in memory.

    An approval is open while none of ``signs`` (with ``request_id``: the
    register's, or a signs file) is recorded for it
    (:data:`planner.request_state.OPEN_APPROVAL`), as the register's own
    open approvals (:meth:`planner.store.Store.layers`).
    """
    from planner.core.request_state import OPEN_APPROVAL, request_state

    recorded: dict[str, int] = {}
    if signs is not None and len(signs) and "request_id" in signs:
        recorded = signs["request_id"].fillna("").astype(str).value_counts().to_dict()
    out: dict[str, list[str]] = {}
    for d in decisions:
        if d.outcome == "approved" and d.ward:
            if request_state("approved", signs=recorded.get(d.request_id, 0)) == OPEN_APPROVAL:
                out.setdefault(d.ward["code"], []).append(d.request_id)
    return out


def with_planned_signs(signs: gpd.GeoDataFrame, decisions: list["Decision"] | None) -> gpd.GeoDataFrame:
    """``signs`` and the signs that ``decisions`` planned at their proposed positions, as decide itself
    counts them for later requests (an approval whose signs ``signs`` already holds, by ``request_id``:
    the register's, adds nothing). What the maps and ``stats`` count, so they say what the decisions say."""
    recorded: set = set()
    if signs is not None and len(signs) and "request_id" in signs:
        recorded = set(signs["request_id"].fillna("").astype(str))
    planned = [dict(s, ward_code=d.ward["code"]) for d in decisions or []
               if d.outcome == "approved" and d.ward and d.proposals and d.request_id not in recorded
               for s in _planned_from(d)]
    if not planned:
        return signs
    frame = pd.DataFrame(planned).drop(columns=["x", "y", "lon", "lat"])
    extra = gpd.GeoDataFrame(frame, geometry=shapely.points([(s["x"], s["y"]) for s in planned]), crs=signs.crs)
    return pd.concat([signs, extra], ignore_index=True) if len(signs) else extra


def ward_verdicts(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy, *,
                  decisions: list["Decision"] | None = None) -> np.ndarray:
    """Every ward's :func:`ward_verdict` (in the wards' order) from ``signs`` and ``decisions``:
    the ward state of the maps and ``stats``. An approval counts through its signs
    (:func:`with_planned_signs`), or else as an open approval (:func:`open_approvals`); reviews
    count for nothing."""
    signs = with_planned_signs(signs, decisions)
    return WardStates(wards, signs, policy, open_approvals=open_approvals(decisions or [], signs)).verdicts()


def decide_requests(requests: gpd.GeoDataFrame, wards: gpd.GeoDataFrame,
                    signs: gpd.GeoDataFrame, groups: pd.DataFrame | None, policy: Policy,
                    *, roads: gpd.GeoDataFrame | None = None,
                    proposer: Proposer | None = None,
                    open_approvals: dict[str, list[str]] | None = None,
                    progress: Callable[[int], None] | None = None,
                    states: dict[str, WardState] | None = None, share: bool = True) -> list[Decision]:
    """Decide every request under ``policy``, in date order.

    Requests on the same date keep their order in the input (first come,
    first served): of two requests for one ward on one day, the first one
    listed is approved and the second sees the ward covered by its signs.
    Only requests in the same ward depend on each other; the answer never
    depends on how requests are batched (the signs an earlier run planned
    are in ``signs``, its approvals without positions in ``open_approvals``).

    Rules, in the order they apply:

    1. location outside every ward -> ``rejected`` / ``outside_wards``;
    2. location on a shared boundary (within 0.5 m of two wards, see
       :func:`in_ward`) -> ``needs_review`` / ``on_boundary``, naming both;
    3. ward covered (at least ``min_signs_for_coverage`` counted signs:
       statuses in ``coverage_statuses``, also signs planned by an earlier
       approval, in this run or an earlier one) -> ``rejected`` /
       ``ward_covered``, naming the signs and their streets;
    4. ward with signs planned but not counted by the policy, or with an
       approval whose positions are still to be agreed -> ``rejected`` /
       ``ward_in_progress``, naming that approval (``max_signs`` holds per ward);
    5. group unknown -> ``needs_review`` / ``unknown_group``;
    6. registration required and group not registered with Stichting WABP
       -> ``needs_review`` / ``group_not_registered``;
    7. otherwise ``approved`` / ``ward_not_covered`` for ``max_signs`` minus
       the ward's signs. With a ``proposer`` it supplies the positions (a ward
       where it finds none is ``needs_review`` / ``no_entries``); without,
       the positions are to be agreed with the admin (no position is ever
       taken from the request location, which may be a home).

    Parameters
    ----------
    requests : GeoDataFrame
        From :func:`planner.geo.load_requests` (RD New points).
    wards, signs : GeoDataFrame
        Ward polygons and existing signs (RD New; any status but removed).
    groups : DataFrame or None
        From :func:`planner.geo.load_groups`; None treats every group as unknown.
    policy : Policy
    roads : GeoDataFrame, optional
        Used to name the street of signs that have none.
    proposer : callable, optional
        ``proposer(ward_code, preferred_text, ward_signs_xy, max_signs) -> ProposalResult``
        (see :func:`planner.proposals.make_proposer`).
    open_approvals : dict, optional
        Ward code -> ids of earlier approvals whose positions are still to be agreed.
    progress : callable, optional
        Called with the number of requests decided so far (for a progress bar).
    states : dict, optional
        :func:`ward_states` of ``signs`` and ``open_approvals``, when already
        computed (they are updated as requests are approved).
    share : bool
        Run :func:`share_poles` over the decisions (default); :mod:`planner.core.parallel`
        runs it once over all processes' decisions instead.

    Returns
    -------
    list of Decision, in the order the requests were decided.
    """
    # Many small, acyclic objects are made (records, decisions): the cycle collector waits, unless a
    # proposer runs (its objects may hold cycles).
    with _allocating() if proposer is None else nullcontext():
        return _decide_in_order(requests, wards, signs, groups, policy, roads, proposer, open_approvals,
                                progress, states, share)


def _decide_in_order(requests, wards, signs, groups, policy, roads, proposer, open_approvals, progress,
                     states, share) -> list[Decision]:
    order = np.lexsort((np.arange(len(requests)), requests["date"].astype(str).to_numpy()))
    reqs = requests.iloc[order]
    index = ward_index(wards)
    geoms = reqs.geometry.values
    pi, wi = index.pairs(geoms)
    n_hits = np.bincount(pi, minlength=len(reqs))
    first = np.searchsorted(pi, np.arange(len(reqs)))  # pairs are sorted by request
    lon, lat = to_lonlat(geoms)
    xs, ys = np.round(shapely.get_x(geoms), 1).tolist(), np.round(shapely.get_y(geoms), 1).tolist()
    lon, lat = np.round(lon, 7).tolist(), np.round(lat, 7).tolist()
    alone = wi[first[n_hits == 1]]  # the ward of each request in exactly one ward
    if states is None:  # only the wards of the requests matter (wards never depend on each other)
        states = ward_states(wards, signs, policy, roads=roads, open_approvals=open_approvals, only=alone)
    known: dict = {}  # group id -> its first name and whether any of its rows says registered
    if groups is not None:
        for gid, name, reg in zip(groups["group_id"].tolist(), groups["group_name"].tolist(),
                                  groups["wabp_registered"].tolist()):
            found = known.get(gid)
            if found is None:
                known[gid] = {"name": name, "registered": reg}
            elif reg > found["registered"]:
                found["registered"] = reg
    preferred = text_column(reqs, "preferred")
    states.need(np.unique(alone))
    if proposer is not None and hasattr(proposer, "prepare"):
        # The wards that may need positions: a request there, not covered when the run starts.
        free = states.verdicts()[alone] != "covered"
        proposer.prepare(list(dict.fromkeys(index.codes[alone[free]])))
    columns = zip(*(list(map(str, reqs[c].tolist())) for c in ("request_id", "date", "group_id")))
    codes, names = index.codes.tolist(), index.names.tolist()
    n_hits, first, wi = n_hits.tolist(), first.tolist(), wi.tolist()
    decisions = []
    for i, (request_id, date, group_id) in enumerate(columns):
        k = n_hits[i]
        ward_hits = [{"code": codes[w], "name": names[w]} for w in wi[first[i]:first[i] + k]]
        base = dict(request_id=request_id, date=date, group_id=group_id,
                    ward=ward_hits[0] if k == 1 else None, x=xs[i], y=ys[i], lon=lon[i], lat=lat[i])
        decision = _decide_one(base, ward_hits, states if k == 1 else None, preferred[i], known, policy,
                               proposer)
        if decision.outcome == "approved":
            state = states[base["ward"]["code"]]
            if decision.proposals:
                state.add_signs(_planned_from(decision))
            else:
                state.add_approval(decision.request_id)
        decisions.append(decision)
        if progress is not None:
            progress(i + 1)
    if share and proposer is not None:
        share_poles(decisions, wards, signs, policy, roads=roads)
    return decisions


@contextmanager
def _allocating():
    """Python's cycle collector paused while many small, acyclic objects are made (the decisions)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def approval_sentence(ward_name: str, n_signs: int, with_positions: bool) -> str:
    """What an approval says, in Dutch: how many signs, where, and that the municipality may move them."""
    signs_word = f"{n_signs} bord{'en' if n_signs != 1 else ''}"
    where = (f"{signs_word} bij de invalswegen in overleg met de beheerder" if with_positions else
             f"{signs_word}; de plekken worden in overleg met de beheerder bepaald")
    return (f"In wijk {ward_name} hangen nog geen borden. De gemeente plaatst {where}; "
            "de gemeente mag de borden later verplaatsen.")


def _decide_one(base, ward_hits, states: WardStates | None, preferred: str, known, policy: Policy,
                proposer) -> Decision:
    if not ward_hits:
        return Decision(**base, outcome="rejected", reason_code="outside_wards",
                        reason="De opgegeven locatie ligt niet in een wijk van de gemeente; "
                               "de aanvraag kan daarom niet worden toegekend.")
    if states is None:
        names = _join_nl([f"{w['name']} ({w['code']})" for w in ward_hits])
        return Decision(**base, outcome="needs_review", reason_code="on_boundary", boundary_wards=ward_hits,
                        reason=f"De opgegeven locatie ligt op de grens van de wijken {names}. Een "
                               "medewerker stelt met de beheerder vast voor welke wijk de aanvraag is.")
    ward = base["ward"]
    verdict = states.verdict(ward["code"])
    if verdict.state == "covered":
        return Decision(**base, outcome="rejected", reason_code="ward_covered", signs=list(verdict.counted),
                        reason=verdict.sentence(ward["name"]))
    if verdict.state == "in_progress":
        return Decision(**base, outcome="rejected", reason_code="ward_in_progress", signs=list(verdict.pending),
                        notes=verdict.notes(), reason=verdict.sentence(ward["name"]))
    group = known.get(base["group_id"])
    if group is None:
        return Decision(**base, outcome="needs_review", reason_code="unknown_group",
                        reason=f"Groep {base['group_id']} is niet bekend bij de gemeente. Een "
                               "medewerker neemt contact op om de groep en de beheerder te registreren.")
    if policy.registration_required and not group["registered"]:
        return Decision(**base, outcome="needs_review", reason_code="group_not_registered",
                        reason=f"Groep {group['name']} is niet aangemeld bij Stichting "
                               "WhatsApp Buurtpreventie; volgens het beleid is dat vereist. "
                               "Een medewerker beoordeelt de aanvraag.")
    state = states[ward["code"]]
    budget = policy.max_signs - len(state.signs)
    proposals, notes = [], []
    if proposer is not None:
        xy = np.array([[s["x"], s["y"]] for s in state.signs], dtype=float).reshape(-1, 2)
        result = proposer(ward["code"], preferred, xy, budget)
        proposals, notes = result.proposals, result.notes
        if not proposals:
            return Decision(**base, outcome="needs_review", reason_code="no_entries", notes=notes,
                            reason=result.reason or (
                                f"In wijk {ward['name']} zijn geen invalswegen gevonden; een "
                                "medewerker bepaalt met de beheerder waar de borden komen."))
    n = len(proposals) or budget
    return Decision(**base, outcome="approved", reason_code="ward_not_covered",
                    proposals=proposals, notes=notes, signs_to_place=n,
                    reason=approval_sentence(ward["name"], n, bool(proposals)))


def share_poles(decisions: list[Decision], wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame | None,
                policy: Policy, *, roads: gpd.GeoDataFrame | None = None) -> list[Decision]:
    """One pole where two wards meet on a street: the later ward uses the earlier ward's pole.

    A deterministic pass in decision order (date, then input order) after the per-ward work,
    so batching, row order and the number of processes never change its answer. A proposed
    position closer than ``min_spacing`` to an earlier pole on the same (named) street in
    another ward (an existing sign of any status, or a position proposed for an earlier
    approval in this run) moves onto that pole: one pole with a sign facing each way. The
    proposal says so (``shared_pole``: the pole's sign id, its ward and the position computed
    for the ward itself; its explanation; a note of the decision), and so do the
    report, the letter and the map. A second proposal of the same approval near that pole is
    dropped (two signs of one ward on one pole would face the same way). So two poles closer
    than ``min_spacing`` on one street never happen, across wards either.

    Changes ``decisions`` in place and returns them.
    """
    todo = [(k, d) for k, d in enumerate(decisions) if d.outcome == "approved" and d.proposals and d.ward]
    if not todo:
        return decisions
    index = ward_index(wards)
    xy, street, pole_id, ward, order, first_prop = _poles(todo, wards, signs, policy, roads)
    active = np.ones(len(xy), bool)  # a moved proposal is no pole of its own
    pts = shapely.points(xy)
    tree = shapely.STRtree(pts)
    qi, pj = tree.query(pts[first_prop:], predicate="dwithin", distance=max(policy.min_spacing, 0.0))
    near = pd.DataFrame({"q": qi + first_prop, "p": pj}).groupby("q")["p"].agg(list).to_dict()
    row = first_prop
    for k, d in todo:
        used, kept, notes = set(), [], []
        for prop in d.proposals:
            me, row = row, row + 1
            cand = [j for j in near.get(me, []) if j != me and active[j] and order[j] < k and street[me] != ""
                    and street[j] == street[me] and ward[j] != ward[me]
                    and np.hypot(*(xy[j] - xy[me])) < policy.min_spacing]
            if not cand:
                kept.append(prop)
                continue
            j = min(cand, key=lambda c: (np.hypot(*(xy[c] - xy[me])), order[c], pole_id[c]))
            active[me] = False
            other = index.names[index.position[ward[j]]] if ward[j] in index.position else ward[j]
            if (xy[j][0], xy[j][1]) in used:
                notes.append(f"Bord {prop.get('rank')} ({prop.get('road')}) vervalt: het zou binnen "
                             f"{policy.min_spacing:.0f} m van de paal van bord {pole_id[j]} (wijk {other}) komen, "
                             "waar al een bord van deze wijk hangt.")
                continue
            used.add((xy[j][0], xy[j][1]))
            lon, lat = to_lonlat(gpd.GeoSeries([shapely.Point(*xy[j])], crs=wards.crs))
            text = (f"Gedeelde paal: één paal met een bord naar elke kant; dit bord komt aan de paal van bord "
                    f"{pole_id[j]} in wijk {other}, {np.hypot(*(xy[j] - xy[me])):.0f} m van de berekende plek.")
            prop.update(x=round(float(xy[j][0]), 1), y=round(float(xy[j][1]), 1), lon=round(float(lon[0]), 7),
                        lat=round(float(lat[0]), 7), shared_pole={"sign_id": pole_id[j], "ward": str(ward[j]),
                                         "computed": {"x": prop["x"], "y": prop["y"]}},
                        explanation=f"{prop.get('explanation', '')} {text}".strip())
            notes.append(f"Bord {prop.get('rank')} op {prop.get('road')}: {SHARED_POLE_NL} "
                         f"(paal van bord {pole_id[j]}, wijk {other}).")
            kept.append(prop)
        if len(kept) != len(d.proposals):
            old, new = len(d.proposals), len(kept)
            if d.reason == approval_sentence(d.ward["name"], old, True):  # the one wording of an approval
                d.reason = approval_sentence(d.ward["name"], new, True)
            d.proposals[:] = kept
            d.signs_to_place = new
        d.notes.extend(notes)
    return decisions


def _poles(todo: list, wards, signs, policy: Policy, roads) -> tuple:
    """Every pole :func:`share_poles` weighs: the signs near a proposal (earlier than any decision
    of this run), then the proposals in decision order; with their street, id, ward and order
    (-1 for a sign), and the position of the first proposal."""
    # Every pole: existing signs first (earlier than any decision of this run), then the proposals.
    xy, street, pole_id, ward, order = [], [], [], [], []
    if signs is not None and len(signs):  # only signs near a proposal can be a shared pole
        proposed = shapely.points([(p["x"], p["y"]) for _, d in todo for p in d.proposals])
        near_sign = shapely.STRtree(signs.geometry.values).query(
            proposed, predicate="dwithin", distance=max(policy.min_spacing, 0.0))[1]
        signs = signs.iloc[np.unique(near_sign)]
    if signs is not None and len(signs):
        placed = sign_wards(signs, wards)
        placed_street = sign_streets(placed, roads)
        xy += list(zip(shapely.get_x(placed.geometry.values), shapely.get_y(placed.geometry.values)))
        street += list(placed_street)
        pole_id += list(placed["id"].astype(str))
        ward += list(placed["ward_code"].astype(str))
        order += [-1] * len(placed)
    first_prop = len(xy)
    for k, d in todo:
        for p in d.proposals:
            xy.append((p["x"], p["y"]))
            street.append(p.get("road") or "")
            pole_id.append(f"{d.request_id}-{p.get('rank', 1)}")
            ward.append(d.ward["code"])
            order.append(k)
    xy, street = np.asarray(xy, float), np.asarray(street, dtype=object)
    ward, order = np.asarray(ward, dtype=object), np.asarray(order)
    return xy, street, pole_id, ward, order, first_prop


def _planned_from(decision: Decision) -> list[dict]:
    """The signs an approval plans at its proposed positions (status ``planned``)."""
    return [{"id": f"{decision.request_id}-{p.get('rank', k)}", "status": "planned",
             "street": p.get("road", ""), "placed_on": "", "x": p["x"], "y": p["y"],
             "lon": p["lon"], "lat": p["lat"], "request_id": decision.request_id}
            for k, p in enumerate(decision.proposals, start=1)]


def decisions_frame(decisions: list[Decision]) -> pd.DataFrame:
    """Decisions as a flat table (one row per request)."""
    rows = [{"request_id": d.request_id, "date": d.date, "group_id": d.group_id,
             "ward_code": d.ward["code"] if d.ward else None,
             "ward_name": d.ward["name"] if d.ward else None,
             "outcome": d.outcome, "reason_code": d.reason_code, "reason": d.reason,
             "signs": len(d.signs), "proposals": len(d.proposals)} for d in decisions]
    return pd.DataFrame(rows)
