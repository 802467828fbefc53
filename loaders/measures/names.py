"""Names of measures in a sentence: a noun-phrase chunker over jieba's tokens.

A name ends in a head word (工程, 行动, 试点, 制度, 体系 … in
``ontology/lexicon/measures.yaml``) and grows leftwards from it over words that
can be part of a name, stopping at a verb of launching or of policy (实施, 建立,
健全 …), an adverb, punctuation, 的, 等, a preposition or a number.  So the verb may
stand anywhere before the name (实施X工程, 被确定为X试点城市, 成功创建X示范区).

- Names that share a head in a list are one name each: A、B和C工程 → A工程, B工程,
  C工程; “A”“B”等专项行动 → “A”专项行动, “B”专项行动.  A conjunction inside a name
  (居家和社区适老化改造工程) stays, unless the words before it end in a head of their
  own (A补贴和B补贴制度: two names).
- Heads such as 制度, 体系, 机制 are generic on their own: such a name counts only
  when it is specific (names a group, carries a quotation or a count, or keeps
  words once generic modifiers are taken away).
- A quoted phrase that is not part of a headed name names a way of working
  (“一门受理、协同办理”), unless it is a period, a slogan or a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import load_lexicon
from ..model import Span
from ..vocab import target_groups
from .groups import groups_in
from .lexicon import MeasuresLexicon, measures_lexicon
from .segment import HEAD, ORGANISATION, Token, cut

QUOTED = "q"  # the flag of a token made of a whole quotation
_DIGIT = re.compile(r"[0-9０-９%.]")
# a heading's or a list item's number run into the text: (二)残疾人社会保障体系, 1儿童福利保障政策
_NUMBER = re.compile(r"[一二三四五六七八九十百0-9]+")
_MARKER = re.compile(r"^(?:[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+[.、]?)")


@dataclass(frozen=True)
class NameMatch:
    name: str
    kind: str
    span: Span  # the words of the name as written (for a shared head: its own words through the head)
    how: str  # 'headed', 'described', 'shared-head', 'quoted' or 'known'


def names_in(text: str, sentence: Span) -> list[NameMatch]:
    """Every measure named in ``text[sentence]``, in order, without overlaps."""
    words = text[sentence.start : sentence.end]
    lex = measures_lexicon()
    if "“" not in words and "+" not in words and not any(head in words for head in lex.heads):
        return _known(words, sentence.start)
    tokens = _merge_slogans(_merge_quotes(cut(words, sentence.start)), lex)
    found: list[NameMatch] = []
    used: set[int] = set()
    for index, token in enumerate(tokens):
        whole = _whole_quoted(tokens, index, lex)
        if whole is not None:
            found.append(whole)
            used.add(index)
            continue
        head = _head(tokens, index, lex)
        if head is None:
            continue
        for match, covered in _headed(tokens, index, head, lex):
            if _acceptable(match, lex):
                found.append(match)
                used |= covered
    found += [m for i, t in enumerate(tokens) if t.flag == QUOTED and i not in used
              for m in [_quoted(tokens, i, lex)] if m is not None]
    found += [m for i, t in enumerate(tokens) if t.word == "+" and i not in used
              for m in [_plus_joined(tokens, i, lex)] if m is not None]
    found += _known(words, sentence.start)
    qualifiers = _group_qualifiers(text, sentence)
    return _without_overlaps([_qualified(_unwrapped(m), text, qualifiers) for m in found])


def _group_qualifiers(text: str, sentence: Span) -> list[Span]:
    """Where the sentence qualifies a group with a phrase and 的 (经济困难的高龄、失能老人): the group
    mention's span from its qualifier to the group's end; the qualifier is the part up to 的."""
    if "的" not in text[sentence.start : sentence.end]:
        return []
    return [m.span for m in groups_in(text, sentence)
            if "的" in text[m.span.start : m.span.end]]


def _qualified(match: NameMatch, text: str, qualifiers: list[Span]) -> NameMatch:
    """A name that starts inside a qualified group's words (经济困难的高龄、失能老人补贴) takes the
    qualifier: 经济困难的高龄老人补贴, 经济困难的失能老人补贴 — whom it is for, as written."""
    if match.how not in ("headed", "shared-head"):
        return match
    for group in qualifiers:
        qualifier_end = text.rfind("的", group.start, match.span.start) + 1
        if group.start < match.span.start < group.end and qualifier_end > group.start:
            qualifier = text[group.start : qualifier_end]
            if not re.fullmatch(r"[\u4e00-\u9fff]+的", qualifier) or match.name.startswith(qualifier):
                return match
            return NameMatch(qualifier + match.name, match.kind, Span(group.start, match.span.end), match.how)
    return match


def _unwrapped(match: NameMatch) -> NameMatch:
    """A name written across a line break (a wrapped line, “\n金民工程”) is the same name without it."""
    if not re.search(r"\s", match.name):
        return match
    return NameMatch(re.sub(r"\s+", "", match.name), match.kind, match.span, match.how)


def _known(words: str, offset: int) -> list[NameMatch]:
    """Brands and names the lexicon knows (海螺姑娘), wherever written, even run into others."""
    known = load_lexicon("programmes")["known"]
    found = []
    for name, kind in known.items():
        start = words.find(name)
        while start >= 0:
            found.append(NameMatch(name, kind, Span(offset + start, offset + start + len(name)), "known"))
            start = words.find(name, start + len(name))
    return found


def _merge_quotes(tokens: list[Token]) -> list[Token]:
    """A quotation “…” of reasonable length becomes one token flagged ``q``."""
    limit = measures_lexicon().raw["max_quote"] + 2
    merged, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        if token.word == "“":
            close = next((j for j in range(index + 1, len(tokens)) if tokens[j].word in "“”"), None)
            if close is not None and tokens[close].word == "”" and tokens[close].end - token.start <= limit:
                word = "".join(t.word for t in tokens[index : close + 1])
                merged.append(Token(word, QUOTED, token.start, tokens[close].end))
                index = close + 1
                continue
        merged.append(token)
        index += 1
    return merged


def _merge_slogans(tokens: list[Token], lex: MeasuresLexicon) -> list[Token]:
    """A slogan written without its quotes (不忘初心、牢记使命主题教育) becomes one token: its 、 is no list."""
    slogans = [q for q in lex.raw["stop_quotes"] if "、" in q]
    merged, index = [], 0
    while index < len(tokens):
        end = _slogan_end(tokens, index, slogans)
        if end is None:
            merged.append(tokens[index])
            index += 1
        else:
            word = "".join(t.word for t in tokens[index : end + 1])
            merged.append(Token(word, "n", tokens[index].start, tokens[end].end))
            index = end + 1
    return merged


def _slogan_end(tokens: list[Token], index: int, slogans: list[str]) -> int | None:
    """The last token of the slogan that starts at ``tokens[index]``, or None."""
    run = ""
    for end in range(index, len(tokens)):
        run += tokens[end].word
        if run in slogans:
            return end
        if not any(slogan.startswith(run) for slogan in slogans):
            return None
    return None


def _whole_quoted(tokens: list[Token], index: int, lex: MeasuresLexicon) -> NameMatch | None:
    """A name quoted whole, head and all (“金民工程”, “福康工程”): the name without its quotes; with the words
    of what it applies to before it, as written (婚姻登记“跨省通办”), but not a body or a place owning it
    (民政部“金民工程”)."""
    token = tokens[index]
    if token.flag != QUOTED:
        return None
    inner = token.word[1:-1]
    head = lex.head_of(inner)
    if head is None or len(inner) - len(head) < lex.raw["min_modifier"] or "、" in inner:
        return None  # a quoted list (“八大发展战略、九大改革攻坚行动”) is no one headed name
    first = _drop_leading(tokens, _grow(tokens, index - 1, lex, lex.raw["max_name"] - len(token.word)), index, lex)
    before = tokens[first:index]
    if before and not any(t.flag in lex.raw["owner_flags"] or t.flag == QUOTED or _DIGIT.search(t.word)
                          for t in before) and lex.head_of(before[-1].word) is None:  # 80预期性10: a table's row
        return NameMatch("".join(t.word for t in before) + token.word, lex.heads[head],
                         Span(before[0].start, token.end), "headed")
    return NameMatch(inner, lex.heads[head], Span(token.start + 1, token.end - 1), "headed")


def _head(tokens: list[Token], index: int, lex: MeasuresLexicon) -> str | None:
    """The head word token ``index`` ends with, when it ends a name here."""
    token = tokens[index]
    if token.flag == QUOTED or token.word in lex.stop_words:
        return None
    head = lex.head_of(token.word)
    if head is None or (head in lex.raw["verb_heads"] and index > 0
                        and tokens[index - 1].flag in lex.raw["verb_before"]):
        return None  # 民政系统迅速行动: a verb
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and (any(following.word.startswith(b) for b in lex.raw["head_blockers"])
                                  or (lex.head_of(following.word) and following.flag != QUOTED)):
        return None  # 项目库, 制度体系: a modifier of what follows
    if following is not None and following.flag == "n" and lex.heads[head] in lex.raw["noun_modified_kinds"]:
        return None  # 政策环境, 政策优势, 政策范围: a policy before a noun qualifies it
    return head


def _is_material(token: Token, lex: MeasuresLexicon) -> bool:
    """Whether ``token`` can be part of a name (a noun, a verb of content, a quotation …)."""
    if token.flag == QUOTED:
        return True
    if token.word in lex.stop_words:
        return False
    if token.word in "()()·+":
        return True
    if token.flag in ("m", "t"):
        return not _DIGIT.search(token.word)
    return token.flag not in lex.stop_flags


def _grow(tokens: list[Token], start: int, lex: MeasuresLexicon, budget: int) -> int:
    """The first index of the run of name material that ends at ``start`` (``start + 1`` when none).

    The run stops at an earlier head once it holds enough words to be a name of its own
    (孤儿医疗康复明天计划福彩圆梦·孤儿助学工程, run together, is two names), but goes on
    through one that only qualifies a short tail (养老服务体系建设工程).
    """
    first, length = start + 1, 0
    for j in range(start, -1, -1):
        if not _is_material(tokens[j], lex) or length + len(tokens[j].word) > budget:
            break
        if length >= lex.raw["own_name"] and j < start and _head(tokens, j, lex) is not None:
            break
        first, length = j, length + len(tokens[j].word)
    return _balanced(tokens, first, start)


def _balanced(tokens: list[Token], first: int, last: int) -> int:
    """Move ``first`` right past a bracket whose partner is outside the run: one closed before
    it, or one left open in it (打造一个品牌(“惠民兴政”服务品牌): the name starts after it)."""
    while first <= last and tokens[first].word in ")）":
        first += 1
    depth, opened_at = 0, None
    for j in range(first, last + 1):
        if tokens[j].word in "(（":
            depth, opened_at = depth + 1, (j if depth == 0 else opened_at)
        elif tokens[j].word in ")）" and depth:
            depth -= 1
    if depth and opened_at is not None:
        first = opened_at + 1
    opened = sum(t.word in "(（" for t in tokens[first : last + 1])
    closed = sum(t.word in ")）" for t in tokens[first : last + 1])
    while first <= last and closed > opened and tokens[first].word not in "(（":
        first += 1
        closed = sum(t.word in ")）" for t in tokens[first : last + 1])
    return first


def _headed(tokens: list[Token], index: int, head: str, lex: MeasuresLexicon):
    """The name(s) ending at head token ``index``: one, or one per member of a shared-head list."""
    max_name = lex.raw["max_name"]
    first = _grow(tokens, _past_nominal_verb(tokens, index, lex), lex, max_name - len(tokens[index].word))
    kind = lex.heads[head]
    before = tokens[first - 1] if first > 0 else None
    if before is not None and _heading_number(tokens, first - 1):
        before = None  # 一、社会救助体系建设工程: a heading's number, not a list
    # “A”“B”等专项行动: every quotation before 等 takes the head.
    run = "".join(t.word for t in tokens[first:index])
    if len(run) <= lex.raw["shared_prefix"] and before is not None and before.word == "等" \
            and first >= 2 and tokens[first - 2].flag == QUOTED:
        for position in _quoted_list(tokens, first - 2):
            quote = tokens[position]
            yield (NameMatch(quote.word + run + tokens[index].word, kind, Span(quote.start, quote.end),
                             "shared-head"), {position, index})
        return
    described = _described(tokens, first, index, kind, lex)
    if described is not None:  # 居家社区机构相协调、医养康养相结合的养老服务体系: the clause is its name's
        name = "".join(t.word for t in tokens[described : index + 1])
        yield NameMatch(name, kind, Span(tokens[described].start, tokens[index].end), "described"), \
            set(range(described, index + 1))
        return
    # A、B等部际联席会议制度: each member of a list closed by 等 is one of the things named.
    listed = _listed_names(tokens, first, index, head, kind, lex) \
        if before is not None and before.word == "等" and len(run) <= lex.raw["listed_prefix"] else []
    if listed:
        yield from listed
        return
    # A和B工程, A、B和C工程: a list sharing the head, or one name with 和 inside.
    own_words = first < index or len(tokens[index].word) > len(head)  # 和激励机制: the head token has its own
    if before is not None and before.word in lex.raw["conjunctions"] and own_words:
        left_end = first - 2
        left_first = _grow(tokens, left_end, lex, max_name)
        left_is_name = left_end >= 0 and lex.head_of(tokens[left_end].word) is not None
        in_list = (left_first > 0 and tokens[left_first - 1].word in lex.raw["list_marks"]
                   and not _heading_number(tokens, left_first - 1))
        if left_first <= left_end and not left_is_name and not in_list:
            first = left_first
        elif in_list and _one_name(tokens, left_first, first, index, lex):
            first = _list_start(tokens, left_first, lex)
        elif in_list:
            yield from _shared(tokens, left_first, left_end, _shared_tail(tokens, first, index, head), kind, lex)
    elif before is not None and before.word in lex.raw["list_marks"]:
        if first == index:
            return  # 政策惠民、项目利民: a head that opens a list member is its subject, no shared head
        if _one_name(tokens, first - 1, first, index, lex):
            first = _list_start(tokens, first, lex)
        else:
            yield from _shared(tokens, first - 1, first - 2, _shared_tail(tokens, first, index, head), kind, lex,
                               own_start=True)
    first = _drop_leading(tokens, first, index, lex)
    if all(t.flag == "ns" for t in tokens[first:index]):
        return  # a place and a head (海口市项目): where, not what
    name = _MARKER.sub("", "".join(t.word for t in tokens[first : index + 1]))
    counted = re.search(lex.raw["counted_members"], name)
    if counted and before is not None and before.word in lex.raw["list_marks"]:
        name = name[: counted.start()] + name[counted.end() :]  # …、C三项制度: C制度
    span = Span(tokens[first].start, tokens[index].end)
    yield NameMatch(name, kind, span, "headed"), set(range(first, index + 1))


def _past_nominal_verb(tokens: list[Token], index: int, lex: MeasuresLexicon) -> int:
    """Where the words before head ``index`` end, past a verb used as a noun right before it (社会工作推进机制,
    养老服务创新实验区, 地名文化宣传活动, 救助管理工作领导协调机制): such a verb, with a noun before it,
    is inside the name, not the verb that launches it."""
    verb = index - 1
    if verb > 0 and tokens[verb].flag == "v" and tokens[verb - 1].word in lex.raw["nominal_verbs"]:
        verb -= 1  # 领导 + 协调机制
    if (verb > 0 and tokens[verb].word in lex.raw["nominal_verbs"]
            and _is_material(tokens[verb - 1], lex) and tokens[verb - 1].flag != "v"):
        return verb - 1
    return index - 1


def _heading_number(tokens: list[Token], mark: int) -> bool:
    """Whether the 、 at ``mark`` follows a bare number (一、 二、 3、): a heading's or an item's marker."""
    return (tokens[mark].word == "、" and mark > 0 and bool(_NUMBER.fullmatch(tokens[mark - 1].word))
            and (mark == 1 or tokens[mark - 2].flag == "x"))


def _one_name(tokens: list[Token], list_end: int, first: int, index: int, lex: MeasuresLexicon) -> bool:
    """A list that is part of one name: its tail counts levels or parts (省、市、县三级…网络), or
    its members are levels or target groups (低保、特困、城乡低收入家庭梯度救助格局: one
    格局 for all of them, which serves each)."""
    tail = "".join(t.word for t in tokens[first : index + 1])
    modifier = tail[: len(tail) - len(lex.head_of(tail) or "")]  # the tail without its head word
    if re.search(lex.raw["counted_tail"], tail) or re.search(lex.raw["joint_tail"], modifier):
        return True
    if _slogan(tokens, first, lex):
        return True
    members = [t.word for t in tokens[max(0, list_end - 8) : first] if t.word not in lex.raw["list_marks"]]
    return bool(members) and (all(m in lex.raw["level_words"] for m in members[-3:])
                              or all(_a_group(m) for m in members[-3:]))


def _slogan(tokens: list[Token], first: int, lex: MeasuresLexicon) -> bool:
    """Members each opened by the same numeral (一窗受理、一链办理、一网通办) are one slogan: the last
    member's head is its own, not one the others share."""
    earlier = _member_before(tokens, first, lex)
    return tokens[first].flag == "m" and earlier is not None and tokens[earlier].word == tokens[first].word


