"""A guarded YAML reader: a hostile file gets one located line, never a traceback or a hang.

The reader walks PyYAML's event stream (libyaml's when it is installed) with
an explicit stack instead of PyYAML's recursive composer, and builds the data
and the line of every field in one pass.  On the way it enforces the limits
documented in docs/scenario-format.md:

* the file holds at most :data:`MAX_BYTES` bytes of UTF-8 text, with no
  control characters (tab and line breaks apart);
* collections nest at most :data:`MAX_DEPTH` levels deep, aliases included;
* aliases (``*name``) repeat at most :data:`MAX_ALIAS_NODES` values in all
  (an "alias bomb" is refused as soon as it crosses the limit), and never
  refer to the collection they sit in;
* explicit tags are limited to the standard ones (:data:`ALLOWED_TAGS`):
  ``!!python/object`` and friends are refused by name, never constructed;
* keys are text (``12:``, ``~:`` or ``? [a, b]`` are refused);
* dates are calendar dates (``2024-02-30`` is refused) and numbers in every
  YAML form are read, including ``4e1``, which YAML 1.1 would leave as text;
  text that YAML reads as a number stays available as written, for fields
  that expect text (``name: 1984``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.reader import Reader

from realpolitik.scenario.errors import ScenarioError, shorten

__all__ = [
    "ALLOWED_TAGS",
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "LineMap",
    "check_characters",
    "compose_yaml",
    "decode_text",
    "read_text_file",
]

MAX_BYTES = 10_000_000
"""Largest file read (10 MB, over a hundred times the flagship scenario)."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings (the scenario format needs about 8)."""

MAX_ALIAS_NODES = 100_000
"""Most values that aliases may repeat in all, counting every value inside a repeated one."""

ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)
"""Explicit tags a file may use; any other (``!!python/...``, ``!custom``) is refused."""

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_NUMBER_WORDS = {"tag:yaml.org,2002:int": "a whole number", "tag:yaml.org,2002:float": "a number",
                 "tag:yaml.org,2002:bool": "yes/no", "tag:yaml.org,2002:timestamp": "a date"}
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters refused inside text, even when written as escapes: controls and lone surrogates."""


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's implicit types, plus floats written without a dot (``4e1``, ``1E-3``)."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_IMPLICIT = _Resolver.yaml_implicit_resolvers
_CONSTRUCTOR = SafeConstructor()


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


def read_text_file(path: str | Path) -> str:
    """Read a file as UTF-8 text within :data:`MAX_BYTES`, or raise a located ScenarioError."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise ScenarioError(f"cannot read the file: {error.strerror or error}", path=path) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(f"is larger than the {MAX_BYTES // 1_000_000} MB a scenario file "
                            "may hold", path=path)
    return decode_text(raw, path)


def decode_text(raw: bytes, path: str | Path) -> str:
    """Decode UTF-8 (a byte-order mark is dropped), naming the line and column of a bad byte."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError("is UTF-16 text; save it as UTF-8", path=path, line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        line_start = raw.rfind(b"\n", 0, start) + 1
        column = len(raw[line_start:start].decode("utf-8", errors="replace")) + 1
        raise ScenarioError(
            f"column {column}: byte 0x{raw[start]:02x} is not UTF-8 text; save the file as UTF-8",
            path=path, line=raw.count(b"\n", 0, start) + 1,
        ) from None


def check_characters(text: str, path: str | Path) -> None:
    """Refuse text beyond :data:`MAX_BYTES` or holding control characters (with line and column)."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"is larger than the {MAX_BYTES // 1_000_000} MB a scenario may hold",
                            path=path)
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is None:
        return
    start = bad.start()
    column = start - text.rfind("\n", 0, start)
    raise ScenarioError(f"column {column}: character U+{ord(bad.group()):04X} (a control "
                        "character) is not allowed in a scenario file", path=path,
                        line=text.count("\n", 0, start) + 1)


# ---------------------------------------------------------------------------
# Lines of fields
# ---------------------------------------------------------------------------

Place = tuple[int, Any, str | None]
"""Where a value sits: its 1-based line (its key's, in a mapping), the places of its
items (a dict or a list, None for a scalar) and, for a plain scalar that YAML read
as a number, a date or yes/no, the text as written (an empty value or ``null``
stays missing: it is not text)."""


