"""Hostile requests against a real server: every attempt of ``tests/hostile/*.yaml`` gets its answer.

The corpus (``tests/hostile/README.md``) holds writes, file access, extensions, settings and
transactions through ``/cypher``; updates, ``SERVICE`` and fetches through ``/sparql``; injections,
traversals and out-of-range numbers in every REST parameter and path; oversized, mis-encoded and
deeply nested bodies, wrong media types, methods and raw request lines.  Each attempt is sent to a real
``policykg serve`` (2 s time limit, 1,000 rows, two SPARQL workers) over loopback, and:

- its status is one the entry expects (a clear 4xx, a 503 with ``Retry-After`` at the time limit, or a
  200 where answering is right), an error being a problem document;
- files the attempt would write do not exist, and text it would read is not in the answer;
- the server answers the next request (``/api/health``, ``RETURN 1``, and ``ASK {}`` after SPARQL).

Attempts expected to run to the time limit are sent together, a few at a time, first; the others one by
one.  Before and after the whole corpus, a digest of the graph as served (every node and relationship
type by Cypher, every quad by SPARQL) and of the files of the build folder must be equal; the loopback
listener standing for "another server" must have received no request.  The figures per category go to
``tests/artifacts/hostile.json`` and are printed.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import http.client
import http.server
import json
import os
import socket
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import serve_process

pytestmark = pytest.mark.slow  # hostile queries, each waiting on its limit: make test-fast leaves it out

CORPUS = Path(__file__).parent / "hostile"
CATEGORIES = ("cypher", "sparql", "rest", "http")
PROBLEM = "application/problem+json"
TIMEOUT_S = 2  # the server's time limit (the fixtures' too)
SLOW_AT_ONCE = 4  # attempts expected to run to the time limit, sent together

# -- the corpus: YAML with a few generators (no eval) ---------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML plus the tags of tests/hostile/README.md, each a plain function of its arguments."""


def _arguments(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
    return loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]


def _repeat(loader: yaml.Loader, node: yaml.Node) -> str:
    a = _arguments(loader, node)
    return a.get("sep", "").join([a["text"]] * int(a["times"]))


def _nest(loader: yaml.Loader, node: yaml.Node) -> Any:
    a = _arguments(loader, node)
    depth = int(a["depth"])
    text = a.get("prefix", "") + a["open"] * depth + a.get("inner", "") + a["close"] * depth + a.get("suffix", "")
    return json.loads(text) if a.get("json") else text


def _concat(loader: yaml.Loader, node: yaml.Node) -> str:
    return "".join(loader.construct_sequence(node, deep=True))  # type: ignore[arg-type]


