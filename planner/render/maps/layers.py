"""The frame of the planner's web maps (folium / Leaflet): basemaps, boxes, legend, assets.

The layers themselves are built in the browser by :mod:`planner.render.maps.script`
from one embedded JSON object; this module makes the page around them: the
map with its three basemaps, the information box and the legend (fixed
Dutch text from :mod:`planner.core.vocabulary`; any outside text in ``info``
must already be escaped, see :func:`planner.maps.esc`), and the script tags.

The pages carry Leaflet, ``topojson-client`` and, on large maps only,
``leaflet.markercluster`` inside themselves (:mod:`planner.render.maps.bundle`,
copies in ``planner/render/maps/vendor/`` with their licences): a page opens without
any network; only the basemap tiles come from it, and when they cannot be
loaded the page says so in one Dutch line (the wards and signs still show).
jQuery, Bootstrap and Font Awesome that folium loads by default are left out.
"""

from __future__ import annotations

import json

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from planner.core.vocabulary import MARKER_NL, WARD_STATE_LEGEND
from planner.render.maps import bundle as maps_assets
from planner.render.maps import script as maps_script

# npm package -> version of the assets every page carries (planner/render/maps/vendor/)
ASSET_VERSIONS = maps_assets.ASSET_VERSIONS
BASEMAP_UNAVAILABLE = "De achtergrondkaart is niet beschikbaar (geen internetverbinding?)"

BASEMAPS = [
    # (name in the layer control, tile URL, attribution, max native zoom)
    ("PDOK BRT-Achtergrondkaart",
     "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
     'Kaartgegevens &copy; <a href="https://www.kadaster.nl">Kadaster</a>', 19),
    ("OpenStreetMap",
     "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap-bijdragers</a>', 19),
    ("PDOK Luchtfoto",
     "https://service.pdok.nl/hwh/luchtfotorgb/wmts/v1_0/Actueel_orthoHR/EPSG:3857/{z}/{x}/{y}.jpeg",
     "Luchtfoto &copy; Beeldmateriaal Nederland / PDOK", 19),
]

# Ward fill per status (keys as in planner.vocabulary.WARD_STATE_NL).
WARD_COLOURS = {"gedekt": "#1b9e77", "in_behandeling": "#f39c12", "niet_gedekt": "#9e9e9e"}
ENTRY_ROAD_COLOUR = "#7b1fa2"
NO_ENTRY_ROAD_COLOUR = "#d32f2f"
# Coverage per resident: (upper bound of the share, fill colour), and unknown.
CHORO_STEPS = [(0.0, "#f7f7f7"), (0.25, "#d9f0d3"), (0.5, "#a6dba0"), (0.75, "#5aae61"), (1.0, "#1b7837")]
CHORO_UNKNOWN = "#bdbdbd"

MARKER_ORDER = ["bord", "gepland", "aanvraag", "afgehandeld", "voorstel"]
LEGEND_SAMPLE = {"voorstel": "A-1"}  # what a marker of this kind shows (its id), in the legend

# branca's page, in Dutch (screen readers, spell checkers and translators read the language from it)
PAGE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="nl">\n'
    "<head>\n"
    "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
    "    {{this.header.render(**kwargs)}}\n"
    "</head>\n"
    "<body>\n"
    "    {{this.html.render(**kwargs)}}\n"
    "</body>\n"
    "<script>\n"
    "    {{this.script.render(**kwargs)}}\n"
    "</script>\n"
    "</html>\n",
)


def new_map(title: str, *, cluster: bool = False) -> folium.Map:
    """An empty map with the three basemaps (PDOK BRT first, the default).

    ``title`` (escaped text) becomes the page title; ``cluster`` also carries
    ``leaflet.markercluster``. Returns the map and, in ``m.planner_bases``,
    the basemap layers for the layer control.
    """
    m = folium.Map(tiles=None, control_scale=False, zoom_start=13, location=[52.43, 4.91],
                   prefer_canvas=True, zoom_snap=0.25, zoom_delta=0.5)
    m.default_js, m.default_css = [], []  # no CDN: the assets are inlined below
    m.get_root()._template = PAGE_TEMPLATE
    bases = []
    for k, (name, url, attr, native) in enumerate(BASEMAPS):
        layer = folium.TileLayer(url, attr=attr, name=name, max_native_zoom=native, max_zoom=21,
                                 overlay=False, control=False, show=k == 0)
        layer.add_to(m)
        bases.append((name, layer))
    m.planner_bases = bases
    m.get_root().header.add_child(RawHtml(
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f'<title>{title}</title>' + maps_assets.head_html(cluster=cluster)
        + f'<style>{maps_script.CSS}</style>'), name="planner_head")
    return m


