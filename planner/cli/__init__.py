"""The ``planner`` command line.

Each concern registers its own subcommands (``core``: check, decide, status,
demo; later modules add theirs). Bad input ends with one ``error: ...`` line
on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ..errors import InputError, PlannerError
from . import core, imports
from . import store as store_cli
from . import maps as maps_cli
from . import proposals as proposals_cli

COMMAND_MODULES = [core, imports, store_cli, maps_cli, proposals_cli]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's usage errors: one line, exit 2
        self.exit(2, f"error: {message} (zie '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="planner", description=(
        "Beslis over aanvragen voor WhatsApp-buurtpreventieborden per wijk."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv=None) -> int:
    logging.basicConfig(level=logging.WARNING, format="waarschuwing: %(message)s", stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (InputError, PlannerError) as exc:
        print(f"error: {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: afgebroken", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. 'planner decide --json | head': the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
