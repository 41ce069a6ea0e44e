"""The random walk's normal numbers are the same whether computed afresh or kept from before."""

from __future__ import annotations

import numpy as np
import pytest

from realpolitik.simulation import parameters
from realpolitik.simulation.parameters import StepNormals

NAMES = ("stances.a.x.position", "stances.b.y.position", "stances.a.x.salience")


def _steps(normals: StepNormals, count: int) -> list[np.ndarray]:
    return [np.array(normals.next()) for _ in range(count)]


@pytest.fixture(autouse=True)
def nothing_kept():
    parameters._normals_kept.clear()
    yield
    parameters._normals_kept.clear()


@pytest.mark.parametrize(("start", "stop"), [(0, 64), (5, 70), (1000, 1100)])
def test_kept_steps_then_fresh_ones_equal_fresh_ones(start, stop):
    fresh = _steps(StepNormals(7, NAMES, start, stop), 6)
    parameters._normals_kept.clear()
    _steps(StepNormals(7, NAMES, start, stop), 3)  # keeps three steps
    assert len(parameters._normals_kept[(7, NAMES, start, stop)]) == 3
    replayed = _steps(StepNormals(7, NAMES, start, stop), 6)  # three kept, three new
    for step, (a, b) in enumerate(zip(fresh, replayed, strict=True)):
        assert np.array_equal(a, b), f"step {step} differs"


def test_kept_numbers_are_read_only_and_other_draws_get_their_own():
    first = StepNormals(3, NAMES, 0, 10).next()
    with pytest.raises(ValueError):
        first[0, 0] = 1.0
    other = StepNormals(3, NAMES, 10, 20).next()
    assert not np.array_equal(first, other)


def test_the_memory_budget_drops_the_oldest(monkeypatch):
    monkeypatch.setattr(parameters, "_NORMALS_KEPT_BYTES", 3 * 8 * 100 * 3 // 2)
    StepNormals(1, NAMES, 0, 100).next()  # 2,400 bytes
    StepNormals(1, NAMES, 100, 200).next()  # 2,400 more: the first must go
    assert list(parameters._normals_kept) == [(1, NAMES, 100, 200)]
    big = StepNormals(1, NAMES, 0, 1000)
    big.next()  # 24,000 bytes: larger than the budget of 3,600, never kept
    assert (1, NAMES, 0, 1000) not in parameters._normals_kept
