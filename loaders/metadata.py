"""Plan metadata from the text before the body: title, issuers, dates, number, the plans it follows.

The front matter of a published plan is any of: site chrome (breadcrumbs, menus, an
open-government block of labelled fields, an encyclopedia infobox), a notice of issue
(关于印发…的通知, addressees, 《T》已经…现印发给你们, a signature block with a date),
a cover page and a table of contents, then the title line and an opening paragraph
that names the plans it is based on (依据/根据/按照《…》…制定本规划).  Each field is
read from the places that state it, most reliable first; a web page's own publication
date is kept as the page date, never as the date of issue.  The sidecar file overrides
what the text cannot give (a scrubbed city, a source URL).

Every rule's words are data in ``ontology/lexicon/metadata.yaml`` and ``levels.yaml``;
``bench/metadata_score.py`` measures them on real beginnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .headings import is_toc_marker
from .lexicon import alternation, load_lexicon
from .model import Line, PlanMetadata, SourceDocument, Span
from .numerals import digit_class, number_class, small_number, year
from .places import bare, leading_place, national, qualify, unknown_place
from .vocab import bodies

_CITED = re.compile(r"《(?P<title>[^《》]{2,80})》")


@cache
def _patterns() -> dict:
    """The front-matter patterns, built from ``ontology/lexicon/metadata.yaml``."""
    lex = load_lexicon("metadata")
    endings, bodies = alternation(lex["title_endings"]), alternation(lex["body_name_suffixes"])
    labels = {label: name for name, words in lex["field_labels"].items() for label in words}
    return {
        "title_line": re.compile(rf"^(?P<title>.{{4,{lex['max_title_chars']}}}?({endings}){lex['title_remarks']})$"),
        "plan_title": re.compile(rf"({endings}){lex['title_remarks']}$"),
        "title_trim": [re.compile(p) for p in lex["title_trim"]],
        "period_line": re.compile(lex["period_line"]),
        "not_title": re.compile(alternation(lex["not_title_words"])),
        "issued_title": [re.compile(p) for p in lex["issued_title"]],
        "notice_title": re.compile(lex["notice_title"]),
        "inline_title": re.compile(rf"^(?P<title>.{{4,{lex['max_title_chars']}}}?({endings}))目\s*录"),
        "labels": labels,
        "label": re.compile(rf"(?:^|(?<=[\s•·\-|]))(?P<label>{alternation(list(labels))})\s*[:：]\s*"),
        "based_on": re.compile(rf"({alternation(lex['based_on_words'])})(?P<cited>[^。]*?)"
                               rf"({alternation(lex['enacting_verbs'])})({alternation(lex['enacted_objects'])})"),
        "signed_date": re.compile(lex["signed_date"]),
        "field_date": re.compile(lex["field_date"]),
        "month_date": re.compile(lex["month_date"]),
        "damaged_date": re.compile(lex["damaged_date"]),
        "words_date": re.compile(lex["words_date"].replace("{digit}", digit_class())
                                 .replace("{number}", number_class())),
        "body_name": re.compile(rf"^[\u4e00-\u9fff]{{2,24}}?({bodies})$"),
        "notice": re.compile(rf"(?P<issuers>[^。:：,，]+?){re.escape(lex['notice_marker'])}"),
        "compiled_by": re.compile(rf"由(?P<name>[\u4e00-\u9fff]{{2,24}}?({bodies}))(负责)?"
                                  rf"({alternation(lex['compiled_by_verbs'])})"),
        "document_number": re.compile(lex["document_number"]),
        "front_without_headings": lex["front_lines_without_headings"],
        "based_on_reach": lex["based_on_reach_lines"],
        "preface": re.compile(alternation(lex["preface_headings"])),
        "based_on_opener": re.compile(rf"^\s*({alternation(lex['based_on_words'])})"),
        "consulting_clause": re.compile(rf"^\s*({alternation(lex['consulting_words'])})"),
        "cited_title_end": re.compile(rf"({alternation(lex['cited_kinds'])})$"),
        # …规划和二〇三五年远景目标纲要 is one title: no cut before a year
        "cited_joint": re.compile(rf"({alternation(lex['cited_kinds'])})(?P<joint>和|、|以及|及)"
                                  rf"(?!(?:[0-9]|{digit_class()}){{2}})"),
        "cited_list_tail": re.compile(lex["cited_list_tail"]),
        "cited_issuers": re.compile(rf"^(([\u4e00-\u9fff]{{1,16}}?({bodies}))[、和]?)+(?=\S)"),
        "unknown_label": re.compile(lex["unknown_label"]),
        "max_signature": lex["max_signature_chars"],
        "max_title": lex["max_title_chars"],
        "cited_number_after": tuple(lex["cited_number_after"]),
    }


@dataclass(frozen=True)
class Field:
    """A labelled value of an open-government block or an infobox (发文单位：楚雄市人民政府办公室)."""

    name: str  # title | issuers | date | page_date | document_number
    value: str
    span: Span


def extract_metadata(source: SourceDocument, lines: list[Line], body_start: int,
                     has_structure: bool) -> PlanMetadata:
    """Metadata from the front matter (``lines[:body_start]``) and the sidecar."""
    front = _front(lines, body_start, has_structure)
    fields = _fields(lines[:_front_end(body_start, has_structure)])  # chrome lines carry fields too
    meta = source.meta
    title, title_span = _title(front, lines, fields)
    title = meta.get("title") or title or source.doc_id
    kind = meta.get("kind") or ("plan" if has_structure or _names_a_plan(title) or _opens_with_preface(lines)
                                else "article")
    issuers = _issuers(front, fields)
    place = _level_and_jurisdiction(meta, title, [name for name, _ in issuers])
    issuers = [(qualify(name, place.get("jurisdiction")), span) for name, span in issuers]
    return PlanMetadata(
        title=title,
        title_span=title_span,
        kind=kind,
        issuers=issuers,
        **_date(front, fields),
        based_on=_based_on(lines[: max(body_start + _patterns()["based_on_reach"], _front_end(body_start, has_structure))]),
        **place,
        source_url=meta.get("source_url") or source.provenance.get("url"),
        page_date=_page_date(fields) or source.provenance.get("page_date"),
        document_number=_document_number(front, fields),
    )


def _opens_with_preface(lines: list[Line]) -> bool:
    """An excerpt cut at its 序言 or 前言 is a plan's body even with its title lost."""
    return _is_preface(next((line.text for line in lines if line.text.strip() and not _is_chrome(line.text)), ""))


