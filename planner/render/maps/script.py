"""The JavaScript that builds a map's layers in the browser, and its CSS.

The page embeds one JSON object (``<script type="application/json"
id="pl-data">``, see :func:`planner.maps.page_data`): ward topology with
encoded arcs, columns of compact properties, a table of strings and the
Dutch words. :data:`SCRIPT` turns it into Leaflet layers:

* wards on Leaflet's canvas renderer (one ``<canvas>``, not one SVG path per
  ward), decoded with ``topojson-client``; names appear once a ward is wide
  enough on screen;
* markers (signs, requests, proposals) as CSS ``divIcon`` shapes in panes
  stacked by importance (proposals on top), clustered with
  ``leaflet.markercluster`` on large maps below ``clusterZoom``; markers that
  would overlap on screen are moved apart with a thin leader line to where
  they really are, so none hides another;
* layers that start hidden (settled requests, the coverage choropleth) and
  the entry roads (below ``roadsZoom``) are only built when needed;
* one shared tooltip and popups built on demand from the columns; every
  outside string passes ``esc()`` before it becomes HTML;
* a metric scale, a collapsible legend and a layer control that starts
  collapsed on small screens and folds away when a popup opens.
"""

from __future__ import annotations

from importlib import resources

# The page's own script and style, as real files in the package (read once, when the maps are made).
SCRIPT = resources.files("planner.render.maps").joinpath("page.js").read_text(encoding="utf-8")
CSS = resources.files("planner.render.maps").joinpath("page.css").read_text(encoding="utf-8")
