"""Shared building blocks of scenario objects."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Ids are lower-case words joined by underscores (``russia``, ``iran_presence``)."""

FieldPath = tuple[str | int, ...]
"""Where a field sits in the scenario file: ``("stances", "idlib", "russia", "position")``."""


class Frozen(BaseModel):
    """Base of every scenario object: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OmitUnset(Frozen):
    """A scenario object whose newer optional fields are left out of its dump while unset.

    ``OMIT_WHEN_NONE`` names those fields: adding an option to the format
    then leaves the canonical JSON (and the hash) of every scenario that does
    not use it unchanged.
    """

    OMIT_WHEN_NONE: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _omit_unset_options(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in self.OMIT_WHEN_NONE:
                if name in data and data[name] is None:
                    del data[name]
        return data
