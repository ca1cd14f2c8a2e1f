"""Readable outputs of a run: the decision report and the decisions as JSON.

Files are written all or nothing (every file to a temporary name first,
renamed into place only when all are written), so a failed run never leaves
half a report or a mix of old and new maps. The report and the JSON contain no admin names
or contact data: decisions refer to groups by id and name only. Of the maps
(:mod:`planner.maps`), only the internal ``overzicht.html`` shows admins;
``overzicht-openbaar.html`` and the decision maps do not.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import InputError
from .maps import map_pages
from .placement import Decision
from .policy import road_class_nl

from .vocabulary import OUTCOME_NL  # noqa: E402  (one word per outcome, everywhere)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    return write_files_atomic({Path(path): text})[0]


def write_files_atomic(files: dict) -> list[Path]:
    """Write several text files (path -> text) all or nothing; return the paths.

    Every file is first written to a temporary name next to its target;
    only when all of them are written are they renamed into place. On any
    failure the temporary files (and folders made for them) are removed,
    nothing is replaced, and the error is an :class:`InputError` naming the
    path and what to do.
    """
    made_dirs: list[Path] = []
    temps: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, text in files.items():
            path = Path(path)
            _check_target(path)
            made_dirs += _make_folder(path.parent)
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
            except OSError as exc:
                raise _write_error(path, exc) from None
            temps.append((tmp, path))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are for sharing
            except OSError as exc:
                raise _write_error(path, exc) from None
        done = []
        for tmp, path in temps:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _write_error(path, exc) from None
            done.append(path)
        temps = []
        return done
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise InputError(f"{path}: is een map; kies een bestandsnaam voor de uitvoer")
    for part in path.parents:
        if part.exists():
            if not part.is_dir():
                raise InputError(f"{part}: is een bestand, geen map; kies een andere uitvoermap")
            break


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` and missing parents; return the folders made (to undo)."""
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        try:
            part.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(part, exc) from None
    return list(reversed(missing))  # outermost first; undone in reverse


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"{path}: kan niet worden geschreven ({exc.strerror or exc}); kies een andere map of "
                      "bestandsnaam, of controleer de rechten en de vrije ruimte (er is niets geschreven)")


def decision_report(decisions: list[Decision], policy_name: str, policy_description: str) -> str:
    """The decisions as a Dutch Markdown report for staff."""
    lines = [
        "# Besluiten WhatsApp-buurtpreventieborden",
        "",
        f"Beleid: **{policy_name}**. {policy_description}",
        "",
        "| aanvraag | datum | groep | wijk | besluit | reden |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for d in decisions:
        ward = d.ward["name"] if d.ward else "buiten de gemeente"
        lines.append(f"| {d.request_id} | {d.date} | {d.group_id} | {_md(ward)} | "
                     f"{OUTCOME_NL[d.outcome]} | {_md(d.reason)} |")
    for d in decisions:
        if not d.proposals:
            continue
        lines += ["", f"## Voorstel voor aanvraag {d.request_id} ({_md(d.ward['name'])})", ""]
        for p in d.proposals:
            lines.append(f"{p['rank']}. {_md(p.get('road') or 'naamloze weg')} ({road_class_nl(p.get('road_class', ''))}): "
                         f"RD {p['x']:.0f}, {p['y']:.0f}; WGS84 {p['lat']:.6f}, {p['lon']:.6f}")
    lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_outputs(out: Path, inputs, decisions: list[Decision]) -> list[Path]:
    """Write the report and the decisions JSON into ``out``; return the paths."""
    out = Path(out)
    report = decision_report(decisions, inputs.policy.name, inputs.policy.description)
    data = json.dumps([d.to_dict() for d in decisions], ensure_ascii=False, indent=2)
    # maps: the overview (internal and public) and one map per decision
    pages = map_pages(inputs.wards, inputs.signs, decisions, roads=inputs.roads,
                      groups=inputs.groups, policy=inputs.policy)
    return write_files_atomic({out / "rapport.md": report, out / "besluiten.json": data + "\n",
                               **{out / name: html for name, html in pages.items()}})