def _keys(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
    a = _arguments(loader, node)
    return {f"{a.get('prefix', 'p')}{i}": a.get("value", 1) for i in range(int(a["count"]))}


for _tag, _make in {"!repeat": _repeat, "!nest": _nest, "!concat": _concat, "!keys": _keys}.items():
    _Loader.add_constructor(_tag, _make)


@dataclass(frozen=True)
class Attempt:
    """One request of the corpus and what may answer it."""

    category: str
    id: str
    spec: dict[str, Any] = field(repr=False)  # the entry (one expansion of a matrix), placeholders unresolved
    expect: tuple[int, ...] = ()
    why: str = ""

    @property
    def name(self) -> str:
        return f"{self.category}/{self.id}"

    @property
    def slow(self) -> bool:
        return 503 in self.expect


def _expansions(category: str, entry: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(id, entry) for the entry itself, or one per target × value of a ``matrix`` entry."""
    if "matrix" not in entry:
        return [(entry["id"], entry)]
    matrix = entry["matrix"]
    expanded = []
    for t, target in enumerate(matrix["targets"]):
        for v, value in enumerate(matrix["values"]):
            spec = {k: w for k, w in entry.items() if k != "matrix"}
            spec["target"] = target.replace("{value}", urllib.parse.quote(value, safe=""))
            expanded.append((f"{entry['id']}-{t}.{v}", spec))
    return expanded


def load_corpus() -> tuple[list[Attempt], Counter[str]]:
    """Every attempt of the corpus, and how many entries each file has (a matrix is one entry)."""
    attempts: list[Attempt] = []
    entries: Counter[str] = Counter()
    for category in CATEGORIES:
        for entry in yaml.load((CORPUS / f"{category}.yaml").read_text(encoding="utf-8"), Loader=_Loader):
            entries[category] += 1
            expect = entry["expect"] if isinstance(entry["expect"], list) else [entry["expect"]]
            for identifier, spec in _expansions(category, entry):
                attempts.append(Attempt(category, identifier, spec, tuple(expect), entry["why"]))
    return attempts, entries


ATTEMPTS, ENTRIES = load_corpus()

# -- requests ---------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: the connection was closed without an answer
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _resolve(value: Any, places: dict[str, str]) -> Any:
    """The value with ``@TMP@`` and ``@LISTENER@`` replaced, in strings, lists and mappings.

    Through JSON text rather than recursion: some values nest hundreds of levels (deeper than
    Python's recursion limit allows from inside pytest).
    """
    text = json.dumps(value, ensure_ascii=False)
    if not any(key in text for key in places):
        return value
    for key, replacement in places.items():
        text = text.replace(key, json.dumps(replacement, ensure_ascii=False)[1:-1])
    return json.loads(text)


def build(attempt: Attempt, places: dict[str, str]) -> tuple[str, str, dict[str, str], bytes | None, bool]:
    """(method, target, headers, body, chunked) of an attempt, following README.md's fields."""
    spec = _resolve(attempt.spec, places)
    headers = dict(spec.get("headers", {}))
    body: bytes | None = None
    if "statement" in spec:  # cypher
        request: dict[str, Any] = {"statement": spec["statement"]}
        if "parameters" in spec:
            request["parameters"] = spec["parameters"]
        body, headers["Content-Type"] = json.dumps(request).encode(), "application/json"
    elif "json" in spec:
        body, headers["Content-Type"] = json.dumps(spec["json"]).encode(), "application/json"
    elif "form" in spec:
        body = urllib.parse.urlencode(spec["form"]).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif "body" in spec:
        body = spec["body"].encode("utf-8")
    elif "raw_body" in spec:
        body = spec["raw_body"].encode("latin-1")
    if "content_type" in spec:
        headers["Content-Type"] = spec["content_type"]
    default_path = {"cypher": "/cypher", "sparql": "/sparql"}.get(attempt.category, "/")
    target = spec.get("target") or spec.get("path") or default_path
    params = dict(spec.get("params", {}))
    if "query" in spec:
        params = {"query": spec["query"], **params}
    if params:
        target += ("&" if "?" in target else "?") + urllib.parse.urlencode(params)
    method = spec.get("method") or ("POST" if body is not None else "GET")
    return method, target, headers, body, bool(spec.get("chunked"))


def send(base: str, method: str, target: str, headers: dict[str, str] | None = None, body: bytes | None = None,
         chunked: bool = False) -> Answer:
    """One request on a fresh connection; a server that answers early and closes still gets read."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        try:
            if chunked:
                pieces = [body[i:i + 65536] for i in range(0, len(body or b""), 65536)]
                connection.request(method, target, body=iter(pieces), headers=headers or {}, encode_chunked=True)
            else:
                connection.request(method, target, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused before reading the whole body: its answer is still there
        try:
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        except (http.client.RemoteDisconnected, ConnectionResetError):
            return Answer(0, {}, b"")
    finally:
        connection.close()


def send_raw(base: str, request: bytes) -> Answer:
    """Bytes on a raw connection; the status line (and the rest) of whatever comes back."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        try:
            raw.sendall(request)
        except OSError:
            pass
        chunks = []
        try:
            while chunk := raw.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ") if lines and lines[0].startswith("HTTP/") else []
    headers = dict((k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:]))
    return Answer(int(parts[1]) if len(parts) > 1 else 0, headers, body)


def attempt_answer(base: str, attempt: Attempt, places: dict[str, str]) -> Answer:
    if "socket" in attempt.spec:
        return send_raw(base, _resolve(attempt.spec["socket"], places).encode("latin-1"))
    return send(base, *build(attempt, places))


def _patiently(request: Any, tries: int = 10) -> Answer:
    """The answer to a query of the test's own, asked again after a 503 with Retry-After: the digest reads the
    whole graph under the 2 s limit, which a loaded machine (CI, other tests) can make it miss."""
    for _ in range(tries - 1):
        answer = request()
        if answer.status != 503 or "retry-after" not in answer.headers:
            return answer
        time.sleep(float(answer.headers["retry-after"]))
    return request()


def cypher(base: str, statement: str, **parameters: Any) -> Any:
    answer = _patiently(lambda: send(base, "POST", "/cypher", {"Content-Type": "application/json"},
                                     json.dumps({"statement": statement, "parameters": parameters}).encode()))
    assert answer.status == 200, answer.body[:500]
    return answer.json()["data"]["values"]


def sparql(base: str, query: str) -> Any:
    answer = _patiently(lambda: send(base, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                                     {"Accept": "application/sparql-results+json"}))
    assert answer.status == 200, answer.body[:500]
    return answer.json()


def still_answers(base: str, category: str) -> None:
    """The server answers the next request: health, a small Cypher statement, and SPARQL after SPARQL."""
    assert send(base, "GET", "/api/health").status == 200
    assert cypher(base, "RETURN 1 AS one") == [[1]]
    if category == "sparql":
        assert sparql(base, "ASK {}")["boolean"] is True


# -- the digest: the graph as served and the files of the build ---------------------------------------------


def graph_digest(base: str, build: Path, data_dir: Path) -> dict[str, str]:
    nodes, skip = [], 0
    while page := cypher(base, "MATCH (n) RETURN n.iri AS iri, label(n) AS label ORDER BY iri SKIP $skip LIMIT 500",
                         skip=skip):
        nodes.extend(page)
        skip += len(page)
    relationships = cypher(base, "MATCH ()-[r]->() RETURN label(r) AS type, count(*) AS n ORDER BY type")
    graphs = sparql(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    # quads per graph and per predicate, as the server answers them; every byte of the stores is
    # hashed below (a sorted dump of all quads, page by page, outgrew the 2 s limit per query)
    predicates = sparql(base, "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                              "GROUP BY ?g ?p ORDER BY ?g ?p LIMIT 1000")["results"]["bindings"]
    files = hashlib.sha256()
    for path in sorted(p for p in build.rglob("*") if p.is_file()):  # nothing is excluded: no file changes
        files.update(str(path.relative_to(build)).encode() + hashlib.sha256(path.read_bytes()).digest())

    def sha(value: Any) -> str:
        return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()

    return {"nodes": f"{len(nodes)} {sha(nodes)}", "relationships": sha(relationships),
            "graphs": sha(graphs["results"]["bindings"]), "quads": f"{len(predicates)} {sha(predicates)}",
            "build files": files.hexdigest(), "data directory": sha(sorted(str(p) for p in data_dir.rglob("*")))}


# -- fixtures -------------------------------------------------------------------------------------------------


class _Listener(http.server.BaseHTTPRequestHandler):
    """Another server on loopback: every request it gets is counted (the test wants none)."""

    hits: list[str] = []

    def _any(self) -> None:
        _Listener.hits.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/turtle")
        self.end_headers()
        self.wfile.write(b"<http://e/s> <http://e/p> <http://e/o> .\n")

    do_GET = do_POST = do_HEAD = _any

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def listener():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(built):
    """A real server on the session's build: the fixtures' limits, two SPARQL workers, no rate limit."""
    _, data_dir = built
    with serve_process(data_dir, POLICYKG_QUERY_TIMEOUT=str(TIMEOUT_S), POLICYKG_ROW_LIMIT="1000",
                       POLICYKG_SPARQL_WORKERS="2", POLICYKG_RATE_LIMIT="0") as (_, url):
        yield url


@pytest.fixture(scope="module")
def places(tmp_path_factory, listener) -> dict[str, str]:
    return {"@TMP@": str(tmp_path_factory.mktemp("hostile")), "@LISTENER@": listener}


@pytest.fixture(scope="module")
def build_in_service(built) -> Path:
    from policykg.graph.builds.datadir import DataDir

    return DataDir(built[1]).current()


@pytest.fixture(scope="module")
def before(server, build_in_service, built) -> dict[str, str]:
    """The digest before the first attempt."""
    return graph_digest(server, build_in_service, built[1])


@pytest.fixture(scope="module")
def slow_answers(server, places, before) -> dict[str, Answer]:
    """The attempts expected to run to the time limit, sent a few at a time (each takes ~2.5 s)."""
    slow = [a for a in ATTEMPTS if a.slow]
    with concurrent.futures.ThreadPoolExecutor(SLOW_AT_ONCE) as pool:
        answers = pool.map(lambda a: attempt_answer(server, a, places), slow)
        return dict(zip((a.name for a in slow), answers))


STATUSES: dict[str, int] = {}  # attempt -> status, for the figures

# -- the tests ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[a.name for a in ATTEMPTS])
def test_attempt(attempt: Attempt, server, places, before, slow_answers):
    answer = slow_answers[attempt.name] if attempt.slow else attempt_answer(server, attempt, places)
    STATUSES[attempt.name] = answer.status
    assert answer.status in attempt.expect, (f"{attempt.name}: {answer.status}, expected {attempt.expect} "
                                             f"({attempt.why})\n{answer.body[:600]!r}")
    if answer.status >= 400 and attempt.spec.get("problem", True) and attempt.spec.get("method") != "HEAD":
        assert answer.headers.get("content-type") == PROBLEM, answer.headers
        problem = answer.json()
        assert problem["status"] == answer.status and problem["title"] and len(problem["detail"]) > 5
    if answer.status == 503:
        assert int(answer.headers["retry-after"]) >= 1
        assert answer.json()["title"] in ("Time limit reached", "Service unavailable")
    for text in attempt.spec.get("not_in_body", []):
        assert text.encode() not in answer.body
    for path in _resolve(attempt.spec.get("absent", []), places):
        assert not Path(path).exists(), f"{attempt.name} wrote {path}"
    still_answers(server, attempt.category)


def test_the_graph_is_unchanged_and_nothing_leaked(server, build_in_service, built, before, places, listener):
    """After the whole corpus: the same graph, the same files, nothing written, nothing fetched."""
    assert graph_digest(server, build_in_service, built[1]) == before
    assert not any(Path(places["@TMP@"]).iterdir()), "an attempt wrote into the temporary folder"
    assert _Listener.hits == [], "the server fetched from another server on a request's behalf"
    still_answers(server, "sparql")


def test_figures():
    """Per category: attempts tried, refused (4xx), stopped at the time limit (503), answered (2xx)."""
    if not STATUSES:
        pytest.skip("no attempt ran")
    figures: dict[str, Any] = defaultdict(Counter)
    for attempt in ATTEMPTS:
        if attempt.name not in STATUSES:
            continue
        status, counts = STATUSES[attempt.name], figures[attempt.category]
        counts["tried"] += 1
        counts["refused (4xx)" if 400 <= status < 500 else "time-limited (503)" if status == 503
               else "answered (2xx)" if 200 <= status < 300 else "connection closed" if status == 0
               else f"other ({status})"] += 1
    report = {"entries": dict(ENTRIES), "attempts": {c: dict(figures[c]) for c in CATEGORIES if c in figures},
              "statuses": dict(sorted(Counter(str(s) for s in STATUSES.values()).items()))}
    report["total"] = dict(sum((Counter(v) for v in report["attempts"].values()), Counter()))
    artifacts = Path(os.environ.get("POLICYKG_ARTIFACTS", Path(__file__).parent / "artifacts"))
    artifacts.mkdir(exist_ok=True)
    (artifacts / "hostile.json").write_text(json.dumps(report, indent=1))
    print("\nhostile requests:", json.dumps(report["attempts"]), "total", json.dumps(report["total"]))
