"""The emission-standards example of Scholz, Calbert and Smith (2011), Table 2.

Bueno de Mesquita (1994) forecast when the European Community would introduce
emission standards for medium-sized cars. Scholz et al. (ICAART 2011, pp. 18-30;
J. Theoretical Politics 23(4)) re-ran the Expected Utility Model on that input
(their Table 1) with Q = 1.0 and reported the median and mean voter positions
after each of eight rounds (their Table 2).

Table 2 appears to cut its values to one decimal rather than round them: where
a reading reproduces the table's path, the table prints 9.9 for 9.962, 7.4 for
7.472 and 9.6 for 9.671 (and never 10.0, although the positions reach 9.96 by
round 3). Both comparisons are pinned below.

What the engine reproduces (see docs/model.md, "The Scholz example"),
as (median rounds, mean rounds), rounded / cut:

* project reading (``vote_share="dyad"``, the published probability equation):
  no median; mean rounds 2 and 5 when cut, by coincidence of a drifting mean.
* ``vote_share="all"`` (the normaliser reported of the program behind Table 2):
  medians 1, 3 / 1, 3, 4, 5; means 2 / 1, 2.
* the program's reading (``vote_share="all"``, ``votes="risk"``,
  ``offer_choice="by_type_weighted"``): medians 1, 7 / 1, 3-8; means
  3, 5-8 / 1, 2, 4-7. Cut, 13 of the 16 values; the misses are the median in
  round 2 (9.6 against 9.9) and the means of rounds 3 and 8, which may
  follow from that round. This reading reproduces, to 1e-6, the run log
  published with an open re-implementation of the program.

The assertions pin exactly these rounds, so any change in the engine that
alters the agreement with the published table shows up here.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from helpers import shared_path
from realpolitik.models.compromise import compromise
from realpolitik.models.eum import EUMOptions, expected_utility
from realpolitik.models.median import weighted_median

TABLE_2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE_2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
ROUNDS = len(TABLE_2_MEDIAN)

READINGS = {
    "project": {},
    "all": {"vote_share": "all"},
    "all, by type weighted": {"vote_share": "all", "offer_choice": "by_type_weighted"},
    "program": {"vote_share": "all", "votes": "risk", "offer_choice": "by_type_weighted"},
}
"""Keyword fields of :class:`EUMOptions` for each reading compared with Table 2."""

# reading -> {"rounded" | "cut": (median rounds matched, mean rounds matched)}
MATCHED_ROUNDS = {
    "project": {"rounded": ([], []), "cut": ([], [2, 5])},
    "all": {"rounded": ([1, 3], [2]), "cut": ([1, 3, 4, 5], [1, 2])},
    "all, by type weighted": {
        "rounded": ([1], [3, 6, 7, 8]),
        "cut": ([1, 3, 4, 5, 7, 8], [1, 2, 4, 5, 6, 7]),
    },
    "program": {
        "rounded": ([1, 7], [3, 5, 6, 7, 8]),
        "cut": ([1, 3, 4, 5, 6, 7, 8], [1, 2, 4, 5, 6, 7]),
    },
}


@pytest.fixture(scope="module")
def emission_standards() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    path = shared_path("data", "scholz2011", "emission-standards.csv")
    if path is None:
        pytest.skip("data/scholz2011/emission-standards.csv is not available beside the repo")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10, "Table 1 lists ten member states"

    def column(name: str, scale: float = 1.0) -> np.ndarray:
        return np.array([float(row[name]) / scale for row in rows])[None, :, None]

    return column("Position"), column("Salience", 100.0), column("Capability")


def one_decimal(value: float, how: str) -> float:
    """``value`` to one decimal, rounded or cut (the 1e-6 guards binary noise)."""
    tenths = round(value * 10.0, 6)
    return (round(tenths) if how == "rounded" else np.floor(tenths)) / 10.0


def matched(path: np.ndarray, table: list[float], how: str) -> list[int]:
    """Rounds (1-based) whose value equals the table's to one decimal."""
    return [
        number
        for number, (value, published) in enumerate(zip(path, table, strict=True), start=1)
        if one_decimal(float(value), how) == published
    ]


def test_one_decimal_rounds_and_cuts():
    assert one_decimal(9.962, "rounded") == 10.0
    assert one_decimal(9.962, "cut") == 9.9
    assert one_decimal(8.4, "cut") == 8.4  # 84.00000000000001 tenths, not 83
    assert one_decimal(7.449, "rounded") == 7.4


