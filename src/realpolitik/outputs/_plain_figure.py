"""A matplotlib figure that draws every text as written: a ``$`` never starts TeX math.

Names, titles and labels come from the analyst's scenario, where ``$5bn``
or ``$x$`` is ordinary text; matplotlib would read a pair of dollar signs
as mathtext and fail on anything it cannot parse.  Matplotlib decides this
per text when the text is made (``text.parse_math``) and parses when it
lays out or draws, so the figure switches it off for every text it holds
at both moments, and for any text made meanwhile (tick labels are made
while laying out).  Imported only when a figure is made, never at package
import.
"""

from __future__ import annotations

from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["PlainTextFigure"]

_NO_MATH: dict[Any, Any] = {"text.parse_math": False}


class PlainTextFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` whose texts are never read as mathtext."""

    def draw(self, renderer: Any) -> None:
        """Draw the figure with every text taken literally."""
        with matplotlib.rc_context(_NO_MATH):
            self._plain_texts()
            super().draw(renderer)

    def tight_layout(self, *args: Any, **kwargs: Any) -> None:
        """Lay out the figure with every text taken literally (its size is measured here)."""
        with matplotlib.rc_context(_NO_MATH):
            self._plain_texts()
            super().tight_layout(*args, **kwargs)

    def _plain_texts(self) -> None:
        """Switch mathtext off for every text the figure holds now."""
        for text in self.findobj(Text):
            text.set_parse_math(False)
