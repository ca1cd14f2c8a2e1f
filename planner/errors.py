"""The planner's errors, in one place.

Every error that bad input or the environment (files, options, environment
variables, the register) can cause is an :class:`InputError` or another
:class:`PlannerError`; the command line prints its message on one line as
``error: ...`` and exits with code 2. Anything else that escapes is a bug in
the planner: one line naming it as such, exit code 1 (the traceback only
with ``PLANNER_DEBUG=1``).
"""


import re

# A value a message advises to give, named in the message as ``⟨name⟩`` (the name of the
# parameter, e.g. ``⟨reason⟩``, ``⟨to_rd⟩``): the library names values, never command-line
# flags. ``str(error)`` reads the name (``reason``); the command line says it as its flag
# (``--reason``, :func:`as_flags`).
VALUE_NAME = re.compile(r"⟨([a-z][a-z0-9_]*)⟩")


def as_flags(text: str) -> str:
    """A message for the command line: every ``⟨name⟩`` as the flag ``--name`` (``_`` as ``-``)."""
    return VALUE_NAME.sub(lambda m: "--" + m.group(1).replace("_", "-"), str(text))


def as_names(text: str) -> str:
    """A message for the Python API: every ``⟨name⟩`` as the parameter name ``name``."""
    return VALUE_NAME.sub(lambda m: m.group(1), str(text))


class PlannerError(Exception):
    """Base class for errors the planner raises on purpose.

    The message names values as ``⟨name⟩`` where it advises giving one; ``str()`` gives the
    message with parameter names, :meth:`for_command_line` with the command line's flags.
    """

    def __init__(self, *args):
        self.message = str(args[0]) if args else ""
        super().__init__(*((as_names(args[0]),) + args[1:]) if args else ())

    def for_command_line(self) -> str:
        """The message with the flags of the command line (``--reason`` for ``⟨reason⟩``)."""
        return as_flags(self.message)


class InputError(PlannerError, ValueError):
    """Input data or arguments that the planner cannot use (exit code 2)."""


class StoreError(InputError):
    """The register cannot be used: missing, not a register, damaged, read-only, another schema."""


class StoreBusyError(PlannerError):
    """Another process holds the store's lock for longer than the busy timeout."""


class SolverError(PlannerError):
    """The placement model could not be solved to a proven optimum (see :mod:`planner.siting.covering`)."""


def shorten(value, limit: int = 60) -> str:
    """``repr`` of a value from outside, cut to about ``limit`` characters for a message.

    Error messages repeat what the user gave; a 100,000-character name must
    not be repeated in full (nor any line break in it).
    """
    text = repr(str(value))
    if len(text) > limit:
        text = text[: limit - 4] + "...'" + f" ({len(str(value))} tekens)"
    return text


def clip(text, limit: int = 200) -> str:
    """A message part on one line (whitespace collapsed), cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
