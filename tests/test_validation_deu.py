"""DEU validation: reader, scores, bootstrap, cross-validation without leakage, CLI."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import shared_path
from realpolitik.analysis.validation.benchmark import run_deu_validation
from realpolitik.analysis.validation.challengers import blend_grid, institutional_weight_grid
from realpolitik.analysis.validation.conformal import (
    calibrate,
    choose_scaling,
    conformal_ensemble,
    conformal_interval,
)
from realpolitik.analysis.validation.crossval import (
    leave_one_cluster_out,
    leave_two_clusters_out_forecasts,
)
from realpolitik.analysis.validation.deu import (
    ACTOR_CODES,
    NICE_COUNCIL_VOTES,
    DeuFormatError,
    capability_weights,
    read_deu,
)
from realpolitik.analysis.validation.holdout import run_deu_both_ways, run_deu_holdout
from realpolitik.analysis.validation.probabilistic import (
    Ensemble,
    central_interval,
    crps,
    interval_coverage,
    residual_ensemble,
    weighted_quantile,
)
from realpolitik.analysis.validation.scoring import cluster_bootstrap_mean, cluster_index
from realpolitik.analysis.validation.skill import (
    engine_mse,
    engine_skill_weights,
    inverse_mse_weights,
    weights_from_mse,
)
from realpolitik.analysis.validation.split import split_deu, split_text
from realpolitik.interfaces.cli_validate import validate_app

DEU_DEV = shared_path("data", "deu3", "deu3-dev.csv")
needs_deu = pytest.mark.skipif(
    DEU_DEV is None, reason="the DEU III development file (shared/data/deu3/deu3-dev.csv) is absent"
)

HEADER = ["prnr", "prname", "isnr", "proc", "counvte", "pcom", "pep", "pde",
          "scom", "sep", "sde", "rp", "out"]  # fmt: skip


def write_deu(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def three_issue_rows() -> list[list[str]]:
    # prnr, prname, isnr, proc, counvte, pcom, pep, pde, scom, sep, sde, rp, out
    return [
        ["p1", "one", "p1i1", "COD", "QMV", "0", "100", "50", "100", "50", "50", "0", "40"],
        ["p1", "one", "p1i2", "COD", "QMV", "20", "80", "", "50", "50", "", "", "60"],
        ["p2", "two", "p2i1", "CNS", "Unan", "100", "0", "100", "100", "100", "50", "0", "100"],
    ]


@pytest.fixture
def three_issue_file(tmp_path: Path) -> Path:
    return write_deu(tmp_path / "three.csv", three_issue_rows())


# --- reader -----------------------------------------------------------------------------


@needs_deu
def test_reader_on_the_real_file():
    data = read_deu(DEU_DEV)
    assert data.n_issues == 157 and data.n_proposals == 63
    assert data.positions.shape == (157, len(ACTOR_CODES))
    assert data.issue_ids[0] == "d00184i1" and data.lines[0] == 3  # header, GDP row, issue
    assert data.gdp is not None and data.gdp[ACTOR_CODES.index("de")] == pytest.approx(4.1)
    assert [u.issue_id for u in data.unscored] == ["d05127i1", "d05127i2", "d170245i1"]
    assert all("no observed outcome" in u.reason for u in data.unscored)
    assert len(data.imputed_salience) == 8
    assert np.all((data.salience >= 0) & (data.salience <= 1))
    assert np.all(data.coded.sum(axis=1) >= 2)


def test_three_issue_file_is_read(three_issue_file: Path):
    data = read_deu(three_issue_file)
    assert data.n_issues == 3 and data.unscored == ()
    assert data.lines == (2, 3, 4)
    in_file = [ACTOR_CODES.index(code) for code in ("com", "ep", "de")]
    assert data.coded[1, in_file].tolist() == [True, True, False]
    others = np.setdiff1d(np.arange(len(ACTOR_CODES)), in_file)
    assert not data.coded[:, others].any()  # actors absent from the file are never coded
    assert data.salience[0, in_file] == pytest.approx([1.0, 0.5, 0.5])


def test_hand_computed_mae_on_three_issues(three_issue_file: Path):
    # compromise (equal capability): (0*1 + 100*.5 + 50*.5)/2 = 37.5 -> |37.5-40| = 2.5;
    # (20*.5 + 80*.5)/1 = 50 -> 10; (100*1 + 0*1 + 100*.5)/2.5 = 60 -> 40. MAE = 52.5/3 = 17.5.
    # weighted median: 0 (w 1) vs 50, 100 (w .5 each) splits exactly -> midpoint 25 -> 15;
    # 20 vs 80 split exactly -> 50 -> 10; 100 holds 1.5 of 2.5 -> 100 -> 0. MAE = 25/3.
    # status quo: rp 0 on issues 1 and 3 -> errors 40 and 100 -> 70 over n = 2.
    result = run_deu_validation(read_deu(three_issue_file), "equal", seed=1, draws=200)
    scores = {s.name: s for s in result.scores}
    assert scores["compromise"].mae.estimate == pytest.approx(17.5)
    assert scores["weighted median"].mae.estimate == pytest.approx(25.0 / 3.0)
    assert scores["status quo (rp)"].mae.estimate == pytest.approx(70.0)
    assert scores["status quo (rp)"].mae.n == 2


def test_missing_header_column_names_file_line_and_column(tmp_path: Path):
    header = [name for name in HEADER if name != "out"]
    rows = [row[:-1] for row in three_issue_rows()]
    path = write_deu(tmp_path / "no-out.csv", rows, header)
    with pytest.raises(DeuFormatError) as caught:
        read_deu(path)
    message = str(caught.value)
    assert str(path) in message and "line 1" in message and "out" in message


def test_position_column_without_its_salience_column(tmp_path: Path):
    header = [name for name in HEADER if name != "sde"]
    rows = [row[:10] + row[11:] for row in three_issue_rows()]
    with pytest.raises(DeuFormatError, match=r"line 1: .*sde"):
        read_deu(write_deu(tmp_path / "no-sde.csv", rows, header))


def test_non_numeric_cell_names_line_and_column(tmp_path: Path):
    rows = three_issue_rows()
    rows[2][HEADER.index("pde")] = "about 70"
    path = write_deu(tmp_path / "text.csv", rows)
    with pytest.raises(DeuFormatError) as caught:
        read_deu(path)
    message = str(caught.value)
    assert str(path) in message and "line 4" in message and "column pde" in message
    assert "about 70" in message


def test_value_off_the_scale_is_an_error(tmp_path: Path):
    rows = three_issue_rows()
    rows[0][HEADER.index("out")] = "999"
    with pytest.raises(DeuFormatError, match=r"line 2: column out: 999 lies outside"):
        read_deu(write_deu(tmp_path / "off.csv", rows))


def test_unscorable_issues_are_listed_with_reasons(tmp_path: Path):
    rows = three_issue_rows()
    rows.append(["p3", "", "p3i1", "COD", "QMV", "10", "90", "50", "50", "50", "50", "", ""])
    rows.append(["p3", "", "p3i2", "COD", "QMV", "10", "", "", "50", "", "", "", "20"])
    rows.append(["p3", "", "p3i3", "COD", "QMV", "10", "90", "", "0", "0", "", "", "20"])
    data = read_deu(write_deu(tmp_path / "some-unscorable.csv", rows))
    assert data.n_issues == 3
    listed = {(u.issue_id, u.line): u.reason for u in data.unscored}
    assert set(listed) == {("p3i1", 5), ("p3i2", 6), ("p3i3", 7)}
    assert "no observed outcome" in listed[("p3i1", 5)]
    assert "fewer than 2 coded actors" in listed[("p3i2", 6)]
    assert "positive salience" in listed[("p3i3", 7)]


def test_blank_salience_of_a_coded_actor_is_the_issue_mean(tmp_path: Path):
    rows = three_issue_rows()
    rows[0][HEADER.index("sde")] = ""
    data = read_deu(write_deu(tmp_path / "blank-salience.csv", rows))
    assert data.salience[0, ACTOR_CODES.index("de")] == pytest.approx(0.75)  # mean of 1, .5
    assert data.imputed_salience == (("p1i1", "de"),)


def test_gdp_row_is_skipped_and_usable(tmp_path: Path):
    gdp = ["", "", "", "", "", "1", "1", "2", "", "", "", "", ""]
    path = write_deu(tmp_path / "gdp.csv", [gdp, *three_issue_rows()])
    data = read_deu(path)
    assert data.n_issues == 3 and data.lines[0] == 3
    capability = capability_weights(data, "gdp")
    in_file = [ACTOR_CODES.index(code) for code in ("com", "ep", "de")]
    assert capability[in_file].tolist() == [1.0, 1.0, 2.0]


def test_capability_schemes(three_issue_file: Path):
    data = read_deu(three_issue_file)
    votes = capability_weights(data, "council-votes")
    assert sum(NICE_COUNCIL_VOTES.values()) == 352  # EU-28 total under Nice
    assert votes[ACTOR_CODES.index("de")] == 29 and votes[ACTOR_CODES.index("mt")] == 3
    assert np.all(capability_weights(data, "equal") == 1.0)
    with pytest.raises(DeuFormatError, match="GDP row"):
        capability_weights(data, "gdp")
    with pytest.raises(ValueError, match="unknown capability scheme"):
        capability_weights(data, "population")


# --- bootstrap --------------------------------------------------------------------------


@needs_deu
def test_bootstrap_interval_contains_estimate_and_is_reproducible():
    data = read_deu(DEU_DEV)
    errors = np.abs(data.outcome - 50.0)
    clusters = cluster_index(data.proposal_ids)
    first = cluster_bootstrap_mean(errors, clusters, np.random.default_rng(7), draws=500)
    again = cluster_bootstrap_mean(errors, clusters, np.random.default_rng(7), draws=500)
    other = cluster_bootstrap_mean(errors, clusters, np.random.default_rng(8), draws=500)
    assert first.low <= first.estimate <= first.high
    assert first == again
    assert (other.low, other.high) != (first.low, first.high)
    assert first.estimate == pytest.approx(errors.mean())


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0, 100), min_size=2, max_size=30),
    n_clusters=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_bootstrap_replicates_stay_within_the_data(values, n_clusters, seed):
    values = np.array(values)
    clusters = np.arange(values.size) % n_clusters
    result = cluster_bootstrap_mean(values, clusters, np.random.default_rng(seed), draws=50)
    assert values.min() - 1e-9 <= result.low <= result.high <= values.max() + 1e-9


def test_bootstrap_resamples_whole_clusters():
    # Two clusters with constant values 0 and 10 (sizes 1 and 3): every replicate is a mix
    # of whole clusters, so only 0, 10 and the full-sample mean 7.5 can occur.
    values = np.array([0.0, 10.0, 10.0, 10.0])
    clusters = np.array([0, 1, 1, 1])
    result = cluster_bootstrap_mean(values, clusters, np.random.default_rng(0), draws=400)
    assert result.low in (0.0, 7.5, 10.0) and result.high in (0.0, 7.5, 10.0)


# --- cross-validation -------------------------------------------------------------------


def test_cross_validation_never_uses_the_held_out_proposal():
    # Candidate 1 is perfect on proposal 0 and poor elsewhere; candidate 0 is a little off
    # everywhere. Anyone peeking at proposal 0 would pick candidate 1 for it.
    clusters = np.array([0, 0, 1, 1, 2, 2, 3])
    observed = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0])
    candidate0 = observed + 5.0
    candidate1 = np.where(clusters == 0, observed, observed + 40.0)
    result = leave_one_cluster_out(np.array([candidate0, candidate1]), observed, clusters)
    assert result.chosen.tolist() == [0, 0, 0, 0]
    assert result.forecast[:2] == pytest.approx(candidate0[:2])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), held_out=st.integers(0, 4))
def test_held_out_outcomes_do_not_move_held_out_forecasts(seed, held_out):
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(5), 3)
    observed = rng.uniform(0, 100, clusters.size)
    candidates = rng.uniform(0, 100, (6, clusters.size))
    changed = observed.copy()
    inside = clusters == held_out
    changed[inside] = rng.uniform(0, 100, inside.sum())
    before = leave_one_cluster_out(candidates, observed, clusters)
    after = leave_one_cluster_out(candidates, changed, clusters)
    assert np.array_equal(before.forecast[inside], after.forecast[inside])
    calib_before = leave_two_clusters_out_forecasts(candidates, observed, clusters)
    calib_after = leave_two_clusters_out_forecasts(candidates, changed, clusters)
    assert np.array_equal(calib_before[held_out], calib_after[held_out])
    # the predictive distribution of the held-out issues ignores their own outcomes
    ens_before = residual_ensemble(before.forecast, observed, clusters, calib_before)
    ens_after = residual_ensemble(after.forecast, changed, clusters, calib_after)
    used = ens_before.weights[inside] > 0
    assert np.array_equal(ens_before.members[inside][used], ens_after.members[inside][used])


def test_grids_list_the_plain_compromise_first(three_issue_file: Path):
    data = read_deu(three_issue_file)
    result = run_deu_validation(data, "equal", seed=0, draws=50)
    compromise = result.forecasts["compromise"]
    weights = institutional_weight_grid(data, capability_weights(data, "equal"))
    assert weights.forecasts[0] == pytest.approx(compromise)
    blend = blend_grid({"compromise": compromise, "status quo": data.reference_point})
    assert blend.forecasts[0] == pytest.approx(compromise)
    # status quo unknown on issue 2: its weight goes to the compromise there
    assert np.all(np.isfinite(blend.forecasts))
    assert blend.forecasts[:, 1] == pytest.approx(np.full(blend.forecasts.shape[0], 50.0))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_models=st.integers(1, 4))
def test_blends_stay_between_the_models_they_mix(seed, n_models):
    rng = np.random.default_rng(seed)
    stack = rng.uniform(0, 100, (n_models, 12))
    stack[1:, rng.random(12) < 0.3] = np.nan  # unknown forecasts (e.g. no status quo)
    grid = blend_grid({f"m{i}": row for i, row in enumerate(stack)}, step=0.25)
    low, high = np.nanmin(stack, axis=0), np.nanmax(stack, axis=0)
    assert np.all(grid.forecasts >= low - 1e-9) and np.all(grid.forecasts <= high + 1e-9)
    assert grid.forecasts[0] == pytest.approx(stack[0])


# --- probabilistic scores ---------------------------------------------------------------


def test_crps_of_a_point_is_the_absolute_error():
    ensemble = Ensemble(np.array([[30.0], [80.0]]), np.ones((2, 1)))
    assert crps(ensemble, np.array([50.0, 80.0])) == pytest.approx([20.0, 0.0])


def test_weighted_quantiles_and_coverage_by_hand():
    # members 0, 50, 100 with weights .2, .5, .3: CDF .2, .7, 1.0
    ensemble = Ensemble(np.array([[0.0, 50.0, 100.0]]), np.array([[0.2, 0.5, 0.3]]))
    assert weighted_quantile(ensemble, 0.1)[0] == 0.0
    assert weighted_quantile(ensemble, 0.5)[0] == 50.0
    assert weighted_quantile(ensemble, 0.75)[0] == 100.0
    low, high = central_interval(ensemble, 0.5)  # quantiles .25 and .75
    assert (low[0], high[0]) == (50.0, 100.0)
    assert interval_coverage(ensemble, np.array([60.0]), 0.5).tolist() == [True]
    assert interval_coverage(ensemble, np.array([20.0]), 0.5).tolist() == [False]


def test_residual_ensemble_excludes_own_proposal_and_clips():
    point = np.array([95.0, 10.0, 50.0])
    observed = np.array([100.0, 0.0, 80.0])
    clusters = np.array([0, 0, 1])
    ensemble = residual_ensemble(point, observed, clusters)
    assert ensemble.weights.tolist() == [[0, 0, 1], [0, 0, 1], [1, 1, 0]]
    assert ensemble.members[0, 2] == 100.0  # 95 + 30 clipped to the scale
    assert ensemble.members[2, :2] == pytest.approx([55.0, 40.0])


# --- the benchmark on the real file and the command line ---------------------------------


@pytest.fixture(scope="module")
def real_result():
    if DEU_DEV is None:
        pytest.skip("the DEU III development file is absent")
    return run_deu_validation(read_deu(DEU_DEV), "equal", seed=0, draws=300)


def test_compromise_mae_matches_a_direct_computation(real_result):
    data = real_result.data
    direct = []
    for b in range(data.n_issues):
        coded = data.coded[b]
        x, s = data.positions[b, coded], data.salience[b, coded]
        direct.append(abs((s * x).sum() / s.sum() - data.outcome[b]))
    score = next(s for s in real_result.scores if s.name == "compromise")
    assert score.mae.estimate == pytest.approx(np.mean(direct))
    assert 18.0 < score.mae.estimate < 24.0  # published: about 21 on this half, 23 on DEU III


def test_every_model_is_scored_with_finite_values(real_result):
    names = {s.name for s in real_result.scores}
    assert {"compromise", "weighted median", "EUM (median)", "KTAB spatial",
            "status quo (rp)"} <= names  # fmt: skip
    for score in real_result.scores:
        assert score.mae.low <= score.mae.estimate <= score.mae.high
        assert math.isfinite(score.probabilistic.crps.estimate)
        assert 0.0 <= score.probabilistic.coverage50 <= score.probabilistic.coverage90 <= 1.0
    for score in real_result.scores:  # per-issue quantiles agree with the coverage scores
        q = real_result.predictive[score.name]
        rows = np.isfinite(q).all(axis=1)
        assert np.all(np.diff(q[rows], axis=1) >= 0)
        y = real_result.data.outcome[rows]
        inside50 = (y >= q[rows, 1]) & (y <= q[rows, 3])
        assert inside50.mean() == pytest.approx(score.probabilistic.coverage50)
        curve = score.probabilistic.coverage_curve
        assert (curve[4], curve[8]) == (
            score.probabilistic.coverage50, score.probabilistic.coverage90
        )
        assert all(a <= b for a, b in zip(curve, curve[1:], strict=False))  # nested intervals
    fitted = [s for s in real_result.scores if s.kind.startswith("fitted")]
    assert fitted and all(s.name.endswith("(CV)") for s in fitted)
    groups = {(g.dimension, g.group) for g in real_result.breakdowns}
    assert ("counvte", "Unan") in groups and ("proc", "COD") in groups


@needs_deu
def test_cli_on_the_real_file(tmp_path: Path):
    out = tmp_path / "run"
    result = CliRunner().invoke(
        validate_app, ["deu", str(DEU_DEV), "--out", str(out), "--draws", "200"]
    )
    assert result.exit_code == 0, result.output
    assert "compromise" in result.stdout and "MAE" in result.stdout
    assert "within-file cross-validation (settings chosen on the same outcomes)" in result.stdout
    assert "d05127i1" in result.stdout  # unscored issues are listed
    assert {p.name for p in out.iterdir()} >= {
        "deu-scatter.png", "deu-validation.json", "deu-forecasts.csv", "deu-predictive.csv",
        "deu-coverage.png", "manifest.json",
    }
    summary = json.loads((out / "deu-validation.json").read_text(encoding="utf-8"))
    assert summary["issues_scored"] == 157 and len(summary["unscored"]) == 3
    assert summary["protocol"].startswith("within-file") and summary["fit_file"] is None


def test_cli_on_a_broken_file(tmp_path: Path):
    rows = three_issue_rows()
    rows[1][HEADER.index("sep")] = "high"
    path = write_deu(tmp_path / "broken.csv", rows)
    out = tmp_path / "run"
    result = CliRunner().invoke(validate_app, ["deu", str(path), "--out", str(out)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "line 3" in lines[0] and "sep" in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv"]


def test_public_namespace_is_pinned():
    import realpolitik.analysis.validation as validation

    assert sorted(validation.__all__) == [
        "ACTOR_CODES", "CAPABILITY_SCHEMES", "DeuData", "DeuFormatError", "DeuSplit",
        "DeuValidation", "UnscoredIssue", "WITHIN_FILE", "capability_weights", "engine_arrays",
        "engine_skill_weights", "read_deu", "run_deu_both_ways", "run_deu_holdout",
        "run_deu_validation", "split_deu",
    ]  # fmt: skip


def test_output_files_and_tables_of_three_issues(three_issue_file: Path, tmp_path: Path):
    from realpolitik.outputs.figures_validation import coverage_plot, scatter_predicted_observed
    from realpolitik.outputs.validation_results import summary_dict, write_issue_csv
    from realpolitik.outputs.validation_tables import markdown_table, score_table

    result = run_deu_validation(read_deu(three_issue_file), "equal", seed=1, draws=50)
    with write_issue_csv(result, tmp_path / "issues.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:6] == ["line", "proposal", "issue", "proc", "counvte", "out"]
    compromise = rows[0].index("compromise")
    assert [row[compromise] for row in rows[1:]] == ["37.5000", "50.0000", "60.0000"]
    assert json.loads(json.dumps(summary_dict(result)))["issues_scored"] == 3
    assert "| compromise | 17.5 |" in markdown_table(result)
    assert score_table(result).row_count == len(result.scores)
    for draw in (scatter_predicted_observed, coverage_plot):
        path = draw(result, tmp_path / f"{draw.__name__}.png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_on_a_missing_file_and_on_a_file_with_nothing_to_score(tmp_path: Path):
    runner = CliRunner()
    missing = runner.invoke(validate_app, ["deu", str(tmp_path / "nowhere.csv")])
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    rows = [["p1", "", "p1i1", "COD", "QMV", "10", "90", "", "50", "50", "", "", ""]]
    path = write_deu(tmp_path / "empty.csv", rows)
    nothing = runner.invoke(validate_app, ["deu", str(path), "--out", str(tmp_path / "run")])
    assert nothing.exit_code == 2 and "no issue can be scored" in nothing.stderr
    assert not (tmp_path / "run").exists()


def test_a_single_proposal_is_scored_without_cross_validation(tmp_path: Path):
    rows = [row for row in three_issue_rows() if row[0] == "p1"]
    result = run_deu_validation(read_deu(write_deu(tmp_path / "one.csv", rows)), draws=50)
    assert result.fitted_choices == {}
    compromise = next(s for s in result.scores if s.name == "compromise")
    assert compromise.mae.estimate == pytest.approx(6.25)  # errors 2.5 and 10, as above
    assert compromise.probabilistic is None


# --- two files: split, fit on one, score on the other -------------------------------------


def synthetic_rows(seed: int, proposals: int, prefix: str, outcome=None) -> list[list[str]]:
    """Issues with random positions; ``outcome(rp, positions)`` sets ``out`` (default random)."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(proposals):
        for i in range(2):
            x = rng.integers(0, 101, 3)
            sal = rng.integers(10, 101, 3)
            rp = int(rng.integers(0, 101))
            out = rng.integers(0, 101) if outcome is None else outcome(rp, x)
            proc, rule = ("COD", "QMV") if p % 2 else ("CNS", "Unan")
            rows.append([f"{prefix}{p}", "", f"{prefix}{p}i{i}", proc, rule, *map(str, x),
                         *map(str, sal), str(rp), str(out)])  # fmt: skip
    return rows


