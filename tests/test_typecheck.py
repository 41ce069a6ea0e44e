"""The package type-checks: mypy, with the strictness stated in pyproject.toml, finds nothing.

mypy reads its settings from ``[tool.mypy]`` (every function body checked,
no half-annotated function, no implicit Optional, no stale ``type: ignore``);
a failure prints every error it found.
"""

from __future__ import annotations

from mypy import api

from helpers import REPO


def test_mypy_finds_no_error_in_src():
    stdout, stderr, status = api.run(
        ["--config-file", str(REPO / "pyproject.toml"), str(REPO / "src")])
    assert status == 0, f"mypy found errors in src/:\n{stdout}{stderr}"
