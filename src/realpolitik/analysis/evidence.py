r"""Check that every quotation in a scenario appears in the document it cites.

A scenario ties numbers, evidence items, levers and shocks to short
quotations from its sources.  :func:`check_quotes` looks each one up in the
text of the cited document, after normalising both sides the same way:

* Unicode compatibility forms (NFKC: ligatures, non-breaking spaces, the
  ellipsis character);
* HTML tags and ``<sup>n</sup>`` footnote markers, Markdown emphasis and
  escapes (``*laissez faire*``, ``middle\\_east``);
* quote marks: curly or straight, single or double, are all ignored;
* dashes and hyphens: a hyphen that breaks a word at the end of a line
  (``mili-`` / ``tary``) is removed; every other dash or hyphen, with any
  spaces around it, separates words, so ``Iran—not``, ``Iran - not`` and
  ``Iran-not`` agree (a compound split at a line end, ``well-`` / ``known``,
  is read as one word and will not match ``well-known``);
* stray footnote numbers after punctuation (``2015.1``, ``military. 12 Other``);
* whitespace, spaces before punctuation, and letter case.

An ellipsis (``...``) in a quotation marks an elision: each fragment must
appear, in order.  A quotation that is not found is reported with the
closest passage of the document (word-level :class:`difflib.SequenceMatcher`)
and the words that differ, so that an altered word is visible.  Quotations
citing a source for which no document was given are *unchecked*, which is
not a failure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from realpolitik.scenario.base import FieldPath
    from realpolitik.scenario.quantity import Quantity
    from realpolitik.scenario.schema import Scenario

__all__ = [
    "ALTERED_SIMILARITY",
    "DocumentError",
    "NumberEvidence",
    "QuoteCheck",
    "check_quotes",
    "clean_text",
    "iter_quotes",
    "load_documents",
    "match_key",
    "number_evidence",
    "parse_doc_option",
]

ALTERED_SIMILARITY = 0.6
"""A missing quotation whose closest passage is at least this similar is called altered."""

Status = Literal["found", "altered", "missing", "unchecked"]


class DocumentError(ValueError):
    """A ``--doc ID=PATH`` option that is malformed or names an unreadable file."""


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_QUOTE_MARKS = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"

_SUP = re.compile(r"<sup>[^<]{0,8}</sup>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{1,40}>")
_MD_ESCAPE = re.compile(r"\\([\\_*\[\]()#.!-])")
_EMPHASIS = re.compile(r"\*+")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_GLUED_FOOTNOTE = re.compile(r"(?<=[a-z.,;:!?\"'\u2019\u201d)])\d{1,2}(?=\s|$)")
_SPACED_FOOTNOTE = re.compile(r"(?<=[.,;:!?\"'\u2019\u201d)])\s+\d{1,2}(?=\s+[A-Z])")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,.;:!?)])")
_WHITESPACE = re.compile(r"\s+")
_DASH_RUN = re.compile(r"\s*-+\s*")


def clean_text(text: str) -> str:
    """Readable normal form: markup, hyphenation, footnotes and spacing fixed; case kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _SUP.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = text.translate({ord(d): "-" for d in _DASHES})
    text = _LINE_BREAK_HYPHEN.sub(r"\1\2", text)
    text = _GLUED_FOOTNOTE.sub("", text)
    text = _SPACED_FOOTNOTE.sub("", text)
    text = _WHITESPACE.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub("", text).strip()


def match_key(word: str) -> str:
    """Comparison form of one cleaned word: case folded, quote marks dropped."""
    return word.casefold().translate({ord(c): None for c in _QUOTE_MARKS})


def _display_words(cleaned: str) -> list[str]:
    """Cleaned text as words; a dash (with any spaces around it) separates words."""
    return [word for word in _DASH_RUN.sub(" ", cleaned).split(" ") if match_key(word)]


def _key_words(cleaned: str) -> list[str]:
    """Cleaned text as comparison words (see :func:`match_key`)."""
    return [match_key(word) for word in _display_words(cleaned)]


