"""Shared building blocks of scenario objects."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Ids are lower-case words joined by underscores (``russia``, ``iran_presence``)."""

FieldPath = tuple[str | int, ...]
"""Where a field sits in the scenario file: ``("stances", "idlib", "russia", "position")``."""


class Frozen(BaseModel):
    """Base of every scenario object: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
