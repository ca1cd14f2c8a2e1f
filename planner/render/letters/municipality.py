"""The municipality's own details for letters: a small TOML file (``gemeente.toml``).

::

    [gemeente]
    naam = "Gemeente Landsmeer"
    afzender = "Team Veiligheid"
    adres = "Raadhuisplein 1"
    postcode_plaats = "1121 AB Landsmeer"
    telefoon = "020-4877111"
    email = "veiligheid@landsmeer.nl"
    website = "www.landsmeer.nl"
    ondertekening = "Het college van burgemeester en wethouders van Landsmeer"
    ondertekenaar = "J. de Vries"
    ondertekenaar_functie = "teamleider Veiligheid"
    plaats = "Landsmeer"
    bezwaar_adres = "Het college van burgemeester en wethouders, Postbus 2, 1120 AA Landsmeer"
    illustratief = false

``ondertekenaar`` and ``ondertekenaar_functie`` sign the letter on behalf of
the college (*namens dezen*); ``plaats`` goes before the date ("Landsmeer,
7 december 2026"; default: the place of ``postcode_plaats``, else ``naam``
without "Gemeente").

Without a file (``--config``, else ``gemeente.toml`` in the current folder)
the planner uses :data:`DEFAULT`: Landsmeer demo details, **illustrative**
(the letter then says so at its foot).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from planner.core.text import check_name
from planner.errors import InputError

DEFAULT_FILE = "gemeente.toml"


@dataclass(frozen=True)
class Municipality:
    """Sender of the letters. ``illustratief``: demo details, marked as such in every letter."""

    naam: str
    afzender: str = "Team Veiligheid"
    adres: str = ""
    postcode_plaats: str = ""
    telefoon: str = ""
    email: str = ""
    website: str = ""
    ondertekening: str = ""
    ondertekenaar: str = ""
    ondertekenaar_functie: str = ""
    plaats: str = ""
    bezwaar_adres: str = ""
    illustratief: bool = False

    @property
    def signer(self) -> str:
        return self.ondertekening or f"Het college van burgemeester en wethouders van {self.naam}"

    @property
    def place(self) -> str:
        """The place before the date: ``plaats``, else that of ``postcode_plaats``, else the name of the gemeente."""
        if self.plaats:
            return self.plaats
        words = self.postcode_plaats.split()
        if len(words) >= 3 and words[0].isdigit() and len(words[1]) == 2:  # 1120 AA Landsmeer
            return " ".join(words[2:])
        if words and not words[0].isdigit():
            return self.postcode_plaats.strip()
        return self.naam.removeprefix("Gemeente ").removeprefix("gemeente ").strip()

    @property
    def objection_address(self) -> str:
        return self.bezwaar_adres or ", ".join(v for v in (self.signer, self.adres, self.postcode_plaats) if v)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Illustrative demo details for Landsmeer (the phone number is the municipality's public one,
# from its web page; the rest is made up). Every letter made with them says so.
DEFAULT = Municipality(
    naam="Gemeente Landsmeer", afzender="Team Veiligheid", adres="Postbus 2 (voorbeeld)",
    postcode_plaats="1120 AA Landsmeer", telefoon="020-4877111", email="veiligheid@example.org",
    website="www.landsmeer.nl", ondertekening="Het college van burgemeester en wethouders van Landsmeer",
    ondertekenaar="J. Voorbeeld", ondertekenaar_functie="teamleider Veiligheid (voorbeeld)",
    bezwaar_adres="", illustratief=True,
)


def load_config(path=None) -> Municipality:
    """The municipality from ``path`` (a TOML file), else ``./gemeente.toml``, else :data:`DEFAULT`."""
    if path is not None:
        if not str(path).strip():
            raise InputError("⟨config⟩: leeg pad; geef een TOML-bestand, bijv. ⟨config⟩ gemeente.toml")
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: " + ("is geen bestand" if path.exists() else "bestand bestaat niet")
                             + "; geef het configuratiebestand van de gemeente (zie README: Brieven)")
    else:
        path = Path.cwd() / DEFAULT_FILE
        if not path.is_file():
            return DEFAULT
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: niet leesbaar ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geen geldig TOML ({exc})") from None
    return from_dict(data, str(path))


def from_dict(data: dict, source: str = "configuratie") -> Municipality:
    """Check the ``[gemeente]`` table: known keys, text values, a name; booleans for ``illustratief``."""
    table = data.get("gemeente")
    unknown = sorted(set(data) - {"gemeente"})
    if unknown or not isinstance(table, dict):
        raise InputError(f"{source}: verwacht één tabel [gemeente] met naam, afzender, adres, ... "
                         + (f"(onbekend: {', '.join(unknown)})" if unknown else "(ontbreekt)"))
    known = {f.name for f in fields(Municipality)}
    extra = sorted(set(table) - known)
    if extra:
        raise InputError(f"{source}: onbekende sleutel(s) in [gemeente]: {', '.join(extra)} "
                         f"(wel: {', '.join(sorted(known))})")
    values = {}
    for key, value in table.items():
        if key == "illustratief":
            if not isinstance(value, bool):
                raise InputError(f"{source}: gemeente.illustratief moet true of false zijn")
            values[key] = value
            continue
        if not isinstance(value, str):
            raise InputError(f"{source}: gemeente.{key} moet tekst zijn (tussen aanhalingstekens)")
        values[key] = check_name(value, f"{source}: gemeente.{key}")
    if not values.get("naam"):
        raise InputError(f"{source}: gemeente.naam ontbreekt (bijv. naam = \"Gemeente Landsmeer\")")
    return Municipality(**values)


__all__ = ["Municipality", "DEFAULT", "DEFAULT_FILE", "load_config", "from_dict"]
