"""The small map in a decision letter: the ward, its neighbours, the streets and the numbered sign positions.

Drawn offline with matplotlib (Agg, no display, no tiles): the ward polygon
with its name, the neighbouring wards in grey with theirs, the roads around
it (when loaded) with their street names along them, the entry roads as
triangles, other signs in the ward as grey squares and the positions as red
numbered circles, with a scale bar and a north arrow. Labels are placed
where they do not cover a position or another label (:func:`map_labels`).
Returns PNG bytes for the PDF and the DOCX.
"""

from __future__ import annotations

import io

import numpy as np
import shapely

WARD_FILL, WARD_EDGE = "#fdebd0", "#d35400"
NEIGHBOUR_FILL, NEIGHBOUR_EDGE, NEIGHBOUR_TEXT = "#f0f0f0", "#9a9a9a", "#6b6b6b"
STREET_TEXT = "#222222"
LABEL_SIZES = {"ward": 8.5, "neighbour": 7.5, "street": 6.5}  # points
MARGIN = 1.3  # the frame around the ward and its positions: room for the neighbours and their names
ROAD_COLOUR, ENTRY_COLOUR, SIGN_COLOUR, OTHER_COLOUR = "#8c8c8c", "#1f78b4", "#c0392b", "#555555"
NICE_LENGTHS = (20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def _polygon_path(geom):
    """A matplotlib Path of a (multi)polygon, holes included."""
    from matplotlib.path import Path
    verts, codes = [], []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes += [Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY]
    return Path(np.vstack(verts), codes)


def _scale_length(width_m: float) -> int:
    target = width_m / 5
    return max((n for n in NICE_LENGTHS if n <= target), default=NICE_LENGTHS[0])


def frame_of(ward_geom, positions: list[dict], size_in=(6.0, 4.2)) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of the map: the ward and its positions, fitted to the figure's shape, with a margin."""
    x0, y0, x1, y1 = ward_geom.bounds
    pts = np.array([[p["x"], p["y"]] for p in positions], dtype=float).reshape(-1, 2)
    if len(pts):
        x0, y0 = min(x0, pts[:, 0].min()), min(y0, pts[:, 1].min())
        x1, y1 = max(x1, pts[:, 0].max()), max(y1, pts[:, 1].max())
    w, h = max(x1 - x0, 50.0), max(y1 - y0, 50.0)
    aspect = size_in[0] / size_in[1]
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * MARGIN, h * MARGIN
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _free(xy, taken: list, radius: float) -> bool:
    return all(np.hypot(xy[0] - x, xy[1] - y) > radius for x, y in taken)


def _spot(area, lines, taken: list, radius: float, half_w: float = 0.0, half_h: float = 0.0):
    """A point in ``area`` for a name of ``2 half_w`` by ``2 half_h`` metres: the whole name inside the area,
    clear of the streets and other labels, near the area's middle."""
    x0, y0, x1, y1 = area.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 13)[1:-1], np.linspace(y0, y1, 13)[1:-1])
    gx, gy = gx.ravel(), gy.ravel()
    boxes = shapely.box(gx - half_w, gy - half_h, gx + half_w, gy + half_h)
    inside = shapely.contains(area, boxes)
    if not inside.any():
        inside = shapely.contains(area, shapely.points(gx, gy))
        if not inside.any():
            return area.representative_point()
    gx, gy, boxes = gx[inside], gy[inside], boxes[inside]
    clear = np.full(len(gx), radius)
    if lines is not None and len(lines):
        clear = np.minimum(clear, shapely.distance(boxes[:, None], np.asarray(lines)[None, :]).min(axis=1))
    for x, y in taken:
        clear = np.minimum(clear, np.hypot(gx - x, gy - y) / 2)
    centre = area.representative_point()
    score = clear - 0.03 * np.hypot(gx - centre.x, gy - centre.y)  # clear first; the middle breaks ties
    k = int(np.argmax(score))
    return shapely.Point(gx[k], gy[k])


def _text_half_size(text: str, fontsize: float, frame_width: float, figure_width_in: float = 6.0):
    """Half the width and height of a name on the map, in metres (DejaVu Sans: at most 0.65 em per letter,
    plus half an em of room on either side)."""
    metres_per_point = frame_width / (figure_width_in * 72.0)
    return (len(text) * 0.65 + 1.0) * fontsize * metres_per_point / 2, 0.8 * fontsize * metres_per_point


