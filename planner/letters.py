"""The decision letter to a group's admins (``planner brief``): what it says.

One letter per request, in Dutch, from the municipality in the config file
(:mod:`planner.config`): the decision and its reason (a review resolved by
staff counts as its resolution), for an approval the positions with a small
map of the ward (:mod:`planner.letter_map`), the wijkagent's work contact
(only the admins who agreed are introduced to the wijkagent; the others
read how to ask for it), the
municipality's right to relocate the signs, and the objection clause
(bezwaar within six weeks, Awb). Rendered as PDF and DOCX by
:mod:`planner.letter_render`.

Letters hold personal data (the admins' names and e-mail addresses): they
are written to an internal folder (``brieven/``), never to a public export.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from . import lifecycle, register
from .config import DEFAULT, Municipality
from .errors import InputError
from .files import write_files_atomic
from .settings import today
from .store import Store, _frame

log = logging.getLogger("planner")

DEFAULT_FOLDER = "brieven"
FORMATS = ("pdf", "docx")
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")


@dataclass
class Letter:
    """The content of one letter, ready to render (see :func:`compose_letter`)."""

    request_id: str
    outcome: str
    municipality: Municipality
    date: str
    subject: str
    recipients: list[dict]
    group: dict
    ward: dict | None
    salutation: str
    sections: list[tuple[str, list[str]]]  # (heading or "", paragraphs)
    positions: list[dict] = field(default_factory=list)
    positions_intro: str = ""
    map_png: bytes | None = None
    closing: list[str] = field(default_factory=list)
    footer: str = ""

    def text(self) -> str:
        """The letter as plain text (what the PDF and DOCX say)."""
        parts = [self.municipality.naam, self.subject, self.salutation]
        for heading, paragraphs in self.sections:
            parts += ([heading] if heading else []) + paragraphs
        parts += [p["line"] for p in self.positions] + self.closing
        return "\n".join(parts)


def date_nl(iso: str) -> str:
    """``2026-10-01`` -> ``1 oktober 2026``."""
    y, m, d = iso[:10].split("-")
    return f"{int(d)} {MONTHS_NL[int(m) - 1]} {y}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _how_to_reach(m: Municipality) -> str:
    return " of ".join(v for v in (f"bel {m.telefoon}" if m.telefoon else "",
                                   f"mail naar {m.email}" if m.email else "") if v) or "neem contact met ons op"


def _officer_paragraphs(admins: list[dict], officer: dict | None, ward_text: str, m: Municipality,
                        rid: str) -> list[str]:
    """The wijkagent section: only the admins who agreed (``wijkagent``) are introduced; the others read
    how to ask for it. Every admin reads the 112 line."""
    yes = [a["name"] for a in admins if a.get("wijkagent")]
    no = [a["name"] for a in admins if not a.get("wijkagent")]
    out = []
    if officer is None:
        out.append(f"De wijkagent van {ward_text} is nog niet bij ons bekend."
                   + (f" Zodra dat zo is, brengen wij {_join(yes)} met de wijkagent in contact, zoals gevraagd."
                      if yes else "") + " U kunt de politie ook bereiken via 0900-8844.")
    elif yes:
        contact = _join([v for v in (officer.get("phone"), officer.get("email")) if v])
        out.append(f"Met uw toestemming brengen wij {_join(yes)} in contact met de wijkagent van {ward_text}: "
                   f"{officer['name']}, bereikbaar via {contact} (werkcontact van de politie). De wijkagent weet "
                   "van uw WhatsApp-groep en is uw aanspreekpunt voor de politie in de wijk.")
    if no:
        who = "U heeft" if not yes else f"{_join(no)} {'heeft' if len(no) == 1 else 'hebben'}"
        how = _how_to_reach(m)
        out.append("Wij brengen beheerders alleen met hun toestemming in contact met de wijkagent en geven hun "
                   f"gegevens niet zonder die toestemming aan de politie. {who} daar (nog) niet om gevraagd. "
                   f"Wilt u wel in contact komen met de wijkagent? {how[0].upper() + how[1:]} en noem het kenmerk "
                   f"aanvraag {rid}; dan leggen wij het contact.")
    out.append("Ziet u een verdachte situatie die nu gebeurt? Bel dan altijd eerst 112.")
    return out


def compose_letter(info: dict, group: dict, officer: dict | None, municipality: Municipality,
                   map_png: bytes | None = None, *, date: str | None = None) -> Letter:
    """The letter for one decided request.

    ``info`` is :func:`planner.lifecycle.request_info`; ``group`` is
    :func:`planner.register.show_group` (its admins are the recipients);
    ``officer`` the ward's wijkagent (``name``, ``phone``, ``email``) or None.
    """
    date = date or today()
    rid, outcome = info["request_id"], info["outcome"]
    ward = info["ward"]
    ward_text = f"wijk {ward['name']}" if ward else "uw buurt"
    m = municipality
    subject = {"approved": f"Besluit op uw aanvraag voor WhatsApp-buurtpreventieborden: toegekend",
               "rejected": f"Besluit op uw aanvraag voor WhatsApp-buurtpreventieborden: afgewezen",
               "needs_review": "Uw aanvraag voor WhatsApp-buurtpreventieborden is in behandeling"}[outcome]
    sections: list[tuple[str, list[str]]] = [("", [
        f"Op {date_nl(info['date'])} heeft u namens WhatsApp-groep {group['group_name']} ({group['group_id']}) "
        f"borden voor WhatsApp-buurtpreventie aangevraagd voor {ward_text}. In deze brief leest u "
        + ("ons besluit." if outcome != "needs_review" else "hoe het met uw aanvraag staat.")])]
    decision = {"approved": "Wij kennen uw aanvraag toe.", "rejected": "Wij wijzen uw aanvraag af.",
                "needs_review": "Wij kunnen nog niet over uw aanvraag beslissen: een medewerker beoordeelt haar "
                                "eerst. U krijgt daarna een besluit."}[outcome]
    because = [f"Reden: {info['reason']}"]
    resolution = info.get("resolution") or {}
    if resolution.get("reason") and resolution["reason"] not in info["reason"]:  # the staff's reason: to the admin
        because.append(f"Toelichting: {resolution['reason']}")
    sections.append(("Ons besluit", [decision, *because]))
    positions, intro = [], ""
    if outcome == "approved":
        signs = [s for s in info["signs"] if s["status"] != "removed"]
        if info["state"] in ("agreed", "placed") and signs:
            intro = "Met u is afgesproken dat de borden op deze plekken komen (nummers als op de kaart):"
        elif signs:
            intro = ("Wij stellen deze plekken voor (nummers als op de kaart). Een medewerker neemt contact met u "
                     "op om de plekken met u af te spreken; uw wensen nemen wij daarin mee.")
        else:
            intro = ("De plekken van de borden spreken wij met u af: een medewerker neemt daarvoor contact met u op.")
        for k, s in enumerate(signs, start=1):
            street = s.get("street") or "naamloze weg"
            status = " (geplaatst)" if s["status"] == "placed" else ""
            positions.append({"rank": k, "x": s["x"], "y": s["y"], "lat": s["lat"], "lon": s["lon"],
                              "street": street, "sign_id": s["id"],
                              "line": f"{k}. {street}, bord {s['id']} ({s['lat']:.5f}, {s['lon']:.5f}){status}"})
        sections.append(("Waar de borden komen", [intro]))
        sections.append(("Verplaatsen", [
            "De gemeente plaatst de borden in overleg met u, maar behoudt het recht om de borden te verplaatsen "
            "als daar aanleiding toe is, bijvoorbeeld bij werkzaamheden aan de weg of een nieuwe paal. "
            "Wij laten u dat dan weten."]))
    sections.append(("Uw wijkagent", _officer_paragraphs(group["admins"], officer, ward_text, municipality, rid)))
    if outcome in ("approved", "rejected"):
        sections.append(("Bezwaar", [
            "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de dag waarop deze brief is "
            f"verzonden een bezwaarschrift indienen (artikelen 6:7 en 6:8 van de Algemene wet bestuursrecht). "
            f"Stuur uw bezwaarschrift naar: {m.objection_address}.",
            "Vermeld in uw bezwaarschrift uw naam en adres, de datum, het kenmerk van deze brief "
            f"(aanvraag {rid}), waarom u het niet eens bent met het besluit, en onderteken het."]))
    contact = _how_to_reach(m)
    sections.append(("Vragen en uw gegevens", [
        f"Heeft u vragen over deze brief? {contact[0].upper() + contact[1:]} en noem het kenmerk aanvraag {rid}.",
        "Wij bewaren uw naam en contactgegevens als beheerder in ons register zolang uw groep bij ons bekend is. "
        "U kunt ze laten corrigeren of verwijderen via dezelfde weg."]))
    names = [a["name"] for a in group["admins"]]
    closing = ["Met vriendelijke groet,", m.signer, f"namens dezen, {m.afzender}" if m.afzender else ""]
    footer = (f"Voorbeeldbrief met illustratieve gegevens van {m.naam}; geen echte brief van de gemeente."
              if m.illustratief else "")
    return Letter(request_id=rid, outcome=outcome, municipality=m, date=date, subject=subject,
                  recipients=group["admins"], group={"group_id": group["group_id"], "group_name": group["group_name"]},
                  ward=ward, salutation=f"Geachte {_join(names)},", sections=sections, positions=positions,
                  positions_intro=intro, map_png=map_png, closing=[c for c in closing if c], footer=footer)


# ----------------------------------------------------------------- from the register


def _ward_map(store: Store, con, info: dict, roads, policy) -> bytes | None:
    """The map of an approval's ward with its entries (when roads are loaded) and positions."""
    from .letter_map import ward_map_png
    from .placement import in_ward

    code = info["ward"]["code"]
    wards = _frame(con, "SELECT geom, code, name FROM wards ORDER BY fid")
    poly = wards.geometry.values[np.flatnonzero(wards["code"].to_numpy() == code)[0]]
    signs = [s for s in info["signs"] if s["status"] != "removed"]
    positions = [{"rank": k, "x": s["x"], "y": s["y"]} for k, s in enumerate(signs, start=1)]
    others = _frame(con, "SELECT geom FROM signs WHERE status != 'removed' AND (request_id IS NULL OR "
                         "request_id != ?)", (info["request_id"],))
    other_xy = shapely.get_coordinates(others.geometry.values[in_ward(others.geometry.values, poly)]) \
        if len(others) else np.zeros((0, 2))
    entries = None
    if roads is not None:
        from .entries import road_network
        entries = road_network(roads, lifecycle.policy_of(info["decision"]["policy"], policy)).ward_entries(
            wards, code)
    return ward_map_png(poly, positions, entries=entries, roads=roads, other_signs=other_xy)


