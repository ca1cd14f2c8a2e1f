"""The planner's errors, in one place.

Every error that bad input can cause is an :class:`InputError`; the command
line prints its message on one line as ``error: ...`` and exits with code 2.
"""


class PlannerError(Exception):
    """Base class for errors the planner raises on purpose."""


class InputError(PlannerError, ValueError):
    """Input data or arguments that the planner cannot use (exit code 2)."""
