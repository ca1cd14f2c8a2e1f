"""THE state of a request: one function, used by the register, the maps, ``stats`` and the letters.

::

    received -> needs_review | rejected | approved_open | proposed -> agreed -> placed
                                                          (and signs_removed)

:func:`request_state` decides the state from what is recorded about the
request (its effective decision: a review resolved by staff counts as its
resolution; its signs; whether positions were agreed); the Dutch words are
:data:`planner.vocabulary.REQUEST_STATE_NL`. Everything else asks this
module: ``request list``/``show`` (:func:`planner.history.request_states`),
the register's open approvals (:meth:`planner.store.Store.layers`), the map
markers and ``stats`` (:func:`planner.stats.decision_is_open`) and what a
map draws for a request (:data:`DRAWN_AS_SIGNS`).
"""

from __future__ import annotations

from planner.core.vocabulary import REQUEST_STATE_NL

REQUEST_STATES = tuple(REQUEST_STATE_NL)

# Still open: a map draws them as "aanvraag in behandeling", `stats` counts them per ward.
OPEN_STATES = ("received", "needs_review", "approved_open", "proposed", "agreed")
# Approved, no sign recorded yet: the positions are still to be agreed with the admin
# (an "open approval"; its ward is in progress, see planner.placement.ward_verdict).
OPEN_APPROVAL = "approved_open"
# Drawn as their signs (one marker per sign), never as their earlier proposals.
DRAWN_AS_SIGNS = ("agreed", "placed")


def request_state(outcome: str | None, *, signs: int = 0, placed: int = 0, recorded: int | None = None,
                  agreed: bool = False) -> str:
    """The state of one request (a key of :data:`planner.vocabulary.REQUEST_STATE_NL`).

    Parameters
    ----------
    outcome : str or None
        The effective outcome (``approved``, ``rejected``, ``needs_review``;
        a review resolved by staff counts as its resolution); None while the
        request is not decided (``received``).
    signs : int
        The request's signs that are not removed (planned or placed).
    placed : int
        How many of those are placed.
    recorded : int, optional
        All signs ever recorded for the request, removed ones too (default: ``signs``).
    agreed : bool
        Whether its positions were agreed with the admin (``request agree``).

    An approval is ``approved_open`` while no sign is recorded for it,
    ``proposed`` with planned signs at the proposed positions, ``agreed``
    once the positions are agreed, ``placed`` when every sign hangs and
    ``signs_removed`` when all its signs were taken down.

    >>> request_state("approved", signs=2, placed=2)
    'placed'
    >>> request_state("approved", signs=2, placed=1, agreed=True)
    'agreed'
    """
    recorded = signs if recorded is None else recorded
    if outcome is None:
        return "received"
    if outcome != "approved":
        return outcome
    if recorded and not signs:
        return "signs_removed"
    if not signs:
        return OPEN_APPROVAL
    if placed == signs:
        return "placed"
    return "agreed" if agreed else "proposed"


def state_nl(state: str) -> str:
    """The Dutch words of a request state (``approved_open`` -> ``toegekend, plekken nog af te spreken``)."""
    return REQUEST_STATE_NL[state]


__all__ = ["request_state", "state_nl", "REQUEST_STATES", "OPEN_STATES", "OPEN_APPROVAL", "DRAWN_AS_SIGNS"]
