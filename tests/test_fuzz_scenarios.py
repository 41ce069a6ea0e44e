"""Fuzzing the scenario reader: a mutated scenario loads or gives a ScenarioError, nothing else.

Two generators mutate the tutorial scenario (examples/water-treaty.yaml):

* on its data: delete, duplicate or retype a field, rename a key, swap or
  copy ids, put in long, nested, unicode or markup values, then write YAML;
* on its text: insert, replace, duplicate or delete lines, cut the file, and
  inject YAML that a reader must refuse (tags, aliases, bombs, deep nesting,
  control characters, complex keys, second documents).

Each example must finish within the hypothesis deadline and a hard alarm;
``load_scenario`` must return a Scenario or raise ScenarioError, never
another exception.  The number of examples is bounded so that the file
runs in seconds.

A third generator mutates the mechanisms of a small scenario
(tests/data/mechanisms.yaml): it writes random expressions into hazard
factors, effect factors and lever conditions (unknown ids, the wrong type,
``ruptured`` or ``@``, deep or long expressions, divisions by zero), sets
``recurring`` anywhere, and adds parameters with bad values or names.  A
mutation that loads is then simulated over a few draws: every settlement
and cohesion must be a number (no NaN or infinity) and every hazard within
[0, 1].  ``REALPOLITIK_FUZZ_EXAMPLES`` raises the number of examples of
that generator (by hand).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
from contextlib import contextmanager

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLE, REPO
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.scenario.schema import Scenario
from realpolitik.simulation import simulate_ensemble

BASE_TEXT = EXAMPLE.read_text(encoding="utf-8")
BASE_DATA = yaml.safe_load(BASE_TEXT)

EXAMPLES = 120
"""Examples per generator (two generators: about ten seconds in all)."""

ALARM_SECONDS = 10
"""A hard limit per example, in case a hang escapes the deadline (which only measures)."""

HOSTILE_TEXT = [
    "$\\frac{1}{2}$", "$x^2$ and $", "[bold]red[/]", "[/]", "[link=x]y", "<script>x</script>",
    "%s %(name)s {0} {}", "\\x00", "a\nb", "\t", "\u202etxet", "🌊👩🏽‍⚖️", "e\u0301", "é",
    "null", "~", "yes", "no", "on", "4e1", ".inf", ".nan", "2024-02-30", "1_000", "0x1F",
    "12:30", "<<", "=", "!!python/object:os.system", "*alias", "&anchor", "? [a]", "x" * 5000,
    "", " ", "'", '"', "#", "- -", "{a: [b", "cohesion(x) < 0.2 and (((",
]

SNIPPETS = [
    "!!python/object/apply:os.system ['echo x']", "!!python/name:os.system", "!custom 3",
    "!!binary aGVsbG8=", "!!set {a, b}", "!!int forty", "!!float lots", "!!bool maybe",
    "*undefined", "&a [*a]", "? [a, b]\n: c", "[" * 500 + "]" * 500, "{a: " * 300 + "1" + "}" * 300,
    "---", "...", "%YAML 1.1\n---", '"\\x07\\x1b[31m"', '"\\ud800"', "\x07", "\t", "\x00",
    "2024-02-30", "1e308", "-.inf", ".nan", "9" * 400, "<<: 5", "<<: *undefined",
    "~: 1", "12: 1", "yes: 1", "2024-01-01: 1", "'" * 3, '"unclosed', "[unclosed", "{", "}",
    "a: &x [1, 2]\nb: [*x, *x, *x, *x, *x, *x, *x, *x]",
    'a: &a ["l", "l", "l", "l", "l", "l", "l", "l", "l"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n'
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
]


class Hung(BaseException):
    """Raised by the alarm: not an Exception, so no handler of the program can swallow it."""


@contextmanager
def alarm(seconds: int):
    """Fail an example that runs past ``seconds`` (a hang, not a slow case)."""
    def hung(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def loads_or_refuses(text: str) -> None:
    """Parse text: a Scenario, or a ScenarioError of one-line problems; anything else fails."""
    with alarm(ALARM_SECONDS):
        try:
            result = parse_scenario(text, path="fuzz.yaml")
        except ScenarioError as error:
            for line in error.render().splitlines():
                assert len(line) <= 320, line
            return
    assert isinstance(result, Scenario)


# ---------------------------------------------------------------------------
# Mutations of the data
# ---------------------------------------------------------------------------

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(min_value=dt.date(1, 1, 1)),
    st.text(max_size=30), st.sampled_from(HOSTILE_TEXT),
)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE_TEXT[:30])), inner, max_size=4),
    max_leaves=12,
)


def nested(depth: int) -> list:
    """A list nested ``depth`` levels deep."""
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def places(data, trail=()):
    """Every (container, key) pair in the data, depth first."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((data, key))
            found += places(value, (*trail, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.append((data, index))
            found += places(value, (*trail, index))
    return found


def mutate(data, draw) -> None:
    """Apply one random mutation to ``data`` in place."""
    spots = places(data)
    container, key = draw(st.sampled_from(spots))
    operation = draw(st.sampled_from(
        ["delete", "duplicate", "retype", "rename", "swap_ids", "copy_id", "deep"]))
    if operation == "delete":
        del container[key]
    elif operation == "duplicate" and isinstance(container, list):
        container.insert(key, copy.deepcopy(container[key]))
    elif operation == "rename" and isinstance(container, dict):
        new_key = draw(st.one_of(st.sampled_from(HOSTILE_TEXT), st.integers(), st.none(),
                                 st.booleans()))
        container[new_key] = container.pop(key)
    elif operation in ("swap_ids", "copy_id"):
        ids = [(c, k) for c, k in spots if k == "id"]
        (first, a), (second, b) = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if operation == "swap_ids":
            first[a], second[b] = second[b], first[a]
        else:
            second[b] = first[a]
    elif operation == "deep":
        container[key] = nested(draw(st.integers(min_value=1, max_value=150)))
    else:
        container[key] = draw(values)


@settings(max_examples=EXAMPLES, deadline=2000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_data_loads_or_is_refused(data):
    scenario = copy.deepcopy(BASE_DATA)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        mutate(scenario, data.draw)
    try:
        text = yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):
        return  # a value the writer itself cannot write says nothing about the reader
    loads_or_refuses(text)


# ---------------------------------------------------------------------------
# Mutations of the text
# ---------------------------------------------------------------------------


@settings(max_examples=EXAMPLES, deadline=2000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_text_loads_or_is_refused(data):
    lines = BASE_TEXT.splitlines()
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        snippet = data.draw(st.one_of(st.sampled_from(SNIPPETS), st.sampled_from(HOSTILE_TEXT),
                                      st.text(max_size=20)))
        operation = data.draw(st.sampled_from(
            ["insert", "value", "append", "delete", "duplicate", "cut"]))
        line = lines[index]
        indent = line[: len(line) - len(line.lstrip())]
        if operation == "insert":
            lines.insert(index, indent + snippet)
        elif operation == "value" and ":" in line:
            lines[index] = line.split(":", 1)[0] + ": " + snippet
        elif operation == "append":
            lines[index] = line + snippet
        elif operation == "delete" and len(lines) > 1:
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, line)
        elif operation == "cut":
            lines = lines[:index] + [line[: data.draw(st.integers(0, len(line)))]]
    loads_or_refuses("\n".join(lines) + "\n")


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_every_snippet_as_the_first_actor_name(snippet, tmp_path):
    text = BASE_TEXT.replace("name: Upstream State", "name: " + snippet, 1)
    path = tmp_path / "snippet.yaml"
    path.write_text(text, encoding="utf-8")
    with alarm(ALARM_SECONDS):
        try:
            load_scenario(path)
        except ScenarioError:
            pass


# ---------------------------------------------------------------------------
# Mutations of the mechanisms
# ---------------------------------------------------------------------------

MECHANISMS = REPO / "tests" / "data" / "mechanisms.yaml"
MECHANISM_DATA = yaml.safe_load(MECHANISMS.read_text(encoding="utf-8"))

MECHANISM_EXAMPLES = int(os.environ.get("REALPOLITIK_FUZZ_EXAMPLES", "0")) or 60
"""Examples of the mechanism generator (about a second per ten)."""

NUMBERS = ["0", "1", "2.5", ".5", "1e15", "raid_response", "doubling_down", "years",
           "settlement(flow_share)", "settlement(dam_filling)", "cohesion(downstream_mediator)",
           "position(flow_share.upstream)", "salience(dam_filling.mediator)", "count(raid)",
           "count(drought)", "count(summit)"]
"""Terms giving a number in the mechanism seed."""

CONDITIONS = ["fired(raid)", "fired(summit)", "fired(drought)"]

WRONG = ["settlement(nowhere)", "cohesion(nobody)", "count(flood)", "fired(flood)",
         "position(flow_share.nobody)", "position(dam_filling)", "salience(flow_share)",
         "ruptured(downstream_mediator)", "count(raid) @ 2024-06-30", "unknown_name",
         "Settlement(flow_share)", "years(raid)", "raid_response(1)", "flow_share.upstream",
         "count(raid)(2)", "\u00e9", "[/]", "$x$", "1 +", "()", "@", "1 2", "cohesion()",
         "settlement(flow_share", "0.2 < count(raid) < 0.5", "not 3", "1 and 2", "true",
         "1e16", "1e999", "9" * 25, "-1e308 * 10"]
"""Terms a mechanism must refuse: unknown ids, a function out of context, bad syntax, a number
beyond 1e15."""

RUNTIME = ["1 / 0", "0 / 0", "-1 / 0", "-1e15 * 1e15 * 10", "1e15 * 1e15 * 1e15 * 1e15",
           "settlement(flow_share) / (settlement(dam_filling) - settlement(dam_filling))",
           "(count(raid) - 1.5) / 0", "0 * (1 / 0)", "(1 / 0) - (1 / 0)",
           "1 / (cohesion(downstream_mediator) - cohesion(downstream_mediator))"]
"""Valid numbers that are infinite or NaN when read: the simulation must stay finite."""

ARITHMETIC = st.sampled_from([" + ", " - ", " * ", " / "])

numbers = st.recursive(
    st.sampled_from(NUMBERS) | st.sampled_from(RUNTIME),
    lambda inner: st.one_of(st.tuples(inner, ARITHMETIC, inner).map("".join),
                            inner.map(lambda text: f"({text})"),
                            inner.map(lambda text: f"-{text}")),
    max_leaves=6,
)
"""Expressions giving a number (some infinite or NaN when read)."""

conditions = st.recursive(
    st.sampled_from(CONDITIONS) | st.tuples(
        numbers, st.sampled_from([" < ", " >= ", " == ", " != ", " > ", " <= "]), numbers,
    ).map("".join),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" and ", " or "]), inner).map("".join),
        inner.map(lambda text: f"not ({text})"), inner.map(lambda text: f"({text})")),
    max_leaves=4,
)
"""Expressions giving a condition (comparisons with NaN among them)."""

