"""The import graph keeps to the layers: data flows down, nothing reaches back up.

Every module under ``src/realpolitik`` is read with :mod:`ast` (nothing is
imported), and every import it makes, at the top, inside a function or under
``TYPE_CHECKING``, absolute or relative, is resolved to a module name. Two
rules follow from the design:

* only the interfaces may import the root package ``realpolitik`` itself
  (``import realpolitik``, ``from realpolitik import name``); the version
  lives in ``realpolitik._version``, which every layer may import;
* scenario < models < simulation < analysis < outputs < interfaces: a module
  imports from its own layer or lower ones only;
* drawing and terminal rendering (matplotlib, rich) belong to the outputs and
  the interfaces: the layers below compute and return data.

The root ``__init__``, ``__main__`` and ``_version`` sit outside the layers.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO

PACKAGE = "realpolitik"
SOURCE = REPO / "src" / PACKAGE
LAYERS = ("scenario", "models", "simulation", "analysis", "outputs", "interfaces")
OUTSIDE_LAYERS = ("_version",)
"""Top-level modules any layer may import."""
RENDERING = ("matplotlib", "rich")
"""Libraries that draw or print; only the outputs and the interfaces import them."""


@dataclass(frozen=True)
class Violation:
    """One import that breaks a rule, with where it is and why it is refused."""

    module: str
    line: int
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}: {self.reason}"


def module_name(path: Path, root: Path = SOURCE) -> str:
    """The dotted name of a source file under ``root`` (a package's ``__init__`` is the package)."""
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _base_package(module: str, is_package: bool, level: int) -> str:
    """The package a relative import of ``level`` dots starts from."""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module of this package that ``source`` imports, as ``(line, dotted name)``.

    ``from realpolitik import name`` yields ``realpolitik.name`` when ``name``
    is a layer or a top-level module, and the root ``realpolitik`` otherwise.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                start = _base_package(module, is_package, node.level)
                base = f"{start}.{base}" if base else start
            found += [(node.lineno, _from_target(base, alias.name)) for alias in node.names]
    return [(line, name) for line, name in found
            if name == PACKAGE or name.startswith(PACKAGE + ".")]


def _from_target(base: str, name: str) -> str:
    """What ``from base import name`` depends on: a submodule of the root, or ``base``."""
    if base == PACKAGE and name in LAYERS + OUTSIDE_LAYERS:
        return f"{PACKAGE}.{name}"
    return base


def layer_of(module: str) -> str | None:
    """The layer a module belongs to, or None for the root package and its top-level files."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def check_module(source: str, module: str, is_package: bool = False) -> list[Violation]:
    """Every import of ``source`` (the text of ``module``) that breaks a layering rule."""
    own = layer_of(module)
    if own is None:
        return []
    violations = []
    for line, target in imported_modules(source, module, is_package):
        if target == PACKAGE and own != "interfaces":
            violations.append(Violation(module, line, target, "only the interfaces may import "
                                        "the root package; import the module that defines "
                                        "the name (the version: realpolitik._version)"))
            continue
        theirs = layer_of(target)
        if theirs is not None and LAYERS.index(theirs) > LAYERS.index(own):
            violations.append(Violation(module, line, target,
                                        f"layer {own} may not import the higher layer {theirs}"))
    return violations


def rendering_imports(source: str) -> list[tuple[int, str]]:
    """Every absolute import of a rendering library in ``source``, as ``(line, module)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] in RENDERING]


def source_files() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


# ---------------------------------------------------------------------------
# The checker itself: it must be able to fail.
# ---------------------------------------------------------------------------
def test_checker_catches_an_upward_import_inside_a_function():
    source = (
        "import numpy as np\n"
        "from realpolitik.scenario.schema import Scenario\n"
        "def solve():\n"
        "    from realpolitik.interfaces.cli import main\n"
        "    return main\n"
    )
    violations = check_module(source, "realpolitik.models.fake")
    assert [(v.line, v.target) for v in violations] == [(4, "realpolitik.interfaces.cli")]
    assert "higher layer interfaces" in str(violations[0])


def test_checker_resolves_relative_imports():
    source = "from ...outputs import html\nfrom .. import static\nfrom . import scoring\n"
    found = imported_modules(source, "realpolitik.analysis.validation.fake")
    assert [name for _, name in found] == [
        "realpolitik.outputs", "realpolitik.analysis", "realpolitik.analysis.validation",
    ]
    assert [v.target for v in check_module(source, "realpolitik.analysis.validation.fake")] == [
        "realpolitik.outputs",
    ]
    package = imported_modules("from . import deu\n", "realpolitik.analysis.validation", True)
    assert package == [(1, "realpolitik.analysis.validation")]


def test_checker_refuses_the_root_package_outside_the_interfaces():
    source = ("import realpolitik\nfrom realpolitik import __version__\n"
              "from realpolitik._version import __version__ as v\n"
              "from realpolitik import _version, models\n")
    targets = [v.target for v in check_module(source, "realpolitik.outputs.fake")]
    assert targets == ["realpolitik", "realpolitik"]
    assert check_module(source, "realpolitik.interfaces.fake") == []
    assert check_module("from realpolitik.interfaces import cli\n", "realpolitik") == []


def test_checker_finds_rendering_inside_functions():
    source = "import csv\ndef draw():\n    import matplotlib.pyplot as plt\n    return plt\n"
    assert rendering_imports(source) == [(3, "matplotlib.pyplot")]
    assert rendering_imports("from rich.table import Table\n") == [(1, "rich.table")]


def test_module_names_follow_the_folders():
    assert module_name(SOURCE / "outputs" / "html.py") == "realpolitik.outputs.html"
    assert module_name(SOURCE / "analysis" / "validation" / "__init__.py") == (
        "realpolitik.analysis.validation")
    assert layer_of("realpolitik._version") is None


# ---------------------------------------------------------------------------
# The package.
# ---------------------------------------------------------------------------
def test_every_top_level_folder_is_a_layer():
    folders = {p.name for p in SOURCE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS)


@pytest.mark.parametrize("path", source_files(), ids=lambda p: module_name(p))
def test_imports_look_down_only(path: Path):
    violations = check_module(path.read_text(encoding="utf-8"), module_name(path),
                              is_package=path.name == "__init__.py")
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize("path", [p for p in source_files()
                                  if layer_of(module_name(p)) not in (None, "outputs",
                                                                      "interfaces")],
                         ids=lambda p: module_name(p))
def test_only_outputs_and_interfaces_render(path: Path):
    found = rendering_imports(path.read_text(encoding="utf-8"))
    assert not found, f"{module_name(path)} imports {found}: move the rendering to outputs"
