"""Relocation: the sign moves within its ward (old entry first), or nothing moves."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from test_entries import SQUARE, X0, Y0, square, wards
from test_proposals import CROSSROADS, cli, lonlat  # noqa: F401  (cli is a fixture)

from planner.core.policy import Policy
from planner.errors import InputError
from planner.siting.relocation import relocate_sign

POLICY = Policy()
WARDS = wards(("A", SQUARE), ("B", square(3000, 0, 4000, 1000)))


def signs(*specs):
    """specs: (id, x, y) in local metres."""
    return gpd.GeoDataFrame({"id": [s[0] for s in specs], "status": "placed"},
                            geometry=[shapely.Point(X0 + x, Y0 + y) for _, x, y in specs], crs="EPSG:28992")


def test_relocation_prefers_the_old_entry():
    moved = relocate_sign("S1", signs(("S1", 15, 500)), WARDS, CROSSROADS, POLICY, "boom in het zicht",
                          date="2026-10-01")
    assert moved.moved and moved.ward["code"] == "A"
    assert (round(moved.to["x"] - X0), round(moved.to["y"] - Y0)) == (30, 500)
    assert moved.to["road"] == "Hoofdweg"
    assert (moved.reason, moved.date) == ("boom in het zicht", "2026-10-01")
    assert moved.to["entry_id"] == "A-E1"
    assert moved.entries_before == moved.entries_after == ["A-E1"]


def test_relocation_keeps_distance_from_other_signs():
    s = signs(("S1", 15, 500), ("S2", 60, 500))
    moved = relocate_sign("S1", s, WARDS, CROSSROADS, POLICY, "werkzaamheden")
    assert moved.moved
    assert ((moved.to["x"] - X0 - 60) ** 2 + (moved.to["y"] - Y0 - 500) ** 2) ** 0.5 >= POLICY.min_spacing


def test_relocation_to_a_valid_target():
    moved = relocate_sign("S1", signs(("S1", 15, 500)), WARDS, CROSSROADS, POLICY, "verzoek beheerder",
                          to=lonlat(500, 700))
    assert moved.moved and moved.to["road"] == "Dwarsweg"
    assert (round(moved.to["x"] - X0), round(moved.to["y"] - Y0)) == (500, 700)


def test_relocation_to_an_invalid_target_moves_nothing_and_offers_an_alternative():
    moved = relocate_sign("S1", signs(("S1", 15, 500)), WARDS, CROSSROADS, POLICY, "verzoek",
                          to=lonlat(3500, 500))
    assert not moved.moved and moved.to is None
    assert "niet in dezelfde wijk" in moved.message
    assert moved.alternative is not None and moved.alternative["road"] == "Hoofdweg"


def test_relocation_without_a_valid_alternative_moves_nothing():
    moved = relocate_sign("S9", signs(("S9", 3500, 500)), WARDS, CROSSROADS, POLICY, "sloop")
    assert not moved.moved and moved.to is None and "geen geldige andere plek" in moved.message


def test_relocation_needs_a_reason_and_a_known_sign():
    s = signs(("S1", 15, 500))
    with pytest.raises(InputError, match="reden"):
        relocate_sign("S1", s, WARDS, CROSSROADS, POLICY, "  ")
    with pytest.raises(InputError, match="S7"):
        relocate_sign("S7", s, WARDS, CROSSROADS, POLICY, "reden")
    with pytest.raises(InputError, match="datum"):
        relocate_sign("S1", s, WARDS, CROSSROADS, POLICY, "reden", date="volgende week")
    with pytest.raises(InputError, match="datum"):
        relocate_sign("S1", s, WARDS, CROSSROADS, POLICY, "reden", date="31-02-2026")


def test_relocation_date_may_be_written_the_dutch_way():
    moved = relocate_sign("S1", signs(("S1", 15, 500)), WARDS, CROSSROADS, POLICY, "paal vervangen",
                          date="1-10-2026")
    assert moved.date == "2026-10-01"


def test_relocation_result_is_plain_json():
    data = relocate_sign("S1", signs(("S1", 15, 500)), WARDS, CROSSROADS, POLICY, "r", date="2026-10-01").to_dict()
    assert {"sign_id", "ward", "from", "to", "reason", "date", "moved"} <= set(data)
    json.dumps(data)


def test_cli_relocate_prints_the_move(cli):  # noqa: F811
    code, out, _ = cli("relocate", "B001", "--reason", "wegwerkzaamheden", "--date", "2026-10-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["moved"] and data["sign_id"] == "B001"
    assert data["reason"] == "wegwerkzaamheden" and data["date"] == "2026-10-01"
    assert data["ward"]["code"] == "LM03" and {"lon", "lat", "x", "y"} <= set(data["to"])


def test_cli_relocate_checks_the_target(cli):  # noqa: F811
    code, out, _ = cli("relocate", "B001", "--reason", "x", "--to", "4.9166,52.4336", "--json")
    data = json.loads(out)
    assert code == 0 and not data["moved"] and data["to"] is None


def test_cli_relocate_without_reason_exits_2(cli):  # noqa: F811
    with pytest.raises(SystemExit) as exc:
        cli("relocate", "B001")
    assert exc.value.code == 2
