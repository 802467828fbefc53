"""Neo4j's Cypher read by LadybugDB: what means something else there is translated, or refused.

Researchers paste Cypher written for Neo4j.  LadybugDB answers most of it alike, but
two things differ in meaning, and an answer that is quietly different is worse than
an error:

- **lists are 1-based**: ``xs[1]`` is the first element (Neo4j: the second), and a
  slice ``xs[a..b]`` includes its end (Neo4j: excludes it).  A subscript is
  translated: ``xs[k]`` → ``xs[k + 1]`` (a negative literal counts from the end
  in both), ``xs[a..b]`` → ``xs[a + 1..b]``, a negative end ``b`` → ``b - 1``.
  A slice bound that is not a whole number written out is refused: its sign, and
  so its translation, is known only when the statement runs.
- **``labels(n)`` is a string** (``labels(n)[0]`` is ``""``): translated to
  ``[label(n)]``, the one-element list Neo4j gives (a node here has one label).

Errors rather than quiet differences remain, and are listed in
``docs/property-graph.md`` (an index past the end is an error here, null in Neo4j).
The text is read token by token (strings, backtick names and comments are kept as
they are), never by patterns over the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.graph.backends.reader import QuerySyntaxError

_TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<range>\.\.)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
# Words after which ``[`` opens a list, not a subscript (RETURN [1, 2], x IN [..], WHEN [..] …).
_KEYWORDS = frozenset("""AND AS BY CASE CONTAINS DISTINCT ELSE ENDS IN IS LIMIT MATCH NOT OR ORDER RETURN SET
    SKIP STARTS THEN UNWIND WHEN WHERE WITH XOR YIELD""".split())
SLICE_REFUSED = ("a list slice whose bounds are not whole numbers written out ({slice}) cannot be run here with "
                 "Neo4j's meaning: LadybugDB counts list positions from 1 and includes a slice's end. Write the "
                 "bounds as numbers, or use list functions (list_slice(list, start, end) counts from 1, end "
                 "included)")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def to_ladybug(statement: str) -> str:
    """``statement`` with Neo4j's list positions and ``labels()`` as LadybugDB reads them; QuerySyntaxError when
    a slice cannot be translated safely."""
    tokens = [Token(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(statement)]
    return "".join(t.text for t in _translate(tokens))


def _translate(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "name" and token.text.lower() == "labels" and _next(tokens, i).text == "(":
            start = _next_index(tokens, i)
            end = _closing(tokens, start, "(", ")")
            out += [Token("other", "["), Token("name", "label"), *_translate(tokens[start:end + 1]), Token("other", "]")]
            i = end + 1
        elif token.text == "[" and _is_subscript(out):
            end = _closing(tokens, i, "[", "]")
            out += _subscript(_translate(tokens[i + 1:end]))
            i = end + 1
        else:
            out.append(token)
            i += 1
    return out


def _subscript(inside: list[Token]) -> list[Token]:
    """``[ … ]`` after an expression, translated: an index, a slice, or a map key (left alone)."""
    parts = _split_range(inside)
    if parts is None:
        significant = [t for t in inside if t.kind != "space"]
        if len(significant) == 1 and significant[0].kind == "string":
            return [Token("other", "["), *inside, Token("other", "]")]  # a key: m['name']
        literal = _whole_number(inside)
        if literal is not None:
            return [Token("other", f"[{literal + 1 if literal >= 0 else literal}]")]
        return [Token("other", "[("), *inside, Token("other", ") + 1]")]
    start, end = (_bound(part, inside) for part in parts)
    start_text = "" if start is None else str(start + 1 if start >= 0 else start)
    end_text = "" if end is None else str(end if end >= 0 else end - 1)
    return [Token("other", f"[{start_text}..{end_text}]")]


def _split_range(inside: list[Token]) -> tuple[list[Token], list[Token]] | None:
    depth = 0
    for k, token in enumerate(inside):
        depth += token.kind == "other" and token.text in ("(", "[", "{")
        depth -= token.kind == "other" and token.text in (")", "]", "}")
        if token.kind == "range" and depth == 0:
            return inside[:k], inside[k + 1:]
    return None


def _bound(part: list[Token], inside: list[Token]) -> int | None:
    if not any(t.kind != "space" for t in part):
        return None
    value = _whole_number(part)
    if value is None:
        raise QuerySyntaxError(SLICE_REFUSED.format(slice="[" + "".join(t.text for t in inside) + "]"))
    return value


def _whole_number(part: list[Token]) -> int | None:
    text = "".join(t.text for t in part if t.kind != "space")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _is_subscript(before: list[Token]) -> bool:
    """Whether ``[`` follows an expression (``xs[``, ``n.q[``, ``f(x)[``, ``xs[1][``), not a pattern or a list."""
    previous = next((t for t in reversed(before) if t.kind != "space"), None)
    if previous is None:
        return False
    if previous.kind == "name":
        return previous.text.upper() not in _KEYWORDS
    return previous.text.endswith((")", "]", "}")) or previous.kind == "string"  # "[2]": a subscript made here


def _closing(tokens: list[Token], start: int, opening: str, closing: str) -> int:
    depth = 0
    for k in range(start, len(tokens)):
        if tokens[k].kind == "other" and tokens[k].text == opening:
            depth += 1
        elif tokens[k].kind == "other" and tokens[k].text == closing:
            depth -= 1
            if depth == 0:
                return k
    raise QuerySyntaxError(f"a {opening} is never closed by {closing}")


def _next_index(tokens: list[Token], i: int) -> int:
    return next((k for k in range(i + 1, len(tokens)) if tokens[k].kind != "space"), len(tokens) - 1)


def _next(tokens: list[Token], i: int) -> Token:
    k = _next_index(tokens, i)
    return tokens[k] if k > i else Token("space", "")
