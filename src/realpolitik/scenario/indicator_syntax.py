"""The indicator language: a small, safe expression language over simulation outputs.

An indicator turns an ensemble of simulated futures into a yes/no per draw
(or a number per draw), so that a forecast question can be answered with a
probability: the share of draws in which the condition holds.  Examples::

    ruptured(russia_iran) @ 2021-06-30
    cohesion(russia_iran) < 0.2 and not fired(israel_iran_showdown)
    settlement(iran_military_presence) @ 2022-12-31 >= 60
    (cohesion(russia_iran) - cohesion(russia_israel)) * 100 > 10

Grammar (lowest precedence first; ``@`` binds tightest, to one term)::

    expression := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := sum [("<" | "<=" | ">" | ">=" | "==" | "!=") sum]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | "(" expression ")" | term | NAME
    term       := FUNCTION "(" ID ")" ["@" DATE]
    FUNCTION   := cohesion | settlement | ruptured | fired | count | position | salience

Expressions are read in one of two contexts (:data:`Context`):

* ``"indicator"``: after the simulation, over an ensemble's paths (forecast
  questions, outcomes).  ``position``, ``salience``, ``years`` and bare names
  are refused: the ensemble keeps no stated positions, and an indicator has
  a date (``@``) rather than a clock.
* ``"mechanism"``: inside the simulation, on the state of one step (a
  shock's ``hazard_factor``, an effect's ``factor``, a lever's ``when``).
  ``position(ISSUE.ACTOR)`` and ``salience(ISSUE.ACTOR)`` take one dotted id;
  ``years`` (years since ``as_of``) and a bare NAME (a mechanism parameter
  of ``dynamics.parameters``) are numbers.  ``ruptured`` and ``@ DATE`` are
  refused: a rupture is decided once the whole path is known, and a
  mechanism reads the present, not a date.

Comparisons do not chain (``0.2 < x < 0.5`` is an error: write
``0.2 < x and x < 0.5``).  Text is read by the tokenizer and the
recursive-descent parser below; it is never handed to Python's ``eval``.
A number is at most ``MAX_MAGNITUDE`` (1e15, as everywhere in a
scenario). An expression holds at most :data:`MAX_LENGTH` characters, nests
parentheses, ``not`` and ``-`` at most :data:`MAX_NESTING` deep, and
its syntax tree is at most :data:`MAX_DEPTH` operations deep, so that
neither this parser nor the evaluator can exhaust Python's stack.

This module only reads and checks expressions (syntax, types, which ids
they name); it lives in the scenario layer so that a scenario's questions
are checked when the file is loaded.  Evaluating an expression against an
ensemble is :mod:`realpolitik.analysis.indicators`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from realpolitik.scenario.quantity import MAX_MAGNITUDE

__all__ = [
    "COMPARISONS",
    "CONTEXTS",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NESTING",
    "BinaryOp",
    "Compare",
    "ExpressionError",
    "Context",
    "Logical",
    "Name",
    "Negate",
    "Node",
    "Not",
    "Number",
    "RESERVED_NAMES",
    "Term",
    "ValueType",
    "YEARS",
    "iter_names",
    "iter_terms",
    "parse_expression",
    "value_type",
]

ValueType = Literal["number", "condition"]

Context = Literal["indicator", "mechanism"]
"""Where an expression is read: over an ensemble's paths, or inside the simulation's steps."""

CONTEXTS: tuple[Context, ...] = ("indicator", "mechanism")

FUNCTIONS: dict[str, tuple[str, ValueType]] = {
    "cohesion": ("alliance", "number"),
    "ruptured": ("alliance", "condition"),
    "settlement": ("issue", "number"),
    "fired": ("shock", "condition"),
    "count": ("shock", "number"),
    "position": ("stance", "number"),
    "salience": ("stance", "number"),
}
"""Each term function: the kind of id it takes and the type of value it gives.

