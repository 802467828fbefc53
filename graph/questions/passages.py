"""Full-text search of the plans' own words: the passages (every sentence, heading, box line, table row and
glossary definition), read from the index the build prepared (``prepared.sql``: ``passage``, ``passage_bigrams``).

Chinese has no spaces between words, so the index keeps every pair of neighbouring characters as a token
(``bigrams``: 养老服务 → 养老 老服 服务, the last character paired with an end mark) and a word is the phrase of its
pairs: 养老 matches wherever 养老 is written, 万人次 and 12349 too; a single character is every pair it starts.
Pairs, not single characters: a common character's list of places is long (服 in half the passages at 5,000
plans), a pair's much shorter, so a search reads 2–5× less (bench/passage_search.py).  Text and query are folded alike (``fold_aligned``: full width → half, traditional → simplified, case),
character for character, so 慈善信託 finds 慈善信托 and the matched words can be marked in the text as written.

The query language, small on purpose: words separated by spaces must all occur (``AND`` may be written);
``"a phrase"`` keeps its spaces; ``OR`` between two words takes either; ``-word`` or ``NOT word`` excludes;
``word*`` is a prefix (every word already matches wherever it starts, so the star changes nothing).  Every
other character is searched as written (parentheses too: plans write 乡镇(街道)).  What the index cannot take
(an unclosed quote, nothing but exclusions, too many words) is a ``PassageQueryError`` saying why.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from policykg.graph.questions.entity_index import simplified as to_simplified
from policykg.graph.questions.plans import LEVEL_ORDER
from policykg.graph.questions.prepared import entity_id

MAX_TERMS = 16  # words in one query: more is a problem document, not a slow statement
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
LEVELS = tuple(LEVEL_ORDER)  # national first


class PassageQueryError(ValueError):
    """A search the passage index cannot take; the message says why, for a problem document."""


@dataclass(frozen=True)
class PassageQuery:
    expression: str  # FTS5 over ``passage_bigrams``
    words: tuple[str, ...]  # the folded words to mark (those not excluded)


def fold_aligned(text: str) -> str:
    """``text`` folded as search compares it, one character for each character (so offsets into the folded
    text are offsets into ``text``): NFKC where it gives one character, OpenCC's traditional → simplified
    where it keeps the length, lower case where it does."""
    for convert in (_nfkc, to_simplified, str.lower):
        text = _keeping_length(text, convert)
    return text


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _keeping_length(text: str, convert) -> str:
    """``convert(text)`` when it keeps the length, else each character converted where that gives one."""
    whole = convert(text)
    if len(whole) == len(text):
        return whole
    return "".join(one if len(one := convert(c)) == 1 else c for c in text)


def parse(query: str) -> PassageQuery:
    """The FTS5 expression of a user's query and the words to mark; ``PassageQueryError`` when it has none."""
    if query.count('"') % 2:
        raise PassageQueryError('a quotation mark is not closed: write "a phrase" with a quote on both sides')
    clauses: list[list[str]] = []  # AND of ORs
    excluded: list[str] = []
    words: list[str] = []
    negate = join = False
    for match in _TOKEN.finditer(query):
        phrase, bare = match.group(1), match.group(2)
        if phrase is None and bare in ("AND", "OR", "NOT"):
            join, negate = bare == "OR", bare == "NOT"
            continue
        if phrase is None and bare.startswith("-") and len(bare) > 1:
            negate, bare = True, bare[1:]
        word = fold_aligned((phrase if phrase is not None else bare.rstrip("*")).strip())
        if not word:
            continue
        if negate:
            excluded.append(word)
        elif join and clauses:
            clauses[-1].append(word)
            words.append(word)
        else:
            clauses.append([word])
            words.append(word)
        negate = join = False
    if len(words) + len(excluded) > MAX_TERMS:
        raise PassageQueryError(f"at most {MAX_TERMS} words in one search")
    if not clauses:
        raise PassageQueryError("the search needs at least one word to find (not only words to exclude)")
    expression = " AND ".join("(" + " OR ".join(_phrase(w) for w in clause) + ")" for clause in clauses)
    for word in excluded:
        expression = f"({expression}) NOT {_phrase(word)}"
    return PassageQuery(expression, tuple(dict.fromkeys(words)))


