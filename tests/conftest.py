"""Shared fixtures."""

from __future__ import annotations

import pytest

from helpers import EXAMPLE, basic_example_text


@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def basic_example(tmp_path):
    """The tutorial scenario without dynamics, levers or judgment, as a file."""
    path = tmp_path / "water-basic.yaml"
    path.write_text(basic_example_text(), encoding="utf-8")
    return path