A ``stance`` id is one dotted token ``ISSUE.ACTOR``."""

_ONLY_IN: dict[str, Context] = {
    "ruptured": "indicator",
    "position": "mechanism",
    "salience": "mechanism",
}
"""Functions read in one context only (the others are read in both)."""

COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
KEYWORDS = ("and", "or", "not")

YEARS = "years"
"""The bare keyword of mechanism expressions giving the years since ``as_of`` at the step."""

RESERVED_NAMES = frozenset((*KEYWORDS, *FUNCTIONS, YEARS))
"""Words a mechanism parameter cannot be named: keywords, functions and ``years``."""

_WHERE_MECHANISMS = "a shock's hazard_factor, an effect's factor or a lever's when"

MAX_LENGTH = 1000
"""Longest expression read, in characters (a question's indicator is a line or two)."""

MAX_NESTING = 32
"""Deepest nesting of parentheses, ``not`` and unary ``-``."""

MAX_DEPTH = 64
"""Deepest syntax tree: operations inside operations (``a + b + c`` is two deep)."""

_EXCERPT = 60
"""Characters of a long expression shown around the place of a problem."""


class ExpressionError(ValueError):
    """A malformed or ill-typed indicator expression.

    Parameters
    ----------
    message
        What was found and what was expected.
    text
        The whole expression.
    column
        1-based column of the problem in ``text`` (None when it concerns the whole).
    """

    def __init__(self, message: str, text: str = "", column: int | None = None) -> None:
        self.message = message
        self.text = text
        self.column = column
        where = f"column {column}: " if column is not None else ""
        shown = f" in '{excerpt(text, column)}'" if text else ""
        super().__init__(f"{where}{message}{shown}")


def excerpt(text: str, column: int | None = None, width: int = _EXCERPT) -> str:
    """Show ``text`` whole if short, else ``width`` characters around ``column`` with ``...``.

    Line breaks and other control characters are shown as escapes, so that
    the message stays on one line.
    """
    if len(text) <= width:
        return _escape_controls(text)
    centre = (column or 1) - 1
    start = max(0, min(centre - width // 2, len(text) - width))
    piece = _escape_controls(text[start:start + width])
    return ("..." if start > 0 else "") + piece + ("..." if start + width < len(text) else "")


def _escape_controls(text: str) -> str:
    return "".join(repr(char)[1:-1] if not char.isprintable() else char for char in text)


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


TokenKind = Literal["number", "date", "name", "op", "end"]


@dataclass(frozen=True)
class Token:
    """One lexical unit and the 1-based column where it starts."""

    kind: TokenKind
    text: str
    column: int


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_PATTERNS: tuple[tuple[TokenKind, re.Pattern[str]], ...] = (
    ("date", _DATE), ("number", _NUMBER), ("name", _NAME))
_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "(", ")", "+", "-", "*", "/", "@")


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token.

    Raises
    ------
    ExpressionError
        At the first character that starts no token.
    """
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        token = _token_at(text, index)
        if token is None:
            raise ExpressionError(f"unexpected character {char!r}", text, index + 1)
        tokens.append(token)
        index += len(token.text)
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _token_at(text: str, index: int) -> Token | None:
    column = index + 1
    for kind, pattern in _PATTERNS:
        match = pattern.match(text, index)
        if match:
            return Token(kind, match.group(0), column)
    for operator in _OPERATORS:
        if text.startswith(operator, index):
            return Token("op", operator, column)
    return None


# ---------------------------------------------------------------------------
# Syntax tree
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float
    column: int


@dataclass(frozen=True)
class Term:
    """``function(id)`` optionally read at a date: ``cohesion(russia_iran) @ 2021-06-30``."""

    function: str
    id: str
    date: dt.date | None
    column: int
    id_column: int


@dataclass(frozen=True)
class Name:
    """A bare name in a mechanism: ``years`` or a parameter of ``dynamics.parameters``."""

    name: str
    column: int


@dataclass(frozen=True)
class Negate:
    """Unary minus."""

    operand: Node
    column: int


@dataclass(frozen=True)
class BinaryOp:
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Compare:
    """A comparison of two numbers, giving a condition."""

    op: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Not:
    """Logical negation of a condition."""

    operand: Node
    column: int


@dataclass(frozen=True)
class Logical:
    """``and`` / ``or`` of two conditions."""

    op: Literal["and", "or"]
    left: Node
    right: Node
    column: int


Node = Number | Term | Name | Negate | BinaryOp | Compare | Not | Logical


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the token list, one method per grammar rule."""

    def __init__(self, text: str, context: Context = "indicator") -> None:
        self.text = text
        self.context = context
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    # -- helpers
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def at_end(self) -> bool:
        return self.current.kind == "end"

    def at(self, *texts: str) -> bool:
        token = self.current
        return token.kind in ("op", "name") and token.text in texts

    def fail(self, expected: str, token: Token | None = None) -> ExpressionError:
        token = token or self.current
        found = ("the end of the expression" if token.kind == "end"
                 else f"'{excerpt(token.text, 1, 30)}'")
        return ExpressionError(f"expected {expected}, found {found}", self.text, token.column)

    def nested(self, token: Token) -> None:
        """Count one more level of nesting at ``token``; refuse beyond :data:`MAX_NESTING`."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError(
                f"nested more than {MAX_NESTING} levels deep (parentheses, 'not' or '-'); "
                "write a simpler expression", self.text, token.column)

    def expect(self, text: str, expected: str) -> Token:
        if not self.at(text):
            raise self.fail(expected)
        return self.advance()

    # -- grammar rules
    def parse(self) -> Node:
        if self.at_end():
            raise self.fail("an expression")
        node = self.or_expr()
        if not self.at_end():
            raise self.fail("an operator ('and', 'or', a comparison, + - * /) or the end")
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.at("or"):
            token = self.advance()
            node = Logical("or", node, self.and_expr(), token.column)
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.at("and"):
            token = self.advance()
            node = Logical("and", node, self.not_expr(), token.column)
        return node

    def not_expr(self) -> Node:
        if self.at("not"):
            token = self.advance()
            self.nested(token)
            node = Not(self.not_expr(), token.column)
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self) -> Node:
        node = self.sum()
        if self.current.kind == "op" and self.current.text in COMPARISONS:
            token = self.advance()
            node = Compare(token.text, node, self.sum(), token.column)
            if self.current.kind == "op" and self.current.text in COMPARISONS:
                raise ExpressionError(
                    "comparisons cannot be chained; join them with 'and'",
                    self.text, self.current.column,
                )
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            token = self.advance()
            node = BinaryOp(token.text, node, self.product(), token.column)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            token = self.advance()
            node = BinaryOp(token.text, node, self.unary(), token.column)
        return node

    def unary(self) -> Node:
        if self.at("-"):
            token = self.advance()
            self.nested(token)
            node = Negate(self.unary(), token.column)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            value = float(token.text)
            if value > MAX_MAGNITUDE:
                raise ExpressionError(
                    f"the number {excerpt(token.text, 1, 30)} is larger than {MAX_MAGNITUDE:g}, "
                    "the largest a scenario may write", self.text, token.column)
            return Number(value, token.column)
        if self.at("("):
            self.nested(self.advance())
            node = self.or_expr()
            self.expect(")", "')'")
            self.depth -= 1
            return node
        if token.kind == "name" and token.text in FUNCTIONS:
            return self.term()
        if token.kind == "name" and token.text not in KEYWORDS:
            return self.name(token)
        raise self.fail("a number, '(' or a term such as cohesion(russia_iran)")

    def name(self, token: Token) -> Name:
        """A bare name: ``years`` or a parameter in a mechanism; refused in an indicator."""
        following = self.tokens[self.index + 1]
        if self.context == "mechanism" and not (following.kind == "op"
                                                and following.text == "("):
            self.advance()
            return Name(token.text, token.column)
        if token.text == YEARS and self.context == "mechanism":
            raise ExpressionError(
                f"'{YEARS}' is a number (the years since as_of), not a function: write it "
                "without '(...)'", self.text, token.column)
        if token.text == YEARS:
            raise ExpressionError(
                f"'{YEARS}' is read only inside the simulation ({_WHERE_MECHANISMS}); "
                "an indicator reads a date with '@'", self.text, token.column)
        names = ", ".join(f for f in FUNCTIONS if _ONLY_IN.get(f, self.context) == self.context)
        raise ExpressionError(
            f"unknown function '{excerpt(token.text, 1, 30)}' (known: {names})", self.text,
            token.column,
        )

    def term(self) -> Term:
        name = self.advance()
        self.refuse_out_of_context(name)
        self.expect("(", f"'(' after '{name.text}'")
        ident = self.current
        kind = FUNCTIONS[name.text][0]
        if ident.kind != "name" or ident.text in KEYWORDS or not _ID_OF[kind].fullmatch(
            ident.text
        ):
            raise self.fail(_EXPECTED_ID[kind])
        self.advance()
        self.expect(")", "')'")
        date = None
        if self.at("@"):
            if self.context == "mechanism":
                raise ExpressionError(
                    "'@ DATE' cannot be used inside the simulation: a mechanism reads the "
                    "state of the present step, not a date", self.text, self.current.column)
            self.advance()
            date = self.date()
        return Term(name.text, ident.text, date, name.column, ident.column)

    def refuse_out_of_context(self, name: Token) -> None:
        """Refuse a function this context cannot read, saying why."""
        only = _ONLY_IN.get(name.text)
        if only is None or only == self.context:
            return
        if only == "indicator":
            why = ("a rupture is decided once the whole path is known, so a mechanism "
                   "inside the simulation cannot read it; read cohesion(...) instead")
        else:
            why = (f"it is read only inside the simulation ({_WHERE_MECHANISMS}); the "
                   "ensemble keeps no stated positions or saliences")
        raise ExpressionError(f"'{name.text}(...)' is not available here: {why}", self.text,
                              name.column)

    def date(self) -> dt.date:
        token = self.current
        if token.kind != "date":
            raise self.fail("a date written YYYY-MM-DD after '@'")
        try:
            value = dt.date.fromisoformat(token.text)
        except ValueError:
            raise ExpressionError(f"'{token.text}' is not a calendar date", self.text,
                                  token.column) from None
        self.advance()
        return value


_ID = r"[a-z][a-z0-9_]*"
_ID_OF = {
    "alliance": re.compile(_ID), "issue": re.compile(_ID), "shock": re.compile(_ID),
    "stance": re.compile(rf"{_ID}\.{_ID}"),
}
_EXPECTED_ID = {
    "alliance": "an alliance id", "issue": "an issue id", "shock": "a shock id",
    "stance": "an ISSUE.ACTOR id such as iran_military_presence.iran",
}


def parse_expression(text: str, context: Context = "indicator") -> Node:
    """Parse and type-check an indicator or mechanism expression.

    Parameters
    ----------
    text
        The expression, e.g. ``"ruptured(russia_iran) @ 2021-06-30"``.
    context
        ``"indicator"`` (default: read over an ensemble's paths) or
        ``"mechanism"`` (read inside the simulation, on one step's state);
        see the module docstring for what each allows.

    Returns
    -------
    Node
        The syntax tree.

    Raises
    ------
    ExpressionError
        Naming the 1-based column of the first problem and what was expected
        there, or a type mistake (``not`` applied to a number, a condition
        compared with ``<``).
    """
    if not isinstance(text, str):
        raise ExpressionError("an indicator must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"is {len(text):,} characters long; an indicator may have at most "
                              f"{MAX_LENGTH:,}", text, MAX_LENGTH + 1)
    if context not in CONTEXTS:
        raise ValueError(f"unknown context '{context}'; expected one of {', '.join(CONTEXTS)}")
    node = _Parser(text, context).parse()
    _check_depth(node, text)
    value_type(node, text)
    return node


def _check_depth(root: Node, text: str) -> None:
    """Refuse a syntax tree deeper than :data:`MAX_DEPTH`, walking it without recursion."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"has more than {MAX_DEPTH} operations one inside another; "
                                  "write a shorter expression", text, node.column)
        stack.extend((operand, depth + 1) for operand in _operands(node))


def value_type(node: Node, text: str = "") -> ValueType:
    """Return whether ``node`` gives a number or a condition; raise on a type mistake."""
    if isinstance(node, Number | Name):
        return "number"
    if isinstance(node, Term):
        return FUNCTIONS[node.function][1]
    if isinstance(node, Negate | BinaryOp):
        for operand in _operands(node):
            _require(operand, "number", text, f"'{_symbol(node)}' needs numbers")
        return "number"
    if isinstance(node, Compare):
        for operand in (node.left, node.right):
            _require(operand, "number", text, f"'{node.op}' compares numbers")
        return "condition"
    for operand in _operands(node):
        _require(operand, "condition", text, f"'{_symbol(node)}' needs conditions")
    return "condition"


def _operands(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Negate | Not):
        return (node.operand,)
    if isinstance(node, BinaryOp | Compare | Logical):
        return (node.left, node.right)
    return ()


def _symbol(node: Negate | BinaryOp | Not | Logical) -> str:
    if isinstance(node, Negate):
        return "-"
    if isinstance(node, Not):
        return "not"
    return node.op


def _require(node: Node, wanted: ValueType, text: str, why: str) -> None:
    found = value_type(node, text)
    if found != wanted:
        hint = (" (ruptured/fired give conditions; cohesion/settlement/count give numbers)"
                if isinstance(node, Term) else "")
        raise ExpressionError(f"{why}, got a {found}{hint}", text, node.column)


def iter_terms(node: Node) -> Iterator[Term]:
    """Yield every term of an expression, left to right."""
    if isinstance(node, Term):
        yield node
    for operand in _operands(node):
        yield from iter_terms(operand)


def iter_names(node: Node) -> Iterator[Name]:
    """Yield every bare name of a mechanism expression (``years``, parameters), left to right."""
    if isinstance(node, Name):
        yield node
    for operand in _operands(node):
        yield from iter_names(operand)
