"""Readable outputs of a run: the decision report and the decisions as JSON.

Files are written all or nothing (every file to a temporary name first,
renamed into place only when all are written), so a failed run never leaves
half a report or a mix of old and new maps. The report and the JSON contain no admin names
or contact data: decisions refer to groups by id and name only. Of the maps
(:mod:`planner.render.maps.page`), only the internal ``overzicht.html`` shows admins;
``overzicht-openbaar.html`` and the decision maps do not.
"""

from __future__ import annotations

import json
from pathlib import Path

from planner.core.vocabulary import (
    OUTCOME_NL,
    SHARED_POLE_NL,
    UNNAMED_ROAD,
    road_class_nl,
)
from planner.io.files import write_files_atomic, write_text_atomic  # noqa: F401  (write_text_atomic: re-exported)
from planner.placement import Decision


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
            shared = p.get("shared_pole")
            lines.append(f"{p['rank']}. {_md(p.get('road') or UNNAMED_ROAD)} ({road_class_nl(p.get('road_class', ''))}): "
                         f"RD {p['x']:.0f}, {p['y']:.0f}; WGS84 {p['lat']:.6f}, {p['lon']:.6f}"
                         + (f"; {SHARED_POLE_NL} (paal van bord {_md(shared['sign_id'])})" if shared else ""))
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
    from planner.render.maps.page import map_pages
    pages = map_pages(inputs.wards, inputs.signs, decisions, roads=inputs.roads,
                      groups=inputs.groups, policy=inputs.policy)
    return write_files_atomic({out / "rapport.md": report, out / "besluiten.json": data + "\n",
                               **{out / name: html for name, html in pages.items()}})
