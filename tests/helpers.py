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