def test_initial_median_and_mean(emission_standards):
    # before any bargaining: median 7 years, mean 7.39 (Bueno de Mesquita 1994)
    x, s, c = emission_standards
    assert weighted_median(x, s, c)[0, 0] == 7.0
    assert compromise(x, s, c)[0, 0] == pytest.approx(7.390, abs=5e-4)


@pytest.mark.parametrize("reading", list(READINGS))
def test_rounds_matching_table_2(emission_standards, reading):
    x, s, c = emission_standards
    options = EUMOptions(q=1.0, max_rounds=ROUNDS, tol=0.0, **READINGS[reading])
    result = expected_utility(x, s, c, options=options)
    median = result.median_path[0, 1:, 0]
    mean = result.mean_path[0, 1:, 0]
    assert len(median) == ROUNDS
    report = (
        f"{reading}: median {np.round(median, 3).tolist()} vs {TABLE_2_MEDIAN}; "
        f"mean {np.round(mean, 3).tolist()} vs {TABLE_2_MEAN}"
    )
    print(report)
    found = {
        how: (matched(median, TABLE_2_MEDIAN, how), matched(mean, TABLE_2_MEAN, how))
        for how in ("rounded", "cut")
    }
    assert found == MATCHED_ROUNDS[reading], report


# Belgium's position and the mean voter position after rounds 1-8 in the run
# log published with an open re-implementation of the program's reading
# (github.com/dmasad/bdm-scholz-expected-utility-model, Example.log).
RUN_LOG_BELGIUM = [8.415932, 9.610859, 9.961980, 4.800881, 5.524238, 7.472046, 8.824594, 9.671130]
RUN_LOG_MEAN = [7.461314, 7.552501, 7.590145, 7.358131, 7.349174, 7.414878, 7.510457, 7.572447]


def test_program_reading_reproduces_the_published_run_log(emission_standards):
    # Belgium (salience 0.4) compromises towards France's 10 years, swings back
    # to 4.8 in round 4 (compromise ranked by the weighted key) and climbs again.
    x, s, c = emission_standards
    options = EUMOptions(max_rounds=ROUNDS, tol=0.0, **READINGS["program"])
    result = expected_utility(x, s, c, options=options)
    np.testing.assert_allclose(result.trajectory[0, 1:, 1, 0], RUN_LOG_BELGIUM, atol=1e-6)
    np.testing.assert_allclose(result.mean_path[0, 1:, 0], RUN_LOG_MEAN, atol=1e-6)
    # Belgium is the median voter except in rounds 4 and 5, where Luxembourg,
    # then Ireland, following it one round behind, hold the median at 9.96
    median = result.median_path[0, 1:, 0]
    belgium_rounds = [0, 1, 2, 5, 6, 7]
    np.testing.assert_allclose(median[belgium_rounds], np.array(RUN_LOG_BELGIUM)[belgium_rounds])
    np.testing.assert_allclose(median[[3, 4]], RUN_LOG_BELGIUM[2], atol=1e-6)


def test_table_reading_shows_the_published_cycle(emission_standards):
    # Table 2: the median rises above 9.5, falls back below 7.5 and rises again.
    x, s, c = emission_standards
    options = EUMOptions(max_rounds=12, tol=0.0, vote_share="all")
    result = expected_utility(x, s, c, options=options)
    median = result.median_path[0, 1:, 0]
    peak = int(np.argmax(median > 9.5))
    assert median[peak] > 9.5
    drop = peak + int(np.argmax(median[peak:] < 7.5))
    assert median[drop] < 7.5
    assert median[drop:].max() > 9.0
    # the mean stays within the table's band 7.3-7.6 (to one decimal) throughout
    mean = np.round(result.mean_path[0, 1:, 0], 1)
    assert np.all((mean >= 7.3) & (mean <= 7.6))


def test_project_reading_keeps_the_median_voter(emission_standards):
    # with dyad-normalised probabilities the actors at 4 and 10 years move towards
    # each other but the median voter position (7 years) is never displaced
    x, s, c = emission_standards
    result = expected_utility(x, s, c, options=EUMOptions(max_rounds=ROUNDS, tol=0.0))
    np.testing.assert_array_equal(result.median_path[0, :, 0], 7.0)
