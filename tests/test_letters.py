"""The decision letter to the group's admins (issue 13): ``planner brief``.

The PDF's text is read back with pdftotext and its first page rendered with
pdftoppm (poppler-utils, installed by scripts/install_browser.sh); the DOCX
is read back with python-docx.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import numpy as np
import pytest
from PIL import Image
from test_lifecycle import env, ok, refused, run  # noqa: F401  (fixtures and helpers)

from planner.app import letters
from planner.register.store import Store
from planner.render.letters.municipality import DEFAULT, from_dict

OFFICER = ("Agent Bakker", "0900-8844", "bakker@politie.example")


@pytest.fixture
def store(env, capsys):  # noqa: F811
    ok(capsys, "init", "--json")
    ok(capsys, "officer", "set", "LM04", "--name", OFFICER[0], "--phone", OFFICER[1], "--email", OFFICER[2], "--json")
    ok(capsys, "decide", "--json")
    return env / "planner.gpkg"


def pdf_text(path) -> str:
    assert shutil.which("pdftotext"), "pdftotext missing: run scripts/install_browser.sh (poppler-utils)"
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def docx_text(path) -> str:
    d = docx.Document(str(path))
    return " ".join(" ".join(p.text for p in d.paragraphs).split())


def first_page(path, tmp_path) -> np.ndarray:
    assert shutil.which("pdftoppm"), "pdftoppm missing: run scripts/install_browser.sh (poppler-utils)"
    subprocess.run(["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def test_approval_letter_says_decision_reason_wijkagent_positions_relocation_and_objection(store, capsys, env):  # noqa: F811
    ok(capsys, "admin", "set", "G02", "1", "--wijkagent", "ja", "--reason", "gevraagd per mail", "--json")
    r = ok(capsys, "brief", "A002", "--json")
    assert r["written"] == ["brieven/brief-A002.pdf", "brieven/brief-A002.docx"] and r["internal"] is True
    info = ok(capsys, "request", "show", "A002", "--json")
    for text in (pdf_text(env / "brieven" / "brief-A002.pdf"), docx_text(env / "brieven" / "brief-A002.docx")):
        assert "Gemeente Landsmeer" in text and "Kenmerk: aanvraag A002" in text
        assert "Wij kennen uw aanvraag toe." in text
        assert "In wijk Landsmeer-Oost hangen nog geen borden" in text  # the reason
        assert "Geachte Anna Fictief en Piet Proef," in text
        assert "Agent Bakker" in text and "0900-8844" in text and "bakker@politie.example" in text
        assert "Met uw toestemming brengen wij Anna Fictief in contact met de wijkagent" in text
        assert "Piet Proef heeft daar (nog) niet om gevraagd" in text and "Bel 020-4877111" in text
        for k, s in enumerate(info["signs"], start=1):
            assert f"{k}. {s['street']}, " in text
            assert f"Bord {s['id']}, coördinaten {s['lat']:.5f}, {s['lon']:.5f}." in text
        assert "behoudt het recht om de borden te verplaatsen" in text
        assert "binnen zes weken" in text and "Algemene wet bestuursrecht" in text
        assert "illustratieve gegevens" in text  # the default sender is the demo one


def test_the_letter_introduces_only_admins_who_agreed_and_tells_the_others_how_to_ask(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A002", "--format", "docx", "--json")  # nobody agreed (the default)
    text = docx_text(env / "brieven" / "brief-A002.docx")
    assert "Agent Bakker" not in text and "bakker@politie.example" not in text
    assert "U heeft daar (nog) niet om gevraagd" in text and "noem het kenmerk aanvraag A002" in text
    assert "Bel dan altijd eerst 112" in text
    ok(capsys, "admin", "set", "G02", "2", "--wijkagent", "ja", "--reason", "telefonisch", "--json")
    ok(capsys, "admin", "set", "G02", "1", "--wijkagent", "ja", "--reason", "telefonisch", "--json")
    ok(capsys, "brief", "A002", "--format", "docx", "--json")
    text = docx_text(env / "brieven" / "brief-A002.docx")
    assert "Met uw toestemming brengen wij Anna Fictief en Piet Proef in contact" in text and "Agent Bakker" in text
    assert "niet om gevraagd" not in text


def test_the_first_page_shows_a_map_with_the_ward_and_numbered_positions(store, capsys, env, tmp_path):  # noqa: F811
    ok(capsys, "brief", "A002", "--format", "pdf", "--json")
    page = first_page(env / "brieven" / "brief-A002.pdf", tmp_path)
    r, g, b = page[..., 0], page[..., 1], page[..., 2]
    ward_fill = (abs(r - 0xfd) < 8) & (abs(g - 0xeb) < 8) & (abs(b - 0xd0) < 8)
    marker = (r > 170) & (g < 90) & (b < 90)  # the red numbered circles
    assert ward_fill.sum() > 2000, "no ward on the first page"
    assert marker.sum() > 30, "no numbered positions on the first page"
    rejected = first_page_of(capsys, env, tmp_path, "A001")
    assert ((abs(rejected[..., 0] - 0xfd) < 8) & (abs(rejected[..., 1] - 0xeb) < 8)).sum() == 0  # no map


def first_page_of(capsys, env, tmp_path, rid):  # noqa: F811
    ok(capsys, "brief", rid, "--format", "pdf", "--json")
    out = tmp_path / rid
    out.mkdir()
    return first_page(env / "brieven" / f"brief-{rid}.pdf", out)


def test_rejection_and_review_letters(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A001", "--json")
    text = pdf_text(env / "brieven" / "brief-A001.pdf")
    assert "Wij wijzen uw aanvraag af." in text and "hangen al borden" in text and "binnen zes weken" in text
    assert "Waar de borden komen" not in text
    assert "De wijkagent van wijk Landsmeer-Zuid is nog niet bij ons bekend" in text
    ok(capsys, "brief", "A007", "--json")
    text = pdf_text(env / "brieven" / "brief-A007.pdf")
    assert "een medewerker beoordeelt haar eerst" in text and "zes weken" not in text
    # resolved by staff: the letter says the resolution and its reason
    ok(capsys, "request", "resolve", "A007", "--reject", "--reason", "alleen water en riet", "--json")
    ok(capsys, "brief", "A007", "--json")
    text = pdf_text(env / "brieven" / "brief-A007.pdf")
    assert "Wij wijzen uw aanvraag af." in text and "alleen water en riet" in text


def test_agreed_positions_are_in_the_letter(store, capsys, env):  # noqa: F811
    ok(capsys, "request", "agree", "A008", "--without-wish", "--json")
    ok(capsys, "brief", "A008", "--format", "docx", "--json")
    assert not (env / "brieven" / "brief-A008.pdf").exists()
    text = docx_text(env / "brieven" / "brief-A008.docx")
    assert "Met u is afgesproken dat de borden op deze plekken komen" in text
    assert len(docx.Document(str(env / "brieven" / "brief-A008.docx")).inline_shapes) == 1  # the map


def test_all_writes_the_letters_of_the_last_decide_run(store, capsys, env, monkeypatch):  # noqa: F811
    r = ok(capsys, "brief", "--all", "--format", "pdf", "--json")
    # A004's group G99 is not in the register: no admin to write to, said as a warning
    assert [x["request_id"] for x in r["letters"]] == ["A001", "A002", "A003", "A005", "A006", "A007", "A008",
                                                       "A009"]
    assert [x["request_id"] for x in r["skipped"]] == ["A004"]
    monkeypatch.setenv("PLANNER_NOW", "2026-10-02T09:00:00Z")
    ok(capsys, "request", "add", "--group", "G01", "--at-rd", "121000,499000", "--id", "N1", "--json")
    ok(capsys, "decide", "--json")
    r = ok(capsys, "brief", "--all", "--out", "brieven/2", "--json")
    assert [x["request_id"] for x in r["letters"]] == ["N1"]


def test_config_file_sets_the_sender(store, capsys, env):  # noqa: F811
    (env / "gemeente.toml").write_text('[gemeente]\nnaam = "Gemeente Proefdorp"\nafzender = "Team Openbare Orde"\n'
                                       'telefoon = "0299-123456"\nemail = "oo@proefdorp.example"\n', encoding="utf-8")
    ok(capsys, "brief", "A001", "--format", "pdf", "--json")
    text = pdf_text(env / "brieven" / "brief-A001.pdf")
    assert "Gemeente Proefdorp" in text and "Team Openbare Orde" in text and "0299-123456" in text
    assert "illustratieve" not in text and "Landsmeer, " not in text.split("Kenmerk")[0][-40:]
    assert "Proefdorp, 1 oktober 2026 Kenmerk: aanvraag A001" in text  # the place from the name


def test_letters_are_internal_never_in_the_public_export(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A002", "--json")
    ok(capsys, "export", "--out", "export", "--json")
    names = {p.name for p in (env / "export").iterdir()}
    assert not any(n.startswith("brief") or n.startswith("group_events") for n in names)
    # The public life of a request carries no staff free text.
    header = (env / "export" / "request_events.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "reason" not in header and "detail" not in header
    removed = ok(capsys, "group", "remove", "G02", "--json")
    assert "brieven/brief-A002.pdf" in removed["may_still_hold"]


def test_bad_letter_requests_change_nothing(store, capsys, env):  # noqa: F811
    ok(capsys, "request", "add", "--group", "G01", "--at-rd", "121000,499000", "--id", "N1", "--json")
    refused(capsys, store, "brief", "N1", contains="nog niet beslist")
    refused(capsys, store, "brief", "Z9", contains="onbekende aanvraag")
    refused(capsys, store, "brief", "A004", contains="geen beheerder")
    refused(capsys, store, "brief", "A001", "--config", "geen.toml", contains="bestaat niet")
    (env / "slecht.toml").write_text('[gemeente]\nnaam = "X"\nkleur = "rood"\n', encoding="utf-8")
    refused(capsys, store, "brief", "A001", "--config", "slecht.toml", contains="kleur")
    (env / "leeg.toml").write_text('[gemeente]\nafzender = "X"\n', encoding="utf-8")
    refused(capsys, store, "brief", "A001", "--config", "leeg.toml", contains="naam ontbreekt")
    refused(capsys, store, "brief", "A001", "--out", "", contains="leeg pad")
    assert not (env / "brieven").exists()


def test_letters_in_the_python_api(store):
    s = Store(store)
    municipality = from_dict({"gemeente": {"naam": "Gemeente Proef", "illustratief": True}})
    letter = letters.letter_for(s, "A002", municipality=municipality)
    assert letter.outcome == "approved" and len(letter.positions) == 2 and letter.map_png.startswith(b"\x89PNG")
    assert "Gemeente Proef" in letter.text() and DEFAULT.illustratief
    paths, done, skipped = letters.write_letters(s, ["A001"], store.parent / "uit", ("pdf",))
    assert [p.name for p in paths] == ["brief-A001.pdf"] and not skipped


# ----------------------------------------------------------------- letters an admin can act on (issue 22, item 4)


def docx_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_pdf_and_docx_are_a4_and_dutch(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A002", "--json")
    pdf = env / "brieven" / "brief-A002.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert b"/Lang (nl-NL)" in pdf.read_bytes()
    parts = docx_parts(env / "brieven" / "brief-A002.docx")
    size = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', parts["word/document.xml"])
    assert size == [("11906", "16838")]  # 21.0 x 29.7 cm in twentieths of a point
    langs = re.findall(r'<w:lang [^>]*w:val="([^"]+)"', parts["word/styles.xml"])
    assert langs and set(langs) == {"nl-NL"}
    assert '<w:themeFontLang w:val="nl-NL"' in parts["word/settings.xml"]
    assert not any("en-US" in xml for xml in parts.values())
    assert docx.Document(str(env / "brieven" / "brief-A002.docx")).core_properties.language == "nl-NL"


def test_each_position_says_street_crossing_and_side(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A002", "--json")
    for text in (pdf_text(env / "brieven" / "brief-A002.pdf"), docx_text(env / "brieven" / "brief-A002.docx")):
        # both signs are on Dorpsstraat: the crossing streets and the ward boundary tell them apart
        assert ("1. Dorpsstraat, 15 m voorbij de grens met wijk Landsmeer-Dorp, 255 m ten westen van de kruising "
                "met de Oostmeerweg, aan de zuidkant van de weg (rechts voor wie de wijk in rijdt).") in text
        assert ("2. Dorpsstraat, 15 m ten westen van de kruising met de Ilperweg, aan de zuidkant van de weg") in text


def test_a_position_in_words_from_the_road_network_and_the_address_table(tmp_path):
    import geopandas as gpd
    import pandas as pd
    from shapely import affinity
    from shapely.geometry import LineString, box

    from planner.io.sources import geocode
    from planner.render.letters.positions import describe_position, position_sentence

    x0, y0 = 120_000, 494_000  # in Landsmeer (RD New)

    def at(g):
        return affinity.translate(g, x0, y0)

    roads = gpd.GeoDataFrame({"name": ["Dorpsstraat", "Kerkstraat", "Zuideinde"]},
                             geometry=[at(LineString([(0, 0), (1000, 0)])), at(LineString([(300, -200), (300, 200)])),
                                       at(LineString([(1000, 0), (1000, 500)]))], crs="EPSG:28992")
    ward = at(box(-100, -300, 500, 300))  # Dorpsstraat enters it from the east, at x = 500
    wards = gpd.GeoDataFrame({"name": ["Dorp", "Oost"]}, geometry=[ward, at(box(500, -300, 1100, 600))],
                             crs="EPSG:28992")
    d = describe_position(x0 + 485, y0, "Dorpsstraat", roads=roads, ward_geom=ward, wards=wards)
    # 15 m from the boundary, 185 m from the crossing: both; traffic drives west, so the right is the north
    assert position_sentence(d) == ("Dorpsstraat, 15 m voorbij de grens met wijk Oost, 185 m ten oosten van de "
                                    "kruising met de Kerkstraat, aan de noordkant van de weg (rechts voor wie de "
                                    "wijk in rijdt)")
    d = describe_position(x0 + 262, y0, "Dorpsstraat", roads=roads, ward_geom=ward, wards=wards)
    assert d["where"] == "40 m ten westen van de kruising met de Kerkstraat" and d["crossing"] == ["Kerkstraat"]
    assert describe_position(x0 + 1000, y0 + 250, "Zuideinde", roads=roads)["where"] == \
        "250 m ten noorden van de kruising met de Dorpsstraat"
    assert describe_position(x0 + 1000, y0 + 250, "", roads=None)["where"] == ""  # without roads: only the street
    unnamed = gpd.GeoDataFrame({"name": [None]}, geometry=[at(LineString([(0, -100), (400, -100)]))],
                               crs="EPSG:28992")
    d = describe_position(x0 + 350, y0 - 100, "", roads=pd.concat([roads, unnamed], ignore_index=True))
    assert position_sentence(d) == "naamloze weg, 50 m ten oosten van de kruising met de Kerkstraat"
    (tmp_path / "adressen.csv").write_text("postcode,huisnummer,straat,woonplaats,x,y\n"
                                           f"1121AB,12,Dorpsstraat,Landsmeer,{x0 + 255},{y0 + 8}\n"
                                           f"1121AB,14,Kerkstraat,Landsmeer,{x0 + 262},{y0 + 5}\n", encoding="utf-8")
    table = geocode.AddressTable.from_csv(tmp_path / "adressen.csv")
    d = describe_position(x0 + 262, y0, "Dorpsstraat", roads=roads, ward_geom=ward, wards=wards, addresses=table)
    assert d["address"] == "Dorpsstraat 12" and position_sentence(d).endswith("ter hoogte van Dorpsstraat 12")


def test_the_letter_map_names_the_streets_the_ward_and_its_neighbours(store):
    from planner import geo
    from planner.app.lifecycle import show_request
    from planner.render.letters.map import frame_of, map_labels

    data = Path(__file__).resolve().parent.parent / "data"
    wards, roads = geo.load_wards(data / "wijken.geojson"), geo.load_roads(data / "wegen.geojson")
    info = show_request(Store(store), "A002")
    poly = wards.geometry.values[(wards["code"] == "LM04").to_numpy()][0]
    positions = [{"rank": k, "x": s["x"], "y": s["y"], "street": s["street"]}
                 for k, s in enumerate(info["signs"], start=1)]
    labels = map_labels(frame_of(poly, positions), poly, positions, roads=roads,
                        neighbours=wards[wards["code"] != "LM04"], ward_name="Landsmeer-Oost")
    by_kind = {k: {lab["text"] for lab in labels if lab["kind"] == k} for k in ("ward", "neighbour", "street")}
    assert by_kind["ward"] == {"Landsmeer-Oost"}
    assert {"Landsmeer-Dorp", "Ilperveld en polder"} <= by_kind["neighbour"]
    assert {"Dorpsstraat", "Oostmeerweg", "Ilperweg"} <= by_kind["street"]  # the signs' street among them
    for lab in labels:  # no name on a sign
        assert all(np.hypot(lab["x"] - p["x"], lab["y"] - p["y"]) > 50 for p in positions), lab
    with_streets = letters.letter_for(Store(store), "A002", roads=roads).map_png
    without = letters.letter_for(Store(store), "A002").map_png  # without roads: no streets, still the wards
    assert with_streets.startswith(b"\x89PNG") and without.startswith(b"\x89PNG") and with_streets != without


def _page_texts(path) -> list[list[str]]:
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                                                         check=True).stdout)[1])
    pages = []
    for k in range(1, n + 1):
        out = subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), "-layout", str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
        pages.append([line.strip() for line in out.splitlines() if line.strip()])
    return pages


def test_a_heading_never_stands_alone_at_the_foot_of_a_page(store, tmp_path):
    """Longer and shorter reasons move every heading past the foot of a page once: it always moves with its text."""
    import dataclasses

    from planner.render.letters.render import render_docx, render_pdf

    base = letters.letter_for(Store(store), "A002")
    headings = {h for h, _ in base.sections if h}
    filler = "Deze zin maakt de brief langer zodat elke kop eens onderaan een bladzijde valt."
    seen_at_top = set()
    for n in range(0, 24):
        first, rest = base.sections[0], base.sections[1:]
        letter = dataclasses.replace(base, sections=[(first[0], first[1] + [filler * 2] * n), *rest])
        path = tmp_path / f"brief-{n}.pdf"
        path.write_bytes(render_pdf(letter))
        pages = _page_texts(path)
        for lines in pages[:-1]:
            assert lines[-1] not in headings, (n, lines[-3:])
        seen_at_top |= {lines[0] for lines in pages[1:] if lines and lines[0] in headings}
    assert len(seen_at_top) >= 3  # the sweep did push headings across page breaks
    d = docx.Document(io.BytesIO(render_docx(base)))
    heads = [p for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert {p.text for p in heads} == headings and all(p.paragraph_format.keep_with_next for p in heads)


def test_one_date_style_and_the_signature_from_gemeente_toml(store, capsys, env):  # noqa: F811
    ok(capsys, "brief", "A001", "--json")
    for text in (pdf_text(env / "brieven" / "brief-A001.pdf"), docx_text(env / "brieven" / "brief-A001.docx")):
        assert "Landsmeer, 1 oktober 2026 Kenmerk: aanvraag A001" in text and "Datum" not in text
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    (env / "gemeente.toml").write_text(
        '[gemeente]\nnaam = "Gemeente Proefdorp"\npostcode_plaats = "9999 ZZ Proefdorp"\n'
        'ondertekenaar = "Mr. A.B. de Proef"\nondertekenaar_functie = "teamleider Openbare Orde en Veiligheid"\n',
        encoding="utf-8")
    ok(capsys, "brief", "A001", "--json")
    for text in (pdf_text(env / "brieven" / "brief-A001.pdf"), docx_text(env / "brieven" / "brief-A001.docx")):
        assert "Proefdorp, 1 oktober 2026" in text
        assert ("Met vriendelijke groet, Het college van burgemeester en wethouders van Gemeente Proefdorp, "
                "namens dezen, Mr. A.B. de Proef teamleider Openbare Orde en Veiligheid") in text
    (env / "gemeente.toml").write_text('[gemeente]\nnaam = "Gemeente Proefdorp"\n', encoding="utf-8")
    code, _, err = run(capsys, "brief", "A001", "--json")
    assert code == 0 and "geen ondertekenaar" in err  # said, not silently unsigned


def test_brief_addresses_names_the_nearest_house_number(store, capsys, env):  # noqa: F811
    sign = ok(capsys, "request", "show", "A002", "--json")["signs"][0]
    (env / "adressen.csv").write_text(
        "postcode,huisnummer,toevoeging,straat,woonplaats,x,y\n"
        f"1121AB,7,a,Dorpsstraat,Landsmeer,{sign['x'] + 12},{sign['y'] + 6}\n"
        f"1121AB,9,,Dorpsstraat,Landsmeer,{sign['x'] + 90},{sign['y'] + 6}\n"
        f"1121AC,3,,Oostmeerweg,Landsmeer,{sign['x'] + 2},{sign['y'] + 2}\n", encoding="utf-8")
    ok(capsys, "brief", "A002", "--format", "pdf", "--addresses", "adressen.csv", "--json")
    text = pdf_text(env / "brieven" / "brief-A002.pdf")
    assert "aan de zuidkant van de weg (rechts voor wie de wijk in rijdt), ter hoogte van Dorpsstraat 7A." in text
    assert "Oostmeerweg 3" not in text  # another street, however close


def test_a_shared_pole_is_named_in_the_letter(store):
    # The demo's A008 (Landsmeer-Dorp) meets A002 (Landsmeer-Oost) on Dorpsstraat: one pole.
    letter = letters.letter_for(Store(store), "A008", municipality=DEFAULT)
    shared = [p["line"] for p in letter.positions if "gedeelde paal" in p["line"]]
    assert len(shared) == 1 and "één paal met een bord naar elke kant" in shared[0]
    assert "gedeelde paal" in letter.text()


def test_a_sign_on_a_shared_pole_is_described_from_the_ward_it_stands_in(store):
    # A008-2 hangs on A002-1's pole, 15 m inside Landsmeer-Oost: the boundary it is measured from is the
    # one with Landsmeer-Dorp (the admin's own ward), not the municipality's.
    from planner import geo

    roads = geo.load_roads(Path(__file__).resolve().parent.parent / "data" / "wegen.geojson")
    letter = letters.letter_for(Store(store), "A008", municipality=DEFAULT, roads=roads)
    shared = [p for p in letter.positions if "gedeelde paal" in p["line"]]
    assert len(shared) == 1
    assert "15 m voorbij de grens met wijk Landsmeer-Dorp" in shared[0]["where"], shared[0]["where"]
    assert "gemeentegrens" not in shared[0]["where"]