class LineMap:
    """The line of every field path in a YAML file, looked up on demand.

    ``path in lines`` and ``lines[path]`` work as with a dict from field
    paths (``("stances", "idlib", "russia")``) to 1-based lines.
    """

    def __init__(self, root: Place) -> None:
        self.root = root

    def _place(self, path: tuple[str | int, ...]) -> Place | None:
        place = self.root
        for part in path:
            items = place[1]
            found: Place | None = None
            if isinstance(items, dict) and isinstance(part, str):
                found = items.get(part)
            elif isinstance(items, list) and isinstance(part, int) and 0 <= part < len(items):
                found = items[part]
            if found is None:
                return None
            place = found
        return place

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self._place(path) is not None

    def __getitem__(self, path: tuple[str | int, ...]) -> int:
        place = self._place(path)
        if place is None:
            raise KeyError(path)
        return place[0]

    def get(self, path: tuple[str | int, ...], default: int | None = None) -> int | None:
        """The line of ``path``, or ``default`` when the file does not hold it."""
        place = self._place(path)
        return default if place is None else place[0]

    def written(self, path: tuple[str | int, ...]) -> str | None:
        """The text of a plain scalar that YAML read as a number, a date or yes/no."""
        place = self._place(path)
        return None if place is None else place[2]


# ---------------------------------------------------------------------------
# Composition
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """A list or mapping being built."""

    value: Any
    items: Any
    line: int
    anchor: str | None
    size: int = 1
    height: int = 1
    key: Any = None
    key_line: int = 0
    merges: list[tuple[Any, Place]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Anchored:
    """A finished value carrying an anchor: what an alias to it repeats."""

    value: Any
    place: Place
    size: int
    height: int


_NO_KEY = object()
"""The key of a mapping that waits for its next key (a list's key is None)."""
_MERGE_KEY = object()
"""The ``<<`` merge key of YAML 1.1."""
_CACHED_LENGTH = 40
"""Plain scalars up to this length are resolved once per file (ids and numbers repeat)."""


def _tag_name(tag: str) -> str:
    return shorten(tag.replace("tag:yaml.org,2002:", "!!"), 60)


class _Composer:
    """Build data and places from YAML events with an explicit stack (no recursion)."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchored] = {}
        self.open_anchors: set[str] = set()
        self.repeated = 0
        self.documents = 0
        self.root: tuple[Any, Place] | None = None
        self.plain: dict[str, tuple[Any, str | None]] = {}
        self.handlers: dict[type, Callable[[Any], None]] = {
            yaml.AliasEvent: self.alias,
            yaml.SequenceStartEvent: self.start, yaml.MappingStartEvent: self.start,
            yaml.SequenceEndEvent: self.end, yaml.MappingEndEvent: self.end,
            yaml.DocumentStartEvent: self.document,
        }

    def fail(self, message: str, event: Any) -> ScenarioError:
        """An error at ``event``'s line, naming the field being read."""
        return ScenarioError(message, path=self.path, line=event.start_mark.line + 1,
                             field=self.field(event))

    def field(self, event: Any) -> str | None:
        """The dotted path of the node ``event`` starts (a key's own name when it is a key)."""
        text = ""
        for frame in self.stack:
            if frame.key is None:
                text += f"[{len(frame.value)}]"
                continue
            if frame.key is _NO_KEY:
                if not isinstance(event, yaml.ScalarEvent):
                    break
                name = event.value
            else:
                name = "<<" if frame.key is _MERGE_KEY else frame.key
            text += ("." if text else "") + name
        return text or None

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise self.fail("a second YAML document starts here; a scenario is one document",
                            event)

    # -- nodes
    def at_key(self) -> bool:
        """True when the next node is a mapping's key."""
        return bool(self.stack) and self.stack[-1].key is _NO_KEY

    def scalar(self, event: Any) -> None:
        """Place a scalar: the hot path of the reader, kept free of calls where it can be."""
        text = event.value
        if event.tag is None and event.implicit[0]:
            known = self.plain.get(text)
            if known is None:
                known = self.read_plain(event)
                if len(text) <= _CACHED_LENGTH:
                    self.plain[text] = known
            value, written = known
        else:
            value, written = self.read_tagged(event), None
        if not self.stack or event.anchor is not None:
            self.scalar_slowly(value, written, event)
            return
        frame = self.stack[-1]
        key = frame.key
        if key is _NO_KEY:
            if type(value) is str and value not in frame.value:
                frame.key, frame.key_line = value, event.start_mark.line + 1
            else:
                self.take_key(value, event)
        elif key is _MERGE_KEY or value is _MERGE_KEY:
            self.scalar_slowly(value, written, event)
        elif key is None:
            frame.value.append(value)
            frame.items.append((event.start_mark.line + 1, None, written))
            frame.size += 1
        else:
            frame.value[key] = value
            frame.items[key] = (frame.key_line, None, written)
            frame.key = _NO_KEY
            frame.size += 1

    def scalar_slowly(self, value: Any, written: str | None, event: Any) -> None:
        """Place a scalar that is the root, carries an anchor, or takes part in a merge."""
        if self.at_key():
            self.take_key(value, event)
        else:
            if value is _MERGE_KEY:
                value = event.value
            place = (event.start_mark.line + 1, None, written)
            self.attach(value, place, 1, 0, event)
        if event.anchor is not None:
            place = (event.start_mark.line + 1, None, written)
            repeated = event.value if value is _MERGE_KEY else value
            self.anchors[event.anchor] = _Anchored(repeated, place, 1, 0)
            self.open_anchors.discard(event.anchor)  # the name now means this value

    def alias(self, event: Any) -> None:
        name = event.anchor
        if name in self.open_anchors:
            raise self.fail(f"alias *{shorten(name, 40)} refers to a collection it is inside "
                            "(a cycle)", event)
        target = self.anchors.get(name)
        if target is None:
            raise self.fail(f"alias *{shorten(name, 40)} refers to no anchor &{shorten(name, 40)} "
                            "defined above it", event)
        self.repeated += target.size
        if self.repeated > MAX_ALIAS_NODES:
            raise self.fail(f"aliases repeat more than {MAX_ALIAS_NODES:,} values in all "
                            "(an alias bomb?); write the values out", event)
        if len(self.stack) + target.height > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep once aliases are "
                            "expanded", event)
        if self.at_key():
            if not isinstance(target.value, str):
                raise self.fail(f"a key must be text; *{shorten(name, 40)} is not", event)
            self.take_key(target.value, event)
            return
        line = event.start_mark.line + 1
        self.attach(target.value, (line, target.place[1], target.place[2]), target.size,
                    target.height, event)

    def start(self, event: Any) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        kind = "mapping" if is_map else "list"
        if self.at_key():
            raise self.fail(f"a key must be text, not a {kind}", event)
        tag = event.tag
        expected = "tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq"
        if tag not in (None, "!", expected):
            if tag in ALLOWED_TAGS:
                raise self.fail(f"tag {_tag_name(tag)} cannot be given to a {kind}", event)
            raise self.fail(f"tag {_tag_name(tag)} is not allowed", event)
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", event)
        line = event.start_mark.line + 1
        frame = _Frame({} if is_map else [], {} if is_map else [], line, event.anchor)
        if is_map:
            frame.key = _NO_KEY
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        self.stack.append(frame)

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.merges:
            self.merge(frame)
        place = (frame.line, frame.items, None)
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = _Anchored(frame.value, place, frame.size, frame.height)
        self.attach(frame.value, place, frame.size, frame.height, event)

    # -- building
    def take_key(self, key: Any, event: Any) -> None:
        frame = self.stack[-1]
        if key is _MERGE_KEY:
            frame.key, frame.key_line = _MERGE_KEY, event.start_mark.line + 1
            return
        if not isinstance(key, str):
            raise self.fail(f"a key must be text, got {_describe(key, event.value)} (quote it "
                            "if it is meant as text)", event)
        if key in frame.value:
            raise self.fail(f"duplicate key '{shorten(key)}'", event)
        frame.key, frame.key_line = key, event.start_mark.line + 1

    def attach(self, value: Any, place: Place, size: int, height: int, event: Any) -> None:
        if not self.stack:
            self.root = (value, place)
            return
        frame = self.stack[-1]
        frame.size += size
        frame.height = max(frame.height, height + 1)
        if isinstance(frame.value, list):
            frame.value.append(value)
            frame.items.append(place)
        elif frame.key is _MERGE_KEY:
            frame.merges.append((value, place))
            frame.key = _NO_KEY
        else:
            frame.value[frame.key] = value
            frame.items[frame.key] = (frame.key_line, place[1], place[2])
            frame.key = _NO_KEY

    def merge(self, frame: _Frame) -> None:
        """Apply ``<<`` merge keys as YAML 1.1 does: explicit keys win, then earlier sources."""
        sources: list[tuple[dict, dict]] = []
        for value, place in frame.merges:
            if isinstance(value, dict):
                parts = [(value, place)]
            elif isinstance(value, list) and value:
                parts = list(zip(value, place[1], strict=True))
            else:
                parts = []
            if not parts or not all(isinstance(part, dict) for part, _ in parts):
                raise ScenarioError("a merge key (<<) takes a mapping or a list of mappings",
                                    path=self.path, line=place[0])
            sources += [(part, part_place[1]) for part, part_place in parts]
        merged: dict = {}
        items: dict = {}
        for value, value_items in reversed(sources):
            merged.update(value)
            items.update(value_items or {})
        merged.update(frame.value)
        items.update(frame.items)
        frame.value, frame.items = merged, items

    # -- scalars
    def read_plain(self, event: Any) -> tuple[Any, str | None]:
        """A plain scalar's value under YAML 1.1's implicit types, and its text if not text."""
        text = event.value
        tag = next((candidate for candidate, pattern in _IMPLICIT.get(text[:1], ())
                    if pattern.match(text)), _STR)
        if tag == _STR:
            return text, None
        if tag == _MERGE:
            return _MERGE_KEY, text
        if tag not in ALLOWED_TAGS:  # '=' and the like: YAML 1.1 names them, nothing reads them
            return text, text
        value = self.construct(tag, event)
        return value, None if value is None else text

    def read_tagged(self, event: Any) -> Any:
        """A quoted or block scalar, or one with an explicit tag."""
        tag, text = event.tag, event.value
        if tag is not None and tag != "!":
            if tag not in ALLOWED_TAGS:
                raise self.fail(f"tag {_tag_name(tag)} is not allowed", event)
            if tag in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
                raise self.fail(f"tag {_tag_name(tag)} cannot be given to a single value", event)
            if tag != _STR:
                return self.construct(tag, event)
        if event.style == '"':
            bad = _CONTROL.search(text)
            if bad is not None:
                raise self.fail(f"text holds character U+{ord(bad.group()):04X} (a control "
                                "character or half of a surrogate pair); remove it", event)
        return text

    def construct(self, tag: str, event: Any) -> Any:
        """The value of a number, date, yes/no or null scalar."""
        text = event.value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            word = text.lower()
            if word not in SafeConstructor.bool_values:
                raise self.fail(f"'{shorten(text)}' is not {_NUMBER_WORDS[tag]}", event)
            return SafeConstructor.bool_values[word]
        return self.construct_number_or_date(tag, event)

    def construct_number_or_date(self, tag: str, event: Any) -> Any:
        text = event.value
        if tag == "tag:yaml.org,2002:timestamp" and not _CONSTRUCTOR.timestamp_regexp.match(text):
            raise self.fail(f"'{shorten(text)}' is not a date (expected YYYY-MM-DD)", event)
        if len(text) > 100 and tag != "tag:yaml.org,2002:timestamp":
            raise self.fail(f"'{shorten(text)}' is too long to be a number (at most 100 "
                            "characters)", event)
        node = ScalarNode(tag, text)
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, OverflowError, TypeError, IndexError):
            pass
        if tag == "tag:yaml.org,2002:timestamp":
            raise self.fail(f"{shorten(text)} is not a date (no such day in the calendar)", event)
        raise self.fail(f"'{shorten(text)}' is not {_NUMBER_WORDS[tag]}", event)


