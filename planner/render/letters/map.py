"""The small map in a decision letter: the ward, its entries and the numbered sign positions.

Drawn offline with matplotlib (Agg, no display, no tiles): the ward polygon,
the roads around it (when loaded) as context, the entry roads as triangles,
other signs in the ward as grey squares and the positions as red numbered
circles, with a scale bar and a north arrow. Returns PNG bytes for the PDF
and the DOCX.
"""

from __future__ import annotations

import io

import numpy as np
import shapely

WARD_FILL, WARD_EDGE = "#fdebd0", "#d35400"
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


def ward_map_png(ward_geom, positions: list[dict], *, entries=None, roads=None, other_signs=None,
                 size_in: tuple[float, float] = (6.0, 4.2), dpi: int = 150) -> bytes:
    """PNG of the ward with its entries and numbered positions.

    Parameters
    ----------
    ward_geom : shapely (Multi)Polygon in RD New
    positions : list of dict
        ``x``, ``y`` (RD New) and ``rank`` (the number drawn), in order.
    entries : array-like of (x, y) or GeoDataFrame of points, optional
    roads : GeoDataFrame of lines (RD New), optional
        Drawn as context within the map's frame.
    other_signs : array-like of (x, y), optional
        Signs already in the ward (not this request's).
    """
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch

    x0, y0, x1, y1 = ward_geom.bounds
    pts = np.array([[p["x"], p["y"]] for p in positions], dtype=float).reshape(-1, 2)
    if len(pts):
        x0, y0 = min(x0, pts[:, 0].min()), min(y0, pts[:, 1].min())
        x1, y1 = max(x1, pts[:, 0].max()), max(y1, pts[:, 1].max())
    w, h = max(x1 - x0, 50.0), max(y1 - y0, 50.0)
    # Fit the frame to the figure's shape, with a margin.
    aspect = size_in[0] / size_in[1]
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * 1.12, h * 1.12
    fx0, fx1, fy0, fy1 = cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2

    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(fx0, fx1)
    ax.set_ylim(fy0, fy1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(PathPatch(_polygon_path(ward_geom), facecolor=WARD_FILL, edgecolor=WARD_EDGE, linewidth=1.6,
                           zorder=1))
    if roads is not None and len(roads):
        frame = shapely.box(fx0, fy0, fx1, fy1)
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
    # scale bar (lower left) and north arrow (upper right)
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
    if other_signs is not None and len(other_signs):
        handles.append(Line2D([], [], marker="s", linestyle="", markersize=6, color=OTHER_COLOUR,
                              label="bestaand bord"))
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buf.getvalue()


__all__ = ["ward_map_png"]
