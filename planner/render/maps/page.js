(function (map, bases) {
'use strict';
var mark = function (name) { if (window.performance && performance.mark) performance.mark('pl-' + name); };
mark('start');
var D = JSON.parse(document.getElementById('pl-data').textContent);
mark('parsed');
var W = D.words, LB = W.labels, S = D.strings, O = D.grid.origin, Q = D.grid.q;
var small = window.innerWidth < 700 || window.innerHeight < 500;
// panels fold on small screens (a decision's information box stays open), before the view is chosen
if (small) document.querySelectorAll('.pl-box details').forEach(function (d) { d.open = !!d.dataset.keepOpen; });
if (small && map.zoomControl) map.zoomControl.setPosition('bottomright');  // pinch to zoom; the corner stays free
// the final view first: layers are projected once, for the zoom they are seen at (refined at the end)
if (D.bounds) map.fitBounds(D.bounds, {padding: [10, 10], animate: false});
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
function wardName(i) { return esc(WD.name[i]) + ' (' + esc(LB.wardCode) + ' ' + esc(WD.code[i]) + ')'; }
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
  return name ? esc(name) + ' (' + esc(LB.groupCode) + ' ' + esc(D.groups.id[g]) + ')' : esc(D.groups.id[g]) + ' ' + esc(LB.unknownGroup);
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

// ward names: every ward in view gets one, where it collides with no other name, marker or panel;
// inside the ward where it fits, else beside it with a thin line to the ward
var labelLayer = L.layerGroup().addTo(map), labelLines = L.layerGroup().addTo(map);
var labelPts = WD.label ? latlngs(WD.label) : [];
var measureCtx = document.createElement('canvas').getContext('2d');
function textWidth(text, font) { measureCtx.font = font; return Math.ceil(measureCtx.measureText(text).width); }
var LABEL_FONT = 'bold 11px Arial, sans-serif', LABEL_H = 14, MAX_OUTSIDE = 80;
// rectangles on screen (container pixels), in a grid of cells: markers, names, panels
function RectIndex() { this.cells = {}; }
RectIndex.prototype.C = 48;
RectIndex.prototype.add = function (x, y, hw, hh) {
  var C = this.C, r = [x, y, hw, hh];
  for (var gx = Math.floor((x - hw) / C); gx <= Math.floor((x + hw) / C); gx++)
    for (var gy = Math.floor((y - hh) / C); gy <= Math.floor((y + hh) / C); gy++)
      (this.cells[gx + ',' + gy] = this.cells[gx + ',' + gy] || []).push(r);
};
RectIndex.prototype.hits = function (x, y, hw, hh, gap) {
  var C = this.C; gap = gap || 0;
  for (var gx = Math.floor((x - hw) / C); gx <= Math.floor((x + hw) / C); gx++)
    for (var gy = Math.floor((y - hh) / C); gy <= Math.floor((y + hh) / C); gy++) {
      var c = this.cells[gx + ',' + gy];
      if (c) for (var j = 0; j < c.length; j++)
        if (Math.abs(c[j][0] - x) < c[j][2] + hw + gap && Math.abs(c[j][1] - y) < c[j][3] + hh + gap) return true;
    }
  return false;
};
var markerRects = new RectIndex();
function panelRects() {
  var box = map.getContainer().getBoundingClientRect(), out = [];
  document.querySelectorAll('.leaflet-control').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width && r.height) out.push([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
  });
  return out;
}
function underPanel(panels, x, y, hw, hh) {
  for (var k = 0; k < panels.length; k++) {
    var r = panels[k];
    if (x + hw > r[0] - 2 && x - hw < r[2] + 2 && y + hh > r[1] - 2 && y - hh < r[3] + 2) return true;
  }
  return false;
}
function insideWard(poly, cx, cy, hw, hh) {
  var pts = [[cx, cy], [cx - hw, cy - hh], [cx + hw, cy - hh], [cx - hw, cy + hh], [cx + hw, cy + hh]];
  for (var k = 0; k < pts.length; k++) {
    if (!poly._containsPoint(map.containerPointToLayerPoint(L.point(pts[k][0], pts[k][1])))) return false;
  }
  return true;
}
function updateLabels() {
  labelLayer.clearLayers(); labelLines.clearLayers();
  API.labels = [];
  if (!map.hasLayer(wardLayer) || map.getZoom() < D.opts.labelZoom) return;
  var size = map.getSize(), view = map.getBounds(), panels = panelRects(), placed = new RectIndex();
  var todo = [];
  for (var i = 0; i < nWards; i++) {
    var poly = wardPolys[i];
    if (!poly || !view.intersects(poly.getBounds())) continue;
    var b = poly.getBounds(), a = map.latLngToContainerPoint(b.getNorthWest()), c = map.latLngToContainerPoint(b.getSouthEast());
    todo.push({i: i, area: Math.max(1, (c.x - a.x) * (c.y - a.y)), a: a, c: c});
  }
  var outside = todo.length <= MAX_OUTSIDE;
  todo.sort(function (p, q) { return p.area - q.area; });  // the smallest wards have the fewest places
  var margin = 3;
  function fits(x, y, hw, hh) {
    return x - hw >= margin && y - hh >= margin && x + hw <= size.x - margin && y + hh <= size.y - margin &&
      !underPanel(panels, x, y, hw, hh) && !placed.hits(x, y, hw, hh, 2) && !markerRects.hits(x, y, hw, hh, 1);
  }
  todo.slice(0, 400).forEach(function (t) {
    var i = t.i, poly = wardPolys[i], text = WD.name[i], w = textWidth(text, LABEL_FONT) + 6, hw = w / 2, hh = LABEL_H / 2;
    var anchor = labelPts[i] ? map.latLngToContainerPoint(labelPts[i]) : L.point((t.a.x + t.c.x) / 2, (t.a.y + t.c.y) / 2);
    var spot = null, line = false;
    // inside: the label point, shifted up and down, then a grid over the ward's part on screen
    var cands = [[anchor.x, anchor.y], [anchor.x, anchor.y - 16], [anchor.x, anchor.y + 16], [anchor.x, anchor.y - 30], [anchor.x, anchor.y + 30]];
    var x0 = Math.max(t.a.x, 0), x1 = Math.min(t.c.x, size.x), y0 = Math.max(t.a.y, 0), y1 = Math.min(t.c.y, size.y);
    var f = [0.5, 0.3, 0.7, 0.15, 0.85, 0.4, 0.6];
    if (x1 - x0 > w && y1 - y0 > LABEL_H) for (var fy = 0; fy < f.length; fy++) for (var fx = 0; fx < f.length; fx++)
      cands.push([x0 + (x1 - x0) * f[fx], y0 + (y1 - y0) * f[fy]]);
    for (var k = 0; k < cands.length && !spot; k++) {
      var cx = cands[k][0], cy = cands[k][1];
      if (fits(cx, cy, hw, hh) && insideWard(poly, cx, cy, hw - 2, hh - 2)) spot = [cx, cy];
    }
    // beside the ward: rings around its label point, nearest first
    if (!spot && outside) {
      var ax = Math.min(Math.max(anchor.x, 0), size.x), ay = Math.min(Math.max(anchor.y, 0), size.y);
      search: for (var r = 1; r <= 6; r++) {
        for (var q = 0; q < 16; q++) {
          var ang = -Math.PI / 2 + q * Math.PI / 8, dx = Math.cos(ang) * (hw + 6 + 12 * r), dy = Math.sin(ang) * (hh + 6 + 12 * r);
          if (fits(ax + dx, ay + dy, hw, hh)) { spot = [ax + dx, ay + dy]; line = true; break search; }
        }
      }
    }
    if (!spot) return;
    placed.add(spot[0], spot[1], hw, hh);
    var at = map.containerPointToLatLng(L.point(spot[0], spot[1]));
    labelLayer.addLayer(L.marker(at, {pane: 'pl-labels', interactive: false, keyboard: false,
      icon: L.divIcon({className: 'pl-label', html: esc(text), iconSize: [w, LABEL_H], iconAnchor: [hw, hh]})}));
    if (line) {
      // from the edge of the name to the ward's label point
      var ex = Math.max(spot[0] - hw, Math.min(anchor.x, spot[0] + hw)), ey = Math.max(spot[1] - hh, Math.min(anchor.y, spot[1] + hh));
      labelLines.addLayer(L.polyline([map.containerPointToLatLng(L.point(ex, ey)), labelPts[i] || map.containerPointToLatLng(anchor)],
        {renderer: renderer, interactive: false, color: '#222', weight: 1, opacity: 0.8}));
    }
    API.labels.push({ward: i, x: spot[0], y: spot[1], w: w, h: LABEL_H, beside: line});
  });
}

// ------------------------------------------------------------- markers
var SIZE = {bord: 18, gepland: 18, aanvraag: 18, afgehandeld: 18, voorstel: 22};
var PRIO = {voorstel: 0, aanvraag: 1, bord: 2, gepland: 2, afgehandeld: 3};
var PANE = {voorstel: 'pl-voorstel', aanvraag: 'pl-aanvraag', bord: 'pl-bord', gepland: 'pl-bord',
            afgehandeld: 'pl-afgehandeld'};
// signs and proposals carry their id ("B001", "A008-1"): a label of the marker itself
var ICON_FONT = 'bold 11px Arial, sans-serif', BANG = {bord: 7, gepland: 7};
var icons = {};
function icon(kind, text) {
  var key = kind + '|' + (text || ''), h = SIZE[kind];
  if (icons[key]) return icons[key];
  var w = text ? Math.max(h, textWidth(text, ICON_FONT) + 14 + (BANG[kind] || 0)) : h;
  var ic = L.divIcon({className: 'pl-ic pl-' + kind + (text ? ' wide' : ''), html: text ? esc(text) : '',
    iconSize: [w, h], iconAnchor: [w / 2, h / 2]});
  ic._plSize = [w, h];
  return (icons[key] = ic);
}
function marker(latlng, kind, i, text) {
  var ic = icon(kind, text), m = L.marker(latlng, {icon: ic, pane: PANE[kind], title: ''});
  m._pl = {k: kind, i: i, off: [0, 0], w: ic._plSize[0], h: ic._plSize[1]};
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
function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k]; }); }
function proposalPopup(k) {
  var pr = D.proposals, road = str(pr.road[k]) || W.unnamedRoad, cls = str(pr.cls[k]);
  var place = esc(road) + (cls ? ' (' + esc(cls) + ')' : '') +
    (pr.clear[k] !== null && pr.clear[k] !== undefined ? ', ' + esc(fill(LB.inside, {m: pr.clear[k]})) : '');
  var covers = '';
  if (pr.n[k]) {
    covers = esc(pr.of[k] ? fill(LB.coversEntries, {n: pr.n[k], of: pr.of[k]}) : fill(LB.coversEntriesNoTotal, {n: pr.n[k]}));
    var via = (pr.via[k] || []).map(str).filter(function (v) { return v; });
    if (via.length) covers += ' (' + esc(fill(LB.entryRoads, {roads: via.join(', ')})) + ')';
  }
  var ll = pr.ll[2 * k].toFixed(5) + ', ' + pr.ll[2 * k + 1].toFixed(5);
  var shared = pr.shared && pr.shared[k] !== null && pr.shared[k] !== undefined ?
    esc(fill(LB.sharedPole, {sign: str(pr.shared[k])})) : '';
  return rows([[LB.proposal, esc(pr.id[k]) + ' (' + esc(LB.forRequest) + ' ' + esc(pr.req[k]) + ')'],
    [LB.place, place + (shared ? '<br>' + shared : '')], [LB.covers, covers], [LB.latLon, ll], [LB.rd, pr.rd[2 * k] + ', ' + pr.rd[2 * k + 1]]]);
}
function proposalTip(k) { var pr = D.proposals; return esc(LB.proposal) + ' ' + esc(pr.id[k]) + ': ' + esc(str(pr.road[k]) || W.unnamedRoad); }
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
function popupOffset(m) { return [m._pl.off[0], m._pl.off[1] - m._pl.h / 2]; }
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
    return pts.map(function (p, k) { return marker(p, D.signs.st[k] ? 'gepland' : 'bord', k, D.signs.id[k]); });
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
    return latlngs(D.proposals.xy).map(function (p, k) { return marker(p, 'voorstel', k, D.proposals.id[k]); });
  }, true);
}

