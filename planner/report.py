"""Readable outputs of a run: the decision report and the decisions as JSON.

Files are written atomically (temporary file, then rename), so a failed run
never leaves half a report. The report and the JSON contain no admin names
or contact data: decisions refer to groups by id and name only. Of the maps
(:mod:`planner.maps`), only the internal ``overzicht.html`` shows admins;
``overzicht-openbaar.html`` and the decision maps do not.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .maps import map_pages
from .placement import Decision
from .policy import road_class_nl

OUTCOME_NL = {"approved": "toegekend", "rejected": "afgewezen", "needs_review": "beoordelen"}


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
    return [
        write_text_atomic(out / "rapport.md", report),
        write_text_atomic(out / "besluiten.json", data + "\n"),
    ] + [write_text_atomic(out / name, html) for name, html in pages.items()]
