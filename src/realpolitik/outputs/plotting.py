"""What every figure shares: pyplot on a file backend, and a provenance footer."""

from __future__ import annotations

from pathlib import Path


def pyplot():
    """Import pyplot on the file-writing backend (never at module import)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path: str | Path, footer: str) -> Path:
    """Write the figure as PNG with its provenance footer, close it, return its path."""
    path = Path(path)
    fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=7, color="dimgray")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    pyplot().close(fig)
    return path
