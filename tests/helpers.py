"""Paths the tests share: the example scenario, the data that ships with the project, the brief."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "water-treaty.yaml"


DATA = REPO / "data"


def shared_path(*parts: str) -> Path | None:
    """Find a file the tests read, or None if absent.

    ``data/...`` ships with the project (``REPO/data``), so it is always
    found in a clone.  Anything else (the brief's full text, which is not
    ours to redistribute) is looked for in the ``shared`` folder beside the
    repository.
    """
    root = REPO if parts and parts[0] == "data" else REPO.parent / "shared"
    candidate = root.joinpath(*parts)
    return candidate if candidate.exists() else None

TIME_MARKER = "\n# --- Time"


def basic_example_text() -> str:
    """The tutorial scenario up to its dynamics: actors, issues, stances and an alliance."""
    return EXAMPLE.read_text(encoding="utf-8").split(TIME_MARKER)[0] + "\n"
