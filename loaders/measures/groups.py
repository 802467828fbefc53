"""Target groups a piece of text names, kept as written and linked to vocabulary concepts.

The vocabulary matcher finds labels longest first (农村留守老年人, not 老年人).
Around each label this module reads what the matcher alone cannot:

- coordinated modifiers share the head: 高龄、失能老人 → 高龄老年人, 失能老年人;
- a qualifier before them applies to each: 经济困难的高龄、失能老人 → 经济困难高龄
  老年人, 经济困难失能老年人 — where the vocabulary has the qualified concept; where
  it lacks it but has the qualifier with the head, that group is named too
  (特殊困难高龄、失能老年人 → 特殊困难老年人, 高龄老年人, 失能老年人); else the mention
  keeps its words and links to the concept it narrows (分散供养的特困老年人 → 特困老年人);
- a label followed by a word of ``not_recipient_after`` (供养服务设施, 照护者 …) names
  a facility, a post or carers, not recipients, and is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import URIRef

from ..lexicon import load_lexicon
from ..model import Span
from ..vocab import Vocabulary, target_groups

MAX_MODIFIER = 6  # characters of one coordinated modifier (高龄, 经济困难)
MAX_MEMBER = 8  # characters of one member of a list before 等 (计划生育特殊家庭)


@dataclass(frozen=True)
class GroupMention:
    written: str  # the words of the text, qualifier and coordination included
    concepts: tuple[URIRef, ...]  # each group the words name (an abbreviation expanded)
    span: Span


def groups_in(text: str, span: Span, in_name: bool = False) -> list[GroupMention]:
    """The target groups named as recipients in ``text[span]``, in order.

    In a programme's own name, a field word after the group (未成年人保护工作机制,
    儿童福利政策) still names whom the programme is for.
    """
    groups = target_groups()
    words = text[span.start : span.end]
    rules = load_lexicon("groups")
    cancel = tuple(w for w in rules["not_recipient_after"] if not (in_name and w in rules["field_words"]))
    mentions = []
    for match in groups.find(words):
        if words[match.end :].replace("\n", "").startswith(cancel):
            continue
        start, concepts = _coordination(groups, words, match.start, match.label, match.concept)
        written = words[start : match.end]
        expanded = tuple(dict.fromkeys(g for c in concepts for g in groups.expand(c)))
        mentions.append(GroupMention(written, expanded, Span(span.start + start, span.start + match.end)))
    return mentions


@cache
def _head_words() -> tuple[str, ...]:
    return tuple(load_lexicon("groups")["coordination_heads"])


def _coordination(groups: Vocabulary, words: str, start: int, label: str,
                  concept: URIRef) -> tuple[int, list[URIRef]]:
    """Modifiers written before ``label`` that share its head, and a qualifier before them all."""
    head = next((h for h in sorted(_head_words(), key=len, reverse=True) if label.endswith(h)), None)
    concepts, position = [concept], start
    while head is not None and position > 1 and words[position - 1] in "、和及":
        found = _modifier_before(groups, words, position - 1, head)
        if found is None:
            break
        modifier, named = found
        concepts.insert(0, named)
        position -= len(modifier) + 1
    deng = _deng_before(words, position)
    if head is not None and deng is not None:
        members, position = _members_before(groups, words, deng, head, position)
        concepts = members + concepts
    for qualifier in _qualifiers_before(words, position):
        qualified = [_qualified(groups, qualifier.rstrip("的"), c) for c in concepts]
        if any(q is not None for q in qualified):
            concepts = [q or c for q, c in zip(qualified, concepts)]
            return position - len(qualifier), concepts
    for qualifier in _qualifiers_before(words, position) if head is not None else ():
        # 特殊困难高龄、失能、残疾老年人: no 特殊困难高龄老年人 in the vocabulary, but they are 特殊困难老年人 too
        named = _concept(groups, qualifier.rstrip("的"), head)
        if named is not None and named not in concepts:
            return position - len(qualifier), [named, *concepts]
    return position, concepts


def _deng_before(words: str, position: int) -> int | None:
    """Where the 等 closing a list before the group at ``position`` stands: right before it, or before a
    word of category between (失能、重残、留守、独居、失独等特殊老年人: 特殊 qualifies the whole list)."""
    for between in ("", *load_lexicon("groups")["category_words"]):
        at = position - len(between) - 1
        if at > 0 and words[at] == "等" and words[at + 1 : position] == between:
            return at
    return None


def _members_before(groups: Vocabulary, words: str, end: int, head: str, start: int) -> tuple[list[URIRef], int]:
    """The members of a list ending in 等 before a category (重残、失能、留守、空巢、计划生育特殊家庭等特殊困难
    老年人): each takes the category's head (重残老年人 …); where one names no group, none is read."""
    members, position = [], end
    while position > 0:
        found = _modifier_before(groups, words, position, head, MAX_MEMBER)
        if found is None:
            return [], start
        modifier, named = found
        members.insert(0, named)
        position -= len(modifier)
        if position == 0 or words[position - 1] not in "、和及":
            break
        position -= 1
    return members, position


def _qualifiers_before(words: str, end: int) -> list[str]:
    """The words before ``end`` that may qualify a group (经济困难的, 特殊困难), longest first."""
    found = []
    for length in range(MAX_MODIFIER + 1, 1, -1):
        piece = words[max(0, end - length) : end]
        if len(piece) == length and re.fullmatch(r"[\u4e00-\u9fff]+", piece):
            found.append(piece)
    return found


def _modifier_before(groups: Vocabulary, words: str, end: int, head: str,
                     longest: int = MAX_MODIFIER) -> tuple[str, URIRef] | None:
    """The longest modifier ending at ``end`` that names a group with ``head`` (高龄 + 老人)."""
    for length in range(min(longest, end), 0, -1):
        modifier = words[end - length : end]
        named = _concept(groups, modifier, head)
        if named is not None:
            return modifier, named
    return None


def _concept(groups: Vocabulary, modifier: str, head: str) -> URIRef | None:
    """The group ``modifier`` + ``head`` names, the head also read as its synonym (老人: 老年人)."""
    synonym = load_lexicon("groups")["head_synonyms"].get(head)
    for form in (modifier + head, modifier + synonym if synonym else None):
        if form and groups.concept(form) is not None:
            return groups.concept(form)
    return None


def _qualified(groups: Vocabulary, qualifier: str, concept: URIRef) -> URIRef | None:
    """The concept ``qualifier`` + ``concept``'s labels names, when the vocabulary has it."""
    for label in groups.labels_of.get(concept, ()):
        for form in (qualifier + label, qualifier + "的" + label):
            if groups.concept(form) is not None:
                return groups.concept(form)
    return None
