"""Options and input loading shared by the subcommands."""

from __future__ import annotations

import json
import logging
import sys

from rich.console import Console
from rich.table import Table

from planner.app import inputs
from planner.app.inputs import INPUT_FILES, INPUT_NL, STORE_LAYERS, Inputs
from planner.core import policy as policy_mod
from planner.core.coords import parse_lonlat, point_rd
from planner.errors import InputError
from planner.io.sources import geocode

log = logging.getLogger("planner")

def add_input_options(parser, *names: str) -> None:
    """``--wards``, ``--signs``, ... (default: the files in ``data/``) and ``--policy``."""
    for name in names:
        parser.add_argument(f"--{name}", metavar="FILE",
                            help=f"{INPUT_NL[name]}: bestand, of FILE.gpkg:LAAG (standaard: het register, "
                                 f"anders data/{INPUT_FILES[name]})" if name in STORE_LAYERS else
                            f"{INPUT_NL[name]}: bestand, of FILE.gpkg:LAAG (standaard: data/{INPUT_FILES[name]})")
    parser.add_argument("--policy", metavar="NAME|FILE.toml",
                        help=f"beleid: een gemeente ({', '.join(policy_mod.preset_names())}) of een TOML-bestand; "
                             "standaard landsmeer")
    add_store_option(parser)


def add_store_option(parser) -> None:
    """``--store PATH``: the register (default ``$PLANNER_STORE``, else ``./planner.gpkg``); once per command."""
    import argparse
    try:
        parser.add_argument("--store", metavar="FILE.gpkg|postgresql://...",
                            help="het register: een GeoPackage of een gedeeld register op PostgreSQL/PostGIS "
                                 "(standaard: $PLANNER_STORE, anders planner.gpkg als dat bestaat)")
    except argparse.ArgumentError:  # the command has it already (its input options add it too)
        pass


STORELESS_COMMANDS = {"demo"}  # always the bundled/data files
# Commands that decide against the register's own layers and record the result there.
RECORDING_COMMANDS = {"decide"}


def _files(args) -> dict:
    return {name: getattr(args, name, None) for name in INPUT_FILES}


def store_for(args):
    """The register a command reads from (see :func:`planner.app.inputs.store_for`), or None."""
    if getattr(args, "command", None) in STORELESS_COMMANDS:
        return None
    return inputs.store_for(getattr(args, "store", None), files=_files(args),
                            recording=getattr(args, "command", None) in RECORDING_COMMANDS)


def load_inputs(args, *names: str, optional: tuple[str, ...] = (), ward: str | None = None) -> Inputs:
    """:func:`planner.app.inputs.load_inputs` with the command's options."""
    command = getattr(args, "command", None)
    return inputs.load_inputs(*names, files=_files(args), policy=getattr(args, "policy", None),
                              store=getattr(args, "store", None), use_store=command not in STORELESS_COMMANDS,
                              recording=command in RECORDING_COMMANDS, optional=optional, ward=ward)


def add_location_options(parser) -> None:
    """``--at LON,LAT`` | ``--at-rd X,Y`` | ``--address TEXT`` (one required), and ``--addresses``."""
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--at", metavar="LON,LAT", help="plek in WGS84-graden, lengte eerst: 4.916,52.433")
    where.add_argument("--at-rd", metavar="X,Y", help="plek in RD New-meters: 123000,494000")
    where.add_argument("--address", metavar="TEXT", help='adres, bijv. "Zuideinde 1, Landsmeer" of "1121 AB 12"')
    parser.add_argument("--addresses", metavar="FILE.csv",
                        help="eigen adressentabel voor --address (standaard $PLANNER_ADDRESSES, anders PDOK)")


def location_from_args(args):
    """The RD New point of ``--at``/``--at-rd``/``--address``, and the address found (or None)."""
    if args.at is not None:
        lon, lat = parse_lonlat(args.at, "--at")
        return point_rd(lon, lat, source="--at"), None
    if args.address is not None:
        if not args.address.strip():
            raise InputError("--address: leeg adres; geef bijv. \"Zuideinde 1, Landsmeer\" of \"1121 AB 12\"")
        found = geocode.geocode_one(args.address, addresses=args.addresses)
        return point_rd(x=found.x, y=found.y, source=f"adres {found.label}"), found
    x, y = parse_lonlat(args.at_rd, "--at-rd")
    return point_rd(x=x, y=y, source="--at-rd"), None


PIPED_WIDTH = 160  # output to a file or pipe without a terminal anywhere and without $COLUMNS


def _any_terminal() -> bool:
    import os
    for fd in (1, 2, 0):
        try:
            os.get_terminal_size(fd)
            return True
        except (OSError, ValueError):
            continue
    return False