def _is_paragraph(text: str) -> bool:
    """A line longer than a title with clauses in it (…单位:为深入贯彻落实…,进一步…) is a paragraph,
    where a long announcement title (…关于公开征求《…》《…》意见的公告) has none."""
    return len(text) > _patterns()["max_title"] and re.search(r"[,，:：;；]", text) is not None


def _is_preface(text: str) -> bool:
    return _patterns()["preface"].fullmatch(re.sub(r"\s+", "", text)) is not None


def _front_end(body_start: int, has_structure: bool) -> int:
    """Where the front matter ends: at the body, or, in a text with no headings, after its first lines."""
    return body_start if has_structure and body_start > 0 else max(body_start, _patterns()["front_without_headings"])


def _front(lines: list[Line], body_start: int, has_structure: bool) -> list[Line]:
    """The lines before the body, site chrome left out."""
    return [line for line in lines[:_front_end(body_start, has_structure)] if not _is_chrome(line.text)]


def _is_chrome(text: str) -> bool:
    return any(re.match(p, text) for p in load_lexicon("noise")["chrome_lines"])


def _names_a_plan(title: str) -> bool:
    """A title that says it is a plan (规划, 纲要, 计划, 方案), whether or not its headings survived."""
    return bool(_patterns()["plan_title"].search(title)) and not _patterns()["not_title"].search(title)


# -- labelled fields ------------------------------------------------------------------

def _fields(front: list[Line]) -> list[Field]:
    """Every labelled field of the front matter, in text order."""
    patterns, found = _patterns(), []
    for line in front:
        matches = list(patterns["label"].finditer(line.text))
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line.text)
            value = _field_value(line.text[match.end():end])
            if value:
                start = line.start + match.end()
                found.append(Field(patterns["labels"][match.group("label")], value, Span(start, start + len(value))))
    return found


def _field_value(text: str) -> str:
    """A field's value: up to a run of spaces, or a label the lexicon does not know (主  题  词:)."""
    unknown_label = _patterns()["unknown_label"].search(text)
    value = text[: unknown_label.start()] if unknown_label else text
    return re.split(r"\s{2,}", value.strip())[0].strip()


def _field(fields: list[Field], name: str) -> Field | None:
    return next((f for f in fields if f.name == name), None)


# -- title --------------------------------------------------------------------------

