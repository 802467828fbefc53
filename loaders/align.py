"""Align indicators and programmes across plans: the same measure or box at another level.

A national target is carried down to provinces and cities under slightly
different names (符合条件的困难残疾人…, 全市…县级行政区域覆盖率).  Linking them
lets a researcher follow one indicator through the cascade.  A wrong link is
worse than a missing one, so the methods run from certain to fuzzy, each fuzzy
method must pass the contrast words of the lexicon (城市/农村, 街道/乡镇,
困难/重度 …), and every plan pair gets a one-to-one matching.

Decision on table kinds: a 十三五 completion row and a 十四五 target row are the
same indicator only when their names say so (exact, synonym or normalised name,
scored ``cross_kind_penalty`` lower); character similarity never crosses kinds,
because near-identical names in the two tables are as often successors as equals.

Pure: no RDF, no I/O beyond ``ontology/lexicon/alignment.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import load_lexicon

NATIONAL = "national"
LEVEL_RANK = {NATIONAL: 3, "provincial": 2, "municipal": 1, "county": 0}


@dataclass(frozen=True)
class Candidate:
    """One indicator row or one programme of one plan."""

    key: str  # an opaque id the caller uses (an IRI string)
    plan: str  # the plan's key
    level: str | None  # national | provincial | municipal | county
    name: str  # as written
    unit: str | None = None
    table_kind: str | None = None  # 'target' | 'completion' for indicators


@dataclass(frozen=True)
class Alignment:
    """Two candidates of different plans naming the same thing; ``a`` is the higher level."""

    a: str
    b: str
    method: str  # 'exact-name', 'synonym', 'normalised-name' or 'char-ngram'
    score: float  # 0..1, 1 = certain


def _lex() -> dict:
    return load_lexicon("alignment")


def _fold(name: str) -> str:
    """Full-width brackets to ASCII, quotes and spaces out: spelling noise, never meaning."""
    rules = _lex()["normalise"]
    for old, new in rules["fold"].items():
        name = name.replace(old, new)
    return "".join(ch for ch in name if ch not in rules["drop_chars"])


@cache
def _unit_groups() -> dict[str, str]:
    return {unit: group for group, units in _lex()["units"].items() for unit in units}


def _trailing(name: str) -> tuple[str, str | None]:
    """Split off a trailing (unit) or (note with digits); inner brackets like 乡镇(街道) stay."""
    match = re.search(r"\(([^()]*)\)$", name)
    if match and (match[1] in _unit_groups() or re.search(r"\d", match[1])):
        return name[: match.start()], match[1]
    return name, None


@cache
def normalise(name: str) -> str:
    """The comparable form of a name: folded, unit bracket, leading 全市/符合条件的 … and variants out."""
    rules = _lex()["normalise"]
    name, _ = _trailing(_fold(name))
    for pattern in rules["patterns"]:
        name = re.sub(pattern, "", name)
    stripped = True
    while stripped:
        stripped = False
        for prefix in rules["prefixes"]:
            if name.startswith(prefix) and len(name) > len(prefix):
                name, stripped = name[len(prefix) :], True
    for old, new in rules["replace"].items():
        name = name.replace(old, new)
    return name


@cache
def _synonym_ids(section: str) -> dict[str, int]:
    """Normalised name → the index of its synonym group in ``section`` of the lexicon."""
    return {normalise(name): i for i, group in enumerate(_lex().get(section) or []) for name in group}


def _contrasts_agree(x: str, y: str) -> bool:
    """Each contrast group's members present in ``x`` are exactly those present in ``y``."""
    return _contrast_words(x) == _contrast_words(y)


# Names recur across plans (and every candidate meets every other of a related plan), so what is
# derived from one name is derived once: this made aligning 500 generated plans ~10× faster.
@cache
def _contrast_words(name: str) -> tuple[frozenset[str], ...]:
    """Per contrast group of the lexicon, its members present in the name."""
    folded = _fold(name)
    return tuple(frozenset(w for w in group if w in folded) for group in _lex()["contrasts"])


@cache
def _written_unit(name: str) -> str | None:
    return _trailing(_fold(name))[1]


def _unit(candidate: Candidate) -> str | None:
    return candidate.unit or _written_unit(candidate.name)