def letter_for(store: Store, request_id: str, *, municipality: Municipality = DEFAULT, roads=None,
               policy=None) -> Letter:
    """Compose the letter of one decided request from the register (InputError when there is none to write)."""
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
        map_png = _ward_map(store, con, info, roads, policy) if info["outcome"] == "approved" and info["ward"] \
            else None
    return compose_letter(info, group, officer, municipality, map_png)


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
                  municipality: Municipality = DEFAULT, roads=None, policy=None, skip_missing: bool = False):
    """Write the letters of ``request_ids`` to folder ``out`` (all or nothing); ``(paths, letters, skipped)``.

    With ``skip_missing`` (``--all``) a request without a letter to write (its
    group removed or unknown) is skipped with a warning; otherwise it is an error.
    """
    from .letter_render import render_docx, render_pdf

    bad = set(formats) - set(FORMATS)
    if bad or not formats:
        raise InputError(f"onbekend briefformaat {sorted(bad)[0] if bad else '(geen)'!r}; kies uit pdf, docx")
    letters, skipped, files = [], [], {}
    for rid in request_ids:
        try:
            letter = letter_for(store, rid, municipality=municipality, roads=roads, policy=policy)
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


__all__ = ["Letter", "compose_letter", "letter_for", "last_run", "write_letters", "letter_paths", "date_nl",
           "DEFAULT_FOLDER", "FORMATS"]