def _member_before(tokens: list[Token], first: int, lex: MeasuresLexicon) -> int | None:
    """The first token of the list member before the list mark at ``first - 1``, or None."""
    if first < 2 or tokens[first - 1].word not in lex.raw["list_marks"]:
        return None
    start = _grow(tokens, first - 2, lex, lex.raw["max_name"])
    return start if start <= first - 2 else None


def _list_start(tokens: list[Token], start: int, lex: MeasuresLexicon) -> int:
    """The first token of the 、-list that ends at ``start``."""
    first = start
    while first > 1 and tokens[first - 1].word in lex.raw["list_marks"]:
        earlier = _grow(tokens, first - 2, lex, lex.raw["max_name"])
        if earlier > first - 2:
            break
        first = earlier
    return _drop_leading(tokens, first, start, lex)


def _shared_tail(tokens: list[Token], first: int, index: int, head: str) -> str:
    """What the members of a list share: the last member's name after its own first word.

    未成年人、困境儿童、留守妇女保护制度体系 → 保护制度体系 (after the group 留守妇女);
    养老、助残和托育服务工程 → 服务工程 (after 托育).
    """
    words = "".join(t.word for t in tokens[first : index + 1])
    if re.search(measures_lexicon().raw["counted_members"], words):
        return head  # A、B、C三项制度: three 制度
    if index - first >= 2 and len(tokens[index - 1].word) >= 2 and _parallel(tokens, first, tokens[index - 1].word):
        return head  # 综合改革、医养结合、居家和社区养老服务改革试点: the members are whole, they share 试点
    groups = target_groups()
    group = groups.find(words)
    if group and group[0].start == 0:
        tail = words[group[0].end :]
        # 孤残、困境、留守儿童关爱体系: the members share the group's head noun too (孤残儿童 …)
        noun = next((h for h in load_lexicon("groups")["coordination_heads"] if group[0].label.endswith(h)), "")
        member = tokens[first - 2].word if first >= 2 else ""
        if noun and groups.concept(member + noun) is not None:
            tail = noun + tail
    elif _as_long_before(tokens, first, index):
        return head  # 登记认定、年度报告、信息公开制度: members as long as the last one are whole; they share the head
    else:
        # the member's own first word; an unknown word the segmenter cut into characters (托|育) is one
        own = 2 if first + 1 < index and len(tokens[first].word) == len(tokens[first + 1].word) == 1 else 1
        tail = "".join(t.word for t in tokens[first + own : index + 1])
    return tail if len(tail) >= len(head) else head


