"""The content of a decision letter, composed from plain data (no register, no files).

:func:`compose_letter` turns a request's information (as :func:`planner.app.lifecycle.request_info`
gives it), its group, the ward's wijkagent and the sender into a :class:`Letter`;
:mod:`planner.render.letters.render` writes it as PDF or DOCX.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from planner.core.vocabulary import SHARED_POLE_NL, UNNAMED_ROAD, date_nl
from planner.render.letters.municipality import Municipality
from planner.render.letters.positions import position_sentence
from planner.settings import today

log = logging.getLogger("planner")


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

    @property
    def date_line(self) -> str:
        """The one date style of every letter: ``Landsmeer, 7 december 2026``."""
        place = self.municipality.place
        return f"{place}, {date_nl(self.date)}" if place else date_nl(self.date)

    def text(self) -> str:
        """The letter as plain text (what the PDF and DOCX say)."""
        parts = [self.municipality.naam, self.date_line, self.subject, self.salutation]
        for heading, paragraphs in self.sections:
            parts += ([heading] if heading else []) + paragraphs
        parts += [p["line"] for p in self.positions] + self.closing
        return "\n".join(parts)


def join_nl(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def how_to_reach(m: Municipality) -> str:
    """How an admin reaches the municipality: ``bel ... of mail naar ...``."""
    return " of ".join(v for v in (f"bel {m.telefoon}" if m.telefoon else "",
                                   f"mail naar {m.email}" if m.email else "") if v) or "neem contact met ons op"


def officer_paragraphs(admins: list[dict], officer: dict | None, ward_text: str, m: Municipality,
                       rid: str) -> list[str]:
    """The wijkagent section: only the admins who agreed (``wijkagent``) are introduced; the others read
    how to ask for it. Every admin reads the 112 line."""
    yes = [a["name"] for a in admins if a.get("wijkagent")]
    no = [a["name"] for a in admins if not a.get("wijkagent")]
    out = []
    if officer is None:
        out.append(f"De wijkagent van {ward_text} is nog niet bij ons bekend."
                   + (f" Zodra dat zo is, brengen wij {join_nl(yes)} met de wijkagent in contact, zoals gevraagd."
                      if yes else "") + " U kunt de politie ook bereiken via 0900-8844.")
    elif yes:
        contact = join_nl([v for v in (officer.get("phone"), officer.get("email")) if v])
        out.append(f"Met uw toestemming brengen wij {join_nl(yes)} in contact met de wijkagent van {ward_text}: "
                   f"{officer['name']}, bereikbaar via {contact} (werkcontact van de politie). De wijkagent weet "
                   "van uw WhatsApp-groep en is uw aanspreekpunt voor de politie in de wijk.")
    if no:
        who = "U heeft" if not yes else f"{join_nl(no)} {'heeft' if len(no) == 1 else 'hebben'}"
        how = how_to_reach(m)
        out.append("Wij brengen beheerders alleen met hun toestemming in contact met de wijkagent en geven hun "
                   f"gegevens niet zonder die toestemming aan de politie. {who} daar (nog) niet om gevraagd. "
                   f"Wilt u wel in contact komen met de wijkagent? {how[0].upper() + how[1:]} en noem het kenmerk "
                   f"aanvraag {rid}; dan leggen wij het contact.")
    out.append("Ziet u een verdachte situatie die nu gebeurt? Bel dan altijd eerst 112.")
    return out


def approval_positions(info: dict, descriptions: list[dict] | None) -> tuple[list[dict], str]:
    """The positions of an approval as the letter lists them (its signs that are not removed, each in
    words, a shared pole said so), and the sentence before them (proposed, or agreed with the admin)."""
    signs = [s for s in info["signs"] if s["status"] != "removed"]
    if info["state"] in ("agreed", "placed") and signs:
        intro = "Met u is afgesproken dat de borden op deze plekken komen (nummers als op de kaart):"
    elif signs:
        intro = ("Wij stellen deze plekken voor (nummers als op de kaart). Een medewerker neemt contact met u "
                 "op om de plekken met u af te spreken; uw wensen nemen wij daarin mee.")
    else:
        intro = "De plekken van de borden spreken wij met u af: een medewerker neemt daarvoor contact met u op."
    described = descriptions or [{"street": s.get("street") or "", "where": "", "side": "", "address": ""}
                                 for s in signs]
    shared = {p["sign_id"] for p in info.get("proposals", [])
              if "gedeelde paal" in (p.get("explanation") or "").lower()}
    positions = []
    for k, (s, d) in enumerate(zip(signs, described), start=1):
        d = {**d, "street": d.get("street") or s.get("street") or ""}
        status = " Dit bord is al geplaatst." if s["status"] == "placed" else ""
        if s["id"] in shared:
            status += f" Dit bord komt aan een {SHARED_POLE_NL} (de paal van de buurwijk)."
        where = position_sentence(d)
        positions.append({"rank": k, "x": s["x"], "y": s["y"], "lat": s["lat"], "lon": s["lon"],
                          "street": d["street"] or UNNAMED_ROAD, "sign_id": s["id"], "where": where,
                          "line": f"{k}. {where}. Bord {s['id']}, coördinaten {s['lat']:.5f}, "
                                  f"{s['lon']:.5f}.{status}"})
    return positions, intro


def compose_letter(info: dict, group: dict, officer: dict | None, municipality: Municipality,
                   map_png: bytes | None = None, *, date: str | None = None,
                   descriptions: list[dict] | None = None) -> Letter:
    """The letter for one decided request.

    ``info`` is :func:`planner.lifecycle.request_info`; ``group`` is
    :func:`planner.register.show_group` (its admins are the recipients);
    ``officer`` the ward's wijkagent (``name``, ``phone``, ``email``) or None;
    ``descriptions`` the positions in words
    (:func:`planner.render.letters.positions.describe_positions`, one per sign that is
    not removed, in order), else only their streets are known.
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
        positions, intro = approval_positions(info, descriptions)
        sections.append(("Waar de borden komen", [intro]))
        sections.append(("Verplaatsen", [
            "De gemeente plaatst de borden in overleg met u, maar behoudt het recht om de borden te verplaatsen "
            "als daar aanleiding toe is, bijvoorbeeld bij werkzaamheden aan de weg of een nieuwe paal. "
            "Wij laten u dat dan weten."]))
    sections.append(("Uw wijkagent", officer_paragraphs(group["admins"], officer, ward_text, m, rid)))
    if outcome in ("approved", "rejected"):
        sections.append(("Bezwaar", [
            "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de dag waarop deze brief is "
            f"verzonden een bezwaarschrift indienen (artikelen 6:7 en 6:8 van de Algemene wet bestuursrecht). "
            f"Stuur uw bezwaarschrift naar: {m.objection_address}.",
            "Vermeld in uw bezwaarschrift uw naam en adres, de datum, het kenmerk van deze brief "
            f"(aanvraag {rid}), waarom u het niet eens bent met het besluit, en onderteken het."]))
    contact = how_to_reach(m)
    sections.append(("Vragen en uw gegevens", [
        f"Heeft u vragen over deze brief? {contact[0].upper() + contact[1:]} en noem het kenmerk aanvraag {rid}.",
        "Wij bewaren uw naam en contactgegevens als beheerder in ons register zolang uw groep bij ons bekend is. "
        "U kunt ze laten corrigeren of verwijderen via dezelfde weg."]))
    names = [a["name"] for a in group["admins"]]
    if m.ondertekenaar:  # mandate: the college signs, a named official on its behalf
        closing = ["Met vriendelijke groet,", f"{m.signer},", "namens dezen,", m.ondertekenaar,
                   m.ondertekenaar_functie]
    else:
        log.warning("%s: geen ondertekenaar in de configuratie (ondertekenaar en ondertekenaar_functie in "
                    "gemeente.toml); de brief wordt ondertekend namens %s", m.naam, m.afzender or m.signer)
        closing = ["Met vriendelijke groet,", f"{m.signer},", f"namens dezen, {m.afzender}" if m.afzender else ""]
    footer = (f"Voorbeeldbrief met illustratieve gegevens van {m.naam}; geen echte brief van de gemeente."
              if m.illustratief else "")
    return Letter(request_id=rid, outcome=outcome, municipality=m, date=date, subject=subject,
                  recipients=group["admins"], group={"group_id": group["group_id"], "group_name": group["group_name"]},
                  ward=ward, salutation=f"Geachte {join_nl(names)},", sections=sections, positions=positions,
                  positions_intro=intro, map_png=map_png, closing=[c for c in closing if c], footer=footer)
