"""Building blocks of the planner's web maps (folium / Leaflet).

Basemaps, the map frame, GeoJSON layers with tooltips and popups, the legend
and the information box. Every piece of text these functions put into a page
must already be escaped HTML (see :func:`planner.maps.esc`); they add no
outside text of their own.

The pages load only Leaflet (one script, one stylesheet) from the jsDelivr
CDN: tooltips and popups are Leaflet's own (``GeoJsonTooltip`` /
``GeoJsonPopup``), markers are CSS ``divIcon`` shapes, so jQuery, Bootstrap
and Font Awesome that folium loads by default are left out.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

LEAFLET_VERSION = "1.9.3"
LEAFLET_JS = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CSS = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"

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

# Ward fill per status: (fill colour, label in the legend).
WARD_STYLES = {
    "gedekt": ("#1b9e77", "gedekt: heeft borden die volgens het beleid meetellen"),
    "in_behandeling": ("#f39c12", "aanvraag in behandeling: net toegekend (borden nog te plaatsen) "
                                  "of ter beoordeling"),
    "niet_gedekt": ("#9e9e9e", "niet gedekt: geen borden, geen lopende aanvraag"),
}
STATUS_NL = {"gedekt": "gedekt", "in_behandeling": "aanvraag in behandeling",
             "niet_gedekt": "niet gedekt"}
ENTRY_ROAD_COLOUR = "#7b1fa2"

# Marker shapes (CSS classes pl-<kind>), shared by the map and the legend.
MARKER_CSS = """
.pl-ic{display:flex!important;align-items:center;justify-content:center;box-sizing:border-box;
 font:bold 11px/1 Arial,sans-serif;box-shadow:0 1px 3px rgba(0,0,0,.5)}
