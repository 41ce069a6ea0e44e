"""Paths the tests share: the example scenario and the shared data folder, when present."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "water-treaty.yaml"


def shared_path(*parts: str) -> Path | None:
    """Find a file in the shared folder beside the repository, or None if absent."""
    for root in (REPO.parent / "shared", Path("/work/shared")):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    return None

TIME_MARKER = "\n# --- Time"


def basic_example_text() -> str:
    """The tutorial scenario up to its dynamics: actors, issues, stances and an alliance."""
    return EXAMPLE.read_text(encoding="utf-8").split(TIME_MARKER)[0] + "\n"
