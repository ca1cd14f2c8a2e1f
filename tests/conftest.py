"""Shared fixtures: paths to the bundled demo data and a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def data_dir() -> Path:
    return REPO_ROOT / "data"


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def run_cli(tmp_path):
    """Run ``python -m planner ARGS`` in ``tmp_path`` (the real entry point).

    The bundled demo data is the default input (via ``PLANNER_DATA``).
    """

    def run(*args, cwd=None, env=None, timeout=120) -> CliResult:
        full_env = {**os.environ, "PLANNER_DATA": str(REPO_ROOT / "data"), **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "planner", *map(str, args)],
            cwd=cwd or tmp_path, env=full_env, capture_output=True, text=True, timeout=timeout,
        )
        return CliResult(proc)

    return run


def _closed_loopback_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/bzk/locatieserver/search/v3_1/free"


@pytest.fixture(autouse=True)
def no_pdok(monkeypatch):
    """No test can reach PDOK: address lookups go to a closed loopback port.

    Set for the test process and (through the environment) for every CLI
    subprocess; tests that replay recorded answers pass their own URL. A
    user's ``$PLANNER_ADDRESSES`` does not leak into the tests either.
    """
    monkeypatch.setenv("PLANNER_PDOK_URL", _closed_loopback_url())
    monkeypatch.delenv("PLANNER_ADDRESSES", raising=False)