def test_split_keeps_the_header_the_gdp_row_and_whole_proposals(tmp_path: Path):
    gdp = ["", "", "", "", "", "1", "1", "2", "", "", "", "", ""]
    path = write_deu(tmp_path / "all.csv", [gdp, *synthetic_rows(0, 7, "p")])
    split = split_deu(path, seed=3)
    assert len(split.proposals["A"]) == 4 and len(split.proposals["B"]) == 3
    assert set(split.proposals["A"]).isdisjoint(split.proposals["B"])
    assert set(split.proposals["A"]) | set(split.proposals["B"]) == {f"p{i}" for i in range(7)}
    for half in "AB":
        text = split_text(split, half)
        assert text.splitlines()[0] == ",".join(HEADER)
        (tmp_path / f"{half}.csv").write_text(text, encoding="utf-8")
        data = read_deu(tmp_path / f"{half}.csv")
        assert data.gdp is not None and data.n_issues == 2 * len(split.proposals[half])
        assert set(data.proposal_ids) == set(split.proposals[half])
    assert split_deu(path, seed=3).proposals == split.proposals  # seeded
    assert any(split_deu(path, seed=s).proposals != split.proposals for s in range(4, 9))


@needs_deu
def test_split_command_writes_two_halves_of_the_development_file(tmp_path: Path):
    result = CliRunner().invoke(validate_app, ["split", str(DEU_DEV), "--seed", "0",
                                               "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    halves = [read_deu(tmp_path / name) for name in ("A.csv", "B.csv")]
    assert [h.n_proposals for h in halves] == [32, 31]  # 33 and 32 with the unscored ones
    assert sum(h.n_issues for h in halves) == 157
    assert set(halves[0].proposal_ids).isdisjoint(halves[1].proposal_ids)
    again = CliRunner().invoke(validate_app, ["split", str(DEU_DEV), "--out", str(tmp_path)])
    assert again.exit_code == 2 and "exists" in again.stderr


def test_conformal_interval_by_hand():
    calibration = calibrate(np.zeros(4), np.array([1.0, -2.0, 3.0, -4.0]), np.ones(4), "absolute")
    assert calibration.scores.tolist() == [1.0, 2.0, 3.0, 4.0]
    low, high = conformal_interval(np.array([50.0, 99.0]), np.ones(2), calibration, 0.5)
    assert low.tolist() == [47.0, 96.0] and high.tolist() == [53.0, 100.0]  # k = ceil(2.5) = 3
    low, high = conformal_interval(np.array([50.0]), np.ones(1), calibration, 0.9)
    assert (low[0], high[0]) == (0.0, 100.0)  # k = ceil(4.5) = 5 > n: the whole scale
    spread = calibrate(np.zeros(2), np.array([10.0, 40.0]), np.array([5.0, 10.0]), "spread")
    assert spread.scores.tolist() == [2.0, 4.0]
    low, high = conformal_interval(np.array([50.0]), np.array([3.0]), spread, 0.6)
    assert (low[0], high[0]) == (38.0, 62.0)  # k = ceil(1.8) = 2: score 4 times spread 3


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40))
def test_the_conformal_distribution_has_the_conformal_intervals(seed, n):
    rng = np.random.default_rng(seed)
    calibration = calibrate(rng.uniform(20, 80, n), rng.uniform(0, 100, n),
                            rng.uniform(1, 30, n), "spread")  # fmt: skip
    forecast, spread = rng.uniform(0, 100, 5), rng.uniform(1, 30, 5)
    ensemble = conformal_ensemble(forecast, spread, calibration)
    for level in (0.5, 0.9):
        low, high = conformal_interval(forecast, spread, calibration, level)
        if not float(level * (n + 1)).is_integer():  # one convention for the lower quantile
            ens_low, ens_high = central_interval(ensemble, level)
            np.testing.assert_allclose(ens_low, low)
            np.testing.assert_allclose(ens_high, high)


