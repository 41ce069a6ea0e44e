"""Bad scenario inputs, each with the message it must give and the line it must name.

Most cases edit the tutorial scenario (examples/water-treaty.yaml) by
replacing the first occurrence of a piece of its text; a few are whole files
or raw bytes.  ``line`` is the line the error must name: a number, or a piece
of text found on that line of the edited file (its first occurrence outside
comment lines), or None when the problem has no line (an empty file).

``HOSTILE_VALID`` lists files in ``hostile_valid/``: text that looks like
markup, math, escapes or code, or that YAML reads as something else, and
that is valid all the same.  They must load; what prints or draws them must
not choke on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE.parents[1] / "examples" / "water-treaty.yaml"

HOSTILE_VALID = sorted(HERE.glob("hostile_valid/*.yaml"))
"""Valid scenarios full of text that other tools may misread (markup, math, escapes)."""


@dataclass(frozen=True)
class Case:
    """One bad input: how to build it, what the error must say and which line it must name."""

    name: str
    message: str
    line: int | str | None
    edits: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    raw: bytes | None = None

    def build(self, base: str) -> bytes:
        """The file's bytes."""
        if self.raw is not None:
            return self.raw
        text = self.text if self.text is not None else base
        for old, new in self.edits:
            if old not in text:
                raise AssertionError(f"case {self.name}: {old!r} is not in the base scenario")
            text = text.replace(old, new, 1)
        return text.encode("utf-8")

    def expected_line(self, data: bytes) -> int | None:
        """The line number the error must name."""
        if self.line is None or isinstance(self.line, int):
            return self.line
        lines = data.decode("utf-8", errors="replace").splitlines()
        return next(number for number, text in enumerate(lines, 1)
                    if self.line in text and not text.startswith("#"))


def edit(name: str, old: str, new: str, message: str, line: int | str | None) -> Case:
    """A case made by one textual edit of the base scenario."""
    return Case(name, message, line, edits=((old, new),))


def edits(name: str, pairs: list[tuple[str, str]], message: str, line: int | str | None) -> Case:
    """A case made by several textual edits of the base scenario, in order."""
    return Case(name, message, line, edits=tuple(pairs))


def whole(name: str, text: str, message: str, line: int | str | None) -> Case:
    """A case that is a whole file of text."""
    return Case(name, message, line, text=text)


def raw(name: str, data: bytes, message: str, line: int | str | None) -> Case:
    """A case that is a whole file of bytes."""
    return Case(name, message, line, raw=data)


META = "scenario:\n  id: water-treaty\n"
CAP = "capability: 60"
STANCE = "    upstream: {position: 20, salience: 0.8}"
INDICATOR = 'indicator: "fired(drought) @ 2025-12-31"'
EFFECT = "        - target: stances.flow_share.downstream.salience\n          set: 1.0\n"
LONG = "x" * 5000

