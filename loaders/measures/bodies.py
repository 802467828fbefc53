"""Organisations a sentence names: recognised by their head word, split when coordinated.

A body's name ends in a head word (部门, 厅, 局, 委员会, 联席会议, 残联 …) and grows
leftwards over nouns; ``民政、公安、教育等部门`` names three bodies.  A scope word
(各级, 全省) is dropped from the canonical name, a bare level word is the plan's
own place (省民政厅 → 海南省民政厅), and a name the bodies vocabulary knows
(as a label or an abbreviation) is that concept.  Word lists:
``ontology/lexicon/measures.yaml`` (``bodies``).
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from functools import cache

from rdflib import URIRef

from ..places import leading_place, qualify
from ..model import Span
from ..vocab import bodies as body_vocabulary
from .lexicon import measures_lexicon
from .segment import Token, cut

COUNTS = frozenset("一二两三四五六七八九十")
NAME_FLAGS = frozenset({"n", "nt", "ns", "nz", "nr", "j", "vn", "nh", "ng", "an", "a", "b", "l"})


@dataclass(frozen=True)
class BodyMention:
    written: str  # as in the text
    canonical: str  # without scope words, qualified by the plan's place where bare
    concept: URIRef | None  # the bodies vocabulary's concept, when it knows the name
    span: Span


@cache
def _rules() -> dict:
    rules = measures_lexicon().raw["bodies"]
    heads = [*rules["heads"], *rules["role_bodies"]]  # a role's name (党建工作机构) ends a body as a head does
    return {**rules, "heads": sorted(heads, key=len, reverse=True), "head_set": frozenset(heads),
            "head_lengths": sorted({len(h) for h in heads}, reverse=True),
            "scope_prefixes": sorted(rules["scope_prefixes"], key=len, reverse=True)}


def bodies_in(text: str, span: Span, jurisdiction: str | None = None) -> list[BodyMention]:
    """The organisations named in ``text[span]``, in order."""
    words = text[span.start : span.end]
    rules = _rules()
    if not any(head in words for head in rules["heads"]) and not any(level in words for level in rules["level_bodies"]) \
            and not any(name in words for name in rules["written_bodies"]):
        return []
    tokens = cut(words, span.start)
    found: list[BodyMention] = _level_bodies(text, tokens, rules) + _written(words, span.start, rules)
    for index, token in enumerate(tokens):
        head_start = _split_head_start(tokens, index, rules)
        if head_start is not None or _is_head(token, rules) or _placed_short_head(tokens, index, rules):
            found += _named(tokens, index, rules, jurisdiction, index if head_start is None else head_start)
    found = list({(b.span, b.canonical): b for b in found}.values())  # 浙江省委 read from 省委 and from 省委省政府
    found = [b for b in found if not re.match(rules["not_body_after"], text[b.span.end : b.span.end + 8])]
    outer = [b for b in found if not any(o is not b and o.span.start <= b.span.start and b.span.end <= o.span.end
                                         and (o.span.end - o.span.start) > (b.span.end - b.span.start) for o in found)]
    return sorted(outer, key=lambda b: b.span.start)


def _written(words: str, offset: int, rules: dict) -> list[BodyMention]:
    """Bodies the lexicon knows as written (``written_bodies``): with a bracket inside, which the segmenter
    cuts there (村(居)委会), or without a head word (党中央, 国务院); not inside a title or a quotation."""
    vocabulary, found = body_vocabulary(), []
    for written, canonical in rules["written_bodies"].items():
        concept = vocabulary.concept(canonical)
        named = vocabulary.preferred.get(concept, canonical) if concept is not None else canonical
        for match in re.finditer(re.escape(written), words):
            if not _inside_title_or_quote(words[: match.start()]):  # 《国务院关于…的意见》: a cited title
                found.append(BodyMention(written, named, concept, Span(offset + match.start(), offset + match.end())))
    return found


def _level_bodies(text: str, tokens: list[Token], rules: dict) -> list[BodyMention]:
    """A level written alone before a role word (构建乡镇牵头): that level's government, as the lexicon names it.
    The level must be a word of its own (not 城乡 + 镇)."""
    return [BodyMention(token.word, canonical, body_vocabulary().concept(canonical), Span(token.start, token.end))
            for token in tokens if (canonical := rules["level_bodies"].get(token.word)) is not None
            and text.startswith(tuple(rules["roles"]), token.end)]


def _is_head(token: Token, rules: dict) -> bool:
    """Whether ``token`` ends an organisation's name (民政厅, 部门, 联席会议, 省委)."""
    if body_vocabulary().concept(token.word) is not None or token.word in rules["party_committees"]:
        return True
    if token.word in rules["not_bodies"] or token.flag not in NAME_FLAGS:
        return False
    head = _head_of(token.word, rules)
    if head is None:
        return False
    if head in rules["short_heads"]:
        return token.flag in rules["short_head_flags"] and len(token.word) >= 2
    return True


