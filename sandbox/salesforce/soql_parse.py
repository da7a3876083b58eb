"""SOQL text to a syntax tree, for the subset the sandbox speaks.

    query     := SELECT item (, item)* FROM name [WHERE cond] [ORDER BY key (, key)*]
                 [LIMIT n] [OFFSET n]
    item      := path | COUNT() | ( query )                 -- a child relationship subquery
    cond      := unary (AND unary)* | unary (OR unary)*     -- AND and OR never mix unbracketed
    unary     := NOT unary | ( cond ) | path op value | path [NOT] IN ( value, ... )
               | path [NOT] IN ( query ) | path LIKE 'pattern'
    value     := 'string' | number | true | false | null | 2026-11-27
               | 2026-11-27T04:00:00Z | 2026-11-27T04:00:00+09:00 | TODAY | LAST_N_DAYS:n | ...

A dateTime literal takes the zone as `Z` or `+hh:mm`/`-hh:mm`, as SOQL's date formats list them;
the `+0000` of Salesforce's JSON output is not a SOQL literal (MALFORMED_QUERY).
    key       := path [ASC | DESC] [NULLS FIRST | NULLS LAST]

Keywords and names are case-insensitive. Syntax errors raise `SoqlError` with MALFORMED_QUERY and
the row/column Salesforce would name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>[+-]?\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<string>'(?:\\.|[^'\\])*')
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),:])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
RELATIVE_DATES = frozenset({"TODAY", "YESTERDAY", "TOMORROW", "LAST_90_DAYS", "NEXT_90_DAYS"})
RELATIVE_N_DATES = frozenset({"LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO"})
_RESERVED = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDER",
        "BY",
        "LIMIT",
        "OFFSET",
        "ASC",
        "DESC",
        "NULLS",
        "FIRST",
        "LAST",
        "GROUP",
        "HAVING",
        "WITH",
        "FOR",
    }
)


class SoqlError(Exception):
    """A query Salesforce would refuse: error code, message, and where in the text."""

    def __init__(self, code: str, message: str, soql: str = "", pos: int | None = None) -> None:
        self.code = code
        self.message = message
        if soql and pos is not None:
            row = soql.count("\n", 0, pos) + 1
            column = pos - (soql.rfind("\n", 0, pos) + 1) + 1
            line = soql.splitlines()[row - 1] if soql.splitlines() else soql
            message = (
                f"\n{line}\n{' ' * (column - 1)}^\nERROR at Row:{row}:Column:{column}\n{message}"
            )
        super().__init__(message)
        self.full_message = message


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int

    @property
    def upper(self) -> str:
        return self.text.upper()


@dataclass(frozen=True)
class Literal:
    """A value in a condition: kind is string, number, boolean, null, date, datetime, relative."""

    kind: str
    value: Any
    text: str
    pos: int


@dataclass(frozen=True)
class Path:
    text: str
    pos: int

    @property
    def parts(self) -> list[str]:
        return self.text.split(".")


@dataclass(frozen=True)
class Compare:
    path: Path
    op: str  # = != < <= > >=
    value: Literal


@dataclass(frozen=True)
class InList:
    path: Path
    negated: bool
    values: tuple[Literal, ...] = ()
    subquery: Query | None = None


@dataclass(frozen=True)
class Like:
    path: Path
    pattern: Literal


@dataclass(frozen=True)
class Not:
    inner: Condition


@dataclass(frozen=True)
class Junction:
    op: str  # AND | OR
    parts: tuple[Condition, ...]


Condition = Compare | InList | Like | Not | Junction


@dataclass(frozen=True)
class OrderKey:
    path: Path
    descending: bool
    nulls_first: bool


@dataclass
class Query:
    sobject: str
    sobject_pos: int
    fields: list[Path | Query] = field(default_factory=list)
    count: bool = False
    where: Condition | None = None
    order: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


def tokenize(soql: str) -> list[Token]:
    """The tokens of a SOQL text; MALFORMED_QUERY on a character that starts none."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(soql):
        match = _TOKEN.match(soql, pos)
        if match is None or match.lastgroup is None:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{soql[pos]}'", soql, pos)
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), pos))
        pos = match.end()
    tokens.append(Token("eof", "", len(soql)))
    return tokens


def parse(soql: str) -> Query:
    """The syntax tree of a SOQL query."""
    parser = _Parser(soql)
    query = parser.query()
    parser.expect_kind("eof")
    return query


def unescape(literal: str) -> str:
    """The value of a quoted SOQL string (`\\'`, `\\n`, ...; `\\%` and `\\_` stay escaped)."""
    body = literal[1:-1]
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


