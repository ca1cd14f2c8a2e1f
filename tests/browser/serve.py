"""Serve the maps' CDN assets to headless Chromium from local npm copies.

The maps load Leaflet from ``https://cdn.jsdelivr.net/npm/<pkg>@<version>/<path>``.
:func:`route_offline` answers those requests from ``tests/browser/node_modules``
(installed with ``npm ci`` from ``package-lock.json``, see
``scripts/install_browser.sh``), answers basemap tile requests with a blank
PNG, and aborts everything else while recording it, so a test can assert
that the page asked for nothing it could not get. No request reaches the
network.
"""

from __future__ import annotations

import json
import mimetypes
import re
import shutil
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
JSDELIVR_NPM = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/]+/)?[^@/]+)@([^/]+)/(.+)$")
TILE_HOSTS = ("service.pdok.nl", "tile.openstreetmap.org")


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
INSTALL_HINT = "run 'make browser' (or: npm ci --prefix tests/browser)"


def missing_setup() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"chromium not found at {CHROMIUM}; run 'make browser' (bash scripts/install_browser.sh)"
    if not (NODE_MODULES / "leaflet" / "package.json").exists():
        return f"npm assets missing in {NODE_MODULES}; {INSTALL_HINT}"
    return None


def local_asset(url: str) -> Path | None:
    """The local copy of a jsDelivr npm URL (same package and version), else None."""
    match = JSDELIVR_NPM.match(url.split("?")[0])
    if not match:
        return None
    package, version, rest = match.groups()
    root = NODE_MODULES / package
    meta = root / "package.json"
    if not meta.exists() or json.loads(meta.read_text())["version"] != version:
        return None
    path = (root / rest).resolve()
    return path if path.is_file() and root.resolve() in path.parents else None


def route_offline(page, unexpected: list[str]) -> None:
    """Route every request of ``page``; append URLs nobody could serve to ``unexpected``."""

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            return route.continue_()
        asset = local_asset(url)
        if asset is not None:
            ctype = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
            return route.fulfill(status=200, body=asset.read_bytes(), content_type=ctype,
                                 headers={"Access-Control-Allow-Origin": "*"})
        host = url.split("/")[2] if "://" in url else ""
        if host in TILE_HOSTS:
            return route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
        unexpected.append(url)
        return route.abort()

    page.route("**/*", handle)