deep = st.builds(
    lambda depth, inner, kind: {"brackets": "(" * depth + inner + ")" * depth,
                                "minus": "-" * depth + inner, "not": "not " * depth + inner,
                                "chain": " + ".join([inner] * depth)}[kind],
    st.integers(min_value=1, max_value=200), st.sampled_from(NUMBERS[:6] + CONDITIONS[:1]),
    st.sampled_from(["brackets", "minus", "not", "chain"]),
)
"""Expressions nested or chained up to 200 deep (beyond the limits from about 32)."""

wrong = st.one_of(
    st.sampled_from(WRONG),
    st.tuples(numbers, ARITHMETIC, st.sampled_from(WRONG)).map("".join),
    st.tuples(conditions, st.sampled_from([" and ", " + "]), numbers).map("".join),
)
"""Expressions a mechanism must refuse: the wrong type, unknown ids, bad syntax."""


def expressions(wanted: str) -> st.SearchStrategy[str]:
    """Mostly valid expressions of the ``wanted`` type, some of the other, deep or wrong."""
    right, other = (numbers, conditions) if wanted == "number" else (conditions, numbers)
    return st.one_of(right, right, right, other, deep, wrong)


PARAMETER_NAMES = ["extra", "raid", "years", "count", "and", "not", "Raid", "x.y", "a b", "",
                   "_x", "9lives", "raid_response", "\u00e9t\u00e9", "[/]"]