def test_conformal_intervals_cover_new_exchangeable_outcomes():
    rng = np.random.default_rng(1)
    spread = rng.uniform(5, 40, 6000)
    forecast = rng.uniform(30, 70, 6000)
    noise = spread * rng.standard_t(4, 6000) * 0.5  # errors grow with the spread
    observed = np.clip(forecast + noise, 0.0, 100.0)
    fit, test = slice(0, 400), slice(400, None)
    for scaling in ("absolute", "spread"):
        calibration = calibrate(forecast[fit], observed[fit], spread[fit], scaling)
        for level in (0.5, 0.9):
            low, high = conformal_interval(forecast[test], spread[test], calibration, level)
            inside = (observed[test] >= low) & (observed[test] <= high)
            assert abs(inside.mean() - level) < 0.04
    clusters = np.arange(400) // 4
    assert choose_scaling(forecast[fit], observed[fit], spread[fit], clusters) == "spread"


def test_inverse_mse_weights_and_engine_skill_weights(three_issue_file: Path):
    weights = inverse_mse_weights(np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([0.0, 0.0]))
    np.testing.assert_allclose(weights, [0.8, 0.2])  # MSE 1 and 4
    mse = engine_mse(three_issue_file)
    assert list(mse) == ["eum", "compromise", "median", "spatial"]
    assert mse["compromise"] == pytest.approx((2.5**2 + 10**2 + 40**2) / 3)  # as above
    assert mse["median"] == pytest.approx((15**2 + 10**2 + 0**2) / 3)
    skill = engine_skill_weights(three_issue_file)
    assert sum(skill.values()) == pytest.approx(1.0)
    products = [skill[name] * mse[name] for name in mse]
    np.testing.assert_allclose(products, products[0])  # w_m proportional to 1 / MSE_m


