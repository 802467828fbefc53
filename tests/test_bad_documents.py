"""Malformed inputs in the corpus: each one is reported by name with a message a person can act on, the others build.

The catalogue is ``tests/bad_documents/cases.py``.  Every case but the two that
need their own test goes into one copy of the bundled corpus, built once; the
figures (cases, the time and memory of refusing a 100 MB file, the 19 MB build)
go to ``tests/artifacts/bad_documents.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from policykg.build import build
from policykg.graph.backends.embedded import open_sparql
from policykg.graph.builds.datadir import DataDir

from .bad_documents.cases import CASES, LOADED, REFUSED, WARNED, Case, copy_corpus, plan, title
from .conftest import CORPUS, ROOT, ROOT_WITHOUT_OVERRIDE, corpus_programmes

pytestmark = pytest.mark.slow  # a build per kind of bad file: make test-fast leaves it out

SHARED = [case for case in CASES if not case.alone]
ORIGINALS = sorted(path.name for path in CORPUS.glob("*.txt"))
PKG = "https://w3id.org/policykg/ontology#"
ID = "https://w3id.org/policykg/id/"
FIGURES: dict = {}


def _artifacts() -> Path:
    path = Path(os.environ.get("POLICYKG_ARTIFACTS", Path(__file__).parent / "artifacts"))
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="module", autouse=True)
def figures():
    """Collect the figures of this module and write them out at its end."""
    yield FIGURES
    FIGURES["cases"] = len(CASES)
    FIGURES["known_misses"] = [case.id for case in CASES if case.known_miss]
    (_artifacts() / "bad_documents.json").write_text(json.dumps(FIGURES, indent=1, ensure_ascii=False))


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    """The bundled corpus plus every shared case, built once: (report, data dir)."""
    root = tmp_path_factory.mktemp("bad")
    corpus = copy_corpus(CORPUS, root / "corpus")
    for case in SHARED:
        case.make(corpus)
    started = time.perf_counter()
    report = build(corpus, root / "data")
    FIGURES["shared_build"] = {"files": len(report.documents), "loaded": sum(1 for d in report.documents if d.triples),
                               "seconds": round(time.perf_counter() - started, 1)}
    return report, root / "data"


@pytest.fixture(scope="module")
def store(bad_build):
    store = open_sparql(DataDir(bad_build[1]).current())
    yield store
    del store


def _rows(store, query: str) -> list[dict[str, str]]:
    solutions = store.query(f"PREFIX pkg: <{PKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                            f"PREFIX dct: <http://purl.org/dc/terms/> {query}")
    names = [variable.value for variable in solutions.variables]
    return [{name: solution[name].value for name in names if solution[name] is not None} for solution in solutions]


def _message_is_plain(message: str) -> None:
    """One message for a person: no traceback, no Python object reprs."""
    assert "Traceback" not in message and "Error(" not in message and "<" not in message.split(":", 1)[0], message


@pytest.mark.parametrize("case", [
    pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.known_miss)] * bool(case.known_miss))
    for case in SHARED])
def test_each_bad_document_gets_a_clear_message(bad_build, case: Case):
    report, _ = bad_build
    if case.outcome == WARNED:
        (warning,) = [w for w in report.warnings if w.startswith(case.file + ":")]
        assert re.search(case.message, warning), warning
        assert case.file not in {d.file for d in report.documents}
        return
    (document,) = [d for d in report.documents if d.file == case.file]
    if case.outcome == REFUSED:
        assert document.error and document.triples == 0, document
        assert document.error.startswith(f"{case.file}: "), document.error  # names the file first
        assert re.search(case.message, document.error), document.error
        _message_is_plain(document.error)
    else:
        assert case.outcome == LOADED
        assert document.error is None and document.triples > 0, document
        if case.message:
            assert any(re.search(case.message, w) for w in document.warnings), document.warnings
        else:
            assert document.warnings == [], document.warnings
        for warning in document.warnings:
            _message_is_plain(warning)


def test_big5_is_not_yet_recognised(bad_build):
    """The known miss, stated as it is: a Big5 file loads (as other characters) with no warning."""
    (document,) = [d for d in bad_build[0].documents if d.file == "bad_big5.txt"]
    assert document.error is None and document.title != "己县民政事业发展“十四五”规划"


def test_the_good_documents_still_build_unchanged(bad_build, built):
    report, _ = bad_build
    clean, _ = built
    loaded = {d.file: d for d in report.documents if d.triples}
    assert set(ORIGINALS) <= set(loaded)
    # the bundled documents give the same graphs as in a build without the bad files
    assert {f: loaded[f].triples for f in ORIGINALS} == {d.file: d.triples for d in clean.documents}
    assert sum(loaded[f].counts.get("Programme", 0) for f in ORIGINALS) == corpus_programmes()
    # refused: the cases meant to be, and the known misses meant to load that do not (yet)
    refused = {c.file for c in SHARED if (c.outcome == REFUSED) != bool(c.known_miss)}
    assert {d.file for d in report.failed} == refused
    FIGURES["shared_build"].update(refused=len(refused), warned_or_loaded=len(SHARED) - len(refused))


def test_odd_but_valid_encodings_load_with_their_titles(bad_build, store):
    report, _ = bad_build
    titles = {d.file: d.title for d in report.documents}
    assert titles["odd_gbk.txt"] == title("甲县")
    assert titles["odd_utf16_bom.txt"] == title("乙县")
    assert titles["bad_truncated_utf8.txt"] == title("子县")
    assert titles["odd_traditional.txt"] == title("己县")  # 己縣…發展…規劃 folded to simplified
    (row,) = _rows(store, f"SELECT ?t WHERE {{ GRAPH ?g {{ <{ID}plan/odd_gbk> dct:title ?t }} }}")
    assert row["t"] == title("甲县")


def test_a_missing_table_cell_is_a_parse_note_on_its_row(store):
    notes = _rows(store, f"""SELECT ?name ?note WHERE {{ GRAPH <{ID}graph/odd_table_missing_cell> {{
        ?row a pkg:Indicator ; rdfs:label ?name ; pkg:parseNote ?note }} }}""")
    assert [(n["name"], n["note"]) for n in notes] == [
        ("每千名老年人口养老床位数", "1 value(s) for 2 value columns (2020年实际值, 2025年目标值): read as "
                               "2025年目标值 (values fill the last columns)")]


def test_a_heading_with_no_body_is_an_empty_section(store):
    rows = _rows(store, f"""SELECT ?section (COUNT(?part) AS ?parts) WHERE {{
        GRAPH <{ID}graph/odd_heading_no_body> {{ ?section a pkg:Section ; rdfs:label "发展养老服务"@zh
        OPTIONAL {{ ?section <http://data.europa.eu/eli/ontology#has_part> ?part }} }} }} GROUP BY ?section""")
    assert len(rows) == 1 and rows[0]["parts"] == "0"


def test_control_characters_stay_in_the_verbatim_quotes_only(store):
    labels = _rows(store, f"""SELECT ?label WHERE {{ GRAPH <{ID}graph/odd_control> {{ ?s rdfs:label ?label }} }}""")
    assert labels and not [r for r in labels if re.search(r"[\x00-\x08\x0b-\x1f]", r["label"])]
    quotes = _rows(store, f"""SELECT ?quote WHERE {{ GRAPH <{ID}graph/odd_control> {{ ?s pkg:quote ?quote }} }}""")
    assert any("\x07" in r["quote"] for r in quotes)  # evidence is the source, byte for byte


def test_a_graph_that_fails_shacl_is_reported_in_a_few_lines(bad_build):
    """pyshacl's own report quotes every violation: 0.2 MB here, 13 MB for 3 MB of input."""
    (document,) = [d for d in bad_build[0].documents if d.file == "odd_repeated.txt"]
    assert document.error and len(document.error) < 1500, len(document.error or "")
    assert re.match(r"odd_repeated\.txt: its graph fails the SHACL shapes \(\d+ violations\), so it was left out; "
                    r"the loaders should never write such a graph: please report it with the file\. \d+ × Evidence ",
                    document.error), document.error


def test_a_text_with_no_line_breaks_gets_a_short_title(bad_build):
    (document,) = [d for d in bad_build[0].documents if d.file == "odd_long_line.txt"]
    assert document.title == "民政事业发展规划。"


def _child(code: str, prefix: tuple[str, ...] = ()):
    """Run ``code`` in a fresh interpreter (after ``prefix``); it prints one JSON line last, which is returned."""
    result = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _run_measured(args: list[str], tmp_path: Path) -> tuple[int, str, str, float, float]:
    """Run a command; (exit code, stdout, stderr, seconds, its peak RSS in MB from ``wait4``)."""
    out, err = (tmp_path / "stdout").open("w+"), (tmp_path / "stderr").open("w+")
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, "COLUMNS": "200"})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0), err.seek(0)
    return process.returncode, out.read(), err.read(), seconds, usage.ru_maxrss / 1024


def test_a_100_mb_file_is_refused_at_once_without_being_read(tmp_path):
    """Peak memory is measured in a fresh interpreter (this one's peak is already high)."""
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # 100 MB, of which only the plan at its start takes disk space
        handle.write(plan("卯县").encode())
        handle.truncate(100 * 1024 * 1024)
    figures = _child(f"""
import json, resource, time
from pathlib import Path
from policykg.loaders.pipeline import parse_document
from policykg.loaders.source import DocumentError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    parse_document(Path({str(path)!r}))
    message = None
except DocumentError as error:
    message = str(error)
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"message": message, "seconds": seconds, "rss_growth_mb": (after - before) / 1024}}))
""")
    FIGURES["refuse_100mb"] = {"ms": round(figures["seconds"] * 1000, 2),
                               "rss_growth_mb": round(figures["rss_growth_mb"], 1)}
    assert figures["message"] == ("huge.txt: the file is 104.9 MB, over the 21 MB limit "
                                  "(set POLICYKG_MAX_DOC_BYTES to raise it)")
    assert figures["rss_growth_mb"] < 5, figures  # reading it would add 100 MB
    assert figures["seconds"] < 1, figures  # in practice well under a millisecond


def test_a_19_mb_file_under_the_limit_builds(tmp_path):
    """Under the limit means loaded: the CLI builds it (the figures say at what cost)."""
    (case,) = [c for c in CASES if c.id == "big_19mb"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    national = corpus / "002_5366459dd2a9c16e.txt"
    national.write_bytes((CORPUS / national.name).read_bytes())
    case.make(corpus)
    national.unlink()  # the plan it repeats was only needed to make it
    size = (corpus / case.file).stat().st_size
    code, out, err, seconds, peak_mb = _run_measured(
        [sys.executable, "-m", "policykg.cli", "build", "--corpus", str(corpus), "--data-dir", str(tmp_path / "data")],
        tmp_path)
    FIGURES["build_19mb"] = {"bytes": size, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb)}
    assert code == 0, err
    assert case.file in out and "“十四五”民政事业发展规划" in out and "1 documents" in out
    assert "skipped" not in err and "Traceback" not in err
    assert DataDir(tmp_path / "data").current() is not None


def test_an_unreadable_file_is_refused_by_name():
    """Root reads any file, so as root the refusal is checked in a child without the capabilities that let it
    (util-linux setpriv); a child running as another user could not read a checkout that is private to root."""
    (case,) = [c for c in CASES if c.id == "unreadable"]
    with tempfile.TemporaryDirectory() as folder:  # under /tmp: pytest's own folders are closed to other users
        corpus = Path(folder)
        corpus.chmod(0o755)
        case.make(corpus)
        message = _as_another_user(corpus / case.file)
    assert message is not None and re.search(case.message, message), message


def _as_another_user(path: Path) -> str | None:
    """What parse_document says of ``path`` to a reader without the right to read it (root: without its overrides)."""
    code = f"""
import json
from pathlib import Path
from policykg.loaders.pipeline import parse_document
from policykg.loaders.source import DocumentError
try:
    parse_document(Path({str(path)!r}))
    print(json.dumps(None))
except DocumentError as error:
    print(json.dumps(str(error)))
"""
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root, which reads any file, and setpriv is missing to drop that power")
        prefix = ROOT_WITHOUT_OVERRIDE
    return _child(code, prefix)


def test_the_cli_names_each_bad_file_on_stderr_and_builds_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("003_c19c9eaccc41bb5a.txt", "003_c19c9eaccc41bb5a.meta.yaml"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    for case_id in ("markup_name", "png", "heading_no_body", "sidecar_orphan", "dangling_symlink"):
        (case,) = [c for c in CASES if c.id == case_id]
        case.make(corpus)
    result = subprocess.run([sys.executable, "-m", "policykg.cli", "build", "--corpus", str(corpus),
                             "--data-dir", str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for expected in ["skipped [draft] 草稿.txt: the file is empty",  # brackets in a name are not console markup
                     "skipped bad_png.txt: the file is a PNG image, not text",
                     "skipped bad_dangling.txt: it is a link to nowhere/plan.txt, which does not exist",
                     "warning odd_heading_no_body.txt: 1 heading(s) with no text under them, kept as empty "
                     "sections: 第二节 发展养老服务",
                     "warning zz_orphan.meta.yaml: a sidecar with no document zz_orphan{.txt,.html,.htm,.pdf,.docx} "
                     "beside it (was the text "
                     "renamed or deleted?); it was not read"]:
        assert expected in lines, result.stderr
    assert "Traceback" not in result.stderr
    assert "graph in service:" in result.stderr