def _describe(value: Any, text: str) -> str:
    """How a non-text key reads: ``the number 12``, ``an empty key (null)``."""
    if value is None:
        return "an empty key (null)"
    if isinstance(value, bool):
        return f"the yes/no value '{shorten(text)}'"
    if isinstance(value, dt.date):
        return f"the date {shorten(text)}"
    return f"the number {shorten(text)}"


def _events(text: str) -> Any:
    """An event parser: libyaml's when PyYAML was built with it, else PyYAML's own."""
    if yaml.__with_libyaml__:
        from yaml.cyaml import CParser  # type: ignore[attr-defined]  # stubs omit libyaml

        return CParser(text)
    return _PythonEvents(text)


class _PythonEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python reader, scanner and parser, without its recursive composer."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


def compose_yaml(text: str, path: str | Path) -> tuple[Any, LineMap | None]:
    """Read YAML text into plain data and the line of every field.

    Returns ``(None, None)`` when the text holds no document at all.

    Raises
    ------
    ScenarioError
        With the line of the first problem: malformed YAML, a limit crossed,
        a refused tag, a key that is not text, a duplicate key, an
        impossible date, a number that cannot be read, a control character.
    """
    check_characters(text, path)
    composer = _Composer(path)
    parser = _events(text)
    next_event, scalar, handlers = parser.get_event, composer.scalar, composer.handlers
    scalar_event, stream_end = yaml.ScalarEvent, yaml.StreamEndEvent
    try:
        while True:
            event = next_event()
            kind = type(event)
            if kind is scalar_event:
                scalar(event)
            elif kind is stream_end:
                break
            elif kind in handlers:
                handlers[kind](event)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = shorten(str(error.problem or error), 120)
        raise ScenarioError(f"malformed YAML: {problem}", path=path, line=line) from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"malformed YAML: {shorten(str(error), 120)}", path=path) from None
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    if composer.root is None:
        return None, None
    value, place = composer.root
    return value, LineMap(place)