.pl-bord{background:#ffd600;border:2px solid #222;border-radius:3px;color:#222}
.pl-bord:after{content:"!"}
.pl-gepland{background:#fff59d;border:2px dashed #555;border-radius:3px;color:#555}
.pl-gepland:after{content:"!"}
.pl-aanvraag{background:#c62828;border:2px solid #fff;border-radius:50% 50% 50% 0;color:#fff}
.pl-aanvraag:after{content:"A"}
.pl-afgehandeld{background:#757575;border:2px solid #fff;border-radius:50% 50% 50% 0;color:#fff}
.pl-afgehandeld:after{content:"A"}
.pl-voorstel{background:#0d47a1;border:2px solid #fff;border-radius:50%;color:#fff}
.pl-box{background:#fff;padding:6px 9px;border-radius:5px;box-shadow:0 1px 5px rgba(0,0,0,.4);
 font:12px/1.4 Arial,sans-serif;max-width:300px}
.pl-box h4{margin:0 0 4px;font-size:13px}
.pl-legend i.sw{display:inline-block;width:14px;height:10px;margin-right:6px;opacity:.8;
 border:1px solid #555}
.pl-legend .ic{display:inline-flex!important;width:16px;height:16px;margin-right:6px;vertical-align:middle}
.pl-legend div{margin:2px 0}
.leaflet-popup-content table td{padding:0}
"""

# Point features carry ``k`` (a kind from the fixed set above, never outside
# text) and optionally ``n`` (the rank of a proposal, an integer).
POINT_TO_LAYER = folium.JsCode("""
function(f, latlng) {
  var p = f.properties, s = p.k === 'voorstel' ? 22 : 18;
  return L.marker(latlng, {icon: L.divIcon({
    className: 'pl-ic pl-' + p.k, html: p.n ? String(p.n) : '',
    iconSize: [s, s], iconAnchor: [s / 2, s / 2], popupAnchor: [0, -s / 2],
    tooltipAnchor: [s / 2, 0]})});
}
""")


def new_map(title: str) -> folium.Map:
    """An empty map with the three basemaps (PDOK BRT first, the default).

    ``title`` (escaped text) becomes the page title.
    """
    m = folium.Map(tiles=None, control_scale=True, zoom_start=13, location=[52.43, 4.91])
    # Only Leaflet is needed (see the module docstring).
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    for k, (name, url, attr, native) in enumerate(BASEMAPS):
        folium.TileLayer(url, attr=attr, name=name, max_native_zoom=native, max_zoom=21,
                         overlay=False, control=True, show=k == 0).add_to(m)
    m.get_root().header.add_child(folium.Element(
        f'<title>{title}</title><style>{MARKER_CSS}</style>'), name="planner_head")
    return m


def geojson_layer(features: list[dict], name: str, *, style=None, points=False,
                  show=True, popup=True) -> folium.GeoJson:
    """A GeoJSON layer whose features carry escaped ``tip`` and ``pop`` properties.

    Tooltips and popups render those two properties as HTML (folium's
    ``GeoJsonTooltip``/``GeoJsonPopup`` insert them with ``innerHTML``), which
    is why they must be escaped before they get here.
    """
    data = {"type": "FeatureCollection", "features": features}
    kwargs = {}
    if points:
        kwargs["pointToLayer"] = POINT_TO_LAYER
    layer = folium.GeoJson(
        data, name=name, show=show,
        style_function=(lambda f: style) if style and not points else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False) if features else None,
        popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=360)
        if features and popup else None,
        **kwargs,
    )
    return layer


def ward_style(status: str, *, focus=False) -> dict:
    """Leaflet path style of a ward with ``status``."""
    colour = WARD_STYLES[status][0]
    return {"color": "#333" if focus else colour, "weight": 3 if focus else 1.5,
            "fillColor": colour, "fillOpacity": 0.45 if focus else 0.35}


class Box(MacroElement):
    """A Leaflet control holding fixed HTML (the legend or the decision box)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
          var c = L.control({position: {{ this.position|tojson }}});
          c.onAdd = function() {
            var d = L.DomUtil.create('div', {{ this.css_class|tojson }});
            d.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(d);
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


LEGEND_MARKERS = [  # (marker kind, symbol text, label), in legend order
    ("bord", "", "bord (geplaatst)"),
    ("gepland", "", "bord (gepland)"),
    ("aanvraag", "", "aanvraag in behandeling"),
    ("afgehandeld", "", "aanvraag afgehandeld"),
    ("voorstel", "1", "voorgestelde plek (nummer = rang)"),
]


def legend_html(*, statuses=tuple(WARD_STYLES), markers=(), entries=False) -> str:
    """The legend in Dutch (fixed text, no outside data), listing only what the map shows.

    Parameters
    ----------
    statuses : iterable of str
        The ward statuses (keys of ``WARD_STYLES``) that occur on the map.
    markers : iterable of str
        The marker kinds (``k`` of the point features) that occur on the map.
    entries : bool
        Whether entry roads are drawn.
    """
    statuses, markers = set(statuses), set(markers)
    rows = ["<h4>Legenda</h4>"]
    for status, (colour, label) in WARD_STYLES.items():
        if status in statuses:
            rows.append(f'<div><i class="sw" style="background:{colour}"></i>Wijk {label}</div>')
    for kind, symbol, label in LEGEND_MARKERS:
        if kind in markers:
            rows.append(f'<div><span class="ic pl-ic pl-{kind}">{symbol}</span>{label}</div>')
    if entries:
        rows.append(f'<div><i class="sw" style="background:{ENTRY_ROAD_COLOUR};height:4px"></i>'
                    'invalsweg</div>')
    return "".join(rows)


def finish(m: folium.Map, bounds, *, legend: str, info: str | None = None) -> folium.Map:
    """Add the information box, legend and layer control; zoom to ``bounds``."""
    if info:
        Box(info, position="topright", css_class="pl-box pl-info").add_to(m)
    Box(legend, position="bottomleft", css_class="pl-box pl-legend").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    if bounds is not None:
        m.fit_bounds(bounds, padding=(10, 10))
    return m
