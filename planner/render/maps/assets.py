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

CSS = """
html .leaflet-container{font-size:12px}
.pl-ic{display:flex!important;align-items:center;justify-content:center;box-sizing:border-box;
 font:bold 11px/1 Arial,sans-serif;box-shadow:0 1px 3px rgba(0,0,0,.5);cursor:pointer}
.pl-bord{background:#ffd600;border:2px solid #222;border-radius:3px;color:#222}
.pl-bord:after{content:"!"}
.pl-gepland{background:#fff59d;border:2px dashed #555;border-radius:3px;color:#555}
.pl-gepland:after{content:"!"}
.pl-aanvraag{background:#c62828;border:2px solid #fff;border-radius:50% 50% 50% 0;color:#fff}
.pl-aanvraag:after{content:"A"}
.pl-afgehandeld{background:#757575;border:2px solid #fff;border-radius:50% 50% 50% 0;color:#fff}
.pl-afgehandeld:after{content:"A"}
.pl-voorstel{background:#0d47a1;border:2px solid #fff;border-radius:50%;color:#fff}
.pl-cluster{background:rgba(255,255,255,.9);border:3px solid #555;border-radius:50%;color:#222;
 font:bold 11px/1 Arial,sans-serif;display:flex!important;align-items:center;justify-content:center;
 box-sizing:border-box;box-shadow:0 1px 3px rgba(0,0,0,.4)}
.pl-cluster.c-aanvraag{border-color:#c62828}.pl-cluster.c-voorstel{border-color:#0d47a1}
.pl-label{background:none!important;border:0!important;font:bold 11px/1.1 Arial,sans-serif;color:#222;
 text-align:center;white-space:nowrap;pointer-events:none;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff}
.pl-box{background:#fff;padding:6px 9px;border-radius:5px;box-shadow:0 1px 5px rgba(0,0,0,.4);
 font:12px/1.4 Arial,sans-serif;max-width:300px}
.pl-box h4{margin:0 0 4px;font-size:13px}
.pl-box summary{cursor:pointer;font-weight:bold;font-size:13px}
.pl-box details[open] summary{margin-bottom:4px}
.pl-legend i.sw{display:inline-block;width:14px;height:10px;margin-right:6px;opacity:.8;
 border:1px solid #555;vertical-align:middle}
.pl-legend .ic{display:inline-flex!important;width:16px;height:16px;margin-right:6px;vertical-align:middle}
.pl-legend div{margin:2px 0}
.pl-legend .pl-choro-legend{display:none}
.pl-legend.pl-choro-on .pl-choro-legend{display:block}
.pl-pop ul{margin:0;padding-left:16px}
@media (max-width:640px){
 .pl-box{max-width:52vw;font-size:11px;padding:4px 6px}
 .pl-box summary,.pl-box h4{font-size:12px}
}
"""