"""Parameter names: new, colliding with a shock id, reserved, malformed or repeated."""

quantities = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.tuples(st.floats(-1e20, 1e20), st.floats(-1e20, 1e20)).map(
        lambda pair: {"range": list(pair), "estimate": "a guess"}),
    st.floats(allow_nan=True).map(lambda value: {"value": value}),
    st.sampled_from(["lots", "4e1", "", None, [], {}, [1, 2, 3], {"range": [1]},
                     {"value": 1, "source": "nowhere", "quote": "x"}, {"range": "wide"}]),
)
"""Values of a parameter: numbers, ranges (reversed, huge), malformed quantities."""


def mechanism_slots(data) -> list[tuple[dict, str, bool]]:
    """Every (mapping, key, allowed) where the seed has, or could have, an expression.

    ``allowed`` is False where the field itself is refused: a hazard factor of
    a fixed-date shock, a factor of a ``set`` effect or of a lever's effect.
    """
    dynamics = data.get("dynamics") if isinstance(data, dict) else None
    shocks = dynamics.get("shocks") if isinstance(dynamics, dict) else None
    slots: list[tuple[dict, str, bool]] = []
    for shock in shocks if isinstance(shocks, list) else []:
        if isinstance(shock, dict):
            slots.append((shock, "hazard_factor", "date" not in shock))
            effects = shock.get("effects")
            slots += [(effect, "factor", "set" not in effect) for effect in effects
                      if isinstance(effect, dict)] if isinstance(effects, list) else []
    levers = data.get("levers") if isinstance(data, dict) else None
    for lever in levers if isinstance(levers, list) else []:
        if isinstance(lever, dict):
            slots.append((lever, "when", True))
            effects = lever.get("effects")
            slots += [(effect, "factor", False) for effect in effects[:1]
                      if isinstance(effect, dict)] if isinstance(effects, list) else []
    return slots