_EDGE_PUNCT = ".,;:!?"


def _fragments(quote: str) -> list[list[str]]:
    """Split a quotation at ellipses into fragments of comparison words."""
    parts = re.split(r"\.\.\.|\[\.\.\.\]", clean_text(quote))
    fragments = []
    for part in parts:
        words = _key_words(part.strip())
        if words:
            words[0] = words[0].lstrip(_EDGE_PUNCT)
            words[-1] = words[-1].rstrip(_EDGE_PUNCT)
            fragments.append([w for w in words if w])
    return [f for f in fragments if f]


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    """A document's cleaned words: for display and for comparison."""

    display: list[str]
    keys: list[str]
    joined: str = field(repr=False)

    @classmethod
    def from_text(cls, text: str) -> _Document:
        cleaned = clean_text(text)
        display = _display_words(cleaned)
        keys = [match_key(word) for word in display]
        return cls(display, keys, " " + " ".join(keys) + " ")

    def find(self, words: list[str], start: int = 0) -> int:
        """Character offset of ``words`` as whole words after ``start``, or -1."""
        needle = " " + " ".join(words)
        index = self.joined.find(needle, start)
        while index >= 0:
            end = index + len(needle)
            if self.joined[end] == " " or self.joined[end - 1] in _EDGE_PUNCT or (
                self.joined[end] in _EDGE_PUNCT
            ):
                return end
            index = self.joined.find(needle, index + 1)
        return -1

    def closest(self, words: list[str]) -> tuple[float, int]:
        """Best word-level similarity of any window the quote's length, and where it starts."""
        size = len(words)
        wanted = set(words)
        best, where = 0.0, 0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(words)
        for start in range(max(1, len(self.keys) - size + 1)):
            window = self.keys[start:start + size]
            if len(wanted.intersection(window)) < best * size * 0.5:
                continue
            matcher.set_seq1(window)
            if matcher.quick_ratio() <= best:
                continue
            ratio = matcher.ratio()
            if ratio > best:
                best, where = ratio, start
        return best, where


def parse_doc_option(option: str) -> tuple[str, Path]:
    """Split ``ID=PATH`` into the source id and the path."""
    source_id, sep, path = option.partition("=")
    if not sep or not source_id.strip() or not path.strip():
        raise DocumentError(f"--doc expects SOURCE_ID=PATH, got '{option}'")
    return source_id.strip(), Path(path.strip())


def load_documents(options: list[str]) -> dict[str, str]:
    """Read the text of each ``ID=PATH`` document.

    Raises
    ------
    DocumentError
        When an option is malformed, names a source twice, or a file
        cannot be read as UTF-8 text.
    """
    documents: dict[str, str] = {}
    for option in options:
        source_id, path = parse_doc_option(option)
        if source_id in documents:
            raise DocumentError(f"--doc names source '{source_id}' twice")
        try:
            documents[source_id] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise DocumentError(f"{path}: cannot be read as text: {error}") from None
    return documents


# ---------------------------------------------------------------------------
# Quotations in a scenario
# ---------------------------------------------------------------------------


def iter_quotes(model: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str, str]]:
    """Yield ``(field path of the quote, source id, quote)`` anywhere in a scenario object.

    Any object with a ``quote`` field and a sibling ``source`` field counts
    (numbers, evidence items, levers, shocks), so new sections are covered
    without change here.
    """
    from pydantic import BaseModel

    if isinstance(model, BaseModel):
        fields = type(model).model_fields
        quote, source = getattr(model, "quote", None), getattr(model, "source", None)
        if "quote" in fields and "source" in fields and isinstance(quote, str) and quote:
            yield (*path, "quote"), str(source), quote
        for name in fields:
            if name not in ("quote", "source"):
                yield from iter_quotes(getattr(model, name), (*path, name))
    elif isinstance(model, dict):
        for key, value in model.items():
            yield from iter_quotes(value, (*path, key))
    elif isinstance(model, list | tuple):
        for index, value in enumerate(model):
            yield from iter_quotes(value, (*path, index))