def _title(front: list[Line], lines: list[Line], fields: list[Field]) -> tuple[str | None, Span | None]:
    """The plan's own title, from the most reliable place that gives one.

    1. its own title line (the last before the contents; notices and news name the plan
       inside longer sentences or 《》), with a period line under it joined on;
    2. the plan a notice issues (《T》已经…现印发给你们), or the notice's title (关于印发T的通知);
    3. a labelled title field; 4. a title run into the contents (…规划目录);
    5. an article's first line, unless it is a heading such as 序言 (an excerpt's, whose title was cut off)
       or a paragraph run together (longer than a title, with clauses in it).
    """
    for finder in (_title_line, _issued_title, _title_field, _inline_title):
        found = finder(front or lines[:3], fields)
        if found is not None:
            return found
    first = [line for line in (front or lines)[:1] if not _is_preface(line.text) and not _is_paragraph(line.text)]
    return (first[0].text, first[0].span) if first else (None, None)


def _trimmed(line: Line) -> tuple[str, int]:
    """A line without a trailing labelled field, file-name leftovers or 全文: (text, its length)."""
    text = line.text
    label = _patterns()["label"].search(text)
    if label and label.start() > 0:
        text = text[: label.start()].rstrip()
    previous = None
    while text != previous:  # …规划(17页).pdf: each trailing leftover in turn
        previous = text
        for pattern in _patterns()["title_trim"]:
            text = pattern.sub("", text).rstrip()
    return text, len(text)


def _title_line(front: list[Line], _fields: list[Field]) -> tuple[str, Span] | None:
    patterns = _patterns()
    candidates = []
    for i, line in enumerate(front):
        if is_toc_marker(line.text):
            break
        if patterns["label"].match(line.text):
            continue
        text, length = _trimmed(line)
        if patterns["title_line"].match(text) and not patterns["not_title"].search(text):
            end = line.start + length
            following = front[i + 1] if i + 1 < len(front) else None
            if following is not None and patterns["period_line"].match(following.text):
                text, end = text + following.text, following.start + len(following.text)
            candidates.append((text, Span(line.start, end)))
    return candidates[-1] if candidates else None


def _issued_title(front: list[Line], _fields: list[Field]) -> tuple[str, Span] | None:
    patterns = _patterns()
    for pattern in (*patterns["issued_title"], patterns["notice_title"]):
        for line in front:
            match = pattern.search(line.text)
            if match and _names_a_plan(match.group("title")):
                return match.group("title"), Span(line.start + match.start("title"), line.start + match.end("title"))
    return None


def _title_field(_front: list[Line], fields: list[Field]) -> tuple[str, Span] | None:
    field = _field(fields, "title")
    if field is None:
        return None
    notice = _patterns()["notice_title"].search(field.value)
    if notice:
        start = field.span.start + notice.start("title")
        return notice.group("title"), Span(start, start + len(notice.group("title")))
    return field.value, field.span


def _inline_title(front: list[Line], _fields: list[Field]) -> tuple[str, Span] | None:
    for line in front:
        inline = _patterns()["inline_title"].match(line.text)
        if inline:
            return inline.group("title"), Span(line.start, line.start + inline.end("title"))
    return None


# -- issuers --------------------------------------------------------------------------

def _issuers(front: list[Line], fields: list[Field]) -> list[tuple[str, Span]]:
    """Bodies in labelled issuer fields, a notice's title (X关于印发…), signature lines (X  Y), or 由X编制."""
    patterns = _patterns()
    found: dict[str, Span] = {}
    for field in (f for f in fields if f.name == "issuers"):
        _add_names(found, field.value, field.span.start, require_all=False)
    started = False  # a page may open with its site's name (新疆维吾尔自治区民政厅): a banner, not a signature
    for line in front:
        if patterns["label"].search(line.text):
            continue
        if not started and _all_bodies(line.text):
            continue
        started = True
        for match in patterns["compiled_by"].finditer(line.text):
            found.setdefault(match.group("name"), Span(line.start + match.start("name"),
                                                       line.start + match.end("name")))
        notice = patterns["notice"].search(line.text)
        if notice:
            _add_names(found, notice.group("issuers"), line.start + notice.start("issuers"), require_all=False)
        elif len(line.text) <= patterns["max_signature"]:
            _add_names(found, line.text, line.start, require_all=True)
    return _without_short_forms(sorted(found.items(), key=lambda item: item[1].start))


