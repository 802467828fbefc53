"""Relations read from a programme's own text.

- serves: a target group named as recipients in one of the programme's windows
  (its name, clause, sentence, box item, box, paragraph, glossary definition), with
  the window and a confidence (``loaders/measures/links.py``); an abbreviation such
  as “三留守”人员 stands for each group it comprises;
- inDomain: a domain keyword in the programme's name, else in its section's title;
- leadBody / cooperatingBody / responsibleBody: a body a sentence naming the
  programme gives a role (X牵头, X会同Y, 由X负责).
Every relation quotes a stretch of text that holds both its ends.

``find_bodies`` lists every organisation the text names, so the graph knows the
bodies a plan speaks of even where no role ties them to a programme.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from rdflib import URIRef

from .iris import body_iri
from .lexicon import alternation, load_lexicon
from .measures.bodies import BodyMention, bodies_in
from .measures.links import body_links, serves_links
from .model import Body, ParsedDocument, Programme, Relation, Span
from .sentences import sentences_in
from .vocab import Vocabulary, bodies, target_groups



def find_relations(document: ParsedDocument, programmes: list[Programme], reader: str = "chunker") -> list[Relation]:
    """Every relation of every programme, without duplicates, in a stable order.

    ``reader="patterns"`` reads serves and bodies the earlier way (sentence by
    sentence, vocabulary bodies only), for comparison.
    """
    found: dict[tuple, Relation] = {}
    jurisdiction = document.metadata.jurisdiction
    for programme in programmes:
        if reader == "chunker":
            read = [*serves_links(document, programme), *_domains(document, programme),
                    *body_links(document, programme, jurisdiction, body_reference)]
        else:
            read = [*_serves(document, programme), *_domains(document, programme), *_bodies(document, programme)]
        for relation in read:
            key = (relation.programme, relation.predicate, relation.target, relation.evidence)
            found.setdefault(key, relation)
    return list(found.values())


def body_reference(mention: BodyMention) -> str:
    """A body's IRI: the vocabulary's concept, else one minted from its canonical name."""
    return str(mention.concept or body_iri(mention.canonical))


def find_bodies(document: ParsedDocument) -> list[Body]:
    """Every organisation the text names (the notice of issue included), once per IRI, at its first mention."""
    text = document.text.text
    found: dict[str, Body] = {}
    for sentence in sentences_in(text, Span(0, len(text))):
        for mention in bodies_in(text, sentence, document.metadata.jurisdiction):
            iri = body_reference(mention)
            found.setdefault(iri, Body(mention.written, mention.canonical, iri, mention.span))
    return list(found.values())


def _sentences(document: ParsedDocument, programme: Programme) -> Iterator[Span]:
    seen: set[Span] = set()
    for span in programme.texts:
        for sentence in sentences_in(document.text.text, span):
            if sentence not in seen:
                seen.add(sentence)
                yield sentence


def _serves(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    groups: Vocabulary = target_groups()
    text = document.text.text
    for sentence in _sentences(document, programme):
        words = text[sentence.start : sentence.end]
        for label, concept in [*_group_mentions(groups, words), *_coordinated(groups, words)]:
            for group in groups.expand(concept):
                yield Relation(programme.name, "serves", str(group), sentence, label)


def _group_mentions(groups: Vocabulary, words: str) -> Iterator[tuple[str, URIRef]]:
    """Labels of groups as recipients: not part of a facility's name, a count or their carers."""
    cancel = tuple(load_lexicon("groups")["not_recipient_after"])
    for match in groups.find(words):
        if not words[match.end :].replace("\n", "").startswith(cancel):
            yield match.label, match.concept


@cache
def _coordination_pattern() -> re.Pattern | None:
    """``M1、M2、…Mk HEAD`` where each Mi + HEAD is a group label (高龄、失能、残疾老年人)."""
    heads = load_lexicon("groups")["coordination_heads"]
    modifiers = {label[: -len(head)] for label in target_groups().labels for head in heads
                 if label.endswith(head) and len(label) > len(head)}
    if not modifiers:
        return None
    one = alternation(modifiers)
    head = "|".join(map(re.escape, heads))
    return re.compile(rf"(?P<mods>(?:{one})(?:、(?:{one}))+)的?(?P<head>{head})")


def _coordinated(groups: Vocabulary, words: str) -> Iterator[tuple[str, URIRef]]:
    pattern = _coordination_pattern()
    if pattern is None:
        return
    for match in pattern.finditer(words):
        for modifier in match.group("mods").split("、"):
            concept = groups.concept(modifier + match.group("head"))
            if concept is not None:
                yield match.group(), concept


@cache
def _domain_keywords() -> list[tuple[str, str]]:
    """(keyword, domain IRI) pairs, longest keyword first."""
    pairs = [(word, domain) for domain, words in load_lexicon("domains")["domains"].items() for word in words]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def _domains(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    """Domains named by the programme's name; failing that, by its section's title."""
    sources = [(programme.name, programme.span)]
    if programme.division is not None:
        sources.append((programme.division.title, programme.division.span))
    for words, span in sources:
        hits = {domain: word for word, domain in _domain_keywords() if word in words}
        for domain, word in hits.items():
            yield Relation(programme.name, "inDomain", domain, span, word)
        if hits:
            return


def _bodies(document: ParsedDocument, programme: Programme) -> Iterator[Relation]:
    rules = load_lexicon("groups")
    gap, role_words = rules["max_role_gap"], rules["role_words"]
    text = document.text.text
    for sentence in _sentences(document, programme):
        words = text[sentence.start : sentence.end]
        for match in bodies().find(words):
            after = words[match.end : match.end + gap + 2]
            for role_word, role in role_words.items():
                position = after.find(role_word)
                if 0 <= position <= gap:
                    yield Relation(programme.name, role, str(match.concept), sentence, match.label)
                    break
