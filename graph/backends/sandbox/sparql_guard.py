"""What a researcher's SPARQL text is allowed to be: a query that stays on this server.

``/sparql`` answers queries only.  The store is opened read-only, so the engine
could not write anyway, but two things must be refused *before* the query runs,
with a message a person can act on:

* an update (``INSERT DATA``, ``DELETE WHERE``, ``LOAD``, ``CLEAR``, ``DROP``,
  ``CREATE``, ``ADD``/``COPY``/``MOVE``…): told apart from a query by rdflib's
  SPARQL parsers, not by patterns on the text;
* ``SERVICE`` (federated query), anywhere in the query — inside ``OPTIONAL``,
  ``UNION``, ``FILTER EXISTS``, with ``SILENT`` or a variable endpoint: Oxigraph
  has an HTTP client and *would* call the endpoint, so a query could make the
  server fetch from any host (including ones only the server can reach).  It is
  found by walking the query's algebra for ``ServiceGraphPattern``.

rdflib's grammar is older than Oxigraph's (no RDF-star / RDF 1.2 triple terms,
``LATERAL``…), so a text rdflib cannot parse is not necessarily wrong.  Such a
text goes to Oxigraph, whose syntax error is then the answer — unless it holds
the letters ``service`` anywhere (any case, even inside a word: Oxigraph reads
``1SERVICE <…>`` as a number and the keyword), which is refused: without a
parse tree there is no safe way to tell a keyword from a string.

rdflib's parser takes milliseconds (pyparsing), several times what Oxigraph
needs to answer a small query, and Oxigraph parses the text again anyway.  So a
text that *cannot* hold either of the two is not given to rdflib at all: one
that starts (after its ``PREFIX``/``BASE`` declarations and comments) with
``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` cannot be an update, and
Oxigraph's query parser refuses anything else; one without the letters
``service`` cannot call SERVICE.  Such a text goes straight to Oxigraph unless
it may name its own dataset (a ``FROM`` that is not inside a word) or holds a
``\\u`` escape (which rdflib expands before parsing): those take rdflib's path,
as every other text does.  The first test is a routing decision only: a text
it sends the wrong way still meets Oxigraph's query parser, which never runs an
update.  Accepted texts are remembered (``CACHED``), so a repeated query is
checked once per worker.

A text nesting groups, brackets or parentheses more than ``MAX_NESTING`` deep
is refused as well (400): Oxigraph's parser recurses once per level and
overflows the worker's stack a few thousand levels down (SIGSEGV), and no real
query nests a hundredth of that.

Pure functions, no I/O: ``check`` is called in the worker process, so a text
that takes the parser long is stopped by the same time limit as a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue

from policykg.graph.backends.reader import QueryRefused, QuerySyntaxError

Form = Literal["select", "ask", "construct", "describe"]
_FORMS: dict[str, Form] = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct",
                           "DescribeQuery": "describe"}
# The letters alone, without word boundaries: Oxigraph reads "1SERVICE <…> {…}" as a number and the keyword.
_SERVICE_WORD = re.compile("SERVICE", re.IGNORECASE)
# Where a query's dataset clause may be: FROM not inside a name (it may run into NAMED: "FROMNAMED" parses).
_FROM_WORD = re.compile(r"(?<![\w?$:.\-%\\])FROM", re.IGNORECASE)
# A text that can only be a query: its prologue, then a query form's keyword.  Each alternative can match in
# one way only (whitespace one character at a time, a comment up to its line's end), so the match is linear.
_DECLARATION = r"PREFIX\s*([A-Za-z][\w.\-]*)?:\s*<([^<>\s]*)>"
_QUERY_LED = re.compile(rf"(?:\s|#[^\n]*\n|BASE\s*<[^<>\s]*>|{_DECLARATION})*"
                        r"(?P<form>SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_PREFIX_DECL = re.compile(_DECLARATION, re.IGNORECASE)
MAX_NESTING = 200
CACHED, CACHED_CHARS = 512, 20_000  # accepted texts remembered per worker, and the longest one remembered
# What can hold a bracket that is not one: strings and comments (skipped), IRIs (so that their '#' is not
# read as a comment; brackets in them are counted, so nothing can be hidden there).
_TOKENS = re.compile("|".join((
    r'"""(?:[^"\\]|\\.|"(?!""))*"""', r"'''(?:[^'\\]|\\.|'(?!''))*'''",  # long strings
    r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'",  # strings
    r"#[^\n]*",  # a comment
    r'(<[^<>"{}|^`\\\x00-\x20]*>)',  # an IRI
    r"([{(\[])", r"([})\]])")))

UPDATE_REFUSED = ("this endpoint answers queries only; updates are not accepted (INSERT, DELETE, LOAD, CLEAR, "
                  "DROP, CREATE, ADD, COPY, MOVE). To change the graph, edit the corpus and run `policykg build`; "
                  "to experiment, load an export (`policykg export --format trig`) into a store of your own")
SERVICE_REFUSED = ("SERVICE (federated query) is not accepted: this server does not call other SPARQL endpoints "
                   "on a query's behalf. Run the federated query from your own client or endpoint, with this "
                   "endpoint as one of its services")
SERVICE_WORD_REFUSED = (SERVICE_REFUSED + ". (The query could not be checked by the parser and holds the word "
                        "SERVICE; if it is inside a string or an IRI, rewrite it, e.g. with CONCAT(\"SERV\", \"ICE\"))")


@dataclass(frozen=True)
class Checked:
    """A query that may run. ``form`` is rdflib's reading of it: None when rdflib did not read the text
    (it could not, or did not need to); ``prefixes`` are known unless rdflib could not parse it."""

    form: Form | None = None
    has_dataset: bool = False  # FROM / FROM NAMED: the query names its own dataset
    prefixes: dict[str, str] = field(default_factory=dict)  # declared in the query, for readable RDF output


def check(text: str) -> Checked:
    """The query, checked; raises ``QueryRefused`` for an update or a SERVICE call."""
    return _remembered(text) if len(text) <= CACHED_CHARS else _check(text)


@lru_cache(maxsize=CACHED)
def _remembered(text: str) -> Checked:
    """``_check``, once per text (a refusal is an exception, which is not remembered: it is checked again)."""
    return _check(text)


def _check(text: str) -> Checked:
    if (depth := nesting(text)) > MAX_NESTING:
        raise QuerySyntaxError(f"the query nests groups, brackets or parentheses {depth} levels deep; this endpoint "
                               f"parses at most {MAX_NESTING} levels: flatten it")
    return _plain_query(text) or _parsed(text)


def _plain_query(text: str) -> Checked | None:
    """The verdict without rdflib, for a text that can be neither an update nor a SERVICE call and names no
    dataset of its own; None when rdflib must read it."""
    led = _QUERY_LED.match(text)
    if led is None or _SERVICE_WORD.search(text) or _FROM_WORD.search(text) or "\\u" in text or "\\U" in text:
        return None
    prologue = text[:led.start("form")]
    return Checked(has_dataset=False, prefixes={prefix or "": iri for prefix, iri in _PREFIX_DECL.findall(prologue)})


def _parsed(text: str) -> Checked:
    """The verdict from rdflib's parse tree (or, where rdflib cannot parse the text, from its words)."""
    try:
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001 - any failure of rdflib's parser: see whether it is an update
        if _is_update(text):
            raise QueryRefused(UPDATE_REFUSED) from None
        if _SERVICE_WORD.search(text):
            raise QueryRefused(SERVICE_WORD_REFUSED) from None
        return Checked(has_dataset=bool(_FROM_WORD.search(text)))
    if _has_service(parsed):
        raise QueryRefused(SERVICE_REFUSED)
    query = parsed[1]
    return Checked(form=_FORMS.get(query.name), has_dataset="datasetClause" in query,
                   prefixes=_prefixes(parsed[0]))


def nesting(text: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in the text, outside strings and comments."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        iri, opening, closing = match.groups()
        if iri:  # its brackets count, without outliving it (a '<' may be "less than": nothing hides there)
            inside = 0
            for char in iri:
                inside = max(inside + (1 if char in "([" else -1 if char in ")]" else 0), 0)
                deepest = max(deepest, depth + inside)
        elif opening:
            depth += 1
            deepest = max(deepest, depth)
        elif closing:
            depth = max(depth - 1, 0)
    return deepest


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - not an update either
        return False
    return True


def _has_service(parsed: Any) -> bool:
    """Whether the query calls SERVICE: the algebra is walked, or the parse tree if rdflib cannot translate it."""
    try:
        tree: Any = translateQuery(parsed).algebra
    except Exception:  # noqa: BLE001 - rdflib refuses some valid queries (e.g. aggregates it does not know)
        tree = parsed
    return _contains(tree, "ServiceGraphPattern")


def _contains(node: Any, name: str) -> bool:
    """Whether ``name`` is a node anywhere under ``node`` (algebra nodes, lists, expressions)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)
    return False


def _prefixes(prologue: Any) -> dict[str, str]:
    """The query's ``PREFIX`` declarations (``CompValue.get`` returns the key when it is missing: use ``in``)."""
    return {(declaration["prefix"] if "prefix" in declaration else ""): str(declaration["iri"])
            for declaration in prologue if getattr(declaration, "name", "") == "PrefixDecl"}
