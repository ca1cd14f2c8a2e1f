"""The decision letter to a group's admins (``planner brief``): what it says.

One letter per request, in Dutch, from the municipality in the config file
(:mod:`planner.render.letters.municipality`): the decision and its reason (a review resolved by
staff counts as its resolution), for an approval the positions with a small
map of the ward (:mod:`planner.render.letters.map`), the wijkagent's work contact
(only the admins who agreed are introduced to the wijkagent; the others
read how to ask for it), the
municipality's right to relocate the signs, and the objection clause
(bezwaar within six weeks, Awb). Rendered as PDF and DOCX by
:mod:`planner.render.letters.render`.

Letters hold personal data (the admins' names and e-mail addresses): they
are written to an internal folder (``brieven/``), never to a public export.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from planner.app import lifecycle
from planner.core.wards import ward_index
from planner.errors import InputError
from planner.io.files import write_files_atomic
from planner.register import groups as register
from planner.register.store import Store, read_geoframe
from planner.render.letters.compose import Letter, compose_letter
from planner.render.letters.municipality import DEFAULT, Municipality
from planner.render.letters.positions import describe_positions

log = logging.getLogger("planner")

DEFAULT_FOLDER = "brieven"
FORMATS = ("pdf", "docx")








# ----------------------------------------------------------------- from the register


def _ward_map(con, info: dict, wards, roads, policy) -> bytes | None:
    """The map of an approval's ward with its neighbours, streets, entries (when roads are loaded) and positions."""
    from planner.core.wards import in_ward
    from planner.render.letters.map import ward_map_png

    code = info["ward"]["code"]
    k = np.flatnonzero(wards["code"].to_numpy() == code)[0]
    poly = wards.geometry.values[k]
    signs = [s for s in info["signs"] if s["status"] != "removed"]
    positions = [{"rank": k, "x": s["x"], "y": s["y"], "street": s.get("street") or ""}
                 for k, s in enumerate(signs, start=1)]
    others = read_geoframe(con, "SELECT geom FROM signs WHERE status != 'removed' AND (request_id IS NULL OR "
                         "request_id != ?)", (info["request_id"],))
    other_xy = shapely.get_coordinates(others.geometry.values[in_ward(others.geometry.values, poly)]) \
        if len(others) else np.zeros((0, 2))
    entries = None
    if roads is not None:
        from planner.siting.entries import road_network
        entries = road_network(roads, lifecycle.policy_of(info["decision"]["policy"], policy)).ward_entries(
            wards, code)
    return ward_map_png(poly, positions, entries=entries, roads=roads, other_signs=other_xy,
                        neighbours=wards.drop(index=wards.index[k]), ward_name=info["ward"]["name"])


def _descriptions(info: dict, wards, roads, addresses) -> list[dict] | None:
    """The approval's positions in words (None without a ward). Each is described from the ward it
    stands in: a sign on a shared pole stands just inside the neighbouring ward."""
    if not info["ward"]:
        return None
    signs = [s for s in info["signs"] if s["status"] != "removed"]
    if not signs:
        return []
    codes = wards["code"].astype(str)
    index = ward_index(wards)
    where = index.ward_of(shapely.points([[s["x"], s["y"]] for s in signs]))
    row_of = pd.Index(codes).get_indexer(index.codes.astype(str))  # ward index position -> row of wards
    own = int(np.flatnonzero(codes.to_numpy() == info["ward"]["code"])[0])
    stands = np.where(where >= 0, row_of[np.maximum(where, 0)], own)
    out: list = [None] * len(signs)
    for row in np.unique(stands).tolist():
        ks = np.flatnonzero(stands == row).tolist()
        described = describe_positions([{"x": signs[k]["x"], "y": signs[k]["y"], "street": signs[k].get("street") or ""}
                                        for k in ks], roads=roads, ward_geom=wards.geometry.values[row],
                                       wards=wards, addresses=addresses)
        for k, d in zip(ks, described):
            out[k] = d
    return out


