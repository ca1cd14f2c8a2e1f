"""Validation of the register's people: group admins and community officers.

Admin names, phone numbers and e-mail addresses are personal data (AVG).
They are checked here before anything is written, and stored only in the
``admins`` (and ``officers``) tables of the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from planner import settings
from planner.core.coords import event_date
from planner.core.text import check_id, check_name  # noqa: F401  (check_id: re-exported, used by the register)
from planner.errors import InputError, clip, shorten
from planner.settings import MAX_NAME_LENGTH

MAX_ADMINS = 3
_PHONE_STRIP = re.compile(r"[\s\-().]")
# 0 + 9 digits (06-12345678, 020-4877111), +31 / 0031 + 9 digits, or a service number.
_PHONE = re.compile(r"^(?:(?:\+31|0031|0)[1-9]\d{8}|0[89]0[069]\d{4,7})$")  # incl. 0800/0900 (0900-8844)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Contact:
    """A person with at least one way to reach them."""

    name: str
    phone: str = ""
    email: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "phone": self.phone, "email": self.email}


def check_phone(phone: str, who: str = "beheerder") -> str:
    """A Dutch phone number as given (trimmed), or InputError when malformed."""
    phone = check_name(phone, f"{who}: telefoonnummer", 40)
    if not phone:
        return ""
    digits = _PHONE_STRIP.sub("", phone.replace("(0)", ""))
    if not _PHONE.match(digits):
        raise InputError(f"{who}: ongeldig telefoonnummer {shorten(phone)}; gebruik bijv. 06-12345678, "
                         "020-4877111 of +31612345678")
    return phone


def check_email(email: str, who: str = "beheerder") -> str:
    """An e-mail address as given (trimmed), or InputError when malformed."""
    email = check_name(email, f"{who}: e-mailadres", 254)
    if email and not _EMAIL.match(email):
        raise InputError(f"{who}: ongeldig e-mailadres {shorten(email)}")
    return email


def contact(name: str, phone: str = "", email: str = "", *, who: str = "beheerder") -> Contact:
    """A validated contact: a name and at least one valid phone number or e-mail."""
    name = check_name(name, f"naam van {who}", MAX_NAME_LENGTH)
    if not name:
        raise InputError(f"{who} zonder naam")
    label = f"{who} {clip(name, 80)}"
    phone, email = check_phone(phone, label), check_email(email, label)
    if not phone and not email:
        raise InputError(f"{label} heeft geen contactgegevens; geef een telefoonnummer of e-mailadres")
    return Contact(name, phone, email)


def parse_admin(spec: str) -> Contact:
    """Parse ``"NAAM;TELEFOON;EMAIL"`` (phone or e-mail may be empty)."""
    parts = [p.strip() for p in (spec or "").split(";")]
    if len(parts) > 3:
        raise InputError(f"⟨admin⟩ {shorten(spec)}: verwacht 'NAAM;TELEFOON;EMAIL'")
    parts += [""] * (3 - len(parts))
    # Allow the e-mail in the phone slot ("Naam;naam@example.org").
    if "@" in parts[1] and not parts[2]:
        parts[1], parts[2] = "", parts[1]
    return contact(*parts)


def check_admin_count(group_id: str, n: int) -> None:
    """A group has 1 to 3 admins."""
    if n < 1:
        raise InputError(f"groep {group_id}: minstens één beheerder nodig")
    if n > MAX_ADMINS:
        raise InputError(f"groep {group_id}: hoogstens {MAX_ADMINS} beheerders toegestaan (kreeg {n})")


def validate_groups(groups: pd.DataFrame, source: str = "groepen") -> pd.DataFrame:
    """Check every admin row of a groups table (from :func:`planner.geo.load_groups`).

    Returns the table unchanged; raises InputError naming the first bad row.
    """
    for row in groups.itertuples(index=False):
        try:
            check_id(row.group_id, "groep-id")
            contact(row.admin_name, row.admin_phone, row.admin_email)
        except InputError as exc:
            raise InputError(f"{source}: groep {clip(row.group_id, 60)}: {exc}") from None
    for gid, n in groups.groupby("group_id").size().items():
        check_admin_count(gid, int(n))
    return groups


# ----------------------------------------------------------------- operations on a store


def _now():
    return settings.now()


def _reason(reason: str | None, *, required: bool, what: str) -> str:
    from planner.core.text import check_text
    reason = check_text(reason or "", "⟨reason⟩")
    if required and not reason:
        raise InputError(f"{what} vraagt een reden (⟨reason⟩)")
    return reason


def _group_event(con, group_id: str, event: str, *, date: str, reason: str = "", detail: str = "") -> None:
    """Append a change to the history of a group (``group_events``). ``detail`` never holds personal data."""
    con.execute("INSERT INTO group_events (group_id, event, at, event_date, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
                (group_id, event, _now(), date, reason, detail))


def _erased(con, table: str) -> None:
    """Personal data left ``table``: on PostgreSQL the table is vacuumed after the commit (sqlite:
    ``secure_delete`` already overwrote the bytes)."""
    if hasattr(con, "vacuum"):
        con.vacuum.add(table)


def _consent_nl(yes) -> str:
    return "ja" if yes else "nee"


def add_group(store, group_id: str, name: str, admins: list[Contact], *, registered: bool = False,
              ward_code: str | None = None, reason: str = "", date: str | None = None,
              consent: list[bool] | None = None) -> dict:
    """Add a group with 1-3 admins in one transaction.

    ``consent``: per admin, whether they want to be introduced to the wijkagent (default: no one);
    the group's history records how many did, on ``date``, never who.

    The id of a removed group may be used again: the group is added anew
    (``readded`` in its history); its earlier requests, decisions and signs
    stay under the id. An active group with the id is refused.
    """
    group_id = check_id(group_id, "groep-id")
    name = check_name(name, f"naam van groep {group_id}")
    if not name:
        raise InputError(f"groep {group_id}: naam ontbreekt")
    check_admin_count(group_id, len(admins))
    consent = [bool(c) for c in (consent or [False] * len(admins))]
    if len(consent) != len(admins):
        raise InputError(f"groep {group_id}: geef ⟨wijkagent⟩ één keer (voor alle beheerders) of één keer per "
                         f"⟨admin⟩ ({len(admins)}), niet {len(consent)} keer")
    said = f"; wijkagent: {sum(consent)} van {len(admins)} beheerder(s) ja"
    reason, date = _reason(reason, required=False, what="toevoegen"), event_date(date)
    with store.transaction() as con:
        if ward_code:
            store.ward_row(con, ward_code)
        row = con.execute("SELECT removed_on FROM groups WHERE group_id = ?", (group_id,)).fetchone()
        if row is not None and row[0] is None:
            raise InputError(f"groep {group_id} bestaat al (wijzig haar met 'planner group set')")
        if row is None:
            con.execute("INSERT INTO groups (group_id, group_name, wabp_registered, ward_code, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", (group_id, name, int(registered), ward_code, _now()))
            _group_event(con, group_id, "added", date=date, reason=reason,
                         detail=f"{len(admins)} beheerder(s); WABP: {'ja' if registered else 'nee'}{said}")
        else:
            con.execute("UPDATE groups SET group_name = ?, wabp_registered = ?, ward_code = ?, removed_on = NULL "
                        "WHERE group_id = ?", (name, int(registered), ward_code, group_id))
            _group_event(con, group_id, "readded", date=date, reason=reason,
                         detail=f"id opnieuw in gebruik (verwijderd op {row[0][:10]}); {len(admins)} beheerder(s); "
                                f"WABP: {'ja' if registered else 'nee'}{said}")
        con.executemany("INSERT INTO admins (group_id, name, phone, email, officer_consent) VALUES (?, ?, ?, ?, ?)",
                        [(group_id, a.name, a.phone, a.email, int(c)) for a, c in zip(admins, consent)])
    return show_group(store, group_id)


def add_admin(store, group_id: str, admin: Contact, *, reason: str = "", date: str | None = None,
              consent: bool = False) -> dict:
    """Add one admin to an existing group (at most 3 in all); ``consent``: introduce them to the wijkagent."""
    reason, date = _reason(reason, required=False, what="beheerder toevoegen"), event_date(date)
    with store.transaction() as con:
        active_group(con, group_id)
        n = con.execute("SELECT count(*) FROM admins WHERE group_id = ?", (group_id,)).fetchone()[0]
        check_admin_count(group_id, n + 1)
        con.execute("INSERT INTO admins (group_id, name, phone, email, officer_consent) VALUES (?, ?, ?, ?, ?)",
                    (group_id, admin.name, admin.phone, admin.email, int(bool(consent))))
        _group_event(con, group_id, "admin_added", date=date, reason=reason,
                     detail=f"beheerder {n + 1}; wijkagent: {_consent_nl(consent)}")
    return show_group(store, group_id)


def set_group(store, group_id: str, *, name: str | None = None, registered: bool | None = None,
              ward_code: str | None = None, reason: str, date: str | None = None) -> dict:
    """Change a group's name, WABP registration and/or ward (with a reason; recorded in its history)."""
    group_id = check_id(group_id, "groep-id")
    reason, date = _reason(reason, required=True, what="een groep wijzigen"), event_date(date)
    if name is not None:
        name = check_name(name, f"naam van groep {group_id}")
        if not name:
            raise InputError(f"groep {group_id}: naam mag niet leeg zijn")
    if name is None and registered is None and ward_code is None:
        raise InputError("niets te wijzigen; geef ⟨name⟩, ⟨wabp⟩/⟨no_wabp⟩ of ⟨ward⟩")
    with store.transaction() as con:
        old_name, old_registered, old_ward, _ = active_group(con, group_id)
        changes = []
        if name is not None and name != old_name:
            changes.append(f"naam: {old_name} -> {name}")
        if registered is not None and bool(registered) != bool(old_registered):
            changes.append(f"WABP: {'ja' if old_registered else 'nee'} -> {'ja' if registered else 'nee'}")
        if ward_code is not None:
            store.ward_row(con, ward_code)
            if ward_code != old_ward:
                changes.append(f"wijk: {old_ward or '-'} -> {ward_code}")
        if not changes:
            raise InputError(f"groep {group_id} heeft deze gegevens al; er is niets gewijzigd")
        con.execute("UPDATE groups SET group_name = ?, wabp_registered = ?, ward_code = ? WHERE group_id = ?",
                    (old_name if name is None else name,
                     int(old_registered if registered is None else registered),
                     old_ward if ward_code is None else ward_code, group_id))
        _group_event(con, group_id, "changed", date=date, reason=reason, detail="; ".join(changes))
    return show_group(store, group_id)


