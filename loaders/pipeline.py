"""One document from file to ``ParsedDocument``: read → normalise → lines → structure → metadata."""

from __future__ import annotations

import re
from pathlib import Path

from .lines import text_lines
from .metadata import extract_metadata
from .model import ParsedDocument, PlanMetadata, SourceDocument, Span
from .normalise import normalise
from .period import set_period
from .model import divisions
from .programmes import find_programmes
from .relations import find_bodies, find_relations
from .source import SIDECAR_SUFFIX, DocumentError, read_document
from .structure import parse_structure

# A first line longer than this is no title (a text with no line breaks): the title is cut
# to its first sentence, at most CUT_TITLE_CHARS characters, and a warning says so.
MAX_TITLE_CHARS = 200
CUT_TITLE_CHARS = 60
LISTED_EMPTY_HEADINGS = 5


def parse_document(path: Path, content: bool = True) -> ParsedDocument:
    """Parse one corpus file; raises ``DocumentError`` for a file that cannot be loaded.

    ``content=False`` stops after structure, tables and metadata (the build's first pass
    only needs a document's identity): no programmes, relations or bodies are read.

    What was loaded but looks wrong (a cut-off last character, headings with no
    text under them, no title line) is said in the document's ``warnings``.
    """
    source = read_document(path)
    text = normalise(source.raw)
    lines = text_lines(text)
    if not lines:
        raise DocumentError(path, "the file has no text after normalisation")
    structure = parse_structure(lines)
    numbered = any(division.level == 1 for division in structure.chapters)
    metadata = extract_metadata(source, lines, structure.body_start, numbered)
    set_period(metadata, text.text, lines[structure.body_start].start if structure.body_start < len(lines) else 0)
    warnings = list(structure.warnings)
    if source.encoding == "utf-8 (truncated)":
        warnings.append("the file ends inside a UTF-8 character (was it cut short?): "
                        "that last, incomplete character was left out")
    warnings += _cut_long_title(source, metadata)
    document = ParsedDocument(
        source=source,
        text=text,
        metadata=metadata,
        body_start=lines[structure.body_start].start if structure.body_start < len(lines) else 0,
        chapters=structure.chapters,
        glossary=structure.glossary,
        glossary_span=structure.glossary_span,
        preamble_tables=structure.loose_tables,
        warnings=warnings,
    )
    document.warnings += _empty_headings(document)
    if content:
        document.programmes = find_programmes(document)
        document.relations = find_relations(document, document.programmes)
        document.bodies = find_bodies(document)
    if metadata.kind == "plan" and not numbered:
        document.warnings.append("no chapter headings found: loaded as an article-like text")
    return document


def _cut_long_title(source: SourceDocument, metadata: PlanMetadata) -> list[str]:
    """A text with no title line and no line breaks would get all of itself (megabytes) as its title."""
    if source.meta.get("title") or len(metadata.title) <= MAX_TITLE_CHARS:
        return []
    length = len(metadata.title)
    sentence = re.search(r"[。!?;!?;]", metadata.title[:CUT_TITLE_CHARS])
    keep = sentence.end() if sentence else CUT_TITLE_CHARS
    metadata.title = metadata.title[:keep]
    if metadata.title_span:
        metadata.title_span = Span(metadata.title_span.start, metadata.title_span.start + keep)
    return [f"no title line: the first line is {length:,} characters long, so the title is its first "
            f"{keep} characters; set `title:` in {source.path.stem}{SIDECAR_SUFFIX} to name it"]


def _empty_headings(document: ParsedDocument) -> list[str]:
    """Headings with no text under them (and no sub-headings): said, and kept as empty sections."""
    leaves = [d for d in divisions(document.chapters) if not d.children]
    empty = [d for d in leaves if not document.text.text[d.span.end:d.body.end].strip()]
    if not empty:
        return []
    if len(empty) == len(leaves):
        return [f"the document holds headings only, with no text under any of its {len(leaves)} "
                "headings (a table of contents alone?)"]
    names = ", ".join(f"{d.marker} {d.title}".strip() for d in empty[:LISTED_EMPTY_HEADINGS])
    more = f" and {len(empty) - LISTED_EMPTY_HEADINGS} more" if len(empty) > LISTED_EMPTY_HEADINGS else ""
    return [f"{len(empty)} heading(s) with no text under them, kept as empty sections: {names}{more}"]