def shocks_of(data) -> list[dict]:
    dynamics = data.get("dynamics") if isinstance(data, dict) else None
    shocks = dynamics.get("shocks", []) if isinstance(dynamics, dict) else []
    return [shock for shock in shocks if isinstance(shock, dict)] if isinstance(
        shocks, list) else []


def mutate_mechanism(data, draw) -> None:
    """Apply one mechanism mutation to ``data`` in place (or a generic one, now and then)."""
    operation = draw(st.sampled_from(
        ["expression"] * 6 + ["value", "recurring", "recurring", "parameter", "parameter",
                              "parameters", "shock", "shock", "generic"]))
    slots = mechanism_slots(data)
    if operation in ("expression", "value") and slots:
        container, key, _ = draw(st.sampled_from(slots))
        wanted = "condition" if key == "when" else "number"
        container[key] = draw(expressions(wanted) if operation == "expression" else st.one_of(
            leaves, st.lists(st.sampled_from(NUMBERS), max_size=2),
            st.sampled_from(HOSTILE_TEXT)))
    elif operation == "recurring" and shocks_of(data):
        shock = draw(st.sampled_from(shocks_of(data)))
        shock["recurring"] = draw(st.sampled_from(
            [True, False, None, 1, 0, "yes", "often", [True], {"a": 1}, 2.5]))
    elif operation == "parameter" and isinstance(data.get("dynamics"), dict):
        parameters = data["dynamics"].setdefault("parameters", {})
        if isinstance(parameters, dict):
            parameters[draw(st.sampled_from(PARAMETER_NAMES))] = draw(quantities)
    elif operation == "parameters" and isinstance(data.get("dynamics"), dict):
        data["dynamics"]["parameters"] = draw(st.one_of(
            st.none(), st.just({}), st.sampled_from([[], "raid_response", 3, [{"a": 1}]])))
    elif operation == "shock" and shocks_of(data):
        shock = draw(st.sampled_from(shocks_of(data)))
        key = draw(st.sampled_from(["duration", "hazard", "date", "requires", "effects"]))
        shock[key] = draw(st.sampled_from({
            "duration": [0, -1, 2.5, 1, 10**6, "two", None],
            "hazard": [0, 1, 1.5, -0.1, 0.5, None, "1 / 0"],
            "date": [dt.date(2024, 4, 1), dt.date(2020, 1, 1), "2024-02-30", None],
            "requires": [["raid"], ["drought"], ["summit"], ["flood"], [], "raid"],
            "effects": [[], None, [{"target": "shocks.raid.hazard", "scale": 2,
                                    "factor": "count(raid)"}],
                        [{"target": "shocks.summit.hazard", "shift": 0.1}],
                        [{"target": "stances.flow_share.upstream.position", "set": 50,
                          "factor": "2"}]],
        }[key]))
    else:
        mutate(data, draw)


def mutate_valid_mechanism(data, draw) -> None:
    """Write an expression of the right type where one is allowed: valid, often NaN or infinite."""
    slots = [(container, key) for container, key, allowed in mechanism_slots(data) if allowed]
    container, key = draw(st.sampled_from(slots))
    container[key] = draw(conditions if key == "when" else numbers)


def simulates_finitely(scenario: Scenario) -> None:
    """A loaded scenario simulates with every lever; settlements finite, hazards in [0, 1]."""
    levers = [lever.id for lever in scenario.levers]
    with alarm(ALARM_SECONDS):
        result = simulate_ensemble(scenario, draws=10, seed=1, levers=levers)
    for name in ("settlement", "cohesion", "issue_cohesion"):
        for key, values in getattr(result, name).items():
            assert np.isfinite(values).all(), (name, key)
    for key, hazard in result.shock_hazard.items():
        assert np.isnan(hazard[:, 0]).all(), key
        assert ((hazard[:, 1:] >= 0) & (hazard[:, 1:] <= 1)).all(), key
    for key, counts in result.shock_count.items():
        assert (np.diff(counts, axis=1) >= 0).all() and (counts >= 0).all(), key


@settings(max_examples=MECHANISM_EXAMPLES, deadline=None, derandomize="REALPOLITIK_FUZZ_EXAMPLES"
          not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_mechanisms_load_or_are_refused_and_simulate_finitely(data):
    scenario = copy.deepcopy(MECHANISM_DATA)
    change = mutate_valid_mechanism if data.draw(st.booleans()) else mutate_mechanism
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        change(scenario, data.draw)
    try:
        text = yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, RecursionError, ValueError):
        return
    with alarm(ALARM_SECONDS):
        try:
            loaded = parse_scenario(text, path="fuzz.yaml")
        except ScenarioError as error:
            event("refused")
            for line in error.render().splitlines():
                assert len(line) <= 320, line
                assert line.startswith("fuzz.yaml"), line
            return
    event("loaded and simulated")
    simulates_finitely(loaded)
