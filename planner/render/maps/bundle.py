"""The web assets every map page carries inside itself: Leaflet, its plugins, their CSS.

The built files of ``leaflet``, ``leaflet.markercluster`` and
``topojson-client`` ship in ``planner/render/maps/vendor/`` (copies of the npm packages,
licences beside them, see ``planner/render/maps/vendor/README.md``). :func:`head_html`
inlines them into a page's ``<head>``: the images Leaflet's CSS points to
become ``data:`` URLs, and each file is preceded by a comment naming its
package, version and licence. A page therefore opens with the network off
(an office network that blocks CDNs, a laptop offline, a map mailed as an
attachment); only basemap tiles (and the public map's address search) use
the network.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "vendor"

# npm package -> version of the files in planner/render/maps/vendor/
ASSET_VERSIONS = {"leaflet": "1.9.4", "leaflet.markercluster": "1.5.3", "topojson-client": "3.1.0"}
LICENCES = {"leaflet": "BSD-2-Clause", "leaflet.markercluster": "MIT", "topojson-client": "ISC"}

# (package, file) in the order a page needs them
_JS = [("leaflet", "leaflet.js"), (None, "leaflet-nl.js"), ("topojson-client", "topojson-client.min.js")]
_CLUSTER_JS = [("leaflet.markercluster", "leaflet.markercluster.js")]
_CSS = [("leaflet", "leaflet.css")]
_CLUSTER_CSS = [("leaflet.markercluster", "MarkerCluster.css")]

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")


def _path(package: str | None, name: str) -> Path:
    return ASSETS / package / name if package else ASSETS / name


def _banner(package: str | None, name: str) -> str:
    if package is None:
        return f"/* planner: {name} */\n"
    return (f"/* {package} {ASSET_VERSIONS[package]} ({LICENCES[package]}; licence text in the planner "
            f"package, planner/render/maps/vendor/{package}/LICENSE): {name} */\n")


def _data_url(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@functools.cache
def asset_text(package: str | None, name: str) -> str:
    """One asset as it goes into a page: source maps dropped, CSS images as ``data:`` URLs.

    Raises ``ValueError`` if the text could close its ``<script>``/``<style>`` element.
    """
    path = _path(package, name)
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    if name.endswith(".css"):
        text = _CSS_URL.sub(lambda m: f'url("{_data_url(path.parent / m.group(2))}")', text)
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():
        raise ValueError(f"{path} bevat {closing}>: kan niet in de pagina worden opgenomen")
    return _banner(package, name) + text.strip() + "\n"


def head_html(*, cluster: bool = False) -> str:
    """The ``<style>`` and ``<script>`` elements with every asset a map page uses.

    ``cluster`` adds ``leaflet.markercluster`` (large maps only).
    """
    css = _CSS + (_CLUSTER_CSS if cluster else [])
    js = _JS + (_CLUSTER_JS if cluster else [])
    return ("<style>\n" + "".join(asset_text(p, n) for p, n in css) + "</style>\n"
            + "".join(f"<script>\n{asset_text(p, n)}</script>\n" for p, n in js))


def asset_files() -> list[Path]:
    """Every file the pages inline (for checks and packaging tests)."""
    files = [_path(p, n) for p, n in _JS + _CLUSTER_JS + _CSS + _CLUSTER_CSS]
    files += sorted((ASSETS / "leaflet" / "images").glob("*.png"))
    return files
