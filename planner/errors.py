"""The planner's errors, in one place.

Every error that bad input or the environment (files, options, environment
variables, the register) can cause is an :class:`InputError` or another
:class:`PlannerError`; the command line prints its message on one line as
``error: ...`` and exits with code 2. Anything else that escapes is a bug in
the planner: one line naming it as such, exit code 1 (the traceback only
with ``PLANNER_DEBUG=1``).
"""


class PlannerError(Exception):
    """Base class for errors the planner raises on purpose."""


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
