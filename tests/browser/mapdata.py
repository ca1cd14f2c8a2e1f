"""Test data for the map tests: the demo data with hostile names, and proposals.

Shared by ``tests/test_maps.py`` and ``tests/test_browser.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from pathlib import Path

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
HOSTILE_ADMIN = {"admin_name": "<script>alert('beheerder')</script> Vijand", "admin_phone": "06-99999999",
                 "admin_email": "vijand@evil.example"}
HOSTILE_WARD = "LM04"     # gets the <img> name; has a pending request (A002)
HOSTILE_GROUP = "G02"     # gets the <script> name and a hostile extra admin
HOSTILE_SIGN = "B001"     # its street gets the <img> string
HOSTILE_ROAD = "Zuideinde"  # this road's name gets the <script> string


def hostile_data(src: Path, dst: Path) -> Path:
    """Copy the demo data to ``dst`` with hostile names in a ward, group, sign and road."""
    shutil.copytree(src, dst)
    wards = json.loads((dst / "wijken.geojson").read_text(encoding="utf-8"))
    for f in wards["features"]:
        if f["properties"]["code"] == HOSTILE_WARD:
            f["properties"]["name"] = IMG
    (dst / "wijken.geojson").write_text(json.dumps(wards), encoding="utf-8")
    signs = json.loads((dst / "borden.geojson").read_text(encoding="utf-8"))
    for f in signs["features"]:
        if f["properties"]["id"] == HOSTILE_SIGN:
            f["properties"]["street"] = IMG
    (dst / "borden.geojson").write_text(json.dumps(signs), encoding="utf-8")
    roads = json.loads((dst / "wegen.geojson").read_text(encoding="utf-8"))
    for f in roads["features"]:
        if f["properties"]["name"] == HOSTILE_ROAD:
            f["properties"]["name"] = SCRIPT
    (dst / "wegen.geojson").write_text(json.dumps(roads), encoding="utf-8")
    with open(dst / "groepen.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["group_id"] == HOSTILE_GROUP:
            row["group_name"] = SCRIPT
    rows.append({**rows[0], "group_id": HOSTILE_GROUP, "group_name": SCRIPT, **HOSTILE_ADMIN})
    with open(dst / "groepen.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return dst


def load(data: Path):
    """Load all demo layers and decide the requests."""
    from planner import geo, placement
    from planner.core.policy import Policy

    wards = geo.load_wards(data / "wijken.geojson")
    signs = geo.load_signs(data / "borden.geojson")
    roads = geo.load_roads(data / "wegen.geojson")
    groups = geo.load_groups(data / "groepen.csv")
    requests = geo.load_requests(data / "aanvragen.csv")
    decisions = placement.decide_requests(requests, wards, signs, groups, Policy(), roads=roads)
    return wards, signs, roads, groups, decisions


def with_proposals(decisions, request_id="A002"):
    """The decisions with two hand-made proposals (issue 3's contract) on ``request_id``."""
    out = []
    for d in decisions:
        if d.request_id == request_id:
            props = [
                {"rank": 1, "x": 123500.0, "y": 493650.0, "lon": 4.92405, "lat": 52.42975,
                 "road": SCRIPT, "road_class": "tertiary", "score": 3.0, "entries": ["LM04-1"],
                 "explanation": f"Dekt de invalsweg {IMG} vanuit het zuiden."},
                {"rank": 2, "x": 124100.0, "y": 494300.0, "lon": 4.93283, "lat": 52.43563,
                 "road": "Oostweg", "road_class": "residential", "score": 2.0, "entries": ["LM04-2"],
                 "explanation": "Dekt de invalsweg Oostweg."},
            ]
            d = dataclasses.replace(d, proposals=props)
        out.append(d)
    return out


def admin_strings(groups_csv: Path) -> list[str]:
    """Every admin name, phone and e-mail in a groups file."""
    with open(groups_csv, encoding="utf-8") as fh:
        return [row[c] for row in csv.DictReader(fh)
                for c in ("admin_name", "admin_phone", "admin_email") if row.get(c)]
