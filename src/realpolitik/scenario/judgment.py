"""The analyst's judgment: competing hypotheses, evidence items, forecast questions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import Field

from realpolitik.scenario.base import ID_PATTERN, FieldPath, Frozen

if TYPE_CHECKING:
    from realpolitik.scenario.schema import Scenario


class Hypothesis(Frozen):
    """A competing explanation of what is going on."""

    id: str = Field(pattern=ID_PATTERN)
    name: str


class EvidenceItem(Frozen):
    """A piece of evidence weighed against the hypotheses."""

    id: str = Field(pattern=ID_PATTERN)
    text: str


class Question(Frozen):
    """A forecast question that can be checked once events resolve."""

    id: str = Field(pattern=ID_PATTERN)
    text: str


def judgment_reference_errors(scenario: Scenario) -> Iterator[tuple[FieldPath, str]]:
    """Yield references in the judgment sections to undeclared ids."""
    return iter(())