def _as_long_before(tokens: list[Token], first: int, index: int) -> bool:
    """Whether the member before the list mark at ``first - 1`` is as long as the last member's words
    before the head (年度报告 and 信息公开): then each member is whole, not a modifier of a shared tail."""
    lex = measures_lexicon()
    start = _member_before(tokens, first, lex)
    if start is None:
        return False
    member = "".join(t.word for t in tokens[start : first - 1])
    last = "".join(t.word for t in tokens[first:index])
    return len(member) >= len(last) > 0 and lex.head_of(member) is None


def _parallel(tokens: list[Token], first: int, word: str) -> bool:
    """Whether an earlier member of the 、-list before ``first`` ends in ``word``, the last member's
    word before the head: then each member is a whole name of its own and shares the head only."""
    lex = measures_lexicon()
    mark = first - 1
    while mark > 0 and tokens[mark].word in lex.raw["list_marks"] and not _heading_number(tokens, mark):
        if tokens[mark - 1].word.endswith(word):
            return True
        start = _grow(tokens, mark - 1, lex, lex.raw["max_name"])
        if start > mark - 1:
            return False
        mark = start - 1
    return False


def _shared(tokens, left_first, left_end, head, kind, lex, own_start=False):
    """Each member of ``M1、M2、…`` before a shared head: ``Mi`` + what the list shares.  A place shares more
    than a head word (海口市、三亚市殡仪馆搬迁重建项目: two projects), not a head alone (海口市项目: where, not what).
    Organisations listed before a name the last of them opens own one programme together (民政部、联合国儿童
    基金会护童成长项目试点), unlike a body beside a place (民政部、海南省…核对信息平台: two platforms)."""
    owners = tokens[left_end + 2].flag == ORGANISATION
    end = left_end
    start = left_first if not own_start else _grow(tokens, end, lex, lex.raw["max_name"])
    while start <= end:
        member_first = _drop_leading(tokens, start, end, lex)
        words = "".join(t.word for t in tokens[member_first : end + 1])
        if (member_first <= end and lex.head_of(words) is None and not (owners and tokens[end].flag == ORGANISATION)
                and (len(words) <= lex.raw["max_member"] or len(head) <= 2 or _a_group(words))
                and not (head in lex.heads and all(t.flag == "ns" for t in tokens[member_first : end + 1]))):
            yield (NameMatch(words + head, kind, Span(tokens[member_first].start, tokens[end].end), "shared-head"),
                   set(range(member_first, end + 1)))
        mark = start - 1
        if mark < 0 or tokens[mark].word not in lex.raw["list_marks"] or _heading_number(tokens, mark):
            return
        end = mark - 1
        start = _grow(tokens, end, lex, lex.raw["max_name"])