def _admin_row(con, group_id: str, who) -> tuple[int, int, int]:
    """``(fid, number, count)`` of one admin of an active group: ``who`` is the number in
    ``planner group show`` (1, 2, 3) or the admin's exact name."""
    active_group(con, group_id)
    rows = con.execute("SELECT fid, name FROM admins WHERE group_id = ? ORDER BY fid", (group_id,)).fetchall()
    text = str(who).strip()
    if text.isdigit():
        k = int(text)
        if not 1 <= k <= len(rows):
            raise InputError(f"groep {group_id} heeft geen beheerder {k} (wel 1 t/m {len(rows)}; zie "
                             f"'planner group show {group_id}')")
        return rows[k - 1][0], k, len(rows)
    hits = [(fid, k) for k, (fid, name) in enumerate(rows, start=1) if name.casefold() == text.casefold()]
    if len(hits) != 1:
        raise InputError(f"groep {group_id}: " + ("geen beheerder met deze naam" if not hits else
                                                  "meerdere beheerders met deze naam")
                         + f"; geef het nummer uit 'planner group show {group_id}'")
    return hits[0][0], hits[0][1], len(rows)


def set_admin(store, group_id: str, who, *, name: str | None = None, phone: str | None = None,
              email: str | None = None, reason: str, date: str | None = None, consent: bool | None = None) -> dict:
    """Correct one admin's name, phone and/or e-mail (AVG right to rectification), and/or record their
    consent to be introduced to the wijkagent (``consent``).

    The old values are overwritten with ``secure_delete`` (they leave the
    file); the history records which fields changed, never their values
    (the consent: yes or no, on ``date``).
    """
    group_id = check_id(group_id, "groep-id")
    reason, date = _reason(reason, required=True, what="een beheerder wijzigen"), event_date(date)
    if name is None and phone is None and email is None and consent is None:
        raise InputError("niets te wijzigen; geef ⟨name⟩, ⟨phone⟩, ⟨email⟩ en/of ⟨wijkagent⟩")
    with store.transaction() as con:
        fid, k, _ = _admin_row(con, group_id, who)
        *row, old_consent = con.execute("SELECT name, phone, email, officer_consent FROM admins WHERE fid = ?",
                                        (fid,)).fetchone()
        old = Contact(*row)
        new = contact(old.name if name is None else name, old.phone if phone is None else phone,
                      old.email if email is None else email)
        fields = [nl for key, nl in (("name", "naam"), ("phone", "telefoon"), ("email", "e-mail"))
                  if getattr(new, key) != getattr(old, key)]
        consent_changed = consent is not None and bool(consent) != bool(old_consent)
        if not fields and not consent_changed:
            raise InputError(f"beheerder {k} van groep {group_id} heeft deze gegevens al; er is niets gewijzigd")
        said = []
        if fields:
            con.execute("UPDATE admins SET name = ?, phone = ?, email = ? WHERE fid = ?",
                        (new.name, new.phone, new.email, fid))
            _erased(con, "admins")
            said.append(f"{', '.join(fields)} gewijzigd")
        if consent_changed:
            con.execute("UPDATE admins SET officer_consent = ? WHERE fid = ?", (int(bool(consent)), fid))
            said.append(f"toestemming voor contact met de wijkagent: {_consent_nl(consent)}")
        _group_event(con, group_id, "admin_changed", date=date, reason=reason,
                     detail=f"beheerder {k}: {'; '.join(said)}")
    return show_group(store, group_id)