SCENARIO_CASES = [
    # --- the scenario section and the file as a whole
    edit("meta_missing", "scenario:\n  id: water-treaty\n  title: Sharing the river after the new "
         "dam\n  as_of: 2024-01-01\n  question: How much of the river's flow will the downstream "
         "state secure?\n  limitations:\n    - Rainfall is a single drought shock; there is no "
         "year-by-year hydrology.\n    - Domestic politics in both states and outside lenders "
         "are not modelled.\n", "", "scenario: is required but missing", "sources:"),
    edit("meta_id_upper", "id: water-treaty", "id: Water Treaty",
         "scenario.id: must be lower-case letters, digits, '-' and '_', got 'Water Treaty'",
         "id: Water Treaty"),
    edit("meta_title_missing", "  title: Sharing the river after the new dam\n", "",
         "scenario.title: is required but missing", "scenario:"),
    edit("meta_title_list", "title: Sharing the river after the new dam", "title: [a, b]",
         "scenario.title: text is expected, got a list", "title: [a, b]"),
    edit("meta_title_mapping", "title: Sharing the river after the new dam", "title: {a: 1}",
         "text is expected, got a mapping", "title: {a: 1}"),
    edit("meta_as_of_impossible", "as_of: 2024-01-01", "as_of: 2024-02-30",
         "scenario.as_of: 2024-02-30 is not a date", "as_of"),
    edit("meta_as_of_month_13", "as_of: 2024-01-01", "as_of: 2024-13-01",
         "2024-13-01 is not a date", "as_of"),
    edit("meta_as_of_word", "as_of: 2024-01-01", "as_of: soon",
         "a date written YYYY-MM-DD is expected, got 'soon'", "as_of"),
    edit("meta_as_of_year", "as_of: 2024-01-01", "as_of: 2024",
         "a date written YYYY-MM-DD is expected, got 2024", "as_of"),
    edit("meta_as_of_quoted_impossible", "as_of: 2024-01-01", 'as_of: "2024-02-30"',
         "is expected, got '2024-02-30'", "as_of"),
    edit("meta_as_of_time", "as_of: 2024-01-01", "as_of: 2024-01-01 10:30:00",
         "a date without a time of day is expected", "as_of"),
    edit("meta_as_of_missing", "  as_of: 2024-01-01\n", "", "scenario.as_of: is required",
         "scenario:"),
    edit("meta_unknown_field", "  as_of: 2024-01-01\n", "  as_of: 2024-01-01\n  colour: blue\n",
         "scenario.colour: is not a known field", "colour"),
    edit("meta_authors_text", "  as_of: 2024-01-01\n", "  as_of: 2024-01-01\n  authors: A. B\n",
         "scenario.authors: a list is expected, got 'A. B'", "authors"),
    edit("meta_duplicate_key", "  as_of: 2024-01-01\n", "  as_of: 2024-01-01\n  title: Again\n",
         "scenario.title: duplicate key 'title'", "title: Again"),
    edit("meta_not_mapping", "scenario:\n  id: water-treaty\n  title: Sharing the river after "
         "the new dam\n  as_of: 2024-01-01\n", "scenario: water-treaty\nx_meta:\n",
         "scenario: a mapping of fields is expected, got 'water-treaty'", "scenario:"),
    edit("top_unknown_section", "issues:\n", "isues:\n", "isues: is not a known field", "isues:"),
    edit("top_duplicate_section", "issues:\n", "actors:  # again\n", "duplicate key 'actors'",
         "# again"),
    whole("top_list", "- a\n- b\n", "expected a mapping of sections", 1),
    whole("top_scalar", "just some words\n", "expected a mapping of sections", 1),
    whole("top_empty", "", "the file is empty", None),
    whole("top_comments_only", "# nothing here\n# at all\n", "the file is empty", None),
    whole("top_null_document", "---\n...\n", "expected a mapping of sections", 1),
    # --- sources and quotations
    edit("source_id_upper", "  - id: notes", "  - id: Notes",
         "sources[0].id: must be lower-case letters, digits and underscores", "id: Notes"),
    edit("source_title_missing", "    title: Analyst's interview notes\n", "",
         "sources[0].title: is required but missing", "- id: notes"),
    edit("source_duplicate", "    date: 2023-12\n",
         "    date: 2023-12\n  - id: notes  # again\n    title: Again\n", "sources[1].id: "
         "duplicate id 'notes'", "# again"),
    edit("source_not_list", "sources:\n  - id: notes\n    title: Analyst's interview notes\n"
         "    author: A. Analyst\n    date: 2023-12\n", "sources: notes\n",
         "sources: a list is expected, got 'notes'", "sources: notes"),
    edit("source_author_list", "author: A. Analyst", "author: [A, B]", "text is expected",
         "author: [A, B]"),
    edit("quote_undeclared_source", "source: notes, quote", "source: memo, quote",
         "actors[1].capability.source: cites undeclared source 'memo'", "source: memo"),
    edit("quote_without_source", "{value: 50, source: notes, quote:", "{value: 50, quote:",
         "a quote needs the 'source'", "{value: 50, quote:"),
    # --- actors
    edit("actors_empty", "actors:\n  - id: upstream\n    name: Upstream State\n    capability: 60\n"
         "  - id: downstream\n    name: Downstream State\n    capability: {value: 50, source: "
         "notes, quote: \"the army is larger but the economy weaker\"}\n  - id: mediator\n    "
         "name: Regional Mediator\n    capability: {range: [15, 30], estimate: \"mediation budget"
         " uncertain\"}\n", "actors: []\n", "actors: List should have at least 1 item",
         "actors: []"),
    edit("actor_name_missing", "    name: Upstream State\n", "", "actors[0].name: is required",
         "- id: upstream"),
    edit("actor_capability_missing", "    capability: 60\n", "",
         "actors[0].capability: is required", "- id: upstream"),
    edit("actor_duplicate_id", "  - id: mediator\n", "  - id: upstream  # again\n",
         "actors[2].id: duplicate id 'upstream'", "# again"),
    edit("actor_id_digit", "  - id: upstream", "  - id: 1upstream",
         "actors[0].id: must be lower-case letters", "1upstream"),
    edit("actor_id_number", "  - id: upstream", "  - id: 12",
         "actors[0].id: must be lower-case letters, digits and underscores, starting with a "
         "letter, got '12'", "- id: 12"),
    edit("actor_id_unicode", "  - id: upstream", "  - id: éupstream",
         "got 'éupstream'", "éupstream"),
    edit("actor_id_markup", "  - id: upstream", "  - id: '[bold]up[/]'",
         "got '[bold]up[/]'", "[bold]"),
    edit("actor_id_long", "  - id: upstream", "  - id: " + LONG.upper(), "must be lower-case",
         "XXXX"),
    edit("actor_name_list", "name: Upstream State", "name: [a]", "actors[0].name: text is "
         "expected, got a list", "name: [a]"),
    edit("actor_unknown_field", "    capability: 60\n", "    capability: 60\n    colour: red\n",
         "actors[0].colour: is not a known field", "colour"),
    edit("actor_long_unknown_field", "    capability: 60\n",
         f"    capability: 60\n    ? {LONG}\n    : 1\n", "is not a known field", LONG[:50]),
    edit("actors_mapping", "actors:\n  - id: upstream\n",
         "actors: {upstream: 1}\nx_actors:\n  - id: upstream\n",
         "actors: a list is expected, got a mapping", "actors: {"),
    # --- numbers, through the first actor's capability
    edit("cap_negative", CAP, "capability: -5", "actors[0].capability: must be above 0, got -5",
         "capability: -5"),
    edit("cap_zero", CAP, "capability: 0", "must be above 0, got 0", "capability: 0"),
    edit("cap_word", CAP, "capability: seventy", "actors[0].capability: a number is expected, "
         "got 'seventy'", "seventy"),
    edit("cap_quoted_number", CAP, 'capability: "40"', "a number is expected, got '40'",
         'capability: "40"'),
    edit("cap_lots", CAP, "capability: lots", "a number is expected, got 'lots'", "lots"),
    edit("cap_inf", CAP, "capability: .inf", "must be a finite number, got inf", ".inf"),
    edit("cap_minus_inf", CAP, "capability: -.inf", "must be a finite number", "-.inf"),
    edit("cap_nan", CAP, "capability: .nan", "must be a finite number, got nan", ".nan"),
    edit("cap_1e308", CAP, "capability: 1e308", "must be at most 1e+15 in size, got 1e+308",
         "1e308"),
    edit("cap_huge_int", CAP, "capability: 100000000000000000000", "must be at most 1e+15",
         "capability: 1000"),
    edit("cap_too_many_digits", CAP, "capability: " + "9" * 150, "is too long to be a number",
         "capability: 999"),
    edit("cap_yes", CAP, "capability: yes", "got a yes/no value", "capability: yes"),
    edit("cap_empty", CAP, "capability:  # empty", "a number is expected, got nothing",
         "# empty"),
    edit("cap_null", CAP, "capability: null", "a number is expected, got nothing", "null"),
    edit("cap_date", CAP, "capability: 2024-01-01", "a number is expected, got a date",
         "capability: 2024"),
    edit("cap_three_items", CAP, "capability: [1, 2, 3]",
         "a range is written [low, high], got 3 item(s)", "[1, 2, 3]"),
    edit("cap_one_item", CAP, "capability: [5]", "a range is written [low, high], got 1 item",
         "[5]"),
    edit("cap_reversed_range", CAP, "capability: [30, 15]", "low end above its high end",
         "[30, 15]"),
    edit("cap_range_word", CAP, "capability: [15, lots]",
         "high end of the range: a number is expected, got 'lots'", "[15, lots]"),
    edit("cap_range_nested", CAP, "capability: [[1, 2], 3]",
         "low end of the range: a number is expected, got a list", "[[1, 2], 3]"),
    edit("cap_range_key_scalar", CAP, "capability: {range: 5}",
         "range: a range is written [low, high], got one value", "{range: 5}"),
    edit("cap_value_word", CAP, "capability: {value: seventy}",
         "value: a number is expected, got 'seventy'", "{value: seventy}"),
    edit("cap_value_quoted", CAP, 'capability: {value: "60"}',
         "value: a number is expected, got '60'", '{value: "60"}'),
    edit("cap_value_and_range", CAP, "capability: {value: 5, range: [1, 9]}", "not both",
         "{value: 5"),
    edit("cap_empty_mapping", CAP, "capability: {}", "give either 'value' or 'range'",
         "capability: {}"),
    edit("cap_triangular_no_mode", CAP, "capability: {range: [1, 9], dist: triangular}",
         "needs 'range' and 'mode'", "triangular"),
    edit("cap_mode_outside", CAP, "capability: {range: [1, 9], mode: 12, dist: triangular}",
         "mode 12 lies outside range", "mode: 12"),
    edit("cap_mode_alone", CAP, "capability: {value: 5, mode: 5}",
         "'mode' is only used with dist: triangular", "mode: 5"),
    edit("cap_mode_word", CAP, "capability: {range: [1, 9], mode: middle, dist: triangular}",
         "mode: a number is expected, got 'middle'", "middle"),
    edit("cap_dist_unknown", CAP, "capability: {range: [1, 9], dist: normal}",
         "Input should be 'uniform' or 'triangular', got 'normal'", "normal"),
    edit("cap_unknown_key", CAP, "capability: {value: 5, sauce: x}",
         "actors[0].capability.sauce: is not a known field", "sauce"),
    edit("cap_int_tag_word", CAP, "capability: !!int forty",
         "actors[0].capability: 'forty' is not a whole number", "forty"),
    edit("cap_float_tag_word", CAP, "capability: !!float lots", "'lots' is not a number",
         "!!float"),
    edit("cap_bool_tag_word", CAP, "capability: !!bool maybe", "'maybe' is not yes/no",
         "maybe"),
    edit("cap_timestamp_tag_word", CAP, "capability: !!timestamp soon",
         "'soon' is not a date", "soon"),
    edit("cap_python_tag", CAP, "capability: !!python/float 3",
         "actors[0].capability: tag !!python/float is not allowed", "!!python"),
    edit("cap_local_tag", CAP, "capability: !num 3", "tag !num is not allowed", "!num"),
    edit("cap_set_tag", CAP, "capability: !!set {a, b}", "tag !!set is not allowed", "!!set"),
    edit("cap_binary_tag", CAP, "capability: !!binary aGVsbG8=", "tag !!binary is not allowed",
         "!!binary"),
    edit("cap_omap_tag", CAP, "capability: !!omap [a: 1]", "tag !!omap is not allowed",
         "!!omap"),
    edit("cap_map_tag_on_scalar", CAP, "capability: !!map 3",
         "tag !!map cannot be given to a single value", "!!map"),
    edit("cap_int_tag_on_list", CAP, "capability: !!int [1, 2]",
         "tag !!int cannot be given to a list", "!!int"),
    edit("cap_str_tag_on_mapping", CAP, "capability: !!str {value: 3}",
         "tag !!str cannot be given to a mapping", "!!str"),
    edit("cap_str_tag", CAP, "capability: !!str 60", "a number is expected, got '60'", "!!str"),
    # --- issues
    edit("issue_low_missing", '    low: "upstream state keeps all the water it wants"\n', "",
         "issues[0].low: is required", "- id: flow_share"),
    edit("issue_horizon_unknown", "horizon: medium", "horizon: forever",
         "issues[0].horizon: Input should be 'short', 'medium' or 'long', got 'forever'",
         "forever"),
    edit("issue_horizon_yes", "horizon: medium", "horizon: yes",
         "Input should be 'short', 'medium' or 'long', got 'yes'", "horizon: yes"),
    edit("issue_horizon_long_text", "horizon: medium", "horizon: " + LONG,
         "Input should be 'short', 'medium' or 'long', got 'xxx", "horizon: xxx"),
    edit("issue_status_quo_high", "    horizon: medium\n", "    horizon: medium\n    status_quo: "
         "150\n", "issues[0].status_quo: must be between 0 and 100, got 150", "status_quo"),
    edit("issue_status_quo_word", "    horizon: medium\n", "    horizon: medium\n    status_quo: "
         "half\n", "a number is expected, got 'half'", "status_quo"),
    edit("issue_duplicate_id", "  - id: dam_filling", "  - id: flow_share  # again",
         "issues[1].id: duplicate id 'flow_share'", "# again"),
    edit("issue_id_space", "  - id: flow_share", "  - id: flow share",
         "issues[0].id: must be lower-case", "flow share"),
    edit("issue_high_list", 'high: "downstream state keeps its historical share"', "high: [1]",
         "issues[0].high: text is expected, got a list", "high: [1]"),
    # --- stances
    edit("stance_undeclared_actor", "    mediator: {position: 55", "    mediatr: {position: 55",
         "stances.flow_share.mediatr: undeclared actor 'mediatr'", "mediatr"),
    edit("stance_undeclared_issue", "  dam_filling:\n    upstream", "  dam_filing:\n    upstream",
         "stances.dam_filing: stance for undeclared issue 'dam_filing'", "dam_filing:"),
    edit("position_high", STANCE, "    upstream: {position: 120, salience: 0.8}",
         "stances.flow_share.upstream.position: must be between 0 and 100, got 120",
         "position: 120"),
    edit("position_negative", STANCE, "    upstream: {position: -5, salience: 0.8}",
         "must be between 0 and 100, got -5", "position: -5"),
    edit("position_range_high", STANCE, "    upstream: {position: [70, 190], salience: 0.8}",
         "must be between 0 and 100, got [70.0, 190.0]", "[70, 190]"),
    edit("salience_high", "salience: 0.8}", "salience: 1.8}",
         "stances.flow_share.upstream.salience: must be between 0 and 1, got 1.8", "1.8"),
    edit("salience_negative", "salience: 0.8}", "salience: -0.1}",
         "must be between 0 and 1, got -0.1", "-0.1"),
    edit("position_missing", STANCE, "    upstream: {salience: 0.8}",
         "stances.flow_share.upstream.position: is required", "upstream: {salience"),
    edit("salience_missing", STANCE, "    upstream: {position: 20}",
         "stances.flow_share.upstream.salience: is required", "upstream: {position: 20}"),
    edit("stance_unknown_field", STANCE, "    upstream: {position: 20, salience: 0.8, weight: 1}",
         "stances.flow_share.upstream.weight: is not a known field", "weight: 1"),
    edit("stance_number", STANCE, "    upstream: 20",
         "stances.flow_share.upstream: a mapping of fields is expected, got 20", "upstream: 20"),
    edit("stance_capability_zero", STANCE,
         "    upstream: {position: 20, salience: 0.8, capability: 0}",
         "stances.flow_share.upstream.capability: must be above 0", "capability: 0}"),
    edit("stances_list", "stances:\n  flow_share:\n", "stances: [a]\nx_stances:\n  flow_share:\n",
         "stances: a mapping of names to values is expected, got a list", "stances: [a]"),
    edit("stance_null_key", STANCE, "    ~: {position: 20, salience: 0.8}",
         "stances.flow_share.~: a key must be text, got an empty key (null)", "~: {"),
    edit("stance_empty_key", STANCE, "    : {position: 20, salience: 0.8}",
         "malformed YAML: did not find expected key", "    : {position: 20"),
    edit("stance_number_key", STANCE, "    12: {position: 20, salience: 0.8}",
         "stances.flow_share.12: a key must be text, got the number 12", "12: {"),
    edit("stance_float_key", STANCE, "    1.5: {position: 20, salience: 0.8}",
         "a key must be text, got the number 1.5", "1.5: {"),
    edit("stance_bool_key", STANCE, "    yes: {position: 20, salience: 0.8}",
         "a key must be text, got the yes/no value 'yes'", "yes: {"),
    edit("stance_date_key", STANCE, "    2024-01-01: {position: 20, salience: 0.8}",
         "a key must be text, got the date 2024-01-01", "2024-01-01: {"),
    edit("stance_list_key", STANCE, "    ? [a, b]\n    : {position: 20, salience: 0.8}",
         "a key must be text, not a list", "? [a, b]"),
    edit("stance_mapping_key", STANCE, "    ? {a: 1}\n    : {position: 20, salience: 0.8}",
         "a key must be text, not a mapping", "? {a: 1}"),
    edit("stance_duplicate_key", STANCE, STANCE + "\n    upstream: {position: 30, salience: 0.8}",
         "stances.flow_share.upstream: duplicate key 'upstream'", "position: 30"),
    edit("position_word", STANCE, "    upstream: {position: twenty, salience: 0.8}",
         "stances.flow_share.upstream.position: a number is expected, got 'twenty'", "twenty"),
    edit("salience_quoted", STANCE, '    upstream: {position: 20, salience: "0.8"}',
         "salience: a number is expected, got '0.8'", '"0.8"'),
    edit("position_empty", STANCE, "    upstream: {position: , salience: 0.8}",
         "a number is expected, got nothing", "position: ,"),
    edit("position_on", STANCE, "    upstream: {position: on, salience: 0.8}",
         "got a yes/no value", "position: on"),
    # --- alliances
    edit("alliance_undeclared_member", "members: [downstream, mediator]",
         "members: [downstream, mediatr]", "alliances[0].members[1]: undeclared actor 'mediatr'",
         "members:"),
    edit("alliance_same_members", "members: [downstream, mediator]",
         "members: [downstream, downstream]", "an alliance needs two different members",
         "members:"),
    edit("alliance_three_members", "members: [downstream, mediator]",
         "members: [downstream, mediator, upstream]", "Tuple should have at most 2 items",
         "members:"),
    edit("alliance_members_text", "members: [downstream, mediator]", "members: downstream",
         "alliances[0].members: a list is expected, got 'downstream'", "members:"),
    edit("alliance_duplicate_id", "        weight: 0.3\n", "        weight: 0.3\n  - id: "
         "downstream_mediator  # again\n    name: Again\n    members: [upstream, mediator]\n",
         "alliances[1].id: duplicate id 'downstream_mediator'", "# again"),
    edit("stake_weight_high", "weight: 0.3", "weight: 1.3",
         "alliances[0].shared_stakes[0].weight: must be between 0 and 1, got 1.3", "1.3"),
    edit("stake_name_missing", "        name: Regional stability\n", "",
         "alliances[0].shared_stakes[0].name: is required", "- id: regional_stability"),
    edit("stake_duplicate_id", "        weight: 0.3\n", "        weight: 0.3\n      - id: "
         "regional_stability  # again\n        name: Twice\n        weight: 0.1\n",
         "alliances[0].shared_stakes[1].id: duplicate id 'regional_stability'", "# again"),
    edit("rupture_unit", "        weight: 0.3\n", "        weight: 0.3\n    rupture: cohesion < "
         "0.2 for 2 weeks\n", "alliances[0].rupture: cannot read rupture rule", "rupture:"),
    edit("rupture_threshold", "        weight: 0.3\n", "        weight: 0.3\n    rupture: "
         "cohesion < 3 for 2 steps\n", "a threshold between -1 and 1", "rupture:"),
    edit("rupture_number", "        weight: 0.3\n", "        weight: 0.3\n    rupture: 5\n",
         "expected 'cohesion' or 's_score'", "rupture:"),
    edit("rupture_long", "        weight: 0.3\n", f"        weight: 0.3\n    rupture: {LONG}\n",
         "cannot read rupture rule 'xxx", "rupture:"),
    # --- dynamics
    edit("step_unknown", "step: quarter", "step: week",
         "dynamics.step: Input should be 'month', 'quarter' or 'year', got 'week'", "week"),
    edit("horizon_zero", "horizon_years: 3", "horizon_years: 0",
         "dynamics.horizon_years: Input should be greater than 0, got 0", "horizon_years"),
    edit("horizon_long", "horizon_years: 3", "horizon_years: 100",
         "less than or equal to 50, got 100", "horizon_years"),
    edit("horizon_word", "horizon_years: 3", "horizon_years: three",
         "a number is expected, got 'three'", "horizon_years"),
    edit("horizon_inf", "horizon_years: 3", "horizon_years: .inf", "must be a finite number",
         "horizon_years"),
    edit("trend_target_unknown_field", "target: stances.dam_filling.upstream.salience",
         "target: stances.dam_filling.upstream.weight",
         "dynamics.trends[0].target: unknown target", "upstream.weight"),
    edit("trend_target_undeclared_actor", "target: stances.dam_filling.upstream.salience",
         "target: stances.dam_filling.upriver.salience", "undeclared actor 'upriver'",
         "upriver"),
    edit("trend_target_hazard", "target: stances.dam_filling.upstream.salience",
         "target: shocks.drought.hazard", "a trend cannot drift a shock's hazard",
         "shocks.drought.hazard"),
    edit("trend_ends_before_start", "      drift: {range: [-0.03, -0.01]",
         "      start: 2025-01-01\n      end: 2024-06-01\n      drift: {range: [-0.03, -0.01]",
         "trend ends (2024-06-01) before it starts (2025-01-01)", "- id: reservoir_fills"),
    edit("trend_start_impossible", "      drift: {range: [-0.03, -0.01]",
         "      start: 2025-02-29\n      drift: {range: [-0.03, -0.01]",
         "dynamics.trends[0].start: 2025-02-29 is not a date", "start:"),
    edit("trend_drift_word", "drift: {range: [-0.03, -0.01], estimate: \"urgency fades as the "
         "reservoir fills\"}", "drift: a little", "a number is expected, got 'a little'",
         "drift:"),
    edit("trend_drift_missing", "      drift: {range: [-0.03, -0.01], estimate: \"urgency fades as"
         " the reservoir fills\"}\n", "", "dynamics.trends[0].drift: is required",
         "- id: reservoir_fills"),
    edit("shock_hazard_and_date", "      duration: 4\n", "      date: 2025-01-01\n      duration:"
         " 4\n", "needs either a 'hazard'", "- id: drought"),
    edit("shock_no_hazard", "      hazard: {range: [0.03, 0.08], estimate: \"one severe drought a"
         " decade, more often lately\"}\n", "", "needs either a 'hazard'", "- id: drought"),
    edit("shock_hazard_high", "hazard: {range: [0.03, 0.08]", "hazard: {range: [0.03, 1.08]",
         "dynamics.shocks[0].hazard: must be between 0 and 1", "hazard:"),
    edit("shock_duration_zero", "duration: 4", "duration: 0",
         "dynamics.shocks[0].duration: Input should be greater than or equal to 1, got 0",
         "duration"),
    edit("shock_duration_word", "duration: 4", "duration: four",
         "a whole number is expected, got 'four'", "duration"),
    edit("shock_duration_fraction", "duration: 4", "duration: 2.5",
         "a whole number is expected, got 2.5", "duration"),
    edit("shock_requires_undeclared", "      duration: 4\n", "      duration: 4\n      requires:"
         " [flood]\n", "dynamics.shocks[0].requires[0]: undeclared shock 'flood'", "requires"),
    edit("shock_requires_itself", "      duration: 4\n", "      duration: 4\n      requires:"
         " [drought]\n", "cannot require itself", "requires"),
    edits("shock_cycle", [("      duration: 4\n", "      duration: 4\n      requires: [flood]\n"),
                          ("          shift: -0.2\n", "          shift: -0.2\n    - id: flood\n "
                           "     name: A flood\n      hazard: 0.1\n      requires: [drought]\n")],
          "shocks require each other in a cycle", "shocks:"),
    edit("shock_duplicate_id", "          shift: -0.2\n", "          shift: -0.2\n    - id: "
         "drought  # again\n      name: Again\n      hazard: 0.1\n",
         "dynamics.shocks[1].id: duplicate id 'drought'", "# again"),
    edit("effect_two_operations", EFFECT, "        - target: stances.flow_share.downstream."
         "salience\n          set: 1.0\n          shift: 0.1\n",
         "an effect needs exactly one of 'shift' (add), 'set' (replace) or 'scale'",
         "stances.flow_share.downstream.salience"),
    edit("effect_no_operation", EFFECT, "        - target: stances.flow_share.downstream."
         "salience\n", "got none", "stances.flow_share.downstream.salience"),
    edit("effect_scale_negative", EFFECT, "        - target: stances.flow_share.downstream."
         "salience\n          scale: -2\n", "'scale' must be a non-negative factor",
         "stances.flow_share.downstream.salience"),
    edit("effect_unknown_stake", "shared_stakes.regional_stability.weight",
         "shared_stakes.peace.weight", "alliance 'downstream_mediator' has no shared stake "
         "'peace'", "shared_stakes.peace"),
    edit("effect_undeclared_alliance", "alliances.downstream_mediator.shared_stakes",
         "alliances.upstream_mediator.shared_stakes", "undeclared alliance 'upstream_mediator'",
         "upstream_mediator"),
    edit("effect_target_garbage", "- target: stances.flow_share.downstream.salience",
         "- target: $HOME/../etc", "unknown target '$HOME/../etc'", "$HOME"),
    edit("dynamics_unknown_field", "  step: quarter\n", "  step: quarter\n  speed: fast\n",
         "dynamics.speed: is not a known field", "speed"),
    # --- mechanisms: hazard factors, effect factors, recurring shocks, parameters
    edit("mechanism_factor_syntax", "      duration: 4\n", "      duration: 4\n      hazard_factor:"
         " \"1 + * 2\"\n", "dynamics.shocks[0].hazard_factor: column 5: expected a number",
         "hazard_factor"),
    edit("mechanism_factor_condition", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"fired(drought)\"\n", "hazard_factor: must give a number",
         "hazard_factor"),
    edit("mechanism_factor_undeclared_issue", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"settlement(rain) / 50\"\n", "dynamics.shocks[0].hazard_factor: "
         "column 12: undeclared issue 'rain'", "hazard_factor"),
    edit("mechanism_factor_unknown_parameter", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"1 + response\"\n", "column 5: 'response' is neither 'years' nor a "
         "parameter of dynamics.parameters", "hazard_factor"),
    edit("mechanism_factor_ruptured", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"2 - ruptured(downstream_mediator)\"\n",
         "column 5: 'ruptured(...)' is not available here", "hazard_factor"),
    edit("mechanism_factor_dated", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"count(drought) @ 2025-01-01\"\n",
         "'@ DATE' cannot be used inside the simulation", "hazard_factor"),
    edit("mechanism_factor_undeclared_actor", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"position(dam_filling.donor) / 50\"\n",
         "column 10: undeclared actor 'donor'", "hazard_factor"),
    edit("mechanism_factor_stance_not_dotted", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"salience(dam_filling) * 2\"\n",
         "column 10: expected an ISSUE.ACTOR id", "hazard_factor"),
    edit("mechanism_recurring_dated", "      duration: 4\n", "      duration: 4\n    - id: talks"
         "\n      name: Talks\n      date: 2025-01-01\n      recurring: true\n",
         "a shock with a fixed date happens once and cannot be recurring", "- id: talks"),
    edit("mechanism_recurring_word", "      duration: 4\n", "      duration: 4\n      recurring:"
         " often\n", "dynamics.shocks[0].recurring:", "recurring: often"),
    edit("mechanism_effect_factor_on_set", EFFECT, "        - target: stances.flow_share."
         "downstream.salience\n          set: 1.0\n          factor: \"2\"\n",
         "'factor' goes with 'shift' or 'scale'", "stances.flow_share.downstream.salience"),
    edit("mechanism_effect_factor_undeclared_shock",
         "          shift: {range: [-15, -5], estimate: \"upstream keeps more water in a drought\"}"
         "\n", "          shift: {range: [-15, -5], estimate: \"upstream keeps more water in a "
         "drought\"}\n          factor: \"1 + count(flood)\"\n",
         "dynamics.shocks[0].effects[1].factor: column 11: undeclared shock 'flood'",
         "factor: \"1 + count(flood)\""),
    edit("mechanism_parameter_reserved", "  step: quarter\n", "  step: quarter\n  parameters:\n"
         "    count: 2\n", "dynamics.parameters.count: parameter name 'count' is a word of the "
         "expression language", "count: 2"),
    edit("mechanism_parameter_not_number", "  step: quarter\n", "  step: quarter\n  parameters:"
         "\n    response: high\n", "dynamics.parameters.response:", "response: high"),
    edit("mechanism_years_called", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"1 + years(drought)\"\n", "dynamics.shocks[0].hazard_factor: column "
         "5: 'years' is a number (the years since as_of), not a function", "hazard_factor"),
    edit("mechanism_number_beyond_limit", "      duration: 4\n", "      duration: 4\n      "
         "hazard_factor: \"1e999 * count(drought)\"\n", "dynamics.shocks[0].hazard_factor: "
         "column 1: the number 1e999 is larger than 1e+15", "hazard_factor"),
    edit("mechanism_effect_factor_many_digits", "          shift: -0.2\n", "          shift: -0.2"
         "\n          factor: \"" + "9" * 25 + "\"\n", "dynamics.shocks[0].effects[2].factor: "
         "column 1: the number 9999999999", "factor:"),
    edit("mechanism_when_number_beyond_limit", "    start: 2025-01-01\n", "    start: 2025-01-01"
         "\n    when: \"count(drought) < 2e15\"\n", "levers[1].when: column 18: the number 2e15 "
         "is larger than 1e+15", "when:"),
    # --- levers
    edit("lever_undeclared_actor", "    actors: [mediator]\n    effects:\n      - target: stances",
         "    actors: [mediatr]\n    effects:\n      - target: stances",
         "levers[0].actors[0]: undeclared actor 'mediatr'", "[mediatr]"),
    edit("lever_start_impossible", "start: 2025-01-01", "start: 2025-02-30",
         "levers[1].start: 2025-02-30 is not a date", "start:"),
    edit("lever_effect_undeclared_issue", "      - target: stances.flow_share.upstream.position\n"
         "        shift: {range: [5, 15]", "      - target: stances.flow_shares.upstream.position"
         "\n        shift: {range: [5, 15]", "levers[0].effects[0].target: undeclared issue "
         "'flow_shares'", "flow_shares"),
    edit("lever_quote_without_source", "    name: A donor fund for drought relief\n",
         "    name: A donor fund for drought relief\n    quote: \"words\"\n",
         "a quote needs the 'source'", "- id: donor_fund"),
    edit("lever_undeclared_source", "    name: A donor fund for drought relief\n",
         "    name: A donor fund for drought relief\n    source: memo\n",
         "levers[0].source: cites undeclared source 'memo'", "source: memo"),
    edit("lever_duplicate_id", "  - id: mediation_summit", "  - id: donor_fund  # again",
         "levers[1].id: duplicate id 'donor_fund'", "# again"),
    edit("lever_actors_text", "    actors: [mediator]\n    start",
         "    actors: mediator\n    start",
         "levers[1].actors: a list is expected, got 'mediator'", "actors: mediator"),
    edit("lever_scale_word", "scale: 1.5", "scale: double",
         "levers[1].effects[0].scale: a number is expected, got 'double'", "double"),
    edit("lever_when_number", "    start: 2025-01-01\n", "    start: 2025-01-01\n    when: "
         "\"count(drought)\"\n", "levers[1].when: must give a condition", "when:"),
    edit("lever_when_yaml_true", "    start: 2025-01-01\n", "    start: 2025-01-01\n    when: "
         "true\n", "levers[1].when: must give a condition (e.g. 'cohesion(ID) < 0.4'), but gives "
         "a number ('true' alone is read as the name of a number)", "when: true"),
    edit("mechanism_parameter_duplicate", "  step: quarter\n", "  step: quarter\n  parameters:\n"
         "    response: 1\n    response: 2\n", "dynamics.parameters.response: duplicate key "
         "'response'", "response: 2"),
    edit("lever_when_undeclared_alliance", "    start: 2025-01-01\n", "    start: 2025-01-01\n"
         "    when: \"cohesion(rivals) < 0.2\"\n", "levers[1].when: column 10: undeclared "
         "alliance 'rivals'", "when:"),
    edit("lever_effect_factor", "scale: 1.5", "scale: 1.5\n        factor: \"2\"",
         "levers[1].effects[0].factor: a lever's effect takes no 'factor'", "factor:"),
    # --- hypotheses
    edit("prior_high", "    prior: 0.5\n  - id: stalling", "    prior: 1.5\n  - id: stalling",
         "hypotheses[0].prior: must be between 0 and 1, got 1.5", "prior: 1.5"),
    edit("prior_partial", "    name: Upstream stalls until the dam is full\n    prior: 0.5\n",
         "    name: Upstream stalls until the dam is full\n",
         "hypotheses[1].prior: give a prior to every hypothesis or to none", "- id: stalling"),
    edits("priors_zero", [("prior: 0.5", "prior: 0"), ("prior: 0.5", "prior: 0")],
          "the priors sum to zero", "hypotheses:"),
    edit("hypothesis_duplicate_id", "  - id: stalling", "  - id: bargaining  # again",
         "hypotheses[1].id: duplicate id 'bargaining'", "# again"),
    edit("hypothesis_name_missing", "    name: Both states bargain in earnest\n", "",
         "hypotheses[0].name: is required", "- id: bargaining"),
    # --- evidence
    edit("rating_unknown", "ratings: {bargaining: C, stalling: N}",
         "ratings: {bargaining: X, stalling: N}", "evidence[0].ratings.bargaining: Input should"
         " be 'CC', 'C', 'N', 'I' or 'II'", "bargaining: X"),
    edit("rating_undeclared_hypothesis", "ratings: {bargaining: C, stalling: N}",
         "ratings: {bargainng: C, stalling: N}", "rates undeclared hypothesis 'bargainng'",
         "bargainng"),
    edit("rating_null_key", "ratings: {bargaining: C, stalling: N}", "ratings: {~: C}",
         "evidence[0].ratings.~: a key must be text", "ratings: {~: C}"),
    edit("ratings_text", "ratings: {bargaining: C, stalling: N}", "ratings: C",
         "evidence[0].ratings: a mapping of names to values is expected, got 'C'",
         "ratings: C"),
    edit("credibility_word", "credibility: medium", "credibility: certain",
         "expected low, medium, high, a number in [0, 1] or a [low, high] range, got 'certain'",
         "credibility: certain"),
    edit("credibility_high", "credibility: medium", "credibility: 1.5",
         "a numeric credibility must be in [0, 1], got 1.5", "credibility: 1.5"),
    edit("relevance_high", "relevance: 0.7", "relevance: 1.7",
         "evidence[0].relevance: Input should be less than or equal to 1, got 1.7",
         "relevance"),
    edit("relevance_word", "relevance: 0.7", "relevance: lots",
         "evidence[0].relevance: a number is expected, got 'lots'", "relevance"),
    edit("relevance_nan", "relevance: 0.7", "relevance: .nan", "must be a finite number, got nan",
         "relevance"),
    edit("evidence_undeclared_source", "    source: notes\n    quote: \"the technical",
         "    source: memo\n    quote: \"the technical",
         "evidence[0].source: cites undeclared source 'memo'", "source: memo"),
    edit("evidence_quote_without_source", "    source: notes\n    quote: \"the technical",
         "    quote: \"the technical", "evidence[0].quote: a quote needs the 'source'",
         "the technical committee"),
    edit("evidence_date_impossible", "date: 2023-11-15", "date: 2023-11-31",
         "evidence[0].date: 2023-11-31 is not a date", "2023-11-31"),
    edit("evidence_duplicate_id", "  - id: filling_accelerated", "  - id: talks_continue  # x",
         "evidence[1].id: duplicate id 'talks_continue'", "# x"),
    edit("evidence_text_missing", "    text: Technical talks have met every month.\n", "",
         "evidence[0].text: is required", "- id: talks_continue"),
    # --- questions and their indicators
    edit("indicator_double_at", INDICATOR, 'indicator: "fired(drought) @@ 2025-12-31"',
         "questions[0].indicator: column 17: expected a date written YYYY-MM-DD after '@'",
         "@@"),
    edit("indicator_unknown_function", INDICATOR, 'indicator: "flood(drought)"',
         "column 1: unknown function 'flood'", "flood("),
    edit("indicator_number_beyond_limit", INDICATOR, 'indicator: "count(drought) @ 2025-12-31 '
         '> 1e400"', "questions[0].indicator: column 31: the number 1e400 is larger than 1e+15",
         "1e400"),
    edit("indicator_undeclared_shock", INDICATOR, 'indicator: "fired(flood)"',
         "column 7: undeclared shock 'flood'", "fired(flood)"),
    edit("indicator_impossible_date", INDICATOR, 'indicator: "fired(drought) @ 2025-02-30"',
         "'2025-02-30' is not a calendar date", "2025-02-30"),
    edit("indicator_before_as_of", INDICATOR, 'indicator: "fired(drought) @ 2020-12-31"',
         "questions[0].indicator: column 1: date 2020-12-31 is before the scenario's as_of date"
         " 2024-01-01", "2020-12-31"),
    edit("indicator_position", INDICATOR, 'indicator: "position(flow_share.upstream) > 50"',
         "column 1: 'position(...)' is not available here", "position("),
    edit("indicator_years", INDICATOR, 'indicator: "years > 1"',
         "column 1: 'years' is read only inside the simulation", "years >"),
    edit("indicator_count_undeclared", INDICATOR, 'indicator: "count(flood) >= 2"',
         "column 7: undeclared shock 'flood'", "count(flood)"),
    edit("indicator_number", INDICATOR, 'indicator: "cohesion(downstream_mediator)"',
         "gives a number, but a question needs a yes/no condition", "cohesion(downstream"),
    edit("indicator_long", INDICATOR, 'indicator: "fired(drought) and ' + "1" * 2000 + '"',
         "is 2,019 characters long; an indicator may have at most 1,000", "fired(drought) and"),
    edit("indicator_huge", INDICATOR, 'indicator: "fired(drought) and ' + "x" * 200_000 + '"',
         "an indicator may have at most 1,000", "fired(drought) and"),
    edit("indicator_deep_parentheses", INDICATOR,
         'indicator: "' + "(" * 40 + "fired(drought)" + ")" * 40 + '"',
         "column 33: nested more than 32 levels deep", "((((("),
    edit("indicator_many_nots", INDICATOR, 'indicator: "' + "not " * 40 + 'fired(drought)"',
         "nested more than 32 levels deep", "not not"),
    edit("indicator_long_chain", INDICATOR,
         'indicator: "settlement(flow_share) > ' + "+".join(["1"] * 70) + '"',
         "has more than 64 operations one inside another", "settlement(flow_share) > 1+1"),
    edit("indicator_chained_comparison", INDICATOR,
         'indicator: "0.2 < cohesion(downstream_mediator) < 0.5"',
         "comparisons cannot be chained", "0.2 < cohesion"),
    edit("indicator_not_number", INDICATOR, 'indicator: "not settlement(flow_share)"',
         "'not' needs conditions, got a number", "not settlement"),
    edit("indicator_ampersand", INDICATOR, 'indicator: "fired(drought) & fired(drought)"',
         "column 16: unexpected character '&'", "&"),
    edit("indicator_multiline", INDICATOR, "indicator: |\n      fired(drought)\n      &&",
         "unexpected character '&'", "indicator: |"),
    edit("indicator_list", INDICATOR, "indicator: [fired, drought]",
         "questions[0].indicator: text is expected, got a list", "indicator: [fired"),
    edit("indicator_empty", INDICATOR, 'indicator: ""', "expected an expression",
         'indicator: ""'),
    edit("indicator_markup", INDICATOR, 'indicator: "[bold]fired(drought)[/]"',
         "column 1: unexpected character '['", "[bold]"),
    edit("question_threshold_high", "threshold: 0.6", "threshold: 1.5",
         "questions[1].threshold: Input should be less than or equal to 1, got 1.5",
         "threshold"),
    edit("question_outcome_word", "    threshold: 0.6\n",
         "    threshold: 0.6\n    outcome: maybe\n",
         "questions[1].outcome: Input should be 'yes' or 'no', got 'maybe'", "outcome: maybe"),
    edit("question_resolution_impossible", "resolution_date: 2025-12-31",
         "resolution_date: 2025-12-32", "2025-12-32 is not a date", "resolution_date: 2025-12-32"),
    edit("question_indicator_missing", "    " + INDICATOR + "\n", "",
         "questions[0].indicator: is required", "- id: drought_by_2025"),
    edit("question_duplicate_id", "  - id: downstream_majority_2026",
         "  - id: drought_by_2025  # again", "questions[1].id: duplicate id 'drought_by_2025'",
         "# again"),
    # --- the analysis section
    edit("objective_shape", "objective: settlement:flow_share", "objective: flow_share",
         "analysis.objective: outcome 'flow_share' should look like 'kind:id'", "objective"),
    edit("objective_undeclared", "objective: settlement:flow_share", "objective: settlement:flow",
         "analysis.objective: 'flow' is not a declared issue", "objective"),
    edit("objective_impossible_date", "objective: settlement:flow_share",
         "objective: settlement:flow_share@2024-02-30",
         "analysis.objective: outcome 'settlement:flow_share@2024-02-30': '2024-02-30' is not a "
         "date", "objective"),
    edit("objective_before_as_of", "objective: settlement:flow_share",
         "objective: settlement:flow_share@2020-01-01",
         "analysis.objective: date 2020-01-01 is before the scenario's as_of date", "objective"),
    edit("outcome_before_as_of", "cohesion:downstream_mediator]",
         "cohesion:downstream_mediator@2023-06-30]",
         "analysis.outcomes[1]: date 2023-06-30 is before", "outcomes"),
    edit("discovery_not_yes_no", "  direction: maximise\n",
         "  direction: maximise\n  discovery: settlement:flow_share\n",
         "analysis.discovery: must be a yes/no outcome", "discovery"),
    edit("sensitivity_undeclared", "  direction: maximise\n",
         "  direction: maximise\n  sensitivity: fired:flood\n",
         "analysis.sensitivity: 'flood' is not a declared game changer", "sensitivity"),
    edit("direction_unknown", "direction: maximise", "direction: up",
         "analysis.direction: Input should be 'minimise' or 'maximise', got 'up'", "direction"),
    edit("draws_few", "draws: 500", "draws: 5",
         "analysis.draws: Input should be greater than or equal to 10, got 5", "draws"),
    edit("draws_huge", "draws: 500", "draws: 100000000000",
         "analysis.draws: at most 1,000,000 draws can be simulated, got 100,000,000,000",
         "draws"),
    edit("draws_one_beyond", "draws: 500", "draws: 1_000_001",
         "analysis.draws: at most 1,000,000 draws can be simulated, got 1,000,001", "draws"),
    edit("draws_negative", "draws: 500", "draws: -500",
         "analysis.draws: Input should be greater than or equal to 10, got -500", "draws"),
    edit("draws_fraction", "draws: 500", "draws: 500.5",
         "analysis.draws: a whole number is expected, got 500.5", "draws"),
    edit("draws_word", "draws: 500", "draws: many", "a whole number is expected, got 'many'",
         "draws"),
]

