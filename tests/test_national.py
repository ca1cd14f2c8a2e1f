"""National scale: the paths users run do only per-request work, in any number of processes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

import planner
from planner.core import parallel
from planner.core.wards import ward_of
from planner.siting.proposals import make_proposer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from national_data import make_national, write_national  # noqa: E402

POLICY = planner.preset("landsmeer")


@pytest.fixture(scope="module")
def country():
    return make_national(500, seed=3)


@pytest.fixture(scope="module")
def country_files(country, tmp_path_factory):
    return write_national(country, tmp_path_factory.mktemp("nl"))


def test_decisions_in_two_processes_equal_one_process(country, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_REQUESTS_PER_JOB", 10)
    factory = lambda: make_proposer(country.wards, country.roads, POLICY)  # noqa: E731
    one = parallel.decide_parallel(country.requests, country.wards, country.signs, country.groups, POLICY,
                                   roads=country.roads, make_proposer=factory, jobs=1)
    seen = []
    two = parallel.decide_parallel(country.requests, country.wards, country.signs, country.groups, POLICY,
                                   roads=country.roads, make_proposer=factory, jobs=2, progress=seen.append)
    assert [d.to_dict() for d in two] == [d.to_dict() for d in one]
    assert seen[-1] == len(country.requests) and seen == sorted(seen)
    assert {d.outcome for d in one} == {"approved", "rejected", "needs_review"}


def test_shares_never_split_a_ward(country):
    shares = parallel.ward_shares(country.requests, country.wards, 4)
    owner = ward_of(country.requests.geometry.values, country.wards)
    seen = {}
    for k, rows in enumerate(shares):
        for w in set(owner[rows]) - {-1, -2}:
            assert seen.setdefault(w, k) == k
    assert sorted(int(i) for rows in shares for i in rows) == list(range(len(country.requests)))


def test_one_proposal_costs_the_same_however_large_the_country():
    """The per-request path does no work that grows with the data: the entries of a ward are
    computed once and the lookup does not scan all wards or all entries."""
    per_request = {}
    for n in (300, 1200):
        data = make_national(n, seed=5)
        proposer = make_proposer(data.wards, data.roads, POLICY)
        codes = list(data.wards["code"][~data.wards["water"].eq("JA")][:40])
        proposer.prepare(codes)
        t0 = time.perf_counter()
        for _ in range(3):
            for code in codes:
                proposer(code, "", None, 2)
        per_request[n] = (time.perf_counter() - t0) / (3 * len(codes))
    assert per_request[1200] < 2.5 * per_request[300], per_request


def test_propose_reads_only_its_ward_and_what_lies_near_it(country, country_files, monkeypatch, capsys):
    import pyogrio

    from planner.cli import main
    calls = []
    real = pyogrio.read_dataframe

    def recording(path, *args, **kwargs):
        frame = real(path, *args, **kwargs)
        calls.append((Path(path).name, kwargs, len(frame)))
        return frame

    monkeypatch.setattr(pyogrio, "read_dataframe", recording)
    code = country.wards["code"].iloc[len(country.wards) // 2]
    args = ["propose", code, "--json"] + [a for name in ("wards", "signs", "roads")
                                          for a in (f"--{name}", str(country_files[name]))]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ward"]["code"] == code
    geometry_reads = [c for c in calls if c[1].get("read_geometry", True)]
    wards_reads = [c for c in geometry_reads if c[0] == "wijken.gpkg"]
    assert [c[1].get("fids") for c in wards_reads] == [[wards_reads[0][1]["fids"][0]]] and wards_reads[0][2] == 1
    for name in ("borden.gpkg", "wegen.gpkg"):
        reads = [c for c in geometry_reads if c[0] == name]
        assert reads and all("bbox" in c[1] for c in reads)
        assert reads[0][2] < len(country.roads if name == "wegen.gpkg" else country.signs) / 20


def _run_on_a_terminal(args, cwd) -> str:
    """Run the CLI with stderr on a pseudo-terminal; what it wrote there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "planner", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=follower, env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    return b"".join(chunks).decode(errors="replace")


def test_a_progress_bar_on_a_terminal_and_nothing_with_json(country_files, tmp_path):
    args = ["decide"] + [a for name in ("wards", "signs", "roads", "groups", "requests")
                         for a in (f"--{name}", str(country_files[name]))]
    assert "Aanvragen beslissen" in _run_on_a_terminal(args, tmp_path)
    assert "Aanvragen beslissen" not in _run_on_a_terminal([*args, "--json"], tmp_path)
    piped = subprocess.run([sys.executable, "-m", "planner", *args, "--json"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