@dataclass(frozen=True)
class QuoteCheck:
    """The verdict on one quotation.

    ``status`` is ``found``, ``altered`` (not found, but a passage at least
    :data:`ALTERED_SIMILARITY` similar exists), ``missing`` or ``unchecked``
    (no document given for its source).  ``closest`` and ``differences``
    show the nearest passage and the words that differ.
    """

    path: FieldPath
    source: str
    quote: str
    status: Status
    closest: str | None = None
    similarity: float | None = None
    differences: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True for a quotation that was looked for and not found."""
        return self.status in ("altered", "missing")


def check_quotes(scenario: Scenario, documents: dict[str, str]) -> list[QuoteCheck]:
    """Look up every quotation of ``scenario`` in the text of the document it cites.

    Parameters
    ----------
    scenario
        A validated scenario.
    documents
        Text of each available document, by source id.

    Returns
    -------
    list of QuoteCheck
        One verdict per quotation, in the order they appear in the scenario.
    """
    parsed = {source: _Document.from_text(text) for source, text in documents.items()}
    return [
        _check_one(path, source, quote, parsed.get(source))
        for path, source, quote in iter_quotes(scenario)
    ]


def _check_one(path: FieldPath, source: str, quote: str, document: _Document | None
               ) -> QuoteCheck:
    if document is None:
        return QuoteCheck(path, source, quote, "unchecked")
    fragments = _fragments(quote)
    offset = 0
    for fragment in fragments:
        offset = document.find(fragment, offset)
        if offset < 0:
            return _explain_missing(path, source, quote, fragment, document)
    return QuoteCheck(path, source, quote, "found", similarity=1.0)


def _explain_missing(path: FieldPath, source: str, quote: str, fragment: list[str],
                     document: _Document) -> QuoteCheck:
    similarity, start = document.closest(fragment)
    window = slice(start, start + len(fragment))
    passage = document.keys[window]
    status: Status = "altered" if similarity >= ALTERED_SIMILARITY else "missing"
    return QuoteCheck(path, source, quote, status,
                      closest=" ".join(document.display[window]),
                      similarity=similarity,
                      differences=_word_differences(fragment, passage))


def _word_differences(quoted: list[str], passage: list[str]) -> list[str]:
    """Describe how the quotation's words differ from the passage's: ``'weak' -> 'strong'``."""
    matcher = difflib.SequenceMatcher(a=passage, b=quoted, autojunk=False)
    out = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        source_words, quote_words = " ".join(passage[a0:a1]), " ".join(quoted[b0:b1])
        if tag == "replace":
            out.append(f"source has '{source_words}', quote has '{quote_words}'")
        elif tag == "delete":
            out.append(f"quote leaves out '{source_words}'")
        elif tag == "insert":
            out.append(f"quote adds '{quote_words}'")
    return out


# ---------------------------------------------------------------------------
# Every number and its evidence
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberEvidence:
    """One number of a scenario with what supports it."""

    path: FieldPath
    quantity: Quantity

    @property
    def shown_value(self) -> str:
        """``70``, ``[60, 80]`` or ``[60, 90] mode 70``."""
        q = self.quantity
        if q.range is None:
            return f"{q.point:g}"
        text = f"[{q.low:g}, {q.high:g}]"
        return f"{text} mode {q.mode:g}" if q.mode is not None else text

    @property
    def kind(self) -> Literal["quote", "estimate", "none"]:
        """What backs the number: a quotation, an analyst's stated reason, or nothing."""
        if self.quantity.quote:
            return "quote"
        return "estimate" if self.quantity.estimate else "none"


def number_evidence(scenario: Scenario) -> list[NumberEvidence]:
    """Every number of the scenario, in file order, with its evidence."""
    from realpolitik.scenario.schema import iter_quantities

    return [NumberEvidence(path, quantity) for path, quantity in iter_quantities(scenario)]