def remove_admin(store, group_id: str, who, *, reason: str, date: str | None = None) -> dict:
    """Erase one admin (AVG right to erasure) with ``secure_delete``; never the last admin of a group.

    The history records that admin N was removed, and why; not who.
    """
    group_id = check_id(group_id, "groep-id")
    reason, date = _reason(reason, required=True, what="een beheerder verwijderen"), event_date(date)
    with store.transaction() as con:
        fid, k, n = _admin_row(con, group_id, who)
        if n <= 1:
            raise InputError(f"beheerder {k} is de laatste beheerder van groep {group_id}; een groep houdt minstens "
                             f"één beheerder: voeg eerst een andere toe ('planner group add-admin {group_id}') of "
                             f"verwijder de hele groep ('planner group remove {group_id}')")
        con.execute("DELETE FROM admins WHERE fid = ?", (fid,))
        _erased(con, "admins")
        _group_event(con, group_id, "admin_removed", date=date, reason=reason,
                     detail=f"beheerder {k} verwijderd (gegevens gewist)")
    return {**show_group(store, group_id), "admin_removed": k}


def group_history(store, group_id: str) -> list[dict]:
    """Every recorded change of a group (also of a removed one), oldest first; no personal data."""
    group_id = check_id(group_id, "groep-id")
    with store.reading() as con:
        if not con.execute("SELECT 1 FROM groups WHERE group_id = ?", (group_id,)).fetchone():
            raise InputError(f"onbekende groep {group_id!r}")
        rows = con.execute("SELECT event, event_date, at, reason, detail FROM group_events WHERE group_id = ? "
                           "ORDER BY fid", (group_id,)).fetchall()
    return [{"event": e, "event_date": d, "at": a, "reason": r, "detail": t} for e, d, a, r, t in rows]