mark('markers');
// no marker hides another: move overlapping ones apart (most important stays), with a leader line
var leaders = L.layerGroup().addTo(map), pending = false;
function schedule() { if (!pending) { pending = true; L.Util.requestAnimFrame(function () { pending = false; declutter(); updateLabels(); }); } }
function declutter() {
  leaders.clearLayers();
  var vis = API.markers.filter(function (m) { return m._icon && m._map; });
  var prio = function (m) { return m._pl ? PRIO[m._pl.k] : 4; };
  var dims = function (m) {
    if (m._pl) return [m._pl.w, m._pl.h];
    var s = m._iconObj && m._iconObj.options.iconSize ? m._iconObj.options.iconSize[0] : m._icon.offsetWidth;
    return [s, s];
  };
  vis.sort(function (a, b) { return prio(a) - prio(b) || (a._pl ? a._pl.i : L.stamp(a)) - (b._pl ? b._pl.i : L.stamp(b)); });
  markerRects = new RectIndex();
  vis.forEach(function (m) {
    var d = dims(m), hw = d[0] / 2 + 1, hh = d[1] / 2 + 1, p = map.latLngToContainerPoint(m.getLatLng()), off = [0, 0];
    if (markerRects.hits(p.x, p.y, hw, hh)) {
      search: for (var r = 1; r <= 5; r++) {
        for (var a = 0; a < 8 * r; a++) {
          var ang = -Math.PI / 2 + a * 2 * Math.PI / (8 * r);
          var dx = Math.round(Math.cos(ang) * r * (d[0] + 6)), dy = Math.round(Math.sin(ang) * r * (d[1] + 6));
          if (!markerRects.hits(p.x + dx, p.y + dy, hw, hh)) { off = [dx, dy]; break search; }
        }
      }
    }
    if (m._pl) m._pl.off = off;
    m._icon.style.marginLeft = (off[0] - d[0] / 2) + 'px';
    m._icon.style.marginTop = (off[1] - d[1] / 2) + 'px';
    markerRects.add(p.x + off[0], p.y + off[1], hw, hh);
    if (off[0] || off[1]) {
      leaders.addLayer(L.polyline([m.getLatLng(), map.containerPointToLatLng(L.point(p.x + off[0], p.y + off[1]))],
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

// ------------------------------------------------------------- basemap unavailable
// tiles are the only thing from the network: when the basemap shown cannot load, one line says so
// (the wards, signs and names stay on a plain background)
var baseNote = L.control({position: 'bottomright'});
baseNote.onAdd = function () {
  var d = L.DomUtil.create('div', 'pl-box pl-offline');
  d.setAttribute('role', 'status'); d.textContent = W.basemapUnavailable;
  return d;
};
var tileCount = {};
function baseShown() { for (var n in bases) if (map.hasLayer(bases[n])) return bases[n]; return null; }
function checkBase() {
  var b = baseShown(), c = b ? tileCount[L.stamp(b)] : null, bad = !!(c && c.bad && !c.ok);
  if (bad && !baseNote._map) { baseNote.addTo(map); schedule(); }
  if (!bad && baseNote._map) { baseNote.remove(); schedule(); }
  API.basemapUnavailable = bad;
}
Object.keys(bases).forEach(function (n) {
  var b = bases[n], c = tileCount[L.stamp(b)] = {ok: 0, bad: 0};
  b.on('tileload', function () { c.ok++; checkBase(); });
  b.on('tileerror', function () { c.bad++; checkBase(); });
});
map.on('baselayerchange', checkBase);

// ------------------------------------------------------------- address search (public map)
if (D.public && D.kind === 'overview') (function () {
  var T = W.search, searchLayer = L.layerGroup().addTo(map), box;
  pane('pl-search', 650);
  var ctl = L.control({position: 'topleft'});
  ctl.onAdd = function () {
    box = L.DomUtil.create('form', 'pl-box pl-search');
    box.setAttribute('role', 'search');
    box.innerHTML = '<label for="pl-q"><b>' + esc(T.title) + '</b></label><div class="pl-row">' +
      '<input id="pl-q" name="q" type="search" autocomplete="postal-code" placeholder="' + esc(T.placeholder) +
      '" aria-label="' + esc(T.label) + '"><button type="submit">' + esc(T.button) + '</button></div>' +
      '<div class="pl-answer" aria-live="polite"></div><div class="pl-source">' + esc(T.source) + '</div>';
    L.DomEvent.disableClickPropagation(box); L.DomEvent.disableScrollPropagation(box);
    L.DomEvent.on(box, 'submit', function (e) { L.DomEvent.preventDefault(e); find(box.querySelector('input').value); });
    return box;
  };
  ctl.addTo(map);
  var c = ctl.getContainer().parentNode; c.insertBefore(ctl.getContainer(), c.firstChild);
  // on a phone the information box goes under the search (the right corner keeps only the layer button)
  var info = document.querySelector('.pl-info');
  if (small && info) c.insertBefore(info, ctl.getContainer().nextSibling);
  function say(text, kind) {
    var el = box.querySelector('.pl-answer');
    el.textContent = text; el.className = 'pl-answer' + (kind ? ' pl-' + kind : '');
    API.searchAnswer = text;
  }
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function wardAt(lon, lat) {
    var ll = L.latLng(lat, lon);
    for (var i = 0; i < nWards; i++) {
      var f = wardFeatures[i];
      if (!f || !f.geometry || !wardPolys[i] || !wardPolys[i].getBounds().contains(ll)) continue;
      var polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (var k = 0; k < polys.length; k++) {
        if (!inRing(lon, lat, polys[k][0])) continue;
        var hole = false;
        for (var h = 1; h < polys[k].length; h++) if (inRing(lon, lat, polys[k][h])) hole = true;
        if (!hole) return i;
      }
    }
    return -1;
  }
  API.wardAt = wardAt;
  function found(body, query) {
    var docs = ((body && body.response && body.response.docs) || []).map(function (d) {
      var m = /POINT\(\s*([-0-9.]+)\s+([-0-9.]+)\s*\)/.exec(d.centroide_ll || '');
      return m ? {name: d.weergavenaam, lon: +m[1], lat: +m[2], ward: wardAt(+m[1], +m[2])} : null;
    }).filter(function (d) { return d; });
    if (!docs.length) { say(fill(T.notFound, {query: query}), 'warn'); return; }
    // the best answer on this map (a "Dorpsstraat 1" is in many towns), else the best answer
    var doc = docs.filter(function (d) { return d.ward >= 0; })[0] || docs[0];
    var lon = doc.lon, lat = doc.lat, address = doc.name || query, i = doc.ward;
    searchLayer.clearLayers();
    searchLayer.addLayer(L.circleMarker([lat, lon], {pane: 'pl-search', radius: 8, color: '#fff', weight: 3,
      fillColor: '#0d47a1', fillOpacity: 1, interactive: false}));
    if (i < 0) { say(fill(T.outside, {address: address}), 'warn'); map.setView([lat, lon], Math.max(map.getZoom(), 14)); return; }
    say(fill(T[STATE_KEYS[WD.state[i]]], {address: address, ward: WD.name[i]}), STATE_KEYS[WD.state[i]]);
    // the ward and the found address, next to the panels (the search box and its answer included)
    fitView(L.latLngBounds(wardPolys[i].getBounds()).extend([lat, lon]), {maxZoom: 17, animate: true});
  }
  function find(text) {
    var query = (text || '').trim();
    if (!query) { say(T.empty, 'warn'); return; }
    say(T.busy);
    var url = W.searchUrl + '?q=' + encodeURIComponent(query) + '&fq=' + encodeURIComponent('type:(adres OR postcode)') +
      '&rows=5&fl=' + encodeURIComponent('weergavenaam,type,centroide_ll');
    var abort = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (abort) abort.abort(); }, 10000);
    fetch(url, {credentials: 'omit', referrerPolicy: 'no-referrer', signal: abort ? abort.signal : undefined})
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (body) { clearTimeout(timer); found(body, query); })
      .catch(function () { clearTimeout(timer); say(T.unreachable, 'warn'); });
  }
  API.search = find;
})();

// ------------------------------------------------------------- the first view
// the subject (the data's bounds) fits next to the panels: each corner's panels are kept clear either
// beside or above/below the subject, whichever leaves it larger
var MARKER_PAD = [30, 14];  // half a labelled marker: markers at the edge of the subject stay whole
function fitView(bounds, opts) {
  var size = map.getSize(), box = map.getContainer().getBoundingClientRect();
  var corners = ['topleft', 'topright', 'bottomleft', 'bottomright'].map(function (name) {
    var el = map._controlCorners[name], w = 0, h = 0;
    Array.prototype.forEach.call(el.children, function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width || !r.height) return;
      w = Math.max(w, name.indexOf('left') > 0 ? r.right - box.left : box.right - r.left);
      h = Math.max(h, name.indexOf('top') === 0 ? r.bottom - box.top : box.bottom - r.top);
    });
    return {top: name.indexOf('top') === 0, left: name.indexOf('left') > 0, w: w, h: h};
  });
  var best = null;
  for (var pick = 0; pick < 16; pick++) {
    var t = 0, b = 0, l = 0, r = 0;
    corners.forEach(function (c, k) {
      if (!c.w) return;
      if (pick & (1 << k)) { if (c.left) l = Math.max(l, c.w); else r = Math.max(r, c.w); }
      else { if (c.top) t = Math.max(t, c.h); else b = Math.max(b, c.h); }
    });
    if (l + r > size.x - 60 || t + b > size.y - 60) continue;
    var z = map.getBoundsZoom(bounds, false, L.point(l + r + 16 + 2 * MARKER_PAD[0], t + b + 16 + 2 * MARKER_PAD[1]));
    if (!best || z > best.z || (z === best.z && l + r + t + b < best.sum)) best = {z: z, t: t, b: b, l: l, r: r, sum: l + r + t + b};
  }
  if (!best) best = {t: 0, b: 0, l: 0, r: 0};
  map.fitBounds(bounds, L.extend({paddingTopLeft: [best.l + 8 + MARKER_PAD[0], best.t + 8 + MARKER_PAD[1]],
                                  paddingBottomRight: [best.r + 8 + MARKER_PAD[0], best.b + 8 + MARKER_PAD[1]],
                                  animate: false}, opts || {}));
  return best;
}
API.fitView = fitView;
if (D.bounds) API.subjectPadding = fitView(L.latLngBounds(D.bounds));
map.whenReady(schedule);
schedule();
mark('done');
})