def map_labels(frame, ward_geom, positions: list[dict], *, roads=None, neighbours=None,
               ward_name: str | None = None) -> list[dict]:
    """The names drawn on the map: ``{"kind": "ward"|"neighbour"|"street", "text", "x", "y", "angle"}``.

    One label per street (along its longest piece in the frame, turned with
    it), one per ward (the ward's in the middle, neighbours where enough of
    them shows), none on a position or on another label.
    """
    fx0, fy0, fx1, fy1 = frame
    box = shapely.box(fx0, fy0, fx1, fy1)
    inner = shapely.box(fx0 + (fx1 - fx0) * 0.04, fy0 + (fy1 - fy0) * 0.1, fx1 - (fx1 - fx0) * 0.04,
                        fy1 - (fy1 - fy0) * 0.06)
    radius = (fx1 - fx0) * 0.06
    taken = [(p["x"], p["y"]) for p in positions]
    labels = []
    lines = None
    if roads is not None and len(roads):
        lines = roads.geometry.values[shapely.intersects(roads.geometry.values, box)]
    edges = [shapely.boundary(ward_geom)] + ([] if lines is None else list(lines))  # clear of roads and borders
    if ward_name:
        c = _spot(shapely.intersection(ward_geom, inner), edges, taken, radius,
                  *_text_half_size(ward_name, LABEL_SIZES["ward"], fx1 - fx0))
        labels.append({"kind": "ward", "text": ward_name, "x": c.x, "y": c.y, "angle": 0.0})
        taken.append((c.x, c.y))
    if neighbours is not None and len(neighbours):
        geoms = neighbours.geometry.values
        near = np.flatnonzero(shapely.intersects(geoms, box))
        parts = shapely.intersection(geoms[near], inner)
        for k, part in zip(near, parts):
            if part.is_empty or part.area < (fx1 - fx0) * (fy1 - fy0) * 0.02:
                continue  # too little of it shows for a name
            name = str(neighbours["name"].iloc[k])
            c = _spot(part, edges, taken, radius, *_text_half_size(name, LABEL_SIZES["neighbour"], fx1 - fx0))
            if _free((c.x, c.y), taken, radius):
                labels.append({"kind": "neighbour", "text": name, "x": c.x, "y": c.y, "angle": 0.0})
                taken.append((c.x, c.y))
    if roads is not None and len(roads) and "name" in roads:
        names = roads["name"].fillna("").astype(str).str.strip().to_numpy()
        geoms = roads.geometry.values
        keep = (names != "") & shapely.intersects(geoms, inner)
        pieces = shapely.intersection(geoms[keep], inner)
        longest: dict = {}
        for name, piece in zip(names[keep], pieces):
            for part in shapely.get_parts(piece):
                if part.geom_type == "LineString" and (name not in longest or part.length > longest[name].length):
                    longest[name] = part
        signed = {str(p.get("street") or "") for p in positions}  # the streets of the signs first
        for name, line in sorted(longest.items(), key=lambda kv: (kv[0] not in signed, -kv[1].length)):
            if line.length < (fx1 - fx0) * 0.08:
                continue  # a stub: no room for its name
            for f in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9):
                at = line.interpolate(f, normalized=True)
                if not _free((at.x, at.y), taken, radius):
                    continue
                a = line.interpolate(max(f - 0.02, 0.0), normalized=True)
                b = line.interpolate(min(f + 0.02, 1.0), normalized=True)
                angle = float(np.degrees(np.arctan2(b.y - a.y, b.x - a.x)))
                angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle  # never upside down
                labels.append({"kind": "street", "text": name, "x": at.x, "y": at.y, "angle": angle})
                taken.append((at.x, at.y))
                break
    return labels


def _draw_scale_north_and_legend(ax, frame: tuple, with_other_signs: bool) -> None:
    """A scale bar (lower left), a north arrow (upper right) and the legend (lower right)."""
    from matplotlib.lines import Line2D

    fx0, fy0, fx1, fy1 = frame
    w, h = fx1 - fx0, fy1 - fy0
    length = _scale_length(w)
    sx, sy = fx0 + w * 0.04, fy0 + h * 0.05
    ax.plot([sx, sx + length], [sy, sy], color="black", linewidth=2.5, zorder=6, solid_capstyle="butt")
    ax.text(sx + length / 2, sy + h * 0.02, f"{length} m", ha="center", va="bottom", fontsize=8, zorder=6)
    nx, ny = fx1 - w * 0.05, fy1 - h * 0.16
    ax.annotate("N", xy=(nx, ny + h * 0.1), xytext=(nx, ny), ha="center", va="center", fontsize=9,
                fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1.2}, zorder=6)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=SIGN_COLOUR, label="bord (nummer)"),
               Line2D([], [], marker="^", linestyle="", markersize=7, color=ENTRY_COLOUR, label="invalsweg"),
               Line2D([], [], color=WARD_EDGE, linewidth=1.6, label="grens van de wijk")]
    if with_other_signs:
        handles.append(Line2D([], [], marker="s", linestyle="", markersize=6, color=OTHER_COLOUR,
                              label="bestaand bord"))
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)