def letter_for(store: Store, request_id: str, *, municipality: Municipality = DEFAULT, roads=None,
               policy=None, addresses=None) -> Letter:
    """Compose the letter of one decided request from the register (InputError when there is none to write).

    ``roads`` (RD New lines with ``name``) describe the positions by their
    nearest crossing street and draw the streets on the map; ``addresses`` (a
    :class:`planner.geocode.AddressTable`) adds the nearest house number.
    """
    with store.reading() as con:
        info = lifecycle.request_info(store, request_id, con)
        if info["state"] == "received":
            raise InputError(f"aanvraag {request_id} is nog niet beslist; beslis eerst met 'planner decide'")
        try:
            group = register.show_group(store, info["group_id"])
        except InputError:
            raise InputError(f"aanvraag {request_id}: groep {info['group_id']} staat niet (meer) in het register; "
                             "er is geen beheerder om de brief aan te richten") from None
        officer = None
        if info["ward"]:
            row = con.execute("SELECT name, phone, email FROM officers WHERE ward_code = ?",
                              (info["ward"]["code"],)).fetchone()
            officer = dict(zip(("name", "phone", "email"), row)) if row else None
        map_png, descriptions = None, None
        if info["outcome"] == "approved" and info["ward"]:
            wards = read_geoframe(con, "SELECT geom, code, name FROM wards ORDER BY fid")
            map_png = _ward_map(con, info, wards, roads, policy)
            descriptions = _descriptions(info, wards, roads, addresses)
    return compose_letter(info, group, officer, municipality, map_png, descriptions=descriptions)


def last_run(store: Store) -> list[str]:
    """The requests decided in the most recent ``planner decide`` run (they share one ``decided_at``)."""
    with store.reading() as con:
        rows = con.execute("SELECT d.request_id FROM decisions d JOIN requests r USING (request_id) "
                           "WHERE d.decided_at = (SELECT max(decided_at) FROM decisions) "
                           "ORDER BY r.date, d.fid").fetchall()
    return [r[0] for r in rows]


def letter_paths(out, request_id: str, formats=FORMATS) -> dict[str, Path]:
    return {fmt: Path(out) / f"brief-{request_id}.{fmt}" for fmt in formats}


def write_letters(store: Store, request_ids: list[str], out=DEFAULT_FOLDER, formats=FORMATS, *,
                  municipality: Municipality = DEFAULT, roads=None, policy=None, skip_missing: bool = False,
                  addresses=None):
    """Write the letters of ``request_ids`` to folder ``out`` (all or nothing); ``(paths, letters, skipped)``.

    With ``skip_missing`` (``--all``) a request without a letter to write (its
    group removed or unknown) is skipped with a warning; otherwise it is an error.
    """
    from planner.render.letters.render import render_docx, render_pdf

    bad = set(formats) - set(FORMATS)
    if bad or not formats:
        raise InputError(f"onbekend briefformaat {sorted(bad)[0] if bad else '(geen)'!r}; kies uit pdf, docx")
    letters, skipped, files = [], [], {}
    for rid in request_ids:
        try:
            letter = letter_for(store, rid, municipality=municipality, roads=roads, policy=policy,
                                addresses=addresses)
        except InputError as exc:
            if not skip_missing:
                raise
            skipped.append({"request_id": rid, "reason": str(exc)})
            log.warning("geen brief voor aanvraag %s: %s", rid, exc)
            continue
        letters.append(letter)
        paths = letter_paths(out, rid, formats)
        if "pdf" in paths:
            files[paths["pdf"]] = render_pdf(letter)
        if "docx" in paths:
            files[paths["docx"]] = render_docx(letter)
    return write_files_atomic(files, private=True), letters, skipped  # letters: personal data


__all__ = ["letter_for", "last_run", "write_letters", "letter_paths",
           "DEFAULT_FOLDER", "FORMATS"]