def _all_bodies(text: str) -> bool:
    names = [n for n in re.split(r"[\s、]+", text) if n]
    return bool(names) and all(_patterns()["body_name"].match(n) for n in names)


def _add_names(found: dict[str, Span], text: str, start: int, require_all: bool) -> None:
    """Body names in ``text`` (split at spaces and 、); with ``require_all``, only when nothing else is there."""
    names = [n for n in re.split(r"[\s、]+", text) if n]
    body_name = _patterns()["body_name"]
    if not names or (require_all and not _all_bodies(text)):
        return
    offset = 0
    for name in names:
        position = text.find(name, offset)
        offset = position + len(name)
        if body_name.match(name):
            found.setdefault(name, Span(start + position, start + offset))


def _without_short_forms(issuers: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """One name per body: 国家发展改革委 and 国家发展和改革委员会 are one (the longer kept), and
    省民政厅 or 市政府办公室 go when the same notice names bodies with their place (浙江省民政厅)."""
    if any(not bare(name) for name, _ in issuers):
        issuers = [(name, span) for name, span in issuers if not bare(name)]
    vocabulary, kept = bodies(), {}  # concept → (the longest name, where the body is first named)
    for name, span in issuers:
        concept = vocabulary.concept(name) or name
        first = kept.get(concept)
        if first is None:
            kept[concept] = (name, span)
        elif len(name) > len(first[0]):
            kept[concept] = (name, first[1])
    return sorted(kept.values(), key=lambda item: item[1].start)


# -- dates and numbers -------------------------------------------------------------------

def _date(front: list[Line], fields: list[Field]) -> dict:
    """The date of issue: a labelled 成文日期, else a signature date line, else a cover month.

    Pages that lost 年/月/日 (2022年623, 202142) are read when the digits split into a
    month and a day only one way.  A page's 发布时间 is not a date of issue.
    """
    patterns = _patterns()
    field = _field(fields, "date")
    if field is not None:
        match = patterns["field_date"].search(field.value)
        if match:
            return _dated(match, field.span.start)
    for line in front:
        match = patterns["signed_date"].match(line.text)
        if match:
            return _dated(match, line.start)
    for line in front:
        written = _date_in_words(line.text)
        if written is not None:
            return {"date": written, "date_span": line.span}
    for line in front:
        damaged = _damaged_date(line.text)
        if damaged is not None:
            return {"date": damaged, "date_span": line.span}
    for line in front:
        match = patterns["month_date"].match(line.text)
        if match:
            return {"date": f"{int(match['y']):04d}-{int(match['m']):02d}", "date_span": line.span}
    return {"date": None, "date_span": None}


def _dated(match: re.Match, start: int) -> dict:
    return {"date": _iso(match), "date_span": Span(start + match.start(), start + match.end())}


def _iso(match: re.Match) -> str:
    y, m, d = (int(match.group(k)) for k in "ymd")
    return f"{y:04d}-{m:02d}-{d:02d}"


def _date_in_words(text: str) -> str | None:
    """A signature date written in Chinese numerals: 二〇二一年十二月二十日 (○ or O for 〇 on some pages)."""
    match = _patterns()["words_date"].match(text.strip())
    if match is None:
        return None
    return f"{year(match['y']):04d}-{small_number(match['m']):02d}-{small_number(match['d']):02d}"


def _damaged_date(text: str) -> str | None:
    match = _patterns()["damaged_date"].match(text.strip())
    if match is None:
        return None
    rest = match.group("rest")
    splits = [(int(rest[:i]), int(rest[i:])) for i in range(1, len(rest)) if rest[i] != "0"]
    valid = [(m, d) for m, d in splits if 1 <= m <= 12 and 1 <= d <= 31 and not str(m).startswith("0")]
    if len(valid) != 1 or rest.startswith("0"):
        return None
    m, d = valid[0]
    return f"{int(match.group('y')):04d}-{m:02d}-{d:02d}"


def _page_date(fields: list[Field]) -> str | None:
    field = _field(fields, "page_date")
    match = _patterns()["field_date"].search(field.value) if field else None
    return _iso(match) if match else None


def _document_number(front: list[Line], fields: list[Field]) -> str | None:
    field = _field(fields, "document_number")
    if field is not None:
        return field.value
    for line in front:
        for match in _patterns()["document_number"].finditer(line.text):
            if not _cites(line.text[: match.start()].rstrip()):
                return match.group()
    return None


def _cites(before: str) -> bool:
    """A number in brackets right after a title (《…》(民发〔2021〕51号)) is the cited document's;
    one standing alone in its brackets, under the notice's title, is the plan's own."""
    brackets = _patterns()["cited_number_after"]
    return before.endswith(brackets) and bool(before.rstrip("".join(brackets)).strip())


# -- place ------------------------------------------------------------------------------

def _level_and_jurisdiction(meta: dict, title: str, issuers: list[str]) -> dict:
    """The sidecar's level and jurisdiction, else the place the title opens with, else its issuers'."""
    if meta.get("level") or meta.get("jurisdiction"):
        return {"level": meta.get("level"), "jurisdiction": meta.get("jurisdiction")}
    place = leading_place(title)
    if place is not None:  # the gazetteer's name: 红河州 and 红河哈尼族彝族自治州 are one area
        return {"level": place.level, "jurisdiction": place.area.name}
    unknown = unknown_place(title)
    if unknown is not None:
        return {"level": unknown[0], "jurisdiction": unknown[1]}
    if national(title) or any(name in load_lexicon("levels")["national_issuers"] for name in issuers):
        return {"level": "national", "jurisdiction": "全国"}
    for name in issuers:
        place = leading_place(name)
        if place is not None:
            return {"level": place.level, "jurisdiction": place.area.name}
    return {"level": None, "jurisdiction": None}


# -- based on ------------------------------------------------------------------------------

def _based_on(lines: list[Line]) -> list[tuple[str, Span]]:
    """The plans and laws the first 依据/根据/按照 … 制定 sentence cites, before its verb.

    Titles in 《》 where the page kept them; where it lost them (or never wrote them:
    依据宪法和未成年人保护法等有关法律法规), the first clause's own words, cut at the 和/、
    between two titles.  A clause that only consults (参照联合国《儿童权利公约》) cites nothing.
    """
    for line in lines:
        sentence = _patterns()["based_on"].search(line.text)
        if not sentence:
            continue
        start = line.start + sentence.start("cited")
        clauses = _citing_clauses(sentence.group("cited"))
        cited = [(m.group("title"), Span(start + at + m.start(), start + at + m.end()))
                 for at, clause in clauses for m in _CITED.finditer(clause)]
        for at, clause in _opening_clauses(clauses) if not cited else ():
            cited = [(title, Span(start + at + offset, start + at + offset + len(title)))
                     for offset, title in _unbracketed_titles(clause)]
            if cited:
                break
        if cited:
            return cited
    return []


def _citing_clauses(cited: str) -> list[tuple[int, str]]:
    """The clauses of a 依据 sentence (with their offsets) that cite, not those that consult."""
    skip = _patterns()["consulting_clause"]
    clauses, at = [], 0
    for clause in re.split(r"(?<=[,，;；])", cited):
        if clause.strip(",，;； ") and not skip.match(clause):
            clauses.append((at, clause))
        at += len(clause)
    return clauses


def _opening_clauses(clauses: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The clause right after the sentence's 依据 word and, where that one names no document
    (为贯彻落实党中央…决策部署, 依据X制定), the first later clause opened by its own 依据 word."""
    opener = _patterns()["based_on_opener"]
    opening = [(at, clause) for at, clause in clauses[:1] if at == 0]
    for at, clause in clauses[1:]:
        if match := opener.match(clause):
            opening.append((at + match.end(), clause[match.end():]))
    return opening


def _unbracketed_titles(clause: str) -> list[tuple[int, str]]:
    """Titles written without 《》 in the clause right after 依据: each must end in a kind of
    document (规划, 纲要, 法 …); 和/、 splits two titles only where a title ends before it and
    the next does not start with a year (…规划和二〇三五年远景目标纲要 is one title)."""
    patterns = _patterns()
    text = patterns["cited_list_tail"].sub("", clause.rstrip(",，;； "))
    if not patterns["cited_title_end"].search(text):
        return []
    titles, begin = [], 0
    for joint in patterns["cited_joint"].finditer(text):
        titles.append((begin, text[begin:joint.start("joint")]))
        begin = joint.end("joint")
    titles.append((begin, text[begin:]))
    return [(at + lead, title[lead:]) for at, title in titles
            if (lead := _issuers_lead(title)) < len(title)]


def _issuers_lead(title: str) -> int:
    """How many characters of issuers (民政部、国家发展改革委) stand before a cited title."""
    match = _patterns()["cited_issuers"].match(title)
    return match.end() if match else 0
