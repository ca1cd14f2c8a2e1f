"""Export of the register to CSV and GeoJSON for other systems.

The public export (the default) holds no personal data: no admin or officer
names, phone numbers or e-mail addresses, and no request locations (a
request's location may be an admin's home). Groups appear by id and name
only; staff free text (the reasons and notes typed with ``request
resolve``, ``request agree``, ``sign relocate``, ``sign remove`` and the
group and admin commands) never: a sign event says what happened in fixed
words (``description``, e.g. "verplaatst door de gemeente"). The internal export (``internal=True``, for the municipality's own
systems) adds the requests with their locations, the proposals, the admins'
contact data and the wijkagenten. GeoJSON is RFC 7946 (WGS84, counterclockwise
outer rings, 7 decimals; :func:`planner.geojson.to_geojson`); CSV carries RD
New ``x,y`` and WGS84 ``lon,lat``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.core.coords import to_lonlat
from planner.core.vocabulary import SIGN_EVENT_NL
from planner.errors import InputError
from planner.io.files import write_files_atomic
from planner.io.geojson import to_geojson

FORMATS = ("csv", "geojson")
PUBLIC_LAYERS = {
    "wards": ["code", "name", "population", "wijk_code", "wijk_name", "gemeente_code"],  # CBS figures are public
    "signs": ["sign_id", "status", "ward_code", "street", "placed_on", "request_id"],
    # description: fixed words for the event (vocabulary.SIGN_EVENT_NL), never the reason staff typed
    "sign_events": ["sign_id", "event", "event_date", "description", "ward_code", "request_id", "from_x", "from_y"],
    "decisions": ["request_id", "decided_at", "policy", "group_id", "ward_code", "outcome", "reason_code",
                  "reason", "n_proposals"],
    "groups": ["group_id", "group_name", "wabp_registered"],
    # A resolved review shows its resolution here (the decisions layer keeps the first answer);
    # staff free text (reason, detail) stays internal.
    "request_events": ["request_id", "event", "event_date", "outcome", "ward_code"],
}
INTERNAL_LAYERS = {
    **PUBLIC_LAYERS,
    "sign_events": ["sign_id", "event", "event_date", "description", "ward_code", "request_id", "reason", "from_x",
                    "from_y"],
    "request_events": ["request_id", "event", "event_date", "outcome", "ward_code", "reason", "detail"],
    "group_events": ["group_id", "event", "event_date", "reason", "detail"],
    "requests": ["request_id", "date", "group_id", "ward_code", "preferred", "status"],
    "proposals": ["request_id", "rank", "sign_id", "road", "road_class", "score", "entries", "explanation"],
    "admins": ["group_id", "name", "phone", "email"],  # personal data
    "officers": ["ward_code", "name", "phone", "email"],
}


def export_register(store, out, formats=FORMATS, *, internal: bool = False) -> list[Path]:
    """Write the (public) layers of ``store`` to folder ``out``; return the files written.

    ``internal=True`` also writes requests, proposals, admins and officers
    (personal data: for the municipality's own systems, never to publish).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is een bestand, geen map; kies met ⟨out⟩ een (nieuwe) map")
    bad = set(formats) - set(FORMATS)
    if bad:
        raise InputError(f"onbekend exportformaat {sorted(bad)[0]!r}; kies uit {', '.join(FORMATS)}")
    if not internal:  # a public folder must not keep personal data from an earlier internal export
        left = sorted(p.name for name in set(INTERNAL_LAYERS) - set(PUBLIC_LAYERS)
                      for p in (out / f"{name}.{fmt}" for fmt in FORMATS) if p.exists())
        if left:
            raise InputError(f"{out}: bevat een interne export ({', '.join(left)}, persoonsgegevens); "
                             "kies een andere map voor de openbare export")
    layers = INTERNAL_LAYERS if internal else PUBLIC_LAYERS
    tables = {name: store.table(name) for name in layers}
    groups = tables["groups"]
    groups = groups[groups["removed_on"].isna()].copy()
    groups["wabp_registered"] = groups["wabp_registered"].astype(bool)
    tables["groups"] = groups
    events = tables["sign_events"]
    events["description"] = events["event"].map(SIGN_EVENT_NL).fillna("")
    files = {}
    for name, cols in layers.items():
        df = tables[name]
        spatial = isinstance(df, gpd.GeoDataFrame)
        public = df[cols].copy()
        if "csv" in formats:
            flat = pd.DataFrame(public)
            if spatial and name != "wards":
                lon, lat = to_lonlat(df.geometry) if len(df) else ([], [])
                flat["x"], flat["y"] = df.geometry.x.round(1).to_numpy(), df.geometry.y.round(1).to_numpy()
                flat["lon"], flat["lat"] = np.round(lon, 7), np.round(lat, 7)
            files[out / f"{name}.csv"] = flat.to_csv(index=False)
        if "geojson" in formats and spatial:
            gdf = gpd.GeoDataFrame(public, geometry=df.geometry, crs=df.crs)
            files[out / f"{name}.geojson"] = to_geojson(gdf)
    return write_files_atomic(files)  # all files or none
