"""Register edits for real life (issue 13): group set, admin set/remove, re-adding a removed group id.

Every change lands in the group's history with date and reason, and that
history never holds personal data (the AVG rights to rectification and
erasure work per admin).
"""

from __future__ import annotations

import pytest
from conftest import register_bytes
from test_lifecycle import env, ok, refused, run  # noqa: F401  (fixtures and helpers)

from planner.register import groups as register
from planner.register.store import Store


@pytest.fixture
def store(env, register_at, capsys):  # noqa: F811
    """The demo register: a GeoPackage, and (parametrized) a PostGIS database."""
    ok(capsys, "init", "--json")
    return register_at


def test_group_set_changes_wabp_and_name_with_history(store, capsys):
    g = ok(capsys, "group", "set", "G07", "--wabp", "--reason", "aangemeld bij Stichting WABP", "--json")
    assert g["wabp_registered"] is True
    g = ok(capsys, "group", "set", "G07", "--no-wabp", "--name", "Dorpskern", "--reason", "afgemeld",
           "--date", "30-09-2026", "--json")
    assert g["wabp_registered"] is False and g["group_name"] == "Dorpskern"
    events = ok(capsys, "group", "history", "G07", "--json")
    assert [e["event"] for e in events] == ["added", "changed", "changed"]
    assert events[2]["event_date"] == "2026-09-30" and events[2]["reason"] == "afgemeld"
    assert "WABP: ja -> nee" in events[2]["detail"] and "naam: Dorpskern Landsmeer -> Dorpskern" in events[2]["detail"]
    refused(capsys, store, "group", "set", "G07", "--no-wabp", "--reason", "x", contains="niets gewijzigd")
    refused(capsys, store, "group", "set", "G07", "--reason", "x", contains="niets te wijzigen")
    refused(capsys, store, "group", "set", "G07", "--wabp", "--reason", "", contains="reden")
    refused(capsys, store, "group", "set", "G77", "--wabp", "--reason", "x", contains="onbekende groep")
    refused(capsys, store, "group", "set", "G07", "--ward", "LM99", "--reason", "x", contains="onbekende wijk")


def test_admin_set_corrects_one_admin_and_the_old_value_leaves_the_file(store, capsys):
    g = ok(capsys, "group", "show", "G02", "--json")
    assert [a["nr"] for a in g["admins"]] == [1, 2] and g["admins"][1]["phone"] == "06-00000003"
    g = ok(capsys, "admin", "set", "G02", "2", "--phone", "06-87654321", "--reason", "nieuw nummer", "--json")
    assert g["admins"][1]["phone"] == "06-87654321" and g["admins"][0]["phone"] == "06-00000002"
    ok(capsys, "admin", "set", "G02", "Anna Fictief", "--email", "anna@example.org", "--reason", "nieuw adres",
       "--json")
    data = register_bytes(store)
    assert b"06-00000002" in data  # what is still there is found (the check can see)
    assert b"06-00000003" not in data and b"anna.fictief@example.org" not in data  # secure_delete
    events = ok(capsys, "group", "history", "G02", "--json")
    assert [e["event"] for e in events[-2:]] == ["admin_changed", "admin_changed"]
    assert events[-2]["detail"] == "beheerder 2: telefoon gewijzigd"
    text = repr(events)
    assert "06-87654321" not in text and "anna@example.org" not in text and "Piet" not in text
    refused(capsys, store, "admin", "set", "G02", "4", "--phone", "06-11111111", "--reason", "x",
            contains="geen beheerder 4")
    refused(capsys, store, "admin", "set", "G02", "Niemand", "--phone", "06-11111111", "--reason", "x",
            contains="geen beheerder met deze naam")
    refused(capsys, store, "admin", "set", "G02", "1", "--phone", "12345", "--reason", "x",
            contains="ongeldig telefoonnummer")
    refused(capsys, store, "admin", "set", "G02", "1", "--phone", "", "--email", "", "--reason", "x",
            contains="geen contactgegevens")


