"""Errors raised for a user's scenario input: each names the file, the line and the field.

Every problem renders as one line, ``file:line: field: message``, whatever
the input: control characters (a line break inside a name) are shown as
escapes, and echoed input is cut to a length a terminal line can hold.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["ECHO_LIMIT", "MESSAGE_LIMIT", "ScenarioError", "ScenarioErrors", "shorten"]

ECHO_LIMIT = 80
"""Characters of a user's text that a message repeats (a name, an expression, a tag)."""

MESSAGE_LIMIT = 240
"""Characters of a message beyond which it is cut (the file and field come on top)."""

_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\u{ord(char):04x}")


def shorten(text: object, limit: int = ECHO_LIMIT) -> str:
    """Fit text on one line of at most ``limit`` characters, ending in ``...`` if cut.

    Line breaks and other control characters become visible escapes (a backslash and ``n``).
    """
    text = str(text)
    head = _ESCAPED.sub(_escape, text[: limit + 1])
    if len(head) <= limit and len(text) <= limit:
        return head
    return head[: max(limit - 3, 1)] + "..."


class ScenarioError(ValueError):
    """A problem in a user's scenario file, reported as one readable line.

    Parameters
    ----------
    message
        What is wrong and what is expected (put on one line and cut at
        :data:`MESSAGE_LIMIT` characters).
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
        self.message = shorten(message, MESSAGE_LIMIT)
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = shorten(field, ECHO_LIMIT) if field else field
        super().__init__(self.render())

    def render(self) -> str:
        """Return ``file:line: field: message``, leaving out the parts that are unknown."""
        where = shorten(self.path, 4 * ECHO_LIMIT) if self.path else "<scenario>"
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