def two_files(tmp_path: Path, outcome=None, test_outcome=None) -> tuple[Path, Path]:
    fit = write_deu(tmp_path / "fit.csv", synthetic_rows(1, 6, "f", outcome))
    test = write_deu(tmp_path / "test.csv", synthetic_rows(2, 5, "t", test_outcome or outcome))
    return fit, test


def test_fitted_settings_come_from_fit_and_test_outcomes_only_score(tmp_path: Path):
    fit, test = two_files(tmp_path, outcome=lambda rp, x: rp)  # outcomes at the status quo
    result = run_deu_holdout(read_deu(fit), read_deu(test), seed=0, draws=50)
    assert result.protocol == "fitted on fit.csv, scored on test.csv"
    assert result.fitted_choices["status-quo pull (fitted)"] == [
        ("pull 0.5 (unanimity), 0.5 (QMV)", 1)
    ]
    changed = write_deu(tmp_path / "changed.csv",
                        synthetic_rows(2, 5, "t", lambda rp, x: 100 - rp))  # fmt: skip
    other = run_deu_holdout(read_deu(fit), read_deu(changed), seed=0, draws=50)
    assert other.fitted_choices == result.fitted_choices
    assert other.scalings == result.scalings
    for name, forecast in result.forecasts.items():
        np.testing.assert_array_equal(other.forecasts[name], forecast)
        np.testing.assert_array_equal(other.predictive[name], result.predictive[name])
    assert [s.mae.estimate for s in other.scores] != [s.mae.estimate for s in result.scores]