def ward_map_png(ward_geom, positions: list[dict], *, entries=None, roads=None, other_signs=None,
                 neighbours=None, ward_name: str | None = None,
                 size_in: tuple[float, float] = (6.0, 4.2), dpi: int = 150) -> bytes:
    """PNG of the ward with its entries and numbered positions.

    Parameters
    ----------
    ward_geom : shapely (Multi)Polygon in RD New
    positions : list of dict
        ``x``, ``y`` (RD New) and ``rank`` (the number drawn), in order; ``street`` (optional) is
        named on the map first.
    entries : array-like of (x, y) or GeoDataFrame of points, optional
    roads : GeoDataFrame of lines (RD New), optional
        Drawn as context within the map's frame.
    other_signs : array-like of (x, y), optional
        Signs already in the ward (not this request's).
    neighbours : GeoDataFrame with ``name``, optional
        The other wards: those in the frame are drawn in grey with their names.
    ward_name : str, optional
        Written in the ward.
    """
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

    fx0, fy0, fx1, fy1 = frame_of(ward_geom, positions, size_in)
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]

    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(fx0, fx1)
    ax.set_ylim(fy0, fy1)
    ax.set_aspect("equal")
    ax.axis("off")
    frame = shapely.box(fx0, fy0, fx1, fy1)
    if neighbours is not None and len(neighbours):
        ngeoms = neighbours.geometry.values
        for g in ngeoms[shapely.intersects(ngeoms, frame)]:
            ax.add_patch(PathPatch(_polygon_path(g), facecolor=NEIGHBOUR_FILL, edgecolor=NEIGHBOUR_EDGE,
                                   linewidth=0.8, zorder=0.5))
    ax.add_patch(PathPatch(_polygon_path(ward_geom), facecolor=WARD_FILL, edgecolor=WARD_EDGE, linewidth=1.6,
                           zorder=1))
    if roads is not None and len(roads):
        geoms = roads.geometry.values
        near = geoms[shapely.intersects(geoms, frame)]
        for g in shapely.intersection(near, frame):
            for part in getattr(g, "geoms", [g]):
                if part.geom_type == "LineString" and not part.is_empty:
                    xy = np.asarray(part.coords)
                    ax.plot(xy[:, 0], xy[:, 1], color=ROAD_COLOUR, linewidth=0.7, zorder=2)
    if entries is not None and len(entries):
        exy = shapely.get_coordinates(entries.geometry.values) if hasattr(entries, "geometry") \
            else np.asarray(entries, float).reshape(-1, 2)
        ax.scatter(exy[:, 0], exy[:, 1], marker="^", s=46, color=ENTRY_COLOUR, edgecolor="white",
                   linewidth=0.6, zorder=3)
    if other_signs is not None and len(other_signs):
        oxy = np.asarray(other_signs, float).reshape(-1, 2)
        ax.scatter(oxy[:, 0], oxy[:, 1], marker="s", s=40, color=OTHER_COLOUR, zorder=3)
    for p in positions:
        ax.scatter([p["x"]], [p["y"]], s=260, color=SIGN_COLOUR, edgecolor="white", linewidth=1.2, zorder=4)
        ax.text(p["x"], p["y"], str(p["rank"]), color="white", fontsize=9, fontweight="bold", ha="center",
                va="center", zorder=5)
    styles = {"ward": {"fontweight": "bold", "color": WARD_EDGE},
              "neighbour": {"fontstyle": "italic", "color": NEIGHBOUR_TEXT},
              "street": {"color": STREET_TEXT}}
    for label in map_labels((fx0, fy0, fx1, fy1), ward_geom, positions, roads=roads, neighbours=neighbours,
                            ward_name=ward_name):
        ax.text(label["x"], label["y"], label["text"], rotation=label["angle"], rotation_mode="anchor",
                ha="center", va="center", zorder=4.5, path_effects=halo, clip_on=True,
                fontsize=LABEL_SIZES[label["kind"]], **styles[label["kind"]])
    _draw_scale_north_and_legend(ax, (fx0, fy0, fx1, fy1), other_signs is not None and len(other_signs) > 0)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


__all__ = ["ward_map_png", "map_labels", "frame_of"]