def _a_group(words: str) -> bool:
    """A target group is a whole list member, however long its name (农村留守老年人、困境儿童关爱服务体系):
    it is who the shared name is for, never a clause."""
    return target_groups().concept(words) is not None


def _described(tokens: list[Token], first: int, index: int, kind: str, lex: MeasuresLexicon) -> int | None:
    """The first token of a set phrase describing a generic name before its 的 (居家社区机构相协调、医养康养
    相结合的养老服务体系, 家庭监护为主体、…、国家监护为兜底的监护制度, 党组织领导的城乡基层治理体系), else
    None.  A name specific on its own (未成年人保护体系, not 监护制度: ``described_own``) is named without it.

    The phrase runs back from 的 to a clause break or a verb of launching (构建, 健全: two characters
    or more; 为 and 以 of X为主体 are inside it), and ends in a word of the set phrases (``described_words``);
    a mechanism is named by what it does, whatever the phrase (遏制和减少返贫的长效机制: ``described_by_any``).
    """
    if first < 2 or tokens[first - 1].word != "的":
        return None
    own = "".join(t.word for t in tokens[first : index + 1])
    short = len(own) - len(lex.head_of(own) or "") <= lex.raw["described_own"]
    if not short and _acceptable(NameMatch(own, kind, Span(tokens[first].start, tokens[index].end), "headed"), lex):
        return None
    start, length = first - 1, 0
    for j in range(first - 2, -1, -1):
        word = tokens[j].word
        launching = (word in lex.stop_words and len(word) >= 2 and word not in lex.raw["described_words"]
                     and not (j > 0 and tokens[j - 1].word == "为"))  # 社区日间照料为依托: no verb
        if word in lex.raw["clause_marks"] or launching or length + len(word) > lex.raw["max_described"]:
            break
        start, length = j, length + len(word)
    while start < first - 1 and (tokens[start].word in lex.stop_words or tokens[start].word in lex.raw["list_marks"]):
        start += 1  # 以居家为基础…: the preposition opens the clause, not the name
    phrase = "".join(t.word for t in tokens[start : first - 1])
    described = phrase.endswith(tuple(lex.raw["described_words"])) or (
        kind in lex.raw["described_by_any"] and not phrase.endswith(tuple(lex.raw["described_not_by"])))
    if start >= first - 1 or not described:
        return None
    return start


