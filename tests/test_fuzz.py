"""Fuzzing the API with schemathesis against its own OpenAPI description (``/openapi.json``).

Every operation the description lists gets generated requests, valid and invalid (schemathesis's
examples, coverage and generation phases, a bounded number each), sent in-process to a real app on the
session's real build (the ASGI transport runs the app's lifespan).  The checks: no 5xx
(``not_a_server_error``), every answer's status code, content type, headers and body as the description
says (``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
``response_schema_conformance``), and an invalid request refused with a 4xx (``negative_data_rejection``).
``positive_data_acceptance`` is left out: a request valid by the schema may still name nothing
(``group=xyz`` is a string but no group: 422, as documented).

The figures (cases per operation) go to ``tests/artifacts/fuzz.json`` and are printed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

pytestmark = pytest.mark.slow  # many generated inputs: make test-fast leaves it out

EXAMPLES = int(os.environ.get("POLICYKG_FUZZ_EXAMPLES", "25"))  # generated cases per operation (CI: the default)
CASES: Counter[str] = Counter()
STATUSES: Counter[str] = Counter()
TIME_LIMITED: Counter[str] = Counter()


def not_a_server_error_but_the_time_limit(ctx, response, case):
    """No 5xx, except the documented answer to a statement past the time limit: 503, a problem document
    titled "Time limit reached", with Retry-After (a 20,000-character statement can take the Cypher parser
    seconds to refuse; the limit stops it).  Such answers are counted apart."""
    if response.status_code == 503 and response.headers.get("retry-after"):
        if response.json().get("title") == "Time limit reached":
            TIME_LIMITED[f"{case.method} {case.path}"] += 1
            return True
    return checks.not_a_server_error(ctx, response, case)


CHECKS = [not_a_server_error_but_the_time_limit, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_headers_conformance,
          openapi_checks.response_schema_conformance, openapi_checks.negative_data_rejection]


@pytest.fixture(scope="module")
def fuzz_app(api_settings):
    """A fresh app on the session's build (schemathesis runs its lifespan); rate limit off as in the fixtures."""
    from policykg.app import create_app

    return create_app(api_settings)


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("fuzz_schema")
# POST /sparql takes the query itself as its body (SPARQL 1.1 Protocol): sent as text.
schemathesis.serializer.alias("application/sparql-query", "text/plain")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4's lazy schema reads ``node._nodeid``, which pytest 9 no longer has: give it the id."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case):
    response = case.call()
    CASES[f"{case.method} {case.path}"] += 1
    STATUSES[str(response.status_code)] += 1
    case.validate_response(response, checks=CHECKS)


def test_fuzz_figures():
    """Runs after the fuzzing (pytest keeps the file's order): the figures, printed and kept."""
    if not CASES:
        pytest.skip("the fuzz test did not run")
    figures = {"cases": sum(CASES.values()), "operations": len(CASES), "examples_per_operation": EXAMPLES,
               "by_operation": dict(sorted(CASES.items())), "statuses": dict(sorted(STATUSES.items())),
               "time_limited": dict(sorted(TIME_LIMITED.items()))}
    artifacts = Path(os.environ.get("POLICYKG_ARTIFACTS", Path(__file__).parent / "artifacts"))
    artifacts.mkdir(exist_ok=True)
    (artifacts / "fuzz.json").write_text(json.dumps(figures, indent=1))
    print(f"\nfuzz: {figures['cases']} cases over {figures['operations']} operations, statuses {figures['statuses']}")
    assert sum(n for status, n in STATUSES.items() if status.startswith("5")) == sum(TIME_LIMITED.values())
