"""Coverage counted in people: residents, covered residents, signs per 1,000.

Stichting WABP and municipalities compare coverage per resident, not per
ward. :func:`coverage_stats` counts, per ward, per CBS *wijk* and for the
whole municipality:

* ``residents`` (CBS ``population``) and ``covered_residents``: the
  residents of covered wards (coverage is :func:`planner.placement.ward_status`'s
  ``covered``, nothing else);
* ``covered_share``: covered residents / residents;
* ``signs_per_1000``: counted signs per 1,000 residents;
* wards where a group is active (a group of the register lives there, or a
  group asked for signs there) but no sign counts (``group_without_signs``);
* wards with open requests (``open_requests``): to be reviewed, approved
  with signs still to place, or not decided yet;
* the ward's ``state``: the ward verdict (:func:`planner.placement.ward_verdict`)
  as *gedekt*, *in_behandeling* (an approval under way) or *niet_gedekt*;
  a request under review leaves it unchanged (it is counted in ``open_requests``).

**Unknown is not zero.** A ward without a population (CBS writes
``-99999999`` and other sentinels for *geheim* or *onbekend*; the import
makes them missing) has unknown residents, covered residents, share and
signs per 1,000: missing (``<NA>``/``NaN``; ``null`` in JSON, empty in CSV,
*onbekend* on screen). Totals add the wards whose population is known and
say how many are unknown (``wards_population_unknown``); a total with no
known ward is unknown itself. ``signs_per_1000`` of a total counts the
signs of the wards with a known population only.

A CBS buurt code ``BU04150203`` lies in wijk ``WK041502`` (its first six
digits); a ``wijk_code`` column wins when the wards have one. Wards without
either have no wijk, and the wijk table is empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.core.policy import Policy
from planner.core.request_state import OPEN_STATES, request_state
from planner.core.vocabulary import UNKNOWN, WARD_STATE_NL
from planner.core.wards import assign_wards, ward_status
from planner.placement import (
    WARD_STATE_OF_VERDICT,
    Decision,
    ward_verdicts,
    with_planned_signs,
)

SENTINEL_LIMIT = -99999990  # CBS: values at or below are codes for "unknown" / "secret"
_BUURT_CODE = re.compile(r"^BU(\d{6})\d{2}$")

WARD_COLUMNS = ["code", "name", "wijk_code", "state", "covered", "signs", "residents", "covered_residents",
                "covered_share", "signs_per_1000", "has_group", "group_without_signs", "open_requests"]
TOTAL_COLUMNS = ["wards", "covered_wards", "wards_population_unknown", "residents", "covered_residents",
                 "covered_share", "signs", "signs_per_1000", "wards_group_without_signs",
                 "wards_with_open_requests", "open_requests"]


@dataclass
class CoverageStats:
    """The figures of :func:`coverage_stats`.

    Attributes
    ----------
    wards : DataFrame
        One row per ward (``WARD_COLUMNS``).
    wijken : DataFrame
        One row per CBS wijk (``wijk_code``, ``wijk_name`` and ``TOTAL_COLUMNS``);
        empty when the wards have no wijk.
    municipality : dict
        The totals (``TOTAL_COLUMNS``) of all wards.
    """

    wards: pd.DataFrame
    wijken: pd.DataFrame
    municipality: dict

    def to_dict(self) -> dict:
        """Plain JSON-ready data (unknown numbers are ``None``)."""
        return {"municipality": plain_record(self.municipality),
                "wijken": [plain_record(r) for r in self.wijken.to_dict("records")],
                "wards": [plain_record(r) for r in self.wards.to_dict("records")]}


def population_of(wards: pd.DataFrame) -> pd.Series:
    """The wards' ``population`` (or CBS ``aantal_inwoners``) as nullable integers; CBS sentinels, negatives
    and blanks are missing."""
    column = next((c for c in ("population", "aantal_inwoners") if c in wards), None)
    if column is None:
        return pd.Series(pd.NA, index=wards.index, dtype="Int64")
    numbers = pd.to_numeric(pd.Series(wards[column].to_numpy(dtype=object), index=wards.index),
                            errors="coerce")
    numbers = numbers.where((numbers > SENTINEL_LIMIT) & (numbers >= 0))
    return numbers.round().astype("Int64")


def wijk_codes(wards: pd.DataFrame) -> pd.Series:
    """The CBS wijk of each ward: ``wijk_code`` if given, else from a ``BU`` code, else missing."""
    if "wijk_code" in wards:
        given = wards["wijk_code"].astype("string").str.strip().replace("", pd.NA)
    else:
        given = pd.Series(pd.NA, index=wards.index, dtype="string")
    codes = wards["code"].astype(str)
    derived = codes.str.extract(_BUURT_CODE, expand=False)
    derived = ("WK" + derived).astype("string")
    own = codes.where(codes.str.match(r"^WK\d{6}$")).astype("string")  # a ward that is a wijk itself
    return given.fillna(derived).fillna(own)


def decision_is_open(decisions: list[Decision], signs: pd.DataFrame | None = None) -> np.ndarray:
    """Per decision: is the request still open? Its :func:`planner.request_state.request_state` is one of
    :data:`planner.request_state.OPEN_STATES` (to review, or approved with signs still to place).

    The request's signs are those in ``signs`` with its ``request_id`` (a
    register's); an approval is settled once every one of them is placed.
    """
    active: dict[str, int] = {}
    placed: dict[str, int] = {}
    if signs is not None and "request_id" in signs and len(signs):
        rid = signs["request_id"].fillna("").astype(str)
        status = signs["status"].to_numpy()
        active = rid[status != "removed"].value_counts().to_dict()
        placed = rid[status == "placed"].value_counts().to_dict()
    return np.array([request_state(d.outcome, signs=active.get(d.request_id, 0),
                                   placed=placed.get(d.request_id, 0)) in OPEN_STATES for d in decisions],
                    dtype=bool)


def open_request_counts(wards: pd.DataFrame, decisions: list[Decision] | None,
                        signs: pd.DataFrame | None = None,
                        requests: pd.DataFrame | None = None) -> pd.Series:
    """Open requests per ward code (:func:`decision_is_open`, plus undecided requests)."""
    counts: dict[str, int] = {}
    decisions = list(decisions or [])
    for d, is_open in zip(decisions, decision_is_open(decisions, signs)):
        if d.ward and is_open:
            counts[d.ward["code"]] = counts.get(d.ward["code"], 0) + 1
    decided = {d.request_id for d in decisions}
    if requests is not None and len(requests) and "status" in requests and "ward_code" in requests:
        waiting = requests[(requests["status"] == "pending") & ~requests["request_id"].isin(decided)]
        for code in waiting["ward_code"].dropna():
            counts[code] = counts.get(code, 0) + 1
    return pd.Series(counts, dtype="int64").reindex(wards["code"].to_numpy(), fill_value=0)


def assign_request_wards(requests: gpd.GeoDataFrame | None, wards: gpd.GeoDataFrame):
    """Requests with the ``ward_code`` they lie in (for counting undecided requests per ward)."""
    if requests is None or not len(requests) or "ward_code" in requests:
        return requests
    return assign_wards(requests, wards)


def _group_wards(groups: pd.DataFrame | None, decisions: list[Decision] | None) -> set[str]:
    """Wards where a group is active: its register ward, or the ward it asked signs for."""
    out = set()
    if groups is not None and "ward_code" in groups:
        out |= set(groups["ward_code"].dropna().astype(str))
    for d in decisions or []:
        if d.ward:
            out.add(d.ward["code"])
    return out


def coverage_stats(wards: gpd.GeoDataFrame, signs: gpd.GeoDataFrame, policy: Policy | None = None, *,
                   decisions: list[Decision] | None = None, groups: pd.DataFrame | None = None,
                   requests: pd.DataFrame | None = None) -> CoverageStats:
    """Residents, covered residents and signs per ward, per wijk and for the municipality.

    Parameters
    ----------
    wards : GeoDataFrame
        With ``code``, ``name`` and (from ``planner import wards``) ``population``;
        optional ``wijk_code``/``wijk_name``.
    signs : GeoDataFrame
        Existing signs (the policy says which count).
    policy : Policy, optional
        Default: Landsmeer's.
    decisions : list of Decision, optional
        The decisions so far (recorded or just made): open requests, active groups; the signs
        they planned count as decide counts them (:func:`planner.placement.with_planned_signs`).
    groups : DataFrame, optional
        Groups; a ``ward_code`` column (the register's) marks where each is active.
    requests : DataFrame, optional
        Requests with ``status`` and ``ward_code`` (the register's): undecided ones are open.

    Returns
    -------
    CoverageStats
    """
    policy = policy or Policy()
    signs = with_planned_signs(signs, decisions)  # what the decisions planned counts, as in decide
    status = ward_status(wards, signs, policy)
    pop = population_of(wards).reset_index(drop=True)
    covered = status["covered"].to_numpy(dtype=bool)
    open_req = open_request_counts(wards, decisions, signs, requests).to_numpy()
    active = _group_wards(groups, decisions)
    table = pd.DataFrame({
        "code": status["code"].to_numpy(), "name": status["name"].to_numpy(),
        "wijk_code": wijk_codes(wards).to_numpy(),
        "covered": covered, "signs": status["signs"].to_numpy(dtype=np.int64),
        "residents": pop,
    })
    # The ward verdict, as decisions see it (placement.ward_verdict): a review changes nothing.
    verdicts = ward_verdicts(wards, signs, policy, decisions=decisions)
    table["state"] = [WARD_STATE_OF_VERDICT[v] for v in verdicts]
    table["covered_residents"] = pop.where(covered, 0).astype("Int64").where(pop.notna())
    share = pd.Series(np.where(covered, 1.0, 0.0)).where(pop.notna() & (pop > 0))
    table["covered_share"] = share.astype("Float64")
    table["signs_per_1000"] = _per_1000(table["signs"], pop)
    table["has_group"] = table["code"].isin(active).to_numpy()
    table["group_without_signs"] = table["has_group"] & (table["signs"] == 0)
    table["open_requests"] = open_req.astype(np.int64)
    table = table[WARD_COLUMNS]
    wijken = _wijk_table(table, wards)
    return CoverageStats(wards=table, wijken=wijken, municipality=_totals(table))


def _per_1000(signs: pd.Series, residents: pd.Series) -> pd.Series:
    res = residents.astype("Float64")
    return (signs.astype("Float64") * 1000.0 / res).where(res > 0).round(2)


def _totals(t: pd.DataFrame) -> dict:
    known = t["residents"].notna()
    residents = t.loc[known, "residents"].sum() if known.any() else pd.NA
    covered_res = t.loc[known, "covered_residents"].sum() if known.any() else pd.NA
    share = (covered_res / residents) if known.any() and residents > 0 else pd.NA
    signs_known = int(t.loc[known, "signs"].sum())
    per_1000 = round(signs_known * 1000.0 / residents, 2) if known.any() and residents > 0 else pd.NA
    return {
        "wards": int(len(t)), "covered_wards": int(t["covered"].sum()),
        "wards_population_unknown": int((~known).sum()),
        "residents": residents if residents is pd.NA else int(residents),
        "covered_residents": covered_res if covered_res is pd.NA else int(covered_res),
        "covered_share": share if share is pd.NA else round(float(share), 4),
        "signs": int(t["signs"].sum()), "signs_per_1000": per_1000,
        "wards_group_without_signs": int(t["group_without_signs"].sum()),
        "wards_with_open_requests": int((t["open_requests"] > 0).sum()),
        "open_requests": int(t["open_requests"].sum()),
    }


def _wijk_table(t: pd.DataFrame, wards: pd.DataFrame) -> pd.DataFrame:
    cols = ["wijk_code", "wijk_name"] + TOTAL_COLUMNS
    inside = t[t["wijk_code"].notna()]
    if inside.empty:
        return pd.DataFrame(columns=cols)
    names = {}
    if "wijk_name" in wards:
        names = dict(zip(wijk_codes(wards), wards["wijk_name"].astype("string")))
    rows = []
    for code, part in inside.groupby("wijk_code", sort=True):
        name = names.get(code)
        rows.append({"wijk_code": code, "wijk_name": code if name is None or pd.isna(name) else name,
                     **_totals(part)})
    return pd.DataFrame(rows, columns=cols)


def plain_record(row: dict) -> dict:
    """A row with plain Python values; unknown numbers (``<NA>``, NaN) become ``None``."""
    out = {}
    for k, v in row.items():
        if v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out[k] = None
        elif isinstance(v, np.bool_):
            out[k] = bool(v)
        elif isinstance(v, np.integer):
            out[k] = int(v)
        elif isinstance(v, np.floating):
            out[k] = float(v)
        else:
            out[k] = v
    return out


# ----------------------------------------------------------------- text


def format_number(value, decimals: int = 0) -> str:
    """A number the Dutch way (``12.345``, ``3,5``); unknown is *onbekend*, never 0."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return UNKNOWN
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_share(value) -> str:
    """A share as a percentage (``63%``, ``62,5%``); unknown is *onbekend*."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return UNKNOWN
    pct = float(value) * 100
    return f"{format_number(pct, 0 if abs(pct - round(pct)) < 0.05 else 1)}%"


def state_nl(state: str) -> str:
    """The Dutch word of a ward state (``in_behandeling`` -> ``aanvraag in behandeling``)."""
    return WARD_STATE_NL[state]


__all__ = ["CoverageStats", "coverage_stats", "plain_record", "assign_request_wards", "population_of", "wijk_codes", "decision_is_open",
           "open_request_counts", "format_number", "format_share", "state_nl", "WARD_COLUMNS", "TOTAL_COLUMNS"]