def _listed_names(tokens: list[Token], first: int, index: int, head: str, kind: str,
                  lex: MeasuresLexicon) -> list[tuple[NameMatch, set[int]]]:
    """One name per member of the list before ``等`` at ``first - 1``: the member, the words between 等 and the
    head (not 系列 of 等系列制度) and the head; none for doings (公开募捐、保值增值投资等活动)."""
    members = _listed(tokens, first - 2, lex)
    shared = "".join(t.word for t in tokens[_drop_leading(tokens, first, index, lex) : index])
    if not members or (not shared and head in lex.raw["verb_heads"]):
        return []
    names = []
    for start, end in members:
        words = "".join(t.word for t in tokens[start : end + 1])
        names.append((NameMatch(words + shared + tokens[index].word, kind,
                                Span(tokens[start].start, tokens[end].end), "shared-head"),
                      set(range(start, end + 1)) | {index}))
    return names


def _listed(tokens: list[Token], last: int, lex: MeasuresLexicon) -> list[tuple[int, int]]:
    """The members (first, last token) of the list ``A、B和C`` that ends at ``last`` before 等, when each
    is a thing of its own (an activity, a field of work) and not a group, a body, a place or a name
    with a head; else none, and the words before 等 are left to the other rules.

    和 joins the last two members (A、B和C); between earlier ones it is inside a member
    (农村留守儿童关爱保护和困境儿童保障工作、康复辅助器具产业).
    """
    members: list[tuple[int, int]] = []
    end = last
    while end >= 0:
        start = _grow(tokens, end, lex, lex.raw["max_name"])
        if start > end:
            return []
        mark = start - 1
        while members and mark > 0 and tokens[mark].word in lex.raw["conjunctions"]:
            earlier = _grow(tokens, mark - 1, lex, lex.raw["max_name"])  # 和 inside an earlier member …
            if earlier > mark - 1 or lex.head_of(tokens[mark - 1].word) is not None:
                break  # … unless the words before it are a name (残疾人两项补贴制度与长期护理保险、…等制度)
            start, mark = earlier, earlier - 1
        members.append((_drop_leading(tokens, start, end, lex), end))
        if mark < 0 or _heading_number(tokens, mark) or not (
                tokens[mark].word in lex.raw["list_marks"]
                or (len(members) == 1 and tokens[mark].word in lex.raw["conjunctions"])):
            break
        end = mark - 1
    if len(members) < 2 or not all(_thing_of_its_own(tokens, s, e, lex) for s, e in members):
        return []
    return sorted(members)


