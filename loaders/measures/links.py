"""A programme's links, each read from a window of its own text with the words that say it.

- serves: a target group named as recipients, from the most confident window that
  holds it — the programme's name, its clause, its part of the sentence, its box
  item, its box, the paragraph it leads, its glossary definition (confidences in
  ``ontology/lexicon/measures.yaml``: ``windows``).  A group that takes part or
  helps (组织留守妇女参与…) is not served.
- leadBody / cooperatingBody / responsibleBody: a body named in a sentence that
  names the programme, with the role the sentence gives it (X牵头, X会同Y, 由X负责).

Every link's evidence is one stretch of the text that holds both its ends, so the
quote shows the programme (or its box, item or term) and the group or body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from rdflib import URIRef

from ..lexicon import load_lexicon
from ..model import ParsedDocument, Programme, Relation, Span
from ..sentences import sentences_in
from ..vocab import target_groups
from .bodies import BodyMention, bodies_in
from .groups import GroupMention, groups_in
from .lexicon import measures_lexicon
from .prose import CLAUSE_BREAKS, leads_paragraph, led_sentences, sentence_of

ROLE_PREDICATES = {"lead": "leadBody", "cooperating": "cooperatingBody", "responsible": "responsibleBody"}


@cache
def _windows() -> dict[str, float]:
    return dict(measures_lexicon().raw["windows"])


def serves_links(document: ParsedDocument, programme: Programme) -> list[Relation]:
    """One serves link per group: the one read from the most confident window.

    A programme whose name names its groups (农村留守妇女关爱行动, 残疾人两项补贴制度) serves
    those groups and the ones above or below them; another group in its text is someone
    else (the elders the women help, the orphans of the next measure).
    """
    best: dict[str, Relation] = {}
    candidates = [*_serves_candidates(document, programme), *_closing_aim_candidates(document, programme)]
    groups = target_groups()
    # an umbrella group in the name (困难群众帮扶工程) does not narrow whom the text names; a group with
    # nothing above or below it does (农村留守妇女关爱行动: the children and elders the women help are not served)
    named = [URIRef(r.target) for r in candidates if r.window == "name"]
    named = [] if any(groups.umbrella(n) for n in named) else named
    text = document.text.text
    candidates = [r for r in candidates
                  if not named or any(groups.related(URIRef(r.target), n) for n in named) or _covered(text, r, named)]
    # whom a sentence says it is for (以…为重点, 聚焦…) is served by every measure it names
    for relation in [*candidates, *_lead_in_candidates(document, programme)]:
        known = best.get(relation.target)
        if known is None or relation.confidence > known.confidence:
            best[relation.target] = relation
    return list(best.values())


def _covered(text: str, relation: Relation, named: list[URIRef]) -> bool:
    """Whether the text extends the programme in so many words to a group of the same kind of person as its
    name's (重度残疾人护理补贴覆盖至三、四级智力和精神残疾人: 残疾人 both): then the group is served though
    the name names another; households it reaches (覆盖至低保边缘家庭) are not the same kind."""
    at = text.find(relation.matched, relation.evidence.start, relation.evidence.end)
    if at < 0 or measures_lexicon().pattern("coverage").search(text, relation.evidence.start, at) is None:
        return False
    groups = target_groups()
    label = groups.preferred.get(URIRef(relation.target), "")
    heads = load_lexicon("groups")["coordination_heads"]
    return any(label.endswith(h) and groups.preferred.get(n, "").endswith(h) for h in heads for n in named)


def _serves_candidates(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    text = document.text.text
    name = _name_span(text, programme)
    sentence = sentence_of(document, name.start)
    for mention in _name_groups(text, programme, name, sentence):
        yield from _serves(programme, mention, sentence, "name")
    for written in programme.mentions:
        sentence = sentence_of(document, written.start)
        clause = _clause(text, sentence, written)
        own = [t for t in programme.texts if sentence.start <= t.start and t.end <= sentence.end]
        for part in own or [clause]:
            for mention in _recipients(text, part, exclude=written):
                window = "clause" if clause.start <= mention.span.start < clause.end else "sentence"
                yield from _serves(programme, mention, sentence, window)
        yield from _paragraph(document, programme, sentence)
    if programme.item is not None:
        yield from _block(document, programme, programme.item.body or programme.item.span,
                          programme.item.span.start, "item")
    if programme.origin == "box" and programme.box is not None:
        yield from _block(document, programme, programme.box.body or programme.box.span,
                          programme.span.start, "box")
    if programme.origin == "glossary":
        for entry in document.glossary:
            if entry.term == programme.name:
                for mention in _recipients(text, entry.span, exclude=programme.span):
                    yield from _serves(programme, mention, entry.span, "glossary")


def _lead_in_candidates(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    """Groups a sentence's opening clause names as its focus (以重残、失能…等特殊困难老年人为重点, 聚焦…,
    针对…): every measure the rest of the sentence names serves them, whatever groups its name holds."""
    def opening(sentence: Span, written: Span) -> Span | None:
        lead = measures_lexicon().pattern("lead_in").match(document.text.text, sentence.start, written.start)
        if lead is None:
            return None
        part = "focus" if lead.group("focus") else "aim"
        return Span(lead.start(part), lead.end(part))
    return _aim_candidates(document, programme, opening, "clause")


def _closing_aim_candidates(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    """Groups a sentence's closing clause says its measures are for (…,建立…网络,打通困难群体救助最后一公里;
    …,避免让困难群众来回跑): every measure named before it serves them, as far as its own name allows."""
    def closing(sentence: Span, written: Span) -> Span | None:
        aim = measures_lexicon().pattern("closing_aim").search(document.text.text, written.end, sentence.end)
        return None if aim is None else Span(aim.start("aim"), aim.end("aim"))
    return _aim_candidates(document, programme, closing, "sentence")


def _aim_candidates(document: ParsedDocument, programme: Programme,
                    aim_of: Callable[[Span, Span], Span | None], window: str) -> Iterator[Relation]:
    """The groups in the part of each sentence naming the programme that ``aim_of`` finds (given the sentence
    and the mention), served with the sentence as evidence."""
    text = document.text.text
    for written in programme.mentions:
        sentence = sentence_of(document, written.start)
        aim = aim_of(sentence, written)
        for mention in _recipients(text, aim) if aim is not None else ():
            yield from _serves(programme, mention, Span(sentence.start, max(sentence.end, written.end)), window)


def _name_groups(text: str, programme: Programme, name: Span, sentence: Span) -> list[GroupMention]:
    """The groups the programme's name names.  A name written in one piece is read where it stands; a
    member of a list sharing a head (经济困难的高龄、失能老人补贴 → 经济困难的高龄老人补贴) is not written in one
    piece: its own groups are read off the name, each quoted as the sentence writes it."""
    if text[name.start : name.end] == programme.name:
        return groups_in(text, name, in_name=True)
    written = groups_in(text, sentence, in_name=True)
    found = []
    for mention in groups_in(programme.name, Span(0, len(programme.name)), in_name=True):
        source = next((m for m in written if set(mention.concepts) & set(m.concepts)), None)
        if source is not None:
            found.append(GroupMention(source.written, mention.concepts, source.span))
    return found


def _name_span(text: str, programme: Programme) -> Span:
    """Where the name itself is written (a box item's span holds its whole paragraph)."""
    position = text.find(programme.name, programme.span.start, programme.span.end)
    if position < 0:
        return programme.span
    return Span(position, position + len(programme.name))


def _block(document: ParsedDocument, programme: Programme, body: Span, start: int,
           window: str) -> Iterator[Relation]:
    """Groups in a box's or an item's body; the quote runs from its title to the group's sentence."""
    text = document.text.text
    for mention in _recipients(text, body, exclude=_name_span(text, programme)):
        end = sentence_of(document, mention.span.start).end
        yield from _serves(programme, mention, Span(min(start, mention.span.start), max(end, programme.span.end)), window)


def _paragraph(document: ParsedDocument, programme: Programme, sentence: Span) -> Iterator[Relation]:
    """The paragraph a programme leads: named in its opening sentence, a short one that stands as the
    paragraph's title (2.兜底性照护服务保障。), the next sentences speak of it."""
    text = document.text.text
    if not leads_paragraph(text, sentence):
        return
    following = led_sentences(text, sentence)
    if not following:
        return
    rest = Span(following[0].start, following[-1].end)
    for mention in _recipients(text, rest, exclude=programme.span):
        end = sentence_of(document, mention.span.start).end
        yield from _serves(programme, mention, Span(sentence.start, end), "paragraph")


def _serves(programme: Programme, mention: GroupMention, evidence: Span, window: str) -> Iterator[Relation]:
    for concept in mention.concepts:
        yield Relation(programme.name, "serves", str(concept), evidence, mention.written,
                       window=window, confidence=_windows()[window])


def _recipients(text: str, span: Span, exclude: Span | None = None) -> list[GroupMention]:
    """Groups in ``span`` named as recipients (not the programme's own name, not helpers)."""
    lex = measures_lexicon().raw
    found = []
    for mention in groups_in(text, span):
        if exclude is not None and exclude.start <= mention.span.start < exclude.end:
            continue
        before = text[max(span.start, mention.span.start - 2) : mention.span.start]
        after = text[mention.span.end : mention.span.end + 2]
        if any(before.endswith(w) for w in lex["participant_before"]) or \
                any(after.startswith(w) for w in lex["participant_after"]):
            continue
        found.append(mention)
    return found


def _clause(text: str, sentence: Span, name: Span) -> Span:
    """The clause of ``sentence`` (between commas, semicolons, colons) holding ``name``."""
    start = max((i + 1 for i in range(sentence.start, name.start) if text[i] in CLAUSE_BREAKS),
                default=sentence.start)
    end = next((i for i in range(name.end, sentence.end) if text[i] in CLAUSE_BREAKS), sentence.end)
    return Span(start, end)


# -- bodies -----------------------------------------------------------------------------

def body_links(document: ParsedDocument, programme: Programme, jurisdiction: str | None,
               iri_of) -> Iterator[Relation]:
    """Bodies a sentence naming the programme gives a role: X牵头, X会同Y, 由X负责, X配合."""
    text = document.text.text
    for sentence, window in _programme_sentences(document, programme):
        mentions = bodies_in(text, sentence, jurisdiction)
        roles = _roles(text, sentence, mentions)
        ends = _own_clause_ends(text, sentence, programme) if window == "clause" else []
        for body, role in zip(mentions, roles):
            role = role or _owner_role(text, body, programme)
            if role is not None and not _acts_on_another_object(text, sentence, body, ends, mentions):
                evidence = Span(min(sentence.start, programme.span.start), max(sentence.end, programme.span.end))
                written = text[body.span.start:body.span.end]  # verbatim: 民政 of 民政与教育等部门
                yield Relation(programme.name, ROLE_PREDICATES[role], iri_of(body), evidence, written,
                               window="role", confidence=_windows()[window])


def _owner_role(text: str, body: BodyMention, programme: Programme) -> str | None:
    """``responsible`` for a body written right before the programme's name or opening it (民政部“金民工程”,
    民政部门福利彩票公益金使用管理全链条制度体系: its owner), not the first of a list of bodies the name names
    (乡镇政府、村民委员会…多主体共同参与的服务格局)."""
    rules = measures_lexicon().raw["bodies"]
    if text[max(0, body.span.start - 1) : body.span.start] in rules["not_owner_before"]:
        return None
    for mention in programme.mentions:
        before = body.span.end <= mention.start and text[body.span.end : mention.start] in rules["owner_joints"]
        rest = text[body.span.end : mention.end]  # 养老服务部际联席会议制度: the body's own institution, no owner
        opening = (body.span.start == mention.start and bool(rest) and measures_lexicon().head_of(rest) != rest
                   and not rest.startswith(tuple(rules["list_joints"]))  # 乡镇政府、村民委员会…共同参与的格局
                   and body.canonical not in rules["named_about"])  # 村(居)委会工作事项准入制度: rules for them
        if before or opening:
            return "responsible"
    return None


def _own_clause_ends(text: str, sentence: Span, programme: Programme) -> list[int]:
    """Where the clauses of ``sentence`` that write the programme's name end."""
    return [_clause(text, sentence, mention).end for mention in programme.mentions
            if sentence.start <= mention.start < sentence.end]


def _acts_on_another_object(text: str, sentence: Span, body: BodyMention, ends: list[int],
                            mentions: list[BodyMention]) -> bool:
    """A body given its role in a clause after the programme's, inside another verb's phrase
    (…服务等有机结合,联合卫健部门共同推进医养结合工作; …机制,形成…民政部门牵头…的…格局): it works on that
    clause's object, not on the programme before the comma.  A clause whose subject the bodies are (实施…
    工程,由民政部牵头,发展改革委配合; 民政部负责组织实施) still speaks of the programme; so does a body
    before it (由民政部门牵头,会同…,实施…工程)."""
    if not ends or body.span.start < max(ends):
        return False
    start = _clause(text, sentence, body.span).start
    first = min(m.span.start for m in mentions if start <= m.span.start <= body.span.start)
    return text[start:first].strip() not in measures_lexicon().raw["bodies"]["subject_leads"]


def _programme_sentences(document: ParsedDocument, programme: Programme) -> list[tuple[Span, str]]:
    """The sentences that speak of the programme, with the window each is: its own sentences, its box
    item's, and the rest of a paragraph it opens (强化…核对机制建设。…推进民政与教育、公安…等部门信息共享)."""
    text = document.text.text
    found = {}
    for mention in programme.mentions:
        sentence = sentence_of(document, mention.start)
        found.setdefault(sentence, "clause")
        if leads_paragraph(text, sentence):
            for following in led_sentences(text, sentence):
                found.setdefault(following, "paragraph")
    if programme.item is not None:
        for sentence in sentences_in(text, programme.item.body or programme.item.span):
            found.setdefault(sentence, "item")
    return list(found.items())


def _roles(text: str, sentence: Span, mentions: list[BodyMention]) -> list[str | None]:
    """Each body's role; a list of bodies (A、B和C等部门…联动; 市县、乡镇人民政府属地责任) shares the role its last
    member is given."""
    roles = [_role(text, sentence, mentions, i) for i in range(len(mentions))]
    joints = measures_lexicon().raw["bodies"]["list_joints"]
    for i in range(len(mentions) - 2, -1, -1):
        between = text[mentions[i].span.end : mentions[i + 1].span.start]
        if roles[i] is None and roles[i + 1] is not None and between in joints:
            roles[i] = roles[i + 1]
    return roles


def _role(text: str, sentence: Span, mentions: list[BodyMention], index: int) -> str | None:
    rules = measures_lexicon().raw["bodies"]
    body = mentions[index]
    gap = rules["max_gap"]
    before = text[max(sentence.start, body.span.start - 1) : body.span.start]
    after = text[body.span.end : min(sentence.end, body.span.end + gap + 2)]
    if (role := _role_before(text, sentence, mentions, index, rules)) is not None:
        return role
    if index > 0:
        between = text[mentions[index - 1].span.end : body.span.start]
        if any(between.strip("、").startswith(w) for w in rules["with_words"]):
            return "cooperating"
        if between == "、" and _role(text, sentence, mentions, index - 1) == "cooperating":
            return "cooperating"
    if before == "由" and "负责" in text[body.span.end : sentence.end][:12]:
        return "responsible"
    for word, role in rules["roles"].items():
        position = after.find(word)
        if 0 <= position <= gap:
            return role
    if index + 1 < len(mentions) and text[body.span.end : mentions[index + 1].span.start] in rules["lead_joints"]:
        return "lead"  # 民政与教育、公安等部门…共享: the body the others join
    return _list_role(text, sentence, body, rules)


def _role_before(text: str, sentence: Span, mentions: list[BodyMention], index: int, rules: dict) -> str | None:
    """A role written before the bodies (配合妇儿工委和卫健部门推进…: they lead, the plan's own side helps),
    shared along a list (和, 、)."""
    start = mentions[index].span.start
    for word, role in rules["roles_before"].items():
        if text[max(sentence.start, start - len(word)) : start] == word:
            return role
    if index > 0 and text[mentions[index - 1].span.end : start] in rules["list_joints"]:
        return _role_before(text, sentence, mentions, index - 1, rules)
    return None


def _list_role(text: str, sentence: Span, body: BodyMention, rules: dict) -> str | None:
    """A list's last member, its shared head (等部门和机构) skipped: 联动, 协同, 共享, 参与 after it make the list cooperate."""
    after = text[body.span.end : sentence.end]
    after = re.sub(f"^(、[^、,，;；。等]{{1,{rules['list_more_member']}}})*", "", after, count=1)
    after = re.sub(rules["list_tail"], "", after, count=1)
    window = after[: rules["cooperation_reach"]]
    return "cooperating" if any(word in window for word in rules["cooperation_words"]) else None
