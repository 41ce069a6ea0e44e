"""Read a scenario YAML file into a validated :class:`Scenario`.

Errors point at the file, the line and the field: the YAML is first read
into data together with the line of every field (by the guarded reader of
:mod:`realpolitik.scenario.yaml_reader`), then validated; each validation
problem is traced back to the line of the field it concerns.  Problems that
only the analysis would meet later (an outcome dated before ``as_of``) are
checked at load time too, by :mod:`realpolitik.scenario.consistency`.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from realpolitik.scenario.base import ID_PATTERN, FieldPath
from realpolitik.scenario.consistency import consistency_errors
from realpolitik.scenario.errors import ScenarioError, ScenarioErrors, shorten
from realpolitik.scenario.schema import ReferenceProblems, Scenario, dotted
from realpolitik.scenario.yaml_reader import LineMap, compose_yaml, read_text_file

Model = TypeVar("Model", bound=BaseModel)
"""A pydantic model class that :func:`validate_model` validates into."""

DEFAULT_SCENARIO = "syria-2019"
"""The flagship case, analysed when the user names no scenario."""


class Lines(Protocol):
    """Lines of field paths: a :class:`LineMap` from the reader, or a plain dict."""

    def get(self, path: FieldPath, /) -> int | None:
        """The line of ``path``, or None."""


def builtin_scenarios() -> dict[str, Path]:
    """Return the scenarios shipped with realpolitik, by name."""
    folder = resources.files("realpolitik.scenario") / "builtin"
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def resolve_scenario(name_or_path: str | Path | None) -> Path:
    """Find a scenario: a file path, or the name of a built-in one (default: the flagship)."""
    if name_or_path is None:
        name_or_path = DEFAULT_SCENARIO
    path = Path(name_or_path)
    if path.is_file():
        return path
    builtin = builtin_scenarios()
    if str(name_or_path) in builtin:
        return builtin[str(name_or_path)]
    if path.exists():
        raise ScenarioError("is not a file", path=path)
    names = ", ".join(sorted(builtin))
    raise ScenarioError(
        f"no such file, and no built-in scenario of that name (built-ins: {names})", path=path
    )


def load_scenario(name_or_path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario file or a built-in scenario by name.

    A ``.csv`` file is read in KTAB's input layout (see docs/scenario-format.md).
    """
    path = resolve_scenario(name_or_path)
    if path.suffix.lower() == ".csv":
        return _load_ktab(path)
    return parse_scenario(read_text_file(path), path=path)


def _load_ktab(path: Path) -> Scenario:
    from realpolitik.scenario.ktab_csv import ktab_field_lines, ktab_scenario_data, read_ktab_csv

    as_of = dt.date.fromtimestamp(path.stat().st_mtime)
    ktab = read_ktab_csv(path)
    lines = ktab_field_lines(ktab)
    with _collector_paused():
        scenario = validate_model(Scenario, ktab_scenario_data(ktab, as_of), lines, path)
        _raise_problems(list(consistency_errors(scenario)), lines, path)
    return scenario


def parse_scenario(text: str, *, path: str | Path = "<scenario>") -> Scenario:
    """Validate scenario YAML text; errors name ``path``, the line and the field.

    Besides the fields themselves, everything ``realpolitik run`` would
    refuse later is checked here (see :mod:`realpolitik.scenario.consistency`).
    """
    with _collector_paused():
        data, lines = read_yaml(text, path)
        if not isinstance(data, dict):
            raise ScenarioError("expected a mapping of sections (scenario, actors, issues, ...)",
                                path=path, line=1)
        scenario = validate_model(Scenario, data, lines, path)
        _raise_problems(list(consistency_errors(scenario)), lines, path)
    return scenario


def read_yaml(text: str, path: str | Path) -> tuple[Any, LineMap]:
    """Parse YAML text into data and the line of every field path.

    Malformed YAML, duplicate keys and input beyond the reader's limits
    (see :mod:`realpolitik.scenario.yaml_reader`) raise :class:`ScenarioError`
    with their line.
    """
    data, lines = compose_yaml(text, path)
    if lines is None:
        raise ScenarioError("the file is empty", path=path)
    return data, lines


def validate_model(model: type[Model], data: Any, lines: Lines, path: str | Path, *,
                   help_doc: str = "docs/scenario-format.md") -> Model:
    """Validate data read by :func:`read_yaml`; each problem names its line and field.

    Where a field expects text and YAML read a plain word as a number, a
    date or yes/no (``name: 1984``, ``date: 2019-06-01``), the text as
    written is used instead.
    """
    for attempt in range(_TEXT_RETRIES + 1):
        try:
            return model.model_validate(data)
        except ValidationError as error:
            if attempt == _TEXT_RETRIES or not _restore_texts(error, data, lines):
                raise _explain(error, lines, path, help_doc) from None
    raise AssertionError("unreachable")  # pragma: no cover


_TEXT_RETRIES = 3
"""Rounds of putting back text YAML read as numbers (a round may reveal further fields)."""

MAX_REPORTED = 25
"""Problems reported one by one; beyond, a last line counts the others."""


def _restore_texts(error: ValidationError, data: Any, lines: Lines) -> bool:
    """Put back the written text where a field wanted text or a word; True if anything changed."""
    written = getattr(lines, "written", None)
    if written is None:
        return False
    changed = False
    for detail in error.errors(include_url=False):
        if detail["type"] not in ("string_type", "literal_error") or isinstance(
                detail.get("input"), str):
            continue
        location = tuple(part for part in detail["loc"] if not _is_internal(part))
        text = written(location)
        if text is not None and location and _replace(data, location, text):
            changed = True
    return changed


