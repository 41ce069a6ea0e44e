"""Errors raised for a user's scenario input: each names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(ValueError):
    """A problem in a user's scenario file, reported as one readable line.

    Parameters
    ----------
    message
        What is wrong and what is expected.
    path
        The file the problem is in, when known.
    line
        The 1-based line number in that file, when known.
    field
        The dotted path of the offending field (``stances.idlib.russia.position``).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(self.render())

    def render(self) -> str:
        """Return ``file:line: field: message``, leaving out the parts that are unknown."""
        where = self.path or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ScenarioErrors(ScenarioError):
    """Several problems in one file; the first one is the headline."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        if not errors:
            raise ValueError("ScenarioErrors needs at least one error")
        self.errors = errors
        first = errors[0]
        super().__init__(first.message, path=first.path, line=first.line, field=first.field)

    def render(self) -> str:
        """Return one line per problem."""
        return "\n".join(ScenarioError.render(error) for error in self.errors)
