"""Network for headless Chromium in the browser tests: none, or stand-in basemap tiles.

The map pages carry Leaflet and its plugins inside themselves
(``planner/render/maps/vendor``), so the tests need no copies of any web asset.
:func:`route_offline` answers basemap tile requests with a blank PNG and
aborts everything else while recording it, so a test can assert that the
page asked for nothing else; :func:`route_no_network` aborts every request
that is not the page's own file (an office network that blocks everything,
a laptop offline). :func:`route_pdok` answers the public map's address
search from recorded Locatieserver answers (``tests/recorded``). No request
reaches the network.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
RECORDED = HERE.parent / "recorded"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TILE_HOSTS = ("service.pdok.nl", "tile.openstreetmap.org")
PDOK_SEARCH = "https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
LOCAL = ("file:", "data:", "about:", "blob:")


def _blank_tile() -> bytes:
    """A 256x256 light grey PNG, standing in for every basemap tile."""
    raw = b"".join(b"\x00" + b"\xee" * 256 for _ in range(256))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


BLANK_PNG = _blank_tile()


def missing_setup() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"chromium not found at {CHROMIUM}; run 'make browser' (bash scripts/install_browser.sh)"
    return None


def route_offline(page, unexpected: list[str]) -> None:
    """Basemap tiles get a blank tile; any other request is aborted and appended to ``unexpected``."""

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL):
            return route.continue_()
        host = url.split("/")[2] if "://" in url else ""
        if host in TILE_HOSTS:
            return route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
        unexpected.append(url)
        return route.abort()

    page.route("**/*", handle)


def route_no_network(page, requested: list[str]) -> None:
    """Every request that is not local is aborted (and appended to ``requested``)."""

    def handle(route):
        url = route.request.url
        if url.startswith(LOCAL):
            return route.continue_()
        requested.append(url)
        return route.abort("internetdisconnected")

    page.route("**/*", handle)


def recorded_answers() -> dict[str, dict]:
    """The recorded Locatieserver answers by query text: ``{"status": ..., "body": ...}``."""
    out = {}
    for path in sorted(RECORDED.glob("locatieserver_*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        out[rec["request"]["q"]] = rec
    return out


def route_pdok(page, asked: list[str], *, reachable: bool = True) -> None:
    """Answer the address search from the recorded answers (``asked`` gets each query);
    an unknown query gets PDOK's empty answer; ``reachable=False`` fails every search."""
    answers = recorded_answers()

    def handle(route):
        query = parse_qs(urlsplit(route.request.url).query)
        q = query.get("q", [""])[0]
        asked.append(q)
        if not reachable:
            return route.abort("internetdisconnected")
        rec = answers.get(q, {"status": 200, "body": {"response": {"numFound": 0, "start": 0, "docs": []}}})
        return route.fulfill(status=rec["status"], body=json.dumps(rec["body"]), content_type="application/json",
                             headers={"Access-Control-Allow-Origin": "*"})

    page.route(PDOK_SEARCH + "*", handle)
