"""Files the planner writes that may hold personal data (internal maps, exports, letters)."""

from __future__ import annotations

from pathlib import Path

INTERNAL_MAP_NAMES = ("overzicht.html",)
INTERNAL_EXPORT_NAMES = ("admins.csv", "admins.geojson")
LETTER_FOLDER = "brieven"  # planner brief: letters to the admins (names, e-mail addresses)


def internal_outputs(folder: Path) -> list[Path]:
    """Internal maps and exports in the default folders under ``folder`` that may hold admins' data.

    The default folders are ``maps/`` (``planner map``, ``planner demo``) and
    ``export/`` (``planner export``); internal exports in other folders
    directly under ``folder`` are found by their ``admins`` file too.
    """
    found = [folder / "maps" / n for n in INTERNAL_MAP_NAMES]
    try:
        subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        subfolders = []
    for sub in [folder / "export"] + [p for p in subfolders if p.name != "export"]:
        found += [sub / n for n in INTERNAL_EXPORT_NAMES]
    try:  # letters (planner brief) in brieven/ and its subfolders
        found += sorted(p for p in (folder / LETTER_FOLDER).rglob("brief-*") if p.suffix in (".pdf", ".docx"))
    except OSError:
        pass
    out = []
    for p in found:
        try:
            if p.is_file():
                out.append(p.relative_to(folder) if p.is_relative_to(folder) else p)
        except OSError:
            continue
    return out
