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
met de reden, voorstellen voor de plek van de borden en een kaart. Bij elke stap
staat welke invoer hij gebruikt: **met of zonder wegen** maakt verschil, en de
`assert`-regels leggen vast wat de stap laat zien (`make test` draait dit notebook).

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
print(wards.crs, len(wards), "wijken,", len(signs), "borden,", len(roads), "wegen,", len(requests), "aanvragen")
"""),
    md("""
## Gegevens in RD New

Alle lagen staan na het laden in EPSG:28992 (RD New, meters), ook als het
bestand in WGS84 was (GeoJSON is altijd WGS84). Zo zijn afstanden en
oppervlaktes direct in meters.
"""),
    code("""
assert all(layer.crs == planner.RD_NEW for layer in (wards, signs, roads, requests))
wards.assign(opp_ha=(wards.area / 10_000).round(1))[["code", "name", "opp_ha"]]
"""),
    md("""
## Dekking per wijk

*Invoer: wijken, borden en het beleid; geen wegen.*

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
assert status.set_index("code").loc["LM03", "covered"]      # Landsmeer-Zuid: borden B001 en B002
assert not status.set_index("code").loc["LM04", "covered"]  # Landsmeer-Oost: nog geen borden
print(f"{status['covered'].sum()} van de {len(status)} wijken hebben al borden")
"""),
    md("""
## Een losse vraag: is de wijk op deze plek al gedekt?

*Invoer: wijken, borden en het beleid; geen wegen.* Een plek in WGS84 geeft u
als lengte, breedte (`lon, lat`); de planner rekent hem om naar RD New.
"""),
    code("""
punt = planner.point_rd(4.9168, 52.4230)   # lon, lat in het zuiden van het dorp
antwoord = planner.check_point(punt, wards, signs, beleid)
assert antwoord["ward"]["code"] == "LM03" and antwoord["covered"]
antwoord
"""),
    md("""
## Alle aanvragen beslissen, eerst zonder wegen

*Invoer: aanvragen, wijken, borden, groepen en het beleid; **geen wegen**.*

De aanvragen worden op datum beslist (eerst ingediend, eerst beslist). Zonder
wegen kan de planner geen plekken voor borden voorstellen: een toekenning zegt
dan dat de gemeente de borden plaatst op **plekken in overleg met de beheerder**,
en er ontstaat nog geen gepland bord. De wijk is daarmee *in behandeling*: een
latere aanvraag in dezelfde wijk wordt afgewezen met `ward_in_progress` en noemt
de eerdere toekenning. Zo krijgen twee beheerders van één wijk niet elk een set
borden.
"""),
    code("""
zonder_wegen = planner.decide_requests(requests, wards, signs, groups, beleid)
tabel = planner.decisions_frame(zonder_wegen)
tabel[["request_id", "date", "group_id", "ward_name", "outcome", "reason_code", "proposals"]]
"""),
    code("""
besluit = tabel.set_index("request_id")
# A002 (Landsmeer-Oost) is toegekend, zonder plekken: die worden met de beheerder afgesproken.
assert besluit.loc["A002", "outcome"] == "approved" and besluit.loc["A002", "proposals"] == 0
# A003 (dezelfde wijk, later) wacht op die toekenning: geen tweede set borden.
assert besluit.loc["A003", "reason_code"] == "ward_in_progress"
# A007 (Het Twiske) is ook toegekend: zonder wegen weet de planner niet dat daar geen invalsweg is.
assert besluit.loc["A007", "outcome"] == "approved"
for b in zonder_wegen[1:3]:
    print(b.request_id, b.outcome, "-", b.reason)
"""),
    md("""
## Waar komen de borden? Invalswegen en voorstellen

*Invoer: wijken, **wegen** en het beleid.*

Borden staan bij de **invalswegen**: plekken waar een openbare weg de wijk
binnenkomt. Fiets- en voetpaden en snelwegen tellen onder dit beleid niet mee.
De planner kiest hoogstens `max_signs` plekken die samen de belangrijkste
invalswegen dekken (een klein geheeltallig programma, exact opgelost).
"""),
    code("""
invalswegen = planner.find_entries(wards, roads, beleid)
per_wijk = invalswegen.groupby("ward_code").size().rename("invalswegen")
assert "LM09" not in per_wijk.index   # Het Twiske: geen enkele invalsweg
per_wijk.to_frame()
"""),
    code("""
