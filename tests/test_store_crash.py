"""Nothing is lost: killed writers and concurrent writers.

Writers are real processes: forked copies of this test process running
``planner.cli.main`` (cheap, so the store can be killed many times at random
moments) and a few ``python -m planner`` subprocesses through the real entry
point. After each SIGKILL the store must equal the state before or the state
after the change (a canonical dump of every table), and pass sqlite's
integrity check.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import shapely

from planner import cli
from planner.register import requests as history
from planner.register.store import Store

NOW = "2026-10-01T12:00:00Z"


@pytest.fixture
def base(tmp_path, monkeypatch, data_dir):
    """A store with the demo data plus 60 pending requests (a long ``decide``)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))
    monkeypatch.setenv("PLANNER_NOW", NOW)
    monkeypatch.delenv("PLANNER_STORE", raising=False)
    path = tmp_path / "base.gpkg"
    assert cli.main(["init", "--store", str(path), "--json"]) == 0
    st = Store(path)
    rng = random.Random(5)
    for i in range(60):
        point = shapely.Point(rng.uniform(119000, 126000), rng.uniform(492000, 499000))
        history.add_request(st, point, f"G0{1 + i % 8}", request_id=f"K{i:03d}", date="2026-09-30")
    return path


def _fork_cli(argv: list[str], die_after: int | None = None) -> int:
    """Run ``planner ARGV`` in a forked child; return its pid.

    ``die_after=N``: the child SIGKILLs itself while recording the N+1-th
    decision, i.e. certainly in the middle of the write transaction.
    """
    pid = os.fork()
    if pid == 0:  # child
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            if die_after is not None:
                record, calls = history._record_decision, []

                def record_then_die(*a, **kw):
                    if len(calls) == die_after:
                        os.kill(os.getpid(), signal.SIGKILL)
                    calls.append(1)
                    return record(*a, **kw)

                history._record_decision = record_then_die
            code = cli.main(argv)
        except BaseException:
            code = 99
        os._exit(code)
    return pid


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _integrity(path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


OPERATIONS = [
    ["decide", "--json"],
    ["group", "add", "G50", "--name", "Nieuw", "--admin", "Ada Test;0612345678;ada@example.org",
     "--admin", "Bob Test;;bob@example.org"],
    ["group", "remove", "G02"],
    ["sign", "relocate", "B004", "--to-rd", "122300,494900", "--force", "--reason", "test"],
]


def test_killed_writer_leaves_store_before_or_after(base, tmp_path):
    before = Store(base).dump()
    rng = random.Random(11)
    outcomes = {"before": 0, "after": 0}
    for k, op in enumerate(OPERATIONS):
        ref = tmp_path / f"ref{k}.gpkg"
        shutil.copy(base, ref)
        t0 = time.perf_counter()
        assert _wait(_fork_cli([*op, "--store", str(ref)])) == 0
        duration = time.perf_counter() - t0
        after = Store(ref).dump()
        assert after != before
        for _ in range(14 if op[0] == "decide" else 6):
            work = tmp_path / "work.gpkg"
            shutil.copy(base, work)
            pid = _fork_cli([*op, "--store", str(work)])
            time.sleep(rng.uniform(0.3, 1.05) * duration)
            os.kill(pid, signal.SIGKILL)
            _wait(pid)
            journal = tmp_path / "work.gpkg-journal"
            state = Store(work).dump()  # opening rolls back a hot journal
            assert state in (before, after)
            outcomes["before" if state == before else "after"] += 1
            assert _integrity(work) == "ok"
            work.unlink()
            journal.unlink(missing_ok=True)
    assert outcomes["before"] + outcomes["after"] == 14 + 3 * 6


def test_writer_killed_inside_the_transaction_leaves_store_as_before(base, tmp_path):
    """Random delays may miss the short write phase; these kills cannot."""
    before = Store(base).dump()
    work, journal = tmp_path / "work.gpkg", tmp_path / "work.gpkg-journal"
    for n in (1, 2, 7, 23, 48, 68):  # 69 pending requests: kill after n recorded decisions
        shutil.copy(base, work)
        assert _wait(_fork_cli(["decide", "--json", "--store", str(work)], die_after=n)) == -signal.SIGKILL
        assert journal.exists() and journal.stat().st_size > 0  # a hot journal: killed mid-write
        assert Store(work).dump() == before
        assert not journal.exists()  # the next command cleans up after the dead writer
        assert _integrity(work) == "ok"
        work.unlink()


def test_killed_cli_process_leaves_store_before_or_after(base, tmp_path, repo_root):
    before = Store(base).dump()
    ref = tmp_path / "ref.gpkg"
    shutil.copy(base, ref)
    env = {**os.environ, "PLANNER_NOW": NOW}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "planner", "decide", "--json", "--store", str(ref)], env=env,
                   cwd=tmp_path, capture_output=True, check=True)
    duration = time.perf_counter() - t0
    after = Store(ref).dump()
    for fraction in (0.75, 0.95):
        work = tmp_path / "work.gpkg"
        shutil.copy(base, work)
        proc = subprocess.Popen([sys.executable, "-m", "planner", "decide", "--json", "--store", str(work)],
                                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(fraction * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert Store(work).dump() in (before, after)
        assert _integrity(work) == "ok"
        work.unlink()


def test_concurrent_writers_lose_no_update(base):
    pids = []
    for w in range(6):
        pids.append(_fork_cli(["group", "add", f"C{w}", "--name", f"Groep {w}", "--admin",
                               f"Naam {w};06123456{w:02d};", "--store", str(base)]))
        for i in range(4):
            pids.append(_fork_cli(["request", "add", "--group", f"G0{1 + (w + i) % 8}", "--at-rd",
                                   "122200,498400", "--id", f"W{w}-{i}", "--store", str(base)]))
    codes = [_wait(pid) for pid in pids]
    assert codes == [0] * len(pids)
    st = Store(base)
    assert {f"C{w}" for w in range(6)} <= set(st.table("groups")["group_id"])
    assert {f"W{w}-{i}" for w in range(6) for i in range(4)} <= set(st.table("requests")["request_id"])
    assert _integrity(base) == "ok"


def test_concurrent_cli_processes_lose_no_update(base, tmp_path):
    procs = [subprocess.Popen([sys.executable, "-m", "planner", "request", "add", "--group", "G01",
                               "--at-rd", "123700,493600", "--store", str(base)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    ok = sum(code == 0 for code, _ in results)
    assert all(code == 0 or "bezet" in err for code, err in results)
    new = set(Store(base).table("requests")["request_id"]) - {f"K{i:03d}" for i in range(60)}
    assert len(new - {f"A00{i}" for i in range(1, 10)}) == ok == 3


def test_busy_store_gives_clear_error_and_changes_nothing(base, capsys, monkeypatch):
    before = Store(base).dump()
    monkeypatch.setenv("PLANNER_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(base, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code = cli.main(["group", "add", "G60", "--name", "X", "--admin", "A;0612345678;",
                         "--store", str(base)])
        err = capsys.readouterr().err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2
    assert err.startswith("error: ") and "bezet" in err and err.count("\n") == 1
    assert Store(base).dump() == before
