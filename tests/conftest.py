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


# ----------------------------------------------------------------- a throwaway PostgreSQL + PostGIS

PG_ROLE = "planner"  # the planner never connects as a superuser (row-level security does not bind those)


def _pg_bindir():
    import glob
    import shutil

    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


class PostgisServer:
    """A PostgreSQL cluster in a temporary folder, on a Unix socket only (no TCP port)."""

    def __init__(self, root: Path):
        import shutil

        self.bindir = _pg_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL niet gevonden (initdb); installeer postgresql en postgis "
                               "(scripts/install_db.sh, 'make test' doet dat)")
        self.root = root
        self.data = root / "data"
        self.sock = root / "sock"
        self.sock.mkdir(parents=True)
        self.port = 5432
        self.as_user = []
        if os.geteuid() == 0:  # initdb refuses root: run the cluster as 'postgres'
            shutil.chown(root, "postgres")
            shutil.chown(self.sock, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args, **kw):
        return subprocess.run([*self.as_user, *args], check=True, capture_output=True, text=True, timeout=120, **kw)

    def start(self):
        self._run(f"{self.bindir}/initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync")
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses='' -c fsync=off "
                "-c max_connections=60 -c shared_buffers=16MB")
        self._run(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w",
                  "start")
        self.psql("postgres", f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB CREATEROLE PASSWORD 'geheim-wachtwoord'")
        self.psql("postgres", f"CREATE DATABASE template_planner OWNER {PG_ROLE}")
        self.psql("template_planner", "CREATE EXTENSION postgis")
        self.n = 0

    def psql(self, db, sql):
        return self._run(f"{self.bindir}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.sock),
                         "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql)

    def stop(self):
        subprocess.run([*self.as_user, f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "immediate", "-w",
                        "stop"], capture_output=True, timeout=60)

    def url(self, db, *, user=PG_ROLE, gemeente="GM0415"):
        tail = f"&gemeente={gemeente}" if gemeente else ""
        return f"postgresql://{user}@/{db}?host={self.sock}&port={self.port}{tail}"

    def new_database(self) -> str:
        """A fresh database with PostGIS (from a template), owned by the planner role; its name."""
        self.n += 1
        name = f"register_{os.getpid()}_{self.n}"
        self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE template_planner OWNER {PG_ROLE}")
        return name


_SERVERS: list = []


def register_bytes(location, table: str = "admins") -> bytes:
    """What lies on disk for ``table`` of a register: the GeoPackage file, or the table's data file."""
    if isinstance(location, Path):
        return location.read_bytes()
    from planner.register.store import Store

    with Store(location).reading() as con:
        rel = con.execute(f"SELECT pg_relation_filepath('{table}')").fetchone()[0]
    server = _SERVERS[-1]
    server.psql("postgres", "CHECKPOINT")
    return (server.data / rel).read_bytes()


@pytest.fixture(scope="session")
def postgis_server(tmp_path_factory):
    """A throwaway PostgreSQL with PostGIS for the session, stopped at the end.

    When it cannot be started the PostGIS tests fail with the reason under
    CI (``CI=true``) and are skipped elsewhere.
    """
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    server = None
    try:
        server = PostgisServer(root)
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        msg = f"PostgreSQL/PostGIS kon niet worden gestart: {exc} {detail}".strip()
        if server is not None:
            server.stop()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    _SERVERS.append(server)
    try:
        yield server
    finally:
        server.stop()
        import shutil
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgis_url(postgis_server):
    """The URL of a fresh, empty PostGIS database for one test (gemeente GM0415)."""
    return postgis_server.url(postgis_server.new_database())


@pytest.fixture(params=["gpkg", "postgis"])
def store_location(request, tmp_path):
    """Where a register test keeps its register: a GeoPackage file, or a PostGIS database."""
    if request.param == "gpkg":
        return str(tmp_path / "planner.gpkg")
    return request.getfixturevalue("postgis_url")


@pytest.fixture(params=["gpkg", "postgis"])
def register_at(request, tmp_path, monkeypatch):
    """The register of a test that uses the default register (no ``--store``), on each backend.

    GeoPackage: ``tmp_path/planner.gpkg`` (the current folder's default). PostGIS: a fresh database,
    made the default through ``$PLANNER_STORE``. Request it after the fixture that sets the
    environment (it sets ``PLANNER_STORE``).
    """
    if request.param == "gpkg":
        return tmp_path / "planner.gpkg"
    url = request.getfixturevalue("postgis_url")
    monkeypatch.setenv("PLANNER_STORE", url)
    return url


def gpkg_only(location) -> None:
    """Skip a register test on PostGIS: it is about the GeoPackage file itself."""
    if not isinstance(location, Path):
        pytest.skip("gaat over het GeoPackage-bestand zelf")


REGISTER_NOW = "2026-10-01T12:00:00Z"  # the register's clock in tests ($PLANNER_NOW)


@pytest.fixture
def env(tmp_path, monkeypatch, data_dir):
    """A scratch working folder for register commands: demo data as input, no register
    from the environment, and a fixed clock."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLANNER_DATA", str(data_dir))
    monkeypatch.delenv("PLANNER_STORE", raising=False)
    monkeypatch.setenv("PLANNER_NOW", REGISTER_NOW)
    return tmp_path


def run_json(capsys, *args):
    """``planner ARGS`` in-process: (exit code, parsed JSON stdout or the text, stderr)."""
    from planner import cli
    code = cli.main([*map(str, args)])
    out, err = capsys.readouterr()
    try:
        data = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        data = out
    return code, data, err