class Box(MacroElement):
    """A Leaflet control holding fixed HTML (the legend or the information box)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function() {
            var d = L.DomUtil.create('div', {{ this.css_class|tojson }});
            d.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(d);
            L.DomEvent.disableScrollPropagation(d);
            return d;
          };
          c.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, position="bottomleft", css_class="pl-box"):
        super().__init__()
        self._name = "Box"
        self.html = html
        self.position = position
        self.css_class = css_class


class Layers(MacroElement):
    """The page's layers, built in the browser from the embedded data (see :mod:`planner.render.maps.script`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.script }}({{ this._parent.get_name() }}, {{ this.bases }});
        {% endmacro %}
    """)

    def __init__(self, bases: list[tuple[str, folium.TileLayer]]):
        super().__init__()
        self._name = "PlannerLayers"
        self.script = maps_script.SCRIPT.strip()
        self._bases = bases

    def render(self, **kwargs):
        self.bases = "{" + ", ".join(f"{json.dumps(name)}: {layer.get_name()}"
                                     for name, layer in self._bases) + "}"
        return super().render(**kwargs)


class RawHtml(Element):
    """HTML put into the page as it is: never read as a Jinja template (outside text may hold ``{{``)."""

    def __init__(self, text: str):
        super().__init__("")
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def data_element(text: str) -> RawHtml:
    """The embedded data: JSON text that is already safe inside ``<script>`` (see ``maps.to_json``)."""
    return RawHtml(f'<script type="application/json" id="pl-data">{text}</script>')


def legend_html(*, statuses=tuple(WARD_COLOURS), markers=(), entries=False, no_entries=False,
                clusters=False, choropleth=False, hidden=()) -> str:
    """The legend in Dutch (fixed text, no outside data), listing only what the map shows.

    Parameters
    ----------
    statuses : iterable of str
        The ward statuses (keys of ``WARD_COLOURS``) that occur on the map.
    markers : iterable of str
        The marker kinds that occur on the map.
    entries, no_entries : bool
        Whether entry roads / roads that are no entry are drawn.
    clusters : bool
        Whether markers are grouped at low zoom.
    choropleth : bool
        Whether the coverage-per-resident layer exists (its key shows while it is on).
    hidden : iterable of str
        Marker kinds whose layer starts switched off (the legend says where to switch it on).
    """
    statuses, markers, hidden = set(statuses), set(markers), set(hidden)
    rows = []
    for status, colour in WARD_COLOURS.items():
        if status in statuses:
            rows.append(f'<div><i class="sw" style="background:{colour}"></i>{WARD_STATE_LEGEND[status]}</div>')
    for kind in MARKER_ORDER:
        if kind in markers:
            symbol = LEGEND_SAMPLE.get(kind, "")
            wide = " wide" if symbol else ""
            off = " <em>(laag staat uit; aanzetten bij Kaartlagen)</em>" if kind in hidden else ""
            rows.append(f'<div><span class="ic pl-ic pl-{kind}{wide}">{symbol}</span>{MARKER_NL[kind]}{off}</div>')
    if clusters:
        rows.append('<div><span class="ic pl-cluster" style="width:18px;height:18px;font-size:9px">9</span>'
                    'groep symbolen (aantal); zoom in voor de symbolen</div>')
    if entries:
        rows.append(f'<div><i class="sw" style="background:{ENTRY_ROAD_COLOUR};height:4px"></i>invalsweg</div>')
    if no_entries:
        rows.append(f'<div><i class="sw" style="background:{NO_ENTRY_ROAD_COLOUR};height:4px"></i>'
                    'weg die geen invalsweg is (volgens het beleid)</div>')
    if choropleth:
        steps, low = [], 0
        for high, colour in CHORO_STEPS:
            pct = round(high * 100)
            label = "0%" if high == 0 else (f"tot {pct}%" if low == 0 else f"{low}-{pct}%")
            steps.append(f'<div><i class="sw" style="background:{colour}"></i>{label}</div>')
            low = pct
        steps.append(f'<div><i class="sw" style="background:{CHORO_UNKNOWN};border-style:dashed"></i>'
                     'inwonertal onbekend</div>')
        rows.append('<div class="pl-choro-legend"><b>Gedekte inwoners per wijk</b>' + "".join(steps) + "</div>")
    return '<details open><summary>Legenda</summary>' + "".join(rows) + "</details>"


def info_html(title: str, body: str, *, keep_open: bool = False) -> str:
    """The information box: ``title`` and ``body`` (both escaped HTML), folded on small screens
    unless ``keep_open``."""
    flag = ' data-keep-open="1"' if keep_open else ""
    return f"<details open{flag}><summary>{title}</summary>{body}</details>"


def finish(m: folium.Map, *, legend: str, info: str | None = None) -> folium.Map:
    """Add the information box, legend and the layers' script (which zooms to the data's ``bounds``)."""
    if info:
        Box(info, position="topright", css_class="pl-box pl-info").add_to(m)
    Box(legend, position="bottomleft", css_class="pl-box pl-legend").add_to(m)
    Layers(m.planner_bases).add_to(m)
    return m