def _thing_of_its_own(tokens: list[Token], start: int, end: int, lex: MeasuresLexicon) -> bool:
    """Whether a listed member names a thing that can take the list's head (登记认定, 定期走访), not a group
    (孤儿), an organisation (妇女议事会), a level or place, a body's field of two characters (财务, 人事) or
    a name with a head of its own (年度计划)."""
    words = "".join(t.word for t in tokens[start : end + 1])
    organisations = (*lex.raw["bodies"]["heads"], *lex.raw["listed_not_ends"])
    return (lex.raw["listed_member"][0] <= len(words) <= lex.raw["listed_member"][1]
            and not words.endswith(organisations)
            and lex.head_of(words.strip("“”")) is None and words not in lex.raw["level_words"]
            and not all(t.flag == "ns" for t in tokens[start : end + 1])
            and not _a_group(words))


def _quoted_list(tokens: list[Token], last: int) -> list[int]:
    """The quotations standing together (“A”“B” or “A”、“B”) that end at index ``last``."""
    members, j = [], last
    while j >= 0 and tokens[j].flag == QUOTED:
        members.append(j)
        j -= 1
        if j >= 0 and tokens[j].word == "、":
            j -= 1
    return sorted(members)


def _drop_leading(tokens: list[Token], first: int, last: int, lex: MeasuresLexicon) -> int:
    """The first token of a name without the scope words before it (全省, 各级) and without the organisations
    that own it (民政部、联合国儿童基金会护童成长项目试点: the bodies' programme, named 护童成长项目试点)."""
    while first < last and (tokens[first].word in lex.raw["drop_leading"]
                            or (tokens[first].flag == ORGANISATION and tokens[first + 1].flag != HEAD)):
        first += 1
    return first


