"""Plan metadata from the text before the body: title, issuers, date, the plans it follows.

The front matter of a plan is a notice of issue, a news report or site chrome,
then the title line, the contents and an opening paragraph that names the plans
it is based on (依据/根据《…》…制定本规划).  The sidecar file overrides what the
text cannot give (a scrubbed city, a source URL).
"""

from __future__ import annotations

import re
from functools import cache

from .headings import is_toc_marker
from .lexicon import load_lexicon
from .model import Line, PlanMetadata, SourceDocument, Span

_CITED = re.compile(r"《(?P<title>[^《》]{2,80})》")


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _patterns() -> dict[str, re.Pattern]:
    """The front-matter patterns, built from ``ontology/lexicon/metadata.yaml``."""
    lex = load_lexicon("metadata")
    endings, bodies = _alternation(lex["title_endings"]), _alternation(lex["body_name_suffixes"])
    notice = re.escape(lex["notice_marker"])
    return {
        "title_ending": re.compile(rf"({endings})$"),
        "not_title": re.compile(_alternation(lex["not_title_words"])),
        "inline_title": re.compile(rf"^(?P<title>.{{4,{lex['max_title_chars']}}}?({endings}))目\s*录"),
        "based_on": re.compile(rf"({_alternation(lex['based_on_words'])})(?P<cited>[^。]*?)"
                               rf"({_alternation(lex['enacting_verbs'])})(本规划|《)"),
        "signed_date": re.compile(lex["signed_date"]),
        "published_date": re.compile(lex["published_date"]),
        "body_name": re.compile(rf"^[\u4e00-\u9fff]{{2,24}}?({bodies})$"),
        "notice": re.compile(rf"^(?P<issuers>.+?){notice}"),
        "compiled_by": re.compile(rf"由(?P<name>[\u4e00-\u9fff]{{2,24}}?({bodies}))(负责)?"
                                  rf"({_alternation(lex['compiled_by_verbs'])})"),
        "max_title_chars": lex["max_title_chars"],
    }

def extract_metadata(source: SourceDocument, lines: list[Line], body_start: int,
                     has_structure: bool) -> PlanMetadata:
    """Metadata from the front matter (``lines[:body_start]``) and the sidecar."""
    front = [line for line in lines[:body_start] if not _is_chrome(line.text)]
    meta = source.meta
    title, title_span = _title(front, lines)
    title = meta.get("title") or title or source.doc_id
    issuers = _issuers(front)
    kind = meta.get("kind") or ("plan" if has_structure else "article")
    return PlanMetadata(
        title=title,
        title_span=title_span,
        kind=kind,
        issuers=issuers,
        **_date(front),
        based_on=_based_on(lines[: body_start + 1]),
        **_level_and_jurisdiction(meta, title, [name for name, _ in issuers]),
        source_url=meta.get("source_url"),
    )


def _level_and_jurisdiction(meta: dict, title: str, issuers: list[str]) -> dict:
    """The sidecar's level and jurisdiction, else what the title's leading place name says."""
    if meta.get("level") or meta.get("jurisdiction"):
        return {"level": meta.get("level"), "jurisdiction": meta.get("jurisdiction")}
    rules = load_lexicon("levels")
    suffixes = "|".join(sorted(rules["area_suffixes"], key=len, reverse=True))
    place = re.match(rf"^(?P<area>[\u4e00-\u9fff]{{1,12}}?(?P<suffix>{suffixes}))", title)
    if place and len(place.group("area")) >= 2:
        return {"level": rules["area_suffixes"][place.group("suffix")], "jurisdiction": place.group("area")}
    if any(name in rules["national_issuers"] for name in issuers):
        return {"level": "national", "jurisdiction": "全国"}
    return {"level": None, "jurisdiction": None}


def _is_chrome(text: str) -> bool:
    return any(re.match(p, text) for p in load_lexicon("noise")["chrome_lines"])


def _title(front: list[Line], lines: list[Line]) -> tuple[str | None, Span | None]:
    """The plan's own title line: the last short line ending in 规划/纲要 before the contents.

    News reports and notices name the plan too, but inside longer sentences or
    《》; the title line stands alone.  Run-together texts carry it just before 目录.
    With no such line (an article), the first line is the title.
    """
    patterns = _patterns()
    candidates = []
    for line in front:
        if is_toc_marker(line.text):
            break
        if (len(line.text) <= patterns["max_title_chars"] and patterns["title_ending"].search(line.text)
                and not patterns["not_title"].search(line.text)):
            candidates.append(line)
    if candidates:
        return candidates[-1].text, candidates[-1].span
    for line in front or lines[:3]:
        inline = patterns["inline_title"].match(line.text)
        if inline:
            return inline.group("title"), Span(line.start, line.start + inline.end("title"))
    first = (front or lines)[:1]
    return (first[0].text, first[0].span) if first else (None, None)


def _issuers(front: list[Line]) -> list[tuple[str, Span]]:
    """Bodies named in the notice title (X关于印发…), signature lines (X  Y), or 由X编制."""
    patterns = _patterns()
    found: dict[str, Span] = {}
    for line in front:
        for match in patterns["compiled_by"].finditer(line.text):
            found.setdefault(match.group("name"), Span(line.start + match.start("name"),
                                                       line.start + match.end("name")))
        notice = patterns["notice"].match(line.text)
        parts = notice.group("issuers") if notice else line.text
        offset = 0
        for name in re.split(r"[\s、]+", parts):
            position = line.text.find(name, offset)
            offset = position + len(name)
            if name and patterns["body_name"].match(name) and (notice or _all_bodies(line.text)):
                found.setdefault(name, Span(line.start + position, line.start + offset))
    return sorted(found.items(), key=lambda item: item[1].start)


def _all_bodies(text: str) -> bool:
    """A signature line: nothing but body names separated by spaces."""
    names = [n for n in re.split(r"[\s、]+", text) if n]
    return bool(names) and all(_patterns()["body_name"].match(n) for n in names)


def _date(front: list[Line]) -> dict:
    """The signature date (成文日期) if the front matter has one, else the notice's 发布时间."""
    for pattern in (_patterns()["signed_date"], _patterns()["published_date"]):
        for line in front:
            match = pattern.search(line.text)
            if match:
                y, m, d = (int(match.group(k)) for k in "ymd")
                return {"date": f"{y:04d}-{m:02d}-{d:02d}",
                        "date_span": Span(line.start + match.start(), line.start + match.end())}
    return {"date": None, "date_span": None}


def _based_on(lines: list[Line]) -> list[tuple[str, Span]]:
    """Every 《title》 in the first 依据/根据 … 制定 sentence, before the verb."""
    for line in lines:
        sentence = _patterns()["based_on"].search(line.text)
        if not sentence:
            continue
        start = line.start + sentence.start("cited")
        return [(m.group("title"), Span(start + m.start(), start + m.end()))
                for m in _CITED.finditer(sentence.group("cited"))]
    return []