def active_group(con, group_id: str):
    """``(name, wabp_registered, ward_code, removed_on)`` of an active group (inside ``con``); InputError otherwise."""
    row = con.execute("SELECT group_name, wabp_registered, ward_code, removed_on FROM groups WHERE group_id = ?",
                      (group_id,)).fetchone()
    if row is None or row[3] is not None:
        raise InputError(f"onbekende groep {group_id!r}")
    return row




def list_groups(store) -> list[dict]:
    """Every active group with its number of admins and its wards (no personal data).

    ``wards`` are the ward it was added with and the wards of its requests,
    as in :func:`show_group`.
    """
    with store.reading() as con:
        rows = con.execute(
            "SELECT g.group_id, g.group_name, g.wabp_registered, g.ward_code, count(a.fid) FROM groups g "
            "LEFT JOIN admins a USING (group_id) WHERE g.removed_on IS NULL GROUP BY g.group_id, g.group_name, "
            "g.wabp_registered, g.ward_code ORDER BY g.group_id").fetchall()
        wards: dict[str, set] = {}
        for gid, code in con.execute("SELECT group_id, ward_code FROM requests WHERE ward_code IS NOT NULL"):
            wards.setdefault(gid, set()).add(code)
    return [{"group_id": r[0], "group_name": r[1], "wabp_registered": bool(r[2]), "ward_code": r[3],
             "wards": sorted(wards.get(r[0], set()) | ({r[3]} if r[3] else set())), "admins": r[4]}
            for r in rows]


