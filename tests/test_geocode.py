"""Addresses: PDOK Locatieserver (recorded answers on 127.0.0.1) and a local address table.

Tests never use the network: a small HTTP server on the loopback interface
replays the answers in ``tests/recorded/``.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from planner.errors import InputError
from planner.io.sources import geocode

RECORDED = Path(__file__).parent / "recorded"


@pytest.fixture(scope="module")
def pdok():
    """A local stand-in for Locatieserver; yields (base_url, list of received query dicts)."""
    answers = {}
    for path in RECORDED.glob("locatieserver_*.json"):
        rec = json.loads(path.read_text(encoding="utf-8"))
        answers[rec["request"]["q"]] = (rec["status"], rec["body"])
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            received.append(params)
            status, body = answers.get(params.get("q"), (404, {"detail": "not recorded"}))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/bzk/locatieserver/search/v3_1/free", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_url():
    """A loopback URL where nothing listens (connection refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/free"


@pytest.fixture
def address_csv(tmp_path):
    path = tmp_path / "adressen.csv"
    path.write_text(
        "postcode,huisnummer,toevoeging,straat,woonplaats,x,y\n"
        "1121 CA,1,,Zuideinde,Landsmeer,122860.8,493395.9\n"
        "1121CA,3,A,Zuideinde,Landsmeer,122870.0,493420.0\n"
        "1121BV,1,,Dorpsstraat,Landsmeer,122383.4,494031.1\n",
        encoding="utf-8",
    )
    return path


# ----------------------------------------------------------------- PDOK


def test_found_address_gives_rd_and_wgs84_point(pdok):
    url, received = pdok
    [c] = geocode.search_pdok("Zuideinde 1, Landsmeer", base_url=url)
    assert c.label == "Zuideinde 1, 1121CA Landsmeer"
    assert (c.x, c.y) == pytest.approx((122860.786, 493395.91))
    assert (c.lon, c.lat) == pytest.approx((4.91468, 52.42742))
    assert received[-1] == {"q": "Zuideinde 1, Landsmeer", "rows": "5", "fq": "type:adres"}


def test_several_candidates_are_all_returned_best_first(pdok):
    url, _ = pdok
    found = geocode.search_pdok("Dorpsstraat 1", base_url=url)
    assert [c.label for c in found] == ["Dorpsstraat 1, 1121BV Landsmeer", "Dorpsstraat 1, 7711AA Nieuwleusen",
                                        "Dorpsstraat 1, 6921AA Duiven"]


def test_ambiguous_address_is_an_error_listing_candidates(pdok):
    url, _ = pdok
    with pytest.raises(InputError, match="niet eenduidig.*Nieuwleusen.*Duiven"):
        geocode.geocode_one("Dorpsstraat 1", base_url=url)


def test_clearly_best_candidate_is_taken():
    a = geocode.Candidate("A 1, Landsmeer", 122000, 494000, 4.9, 52.4, score=20.0)
    b = geocode.Candidate("A 1, Elders", 150000, 450000, 5.3, 52.0, score=8.0)
    assert geocode.choose("A 1", [a, b]) is a


def test_nothing_found_is_an_error(pdok):
    url, _ = pdok
    assert geocode.search_pdok("Nergensstraat 999, Nergenshuizen", base_url=url) == []
    with pytest.raises(InputError, match="niet gevonden"):
        geocode.geocode_one("Nergensstraat 999, Nergenshuizen", base_url=url)


def test_service_error_is_reported(pdok):
    url, _ = pdok
    with pytest.raises(InputError, match="PDOK Locatieserver gaf een fout \\(HTTP 503"):
        geocode.search_pdok("Zuideinde 2, Landsmeer", base_url=url)


def test_unreachable_service_says_so(closed_url):
    with pytest.raises(InputError, match="PDOK Locatieserver is niet bereikbaar"):
        geocode.search_pdok("Zuideinde 1, Landsmeer", base_url=closed_url, timeout=2)


# ----------------------------------------------------------------- local table


@pytest.mark.parametrize("query", ["1121 CA 1", "1121CA 1", "1121ca1", "Zuideinde 1, Landsmeer"])
def test_local_table_resolves_offline(address_csv, closed_url, query):
    [c] = geocode.geocode(query, addresses=address_csv, base_url=closed_url)
    assert c.source == "adrestabel"
    assert (c.x, c.y) == pytest.approx((122860.8, 493395.9))
    assert 4.9 < c.lon < 4.93 and 52.42 < c.lat < 52.44


def test_local_table_honours_house_number_addition(address_csv, closed_url):
    [c] = geocode.geocode("1121 CA 3-a", addresses=address_csv, base_url=closed_url)
    assert (c.x, c.y) == pytest.approx((122870.0, 493420.0))


def test_local_table_miss_with_unreachable_service_names_both(address_csv, closed_url):
    with pytest.raises(InputError, match="niet gevonden in adrestabel.*niet bereikbaar"):
        geocode.geocode("1121 CA 99", addresses=address_csv, base_url=closed_url, timeout=2)


def test_local_table_from_environment(address_csv, closed_url, monkeypatch):
    monkeypatch.setenv("PLANNER_ADDRESSES", str(address_csv))
    [c] = geocode.geocode("1121BV 1", base_url=closed_url)
    assert c.label == "Dorpsstraat 1, 1121 BV Landsmeer"


def test_local_table_without_postcode_column_is_an_error(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("huisnummer,x,y\n1,122000,494000\n")
    with pytest.raises(InputError, match="mist kolom"):
        geocode.AddressTable.from_csv(path)


# ----------------------------------------------------------------- CLI


def test_cli_geocode_lists_candidates(run_cli, pdok):
    url, _ = pdok
    res = run_cli("geocode", "Dorpsstraat 1", "--json", env={"PLANNER_PDOK_URL": url})
    assert res.returncode == 0, res.stderr
    assert [c["label"] for c in res.json()][1] == "Dorpsstraat 1, 7711AA Nieuwleusen"


def test_cli_geocode_unreachable_exits_2(run_cli, closed_url):
    res = run_cli("geocode", "Zuideinde 1, Landsmeer", env={"PLANNER_PDOK_URL": closed_url})
    assert res.returncode == 2
    assert res.stderr.startswith("error: PDOK Locatieserver is niet bereikbaar")


def test_cli_check_address_finds_the_ward(run_cli, pdok):
    url, _ = pdok
    res = run_cli("check", "--address", "Zuideinde 1, Landsmeer", "--json", env={"PLANNER_PDOK_URL": url})
    assert res.returncode == 0, res.stderr
    out = res.json()
    assert out["address"]["label"] == "Zuideinde 1, 1121CA Landsmeer"
    assert out["ward"] is not None


def test_cli_check_ambiguous_address_exits_2(run_cli, pdok):
    url, _ = pdok
    res = run_cli("check", "--address", "Dorpsstraat 1", env={"PLANNER_PDOK_URL": url})
    assert res.returncode == 2
    assert "niet eenduidig" in res.stderr and "Duiven" in res.stderr


def test_cli_check_address_offline_with_table(run_cli, address_csv, closed_url):
    res = run_cli("check", "--address", "1121 CA 1", "--addresses", address_csv, "--json",
                  env={"PLANNER_PDOK_URL": closed_url})
    assert res.returncode == 0, res.stderr
    assert res.json()["address"]["source"] == "adrestabel"


def test_requests_with_an_address_are_located(run_cli, data_dir, address_csv, tmp_path, closed_url):
    requests = tmp_path / "aanvragen.csv"
    requests.write_text(
        "request_id,date,group_id,address,x,y\n"
        "A1,2024-03-01,G01,1121 CA 1,,\n"
        "A2,2024-03-02,G02,,122400,494000\n",
        encoding="utf-8",
    )
    res = run_cli("decide", "--requests", requests, "--json",
                  env={"PLANNER_ADDRESSES": str(address_csv), "PLANNER_PDOK_URL": closed_url})
    assert res.returncode == 0, res.stderr
    by_id = {d["request_id"]: d for d in res.json()}
    assert by_id["A1"]["ward"] is not None


def test_requests_with_unknown_address_exit_2(run_cli, address_csv, tmp_path, closed_url):
    requests = tmp_path / "aanvragen.csv"
    requests.write_text("request_id,date,group_id,address\nA1,2024-03-01,G01,9999 ZZ 1\n", encoding="utf-8")
    res = run_cli("decide", "--requests", requests,
                  env={"PLANNER_ADDRESSES": str(address_csv), "PLANNER_PDOK_URL": closed_url})
    assert res.returncode == 2
    assert "9999 ZZ 1" in res.stderr


def test_requests_with_a_dutch_adres_column_are_located(run_cli, address_csv, tmp_path):
    requests = tmp_path / "aanvragen.csv"
    requests.write_text("request_id,date,group_id,adres\nA1,2024-03-01,G01,\"Zuideinde 1, Landsmeer\"\n",
                        encoding="utf-8")
    res = run_cli("decide", "--requests", requests, "--json", env={"PLANNER_ADDRESSES": str(address_csv)})
    assert res.returncode == 0, res.stderr
    [d] = res.json()
    assert (d["x"], d["y"]) == pytest.approx((122860.8, 493395.9))


def test_decide_takes_an_address_table_option(run_cli, address_csv, tmp_path):
    requests = tmp_path / "aanvragen.csv"
    requests.write_text("request_id,date,group_id,adres\nA1,2024-03-01,G01,1121 BV 1\n", encoding="utf-8")
    res = run_cli("decide", "--requests", requests, "--addresses", address_csv, "--json")
    assert res.returncode == 0, res.stderr
    assert res.json()[0]["ward"] is not None


def test_address_only_requests_without_service_name_the_request_and_coordinates(tmp_path):
    table = pd.DataFrame({"request_id": ["A7"], "date": ["2024-03-01"], "group_id": ["G01"],
                          "adres": ["Zuideinde 1"]})
    with pytest.raises(InputError, match="aanvraag A7: geen coördinaatkolommen.*niet bereikbaar"):
        geocode.locate_requests(table, "a.csv", timeout=2)


def test_address_table_is_read_once_for_many_requests(address_csv, monkeypatch):
    reads = []
    real = geocode.AddressTable.from_csv.__func__

    def counting(cls, path):
        reads.append(path)
        return real(cls, path)

    monkeypatch.setattr(geocode.AddressTable, "from_csv", classmethod(counting))
    table = pd.DataFrame({"request_id": ["A1", "A2", "A3"], "adres": ["1121 CA 1", "1121 BV 1", "1121CA 3a"]})
    with geocode.using_addresses(address_csv):
        out = geocode.locate_requests(table)
    assert len(reads) == 1
    assert out["x"].astype(float).tolist() == pytest.approx([122860.8, 122383.4, 122870.0])


def test_tests_never_reach_pdok():
    """The autouse fixture in conftest points every lookup at a closed port on this machine."""
    assert geocode.pdok_url("Zuideinde 1").startswith("http://127.0.0.1:")
    with pytest.raises(InputError, match="niet bereikbaar"):
        geocode.search_pdok("Zuideinde 1", timeout=2)