YAML_CASES = [
    edit("yaml_unclosed_bracket", "members: [downstream, mediator]",
         "members: [downstream, mediator",
         "malformed YAML", "shared_stakes"),
    edit("yaml_tab_indent", "    name: Upstream State", "\tname: Upstream State",
         "malformed YAML", "Upstream State"),
    edit("yaml_bad_indent", "    name: Upstream State", "      name: Upstream State",
         "malformed YAML", "Upstream State"),
    edit("yaml_unclosed_quote", 'quote: "the army is larger but the economy weaker"}',
         'quote: "the army is larger but the economy weaker}', "malformed YAML",
         "capability: {range: [15, 30]"),
    edit("yaml_second_document", "analysis:\n", "---\nanalysis:\n",
         "a second YAML document starts here", "---"),
    whole("yaml_deep_flow", "scenario: " + "[" * 100_000 + "]" * 100_000 + "\n",
          "scenario[0][0][0]", 1),
    whole("yaml_deep_flow_message", "scenario: " + "[" * 100_000 + "]" * 100_000 + "\n",
          "nested more than 64 levels deep", 1),
    whole("yaml_deep_maps", "scenario: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
          "nested more than 64 levels deep", 1),
    whole("yaml_deep_block", "scenario:\n" + "".join("  " * depth + "- \n"
                                                     for depth in range(1, 300)),
          "nested more than 64 levels deep", 65),
    whole("yaml_alias_bomb", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
          + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9)
                    + "]\n" for i in range(12)),
          "aliases repeat more than 100,000 values in all", 6),
    whole("yaml_alias_cycle", "scenario: &a [*a]\n", "refers to a collection it is inside", 1),
    whole("yaml_alias_cycle_mapping", "scenario: &a {x: *a}\n", "(a cycle)", 1),
    edit("yaml_undefined_alias", CAP, "capability: *nothing", "alias *nothing refers to no anchor",
         "*nothing"),
    edit("yaml_alias_deep", "scenario:\n", "deep: &d " + "[" * 40 + "]" * 40 + "\ndeeper: "
         + "[" * 30 + "*d" + "]" * 30 + "\nscenario:\n",
         "nested more than 64 levels deep once aliases are expanded", "deeper:"),
    edit("yaml_merge_scalar", "  - id: upstream\n", "  - <<: 5\n    id: upstream\n",
         "a merge key (<<) takes a mapping or a list of mappings", "<<: 5"),
    edit("yaml_merge_list_of_scalars", "  - id: upstream\n", "  - <<: [1, 2]\n    id: upstream\n",
         "a merge key (<<) takes a mapping or a list of mappings", "<<: [1, 2]"),
    edit("yaml_merged_duplicate", "  - id: upstream\n", "  - id: upstream\n    id: again\n",
         "actors[0].id: duplicate key 'id'", "id: again"),
    whole("yaml_python_object", "scenario: !!python/object/apply:os.system ['echo hacked']\n",
          "tag !!python/object/apply:os.system is not allowed", 1),
    whole("yaml_python_name", "scenario: !!python/name:os.system ''\n",
          "tag !!python/name:os.system is not allowed", 1),
    whole("yaml_python_module_mapping", "scenario: !!python/object:__main__.X {a: 1}\n",
          "tag !!python/object:__main__.X is not allowed", 1),
    edit("yaml_local_tag_mapping", "scenario:\n  id", "scenario: !meta\n  id",
         "scenario: tag !meta is not allowed", 2),
    edit("yaml_verbatim_tag", "title: Sharing", "title: !<tag:example.com:x> Sharing",
         "tag tag:example.com:x is not allowed", "title:"),
    edits("yaml_tag_directive", [
        ("# A three-actor", "%TAG !e! tag:example.com,2000:\n---\n# A three-actor"),
        ("title: Sharing", "title: !e!x Sharing")],
        "tag tag:example.com,2000:x is not allowed", "!e!x"),
    edit("yaml_control_character", "name: Upstream State", "name: Up\x07stream",
         "column 13: character U+0007 (a control character) is not allowed", "Up\x07stream"),
    edit("yaml_nul_byte", "name: Upstream State", "name: Up\x00stream",
         "character U+0000", "Up\x00stream"),
    edit("yaml_escape_character", "name: Upstream State", 'name: "Up\\x1b[31mstream"',
         "actors[0].name: text holds character U+001B", "Up\\x1b"),
    edit("yaml_escaped_nul", "name: Upstream State", 'name: "Up\\0stream"',
         "text holds character U+0000", "Up\\0stream"),
    edit("yaml_lone_surrogate", "name: Upstream State", 'name: "Up\\ud800stream"',
         "malformed YAML: found invalid Unicode character escape code", "ud800"),
    edit("yaml_newline_in_key", "  as_of: 2024-01-01\n", '  as_of: 2024-01-01\n  "a\\nb": 1\n',
         "scenario.a\\nb: is not a known field", '"a\\nb"'),
    raw("yaml_latin1", open(BASE, encoding="utf-8").read().replace(
        "name: Upstream State", "name: Soci\u00e9t\u00e9 du fleuve").encode("latin-1"),
        "column 15: byte 0xe9 is not UTF-8 text", "name: Soci"),
    raw("yaml_utf16", open(BASE, encoding="utf-8").read().encode("utf-16"),
        "is UTF-16 text; save it as UTF-8", 1),
    raw("yaml_too_large", b"# " + b"x" * 10_000_000 + b"\n", "is larger than the 10 MB", None),
    whole("yaml_flow_key_list", "{[a]: 1, scenario: 2}\n", "a key must be text, not a list", 1),
    edit("yaml_key_alias_to_list", "scenario:\n", "x: &k [a]\n*k : 1\nscenario:\n",
         "a key must be text; *k is not", "*k : 1"),
]

CASES = SCENARIO_CASES + YAML_CASES