class _Parser:
    def __init__(self, soql: str) -> None:
        self.soql = soql
        self.tokens = tokenize(soql)
        self.index = 0

    # token helpers --------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def error(self, token: Token) -> SoqlError:
        shown = token.text or "<EOF>"
        return SoqlError("MALFORMED_QUERY", f"unexpected token: '{shown}'", self.soql, token.pos)

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token.kind == "name" and token.upper == word:
            self.index += 1
            return True
        return False

    def expect_keyword(self, word: str) -> Token:
        token = self.peek()
        if not self.keyword(word):
            raise self.error(token)
        return token

    def punct(self, char: str) -> bool:
        if self.peek().kind == "punct" and self.peek().text == char:
            self.index += 1
            return True
        return False

    def expect_punct(self, char: str) -> None:
        if not self.punct(char):
            raise self.error(self.peek())

    def expect_kind(self, kind: str) -> Token:
        token = self.advance()
        if token.kind != kind:
            raise self.error(token)
        return token

    def path(self) -> Path:
        token = self.peek()
        if token.kind != "name" or token.upper in _RESERVED:
            raise self.error(token)
        self.index += 1
        return Path(token.text, token.pos)

    # grammar --------------------------------------------------------------------------------
    def query(self) -> Query:
        self.expect_keyword("SELECT")
        items: list[Path | Query] = []
        count = False
        while True:
            if self.punct("("):
                items.append(self.query())
                self.expect_punct(")")
            elif self.peek().upper == "COUNT" and self.peek(1).text == "(":
                self.index += 2
                self.expect_punct(")")
                count = True
            else:
                items.append(self.path())
            if not self.punct(","):
                break
        self.expect_keyword("FROM")
        name = self.path()
        query = Query(name.text, name.pos, items, count)
        if self.keyword("WHERE"):
            query.where = self.condition()
        if self.keyword("ORDER"):
            self.expect_keyword("BY")
            query.order.append(self.order_key())
            while self.punct(","):
                query.order.append(self.order_key())
        if self.keyword("LIMIT"):
            query.limit = int(self.expect_kind("number").text)
        if self.keyword("OFFSET"):
            query.offset = int(self.expect_kind("number").text)
        return query

    def order_key(self) -> OrderKey:
        path = self.path()
        descending = False
        if self.keyword("DESC"):
            descending = True
        else:
            self.keyword("ASC")
        nulls_first = not descending
        if self.keyword("NULLS"):
            if self.keyword("FIRST"):
                nulls_first = True
            else:
                self.expect_keyword("LAST")
                nulls_first = False
        return OrderKey(path, descending, nulls_first)

    def condition(self) -> Condition:
        parts = [self.unary()]
        joiner: str | None = None
        while self.peek().kind == "name" and self.peek().upper in ("AND", "OR"):
            token = self.advance()
            if joiner is not None and token.upper != joiner:
                raise self.error(token)  # Salesforce wants brackets when AND and OR mix
            joiner = token.upper
            parts.append(self.unary())
        if joiner is None:
            return parts[0]
        return Junction(joiner, tuple(parts))

    def unary(self) -> Condition:
        if self.keyword("NOT"):
            return Not(self.unary())
        if self.punct("("):
            inner = self.condition()
            self.expect_punct(")")
            return inner
        path = self.path()
        if self.keyword("NOT"):
            self.expect_keyword("IN")
            return self.in_list(path, negated=True)
        if self.keyword("IN"):
            return self.in_list(path, negated=False)
        if self.keyword("LIKE"):
            pattern = self.literal()
            if pattern.kind != "string":
                raise self.error(self.tokens[self.index - 1])
            return Like(path, pattern)
        token = self.peek()
        if token.kind != "op":
            raise self.error(token)
        self.index += 1
        op = "!=" if token.text == "<>" else token.text
        return Compare(path, op, self.literal())

    def in_list(self, path: Path, *, negated: bool) -> InList:
        self.expect_punct("(")
        if self.peek().upper == "SELECT":
            sub = self.query()
            self.expect_punct(")")
            return InList(path, negated, (), sub)
        values = [self.literal()]
        while self.punct(","):
            values.append(self.literal())
        self.expect_punct(")")
        return InList(path, negated, tuple(values))

    def literal(self) -> Literal:
        token = self.advance()
        if token.kind == "string":
            return Literal("string", unescape(token.text), token.text, token.pos)
        if token.kind == "number":
            return Literal("number", float(token.text), token.text, token.pos)
        if token.kind in ("date", "datetime"):
            return Literal(token.kind, token.text, token.text, token.pos)
        if token.kind == "name":
            word = token.upper
            if word in ("TRUE", "FALSE"):
                return Literal("boolean", word == "TRUE", token.text, token.pos)
            if word == "NULL":
                return Literal("null", None, token.text, token.pos)
            if word in RELATIVE_DATES:
                return Literal("relative", (word, 0), token.text, token.pos)
            if word in RELATIVE_N_DATES:
                self.expect_punct(":")
                amount = self.expect_kind("number")
                return Literal("relative", (word, int(amount.text)), token.text, token.pos)
        raise self.error(token)