voorstel = planner.propose_positions("LM04", wards, roads, beleid)
assert not voorstel.needs_review and 1 <= len(voorstel.proposals) <= beleid.max_signs
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
## Dezelfde aanvragen, nu met wegen: besluiten met voorstellen

*Invoer: aanvragen, wijken, borden, groepen, het beleid **en de wegen**.*

`planner.make_proposer` koppelt de voorstellen aan de besluiten. Twee besluiten
veranderen daardoor, en dat is de bedoeling:

* **A003**: de toekenning van A002 heeft nu echte plekken, dus geplande borden
  (`A002-1`, `A002-2`). Die tellen onder dit beleid als dekking: A003 wordt
  afgewezen met `ward_covered` en noemt die borden (zonder wegen was het
  `ward_in_progress`).
* **A007**: de planner ziet nu dat Het Twiske geen invalsweg heeft en verzint
  geen plek: `needs_review` / `no_entries` (zonder wegen was het een toekenning
  met plekken in overleg).
"""),
    code("""
voorsteller = planner.make_proposer(wards, roads, beleid, signs)
met_wegen = planner.decide_requests(requests, wards, signs, groups, beleid, roads=roads, proposer=voorsteller)
tabel_wegen = planner.decisions_frame(met_wegen)
tabel_wegen[["request_id", "ward_name", "outcome", "reason_code", "proposals"]]
"""),
    code("""
vergelijk = pd.DataFrame({
    "zonder wegen": tabel.set_index("request_id")["reason_code"],
    "met wegen": tabel_wegen.set_index("request_id")["reason_code"],
})
verschil = vergelijk[vergelijk["zonder wegen"] != vergelijk["met wegen"]]
assert list(verschil.index) == ["A003", "A007"]
assert verschil.loc["A003", "met wegen"] == "ward_covered" and verschil.loc["A007", "met wegen"] == "no_entries"
assert tabel_wegen.set_index("request_id").loc["A002", "proposals"] == 2
verschil
"""),
    md("""
## De kaart

Een Folium-kaart van de besluiten met wegen; hieronder de openbare versie,
zonder persoonsgegevens en zonder de plekken van de aanvragen.
"""),
    code("""
kaartdata = planner.prepare_map_data(wards, signs, met_wegen, roads=roads, policy=beleid, public=True)
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
lijsten = {}  # beleid -> de besluiten zelf (voor de dekking per inwoner, verderop)

def beslis(policy):
    voorsteller = planner.make_proposer(wards, roads, policy, signs)
    decisions = planner.decide_requests(requests, wards, signs, groups, policy,
                                        roads=roads, proposer=voorsteller)
    lijsten[policy.name] = decisions
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
## Dekking per inwoner

Stichting WABP en gemeenten vergelijken dekking per inwoner, niet per wijk.
`planner.coverage_stats` telt per wijk, per CBS-wijk en voor de gemeente de
inwoners (CBS, uit `planner import wards`), de inwoners van gedekte wijken en
hun aandeel, borden per 1.000 inwoners, wijken met een groep maar zonder borden
en wijken met open aanvragen (`planner stats` op de opdrachtregel).

De demowijken hebben **illustratieve** inwonertallen (geen CBS-cijfers; zo staat
het in hun `note`). Hieronder zetten we er andere illustratieve aantallen voor in
de plaats, waarvan CBS er één geheim houdt (`-99999999`): dat blijft
*onbekend* (leeg), nooit 0, en de totalen zeggen hoeveel wijken onbekend zijn.
"""),
    code("""
inwoners = {"LM01": 4200, "LM02": 3100, "LM03": 2900, "LM04": 1800, "LM05": 2500,
            "LM06": 350, "LM07": 600, "LM08": -99999999, "LM09": 0}  # illustratief; LM08: CBS geheim
wards_cbs = wards.assign(population=wards["code"].map(inwoners))
per_inwoner = {p.name: planner.coverage_stats(wards_cbs, signs, p, decisions=lijsten[p.name], groups=groups)
               for p in (landsmeer, streng)}
pd.DataFrame({naam: s.municipality for naam, s in per_inwoner.items()}).loc[
    ["residents", "covered_residents", "covered_share", "signs_per_1000", "wards_population_unknown",
     "wards_group_without_signs", "wards_with_open_requests"]]
"""),
    code("""
tabel = per_inwoner["landsmeer"].wards
assert pd.isna(tabel.set_index("code").loc["LM08", "residents"])  # onbekend, niet 0
tabel[["code", "name", "state", "residents", "covered_residents", "signs_per_1000", "open_requests"]]
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