def test_fit_and_test_files_must_hold_different_proposals(tmp_path: Path, three_issue_file):
    data = read_deu(three_issue_file)
    with pytest.raises(ValueError, match="share 2 proposal"):
        run_deu_holdout(data, data)
    result = CliRunner().invoke(validate_app, ["deu", "--fit", str(three_issue_file),
                                               str(three_issue_file), "--out",
                                               str(tmp_path / "run")])  # fmt: skip
    assert result.exit_code == 2 and "share proposals" in result.stderr
    assert not (tmp_path / "run").exists()


def test_both_ways_equals_two_holdout_runs(tmp_path: Path):
    fit, test = two_files(tmp_path)
    a, b = read_deu(fit), read_deu(test)
    forward, backward = run_deu_both_ways(a, b, seed=4, draws=40)
    for together, alone in ((forward, run_deu_holdout(a, b, seed=4, draws=40)),
                            (backward, run_deu_holdout(b, a, seed=4, draws=40))):  # fmt: skip
        assert together.protocol == alone.protocol
        assert [s.mae for s in together.scores] == [s.mae for s in alone.scores]
        assert [s.probabilistic for s in together.scores] == [
            s.probabilistic for s in alone.scores
        ]


def test_quantiles_of_the_conformal_distribution_agree_with_its_coverage(tmp_path: Path):
    fit, test = two_files(tmp_path)
    result = run_deu_holdout(read_deu(fit), read_deu(test), seed=0, draws=40)
    y = result.data.outcome
    for score in result.scores:
        q = result.predictive[score.name]
        rows = np.isfinite(q).all(axis=1)
        assert np.all(np.diff(q[rows], axis=1) >= 0)
        inside90 = (y[rows] >= q[rows, 0]) & (y[rows] <= q[rows, 4])
        assert inside90.mean() == pytest.approx(score.probabilistic.coverage90)