def _units_agree(x: Candidate, y: Candidate) -> bool:
    """Same dimension (% with 比例, 个 with 万个) or one side unknown."""
    ux, uy = _unit(x), _unit(y)
    if not ux or not uy or ux == uy:
        return True
    groups = _unit_groups()
    return groups.get(ux) is not None and groups.get(ux) == groups.get(uy)


@cache
def _bigrams(text: str) -> frozenset[str]:
    return frozenset({text[i : i + 2] for i in range(len(text) - 1)} or {text})


def dice(x: str, y: str) -> float:
    """Dice coefficient of the character-bigram sets: robust to one inserted word."""
    bx, by = _bigrams(x), _bigrams(y)
    return 2 * len(bx & by) / (len(bx) + len(by))


def _match(x: Candidate, y: Candidate, section: str, threshold: float) -> tuple[str, float] | None:
    """The most confident method naming ``x`` and ``y`` the same thing, with its score."""
    lex = _lex()
    scores = lex["scores"]
    cross = bool(x.table_kind and y.table_kind and x.table_kind != y.table_kind)
    penalty = lex["cross_kind_penalty"] if cross else 0.0
    nx, ny = normalise(x.name), normalise(y.name)
    synonyms = _synonym_ids(section)
    if x.name.strip() == y.name.strip():
        method, score = "exact-name", scores["exact-name"]
    elif nx in synonyms and synonyms[nx] == synonyms.get(ny):
        method, score = "synonym", scores[section]
    elif not _contrasts_agree(x.name, y.name):
        return None  # the automatic methods below never override a contrast word
    elif nx == ny:
        method, score = "normalised-name", scores["normalised-name"]
    elif not cross and _units_agree(x, y) and (similarity := dice(nx, ny)) >= threshold:
        method, score = "char-ngram", min(similarity, scores["char-ngram-max"])
    else:
        return None
    return method, round(score - penalty, 3)


def _rank(c: Candidate) -> tuple[int, str, str]:
    return (-LEVEL_RANK.get(c.level or "", -1), c.plan, c.key)


def _ordered(x: Candidate, y: Candidate) -> tuple[Candidate, Candidate]:
    """Higher level first (national before provincial); ties by plan key, then key."""
    return (x, y) if _rank(x) <= _rank(y) else (y, x)


def related_plans(parents: dict[str, set[str]], national: set[str] = frozenset()) -> set[tuple[str, str]]:
    """The plan pairs worth aligning: a plan and each plan above it, and the plans directly under a
    national plan with each other.

    ``parents`` maps each loaded plan to the loaded plans it cites; a plan citing none
    (its parent is not loaded, or its citation was not found) follows the ``national``
    plans, as every plan does.  Provinces are compared with each other; a province's cities
    and a city's counties are not (they meet through the plan above them): their plans copy
    one template, so pairing them made more alignments than the plans had triples (2,000
    generated plans: over 40 M quads), and comparing every pair of plans grows as the square
    of the corpus.
    """
    cascade = {plan: (cited or (set(national) - {plan})) for plan, cited in parents.items()}
    pairs = {tuple(sorted((plan, up))) for plan in cascade for up in _ancestors(plan, cascade) if up != plan}
    # directly under: citing national plans only (a city citing its province and the national plan is not)
    under_national = sorted(plan for plan, above in cascade.items() if above and above <= set(national))
    pairs |= {(x, y) for i, x in enumerate(under_national) for y in under_national[i + 1:]}
    return pairs  # type: ignore[return-value]


def _ancestors(plan: str, parents: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), list(parents.get(plan, ()))
    while todo:
        up = todo.pop()
        if up not in seen:
            seen.add(up)
            todo.extend(parents.get(up, ()))
    return seen