def _quoted(tokens: list[Token], index: int, lex: MeasuresLexicon) -> NameMatch | None:
    """A quotation standing alone, when a verb of launching comes before it or a word of a way
    of working after it; else it is a figure of speech (“两条腿”, “数字化鸿沟”)."""
    token = tokens[index]
    inner = token.word[1:-1]
    following = tokens[index + 1].word if index + 1 < len(tokens) else ""
    groups = target_groups()
    slogan = inner in lex.raw["stop_quotes"]  # a name only with a word of a way after it (“放管服”改革)
    if (not lex.raw["min_quote"] <= len(inner) <= lex.raw["max_quote"]
            or inner in lex.raw["period_quotes"] or _DIGIT.search(inner)
            or any(inner.endswith(w) for w in lex.raw["quote_not"])
            or groups.concept(inner + following) or groups.concept(token.word + following)
            or groups.concept(inner)):
        return None
    after = ""
    for later in tokens[index + 1 : index + 4]:
        if not _is_material(later, lex) or later.flag in (QUOTED, "v", "vs") \
                or len(after) + len(later.word) > lex.raw["quote_tail"]:
            break
        after += later.word
    if any(after.startswith(w) for w in lex.raw["quote_tail_not"]):
        return None
    tail = next((len(after[: i + len(w)]) for i in range(len(after)) for w in lex.raw["quote_tails"]
                 if after.startswith(w, i)), 0)
    if tail:
        return NameMatch(token.word + after[:tail], "way", Span(token.start, token.start + len(token.word) + tail),
                         "quoted")
    if slogan:
        return None
    if _word_before(tokens, index, lex) in lex.raw["quote_verbs"] or re.search(r"[、+]", inner):
        return NameMatch(token.word, "way", Span(token.start, token.end), "quoted")
    return _launched_quote(tokens, index, lex)


def _plus_joined(tokens: list[Token], index: int, lex: MeasuresLexicon) -> NameMatch | None:
    """A way written X+Y without quotation marks (推进互联网+婚姻建设: 互联网+婚姻), as the genre writes
    “互联网+婚姻”: both sides nouns of a few words; none when a side is missing (与互联网+”融合)."""
    left = _operand(tokens, index - 1, -1, lex)
    right = _operand(tokens, index + 1, 1, lex)
    if left is None or right is None:
        return None
    first, last = left[-1], right[-1]
    name = "".join(t.word for t in tokens[first : last + 1])
    return NameMatch(name, "way", Span(tokens[first].start, tokens[last].end), "quoted")


def _operand(tokens: list[Token], start: int, step: int, lex: MeasuresLexicon) -> list[int] | None:
    """The token positions of one side of X+Y, from ``start`` outwards (``step`` -1: leftwards), or None."""
    rules = lex.raw["plus_operand"]
    taken: list[int] = []
    length, position = 0, start
    while 0 <= position < len(tokens) and len(taken) < rules["words"]:
        token = tokens[position]
        flags = rules["flags"] if not (taken and step > 0) else [*rules["flags"], *rules["flags_after_first"]]
        if token.flag not in flags or token.word in rules["not"] or token.word in lex.stop_words \
                or length + len(token.word) > rules["chars"]:
            break
        taken.append(position)
        length += len(token.word)
        position += step
    return taken or None


