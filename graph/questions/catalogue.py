"""The catalogue of named researcher questions, each written for both engines.

Every question is a pair of files in ``graph/questions/queries/``: ``NAME.cypher`` (LadybugDB)
and ``NAME.rq`` (SPARQL 1.1, Oxigraph, over the union of the named graphs).
Both return the same columns in the same order, as IRIs or plain strings, so the
two engines' answers can be compared exactly.

Each file starts with a comment header (``//`` in Cypher, ``#`` in SPARQL)::

    // title_zh: 服务某类对象(含下位对象)的项目及原文
    // title_en: Programmes serving a group, including its narrower groups
    // answers: what the question answers
    // param group = 农村留守老年人 | what the parameter is

Parameter convention: a parameter ``name`` is ``$name`` in Cypher (a real
query parameter) and the variable ``?name`` in SPARQL.  Each ``.rq`` file opens its
outermost ``WHERE { … }`` group with the examples bound, on a line of its own::

    VALUES (?group_name) { ("老年人") }  # the example: bound values replace this line

so the file pasted into any SPARQL client answers as it stands (without the line, an
unbound ``?group_name`` matched nothing, silently).  The runner replaces that line with
``VALUES (?a ?b) { ("…" "…") }`` of the values given (the examples for the others); the
values are escaped SPARQL string literals (no language tag), so queries compare them
with ``STR(?label) = ?name``.  A hostile value cannot leave its literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
Engine = Literal["cypher", "sparql"]
Row = tuple[str, ...]

_HEADER = re.compile(r"^\s*(?://|#)\s*(title_zh|title_en|answers):\s*(.*)$")
_PARAM = re.compile(r"^\s*(?://|#)\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*\|\s*(.*)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
EXAMPLE_NOTE = "# the example: bound values replace this line"
_EXAMPLE_LINE = re.compile(r"^[ \t]*VALUES \(.*\) \{ \(.*\) \}[ \t]*" + re.escape(EXAMPLE_NOTE) + r"[ \t]*$", re.M)
_SPARQL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@dataclass(frozen=True)
class NamedQuery:
    """One researcher question: its titles, example parameters and both query texts."""

    name: str
    title_zh: str
    title_en: str
    params: dict[str, str]  # parameter name -> example value
    cypher: str
    sparql: str
    answers: str = ""
    param_docs: dict[str, str] = field(default_factory=dict)


def _header(text: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The header fields, the parameters' examples and their descriptions of one query file."""
    fields: dict[str, str] = {}
    examples: dict[str, str] = {}
    docs: dict[str, str] = {}
    for line in text.splitlines():
        if m := _HEADER.match(line):
            fields[m.group(1)] = m.group(2).strip()
        elif m := _PARAM.match(line):
            examples[m.group(1)], docs[m.group(1)] = m.group(2), m.group(3).strip()
    return fields, examples, docs


