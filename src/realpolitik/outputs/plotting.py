"""What every figure shares: a figure outside pyplot, a provenance footer, and saving.

Figures are :class:`matplotlib.figure.Figure` objects made directly, not
through pyplot: writing a PNG then needs no GUI backend, leaves no figure
open in pyplot's registry, and never switches the backend of an analyst
who uses realpolitik from an interactive session.  Their texts are drawn as
written: a ``$`` in a name is a dollar sign, never TeX math.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realpolitik._version import __version__

if TYPE_CHECKING:
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

__all__ = ["colormap", "provenance", "save_figure", "shorten", "subplots", "wrap"]


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float],
             **kwargs: Any) -> tuple[Figure, Any]:
    """A new figure and its grid of axes, as ``pyplot.subplots`` returns them.

    ``kwargs`` go to :meth:`matplotlib.figure.Figure.subplots` (``squeeze``,
    ``sharex``, ...). Matplotlib is imported here, never at module import.
    The figure reads no text as mathtext (scenario text may hold ``$``).
    """
    from realpolitik.outputs._plain_figure import PlainTextFigure

    figure = PlainTextFigure(figsize=figsize)
    return figure, figure.subplots(nrows, ncols, **kwargs)


def shorten(text: str, width: int = 48) -> str:
    """Shorten a label in the middle, keeping its start and its end: ``"Persuade Israel … Assad"``.

    A pair of options (``"A + B"``) is shortened part by part, so that neither
    lever of the pair disappears.
    """
    if len(text) <= width:
        return text
    parts = text.split(" + ")
    if len(parts) > 1:
        budget = width - 3 * (len(parts) - 1)
        short = [part for part in parts if len(part) <= budget // len(parts)]
        spare = budget - sum(len(part) for part in short)
        share = max(8, spare // max(1, len(parts) - len(short)))
        return " + ".join(part if part in short else shorten(part, share) for part in parts)
    head = (width - 1) // 2
    tail = width - 1 - head
    start, end = text[:head], text[-tail:]
    if " " in start[head // 2:]:
        start = start[:start.rindex(" ")]
    if " " in end[:tail // 2]:
        end = end[end.index(" ") + 1:]
    return f"{start.rstrip()} … {end.lstrip()}"


def wrap(text: str, width: int = 70) -> str:
    """Break a long title or axis label into lines of at most ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def colormap(name: str) -> Colormap:
    """A registered matplotlib colormap by name (``"tab20"``, ``"viridis"``)."""
    import matplotlib

    return matplotlib.colormaps[name]


def provenance(
    scenario_id: str | None = None,
    seed: int | str | None = None,
    draws: int | str | None = None,
    model: str | None = None,
    *,
    levers: Sequence[str] = (),
    label: str | None = None,
    version: str = __version__,
    sentence: bool = False,
) -> str:
    """Say what made a figure: scenario, seed, draws, model, levers and package version.

    Parts left at ``None`` (or no levers) are left out; the version always
    closes the line. Integer draws get thousands separators; a string seed
    or draws is shown as given (``"none (point estimates)"``, ``"see above"``).

    Parameters
    ----------
    scenario_id, seed, draws, model
        What the figure was computed from.
    levers
        Levers applied in the simulated futures, if any.
    label
        Free text leading the line, for figures not made from one scenario
        (a file of resolved questions).
    version
        The realpolitik version to name; a reopened result names its own.
    sentence
        Join the parts with commas into a capitalised sentence ending with a
        full stop (report prose), instead of the `` · ``-separated footer.
    """
    parts = [] if label is None else [label]
    if scenario_id is not None:
        parts.append(f"scenario {scenario_id}")
    if seed is not None:
        parts.append(f"seed {seed}")
    if draws is not None:
        parts.append(f"draws {draws}" if isinstance(draws, str) else f"draws {draws:,}")
    if model is not None:
        parts.append(f"model {model}")
    if levers:
        parts.append(f"levers {', '.join(levers)}")
    parts.append(f"realpolitik {version}")
    if not sentence:
        return " · ".join(parts)
    text = ", ".join(parts)
    return f"{text[:1].upper()}{text[1:]}."


def save_figure(fig: Figure, path: str | Path, footer: str) -> Path:
    """Write the figure as PNG with its provenance footer and return its path.

    The PNG is cut to whatever the figure draws (``bbox_inches="tight"``), so
    a long title, tick label or legend outside the axes is never clipped.
    """
    path = Path(path)
    fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=7, color="dimgray")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.12)
    return path
