"""Generate the illustrative demo data in ``data/`` for the municipality of Landsmeer.

The wards, roads and signs are ILLUSTRATIVE: drawn at the real location of
Landsmeer, Den Ilp, Purmerland, Ilperveld and Het Twiske, but they are not
official CBS boundaries, not the real road network and not real signs. Names
and contact details of admins are fictitious (06-00000000, example.org).

Run: ``python scripts/make_demo_data.py`` (rewrites the files in ``data/``).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from planner.io.geojson import to_geojson

DATA = Path(__file__).resolve().parent.parent / "data"
NOTE = "Illustratieve demodata, geen officiële grenzen of gegevens"
RD = "EPSG:28992"

MUNICIPALITY = Polygon([
    (119200, 491800), (122200, 491500), (124800, 491900), (126500, 493000),
    (126800, 496000), (126000, 499500), (123500, 500500), (120500, 500200),
    (119000, 498000), (118800, 494500),
])
VILLAGE = box(122000, 492600, 124000, 495200)
TWISKE_LINE_X = 120800  # west of this: Het Twiske (recreation and nature)


def _noded(polygons):
    """The same polygons, with a vertex wherever a neighbour's boundary has one.

    Shared edges then have identical vertices, so the wards still tile the
    municipality exactly after projection to WGS84 and rounding.
    """
    faces = shapely.get_parts(shapely.polygonize(
        shapely.get_parts(shapely.union_all(shapely.boundary(polygons)))))
    owner = [next(i for i, p in enumerate(polygons) if p.contains(f.representative_point()))
             for f in faces]
    return [shapely.union_all([f for f, o in zip(faces, owner) if o == i]) for i in range(len(polygons))]


# Residents per ward: ILLUSTRATIVE round figures (together about Landsmeer's size, some 11,500),
# not CBS figures; they let 'planner stats' and the maps show coverage per resident on the demo.
POPULATION = {"LM01": 2400, "LM02": 2900, "LM03": 2600, "LM04": 1300, "LM05": 1200, "LM06": 450,
              "LM07": 400, "LM08": 200, "LM09": 50}
POPULATION_NOTE = "inwonertal illustratief (geen CBS-cijfer)"


def wards() -> gpd.GeoDataFrame:
    dorp = box(122500, 493400, 123500, 494400)
    parts = [
        ("LM01", "Landsmeer-Dorp", dorp),
        ("LM02", "Landsmeer-Noord", VILLAGE.intersection(box(121000, 494400, 125000, 496000))),
        ("LM03", "Landsmeer-Zuid", VILLAGE.intersection(box(121000, 491000, 125000, 493400))),
        ("LM04", "Landsmeer-Oost", VILLAGE.intersection(box(123500, 493400, 125000, 494400))),
        ("LM05", "Landsmeer-West", VILLAGE.intersection(box(121000, 493400, 122500, 494400))),
        ("LM06", "Den Ilp", box(123400, 496000, 124500, 497000)),
        ("LM07", "Purmerland", box(121400, 497900, 122500, 498900)),
    ]
    taken = shapely.union_all([g for _, _, g in parts])
    rest = MUNICIPALITY.difference(taken)
    twiske = rest.intersection(box(110000, 480000, TWISKE_LINE_X, 510000))
    polder = rest.difference(box(110000, 480000, TWISKE_LINE_X, 510000))
    parts += [("LM08", "Ilperveld en polder", polder), ("LM09", "Het Twiske", twiske)]
    gdf = gpd.GeoDataFrame(
        {"code": [c for c, _, _ in parts], "name": [n for _, n, _ in parts]},
        geometry=_noded([g for _, _, g in parts]), crs=RD,
    )
    gdf["population"] = [POPULATION[c] for c in gdf["code"]]
    gdf["gemeente"] = "Landsmeer"
    gdf["gemeente_code"] = "GM0415"
    gdf["note"] = NOTE + "; " + POPULATION_NOTE
    return gdf


ROADS = [
    # name, highway, RD coordinates
    ("Zuideinde", "tertiary", [(123150, 490900), (123100, 492000), (123050, 493000), (123000, 493900)]),
    ("Noordeinde", "tertiary", [(123000, 493900), (123050, 494600), (123100, 495200)]),
    ("Purmerlanderweg", "unclassified", [(123100, 495200), (122600, 496500), (122000, 497900),
                                         (121900, 498400), (121700, 499000), (121200, 501000)]),
    ("Dorpsstraat", "tertiary", [(121800, 493900), (122500, 493900), (123000, 493900),
                                 (123500, 493950), (124000, 493950)]),
    ("Ilperweg", "unclassified", [(124000, 493950), (124600, 494800), (124000, 496000),
                                  (123900, 496500), (124000, 497000), (124600, 498500), (125500, 500900)]),
    ("Kanaaldijk", "secondary", [(125900, 490800), (125900, 494000), (126000, 497000), (126200, 500900)]),
    ("Van Beekstraat", "residential", [(122100, 492900), (123050, 492950), (123900, 492950)]),
    ("Sportlaan", "residential", [(122400, 492700), (122400, 493600)]),
    ("Raadhuisstraat", "residential", [(122700, 493600), (123300, 494200)]),
    ("Burgemeester Postweg", "residential", [(122100, 494800), (123050, 494800), (123900, 494800)]),
    ("Noorderweg", "residential", [(123600, 494300), (123600, 495000)]),
    ("Brederolaan", "residential", [(122100, 493700), (122400, 494200)]),
    ("Oostmeerweg", "residential", [(123600, 493500), (123900, 494300)]),
    ("Luijendijk", "service", [(123700, 494100), (123950, 494150)]),
    ("Twiskepad", "cycleway", [(119900, 494000), (120300, 495200), (120700, 496000)]),
    ("A7", "motorway", [(119000, 490900), (119300, 496000), (119700, 501000)]),
]


def roads() -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"name": [n for n, _, _ in ROADS], "highway": [h for _, h, _ in ROADS]},
        geometry=[LineString(c) for _, _, c in ROADS], crs=RD,
    )
    gdf["note"] = NOTE
    return gdf


SIGNS = [
    # id, status, placed_on, street, RD point
    ("B001", "placed", "2021-03-15", "Zuideinde", (123090, 492700)),
    ("B002", "placed", "2021-03-15", "Van Beekstraat", (122150, 492905)),
    ("B003", "placed", "2022-06-01", "Ilperweg", (124010, 496030)),
    ("B004", "planned", "", "Burgemeester Postweg", (122150, 494800)),
]


def signs() -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {"id": [s[0] for s in SIGNS], "status": [s[1] for s in SIGNS],
         "placed_on": [s[2] for s in SIGNS], "street": [s[3] for s in SIGNS]},
        geometry=[Point(s[4]) for s in SIGNS], crs=RD,
    )
    gdf["note"] = NOTE
    return gdf


GROUPS = [
    # group_id, group name, registered with Stichting WABP, admins (name, phone, email)
    ("G01", "Buurtapp Zuideinde", True, [("Jan Voorbeeld", "06-00000001", "jan.voorbeeld@example.org")]),
    ("G02", "WABP Landsmeer-Oost", True, [("Anna Fictief", "06-00000002", "anna.fictief@example.org"),
                                          ("Piet Proef", "06-00000003", "piet.proef@example.org")]),
    ("G03", "Oostmeer Alert", True, [("Karin Testpersoon", "06-00000004", "karin.test@example.org")]),
    ("G04", "Buurtwacht Zuid (Amsterdam)", False, [("Ahmed Demo", "06-00000005", "ahmed.demo@example.org")]),
    ("G05", "Purmerland Veilig", True, [("Els Verzonnen", "06-00000006", "els.verzonnen@example.org"),
                                        ("Kees Nepnaam", "06-00000007", "kees.nepnaam@example.org"),
                                        ("Fatima Voorbeeld", "06-00000008", "fatima.voorbeeld@example.org")]),
    ("G06", "Twiske Recreatie", True, [("Henk Fictief", "06-00000009", "henk.fictief@example.org")]),
    ("G07", "Dorpskern Landsmeer", False, [("Sanne Proef", "06-00000010", "sanne.proef@example.org")]),
    ("G08", "Brederolaan e.o.", True, [("Tom Testnaam", "06-00000011", "tom.testnaam@example.org")]),
]


def groups() -> pd.DataFrame:
    rows = [
        {"group_id": gid, "group_name": name, "wabp_registered": "ja" if reg else "nee",
         "admin_name": a, "admin_phone": p, "admin_email": e, "note": NOTE}
        for gid, name, reg, admins in GROUPS for a, p, e in admins
    ]
    return pd.DataFrame(rows)


REQUESTS = [
    # request_id, date, group_id, lon/lat or RD x/y, preferred positions, what it shows
    ("A001", "2026-09-01", "G01", ("rd", 123000, 492800), "", "wijk al gedekt -> afgewezen"),
    ("A002", "2026-09-03", "G02", ("rd", 123750, 493900), "", "wijk zonder borden -> toegekend"),
    ("A003", "2026-09-05", "G03", ("rd", 123800, 494200), "", "zelfde wijk, later -> afgewezen"),
    ("A004", "2026-09-08", "G99", ("rd", 122200, 494100), "", "onbekende groep -> beoordelen"),
    ("A005", "2026-09-10", "G04", ("ll", 4.9200, 52.4020), "", "buiten de gemeente -> afgewezen"),
    ("A006", "2026-09-12", "G05", ("ll", 4.9000, 52.4720), "", "Purmerland, lon/lat -> toegekend"),
    ("A007", "2026-09-15", "G06", ("rd", 120000, 495000), "", "wijk zonder invalswegen -> beoordelen"),
    ("A008", "2026-09-18", "G07", ("rd", 123000, 494000), "4.9166 52.4336",
     "niet aangemeld bij WABP: toegekend bij Landsmeer, beoordelen bij Landgraaf"),
    ("A009", "2026-09-20", "G08", ("rd", 122250, 493800), "", "wijk West: toegekend"),
]


def requests() -> pd.DataFrame:
    rows = []
    for rid, date, gid, loc, preferred, what in REQUESTS:
        kind, a, b = loc
        rows.append({
            "request_id": rid, "date": date, "group_id": gid,
            "lon": a if kind == "ll" else "", "lat": b if kind == "ll" else "",
            "x": a if kind == "rd" else "", "y": b if kind == "rd" else "",
            "preferred": preferred, "toelichting": what, "note": NOTE,
        })
    return pd.DataFrame(rows)


def write_geojson(gdf: gpd.GeoDataFrame, name: str) -> None:
    # The planner's one GeoJSON writer: RFC 7946 (WGS84, counterclockwise outer rings, 7 decimals).
    (DATA / name).write_text(to_geojson(gdf), encoding="utf-8")


def main() -> None:
    DATA.mkdir(exist_ok=True)
    write_geojson(wards(), "wijken.geojson")
    write_geojson(roads(), "wegen.geojson")
    write_geojson(signs(), "borden.geojson")
    groups().to_csv(DATA / "groepen.csv", index=False)
    requests().to_csv(DATA / "aanvragen.csv", index=False)
    print(f"demo data written to {DATA}")


if __name__ == "__main__":
    main()
