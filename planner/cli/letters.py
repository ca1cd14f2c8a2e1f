"""The ``brief`` command: the decision letter to a group's admins (PDF and DOCX).

Letters hold personal data (the admins' names and contacts): they are
written to an internal folder (default ``brieven/``), never to a public export.
"""

from __future__ import annotations

from planner.app import letters
from planner.cli.common import (
    add_json_option,
    add_store_option,
    console,
    load_inputs,
    print_json,
)
from planner.cli.parser import example
from planner.core import policy as policy_mod
from planner.errors import InputError
from planner.io.sources import geocode
from planner.render.letters.municipality import load_config


def register(sub) -> None:
    p = sub.add_parser("brief", help="schrijf de besluitbrief aan de beheerders van een groep (PDF en DOCX)",
                       description="Schrijft de brief over het besluit op een aanvraag aan de beheerders van de groep:\n"
                                   "het besluit en de reden, bij een toekenning de plekken (straat, afstand tot de\n"
                                   "dichtstbijzijnde kruising, kant van de weg) met een kaartje van de wijk en\n"
                                   "de straten eromheen, de wijkagent (kennismaking), het recht van de gemeente om borden te\n"
                                   "verplaatsen en de bezwaarclausule. PDF om te printen of te mailen, DOCX om aan\n"
                                   "te passen. De brieven bevatten persoonsgegevens: intern, nooit publiceren.\n"
                                   "Afzender uit --config (standaard gemeente.toml, anders illustratieve\n"
                                   "gegevens van Landsmeer).",
                       epilog=example("planner brief A002", "planner brief --all --out brieven/oktober",
                                      "planner brief A004 --format pdf --config gemeente.toml --json"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("request_id", nargs="?", metavar="REQUEST_ID", help="id van de aanvraag")
    which.add_argument("--all", action="store_true", help="de brieven van de laatste 'planner decide'-ronde")
    p.add_argument("--out", metavar="DIR", default=letters.DEFAULT_FOLDER,
                   help=f"map voor de brieven (standaard: {letters.DEFAULT_FOLDER}; intern)")
    p.add_argument("--format", choices=["pdf", "docx", "both"], default="both", help="pdf, docx of both (standaard)")
    p.add_argument("--config", metavar="FILE.toml", help="gegevens van de gemeente (standaard: gemeente.toml)")
    p.add_argument("--roads", metavar="FILE", help="wegen voor de invalswegen op het kaartje (standaard: "
                                                   "data/wegen.geojson als die er is)")
    p.add_argument("--policy", metavar="NAME|FILE.toml",
                   help="beleid voor de invalswegen (standaard: het beleid van het besluit)")
    p.add_argument("--addresses", metavar="FILE.csv",
                   help="adressentabel met straat en huisnummer: de brief noemt bij elke plek het dichtstbijzijnde "
                        "huisnummer in dezelfde straat (standaard $PLANNER_ADDRESSES, anders geen)")
    add_store_option(p)
    add_json_option(p)
    p.set_defaults(func=cmd_brief)


def cmd_brief(args) -> int:
    from planner.register import store as store_mod
    if not str(args.out).strip():
        raise InputError("--out: leeg pad; geef de map voor de brieven, bijv. --out brieven")
    municipality = load_config(args.config)
    store = store_mod.Store(store_mod.default_path(args.store))
    base = load_inputs(args, "roads", optional=("roads",))
    policy = policy_mod.resolve(args.policy) if args.policy else None
    ids = letters.last_run(store) if args.all else [args.request_id]
    if not ids:
        raise InputError(f"{store.path}: er zijn nog geen besluiten; beslis eerst met 'planner decide'")
    formats = ("pdf", "docx") if args.format == "both" else (args.format,)
    addresses = geocode.address_table(args.addresses)
    written, done, skipped = letters.write_letters(store, ids, args.out, formats, municipality=municipality,
                                                   roads=base.roads, policy=policy, skip_missing=args.all,
                                                   addresses=addresses)
    if args.json:
        print_json({"written": [str(p) for p in written], "internal": True,
                    "letters": [{"request_id": x.request_id, "outcome": x.outcome, "recipients": len(x.recipients),
                                 "positions": len(x.positions), "map": x.map_png is not None,
                                 "files": [str(p) for p in letters.letter_paths(args.out, x.request_id, formats).values()]}
                                for x in done],
                    "skipped": skipped, "illustrative": municipality.illustratief})
        return 0
    lines = [f"  geschreven: {p}" for p in written] or ["geen brieven geschreven"]
    lines.append("Let op: de brieven bevatten persoonsgegevens (AVG); intern houden, niet publiceren.")
    if municipality.illustratief:
        lines.append("Afzender: illustratieve gegevens; maak gemeente.toml met de gegevens van de gemeente "
                     "(zie README) of geef --config.")
    console().print("\n".join(lines))
    return 0