def load(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """Read ``NAME.cypher`` and ``NAME.rq``; both must declare the same parameters and use them."""
    cypher = (directory / f"{name}.cypher").read_text(encoding="utf-8")
    sparql = (directory / f"{name}.rq").read_text(encoding="utf-8")
    fields, params, docs = _header(cypher)
    _, sparql_params, _ = _header(sparql)
    if params != sparql_params:
        raise ValueError(f"{name}: the .cypher and .rq headers declare different parameters")
    for key in ("title_zh", "title_en"):
        if not fields.get(key):
            raise ValueError(f"{name}: no {key} in the header")
    for param in params:
        if f"${param}" not in cypher or not re.search(rf"\?{param}\b", sparql):
            raise ValueError(f"{name}: parameter {param} is not used by both queries")
    if params and _EXAMPLE_LINE.search(sparql) is None:
        raise ValueError(f"{name}.rq: no line binding the examples ({_values_line(params).strip()}) "
                         "opening its WHERE group, so the file as pasted would answer nothing")
    return NamedQuery(name, fields["title_zh"], fields["title_en"], params, cypher, sparql,
                      fields.get("answers", ""), docs)


@lru_cache(maxsize=4)
def _catalogue(directory: Path) -> tuple[NamedQuery, ...]:
    return tuple(load(path.stem, directory) for path in sorted(directory.glob("*.cypher")))


def queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query of the catalogue, sorted by name."""
    return list(_catalogue(Path(directory)))


def query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """One named query of the catalogue."""
    for named in queries(directory):
        if named.name == name:
            return named
    raise KeyError(name)


def sparql_literal(value: object) -> str:
    """``value`` as a plain SPARQL string literal, every quote, backslash and line break escaped."""
    return '"' + "".join(_SPARQL_ESCAPES.get(ch, ch) for ch in str(value)) + '"'


def bind_sparql(sparql: str, params: Mapping[str, object]) -> str:
    """The SPARQL text with ``params`` (and the header's examples for the others) bound by a VALUES line:
    in place of the examples' line when the text has one, else opening its first ``WHERE {`` group."""
    if not params:
        return sparql
    for name in params:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"bad parameter name {name!r}")
    if (example := _EXAMPLE_LINE.search(sparql)) is not None:
        bound = {**_header(sparql)[1], **params}
        return f"{sparql[:example.start()]}{_values_line(bound)}{sparql[example.end():]}"
    match = _WHERE.search(sparql)
    if match is None:
        raise ValueError("the SPARQL query has no WHERE { … } group to bind parameters in")
    return f"{sparql[:match.end()]}\n{_values_line(params)}{sparql[match.end():]}"


def _values_line(params: Mapping[str, object]) -> str:
    names = " ".join(f"?{name}" for name in params)
    values = " ".join(sparql_literal(value) for value in params.values())
    return f"  VALUES ({names}) {{ ({values}) }}"


def _cell(value: Any) -> str:
    """One answer cell as a plain string: IRIs and literals by their value, booleans lower case, null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(round(value, 6), "g")
    return str(getattr(value, "value", value))


def _check(named: NamedQuery, params: Mapping[str, object] | None) -> dict[str, object]:
    """The parameters to run ``named`` with: its examples, overridden by ``params``; no unknown names."""
    given = dict(params or {})
    unknown = set(given) - set(named.params)
    if unknown:
        raise ValueError(f"{named.name}: unknown parameters {sorted(unknown)}")
    return {**named.params, **given}


def answer_cypher(store: Any, named: NamedQuery, params: Mapping[str, object] | None = None
                  ) -> tuple[list[str], list[Row]]:
    """Run ``named`` on a Cypher store (``.query(text, params) -> (columns, rows)``); its columns, and its rows
    of strings, sorted."""
    bound = {name: str(value) for name, value in _check(named, params).items()}
    columns, rows = store.query(named.cypher, bound)
    return list(columns), sorted({tuple(_cell(value) for value in row) for row in rows})


def answer_sparql(store: Any, named: NamedQuery, params: Mapping[str, object] | None = None
                  ) -> tuple[list[str], list[Row]]:
    """Run ``named`` on a pyoxigraph Store over the union of its graphs; its columns, and its rows sorted."""
    text = bind_sparql(named.sparql, _check(named, params))
    solutions = store.query(text, use_default_graph_as_union=True)
    columns = [variable.value for variable in solutions.variables]
    return columns, sorted({tuple(_cell(solution[i]) for i in range(len(columns))) for solution in solutions})


def answer(engine: Engine, store: Any, named: NamedQuery | str, params: Mapping[str, object] | None = None
           ) -> tuple[list[str], list[Row]]:
    """Run a catalogue query (or its name) on ``engine`` ("cypher" or "sparql"): (columns, rows sorted)."""
    if isinstance(named, str):
        named = query(named)
    if engine == "cypher":
        return answer_cypher(store, named, params)
    if engine == "sparql":
        return answer_sparql(store, named, params)
    raise ValueError(f"unknown engine {engine!r}")


def run(engine: Engine, store: Any, named: NamedQuery | str, params: Mapping[str, object] | None = None) -> list[Row]:
    """The rows of ``answer``: strings, sorted (what the tests compare across engines)."""
    return answer(engine, store, named, params)[1]
