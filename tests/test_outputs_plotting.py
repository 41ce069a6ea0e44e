"""What every figure shares: the provenance footer, and figures made outside pyplot."""

from __future__ import annotations

import subprocess
import sys

from realpolitik._version import __version__
from realpolitik.outputs.plotting import provenance


def test_provenance_names_each_part_given_and_always_the_version():
    assert provenance("syria-2019", 0, 1000) == (
        f"scenario syria-2019 · seed 0 · draws 1,000 · realpolitik {__version__}")
    assert provenance("toy", 7, 20, "eum", levers=("a", "b"), version="9.9") == (
        "scenario toy · seed 7 · draws 20 · model eum · levers a, b · realpolitik 9.9")
    assert provenance("toy", "none (point estimates)", "1 (point estimates)") == (
        f"scenario toy · seed none (point estimates) · draws 1 (point estimates) · "
        f"realpolitik {__version__}")
    assert provenance(label="questions.yaml") == f"questions.yaml · realpolitik {__version__}"


def test_provenance_as_a_sentence():
    assert provenance("toy", 0, "1000", "compromise", sentence=True) == (
        f"Scenario toy, seed 0, draws 1000, model compromise, realpolitik {__version__}.")


def test_writing_a_figure_leaves_pyplot_and_the_backend_alone(tmp_path):
    code = (
        "import sys, matplotlib\n"
        "matplotlib.use('svg')\n"
        "from realpolitik.outputs.plotting import save_figure, subplots\n"
        "fig, ax = subplots(figsize=(2, 2))\n"
        "ax.plot([0, 1], [0, 1])\n"
        f"path = save_figure(fig, {str(tmp_path / 'line.png')!r}, 'footer')\n"
        "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules,\n"
        "      path.read_bytes()[:4] == b'\\x89PNG')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["svg", "False", "True"]
