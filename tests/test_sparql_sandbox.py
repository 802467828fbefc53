"""The SPARQL guard (pure) and the worker pool: time limit, crashes, parallel queries, memory, start-up errors.

Real worker processes on the session's real build; no mocks.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from policykg.graph.backends.reader import QueryError, QueryRefused, QueryTimeout, QueryUnavailable, ResultTooLarge
from policykg.graph.backends.sandbox.sparql_guard import check
from policykg.graph.backends.sandbox.sparql_sandbox import SparqlSandbox

FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^12 rows
# a cross product of the few skos:inScheme triples with every triple: under a second here,
# whatever the number of programmes (rdfs:label grew with them past the time limit)
ABOUT_A_SECOND = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
                  "FILTER(?b = <http://www.w3.org/2004/02/skos/core#inScheme>) }")
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def folder(built) -> Path:
    from policykg.graph.builds.datadir import DataDir

    _, data_dir = built
    return DataDir(data_dir).current()


def count(sandbox: SparqlSandbox, query: str = QUADS) -> int:
    body = json.loads(sandbox.run(query).body)
    return int(body["results"]["bindings"][0]["n"]["value"])


def until(condition, within: float = 60.0) -> None:
    """Wait for ``condition`` (an event: a worker took a job, a pid went), not for a fixed time: a busy
    machine only makes the wait longer."""
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.02)


def answered(sandbox: SparqlSandbox, query: str = QUADS) -> int:
    """``count`` once a worker is free again (a replacement may still be starting on a busy machine)."""
    return _once_free(lambda: count(sandbox, query))


def _once_free(ask):
    deadline = time.monotonic() + 60
    while True:
        try:
            return ask()
        except QueryTimeout as busy:
            if "server is busy" not in str(busy) or time.monotonic() > deadline:
                raise


def ready(sandbox: SparqlSandbox) -> list[int]:
    """The worker pids once every worker has answered (each started warm in the background)."""
    assert _once_free(lambda: sandbox.run("ASK {}").body)
    return sandbox.pids()


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- the guard ----------------------------------------------------------------------------------

@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>", "CLEAR ALL", "DROP GRAPH <http://e/g>", "CREATE GRAPH <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "PREFIX e: <http://e/> DELETE { ?s e:p ?o } INSERT { ?s e:q ?o } WHERE { ?s e:p ?o }",
])
def test_updates_are_refused(update):
    with pytest.raises(QueryRefused, match="answers queries only; updates are not accepted"):
        check(update)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { { ?x ?y ?z } UNION { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE ?endpoint { ?s ?p ?o } } }",
    "ASK { GRAPH ?g { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    # rdflib cannot parse RDF-star: the word alone is enough to refuse
    "SELECT * WHERE { ?s ?p << ?a ?b ?c >> SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused_wherever_it_is(query):
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query)


def test_what_the_guard_lets_through():
    assert check('SELECT ?x WHERE { BIND("SERVICE { INSERT DATA }" AS ?x) }').form == "select"
    checked = check("PREFIX pkg: <https://w3id.org/policykg/ontology#> CONSTRUCT { ?p a pkg:Programme } "
                    "FROM <https://w3id.org/policykg/id/graph/x> WHERE { ?p a pkg:Programme }")
    assert (checked.form, checked.has_dataset) == ("construct", True)
    assert checked.prefixes == {"pkg": "https://w3id.org/policykg/ontology#"}
    assert check("ASK {}").has_dataset is False
    # rdflib's grammar has no RDF-star: left to Oxigraph, which decides
    assert check("SELECT * WHERE { << ?a ?b ?c >> ?p ?o }").form is None


# -- the pool -----------------------------------------------------------------------------------

def test_answers_and_limits(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=5, max_rows=10) as sandbox:
        assert count(sandbox) > 10_000
        assert json.loads(sandbox.run("ASK { ?s a ?c }").body)["boolean"] is True
        with pytest.raises(ResultTooLarge, match="more than 10 rows.*LIMIT 10 OFFSET"):
            sandbox.run("SELECT * WHERE { ?s ?p ?o }")
        with pytest.raises(ResultTooLarge, match="more than 10 triples"):
            sandbox.run("CONSTRUCT WHERE { ?s ?p ?o }")
        assert sandbox.run("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 10", {"graph": "nt"}).body.count(b" .\n") == 10


@pytest.mark.slow
def test_timeout_kills_and_replaces_the_worker(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=1, max_rows=100) as sandbox:
        (pid,) = ready(sandbox)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="ran past the time limit of 1 s and was stopped"):
            sandbox.run(FOREVER)
        assert time.monotonic() - started < 15  # stopped at the limit (plus a busy machine), not run for hours
        assert gone(pid)
        assert answered(sandbox) > 0  # the replacement answers (waiting for it to start is not the query's time)
        assert sandbox.pids() != [pid] and len(sandbox.pids()) == 1


def test_a_worker_killed_while_idle_is_replaced(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=5, max_rows=100) as sandbox:
        (pid,) = ready(sandbox)
        os.kill(pid, signal.SIGKILL)
        until(lambda: pid not in sandbox.pids())
        assert answered(sandbox) > 0
        assert pid not in sandbox.pids()


def test_a_worker_killed_mid_query_gives_a_clear_error(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=30, max_rows=100) as sandbox:
        (pid,) = ready(sandbox)
        errors: list[Exception] = []
        thread = threading.Thread(target=lambda: _run_catching(sandbox, FOREVER, errors))
        started = time.monotonic()
        thread.start()
        until(lambda: sandbox.answering() == 1)
        os.kill(pid, signal.SIGKILL)
        thread.join(30)
        assert time.monotonic() - started < 25  # not the 30 s time limit
        assert len(errors) == 1 and type(errors[0]) is QueryUnavailable  # 503: try again
        assert "stopped unexpectedly" in str(errors[0]) and "restarted" in str(errors[0])
        assert answered(sandbox) > 0


@pytest.mark.slow
def test_two_workers_answer_in_parallel(folder):
    with SparqlSandbox(folder, workers=2, timeout_s=3, max_rows=100) as sandbox:
        until(lambda: len(sandbox.pids()) == 2)
        ready(sandbox)
        # one worker is stuck on a query that runs to the time limit; the other still answers meanwhile
        errors: list[Exception] = []
        stuck = threading.Thread(target=lambda: _run_catching(sandbox, FOREVER, errors))
        stuck.start()
        until(lambda: sandbox.answering() == 1)
        assert count(sandbox) > 0
        assert stuck.is_alive()  # answered while the other worker was still held
        stuck.join(10)
        assert len(errors) == 1 and isinstance(errors[0], QueryTimeout)
        # two slower queries at once give the same answers as one at a time
        alone = count(sandbox, ABOUT_A_SECOND)
        answers: list[int] = []
        threads = [threading.Thread(target=lambda: answers.append(count(sandbox, ABOUT_A_SECOND))) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert answers == [alone, alone]


@pytest.mark.slow
def test_a_busy_pool_says_so(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=3, max_rows=100, wait_s=0.5) as sandbox:
        ready(sandbox)
        errors: list[Exception] = []
        stuck = threading.Thread(target=lambda: _run_catching(sandbox, FOREVER, errors))
        stuck.start()
        until(lambda: sandbox.answering() == 1)
        with pytest.raises(QueryTimeout, match="server is busy: all 1 SPARQL workers"):
            sandbox.run("ASK {}")
        stuck.join(10)
        assert answered(sandbox) > 0


@pytest.mark.slow
def test_memory_limit(folder):
    with SparqlSandbox(folder, workers=1, timeout_s=20, max_rows=100, memory_mb=256) as sandbox:
        assert answered(sandbox) > 0
        with pytest.raises(QueryError, match="may have run out of memory"):  # sorting ~2·10^8 rows
            sandbox.run("SELECT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1")
        assert answered(sandbox) > 0


def test_a_folder_without_a_store_is_reported(tmp_path):
    with SparqlSandbox(tmp_path, workers=1, timeout_s=5) as sandbox:
        started = time.monotonic()
        with pytest.raises(QueryError, match="could not start: FileNotFoundError: no Oxigraph store"):
            sandbox.run("ASK {}")
        assert time.monotonic() - started < 30  # reported when the worker fails, not after STARTUP_S (60 s)


def _run_catching(sandbox: SparqlSandbox, query: str, errors: list[Exception]) -> None:
    try:
        sandbox.run(query)
    except Exception as error:  # noqa: BLE001 - the test inspects it
        errors.append(error)
