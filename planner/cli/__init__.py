"""The ``planner`` command line.

Each concern registers its own subcommands (``core``: check, decide, status,
demo; later modules add theirs). How a run ends:

* success: exit code 0; warnings (from the planner's log and from libraries
  such as GDAL, pyogrio, shapely and pandas) are said once each, after the
  output, as ``waarschuwing: ...`` lines on stderr, never as raw Python
  warnings;
* bad input or environment (:class:`~planner.errors.PlannerError`, an
  output path that cannot be written, a busy register): one line
  ``error: ...`` on stderr, exit code 2, and nothing else (no warnings);
* anything else is a bug in the planner: one line naming it as such, exit
  code 1; ``PLANNER_DEBUG=1`` adds the traceback.

Help texts and argparse's own messages (a missing or unknown option) are
Dutch (:mod:`planner.cli.parser`); every command's help ends with an
example, and every command takes ``--json`` (shapes in the README).
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import traceback
import warnings

from planner import settings
from planner.cli import core, imports
from planner.cli import groups as groups_cli
from planner.cli import letters as letters_cli
from planner.cli import maps as maps_cli
from planner.cli import proposals as proposals_cli
from planner.cli import requests as requests_cli
from planner.cli import signs as signs_cli
from planner.cli import stats as stats_cli
from planner.cli import store as store_cli
from planner.cli.parser import DutchParser, example
from planner.errors import InputError, PlannerError, as_flags

COMMAND_MODULES = [core, imports, store_cli, groups_cli, requests_cli, signs_cli, maps_cli, proposals_cli, stats_cli,
                   letters_cli]
# Warnings meant for developers of the libraries, not for staff running the planner.
DEVELOPER_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning,
                      ResourceWarning)


DESCRIPTION = """\
Beslis over aanvragen voor WhatsApp-buurtpreventieborden per wijk: is een wijk al
gedekt, welke aanvragen worden toegekend, waar komen de borden, en houd het register
bij. Invoer: de bestanden in data/ (of $PLANNER_DATA), of het register planner.gpkg.
Elke opdracht kent --json (uitvoer voor scripts); 'planner OPDRACHT --help' toont
de opties en een voorbeeld."""

EXAMPLES = example(
    "planner status",
    "planner check --at 4.916,52.433",
    "planner decide --json > besluiten.json",
    "planner propose LM04",
    "planner demo",
)


def build_parser() -> argparse.ArgumentParser:
    """The ``planner`` parser: Dutch help and errors, every subcommand with an example."""
    parser = DutchParser(prog="planner", description=DESCRIPTION, epilog=EXAMPLES)
    sub = parser.add_subparsers(dest="command", metavar="OPDRACHT", parser_class=DutchParser,
                                title="opdrachten")
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


class _Collect(logging.Handler):
    """Keeps the planner's log warnings of one run, to be said after it succeeded."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a malformed log call must not end the run
            self.messages.append(str(record.msg))


def _warning_text(w: warnings.WarningMessage) -> str:
    text = " ".join(str(w.message).split())
    return text if len(text) <= 500 else text[:497] + "..."


def _say_warnings(messages: list[str]) -> None:
    seen = set()
    for text in messages:
        text = " ".join(as_flags(text).split())
        if text and text not in seen:
            seen.add(text)
            print(f"waarschuwing: {text}", file=sys.stderr)


def _error_line(text: str) -> None:
    print("error: " + " ".join(str(text).split()), file=sys.stderr)


def _os_error(exc: OSError) -> str:
    """An output or input path the system refused: which file and what to do."""
    where = exc.filename if exc.filename is not None else ""
    reason = exc.strerror or type(exc).__name__
    hint = "controleer het pad, de rechten en de vrije ruimte"
    return f"{where}: {reason}; {hint}" if where else f"{reason}; {hint}"


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    root = logging.getLogger()
    collect = _Collect()
    root.addHandler(collect)  # the planner's and the libraries' log warnings
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for category in DEVELOPER_WARNINGS:
                warnings.simplefilter("ignore", category)
            code, failed = _run(args)
        if not failed:
            _say_warnings(collect.messages + [_warning_text(w) for w in caught])
        return code
    finally:
        root.removeHandler(collect)


def _run(args) -> tuple[int, bool]:
    """Run the command: (exit code, whether it failed)."""
    try:
        debug = settings.debug()
    except InputError as exc:
        _error_line(exc.for_command_line() if isinstance(exc, PlannerError) else str(exc))
        return 2, True
    try:
        settings.check_environment()
        return int(args.func(args) or 0), False
    except PlannerError as exc:  # bad input, environment, busy or damaged register
        _error_line(exc.for_command_line() if isinstance(exc, PlannerError) else str(exc))
        return 2, True
    except KeyboardInterrupt:
        _error_line("afgebroken")
        return 130, True
    except BrokenPipeError:  # e.g. 'planner decide --json | head': the reader left
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0, True
    except OSError as exc:  # a path the system refused (no rights, file name too long, disk full)
        if debug:
            traceback.print_exc()
        _error_line(_os_error(exc))
        return 2, True
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            _error_line("de opslag is bezet door een ander proces; probeer het zo opnieuw")
            return 2, True
        return _bug(exc, debug), True
    except Exception as exc:  # noqa: BLE001  (everything else is the planner's fault)
        return _bug(exc, debug), True


def _bug(exc: Exception, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    message = " ".join(str(exc).split())
    if len(message) > 300:
        message = message[:297] + "..."
    _error_line(f"interne fout (bug) in planner: {type(exc).__name__}: {message}; "
                "draai opnieuw met PLANNER_DEBUG=1 voor de details")
    return 1
