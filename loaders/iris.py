"""IRIs: the namespaces and the rules that mint stable, readable identifiers.

An IRI is a function of what the text says (a plan's slug, a chapter's number,
a term as written), never of build order, so the same input gives the same graph.
Chinese names are kept as they are: IRIs may hold any Unicode letter.
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef

from policykg.ontology import ID_BASE, PKG_BASE

PKG = Namespace(PKG_BASE)
ID = Namespace(ID_BASE)
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")

_UNSAFE = re.compile(r"[\s<>\"{}|\\^`#?/%]+")
_QUOTES = re.compile(r"[“”\"‘’'《》〈〉「」\s]")


def segment(name: str) -> str:
    """A name made safe as one IRI path segment (spaces and reserved characters become '-')."""
    return _UNSAFE.sub("-", name.strip()).strip("-") or "_"


def title_key(title: str) -> str:
    """A plan title compared without quotes, book-title marks or spaces.

    Plans cite each other with and without quotes (“十四五”民政事业发展规划 and
    十四五民政事业发展规划); the key makes both find the same plan.
    """
    return _QUOTES.sub("", title)


def plan_iri(slug: str) -> URIRef:
    return ID[f"plan/{segment(slug)}"]


def cited_plan_iri(title: str) -> URIRef:
    """A plan known only by its title, cited by a loaded plan."""
    return ID[f"plan/ref/{segment(title_key(title))}"]


def graph_iri(slug: str) -> URIRef:
    """The named graph that holds one document's facts."""
    return ID[f"graph/{segment(slug)}"]


def area_iri(name: str) -> URIRef:
    return ID[f"area/{segment(name)}"]


def body_iri(name: str) -> URIRef:
    return ID[f"body/{segment(name)}"]


def child_iri(parent: URIRef, *parts: object) -> URIRef:
    """An IRI below ``parent``: ``…/plan/x`` + ('ch', 2) → ``…/plan/x/ch/2``."""
    return URIRef(str(parent) + "".join(f"/{segment(str(p))}" for p in parts))
