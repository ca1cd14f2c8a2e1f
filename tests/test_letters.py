"""The decision letter to the group's admins (issue 13): ``planner brief``.

The PDF's text is read back with pdftotext and its first page rendered with
pdftoppm (poppler-utils, installed by scripts/install_browser.sh); the DOCX
is read back with python-docx.
"""

from __future__ import annotations

import shutil
import subprocess

import docx
import numpy as np
import pytest
from PIL import Image

from planner import letters
from planner.config import DEFAULT, from_dict
from planner.store import Store

from test_lifecycle import env, ok, refused, run  # noqa: F401  (fixtures and helpers)

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
            assert f"{k}. {s['street']}, bord {s['id']} ({s['lat']:.5f}, {s['lon']:.5f})" in text
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