END = "\0"  # pairs the last character of a passage, so that every character starts a pair


def _pair(a: str, b: str) -> str:
    """One token: two characters as code points (养老 → 517bx8001), whatever they are (punctuation, spaces)."""
    return f"{ord(a):x}x{ord(b):x}"


def bigrams(text: str) -> str:
    """A passage as the index keeps it: its folded text's neighbouring pairs, each a token."""
    folded = fold_aligned(text)
    return " ".join(_pair(a, b) for a, b in zip(folded, folded[1:] + END))


def _phrase(word: str) -> str:
    """A word as an FTS5 query: the phrase of its pairs, or, for one character, every pair it starts."""
    if len(word) == 1:
        return f'"{ord(word):x}x" *'
    return '"' + " ".join(_pair(a, b) for a, b in zip(word, word[1:])) + '"'


def marks(text: str, words: tuple[str, ...]) -> list[list[int]]:
    """Where ``words`` are written in ``text`` (its own offsets), merged: [[start, end], ...]."""
    folded = fold_aligned(text)
    found = sorted((m.start(), m.start() + len(word)) for word in words
                   for m in re.finditer(re.escape(word), folded))
    merged: list[list[int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def search(lookups, query: str, plan: str | None = None, level: str | None = None, chapter: str | None = None,
           limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """A page of the passages matching ``query``, within a plan, a level or a chapter if given, each with its
    text, the matched words marked, its place in the plan and what it mentions: best first (bm25) when at most
    ``prepared.RANKED`` match, else in the order of the plans (national first) and of their text."""
    parsed = parse(query)
    if level is not None and level not in LEVELS:
        raise PassageQueryError(f"level must be one of {', '.join(LEVELS)}")
    rows, total, exact, ranked = lookups.prepared.passages(parsed.expression, _ranges(plan, level, chapter),
                                                           limit, offset)
    mentioned = lookups.prepared.entries({iri for row in rows for iri in json.loads(row[8])})
    return {"total": total, "total_exact": exact, "order": "relevance" if ranked else "plan",
            "limit": limit, "offset": offset, "query": parsed.expression,
            "items": [_item(lookups, row, parsed.words, mentioned) for row in rows]}


def _ranges(plan: str | None, level: str | None, chapter: str | None) -> list[tuple[str, str]]:
    return [(kind, key) for kind, key in (("plan", plan), ("level", level), ("chapter", chapter)) if key]


def _item(lookups, row: tuple, words: tuple[str, ...], mentioned: dict) -> dict[str, Any]:
    pos, iri, document, kind, start, end, path, text, mentions = row
    return {"iri": iri, "id": entity_id(iri), "kind": kind, "text": text, "marks": marks(text, words),
            "document": lookups.ref(document), "char_start": start, "char_end": end, "path": json.loads(path),
            "mentions": [lookups.ref(m) for m in json.loads(mentions) if m in mentioned]}


CONTEXT = 6  # passages read on each side of one asked for; those of its part of the outline are kept


def passage(lookups, iri: str) -> dict[str, Any] | None:
    """One passage, with the passages around it in the same part of the outline (its paragraph, box item or
    table), in the order of the text: the passage read in context."""
    row, around = lookups.prepared.passage_around(iri, CONTEXT, CONTEXT)
    if row is None:
        return None
    place = _place(row)
    near = [r for r in around if _place(r) == place]
    mentioned = lookups.prepared.entries({m for r in near for m in json.loads(r[8])})
    item = _item(lookups, row, (), mentioned)
    item["context"] = [_item(lookups, r, (), mentioned) for r in near]
    return item


def _place(row: tuple) -> str | None:
    path = json.loads(row[6])
    return path[-1]["iri"] if path else None
