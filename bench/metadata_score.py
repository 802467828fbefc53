"""How often the metadata reader is right on real plan beginnings, per field and per layout.

    .venv/bin/python -m bench.metadata_score            # table per field and per layout tag
    .venv/bin/python -m bench.metadata_score --misses   # every wrong field, expected and read
    .venv/bin/python -m bench.metadata_score --json out.json

The expected values are ``tests/expected/realworld-metadata.yaml``, written by reading
the pages (``../shared/realworld/`` and ``tests/realworld/``).  Values are compared
without white space; lists (issuers, based-on) as sets; a field the text does not
state is expected as null (or an empty list) and must be read as such.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import opencc
import yaml
from rich.console import Console
from rich.table import Table

from policykg.loaders.model import ParsedDocument
from policykg.loaders.pipeline import parse_document

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "expected" / "realworld-metadata.yaml"
FOLDERS = {"shared": ROOT.parent / "shared" / "realworld", "tests": ROOT / "tests"}
FIELDS = ("kind", "title", "issuers", "date", "level", "jurisdiction", "period", "based_on", "page_date",
          "document_number")
_SPACE = re.compile(r"\s+")
_T2S = opencc.OpenCC("t2s")  # labels are simplified; the text as written is in the evidence


@dataclass
class Verdict:
    file: str
    layout: list[str]
    field: str
    expected: object
    read: object

    @property
    def right(self) -> bool:
        return _comparable(self.expected) == _comparable(self.read)


def _comparable(value: object) -> object:
    if isinstance(value, (list, tuple, set)):
        return frozenset(_comparable(v) for v in value)
    if value is None:
        return None
    return _T2S.convert(_SPACE.sub("", str(value)))


def source_path(entry: dict) -> Path:
    folder, name = entry["file"].split("/", 1)
    return FOLDERS[folder] / name


def read_fields(document: ParsedDocument) -> dict[str, object]:
    """The reader's values, in the expected file's terms."""
    meta = document.metadata
    start, end = getattr(meta, "period_start", None), getattr(meta, "period_end", None)
    return {
        "kind": meta.kind,
        "title": meta.title,
        "issuers": [name for name, _ in meta.issuers],
        "date": meta.date,
        "level": meta.level,
        "jurisdiction": meta.jurisdiction,
        "period": [start, end] if start else None,
        "based_on": [title for title, _ in meta.based_on],
        "page_date": meta.page_date,
        "document_number": meta.document_number,
    }


def score(entries: list[dict]) -> list[Verdict]:
    verdicts = []
    for entry in entries:
        path = source_path(entry)
        if not path.exists():
            continue
        read = read_fields(parse_document(path, content=False))
        for field in FIELDS:
            expected = entry.get(field)
            if field == "title" and expected is None:
                continue  # the page states none (a news item, an excerpt that starts inside the plan)
            if field in ("issuers", "based_on") and expected is None:
                expected = []
            if field in ("date", "page_date") and expected is not None:
                expected = str(expected)
            verdicts.append(Verdict(entry["file"], entry.get("layout") or [], field, expected, read[field]))
    return verdicts


def load_expected() -> list[dict]:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


def _share(verdicts: list[Verdict]) -> str:
    right = sum(v.right for v in verdicts)
    return f"{right}/{len(verdicts)} ({right / len(verdicts):.0%})" if verdicts else "–"


def report(verdicts: list[Verdict], console: Console) -> None:
    table = Table(title="Metadata right, per field")
    table.add_column("field")
    table.add_column("right", justify="right")
    for field in FIELDS:
        table.add_row(field, _share([v for v in verdicts if v.field == field]))
    documents = defaultdict(list)
    for verdict in verdicts:
        documents[verdict.file].append(verdict)
    whole = [v for vs in documents.values() if all(x.right for x in vs) for v in vs[:1]]
    table.add_row("all fields of a document", f"{len(whole)}/{len(documents)}")
    console.print(table)
    layouts = Table(title="Fields right, per layout tag")
    layouts.add_column("layout")
    layouts.add_column("documents", justify="right")
    layouts.add_column("fields right", justify="right")
    tags = sorted({tag for v in verdicts for tag in v.layout})
    for tag in tags:
        tagged = [v for v in verdicts if tag in v.layout]
        layouts.add_row(tag, str(len({v.file for v in tagged})), _share(tagged))
    console.print(layouts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    parser.add_argument("--json", type=Path, help="write the verdicts as JSON")
    args = parser.parse_args()
    verdicts = score(load_expected())
    console = Console()
    report(verdicts, console)
    if args.misses:
        for v in verdicts:
            if not v.right:
                console.print(f"[bold]{v.file}[/] {v.field}: expected {v.expected!r}, read {v.read!r}",
                              highlight=False)
    if args.json:
        args.json.write_text(json.dumps([{**v.__dict__, "right": v.right} for v in verdicts],
                                        ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