@needs_deu
def test_cli_fits_on_one_half_and_scores_the_other(tmp_path: Path):
    runner = CliRunner()
    split = runner.invoke(validate_app, ["split", str(DEU_DEV), "--out", str(tmp_path)])
    assert split.exit_code == 0
    out = tmp_path / "run"
    result = runner.invoke(validate_app, [
        "deu", "--fit", str(tmp_path / "A.csv"), str(tmp_path / "B.csv"), "--out", str(out),
        "--draws", "100",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "fitted on A.csv, scored on B.csv" in result.stdout
    assert "blend (fitted) chose on A.csv" in result.stdout
    summary = json.loads((out / "deu-validation.json").read_text(encoding="utf-8"))
    assert summary["protocol"] == "fitted on A.csv, scored on B.csv"
    assert summary["issues_scored"] == 77 and summary["fit_issues"] == 80
    average = next(m for m in summary["models"] if m["name"] == "inverse-MSE average (fitted)")
    assert average["conformal_scaling"] in ("absolute", "spread")


def test_cli_prints_the_engine_skill_weights(real_result, tmp_path: Path):
    result = CliRunner().invoke(validate_app, ["deu", str(DEU_DEV), "--engine-weights",
                                               "--out", str(tmp_path / "none")])  # fmt: skip
    assert result.exit_code == 0, result.output
    labels = {"eum": "EUM (median)", "compromise": "compromise", "median": "weighted median",
              "spatial": "KTAB spatial"}  # fmt: skip
    y = real_result.data.outcome
    mse = {name: float(((real_result.forecasts[label] - y) ** 2).mean())
           for name, label in labels.items()}  # fmt: skip
    weights = weights_from_mse(mse)
    assert sum(weights.values()) == pytest.approx(1.0)
    for name, weight in weights.items():
        assert re.search(rf"{name}\s.*{weight:.3f}", result.stdout), name
    assert "1/MSE" in result.stdout and not (tmp_path / "none").exists()
