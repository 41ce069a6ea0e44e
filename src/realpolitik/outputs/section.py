"""One part of a report: a title, a body of HTML, and the figures it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """A PNG figure file and the caption the report prints under it."""

    path: Path
    caption: str


@dataclass(frozen=True)
class Section:
    """A titled part of the HTML report.

    ``body_html`` is trusted HTML made by realpolitik itself; any text that
    comes from a scenario file must be escaped with :func:`html.escape` by
    whoever builds the section.  Figures are embedded into the report as
    base64 data, so the report stays one self-contained file.
    """

    title: str
    body_html: str
    figures: list[Figure] = field(default_factory=list)
    anchor: str = ""