def _placed_short_head(tokens: list[Token], index: int, rules: dict) -> bool:
    """A one-character head cut off by the segmenter (省农业农村厅: 省 + 农业 + 农村 + 厅) ends a body when a level
    word or a place starts the words before it: alone, 局 or 部 is too often part of another word."""
    if tokens[index].word not in rules["short_heads"]:
        return False
    stop_words = measures_lexicon().stop_words
    for first in range(index - 1, max(index - 1 - rules["placed_short_head_reach"], -1), -1):
        before = tokens[first]
        if first < index - 1 and (before.word in rules["jurisdiction_prefixes"] or before.flag == "ns"):
            return True
        if before.flag not in NAME_FLAGS or before.word in stop_words or before.word in rules["not_bodies"]:
            return False
    return False


def _split_head_start(tokens: list[Token], index: int, rules: dict) -> int | None:
    """The first token of a head the segmenter cut in two and ``tokens[index]`` ends (救助 + 管理站: 省救助管理站;
    领导 + 小组), or None.  The head's tokens belong to the name whatever their tags (领导 is a verb and a stop
    word): the name grows before them."""
    token = tokens[index]
    if token.flag not in NAME_FLAGS or token.word in rules["not_bodies"]:
        return None
    word, first = token.word, index
    while first > 0 and len(word) < rules["head_lengths"][0]:  # no head is longer than the longest
        first -= 1
        word = tokens[first].word + word
        head = _head_of(word, rules)
        if head is not None and len(head) > len(token.word) and head not in rules["short_heads"]:
            return first
    return None


def _head_of(word: str, rules: dict) -> str | None:
    for length in rules["head_lengths"]:
        if len(word) >= length and word[-length:] in rules["head_set"]:
            return word[-length:]
    return None


def _named(tokens: list[Token], index: int, rules: dict, jurisdiction: str | None,
           head_start: int) -> list[BodyMention]:
    """The bodies a name ending at ``tokens[index]`` gives, its head starting at ``tokens[head_start]``."""
    crossing = tuple(rules["crossing_words"])
    if tokens[head_start].word.startswith(crossing) or (head_start > 0 and tokens[head_start - 1].word in crossing):
        return []  # 跨部门, 跨 + 部门: crossing departments, no body (nor the members of 跨层级、跨部门)
    first = head_start
    length = sum(len(t.word) for t in tokens[head_start : index + 1])
    while first > 0:
        before = tokens[first - 1]
        level_word = before.word in rules["jurisdiction_prefixes"]
        if ((before.flag not in NAME_FLAGS and not level_word) or before.word in measures_lexicon().stop_words
                or before.word[0] in "和与及" or re.match(rules["tiers"], before.word)
                or length + len(before.word) > rules["max_name"]):
            break
        first, length = first - 1, length + len(before.word)
    if first > 0 and tokens[first - 1].word in COUNTS:
        return []  # a counted slogan with its quotation marks lost: 一核两委一会
    if (first > 0 and tokens[first - 1].word in rules["own_level_scopes"]
            and not tokens[index].word.endswith(tuple(rules["many_bodies_heads"]))):
        first -= 1  # 全省 is a stop word of names, but the level of this body (not of 全省民政部门: all of them)
    written = "".join(t.word for t in tokens[first : index + 1])
    if written in rules["not_bodies"]:
        return []
    if _quoted_or_titled(tokens, first) or not _placed(tokens, first, index, rules):
        return []
    span = Span(tokens[first].start, tokens[index].end)
    mentions = [mention for name, part in _pair(written, span, rules)  # 浙江省委省政府: the committee and the government
                if (mention := _mention(name, part, rules, jurisdiction)) is not None]
    shared = next((h for h in rules["shared_heads"] if written.endswith(h)), None)
    # 教育、公安等部门 and 教育、公安部门 share the head; in 制度衔接、资源统筹、部门协同 部门 is a member of its own,
    # and a role's name is whole (审批、民政、业务主管单位: no 民政单位)
    before = _past_kind_words(tokens, first, rules)
    if shared is not None and (written != shared or (before >= 0 and tokens[before].word == "等")) \
            and not written.endswith(tuple(rules["role_bodies"])):
        mentions = _coordinated(tokens, before, shared, rules, jurisdiction) + mentions
    return mentions