def _plain_box():
    """Table rules in plain ASCII (a dashed line under the header; blank lines between rows)."""
    from rich.box import Box
    return Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)


def _too_narrow(con, table) -> bool:
    """Would the table have to split words (or cut them off) to fit the console?"""
    from rich.cells import cell_len

    def longest_word(cell) -> int:
        text = getattr(cell, "plain", None)
        return max((cell_len(w) for w in (str(cell) if text is None else text).split()), default=0)

    n = len(table.columns)
    _, pad_right, _, pad_left = table.padding
    rules = (2 if table.box and table.show_edge else 0) + (n - 1 if table.box else 0)
    need = rules + sum(max(longest_word(c) for c in (col.header, *col.cells))
                       + (pad_left if table.pad_edge or k > 0 else 0)
                       + (pad_right if table.pad_edge or k < n - 1 else 0)
                       for k, col in enumerate(table.columns))
    return need > con.width


def _table_as_records(table):
    """A table too wide for the console as one block per row: the first cell, then ``column: value`` lines."""
    from rich.text import Text

    headers = [str(c.header) for c in table.columns]
    cells = [[c if isinstance(c, Text) else Text(str(c)) for c in col.cells] for col in table.columns]
    parts = [Text(str(table.title))] if table.title else []
    for row in zip(*cells):
        block = Text(f"\n{headers[0]} ") + row[0]
        for header, cell in zip(headers[1:], row[1:]):
            lines = cell.plain.splitlines() or [""]
            # one line after its column name; several lines each on their own, indented
            block += Text(f"\n  {header}: {lines[0]}" if len(lines) == 1 else
                          f"\n  {header}:" + "".join(f"\n    {line}" for line in lines))
        parts.append(block)
    return Text("\n").join(parts)


def console(stderr: bool = False):
    """A rich console for plain output: no markup, emoji or highlighting of names from outside.

    It follows the terminal's width (and ``$COLUMNS``, which wins): text is
    wrapped between words, tables shrink their columns. When stdout is not a
    terminal (piped, redirected) it prints plain text: no colours or other
    ANSI codes and tables without box drawing characters; its width is then
    ``$COLUMNS``, else the width of a terminal on stdin/stderr, else
    :data:`PIPED_WIDTH` (so a log file is not wrapped at 80 columns).

    Highlighting (rich's regular expressions for numbers, URLs, ...) takes
    quadratic time on a long word; names are printed as they are.
    """
    import os

    columns = os.environ.get("COLUMNS", "")
    width = None if (columns.isdigit() and int(columns) > 0) or _any_terminal() else PIPED_WIDTH
    return _PlainWhenPiped(soft_wrap=False, width=width, highlight=False, emoji=False, markup=False,
                           stderr=stderr)


class _PlainWhenPiped(Console):
    """Tables without box drawing when not on a terminal; too wide tables as blocks (see :func:`console`)."""

    def print(self, *objects, **kwargs):
        out = []
        for obj in objects:
            if isinstance(obj, Table):
                if not self.is_terminal and obj.box is not None:
                    obj.box, obj.safe_box = _plain_box(), True
                if _too_narrow(self, obj):
                    obj = _table_as_records(obj)
            out.append(obj)
        return super().print(*out, **kwargs)


def add_json_option(parser) -> None:
    """``--json``: the command's answer as JSON on stdout (its shape is in the README, *JSON output*)."""
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON (voor scripts)")


def add_text_row(table, *cells) -> None:
    """Add a row of plain text to a rich table (names from outside are not markup)."""
    from rich.text import Text
    table.add_row(*(c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells))


def print_json(data) -> None:
    # One string, one write: json.dump's many small writes cost seconds at national scale.
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def yes_no(value: str) -> bool:
    """``ja``/``nee`` (also yes/no, j/n, 1/0) of an option such as ``--wijkagent``."""
    import argparse

    text = str(value).strip().lower()
    if text in ("ja", "j", "yes", "y", "1", "true"):
        return True
    if text in ("nee", "n", "no", "0", "false"):
        return False
    raise argparse.ArgumentTypeError(f"{value!r}: geef ja of nee")


def add_common_options(parser) -> None:
    """``--store`` and ``--json``: the options of every register command."""
    add_store_option(parser)
    add_json_option(parser)


def store_of(args):
    """The register of a register command: ``--store``, else ``$PLANNER_STORE``, else ``./planner.gpkg``."""
    from planner.register import store as store_mod
    return store_mod.Store(store_mod.default_path(getattr(args, "store", None)))


def say(args, data, text: str) -> int:
    """A register command's answer: ``data`` as JSON with ``--json``, else ``text``; exit code 0."""
    if args.json:
        print_json(data)
    else:
        console().print(text)
    return 0
