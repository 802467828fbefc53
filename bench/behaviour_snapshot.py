"""Record what the project produces from the corpus, to compare before and after a refactor.

A refactor that moves code (issue 16 reorganised ``graph/``) must not change what the
graph holds or what the API answers.  This script builds the bundled corpus into a
fresh folder with the command line, then records:

- the dataset in service (``export --format nq``), as sorted lines and their digest;
- the property graph (``export --format cypher``), the same way;
- a fixed set of API answers (REST, linked data, SPARQL, Cypher, the page's JSON),
  each as status, media type and body, read through the composed app.

Run it on the old commit and on the new one and compare::

    python -m bench.behaviour_snapshot --out /tmp/before.json   # on the old code
    python -m bench.behaviour_snapshot --out /tmp/after.json --compare /tmp/before.json

It uses only the command line and ``policykg.app.create_app``, the surfaces a refactor
keeps, so the same script runs on both sides.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BLANK_NODE = re.compile(r"_:[A-Za-z0-9]+")  # labels a parser draws anew each time (the ontology's owl:unionOf lists)
POLICYKG = [str(Path(sys.executable).with_name("policykg"))]  # the console script of this environment

# (method, path, headers, body): the questions whose answers must not move.  No neighbourhood that
# reaches the node limit: which nodes a truncated one keeps is the engine's order (docs/api.md).
REQUESTS: list[tuple[str, str, dict[str, str], str | None]] = [
    ("GET", "/api/health", {}, None),
    ("GET", "/api/plans?limit=500", {}, None),
    ("GET", "/api/programmes?group=农村留守老年人&limit=500", {}, None),
    ("GET", "/api/programmes?group=老年人&limit=500", {}, None),
    ("GET", "/api/programmes?group=残疾人&domain=社会救助&limit=100", {}, None),
    ("GET", "/api/programmes?q=养老&limit=100", {}, None),
    ("GET", "/api/indicators?limit=500", {}, None),
    ("GET", "/api/indicators/compare?q=养老&limit=100", {}, None),
    ("GET", "/api/plans/plan/hainan-14th-minzheng-plan", {}, None),
    ("GET", "/api/entities/group/rural-left-behind-elderly", {}, None),
    ("GET", "/api/entities/group/rural-left-behind-elderly/neighbours?depth=2", {}, None),
    ("GET", "/api/path?a=group/rural-left-behind-elderly&b=plan/hainan-14th-minzheng-plan", {}, None),
    ("GET", "/id/plan/hainan-14th-minzheng-plan", {"Accept": "text/turtle"}, None),
    ("GET", "/id/plan/hainan-14th-minzheng-plan", {"Accept": "application/ld+json"}, None),
    ("GET", "/id/group/rural-left-behind-elderly", {"Accept": "text/html"}, None),
    ("GET", "/api/groups", {}, None),
    ("GET", "/api/domains", {}, None),
    ("GET", "/api/areas", {}, None),
    ("GET", "/api/bodies", {}, None),
    ("GET", "/api/search?q=养老", {}, None),
    ("GET", "/api/search?q=older", {}, None),
    ("GET", "/ontology", {"Accept": "text/turtle"}, None),
    ("GET", "/sparql?query=" + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {}, None),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
     "PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT ?p ?g WHERE { ?p pkg:serves ?g } ORDER BY ?p ?g"),
    ("POST", "/cypher", {"Content-Type": "application/json"},
     json.dumps({"statement": "MATCH (n) RETURN label(n) AS l, count(*) AS c ORDER BY l"})),
    ("GET", "/visual/api/overview", {}, None),
    ("GET", "/visual/api/compare?q=养老", {}, None),
    ("GET", "/visual/api/group/group/rural-left-behind-elderly", {}, None),
    ("GET", "/visual/api/neighbourhood/group/rural-left-behind-elderly", {}, None),
    ("GET", "/visual/api/cascade/plan/hainan-14th-minzheng-plan", {}, None),
]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = record(Path(scratch), args.corpus)
    args.out.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"wrote {args.out}: {len(snapshot['answers'])} answers, dataset {snapshot['dataset']['lines']} lines")
    if args.compare:
        return compare(json.loads(args.compare.read_text(encoding="utf-8")), snapshot)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--compare", type=Path, help="an earlier snapshot: print the differences, exit 1 if any")
    return parser


def record(scratch: Path, corpus: Path) -> dict[str, Any]:
    """Build ``corpus`` under ``scratch`` and read back the dataset, the property graph and the answers."""
    data_dir = scratch / "data"
    subprocess.run([*POLICYKG, "build", "--corpus", str(corpus), "--data-dir", str(data_dir)], check=True)
    return {"dataset": _export(data_dir, "nq", scratch / "dataset.nq"),
            "property_graph": _export(data_dir, "cypher", scratch / "graph.cypher"),
            "answers": _answers(data_dir)}


def _export(data_dir: Path, fmt: str, out: Path) -> dict[str, Any]:
    subprocess.run([*POLICYKG, "export", "--data-dir", str(data_dir), "--format", fmt, "--out", str(out)], check=True)
    lines = _lines(out.read_text(encoding="utf-8"))
    return {"lines": len(lines), "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}


def _answers(data_dir: Path) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from policykg.api.settings import Settings
    from policykg.app import create_app

    settings = Settings.from_env(data_dir=data_dir, rate_limit=0, answer_cache_mb=0)
    answers: dict[str, Any] = {}
    with TestClient(create_app(settings)) as client:
        for method, path, headers, body in REQUESTS:
            response = client.request(method, path, headers=headers, content=body)
            accept = f" ({headers['Accept']})" if "Accept" in headers else ""
            answers[f"{method} {path}{accept}"] = {"status": response.status_code,
                                           "type": response.headers.get("content-type", ""),
                                           "body": _comparable(response)}
    return answers


def _comparable(response: Any) -> Any:
    """JSON as data (key order and spacing do not matter), anything else as sorted lines."""
    if "json" in response.headers.get("content-type", ""):
        body = response.json()
        if isinstance(body, dict):
            body.pop("build", None)  # the build folder's name: a time stamp, new on every build
        if isinstance(body, dict) and "@graph" in body:  # JSON-LD: its nodes are a set, in no set order
            body["@graph"] = _lines("\n".join(json.dumps(node, sort_keys=True, ensure_ascii=False)
                                              for node in body["@graph"]))
        return body
    return _lines(response.text)


def _lines(text: str) -> list[str]:
    """Non-empty lines, sorted, blank-node labels made one (two parses of the same file label them apart)."""
    return sorted(BLANK_NODE.sub("_:b", line) for line in text.splitlines() if line.strip())


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    """Print each part that differs; 0 when nothing does."""
    differences = [part for part in ("dataset", "property_graph") if before[part] != after[part]]
    differences += [key for key in sorted(set(before["answers"]) | set(after["answers"]))
                    if before["answers"].get(key) != after["answers"].get(key)]
    for part in differences:
        print(f"differs: {part}")
    print(f"{len(differences)} of {2 + len(after['answers'])} parts differ")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