def _pair(written: str, span: Span, rules: dict) -> list[tuple[str, Span]]:
    """A committee and a government written as one word (浙江省委省政府), each with its span; the
    government takes the committee's place (浙江省政府).  Any other name is itself."""
    pair = re.match(rules["paired_bodies"], written)
    if pair is None:
        return [(written, span)]
    first, second = pair["first"], pair["second"]
    second = first[:-1] + (second[1:] if second[0] == first[-2] else second)  # 省政府 / 人民政府 after 浙江省委
    return [(first, Span(span.start, span.start + pair.end("first"))),
            (second, Span(span.start + pair.start("second"), span.end))]


def _quoted_or_titled(tokens: list[Token], first: int) -> bool:
    """Inside 《…》 (a law's title) or “…” (a slogan): no body acting."""
    return _inside_title_or_quote("".join(t.word for t in tokens[:first]))


def _inside_title_or_quote(before: str) -> bool:
    """Whether the words ``before`` a place leave a 《 or a “ open."""
    return before.count("《") > before.count("》") or before.count("“") > before.count("”")


def _placed(tokens: list[Token], first: int, index: int, rules: dict) -> bool:
    """政府 and 党委 name a body only with a place or level before them (乡镇人民政府, 省政府)."""
    word = tokens[index].word
    if not any(word.endswith(h) for h in rules["needs_place"]):
        return True
    if word in rules["party_committees"] and word not in rules["needs_place"]:
        return True  # 省委, 市委: the level is in the word
    stem = "".join(t.word for t in tokens[first:index]) or word[: -2]
    places = [t for t in tokens[first:index] if t.flag == "ns"]
    return bool(places) or any(stem.startswith(p) or word.startswith(p) for p in rules["place_words"])


def _coordinated(tokens: list[Token], before: int, head: str, rules: dict,
                 jurisdiction: str | None) -> list[BodyMention]:
    """``教育、公安、人力资源社会保障等部门``: each member of the list that ends at ``before`` (its 等 or last 、)
    + the shared head."""
    j = before
    if j >= 0 and tokens[j].word == "等":
        j -= 1
    elif j < 0 or tokens[j].word != "、":
        return []
    mentions: list[BodyMention] = []
    joints, last_joints = rules["member_joints"], rules["last_joints"]
    members = 0
    joint = lambda word: word in joints or (members == 1 and word in last_joints)  # noqa: E731  和 before the last
    while j >= 0:
        if joint(tokens[j].word):
            j -= 1
            continue
        end = j
        j = _member_start(tokens, end, rules["max_member"]) - 1
        if members >= 1 and j > 0 and tokens[j].word in last_joints and tokens[end + 1].word in joints:
            j = _member_start(tokens, j - 1, rules["max_member"]) - 1  # 和 inside an earlier member
        if j == end:
            break
        members += 1
        member = tokens[j + 1 : end + 1]
        words = "".join(t.word for t in member)
        name = words if words.endswith((*rules["heads"], *rules["shared_heads"])) else words + head  # 党建工作机构
        mention = _mention(name, Span(member[0].start, member[-1].end), rules, jurisdiction)
        if mention is not None:
            mentions.append(mention)
        if j < 0 or not joint(tokens[j].word):
            break
    return mentions


