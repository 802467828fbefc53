"""The coverage matrix: how the plans below a plan take up its programmes and indicators (issue 18)."""

from __future__ import annotations

import csv
import io

import pytest

from policykg.graph.questions.coverage import TAKEN_UP

pytestmark = pytest.mark.slow  # the session's build

NATIONAL = "plan/national-14th-minzheng-plan"
LEVELS = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def matrix(client):
    return client.get(f"/api/plans/{NATIONAL}/coverage").json()


def test_the_columns_are_the_plans_below_it(client, matrix):
    documents = client.get("/api/plans", params={"limit": 500}).json()["items"]
    below = {d["iri"] for d in documents if d["in_corpus"] and LEVELS.get(d["level"], 9) > 0}
    assert {p["iri"] for p in matrix["plans"]} == below and len(below) >= 3
    ranks = [LEVELS.get(p["level"], 9) for p in matrix["plans"]]
    assert ranks == sorted(ranks)


def test_every_cell_is_an_alignment_into_that_plan(client, matrix):
    programmes = client.get("/api/programmes", params={"plan": NATIONAL, "limit": 500}).json()
    kinds = [row["kind"] for row in matrix["rows"]]
    assert kinds.count("Programme") == programmes["total"] and "Indicator" in kinds
    assert kinds == sorted(kinds, key=lambda k: k != "Programme")  # programmes, then indicators
    taken = [row for row in matrix["rows"] if row["cells"]]
    assert len(taken) > 20
    for row in taken:
        assert row["taken_up_by"] == len(row["cells"])
        for plan, cells in row["cells"].items():
            for cell in cells:
                assert cell["how"] in TAKEN_UP.values()
                kind = "programmes" if row["kind"] == "Programme" else "indicators"
                other = client.get(f"/api/{kind}/{cell['entity']['id']}").json()
                assert other["plan"]["iri"] == plan
    programme = next(row for row in taken if row["kind"] == "Programme")
    aligned = client.get(f"/api/programmes/{programme['entity']['id']}").json()["aligned_with"]
    expected = {a["programme"]["iri"] for a in aligned if a["programme"]["iri"].split("/programme/")[0] in
                {p["iri"] for p in matrix["plans"]}}
    assert {c["entity"]["iri"] for cells in programme["cells"].values() for c in cells} == expected


def test_a_changed_target_is_said(matrix):
    indicators = [row for row in matrix["rows"] if row["kind"] == "Indicator" and row["cells"]]
    assert indicators
    for row in indicators:
        for cells in row["cells"].values():
            for cell in cells:
                mine, theirs = (row["target"] or {}).get("value"), (cell["target"] or {}).get("value")
                assert cell["target_changed"] == (mine is not None and theirs is not None and mine != theirs)


def test_the_matrix_as_csv(client, matrix):
    answer = client.get(f"/api/plans/{NATIONAL}/coverage", params={"format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert lines[0][5:] == [p["name_zh"] for p in matrix["plans"]]
    assert len(lines) == len(matrix["rows"]) + 1
    for line, row in zip(lines[1:], matrix["rows"]):
        assert line[1] == row["entity"]["id"] and int(line[4]) == row["taken_up_by"]
        assert sum(bool(cell) for cell in line[5:]) == row["taken_up_by"]


def test_a_plan_with_nothing_below_it_and_bad_requests(client):
    documents = client.get("/api/plans", params={"limit": 500}).json()["items"]
    lowest = max((d for d in documents if d["in_corpus"]), key=lambda d: LEVELS.get(d["level"], 9))
    answer = client.get(f"/api/plans/{lowest['id']}/coverage").json()
    assert [p for p in answer["plans"] if LEVELS.get(p["level"], 9) <= LEVELS.get(lowest["level"], 9)] == []
    missing = client.get("/api/plans/plan/none/coverage")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    bad = client.get(f"/api/plans/{NATIONAL}/coverage", params={"format": "xml"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
