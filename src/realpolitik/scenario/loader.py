"""Read a scenario YAML file into a validated :class:`Scenario`.

Errors point at the file, the line and the field: the YAML is first composed
into nodes (which remember their line), then validated; each validation
problem is traced back to the line of the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from realpolitik.scenario.base import FieldPath
from realpolitik.scenario.errors import ScenarioError, ScenarioErrors
from realpolitik.scenario.schema import ReferenceProblems, Scenario, dotted

Model = TypeVar("Model", bound=BaseModel)

DEFAULT_SCENARIO = "syria-2019"
"""The flagship case, analysed when the user names no scenario."""


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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"cannot be read: {error}", path=path) from None
    return parse_scenario(text, path=path)


def _load_ktab(path: Path) -> Scenario:
    from realpolitik.scenario.ktab_csv import ktab_scenario_data, read_ktab_csv

    as_of = dt.date.fromtimestamp(path.stat().st_mtime)
    return validate_model(Scenario, ktab_scenario_data(read_ktab_csv(path), as_of), {}, path)


def parse_scenario(text: str, *, path: str | Path = "<scenario>") -> Scenario:
    """Validate scenario YAML text; errors name ``path``, the line and the field."""
    data, lines = read_yaml(text, path)
    if not isinstance(data, dict):
        raise ScenarioError("expected a mapping of sections (scenario, actors, issues, ...)",
                            path=path, line=1)
    return validate_model(Scenario, data, lines, path)


def read_yaml(text: str, path: str | Path) -> tuple[Any, dict[FieldPath, int]]:
    """Parse YAML text into data and the line of every field path.

    Malformed YAML and duplicate keys raise :class:`ScenarioError` with their line.
    """
    root = _compose(text, path)
    return yaml.safe_load(text), dict(_node_lines(root, ()))


def validate_model(model: type[Model], data: Any, lines: dict[FieldPath, int],
                   path: str | Path, *, help_doc: str = "docs/scenario-format.md") -> Model:
    """Validate data read by :func:`read_yaml`; each problem names its line and field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ScenarioErrors(list(_explain(error, lines, path, help_doc))) from None


def _compose(text: str, path: str | Path) -> yaml.Node:
    """Parse YAML into nodes, rejecting malformed YAML and duplicate keys."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or str(error)
        raise ScenarioError(f"malformed YAML: {problem}", path=path, line=line) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"malformed YAML: {error}", path=path) from None
    if root is None:
        raise ScenarioError("the file is empty", path=path)
    _reject_duplicate_keys(root, path, ())
    return root


def _reject_duplicate_keys(node: yaml.Node, path: str | Path, where: FieldPath) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                raise ScenarioError(f"duplicate key '{key.value}'", path=path,
                                    line=key.start_mark.line + 1,
                                    field=dotted((*where, key.value)))
            seen.add(key.value)
            _reject_duplicate_keys(value, path, (*where, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _reject_duplicate_keys(item, path, (*where, index))


def _node_lines(node: yaml.Node, where: FieldPath) -> Iterator[tuple[FieldPath, int]]:
    """Yield the 1-based line of every field path in the YAML tree."""
    yield where, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*where, key.value), key.start_mark.line + 1
            for sub_path, line in _node_lines(value, (*where, key.value)):
                if sub_path != (*where, key.value):
                    yield sub_path, line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _node_lines(item, (*where, index))


def _line_of(location: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    """Line of the deepest part of ``location`` that exists in the file."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


def _explain(
    error: ValidationError, lines: dict[FieldPath, int], path: str | Path,
    help_doc: str = "docs/scenario-format.md",
) -> Iterator[ScenarioError]:
    """Turn pydantic's report into one :class:`ScenarioError` per problem."""
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, ReferenceProblems):
            for location, message in cause.problems:
                yield ScenarioError(message, path=path, line=_line_of(location, lines),
                                    field=dotted(location))
            continue
        location = tuple(part for part in detail["loc"] if not _is_internal(part))
        yield ScenarioError(_message(detail, help_doc), path=path,
                            line=_line_of(location, lines), field=dotted(location))


def _is_internal(part: str | int) -> bool:
    """Pydantic adds union-branch and validator names to locations; they mean nothing to users."""
    return isinstance(part, str) and (
        part.startswith(("function-", "tagged-union")) or "[" in part
    )


def _message(detail: ErrorDetails, help_doc: str) -> str:
    """Word pydantic's messages for an analyst rather than a programmer."""
    kind = detail["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return f"is not a known field here (check the spelling; see {help_doc})"
    message = str(detail["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind == "string_pattern_mismatch":
        return "must be lower-case letters, digits and underscores, starting with a letter"
    return message