def _replace(data: Any, location: FieldPath, value: str) -> bool:
    """Set ``data[...location]`` to ``value``; False if the location is not in the data."""
    container = data
    for part in location[:-1]:
        try:
            container = container[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = location[-1]
    if isinstance(container, dict) and last in container:
        container[last] = value
        return True
    if isinstance(container, list) and isinstance(last, int) and 0 <= last < len(container):
        container[last] = value
        return True
    return False


def _raise_problems(problems: list[tuple[FieldPath, str]], lines: Lines,
                    path: str | Path) -> None:
    if problems:
        raise _capped([
            ScenarioError(message, path=path, line=_line_of(location, lines),
                          field=dotted(location))
            for location, message in problems[:MAX_REPORTED]
        ], len(problems) - MAX_REPORTED, path)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read and validated.

    Reading builds hundreds of thousands of small objects and no cycles; the
    collector's repeated passes over them took most of the time on large
    files (about 80% at 5 MB).  It is switched back on, if it was on, after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _line_of(location: FieldPath, lines: Lines) -> int | None:
    """Line of the deepest part of ``location`` that exists in the file."""
    for end in range(len(location), -1, -1):
        line = lines.get(location[:end])
        if line is not None:
            return line
    return None


def _explain(
    error: ValidationError, lines: Lines, path: str | Path,
    help_doc: str = "docs/scenario-format.md",
) -> ScenarioErrors:
    """Turn pydantic's report into one :class:`ScenarioError` per problem (the first few)."""
    details = error.errors(include_url=False)
    problems: list[ScenarioError] = []
    for index, detail in enumerate(details):
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, ReferenceProblems):
            problems += [ScenarioError(message, path=path, line=_line_of(location, lines),
                                       field=dotted(location))
                         for location, message in cause.problems[:MAX_REPORTED]]
        else:
            location = tuple(part for part in detail["loc"] if not _is_internal(part))
            problems.append(ScenarioError(_message(detail, help_doc), path=path,
                                          line=_line_of(location, lines),
                                          field=dotted(location)))
        if len(problems) >= MAX_REPORTED:
            hidden = len(problems) - MAX_REPORTED + sum(map(_count, details[index + 1:]))
            return _capped(problems, hidden, path)
    return ScenarioErrors(problems)


def _count(detail: ErrorDetails) -> int:
    cause = (detail.get("ctx") or {}).get("error")
    return len(cause.problems) if isinstance(cause, ReferenceProblems) else 1


def _capped(problems: list[ScenarioError], hidden: int, path: str | Path) -> ScenarioErrors:
    """The first :data:`MAX_REPORTED` problems, and a last line counting the others."""
    shown = problems[:MAX_REPORTED]
    if hidden > 0:
        shown.append(ScenarioError(f"... and {hidden:,} more problem(s) not shown", path=path))
    return ScenarioErrors(shown)


def _is_internal(part: str | int) -> bool:
    """Pydantic adds union-branch and validator names to locations; they mean nothing to users."""
    return isinstance(part, str) and (
        part.startswith(("function-", "tagged-union")) or "[" in part
    )


_EXPECTED = {
    "float_parsing": "a number", "float_type": "a number", "finite_number": "a finite number",
    "int_parsing": "a whole number", "int_type": "a whole number",
    "int_from_float": "a whole number", "int_parsing_size": "a whole number of sensible size",
    "bool_parsing": "yes or no", "bool_type": "yes or no", "string_type": "text",
    "date_type": "a date written YYYY-MM-DD", "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date without a time of day",
    "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields",
}
"""What a field expected, by pydantic's error type: the message reads 'X is expected, got Y'."""


def _message(detail: ErrorDetails, help_doc: str) -> str:
    """Word pydantic's messages for an analyst rather than a programmer."""
    kind = detail["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return f"is not a known field here (check the spelling; see {help_doc})"
    given = detail.get("input")
    if kind.startswith("date_") and not isinstance(given, dt.datetime):
        kind = "date_type"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} is expected, got {_shown(given)}"
    if isinstance(given, float) and not math.isfinite(given):
        return f"must be a finite number, got {given}"
    message = str(detail["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "string_pattern_mismatch":
        pattern = str((detail.get("ctx") or {}).get("pattern"))
        return f"{_PATTERN_WORDS.get(pattern, message)}, got {_shown(given)}"
    if kind in _SHOW_INPUT:
        return f"{message}, got {_shown(given)}"
    return message


_PATTERN_WORDS = {
    ID_PATTERN: "must be lower-case letters, digits and underscores, starting with a letter",
    r"^[a-z0-9][a-z0-9_-]*$": "must be lower-case letters, digits, '-' and '_'",
}
"""Patterns of ids, in words."""

_SHOW_INPUT = frozenset({"literal_error", "greater_than", "greater_than_equal", "less_than",
                         "less_than_equal"})
"""Pydantic messages that do not repeat the value they refuse."""


def _shown(value: Any) -> str:
    """A user's value as a message shows it: quoted text cut short, or what kind of thing it is."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {'yes' if value else 'no'}"
    if isinstance(value, str):
        return f"'{shorten(value)}'"
    if isinstance(value, int | float):
        return shorten(f"{value:g}" if isinstance(value, float) else str(value))
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return f"a {type(value).__name__}"
