"""The argument parser in Dutch: help texts, headings and argparse's own errors.

argparse writes its headings (``usage:``, ``options:``) and its errors
(``the following arguments are required: ...``) in English. Translating them
through ``gettext`` would need a catalogue and breaks when argparse changes a
string; instead :class:`DutchParser` sets its own headings and ``-h`` text,
and :func:`dutch_error` maps the finished English message onto Dutch by its
known templates (Python 3.11-3.13). A message it does not know stays as it
is, so a new argparse never loses an error.

Every usage error is one line on stderr, ``error: ... (zie 'planner CMD
--help')``, and exit code 2, like every other bad input.
"""

from __future__ import annotations

import argparse
import re

USAGE = "gebruik: "
HELP = "toon deze hulp en stop"
POSITIONALS = "argumenten"
OPTIONALS = "opties"

TYPE_NL = {"int": "geheel getal", "float": "getal"}


class DutchHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help with Dutch headings; descriptions and examples keep their line breaks."""

    def __init__(self, prog, indent_increment=2, max_help_position=30, width=None):
        super().__init__(prog, indent_increment, max_help_position, width)

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class DutchParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that speaks Dutch and ends a usage error in one line (exit 2)."""

    def __init__(self, *args, add_help: bool = True, **kwargs):
        kwargs.setdefault("formatter_class", DutchHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = POSITIONALS
        self._optionals.title = OPTIONALS
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def add_subparsers(self, **kwargs):
        """As argparse's, and remembered as :attr:`subcommands` (for the Dutch messages)."""
        self.subcommands = super().add_subparsers(**kwargs)
        return self.subcommands

    def error(self, message):
        text = " ".join(dutch_error(str(message), self).split())
        self.exit(2, f"error: {text} (zie '{self.prog} --help')\n")


def example(*lines: str) -> str:
    """An epilog with example command lines: ``Voorbeeld:`` (or ``Voorbeelden:``) and the lines."""
    head = "Voorbeeld:" if len(lines) == 1 else "Voorbeelden:"
    return "\n".join([head, *(f"  {line}" for line in lines)])


def _names(text: str, sep: str = ", ") -> list[str]:
    return [n for n in (p.strip() for p in text.split(sep)) if n]


def _or(names: list[str], word: str = "of") -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]


def _choices(text: str) -> str:
    return ", ".join(c.strip().strip("'\"") for c in text.split(","))


def _subcommands(parser):
    """The subcommand action of ``parser`` (or None): :meth:`DutchParser.add_subparsers` keeps it."""
    return getattr(parser, "subcommands", None)


def _commands(parser, name: str) -> list[str]:
    """The subcommands of ``parser`` when ``name`` is its subcommand argument, else []."""
    action = _subcommands(parser)
    if action is None or name not in {action.metavar, action.dest, "{" + ",".join(action.choices) + "}"}:
        return []
    return list(action.choices)


def _required(match, parser) -> str:
    names = _names(match["names"])
    commands = _commands(parser, names[0]) if names else []
    if commands:
        return f"geef een opdracht: {', '.join(commands)}"
    if len(names) == 1:
        return f"verplicht argument ontbreekt: {names[0]}"
    return f"verplichte argumenten ontbreken: {', '.join(names)}"


def _argument(match, parser) -> str:
    """``argument NAME: MESSAGE`` -> ``NAME: BERICHT`` (as the planner's own errors start)."""
    name, message = match["name"], match["message"]
    for pattern, say in _ARGUMENT_MESSAGES:
        m = pattern.fullmatch(message)
        if m:
            return say(name, m, parser)
    return f"{name}: {message}"


def _invalid_choice(name, m, parser) -> str:
    if _commands(parser, name):
        return f"onbekende opdracht {m['value']}; kies uit {_choices(m['choices'])}"
    return f"{name}: ongeldige keuze {m['value']}; kies uit {_choices(m['choices'])}"


def _invalid_type(name, m, parser) -> str:
    kind = TYPE_NL.get(m["type"])
    return f"{name}: {m['value']} is geen {kind}" if kind else f"{name}: ongeldige waarde {m['value']}"


def _expected(name, m, parser) -> str:
    count = {"one": "één waarde", "at most one": "hoogstens één waarde",
             "at least one": "minstens één waarde"}.get(m["count"])
    if count is None:
        count = f"{m['count']} waarde" + ("" if m["count"] == "1" else "n")
    return f"{name}: verwacht {count}"


_ARGUMENT_MESSAGES = [
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.*)\)"), _invalid_choice),
    (re.compile(r"invalid (?P<type>\w+) value: (?P<value>.+)"), _invalid_type),
    (re.compile(r"expected (?P<count>one|at most one|at least one|\d+) arguments?"), _expected),
    (re.compile(r"not allowed with argument (?P<other>.+)"),
     lambda name, m, p: f"{name} gaat niet samen met {m['other']}; geef er één"),
    (re.compile(r"ignored explicit argument (?P<value>.+)"),
     lambda name, m, p: f"{name} neemt geen waarde, kreeg {m['value']}"),
    (re.compile(r"unknown parser (?P<value>.+?) \(choices: (?P<choices>.*)\)"),
     lambda name, m, p: f"onbekende opdracht {m['value']}; kies uit {_choices(m['choices'])}"),
]

_MESSAGES = [
    (re.compile(r"the following arguments are required: (?P<names>.+)"), _required),
    (re.compile(r"one of the arguments (?P<names>.+) is required"),
     lambda m, p: f"geef één van {_or(m['names'].split())}"),
    (re.compile(r"unrecognized arguments: (?P<args>.+)"),
     lambda m, p: ("onbekend argument: " if len(m["args"].split()) == 1 else "onbekende argumenten: ")
     + m["args"]),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
     lambda m, p: f"{m['option']} is dubbelzinnig: bedoelt u {_or(_names(m['matches']))}?"),
    (re.compile(r"argument (?P<name>\S+): (?P<message>.+)", re.S), _argument),
]


def dutch_error(message: str, parser=None) -> str:
    """argparse's English error ``message`` in Dutch (unknown messages are returned unchanged)."""
    message = " ".join(message.split())
    for pattern, say in _MESSAGES:
        m = pattern.fullmatch(message)
        if m:
            return say(m, parser)
    return message


__all__ = ["DutchParser", "DutchHelpFormatter", "dutch_error", "example"]
