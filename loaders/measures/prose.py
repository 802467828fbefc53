"""Measures named in a plan's prose, one sentence at a time, with their period.

Each name's own text is its part of the sentence: from the end of the name
before it (or its clause's start) to the start of the name after it, so that a
long sentence stringing several measures together gives each only its own words.
A measure named in a review section (十三五时期发展回顾) or in a sentence that
reports it as done (先后, 成功创建 …) was *achieved*; else it is *planned*.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from ..model import Division, ParsedDocument, Programme, Span
from ..sentences import sentence_at, sentences_in
from ..vocab import target_groups
from .lexicon import measures_lexicon
from .names import NameMatch, names_in

CLAUSE_BREAKS = ",，;；:："



def prose_measures(document: ParsedDocument) -> Iterator[Programme]:
    """Every measure named in the body's sentences, one Programme per mention."""
    text = document.text.text
    end = document.glossary_span.end if document.glossary_span else len(text)
    bounds = document.heading_bounds
    start = document.plan_start
    pieces = [Span(max(a, start), b) for a, b in zip([start, *bounds], [*bounds, end]) if max(a, start) < b]
    leaders: dict[int, list[NameMatch]] = {}  # a led sentence's start → the names of the one leading it
    for sentence in (s for piece in pieces for s in sentences_in(text, piece)):
        matches = names_in(text, sentence)
        if matches and leads_paragraph(text, sentence):
            leaders.update((led.start, matches) for led in led_sentences(text, sentence))
        for match in matches:
            if _refers_back(match, leaders.get(sentence.start, [])):
                continue
            yield Programme(match.name, match.kind, "prose", match.span,
                            [own_part(text, sentence, match, matches)],
                            (division_chain(document.chapters, match.span.start) or [None])[-1],
                            period=period_of(document, sentence), mentions=[match.span])


def _refers_back(match: NameMatch, leading: list[NameMatch]) -> bool:
    """A shortened name in a sentence another one leads (四是健全社会救助核对机制。完善服务民生的
    核对机制,…) is that measure again, not a new one: its sentence reads as the leader's."""
    return any(lead.name != match.name and lead.name.endswith(match.name) for lead in leading)


def led_sentences(text: str, sentence: Span) -> list[Span]:
    """The sentences after a paragraph's (or an inline item's) opening one, up to the paragraph's
    end, the next inline item (二是…) or the lexicon's count (more for an item: 二是 closes it)."""
    line_end = text.find("\n", sentence.end)
    line = Span(sentence.end, len(text) if line_end < 0 else line_end)
    rules = measures_lexicon().raw["paragraph"]
    count = rules["item_sentences"] if _opens_inline_item(text, sentence) else rules["sentences"]
    led = []
    for following in sentences_in(text, line)[:count]:
        if _opens_inline_item(text, following):
            break
        led.append(following)
    return led


def leads_paragraph(text: str, sentence: Span) -> bool:
    """A short sentence at a paragraph's start, or one opening an inline item (四是健全…机制。),
    stands as the title of the sentences after it."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    rules = measures_lexicon().raw["paragraph"]
    opens = not text[line_start : sentence.start].strip() or _opens_inline_item(text, sentence)
    return opens and sentence.end - sentence.start <= rules["leading_sentence"]


def _opens_inline_item(text: str, sentence: Span) -> bool:
    return measures_lexicon().pattern("inline_item").match(text, sentence.start, sentence.end) is not None


def own_part(text: str, sentence: Span, match: NameMatch, matches: list[NameMatch]) -> Span:
    """The words of ``sentence`` that speak of ``match``: from the name before it (or the sentence's
    start, so a lead-in such as 对低保对象…, 建立X机制 counts) up to the name after it.

    A long sentence strings several measures together; each owns only the stretch
    between its neighbours' names, so a group named for one is not read for the next.
    """
    before = [m.span.end for m in matches if m.span.end <= match.span.start and m is not match]
    mates = _list_mates(text, match, matches)
    after = [m.span.start for m in matches if mates[-1].span.end <= m.span.start and m not in mates]
    end = min(after, default=sentence.end)
    breaks = [i for i in range(match.span.end, end) if text[i] in CLAUSE_BREAKS]
    if end < sentence.end and breaks:
        end = breaks[-1]  # the clause of the next name is that name's own (…,28.5万重度残疾人得到护理补贴)
    return Span(max(before, default=sentence.start), end)


def _list_mates(text: str, match: NameMatch, matches: list[NameMatch]) -> list[NameMatch]:
    """``match`` and the names listed right after it (主动发现、快速响应机制: 主动发现机制 and 快速响应机制): one
    list, whose words after its last name speak of every member — unless the later names name groups of their
    own (养老服务、…困境儿童保障工作…等部际联席会议制度: the children are not the first one's)."""
    lex = measures_lexicon().raw
    joints = (*lex["conjunctions"], *lex["list_marks"])
    mates = [match]
    for later in (m for m in matches if m.span.start >= match.span.end):  # names_in gives them in order
        if text[mates[-1].span.end : later.span.start] not in joints:
            break
        mates.append(later)
    if target_groups().find(text[match.span.end : mates[-1].span.end]):
        return [match]
    return mates


def sentence_of(document: ParsedDocument, offset: int) -> Span:
    """The sentence holding ``offset``, cut at headings' starts and ends: a text run together (a scraped
    page) has no full stop between its table of contents, a heading and the first sentence."""
    sentence = sentence_at(document.text.text, offset)
    bounds = document.heading_bounds
    at = bisect_right(bounds, offset)  # bounds[:at] <= offset < bounds[at:]
    start = max(sentence.start, bounds[at - 1]) if at else sentence.start
    end = min(sentence.end, bounds[at]) if at < len(bounds) else sentence.end
    return Span(start, end)


def period_of(document: ParsedDocument, sentence: Span) -> str:
    """'achieved' in a review section or a sentence that reports a result; else 'planned'."""
    lex = measures_lexicon().raw
    titles = [d.title for d in division_chain(document.chapters, sentence.start)]
    if any(word in title for title in titles for word in lex["achieved_divisions"]):
        return "achieved"
    words = document.text.text[sentence.start : sentence.end]
    if any(cue in words for cue in lex["achieved_cues"]):
        return "achieved"
    if document.metadata.kind == "article" and not any(cue in words for cue in lex["planned_cues"]):
        return "achieved"  # an article reports what was done unless a sentence looks ahead
    return "planned"


def merge_period(first: str, second: str) -> str:
    return first if first == second else "both"


def division_chain(chapters: list[Division], offset: int) -> list[Division]:
    """The chapter, section … down to the deepest division whose body holds ``offset``."""
    for division in chapters:
        if division.body.start <= offset < division.body.end:
            return [division, *division_chain(division.children, offset)]
    return []
