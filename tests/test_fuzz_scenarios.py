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
"""

from __future__ import annotations

import copy
import datetime as dt
import signal
from contextlib import contextmanager

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLE
from realpolitik.scenario.errors import ScenarioError
from realpolitik.scenario.loader import load_scenario, parse_scenario
from realpolitik.scenario.schema import Scenario

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