def test_admin_remove_erases_one_admin_never_the_last(store, capsys):
    g = ok(capsys, "admin", "remove", "G05", "Kees Nepnaam", "--reason", "verzoek van de beheerder", "--json")
    assert [a["name"] for a in g["admins"]] == ["Els Verzonnen", "Fatima Voorbeeld"] and g["admin_removed"] == 2
    assert b"Kees Nepnaam" not in register_bytes(store) and b"06-00000007" not in register_bytes(store)
    ok(capsys, "admin", "remove", "G05", "1", "--reason", "verhuisd", "--json")
    refused(capsys, store, "admin", "remove", "G05", "1", "--reason", "x", contains="laatste beheerder")
    refused(capsys, store, "admin", "remove", "G05", "1", "--reason", " ", contains="reden")
    events = ok(capsys, "group", "history", "G05", "--json")
    assert [e["detail"] for e in events if e["event"] == "admin_removed"] == [
        "beheerder 2 verwijderd (gegevens gewist)", "beheerder 1 verwijderd (gegevens gewist)"]
    assert "Kees" not in repr(events) and "Els" not in repr(events)


def test_admin_remove_names_internal_files_that_may_still_hold_the_data(store, capsys, env):  # noqa: F811
    (env / "brieven").mkdir()
    (env / "brieven" / "brief-A006.pdf").write_bytes(b"%PDF")
    r = ok(capsys, "admin", "remove", "G05", "3", "--reason", "verzoek", "--json")
    assert "brieven/brief-A006.pdf" in r["may_still_hold"]


def test_a_removed_group_id_can_be_used_again(store, capsys):
    ok(capsys, "group", "remove", "G08", "--json")
    refused(capsys, store, "group", "add", "G01", "--name", "X", "--admin", "A;0612345678;", contains="bestaat al")
    g = ok(capsys, "group", "add", "G08", "--name", "Brederolaan nieuw", "--admin", "Nieuwe Beheerder;0612345678;",
           "--json")
    assert g["group_name"] == "Brederolaan nieuw" and len(g["admins"]) == 1
    events = [e["event"] for e in ok(capsys, "group", "history", "G08", "--json")]
    assert events == ["added", "removed", "readded"]
    assert "G08" in [x["group_id"] for x in ok(capsys, "group", "list", "--json")]


def test_register_edits_in_the_python_api(store):
    s = Store(store)
    register.set_group(s, "G04", registered=True, reason="aangemeld")
    register.set_admin(s, "G04", 1, name="Ahmed Voorbeeld", reason="spelfout")
    assert register.show_group(s, "G04")["admins"][0]["name"] == "Ahmed Voorbeeld"
    assert [e["event"] for e in register.group_history(s, "G04")] == ["added", "changed", "admin_changed"]
    with pytest.raises(Exception, match="laatste beheerder"):
        register.remove_admin(s, "G04", 1, reason="weg")


BAD = [
    ["request", "resolve", "A004", "--reason", "x"],                       # neither --approve nor --reject
    ["request", "resolve", "A004", "--approve", "--reject", "--reason", "x"],
    ["request", "resolve", "A004", "--reject", "--reason", "x" * 3000],
    ["request", "resolve", "A004", "--reject", "--reason", "x", "--date", "31-02-2026"],
    ["request", "agree", "A002", "--at", "52.43,4.91"],                    # swapped
    ["request", "agree", "A002", "--at-rd", ""],
    ["request", "agree", "A002", "--force"],
    ["request", "agree", "A002", "--with-wish", "--without-wish"],
    ["request", "agree", "A002", "--with-wish", "--at-rd", "123000,494000"],
    ["request", "agree", "A002", "--policy", "geen-beleid"],
    ["request", "show", "Z9"],
    ["group", "set", "G01", "--name", "", "--reason", "x"],
    ["group", "set", "G01", "--name", "x" * 300, "--reason", "x"],
    ["group", "set", "G01", "--wabp", "--reason", "x", "--date", "2030-01-01"],
    ["group", "history", "G77"],
    ["admin", "set", "G01", "1", "--reason", "x"],                          # nothing to change
    ["admin", "set", "G77", "1", "--phone", "0612345678", "--reason", "x"],
    ["admin", "set", "G01", "1", "--email", "jan@", "--reason", "x"],
    ["admin", "remove", "G01", "1", "--reason", "x"],                       # the last admin
    ["admin", "remove", "G01", "0", "--reason", "x"],
    ["admin"],
]


@pytest.mark.parametrize("argv", BAD, ids=["-".join(a[:3]) + f"-{i}" for i, a in enumerate(BAD)])
def test_bad_input_is_one_error_line_and_changes_nothing(argv, env, register_at, capsys):  # noqa: F811
    ok(capsys, "init", "--json")
    ok(capsys, "decide", "--json")
    path = register_at
    before = Store(path).dump()
    try:
        code, _, err = run(capsys, *argv)
    except SystemExit as exc:  # argparse
        code, err = exc.code, capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert Store(path).dump() == before