def _launched_quote(tokens: list[Token], index: int, lex: MeasuresLexicon) -> NameMatch | None:
    """A quotation in a list of them that a verb of launching opens, with the field's words between
    (推行社会救助“一次办”、“网上办”、“掌上办”): each is a way of that field, named with its words."""
    first = index
    while first >= 2 and tokens[first - 1].word in lex.raw["list_marks"] and tokens[first - 2].flag == QUOTED:
        first -= 2
    start, length = first, 0
    while start > 0 and _is_field_word(tokens[start - 1], lex) \
            and length + len(tokens[start - 1].word) <= lex.raw["quote_field"]:
        start -= 1
        length += len(tokens[start].word)
    if start == index or _word_before(tokens, start, lex) not in lex.raw["quote_verbs"]:
        return None  # the first of the list right after its verb was read as such (``_quoted``)
    field = "".join(t.word for t in tokens[start:first])
    if index == first:
        return NameMatch(field + tokens[index].word, "way", Span(tokens[start].start, tokens[index].end), "quoted")
    return NameMatch(field + tokens[index].word, "way", Span(tokens[index].start, tokens[index].end), "shared-head")


def _is_field_word(token: Token, lex: MeasuresLexicon) -> bool:
    return token.flag in lex.raw["quote_field_flags"] and token.word not in lex.stop_words


def _word_before(tokens: list[Token], index: int, lex: MeasuresLexicon) -> str:
    """The word before ``index``, past adverbs (大力推行 → 推行)."""
    j = index - 1
    while j >= 0 and tokens[j].flag == "d":
        j -= 1
    return tokens[j].word if j >= 0 else ""


def _acceptable(match: NameMatch, lex: MeasuresLexicon) -> bool:
    """A name, not a phrase: long enough, not generic, and specific where its head is generic."""
    name = match.name
    head = lex.head_of(name) or ""
    modifier = name[: len(name) - len(head)]
    bare = modifier.replace("“", "").replace("”", "")
    if len(bare) < lex.raw["min_modifier"] or name in lex.generic_names or name.replace("“", "").replace("”", "") in lex.generic_names:
        return False
    if any(f"“{quote}”" in name for quote in lex.raw["period_quotes"]) or (
            _starts_badly(name, lex) and match.how != "described"):  # 家庭监护为主体…: no measure word
        return False
    if re.fullmatch(lex.raw["count_only"], bare):
        return False  # …五大体系: a count refers back to a list
    if match.kind in lex.institution_kinds:
        return _specific(modifier, lex)
    return True


def _starts_badly(name: str, lex: MeasuresLexicon) -> bool:
    """Whether the name's first word is a counter or a particle (家养老机构 cut from 3家养老机构): its first
    word, not its first character (家庭养老支持政策, 所有 are words of their own)."""
    return name[0] in lex.raw["bad_starts"] and cut(name, 0)[0].word in lex.raw["bad_starts"]


def _names_something(modifier: str) -> bool:
    """A group, a quotation or a count in the modifier (残疾人两项补贴, “救急难”工作)."""
    return ("“" in modifier or bool(re.search(r"[一二两三四五六七八九十]+[项级类个]", modifier))
            or bool(target_groups().find(modifier)))


def _specific(modifier: str, lex: MeasuresLexicon) -> bool:
    """Whether an institution's modifier names something in particular."""
    if _names_something(modifier) or any(field in modifier and modifier != field  # 社会组织体系: the field alone
                                         for field in lex.raw["specific_fields"]):
        return True
    rest = modifier
    for word in lex.generic_modifiers:
        rest = rest.replace(word, "")
    return len(rest.strip("()()、和与及")) >= 2


def _without_overlaps(found: list[NameMatch]) -> list[NameMatch]:
    """Keep the longer of two overlapping names (shared-head members overlap nothing they share; a known
    brand or project run into other words is itself, a known way inside a longer name is that name's)."""
    kept: list[NameMatch] = []
    apart = {"shared-head", "known"}
    inside = frozenset(measures_lexicon().raw["known_inside_names"])
    for match in sorted(found, key=lambda m: (-(m.span.end - m.span.start), m.span.start)):
        free = match.how == "shared-head" or (match.how == "known" and match.kind in inside)
        if free or not any(
                k.how not in apart and match.span.start < k.span.end
                and k.span.start < match.span.end for k in kept):
            if match.name not in {k.name for k in kept}:
                kept.append(match)
    return sorted(kept, key=lambda m: m.span.start)
