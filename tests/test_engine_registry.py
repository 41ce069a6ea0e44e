"""The engine registry: one contract for every engine, and every front end reads it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import typer

from realpolitik.analysis.static import MODEL_NAMES, forecast_static
from realpolitik.interfaces.cli import app
from realpolitik.interfaces.cli_common import FORECAST_ENGINES, STEP_ENGINES, EngineChoice
from realpolitik.models.ktab import DECIMALS
from realpolitik.models.registry import ENGINES, engine, engine_label, engine_names
from realpolitik.outputs.tables import forecast_table
from realpolitik.scenario.loader import load_scenario
from realpolitik.simulation import MODELS, simulate_ensemble

NAMES = tuple(ENGINES)

SLACK = {"spatial": 0.5 * 10.0**-DECIMALS * 100.0}
"""How far past the extreme position an engine may land: the spatial model
rounds bargained positions to DECIMALS places on [0, 1]; the others are exact."""


def random_case(seed: int, batch: int = 3, actors: int = 6, issues: int = 2):
    """Random inputs on the common contract, with some actors inactive on some issues."""
    rng = np.random.default_rng(seed)
    shape = (batch, actors, issues)
    x = rng.uniform(0, 100, shape)
    s = rng.uniform(0.05, 1, shape)
    c = rng.uniform(0.1, 1, shape)
    active = rng.uniform(size=shape) < 0.8
    active[:, :2] = True
    return x, s, c, active


def settle(name: str, *arrays: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # degenerate draws warn; still defined
        return engine(name).settle(*arrays)


# --- the registry itself -------------------------------------------------------


def test_names_labels_and_order():
    assert NAMES == ("eum", "compromise", "median", "spatial")
    assert engine_names() == NAMES
    assert all(ENGINES[name].name == name for name in NAMES)
    labels = [engine_label(name) for name in NAMES]
    assert len(set(labels)) == len(labels) and all(labels)


def test_stepping_engines_are_the_simulation_models():
    assert engine_names(stepping=True) == tuple(n for n in NAMES if ENGINES[n].can_step)
    assert MODELS == engine_names(stepping=True)
    assert "spatial" in MODELS


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown engine 'oracle'; choose from eum, compromise"):
        engine("oracle")
    with pytest.raises(ValueError, match="unknown engine"):
        engine_label("oracle")


def test_registry_cannot_be_changed_in_place():
    with pytest.raises(TypeError):
        ENGINES["other"] = ENGINES["median"]  # type: ignore[index]


# --- the common contract, for every engine -------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shape_and_bounds(name, seed):
    x, s, c, active = random_case(seed)
    result = settle(name, x, s, c, active)
    assert result.shape == (x.shape[0], x.shape[2])
    assert np.isfinite(result).all()
    low = np.where(active, x, np.inf).min(axis=1)
    high = np.where(active, x, -np.inf).max(axis=1)
    slack = SLACK.get(name, 0.0) + 1e-9
    assert np.all((result >= low - slack) & (result <= high + slack))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [3, 4])
def test_invariant_to_the_order_of_actors(name, seed):
    x, s, c, active = random_case(seed)
    order = np.random.default_rng(seed).permutation(x.shape[1])
    shuffled = [array[:, order] for array in (x, s, c, active)]
    np.testing.assert_allclose(settle(name, *shuffled), settle(name, x, s, c, active), atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_a_batch_equals_its_rows_one_by_one(name):
    x, s, c, active = random_case(5, batch=4)
    rows = [settle(name, *(a[b : b + 1] for a in (x, s, c, active))) for b in range(4)]
    np.testing.assert_array_equal(settle(name, x, s, c, active), np.concatenate(rows))


@pytest.mark.parametrize("name", NAMES)
def test_all_active_by_default(name):
    x, s, c, _ = random_case(6)
    np.testing.assert_array_equal(
        settle(name, x, s, c), settle(name, x, s, c, np.ones(x.shape, dtype=bool))
    )


@pytest.mark.parametrize("name", [name for name in NAMES if ENGINES[name].run is not None])
def test_full_result_forecast_is_the_settlement(name):
    chosen = engine(name)
    x, s, c, active = random_case(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = chosen.run(x, s, c, active)
    np.testing.assert_array_equal(result.forecast, settle(name, x, s, c, active))
    assert result.trajectory.shape[0] == x.shape[0]
    assert result.trajectory.shape[-2:] == x.shape[1:]


@pytest.mark.parametrize("name", NAMES)
def test_options_are_typed(name):
    chosen = engine(name)
    x, s, c, active = random_case(8, batch=1)
    if chosen.options_type is None:
        with pytest.raises(TypeError, match="takes no options"):
            chosen.settle(x, s, c, active, options=object())
        return
    default = chosen.options_type()
    np.testing.assert_array_equal(
        settle(name, x, s, c, active),
        chosen.settle(x, s, c, active, options=default),
    )
    with pytest.raises(TypeError, match="options must be"):
        chosen.settle(x, s, c, active, options=object())


@pytest.mark.parametrize("name", NAMES)
def test_every_engine_checks_its_inputs_the_same_way(name):
    x, s, c, active = random_case(9, batch=1)
    with pytest.raises(ValueError, match="capability has shape"):
        engine(name).settle(x, s, c[:, :, :1], active)
    with pytest.raises(ValueError, match="salience must lie in"):
        engine(name).settle(x, s + 1.0, c, active)


# --- every front end reads the registry ----------------------------------------


def engine_choice(command: str, option: str) -> EngineChoice:
    """The choice that checks an option of a command of the real command line."""
    params = typer.main.get_command(app).commands[command].params
    parser = next(param for param in params if param.name == option).type_descriptor
    return parser.parameter_info.parser


def test_command_line_choices_are_the_registry_names():
    assert FORECAST_ENGINES.names == (*engine_names(), "all")
    assert STEP_ENGINES.names == ("mixture", *engine_names(stepping=True))
    assert engine_choice("run", "model") is FORECAST_ENGINES
    assert engine_choice("run", "step_model") is STEP_ENGINES
    assert engine_choice("levers", "model") is STEP_ENGINES


def test_engine_choice_accepts_names_and_rejects_others_with_the_choices():
    assert STEP_ENGINES("compromise") == "compromise"
    assert STEP_ENGINES.complete("me") == ["median"]
    assert STEP_ENGINES.complete("mi") == ["mixture"]
    with pytest.raises(typer.BadParameter,
                       match="'bloc' is not one of 'mixture', 'eum', 'compromise'"):
        STEP_ENGINES("bloc")


def test_every_engine_has_a_short_label_and_a_marker_of_its_own():
    assert all(entry.short_label for entry in ENGINES.values())
    assert len({entry.marker for entry in ENGINES.values()}) == len(ENGINES)


def test_terminal_table_heads_each_engine_with_its_short_label():
    forecast = forecast_static(load_scenario("emission-standards"))
    headers = [column.header for column in forecast_table(forecast).columns]
    assert headers[3:3 + len(ENGINES)] == [entry.short_label for entry in ENGINES.values()]


def test_static_forecast_runs_every_engine_in_registry_order():
    assert engine_names() == MODEL_NAMES
    forecast = forecast_static(load_scenario("emission-standards"))
    assert tuple(forecast.forecasts) == engine_names()
    assert forecast.eum is not None


def test_engines_side_by_side_give_what_each_gives_alone():
    # the static forecast runs the EUM in this thread and the others in another one at the
    # same time: each engine's forecast must be the bits it gives when run alone
    scenario = load_scenario("syria-2019")
    together = forecast_static(scenario)
    for name in MODEL_NAMES:
        alone = forecast_static(scenario, models=(name,))
        np.testing.assert_array_equal(together.forecasts[name], alone.forecasts[name])
    np.testing.assert_array_equal(together.eum.trajectory,
                                  forecast_static(scenario, models=("eum",)).eum.trajectory)
    assert [entry.name for entry in ENGINES.values() if entry.spreads_over_cores][0] == "eum"


def test_static_forecast_rejects_an_unknown_engine():
    with pytest.raises(ValueError, match="unknown model"):
        forecast_static(load_scenario("emission-standards"), models=("oracle",))


# --- the spatial model as a step engine ----------------------------------------


def test_spatial_ensemble_is_seed_reproducible_and_chunk_free():
    scenario = load_scenario()
    run = dict(draws=6, model="spatial", horizon_years=0.5)
    first = simulate_ensemble(scenario, seed=3, **run)
    again = simulate_ensemble(scenario, seed=3, chunk_size=4, **run)
    other = simulate_ensemble(scenario, seed=4, **run)
    assert first.model == "spatial"
    for issue, values in first.settlement.items():
        np.testing.assert_array_equal(values, again.settlement[issue])
        assert np.all((values >= 0.0) & (values <= 100.0))
    assert any(
        not np.array_equal(values, other.settlement[issue])
        for issue, values in first.settlement.items()
    )
