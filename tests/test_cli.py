"""The command line through its real entry point, and bad input (exit 2, one line)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from planner.cli import main


class Result:
    """Exit code and output of one command, like ``subprocess.CompletedProcess``."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def run_cli(tmp_path, monkeypatch, capsys, data_dir):
    """``planner ARGS`` in-process through :func:`planner.cli.main` (fast), in ``tmp_path``.

    Overrides the subprocess runner of ``conftest.py``; the real console
    command and ``python -m planner`` are tested by subprocess below.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))
    monkeypatch.delenv("PLANNER_STORE", raising=False)

    def run(*args) -> Result:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def run_process(*args, cwd):
    """``python -m planner ARGS`` as a real process (bundled demo data)."""
    env = {**os.environ, "PLANNER_DATA": str(Path(__file__).resolve().parent.parent / "data")}
    env.pop("PLANNER_STORE", None)
    proc = subprocess.run([sys.executable, "-m", "planner", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    return Result(proc.returncode, proc.stdout, proc.stderr)

# ------------------------------------------------------------------ commands


def test_check_at_lonlat_reports_ward_coverage_and_signs(run_cli):
    res = run_cli("check", "--at", "4.9168,52.4230", "--json")  # Landsmeer-Zuid
    assert res.returncode == 0, res.stderr
    out = res.json()
    assert out["ward"] == {"code": "LM03", "name": "Landsmeer-Zuid"}
    assert out["covered"] is True
    assert {s["id"] for s in out["signs"]} == {"B001", "B002"}
    assert set(out["signs"][0]) >= {"id", "lon", "lat", "status"}
    assert all(4.8 < s["lon"] < 5.0 and 52.3 < s["lat"] < 52.5 for s in out["signs"])


def test_check_at_rd_in_uncovered_ward(run_cli):
    out = run_cli("check", "--at-rd", "123000,494000", "--json").json()
    assert out == {"ward": {"code": "LM01", "name": "Landsmeer-Dorp"}, "covered": False, "signs": []}


def test_check_outside_every_ward_gives_null_ward(run_cli):
    out = run_cli("check", "--at", "4.92,52.40", "--json").json()
    assert out["ward"] is None and out["covered"] is False


def test_check_prints_a_readable_dutch_sentence_without_json(run_cli):
    res = run_cli("check", "--at-rd", "123000,492800")
    assert res.returncode == 0
    assert "Landsmeer-Zuid" in res.stdout and "heeft al borden" in res.stdout


def test_decide_json_lists_every_request_with_reason(run_cli, data_dir):
    res = run_cli("decide", "--requests", data_dir / "aanvragen.csv", "--json")
    assert res.returncode == 0, res.stderr
    out = res.json()
    assert [d["request_id"] for d in out] == sorted(pd.read_csv(data_dir / "aanvragen.csv")["request_id"])
    for d in out:
        assert {"request_id", "outcome", "reason_code", "reason", "ward"} <= set(d)
        assert d["outcome"] in {"approved", "rejected", "needs_review"}
    by_id = {d["request_id"]: d for d in out}
    assert by_id["A001"]["reason_code"] == "ward_covered"
    assert by_id["A005"]["ward"] is None


def test_decide_table_is_dutch(run_cli):
    res = run_cli("decide")
    assert res.returncode == 0
    assert "afgewezen" in res.stdout and "toegekend" in res.stdout


def test_status_json_lists_every_ward(run_cli):
    out = run_cli("status", "--json").json()
    assert len(out) == 9
    assert {"code", "name", "signs", "covered"} == set(out[0])
    zuid = next(w for w in out if w["code"] == "LM03")
    assert (zuid["signs"], zuid["covered"]) == (2, True)


def test_policy_option_changes_the_rule(run_cli):
    out = run_cli("decide", "--json", "--policy", "landgraaf").json()
    assert any(d["reason_code"] == "group_not_registered" for d in out)


def test_demo_writes_report_and_decisions(run_cli, tmp_path):
    res = run_cli("demo", "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    report = (tmp_path / "out" / "rapport.md").read_text()
    assert "A001" in report and "afgewezen" in report
    decisions = json.loads((tmp_path / "out" / "besluiten.json").read_text())
    assert len(decisions) == 9
    # No personal data from groepen.csv in the report or the decisions.
    for name in ("Jan Voorbeeld", "06-00000001", "example.org"):
        assert name not in report and name not in json.dumps(decisions)


def test_console_command_and_module_entry_point_both_work(tmp_path):
    exe = Path(sys.executable).parent / "planner"
    assert exe.exists(), "console script 'planner' is not installed"
    for cmd in ([str(exe), "--help"], [sys.executable, "-m", "planner", "--help"]):
        res = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
        assert res.returncode == 0
        assert "decide" in res.stdout and "check" in res.stdout


# ------------------------------------------------------------------ bad input


def assert_clean_error(res, *fragments):
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in res.stderr
    for f in fragments:
        assert f in lines[0], lines[0]


def write_geojson(path, features, crs=None):
    fc = {"type": "FeatureCollection", "features": features}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(fc))
    return path


def point_feature(props, coords):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": coords}}


def test_missing_file_is_a_clean_error(run_cli, tmp_path):
    assert_clean_error(run_cli("status", "--wards", tmp_path / "nope.geojson"), "bestaat niet")


def test_empty_file_is_a_clean_error(run_cli, tmp_path):
    (tmp_path / "leeg.geojson").write_text("")
    assert_clean_error(run_cli("status", "--wards", tmp_path / "leeg.geojson"), "leeg")


def test_unreadable_format_is_a_clean_error(run_cli, tmp_path):
    (tmp_path / "kapot.geojson").write_text("{ dit is geen json")
    assert_clean_error(run_cli("status", "--signs", tmp_path / "kapot.geojson"), "kapot.geojson")
    (tmp_path / "w.xlsx").write_text("x")
    assert_clean_error(run_cli("status", "--wards", tmp_path / "w.xlsx"), "onbekend bestandstype")


def test_layer_without_geometry_is_a_clean_error(run_cli, tmp_path):
    pd.DataFrame({"id": ["S1"], "status": ["placed"]}).pipe(
        lambda df: gpd.GeoDataFrame(df, geometry=[None], crs="EPSG:28992")).to_file(tmp_path / "s.gpkg")
    assert_clean_error(run_cli("status", "--signs", tmp_path / "s.gpkg"), "geen geometrie")


def test_duplicate_ids_are_a_clean_error(run_cli, tmp_path):
    path = write_geojson(tmp_path / "b.geojson", [point_feature({"id": "B1", "status": "placed"}, [4.91, 52.43]),
                                                  point_feature({"id": "B1", "status": "placed"}, [4.92, 52.43])])
    assert_clean_error(run_cli("status", "--signs", path), "dubbele", "B1")


def test_swapped_lat_lon_is_a_clean_error(run_cli, tmp_path):
    path = write_geojson(tmp_path / "b.geojson", [point_feature({"id": "B1", "status": "placed"}, [52.43, 4.91])])
    assert_clean_error(run_cli("status", "--signs", path), "verwisseld")
    csv = tmp_path / "a.csv"
    csv.write_text("request_id,date,group_id,lon,lat\nA1,2026-01-01,G01,52.43,4.91\n")
    assert_clean_error(run_cli("decide", "--requests", csv), "verwisseld")
    assert_clean_error(run_cli("check", "--at", "52.43,4.91"), "verwisseld")


def test_rd_numbers_in_a_wgs84_file_are_a_clean_error(run_cli, tmp_path):
    path = write_geojson(tmp_path / "b.geojson", [point_feature({"id": "B1", "status": "placed"}, [122955, 494016])])
    assert_clean_error(run_cli("status", "--signs", path), "RD")


def test_rd_geojson_with_crs_member_is_accepted(run_cli, tmp_path):
    path = write_geojson(tmp_path / "b.geojson", [point_feature({"id": "B1", "status": "placed"}, [122955, 494016])],
                         crs="urn:ogc:def:crs:EPSG::28992")
    out = run_cli("status", "--signs", path, "--json").json()
    assert next(w for w in out if w["code"] == "LM01")["signs"] == 1


def test_coordinates_outside_the_netherlands_are_a_clean_error(run_cli, tmp_path):
    path = write_geojson(tmp_path / "b.geojson", [point_feature({"id": "B1", "status": "placed"}, [2.35, 48.85])])
    assert_clean_error(run_cli("status", "--signs", path), "buiten Nederland")
    assert_clean_error(run_cli("check", "--at-rd", "500000,100000"), "buiten Nederland")


def test_csv_without_coordinate_columns_is_a_clean_error(run_cli, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("request_id,date,group_id,adres\nA1,2026-01-01,G01,Zuideinde 1\n")
    assert_clean_error(run_cli("decide", "--requests", csv), "coördinaatkolommen")


def test_bad_input_writes_nothing(tmp_path):
    # A real process: exit code 2, one line on stderr, no traceback, no output folder.
    (tmp_path / "leeg.csv").write_text("")
    out = tmp_path / "out"
    assert_clean_error(run_process("demo", "--out", out, "--requests", tmp_path / "leeg.csv", cwd=tmp_path))
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leeg.csv"]


def test_unknown_policy_and_bad_arguments_are_clean_errors(run_cli):
    assert_clean_error(run_cli("status", "--policy", "atlantis"), "onbekend beleid")
    assert_clean_error(run_cli("check", "--at", "vier,vijf"), "--at")
    res = run_cli("check")
    assert res.returncode == 2 and res.stderr.startswith("error: ")


def test_names_with_rich_markup_are_printed_as_text(run_cli, tmp_path):
    from shapely.geometry import box
    wards = gpd.GeoDataFrame({"code": ["W1", "W2"], "name": ["[/]", "[bold red]Dorp[/]"]},
                             geometry=[box(120000, 490000, 121000, 491000), box(121000, 490000, 122000, 491000)],
                             crs="EPSG:28992")
    wards.to_file(tmp_path / "w.gpkg")
    res = run_cli("status", "--wards", tmp_path / "w.gpkg")
    assert res.returncode == 0, res.stderr
    assert "[/]" in res.stdout and "[bold red]Dorp[/]" in res.stdout


COMMANDS = {
    "check": ["check", "--at", "4.916,52.433"],
    "decide": ["decide"],
    "status": ["status"],
    "demo": ["demo", "--out", "uit"],
    "propose": ["propose", "LM01"],
    "relocate": ["relocate", "B001", "--reason", "test"],
}


@pytest.fixture
def bad_files(tmp_path, data_dir):
    """One file per kind of bad input of issue 2, point 7 (in a subfolder of tmp_path)."""
    from shapely.geometry import box
    d = tmp_path / "bad"
    d.mkdir()
    wards = gpd.GeoDataFrame({"code": ["W1"], "name": ["Wijk"]}, geometry=[box(120000, 490000, 121000, 491000)],
                             crs="EPSG:28992")
    (d / "leeg.geojson").write_text("")
    (d / "kapot.geojson").write_bytes(b"\x00\x01 geen geojson")
    wards.to_crs("EPSG:4326").to_file(d / "graden.shp")
    (d / "graden.prj").unlink()
    wards.to_file(d / "cbs.gpkg", layer="wijken")
    wards.to_file(d / "cbs.gpkg", layer="buurten")
    write_geojson(d / "verwisseld.geojson", [point_feature({"id": "B1", "status": "placed"}, [52.43, 4.91])])
    write_geojson(d / "rd.geojson", [point_feature({"id": "B1", "status": "placed"}, [122955, 494016])])
    write_geojson(d / "dubbel.geojson", [point_feature({"id": "B1", "status": "placed"}, [4.91, 52.43]),
                                         point_feature({"id": "B1", "status": "placed"}, [4.92, 52.43])])
    return {
        ("wards", "nope.geojson"): "bestaat niet",
        ("wards", "leeg.geojson"): "leeg",
        ("wards", "kapot.geojson"): "geen leesbaar GIS-bestand",
        ("wards", "graden.shp"): "geen CRS",
        ("wards", "cbs.gpkg"): "meerdere lagen",
        ("signs", "verwisseld.geojson"): "verwisseld",
        ("signs", "rd.geojson"): "RD",
        ("signs", "dubbel.geojson"): "dubbele",
    }, d


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_reports_bad_input_in_one_line_and_writes_nothing(run_cli, tmp_path, bad_files, command):
    cases, d = bad_files
    before = sorted(tmp_path.rglob("*"))
    for (option, name), fragment in cases.items():
        assert_clean_error(run_cli(*COMMANDS[command], f"--{option}", d / name), name, fragment)
    assert sorted(tmp_path.rglob("*")) == before


def test_decide_reads_a_dutch_spreadsheet_export(run_cli, tmp_path):
    csv = tmp_path / "aanvragen.csv"
    csv.write_bytes("\ufeffrequest_id;date;group_id;x;y\r\nA1;3-9-2026;G02;123750;493900\r\n".encode("cp1252",
                                                                                                    "ignore"))
    out = run_cli("decide", "--requests", csv, "--json").json()
    assert [(d["request_id"], d["date"], d["outcome"]) for d in out] == [("A1", "2026-09-03", "approved")]


def test_output_cut_short_by_a_closed_pipe_is_no_traceback(tmp_path, data_dir):
    # 'planner decide --json | head -1': the reader leaves before the output ends.
    env = {**os.environ, "PLANNER_DATA": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "planner", "decide", "--json"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_degrees_and_rd_mixed_up_on_the_command_line_point_to_the_right_option(run_cli):
    assert_clean_error(run_cli("check", "--at-rd", "4.9,52.4"), "gebruik --at LON,LAT")
    assert_clean_error(run_cli("check", "--at", "122000,494000"), "gebruik --at-rd X,Y")


def test_decide_out_saves_the_decisions_that_map_reuses_without_deciding_again(run_cli, tmp_path):
    out = tmp_path / "besluiten.json"
    shown = run_cli("decide", "--out", out, "--json").json()
    assert json.loads(out.read_text(encoding="utf-8")) == shown
    page = tmp_path / "kaart.html"
    res = run_cli("map", "--decisions", out, "--out", page, "--requests", tmp_path / "geen.csv")
    assert res.returncode == 2  # --decisions and --requests together are refused: nothing is decided twice
    res = run_cli("map", "--decisions", out, "--out", page)
    assert res.returncode == 0, res.stderr
    assert page.exists() and "A002" in page.read_text(encoding="utf-8")
    bad = run_cli("decide", "--out", tmp_path / "besluiten.txt")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and not (tmp_path / "besluiten.txt").exists()


# ------------------------------------------------------------------ the terminal (issue 22, item 5)


NARROW_COMMANDS = (["request", "show", "A002"], ["request", "list"], ["decide"], ["status"],
                   ["stats", "--per", "wijk"], ["check", "--at", "4.9243,52.4324"])


def _words(text: str) -> set[str]:
    return {w.rstrip(":") for w in text.split()}


def test_output_follows_columns_and_wraps_between_words(run_cli, monkeypatch):
    assert run_cli("init", "--json").returncode == 0
    assert run_cli("decide", "--json").returncode == 0
    for args in NARROW_COMMANDS:
        monkeypatch.setenv("COLUMNS", "400")
        wide = run_cli(*args)
        monkeypatch.setenv("COLUMNS", "80")
        narrow = run_cli(*args)
        assert wide.returncode == narrow.returncode == 0, (args, narrow.stderr)
        assert max(map(len, narrow.stdout.splitlines())) <= 80, (args, narrow.stdout)
        # no word split or cut off: every word printed at 80 columns is a word of the wide output
        assert _words(narrow.stdout) <= _words(wide.stdout), (args, _words(narrow.stdout) - _words(wide.stdout))
        assert "…" not in narrow.stdout
    monkeypatch.setenv("COLUMNS", "80")
    show = run_cli("request", "show", "A002").stdout
    monkeypatch.setenv("COLUMNS", "400")
    wide = run_cli("request", "show", "A002").stdout
    assert max(map(len, wide.splitlines())) > 80  # (so the narrow one was wrapped)
    assert show.split() == wide.split()  # the same text, only wrapped


def test_piped_output_is_plain_text(run_cli, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert run_cli("init", "--json").returncode == 0
    for args in (["status"], ["decide"], ["request", "list"], ["sign", "list"]):
        out = run_cli(*args).stdout
        assert out.strip() and "\x1b[" not in out, args  # no colours or other ANSI codes
        assert not any("\u2500" <= ch <= "\u257f" for ch in out), (args, out)  # no box drawing
    # without a terminal and without COLUMNS a line is not cut at 80 columns (logs, grep)
    res = run_cli("request", "show", "A002")
    assert any(len(line) > 80 for line in res.stdout.splitlines())


# ------------------------------------------------------------------ one voice (issue 22, item 6)


def test_request_json_has_one_state_field_with_its_dutch_label(run_cli):
    assert run_cli("init", "--json").returncode == 0
    added = run_cli("request", "add", "--group", "G01", "--at-rd", "121000,499000", "--id", "N1", "--json").json()
    assert "status" not in added and (added["state"], added["state_nl"]) == ("received", "ontvangen, nog niet beslist")
    assert run_cli("decide", "--json").returncode == 0
    rows = run_cli("request", "list", "--json").json()
    assert rows and all("status" not in r and r["state"] and r["state_nl"] for r in rows)
    by_id = {r["request_id"]: r for r in rows}
    assert (by_id["A002"]["state"], by_id["A002"]["state_nl"]) == ("proposed", "toegekend, plekken voorgesteld")
    shown = run_cli("request", "show", "A002", "--json").json()
    assert "status" not in shown and shown["state"] == by_id["A002"]["state"]


def test_request_show_says_dates_in_dutch_and_positions_as_lat_lon(run_cli):
    assert run_cli("init", "--json").returncode == 0
    assert run_cli("decide", "--json").returncode == 0
    text = run_cli("request", "show", "A008").stdout
    assert "Aanvraag A008 van 18 september 2026" in text
    assert "Voorkeursplek(ken) van de beheerder: (52.43360, 4.91660)" in text  # lat, lon as everywhere
    assert "4.9166 52.4336" not in text
    first = text.split("Geschiedenis:")[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first)  # no ISO dates inside the sentences


def test_road_classes_are_dutch_in_every_table(run_cli):
    text = run_cli("propose", "LM04").stdout
    assert "woonstraat" in text or "tertiaire weg" in text
    assert not re.search(r"\b(residential|tertiary|unclassified|secondary|primary|service)\b", text)


def _on_terminal(args, cwd, columns=72) -> str:
    """``python -m planner ARGS`` on a pseudo-terminal of ``columns`` columns (no COLUMNS); its text, no ANSI."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**os.environ, "PLANNER_DATA": str(Path(__file__).resolve().parent.parent / "data"), "TERM": "xterm"}
    for name in ("COLUMNS", "LINES", "PLANNER_STORE", "NO_COLOR"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "planner", *args], cwd=cwd, env=env, stdin=slave,
                            stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(master)
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8")).replace("\r", "")


def test_on_a_terminal_tables_have_boxes_and_follow_its_width(tmp_path):
    """A real terminal (a pseudo-terminal of 72 columns, no COLUMNS): rich measures it and draws boxes."""
    text = _on_terminal(["status"], tmp_path)
    assert any("\u2500" <= ch <= "\u257f" for ch in text) and "Landsmeer-Dorp" in text  # box drawing
    text = _on_terminal(["decide", "--policy", "landsmeer"], tmp_path)
    assert "In wijk Landsmeer-Zuid hangen al borden" in " ".join(text.split())
    assert max(map(len, text.splitlines())) <= 72  # not the 160 columns of before
