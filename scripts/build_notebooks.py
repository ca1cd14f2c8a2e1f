"""(Re)write the notebooks in notebooks/ from the cell sources below, without outputs.

The notebooks are the API's living tutorial; keeping their source here makes
review easy. Run ``python scripts/build_notebooks.py`` after editing.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def md(text):
    return new_markdown_cell(text.strip())


def code(text):
    return new_code_cell(text.strip())


TOUR = [
    md("""
# Rondleiding: de planner op de demodata van Landsmeer

Een beheerder van een WhatsApp-buurtpreventiegroep vraagt de gemeente om borden.
De regel van Landsmeer: **hangen er in de wijk al borden, dan komen er geen bij**;
anders plaatst de gemeente borden in overleg met de beheerder.

Dit notebook laat zien hoe de planner dat beslist, met alleen de publieke
Python-API (`import planner`): gegevens laden, de dekking per wijk, een besluit
met de reden, voorstellen voor de plek van de borden en een kaart.

*De demodata zijn illustratief: geen officiële grenzen, wegen of borden.*
"""),
    code("""
from pathlib import Path

import pandas as pd

import planner

DATA = Path("..") / "data"
wards = planner.load_wards(DATA / "wijken.geojson")
signs = planner.load_signs(DATA / "borden.geojson")
roads = planner.load_roads(DATA / "wegen.geojson")
groups = planner.load_groups(DATA / "groepen.csv")
requests = planner.load_requests(DATA / "aanvragen.csv")
print(wards.crs, len(wards), "wijken,", len(signs), "borden,", len(roads), "wegen")
"""),
    md("""
## Gegevens in RD New

Alle lagen staan na het laden in EPSG:28992 (RD New, meters), ook als het
bestand in WGS84 was. Zo zijn afstanden en oppervlaktes direct in meters.
"""),
    code("""
wards.assign(opp_ha=(wards.area / 10_000).round(1))[["code", "name", "opp_ha"]]
"""),
    md("""
## Dekking per wijk

Welke wijken hebben al borden? Onder het beleid van Landsmeer tellen geplaatste
en geplande borden mee.
"""),
    code("""
beleid = planner.preset("landsmeer")
status = planner.ward_status(wards, signs, beleid)
status
"""),
    code("""
assert status["covered"].any() and not status["covered"].all()
print(f"{status['covered'].sum()} van de {len(status)} wijken hebben al borden")
"""),
    md("""
## Een losse vraag: is de wijk op deze plek al gedekt?
"""),
    code("""
punt = planner.point_rd(4.9168, 52.4230)   # lon, lat in het zuiden van het dorp
planner.check_point(punt, wards, signs, beleid, roads)
"""),
    md("""
## Alle aanvragen beslissen

De aanvragen worden op datum beslist. Een toekenning telt mee voor latere
aanvragen in dezelfde wijk, zodat twee beheerders van één wijk niet elk een set
borden krijgen.
"""),
    code("""
besluiten = planner.decide_requests(requests, wards, signs, groups, beleid, roads=roads)
tabel = planner.decisions_frame(besluiten)
tabel[["request_id", "date", "group_id", "ward_name", "outcome", "reason_code"]]
"""),
    code("""
for besluit in besluiten[:3]:
    print(besluit.request_id, besluit.outcome)
    print("  ", besluit.reason)
"""),
    md("""
## Waar komen de borden? Invalswegen en voorstellen

Borden staan bij de **invalswegen**: plekken waar een openbare weg de wijk
binnenkomt. Fiets- en voetpaden en snelwegen tellen onder dit beleid niet mee.
De planner kiest hoogstens `max_signs` plekken die samen de belangrijkste
invalswegen dekken (een klein geheeltallig programma, exact opgelost).
"""),
    code("""
invalswegen = planner.find_entries(wards, roads, beleid)
invalswegen.groupby("ward_code").size().rename("invalswegen").to_frame()
"""),
    code("""
voorstel = planner.propose_positions("LM04", wards, roads, beleid)
pd.DataFrame(voorstel.proposals)[["rank", "road", "road_class", "score", "x", "y", "lat", "lon"]]
"""),
    code("""
for p in voorstel.proposals:
    print(p["rank"], p["explanation"])
"""),
    md("""
Een wijk zonder invalswegen (Het Twiske heeft alleen een snelweg en een
fietspad) krijgt geen verzonnen plek, maar gaat ter beoordeling naar een
medewerker.
"""),
    code("""
twiske = planner.propose_positions("LM09", wards, roads, beleid)
assert twiske.needs_review and not twiske.proposals
twiske.reason
"""),
    md("""
## Besluiten met voorstellen, en de kaart

`planner.make_proposer` koppelt de voorstellen aan de besluiten. De kaart is een
Folium-kaart; hieronder de openbare versie, zonder persoonsgegevens.
"""),
    code("""
voorsteller = planner.make_proposer(wards, roads, beleid, signs)
besluiten = planner.decide_requests(requests, wards, signs, groups, beleid, roads=roads, proposer=voorsteller)
planner.decisions_frame(besluiten)[["request_id", "ward_name", "outcome", "reason_code", "proposals"]]
"""),
    code("""