SCRIPT = r"""
(function (map, bases) {
'use strict';
var mark = function (name) { if (window.performance && performance.mark) performance.mark('pl-' + name); };
mark('start');
var D = JSON.parse(document.getElementById('pl-data').textContent);
mark('parsed');
// the final view first: layers are projected once, for the zoom they are seen at
if (D.bounds) map.fitBounds(D.bounds, {padding: [10, 10], animate: false});
var W = D.words, LB = W.labels, S = D.strings, O = D.grid.origin, Q = D.grid.q;
var small = window.innerWidth < 700 || window.innerHeight < 500;
var ENT = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
function esc(v) { return v === null || v === undefined ? '' : String(v).replace(/[&<>"']/g, function (c) { return ENT[c]; }); }
function str(i) { return i === null || i === undefined || i < 0 ? '' : S[i]; }
function rows(pairs) {
  return pairs.filter(function (p) { return p[1] !== '' && p[1] !== null && p[1] !== undefined; })
    .map(function (p) { return '<b>' + esc(p[0]) + ':</b> ' + p[1]; }).join('<br>');
}
function num(v, d) {
  if (v === null || v === undefined) return esc(W.unknown);
  return v.toLocaleString('nl-NL', {minimumFractionDigits: d || 0, maximumFractionDigits: d || 0});
}
function pct(v) { return v === null || v === undefined ? esc(W.unknown) : num(v * 100, v * 100 % 1 ? 1 : 0) + '%'; }
// encoded polyline integers (zig-zag, 5-bit groups); arithmetic, not 32-bit shifts
function ints(s) {
  var out = [], acc = 0, mul = 1;
  for (var i = 0; i < s.length; i++) {
    var b = s.charCodeAt(i) - 63;
    acc += (b & 31) * mul;
    if (b < 32) { out.push(acc % 2 ? -(acc + 1) / 2 : acc / 2); acc = 0; mul = 1; } else { mul *= 32; }
  }
  return out;
}
function latlngs(s) {
  var v = ints(s), out = [], x = 0, y = 0;
  for (var i = 0; i + 1 < v.length; i += 2) { x += v[i]; y += v[i + 1]; out.push(L.latLng(O[1] + y * Q, O[0] + x * Q)); }
  return out;
}
function pane(name, z) { var p = map.getPane(name) || map.createPane(name); p.style.zIndex = z; return name; }
pane('pl-choro', 410); pane('pl-labels', 450); pane('pl-afgehandeld', 610); pane('pl-bord', 620);
pane('pl-aanvraag', 630); pane('pl-voorstel', 640);
var renderer = L.canvas({padding: 0.3, tolerance: 4});
var choroRenderer = L.canvas({padding: 0.3, pane: 'pl-choro'});
var tip = L.tooltip({direction: 'top', offset: [0, -4], opacity: 0.95});
function showTip(latlng, html) { tip.setLatLng(latlng).setContent(html); if (!map.hasLayer(tip)) tip.addTo(map); }
function hideTip() { if (map.hasLayer(tip)) map.removeLayer(tip); }
function openPopup(latlng, html, offset) {
  hideTip();
  L.popup({maxWidth: 360, offset: offset || [0, 0], autoPanPadding: [12, 12], className: 'pl-pop'})
    .setLatLng(latlng).setContent(html).openOn(map);
}
window.plannerMap = {map: map, data: D, layers: {}, markers: []};
var API = window.plannerMap, overlays = {};

// ------------------------------------------------------------- wards
var WD = D.wards, nWards = WD.code.length, wardPolys = new Array(nWards);
var STATE_KEYS = W.stateKeys;
function wardName(i) { return esc(WD.name[i]) + ' (' + esc(WD.code[i]) + ')'; }
var countedBy = {}, requestsBy = {}, groupsBy = {};
(function () {
  var sg = D.signs;
  if (sg) for (var k = 0; k < sg.id.length; k++) if (sg.c[k] && sg.w[k] >= 0) (countedBy[sg.w[k]] = countedBy[sg.w[k]] || []).push(k);
  if (sg && sg.cx) sg.cx.forEach(function (p) { (countedBy[p[1]] = countedBy[p[1]] || []).push(p[0]); });
  var dc = D.decisions;
  if (dc) for (var j = 0; j < dc.id.length; j++) if (dc.w[j] >= 0) (requestsBy[dc.w[j]] = requestsBy[dc.w[j]] || []).push(j);
  (D.wardGroups || []).forEach(function (p) { (groupsBy[p[0]] = groupsBy[p[0]] || []).push(p[1]); });
})();
function groupLabel(g) {
  if (g === null || g === undefined || g < 0) return '';
  var name = D.groups.name[g];
  return name ? esc(name) + ' (' + esc(D.groups.id[g]) + ')' : esc(D.groups.id[g]) + ' ' + esc(LB.unknownGroup);
}
function signLabel(k) {
  var sg = D.signs, street = str(sg.street[k]);
  return esc(sg.id[k]) + (street ? ' (' + esc(street) + ')' : '');
}
function wardPopup(i) {
  var counted = countedBy[i] || [], shown = counted.slice(0, 12).map(signLabel);
  if (counted.length > 12) shown.push(esc(LB.andMore.replace('{n}', counted.length - 12)));
  var pairs = [[LB.ward, wardName(i)], [LB.status, esc(W.states[STATE_KEYS[WD.state[i]]])],
               [LB.countedSigns, String(counted.length) + (shown.length ? ': ' + shown.join(', ') : '')]];
  if (WD.pop) pairs.push([LB.residents, num(WD.pop[i])]);
  if (WD.wijk && WD.wijk[i] >= 0) {
    var wk = D.wijken, j = WD.wijk[i];
    pairs.push([LB.wijk, esc(wk.name[j]) + ': ' + esc(LB.shareOf.replace('{share}', pct(wk.share[j]))
      .replace('{residents}', num(wk.residents[j])))]);
  }
  if (D.public) {
    pairs.push([LB.activeGroups, (groupsBy[i] || []).map(groupLabel).join(', ')]);
  } else {
    (requestsBy[i] || []).forEach(function (j) {
      var dc = D.decisions;
      pairs.push([LB.request + ' ' + dc.id[j], groupLabel(dc.g[j]) + ', ' + esc(dc.date[j]) + ': ' +
        esc(W.outcomes[W.outcomeKeys[dc.out[j]]])]);
    });
  }
  return rows(pairs);
}
var wardFeatures = topojson.feature((function () {
  var t = D.topo;
  return {type: 'Topology', transform: t.transform, objects: t.objects, arcs: t.arcs.map(function (s) {
    var v = ints(s), a = new Array(v.length / 2);
    for (var i = 0; i < v.length; i += 2) a[i / 2] = [v[i], v[i + 1]];
    return a;
  })};
})(), D.topo.objects.wards).features;
var thin = false;  // far out, borders are hairlines (else 15,000 outlines are all one sees)
function wardStyle(i) {
  var st = W.stateStyle[STATE_KEYS[WD.state[i]]], focus = D.focus === i;
  return {renderer: renderer, color: focus ? '#333' : st.colour, weight: focus ? 3 : thin ? 0.4 : 1.2,
          fillColor: st.colour, fillOpacity: focus ? 0.45 : thin ? 0.55 : 0.35};
}
function setThin() {
  var want = map.getZoom() < D.opts.thinBelow;
  if (want === thin) return;
  thin = want;
  for (var i = 0; i < nWards; i++) if (wardPolys[i]) wardPolys[i].setStyle(wardStyle(i));
}
thin = map.getZoom() < D.opts.thinBelow;
map.on('zoomend', setThin);
var wardLayer = L.featureGroup();
wardFeatures.forEach(function (f, i) {
  if (!f.geometry) return;
  var deep = f.geometry.type === 'Polygon' ? 1 : 2;
  var poly = L.polygon(L.GeoJSON.coordsToLatLngs(f.geometry.coordinates, deep), wardStyle(i));
  poly._pl = i; wardPolys[i] = poly; wardLayer.addLayer(poly);
});
wardLayer.on('click', function (e) { openPopup(e.latlng, wardPopup(e.layer._pl)); });
wardLayer.on('mouseover', function (e) {
  var i = e.layer._pl; e.layer.setStyle({weight: 3, fillOpacity: 0.6});
  showTip(e.latlng, esc(WD.name[i]) + ': ' + esc(W.states[STATE_KEYS[WD.state[i]]]));
});
wardLayer.on('mousemove', function (e) { if (map.hasLayer(tip)) tip.setLatLng(e.latlng); });
wardLayer.on('mouseout', function (e) { e.layer.setStyle(wardStyle(e.layer._pl)); hideTip(); });
mark('wards-built');
wardLayer.addTo(map);
mark('wards-added');
overlays[W.layers.wards] = wardLayer; API.layers.wards = wardLayer;

// ward names, once a ward is wide enough on screen
var labelLayer = L.layerGroup().addTo(map), labelPts = WD.label ? latlngs(WD.label) : [];
function labelSpot(poly, at, view) {
  if (at && view.contains(at)) return at;
  // the label point is off screen: a spot in the part of the ward that is on screen
  var b = poly.getBounds(), s = Math.max(b.getSouth(), view.getSouth()), n = Math.min(b.getNorth(), view.getNorth());
  var w = Math.max(b.getWest(), view.getWest()), e = Math.min(b.getEast(), view.getEast());
  var f = [0.5, 0.3, 0.7, 0.15, 0.85];
  for (var y = 0; y < f.length; y++) for (var x = 0; x < f.length; x++) {
    var ll = L.latLng(s + (n - s) * f[y], w + (e - w) * f[x]);
    if (poly._containsPoint && poly._containsPoint(map.latLngToLayerPoint(ll))) return ll;
  }
  return null;
}
function updateLabels() {
  labelLayer.clearLayers();
  if (!map.hasLayer(wardLayer) || map.getZoom() < D.opts.labelZoom) return;
  var view = map.getBounds().pad(-0.05), shown = 0;
  for (var i = 0; i < nWards && shown < 400; i++) {
    var poly = wardPolys[i];
    if (!poly || !view.intersects(poly.getBounds())) continue;
    var b = poly.getBounds(), a = map.project(b.getNorthWest()), c = map.project(b.getSouthEast());
    var text = WD.name[i], w = Math.min(text.length * 6.5 + 8, 180);
    if (c.x - a.x < w || c.y - a.y < 22) continue;
    var at = labelSpot(poly, labelPts[i], view);
    if (!at) continue;
    // next to the markers, never under one
    var p = map.latLngToLayerPoint(at), dy = null;
    for (var k = 0; k < LABEL_SHIFTS.length; k++) {
      if (!hitsMarker(p.x, p.y + LABEL_SHIFTS[k], w / 2, 8)) { dy = LABEL_SHIFTS[k]; break; }
    }
    if (dy === null) continue;
    labelLayer.addLayer(L.marker(at, {pane: 'pl-labels', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'pl-label', html: esc(text), iconSize: [w, 14], iconAnchor: [w / 2, 7 - dy]})}));
    shown++;
  }
}

// ------------------------------------------------------------- markers
var SIZE = {bord: 18, gepland: 18, aanvraag: 18, afgehandeld: 18, voorstel: 22};
var PRIO = {voorstel: 0, aanvraag: 1, bord: 2, gepland: 2, afgehandeld: 3};
var PANE = {voorstel: 'pl-voorstel', aanvraag: 'pl-aanvraag', bord: 'pl-bord', gepland: 'pl-bord',
            afgehandeld: 'pl-afgehandeld'};
var icons = {};
function icon(kind, n) {
  var key = kind + (n || ''), s = SIZE[kind];
  return icons[key] || (icons[key] = L.divIcon({className: 'pl-ic pl-' + kind, html: n ? String(n) : '',
    iconSize: [s, s], iconAnchor: [s / 2, s / 2]}));
}
function marker(latlng, kind, i, n) {
  var m = L.marker(latlng, {icon: icon(kind, n), pane: PANE[kind]});
  m._pl = {k: kind, i: i, off: [0, 0]};
  API.markers.push(m);
  return m;
}
function signPopup(k) {
  var sg = D.signs, st = W.signStatus[sg.st[k] ? 'planned' : 'placed'], req = str(sg.req ? sg.req[k] : -1);
  return rows([[LB.sign, esc(sg.id[k])], [LB.status, esc(st) + (req ? ' (' + esc(LB.request.toLowerCase()) + ' ' + esc(req) + ')' : '')],
               [LB.street, esc(str(sg.street[k]))], [LB.placedOn, esc(str(sg.date[k]))],
               [LB.ward, sg.w[k] >= 0 ? wardName(sg.w[k]) : ''],
               [LB.counts, sg.c[k] ? esc(W.yes) : esc(W.no)]]);
}
function signTip(k) { var street = str(D.signs.street[k]); return esc(LB.sign) + ' ' + esc(D.signs.id[k]) + (street ? ', ' + esc(street) : ''); }
function requestPopup(j) {
  var dc = D.decisions, notes = dc.notes[j] || [], admins = (D.admins || {})[dc.g[j]] || [];
  var html = rows([[LB.request, esc(dc.id[j]) + ' ' + esc(LB.of) + ' ' + esc(dc.date[j])], [LB.group, groupLabel(dc.g[j])],
    [LB.ward, dc.w[j] >= 0 ? esc(WD.name[dc.w[j]]) : esc(W.outside)],
    [LB.decision, esc(W.outcomes[W.outcomeKeys[dc.out[j]]])], [LB.reason, esc(dc.reason[j])],
    [LB.notes, notes.map(esc).join('<br>')]]);
  if (admins.length) {
    html += '<br><b>' + esc(LB.admins) + ':</b><ul>' + admins.map(function (a) {
      return '<li>' + a.filter(function (v) { return v; }).map(esc).join(' &middot; ') + '</li>';
    }).join('') + '</ul>';
  }
  return html;
}
function requestTip(j) { var dc = D.decisions; return esc(LB.request) + ' ' + esc(dc.id[j]) + ' (' + esc(W.outcomes[W.outcomeKeys[dc.out[j]]]) + ')'; }
function proposalPopup(k) {
  var pr = D.proposals, road = str(pr.road[k]) || W.unnamedRoad;
  return rows([[LB.proposal, String(pr.rank[k]) + ' ' + esc(LB.forRequest) + ' ' + esc(pr.req[k])],
    [LB.road, esc(road) + ' (' + esc(str(pr.cls[k])) + ')'], [LB.score, pr.score[k] === null ? '' : esc(pr.score[k])],
    [LB.explanation, esc(str(pr.expl[k]))], ['RD', pr.rd[2 * k] + ', ' + pr.rd[2 * k + 1]]]);
}
function proposalTip(k) { var pr = D.proposals; return esc(LB.proposal) + ' ' + pr.rank[k] + ': ' + esc(str(pr.road[k]) || W.unnamedRoad); }
var POPUP = {bord: signPopup, gepland: signPopup, aanvraag: requestPopup, afgehandeld: requestPopup, voorstel: proposalPopup};
var TIP = {bord: signTip, gepland: signTip, aanvraag: requestTip, afgehandeld: requestTip, voorstel: proposalTip};

var groups = [];  // overlays of markers: {layer, build(), markers}
var nPoints = (D.signs ? D.signs.id.length : 0) + (D.decisions ? D.decisions.id.length : 0) +
              (D.proposals ? D.proposals.rank.length : 0);
var cluster = D.opts.cluster && nPoints > D.opts.clusterMin && L.markerClusterGroup ? L.markerClusterGroup({
  disableClusteringAtZoom: D.opts.clusterZoom, maxClusterRadius: 60, showCoverageOnHover: false,
  spiderfyOnMaxZoom: false, removeOutsideVisibleBounds: true, chunkedLoading: false,
  iconCreateFunction: function (c) {
    var kids = c.getAllChildMarkers(), n = kids.length, cls = 'pl-cluster', s = n < 10 ? 24 : n < 100 ? 28 : n < 1000 ? 34 : 40;
    for (var i = 0; i < n; i++) { var k = kids[i]._pl.k; if (k === 'voorstel') { cls += ' c-voorstel'; break; } if (k === 'aanvraag') cls = 'pl-cluster c-aanvraag'; }
    return L.divIcon({className: cls, html: String(n), iconSize: [s, s]});
  }}) : null;
if (cluster) {
  cluster.addTo(map);
  cluster.on('click', function (e) { var m = e.layer; if (m._pl) openPopup(m.getLatLng(), POPUP[m._pl.k](m._pl.i), popupOffset(m)); });
  cluster.on('mouseover', function (e) { var m = e.layer; if (m._pl) showTip(m.getLatLng(), TIP[m._pl.k](m._pl.i)); });
  cluster.on('mouseout', hideTip);
  cluster.on('animationend', schedule);
}
function popupOffset(m) { var s = SIZE[m._pl.k]; return [m._pl.off[0], m._pl.off[1] - s / 2]; }
function markerGroup(name, build, show) {
  var list = null, layer = L.featureGroup();
  function get() { if (!list) list = build(); return list; }
  layer.on('add', function () {
    if (cluster) cluster.addLayers(get()); else get().forEach(function (m) { layer.addLayer(m); });
    schedule();
  });
  layer.on('remove', function () { if (cluster && list) cluster.removeLayers(list); });
  if (!cluster) {
    layer.on('click', function (e) { var m = e.layer; openPopup(m.getLatLng(), POPUP[m._pl.k](m._pl.i), popupOffset(m)); });
    layer.on('mouseover', function (e) { var m = e.layer; showTip(m.getLatLng(), TIP[m._pl.k](m._pl.i)); });
    layer.on('mouseout', hideTip);
  }
  if (show) layer.addTo(map);
  overlays[name] = layer;
  return layer;
}
if (D.signs && D.signs.id.length) {
  API.layers.signs = markerGroup(W.layers.signs, function () {
    var pts = latlngs(D.signs.xy);
    return pts.map(function (p, k) { return marker(p, D.signs.st[k] ? 'gepland' : 'bord', k); });
  }, true);
}
if (D.decisions && D.decisions.id.length) {
  var dpts = null;
  var decisionPoints = function () { return dpts || (dpts = latlngs(D.decisions.xy)); };
  var byOpen = function (open) {
    return function () {
      var out = [], pts = decisionPoints();
      for (var j = 0; j < pts.length; j++) if (!!D.decisions.open[j] === open) out.push(marker(pts[j], open ? 'aanvraag' : 'afgehandeld', j));
      return out;
    };
  };
  if (D.decisions.open.some(function (v) { return v; })) API.layers.open = markerGroup(W.layers.openRequests, byOpen(true), true);
  if (D.decisions.open.some(function (v) { return !v; })) API.layers.settled = markerGroup(W.layers.settledRequests, byOpen(false), D.opts.showSettled);
}
if (D.proposals && D.proposals.rank.length) {
  API.layers.proposals = markerGroup(W.layers.proposals, function () {
    return latlngs(D.proposals.xy).map(function (p, k) { return marker(p, 'voorstel', k, D.proposals.rank[k]); });
  }, true);
}

mark('markers');
// no marker hides another: move overlapping ones apart (most important stays), with a leader line
var leaders = L.layerGroup().addTo(map), pending = false;
function schedule() { if (!pending) { pending = true; L.Util.requestAnimFrame(function () { pending = false; declutter(); updateLabels(); }); } }
var cells = {}, C = 48, LABEL_SHIFTS = [0, 18, -18, 32, -32];
function hitsMarker(x, y, hw, hh) {
  for (var gx = Math.floor((x - hw) / C) - 1; gx <= Math.floor((x + hw) / C) + 1; gx++) {
    for (var gy = Math.floor((y - hh) / C) - 1; gy <= Math.floor((y + hh) / C) + 1; gy++) {
      var c = cells[gx + ',' + gy];
      if (c) for (var j = 0; j < c.length; j++) if (Math.abs(c[j][0] - x) < c[j][2] + hw && Math.abs(c[j][1] - y) < c[j][2] + hh) return true;
    }
  }
  return false;
}
function declutter() {
  leaders.clearLayers();
  var vis = API.markers.filter(function (m) { return m._icon && m._map; });
  var prio = function (m) { return m._pl ? PRIO[m._pl.k] : 4; };
  var size = function (m) { return m._pl ? SIZE[m._pl.k] : (m._iconObj && m._iconObj.options.iconSize ? m._iconObj.options.iconSize[0] : m._icon.offsetWidth); };
  vis.sort(function (a, b) { return prio(a) - prio(b) || (a._pl ? a._pl.i : L.stamp(a)) - (b._pl ? b._pl.i : L.stamp(b)); });
  cells = {};
  function boxes(x, y) { var out = []; for (var gx = Math.floor(x / C) - 1; gx <= Math.floor(x / C) + 1; gx++) for (var gy = Math.floor(y / C) - 1; gy <= Math.floor(y / C) + 1; gy++) { var c = cells[gx + ',' + gy]; if (c) out = out.concat(c); } return out; }
  function free(x, y, h) { return boxes(x, y).every(function (b) { return Math.abs(b[0] - x) >= b[2] + h || Math.abs(b[1] - y) >= b[2] + h; }); }
  vis.forEach(function (m) {
    var s = size(m), h = s / 2 + 1, p = map.latLngToLayerPoint(m.getLatLng()), off = [0, 0];
    if (!free(p.x, p.y, h)) {
      search: for (var r = 1; r <= 4; r++) {
        for (var a = 0; a < 8 * r; a++) {
          var ang = -Math.PI / 2 + a * 2 * Math.PI / (8 * r), dx = Math.round(Math.cos(ang) * r * (s + 6)), dy = Math.round(Math.sin(ang) * r * (s + 6));
          if (free(p.x + dx, p.y + dy, h)) { off = [dx, dy]; break search; }
        }
      }
    }
    if (m._pl) m._pl.off = off;
    m._icon.style.marginLeft = (off[0] - s / 2) + 'px';
    m._icon.style.marginTop = (off[1] - s / 2) + 'px';
    var key = Math.floor((p.x + off[0]) / C) + ',' + Math.floor((p.y + off[1]) / C);
    (cells[key] = cells[key] || []).push([p.x + off[0], p.y + off[1], h]);
    if (off[0] || off[1]) {
      leaders.addLayer(L.polyline([m.getLatLng(), map.layerPointToLatLng(L.point(p.x + off[0], p.y + off[1]))],
        {renderer: renderer, interactive: false, color: '#222', weight: 1.5, opacity: 0.9}));
      leaders.addLayer(L.circleMarker(m.getLatLng(), {renderer: renderer, interactive: false, radius: 2.5,
        color: '#222', weight: 1, fillColor: '#222', fillOpacity: 1}));
    }
  });
}
map.on('zoomend moveend overlayadd overlayremove', schedule);

// ------------------------------------------------------------- roads
function roadLayer(name, roads, entry, show) {
  var built = null, layer = L.layerGroup();
  function build() {
    built = L.featureGroup();
    for (var k = 0; k < roads.name.length; k++) {
      if (!!roads.entry[k] !== entry) continue;
      roads.line[k].split(' ').forEach(function (s) {
        if (!s) return;
        var line = L.polyline(latlngs(s), {renderer: renderer, color: entry ? W.entryColour : W.noEntryColour,
          weight: 5, opacity: 0.85, dashArray: entry ? null : '6 6'});
        line._pl = k; built.addLayer(line);
      });
    }
    built.on('click', function (e) { openPopup(e.latlng, roadPopup(e.layer._pl)); });
    built.on('mouseover', function (e) { showTip(e.latlng, roadTip(e.layer._pl)); });
    built.on('mouseout', hideTip);
  }
  function sync() {
    if (!map.hasLayer(layer)) return;
    var want = map.getZoom() >= D.opts.roadsZoom;
    if (want && !built) build();
    if (built && want && !layer.hasLayer(built)) layer.addLayer(built);
    if (built && !want && layer.hasLayer(built)) layer.removeLayer(built);
  }
  layer.on('add', sync); map.on('zoomend', sync);
  if (show) layer.addTo(map);
  overlays[name] = layer;
  return layer;
}
function roadPopup(k) {
  var r = D.roads, name = esc(str(r.name[k]) || W.unnamedRoad);
  return rows([[r.entry[k] ? LB.entryRoad : LB.noEntryRoad, name], [LB.roadClass, esc(str(r.cls[k]))],
               [LB.ward, r.w[k] >= 0 ? wardName(r.w[k]) : '']]);
}
function roadTip(k) { var r = D.roads; return esc(r.entry[k] ? LB.entryRoad : LB.noEntryRoad) + ': ' + esc(str(r.name[k]) || W.unnamedRoad); }
if (D.roads && D.roads.name.length) {
  if (D.roads.entry.some(function (v) { return v; })) API.layers.entries = roadLayer(W.layers.entryRoads, D.roads, true, true);
  if (D.roads.entry.some(function (v) { return !v; })) API.layers.noEntries = roadLayer(W.layers.noEntryRoads, D.roads, false, true);
}

// ------------------------------------------------------------- coverage per resident
if (D.wijken || WD.pop) {
  var choro = L.layerGroup(), choroBuilt = false;
  var choroColour = function (share) {
    if (share === null || share === undefined) return W.choro.unknown;
    for (var i = 0; i < W.choro.steps.length; i++) if (share <= W.choro.steps[i][0]) return W.choro.steps[i][1];
    return W.choro.steps[W.choro.steps.length - 1][1];
  };
  var buildChoro = function () {
    choroBuilt = true;
    var topo = {type: 'Topology', transform: D.topo.transform, arcs: null, objects: D.topo.objects};
    var parts = [];
    if (D.wijken) {
      var byWijk = {};
      D.topo.objects.wards.geometries.forEach(function (g, i) { if (g && WD.wijk[i] >= 0) (byWijk[WD.wijk[i]] = byWijk[WD.wijk[i]] || []).push(g); });
      topo.arcs = wardArcs();
      Object.keys(byWijk).forEach(function (j) { parts.push({j: +j, geom: topojson.merge(topo, byWijk[j])}); });
    }
    parts.forEach(function (p) {
      var wk = D.wijken, j = p.j;
      var layer = L.polygon(L.GeoJSON.coordsToLatLngs(p.geom.coordinates, 2), {renderer: choroRenderer,
        color: '#444', weight: 1.5, fillColor: choroColour(wk.share[j]), fillOpacity: 0.75,
        dashArray: wk.share[j] === null ? '4 4' : null});
      var html = rows([[LB.wijk, esc(wk.name[j])], [LB.coveredShare, pct(wk.share[j])],
        [LB.residents, num(wk.residents[j])], [LB.coveredResidents, num(wk.covered[j])],
        [LB.signsPer1000, num(wk.per1000[j], 1)],
        [LB.unknownPopulation, wk.unknown[j] ? String(wk.unknown[j]) : '']]);
      layer.on('click', function (e) { openPopup(e.latlng, html); });
      layer.on('mouseover', function (e) { showTip(e.latlng, esc(wk.name[j]) + ': ' + pct(wk.share[j])); });
      layer.on('mouseout', hideTip);
      choro.addLayer(layer);
    });
    if (!parts.length) {  // no wijken: each ward by its own share
      wardPolys.forEach(function (poly, i) {
        if (!poly) return;
        var share = WD.pop && WD.pop[i] !== null && WD.pop[i] > 0 ? (WD.state[i] === 0 ? 1 : 0) : null;
        var layer = L.polygon(poly.getLatLngs(), {renderer: choroRenderer, color: '#444', weight: 1,
          fillColor: choroColour(share), fillOpacity: 0.75, interactive: false});
        choro.addLayer(layer);
      });
    }
  };
  var arcsCache = null;
  var wardArcs = function () {
    return arcsCache || (arcsCache = D.topo.arcs.map(function (s) {
      var v = ints(s), a = [];
      for (var i = 0; i < v.length; i += 2) a.push([v[i], v[i + 1]]);
      return a;
    }));
  };
  choro.on('add', function () { if (!choroBuilt) buildChoro(); legendChoro(true); });
  choro.on('remove', function () { legendChoro(false); });
  overlays[W.layers.choropleth] = choro; API.layers.choropleth = choro;
}
function legendChoro(on) { var el = document.querySelector('.pl-legend'); if (el) el.classList.toggle('pl-choro-on', on); }

// ------------------------------------------------------------- controls
var control = L.control.layers(bases, overlays, {collapsed: small, position: 'topright'}).addTo(map);
API.control = control;
var corner = control.getContainer().parentNode;
corner.insertBefore(control.getContainer(), corner.firstChild);  // above the information box
map.on('popupopen', function () { control.collapse(); });
L.control.scale({imperial: false, metric: true, position: 'bottomright', maxWidth: 150}).addTo(map);
if (small) document.querySelectorAll('.pl-box details').forEach(function (d) { d.open = !!d.dataset.keepOpen; });
map.whenReady(schedule);
schedule();
mark('done');
})
"""