def _past_kind_words(tokens: list[Token], first: int, rules: dict) -> int:
    """The position of the list's 等 before ``first``, past the words of kind between them (民政、财政等相关部门,
    等有关部门); else the position just before ``first`` (A、相关职能部门: a list of two, sharing no head)."""
    j = first - 1
    while j > 0 and tokens[j].word in rules["kind_words"]:
        j -= 1
    return j if j >= 0 and tokens[j].word == "等" else first - 1


def _member_start(tokens: list[Token], end: int, max_member: int) -> int:
    """The first token of the list member ending at ``end``: back over words of a name, at most
    ``max_member`` characters (``end + 1`` when the token at ``end`` cannot be in a name)."""
    lex = measures_lexicon()
    j = end
    while j >= 0 and tokens[j].flag not in lex.stop_flags and tokens[j].word not in lex.stop_words \
            and tokens[end].end - tokens[j].start <= max_member:
        j -= 1
    return j + 1


def _mention(written: str, span: Span, rules: dict, jurisdiction: str | None) -> BodyMention | None:
    if len(written) > 2 and written[0] in rules["lead_characters"] and written[1] in rules["jurisdiction_prefixes"]:
        written, span = written[1:], Span(span.start + 1, span.end)  # 经县发展和改革委员会同意
    role = next((r for r in rules["role_bodies"] if written.endswith(r)), None)
    if role is not None:  # 各登记管理机关, 社会组织登记管理机关: the role's one body, written bare or as its name has it
        full = rules["role_bodies"][role]
        if written.removesuffix(role) in ("", full.removesuffix(role), *rules["scope_prefixes"]):
            return BodyMention(written, full, None, span)
    canonical = _scoped(written, rules)
    if canonical in rules["generic"] or written in rules["generic"] or len(canonical) < 2:
        return None
    for short, full in rules["abbreviations"].items():
        if short in canonical and full not in canonical:
            canonical = canonical.replace(short, full)
            break
    head = next((h for h in rules["heads"] if canonical.endswith(h)), "")
    stem = canonical[: len(canonical) - len(head)]
    for word in sorted(rules["generic_stems"], key=len, reverse=True):
        stem = stem.replace(word, "")
    if head and len(stem) < 1 and canonical not in rules["party_committees"]:
        return None
    canonical = _full_form(qualify(_placed_prefix(canonical, rules, jurisdiction), jurisdiction), rules)
    vocabulary = body_vocabulary()
    concept = vocabulary.concept(canonical) or vocabulary.concept(written)
    if concept is not None:
        canonical = vocabulary.preferred.get(concept, canonical)
    return BodyMention(written, canonical, concept, span)


def _scoped(written: str, rules: dict) -> str:
    """A body's name without the scope it was written with (各级民政部门 → 民政部门), or with its scope as its
    level when the scope is one body's (全省社会救助厅际联席会议 → 省…, then the plan's province's; 全国老龄工作
    委员会 keeps 全国: the national body)."""
    one_body = not written.endswith(tuple(rules["many_bodies_heads"]))  # 全国民政部门: all of them
    for scope, level in rules["own_level_scopes"].items():
        if one_body and written.startswith(scope) and len(written) > len(scope) + 1:
            return level + written[len(scope):]
    for prefix in rules["scope_prefixes"]:
        if written.startswith(prefix) and len(written) > len(prefix) + 1:
            return written[len(prefix):]
    return written


def _placed_prefix(name: str, rules: dict, jurisdiction: str | None) -> str:
    """A committee or government keeps what stands before it only when that is a place (威海市委: the
    gazetteer's, or the plan's own); words the name grew over (紧紧围绕省委, 五中全会省委) are dropped,
    leaving 省委 to be qualified by the plan's place."""
    bare = name.removeprefix("中共")
    for short in rules["full_forms"]:
        if bare.endswith(short) and len(bare) > len(short):
            written = bare[: -len(short)] + short[0]
            place = leading_place(written)
            return name if written == jurisdiction or (place is not None and place.written == written) else short
    return name


def _full_form(name: str, rules: dict) -> str:
    """The full name of a place's party committee or government (威海市委 → 中共威海市委员会)."""
    bare = name.removeprefix("中共")
    for short, pattern in rules["full_forms"].items():
        if bare.endswith(short) and len(bare) > len(short):
            return pattern.format(place=bare[: -len(short)])
    return name
