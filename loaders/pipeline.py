"""One document from file to ``ParsedDocument``: read → normalise → lines → structure → metadata."""

from __future__ import annotations

from pathlib import Path

from .lines import text_lines
from .metadata import extract_metadata
from .model import ParsedDocument
from .normalise import normalise
from .programmes import find_programmes
from .relations import find_relations
from .source import DocumentError, read_document
from .structure import parse_structure


def parse_document(path: Path) -> ParsedDocument:
    """Parse one corpus file; raises ``DocumentError`` for a file that cannot be loaded."""
    source = read_document(path)
    text = normalise(source.raw)
    lines = text_lines(text)
    if not lines:
        raise DocumentError(path, "the file has no text after normalisation")
    structure = parse_structure(lines)
    numbered = any(division.level == 1 for division in structure.chapters)
    metadata = extract_metadata(source, lines, structure.body_start, numbered)
    document = ParsedDocument(
        source=source,
        text=text,
        metadata=metadata,
        body_start=lines[structure.body_start].start if structure.body_start < len(lines) else 0,
        chapters=structure.chapters,
        glossary=structure.glossary,
        glossary_span=structure.glossary_span,
        preamble_tables=structure.loose_tables,
        warnings=structure.warnings,
    )
    document.programmes = find_programmes(document)
    document.relations = find_relations(document, document.programmes)
    if metadata.kind == "plan" and not numbered:
        document.warnings.append("no chapter headings found: loaded as an article-like text")
    return document