def _align(candidates: list[Candidate], section: str, threshold: float,
           related: set[tuple[str, str]] | None) -> list[Alignment]:
    """Score the cross-plan pairs (of ``related`` plans only, when given), then match one-to-one per plan pair,
    best score first."""
    unique = sorted({c.key: c for c in candidates}.values(), key=lambda c: (c.plan, c.key))
    scored: list[tuple[float, int, str, str, Candidate, Candidate, str]] = []
    for x, y in _pairs(unique, related, section, threshold):
        if x.plan == y.plan or (found := _match(x, y, section, threshold)) is None:
            continue
        a, b = _ordered(x, y)
        cross_kind = int(a.table_kind != b.table_kind)  # on equal scores, same table kind first
        scored.append((-found[1], cross_kind, a.key, b.key, a, b, found[0]))
    scored.sort(key=lambda item: item[:4])
    used: set[tuple[str, str]] = set()  # (candidate key, other plan): one partner per plan pair
    result = []
    for neg_score, _, _, _, a, b, method in scored:
        if (a.key, b.plan) in used or (b.key, a.plan) in used:
            continue
        used |= {(a.key, b.plan), (b.key, a.plan)}
        result.append(Alignment(a.key, b.key, method, -neg_score))
    return sorted(result, key=lambda al: (al.a, al.b))


def _pairs(unique: list[Candidate], related: set[tuple[str, str]] | None, section: str, threshold: float):
    """The pairs of candidates that could match: of the ``related`` plan pairs when given, else of all plans.

    Blocked, not every pair: a pair can only match by the same (normalised) name, one synonym group
    or enough shared character bigrams for ``threshold``, so each plan's candidates are indexed by
    these and only the pairs an index names are scored.  Since every prose measure became a candidate
    a plan holds ~100 of them, and scoring every pair of two related plans was most of the align stage.
    """
    by_plan: dict[str, list[Candidate]] = {}
    for candidate in unique:
        by_plan.setdefault(candidate.plan, []).append(candidate)
    plans = sorted(by_plan)
    if related is None:
        related = {(p, q) for i, p in enumerate(plans) for q in plans[i + 1:]}
    indexes: dict[str, _PlanIndex] = {}
    for p, q in sorted(related):
        if p not in by_plan or q not in by_plan:
            continue
        index = indexes.get(q) or indexes.setdefault(q, _PlanIndex(by_plan[q], section))
        for x in by_plan[p]:
            yield from ((x, y) for y in index.near(x, threshold))


class _PlanIndex:
    """One plan's candidates by normalised name, synonym group and character bigram."""

    def __init__(self, candidates: list[Candidate], section: str) -> None:
        self.candidates = candidates
        self.synonyms = _synonym_ids(section)
        self.sizes = [len(_bigrams(normalise(c.name))) for c in candidates]
        self.by_key: dict[object, list[int]] = {}
        for i, candidate in enumerate(candidates):
            for key in self._keys(candidate):
                self.by_key.setdefault(key, []).append(i)

    def _keys(self, candidate: Candidate) -> set[object]:
        name = normalise(candidate.name)
        keys: set[object] = {("name", name), ("written", candidate.name.strip()), *_bigrams(name)}
        if name in self.synonyms:
            keys.add(("synonym", self.synonyms[name]))
        return keys

    def near(self, x: Candidate, threshold: float) -> list[Candidate]:
        """The candidates ``x`` could match, in the plan's order (a superset of those ``_match`` accepts)."""
        shared: dict[int, int] = {}
        exact: set[int] = set()
        for key in self._keys(x):
            for i in self.by_key.get(key, ()):
                if isinstance(key, tuple):
                    exact.add(i)
                else:
                    shared[i] = shared.get(i, 0) + 1
        size = len(_bigrams(normalise(x.name)))
        close = {i for i, n in shared.items() if 2 * n / (size + self.sizes[i]) >= threshold}  # as dice()
        return [self.candidates[i] for i in sorted(exact | close)]


def align_indicators(candidates: list[Candidate], related: set[tuple[str, str]] | None = None) -> list[Alignment]:
    """Indicator rows of different plans that measure the same thing (of ``related`` plans, when given)."""
    return _align(candidates, "synonyms", _lex()["thresholds"]["indicator"], related)


def align_programmes(candidates: list[Candidate], related: set[tuple[str, str]] | None = None) -> list[Alignment]:
    """Programmes (box titles) of different plans that are the same programme; stricter threshold."""
    plain = [Candidate(c.key, c.plan, c.level, c.name) for c in candidates]  # no units or kinds
    return _align(plain, "programme_synonyms", _lex()["thresholds"]["programme"], related)