def show_group(store, group_id: str) -> dict:
    """One group with its admins' contact data (internal use only)."""
    with store.reading() as con:
        name, registered, ward, _ = active_group(con, group_id)
        admins = [{"nr": k, **Contact(*r[:3]).to_dict(), "wijkagent": bool(r[3])} for k, r in enumerate(con.execute(
            "SELECT name, phone, email, officer_consent FROM admins WHERE group_id = ? ORDER BY fid", (group_id,)),
            start=1)]
        wards = sorted({r[0] for r in con.execute(
            "SELECT ward_code FROM requests WHERE group_id = ? AND ward_code IS NOT NULL", (group_id,))}
            | ({ward} if ward else set()))
    return {"group_id": group_id, "group_name": name, "wabp_registered": bool(registered),
            "ward_code": ward, "wards": wards, "admins": admins}


def remove_group(store, group_id: str, *, reason: str = "", date: str | None = None) -> dict:
    """Erase a group's admins (AVG right to erasure); requests, decisions and history stay.

    The group row keeps only its id and name, marked removed. ``secure_delete``
    overwrites the deleted rows, so the names leave the file as well. The id
    may be used again later (:func:`add_group`).
    """
    reason, date = _reason(reason, required=False, what="een groep verwijderen"), event_date(date)
    with store.transaction() as con:
        active_group(con, group_id)
        n = con.execute("DELETE FROM admins WHERE group_id = ?", (group_id,)).rowcount
        _erased(con, "admins")
        con.execute("UPDATE groups SET removed_on = ? WHERE group_id = ?", (_now(), group_id))
        _group_event(con, group_id, "removed", date=date, reason=reason,
                     detail=f"{n} beheerder(s) gewist")
    return {"group_id": group_id, "admins_removed": n}


def set_officer(store, ward_code: str, officer: Contact) -> dict:
    """Set (or replace) the wijkagent of a ward."""
    with store.transaction() as con:
        store.ward_row(con, ward_code)
        con.execute("INSERT INTO officers (ward_code, name, phone, email, updated_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (ward_code) DO UPDATE SET name=excluded.name, phone=excluded.phone, "
                    "email=excluded.email, updated_at=excluded.updated_at",
                    (ward_code, officer.name, officer.phone, officer.email, _now()))
    return {"ward_code": ward_code, "officer": officer.to_dict()}


def contacts(store, ward_code: str) -> dict:
    """The admins of the groups active in a ward who agreed to be introduced to the wijkagent, and the
    ward's wijkagent, side by side; per group, how many admins did not agree (never who).

    A group is active in a ward when it was added with that ward or has a
    request located in it.
    """
    with store.reading() as con:
        _, ward_name = store.ward_row(con, ward_code)
        officer = con.execute("SELECT name, phone, email FROM officers WHERE ward_code = ?",
                              (ward_code,)).fetchone()
        gids = [r[0] for r in con.execute(
            "SELECT group_id FROM groups WHERE removed_on IS NULL AND (ward_code = ? OR group_id IN "
            "(SELECT group_id FROM requests WHERE ward_code = ?)) ORDER BY group_id", (ward_code, ward_code))]
    groups = [show_group(store, gid) for gid in gids]
    return {"ward_code": ward_code, "ward_name": ward_name,
            "officer": Contact(*officer).to_dict() if officer else None,
            "groups": [{"group_id": g["group_id"], "group_name": g["group_name"],
                        "admins": [a for a in g["admins"] if a["wijkagent"]],
                        "without_consent": sum(not a["wijkagent"] for a in g["admins"])} for g in groups]}