kaartdata = planner.prepare_map_data(wards, signs, besluiten, roads=roads, policy=beleid, public=True)
planner.overview_map(kaartdata, public=True)
"""),
]

POLICIES = [
    md("""
# Beleid vergelijken: Landsmeer tegenover een strenger beleid

Gemeenten verschillen in hun regels voor WhatsApp-buurtpreventieborden.
Landsmeer plaatst borden in elke wijk waar nog geen borden hangen. Landgraaf
en Noordwijk zijn strenger: daar komen alleen groepen in aanmerking die zijn
aangemeld bij Stichting WhatsApp Buurtpreventie (WABP).

In dit notebook beslissen we dezelfde demo-aanvragen onder beide regels en
bekijken we per wijk hoeveel borden er hangen of gepland zijn.

*De demodata zijn illustratief: geen officiële grenzen of echte borden.*
"""),
    code("""
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import planner

DATA = Path("..") / "data"
wards = planner.load_wards(DATA / "wijken.geojson")
signs = planner.load_signs(DATA / "borden.geojson")
roads = planner.load_roads(DATA / "wegen.geojson")
groups = planner.load_groups(DATA / "groepen.csv")
requests = planner.load_requests(DATA / "aanvragen.csv")
planner.preset_names()
"""),
    md("""
## De twee beleidsregels

`planner.preset(...)` geeft de regels van een gemeente. Het verschil zit in
`registration_required`.
"""),
    code("""
landsmeer = planner.preset("landsmeer")
streng = planner.preset("landgraaf")
pd.DataFrame([landsmeer.to_dict(), streng.to_dict()])[
    ["name", "max_signs", "coverage_statuses", "registration_required", "description"]
]
"""),
    md("""
## Dezelfde aanvragen, twee uitkomsten

We beslissen alle aanvragen in datumvolgorde onder elk beleid, met voorstellen
voor de plek van de borden bij de invalswegen.
"""),
    code("""
def beslis(policy):
    voorsteller = planner.make_proposer(wards, roads, policy, signs)
    decisions = planner.decide_requests(requests, wards, signs, groups, policy,
                                        roads=roads, proposer=voorsteller)
    return planner.decisions_frame(decisions).assign(beleid=policy.name)

besluiten = pd.concat([beslis(landsmeer), beslis(streng)], ignore_index=True)
besluiten.pivot(index="request_id", columns="beleid", values="outcome")
"""),
    code("""
verschil = besluiten.pivot(index="request_id", columns="beleid", values="reason_code")
verschil[verschil["landsmeer"] != verschil["landgraaf"]]
"""),
    md("""
## Dekking per wijk

Per wijk tellen we de borden die er al hangen of gepland zijn
(`planner.ward_status`) en de voorgestelde borden van de toekenningen.
"""),
    code("""
def dekking(policy, frame):
    status = planner.ward_status(wards, signs, policy).set_index("code")
    toegekend = frame[frame["outcome"] == "approved"].groupby("ward_code")["proposals"].sum()
    nieuw = toegekend.reindex(status.index, fill_value=0)
    return pd.DataFrame({"wijk": status["name"], "bestaand": status["signs"], "nieuw": nieuw})

per_beleid = {
    p.name: dekking(p, besluiten[besluiten["beleid"] == p.name]) for p in (landsmeer, streng)
}
per_beleid["landsmeer"].assign(**{"nieuw (landgraaf)": per_beleid["landgraaf"]["nieuw"]})
"""),
    code("""
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
for ax, (naam, tabel) in zip(axes, per_beleid.items()):
    tabel.set_index("wijk")[["bestaand", "nieuw"]].plot.bar(stacked=True, ax=ax)
    ax.set_title(f"Borden per wijk: {naam}")
    ax.set_xlabel("")
    ax.set_ylabel("aantal borden")
fig.tight_layout()
gedekt = {naam: int(((t["bestaand"] + t["nieuw"]) > 0).sum()) for naam, t in per_beleid.items()}
assert gedekt["landgraaf"] <= gedekt["landsmeer"]
gedekt
"""),
    md("""
Onder het strengere beleid blijven aanvragen van niet-aangemelde groepen liggen
voor beoordeling, dus minder wijken krijgen borden. Een eigen beleid maakt u
met een TOML-bestand (`planner.load_policy`) of met `policy.replace(...)`.
"""),
    code("""
eigen = landsmeer.replace(name="eigen", max_signs=3, coverage_statuses=("placed",))
planner.ward_status(wards, signs, eigen)
"""),
]


def write(name, cells):
    for k, cell in enumerate(cells, start=1):
        cell.id = f"{name.split('_')[0]}-{k:02d}"  # stable ids: rebuilding changes nothing
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    path = NOTEBOOKS / name
    nbformat.write(nb, path)
    print(f"written {path}")


if __name__ == "__main__":
    NOTEBOOKS.mkdir(exist_ok=True)
    write("01_rondleiding.ipynb", TOUR)
    write("02_beleid_vergelijken.ipynb", POLICIES)
