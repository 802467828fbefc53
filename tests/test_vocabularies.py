"""The data vocabularies: target groups, policy domains, bodies and institutions, areas,
and the domain keywords.

They are what the loaders match text against, so besides being well-formed they must
be unambiguous (no Chinese label names two concepts of one vocabulary) and their
hierarchies must hold (a query for 老年人 reaches 农村留守老年人)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Namespace, URIRef

from policykg.loaders.iris import area_iri, body_iri

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
VOCAB = ONTOLOGY / "vocab"

PKG = Namespace("https://w3id.org/policykg/ontology#")
ID = Namespace("https://w3id.org/policykg/id/")
ORG = Namespace("http://www.w3.org/ns/org#")

# file → (scheme, class of its concepts, IRI prefix under id/)
SCHEMES = {
    "target-groups.ttl": (PKG.TargetGroups, PKG.TargetGroup, "group/"),
    "policy-domains.ttl": (PKG.PolicyDomains, PKG.PolicyDomain, "domain/"),
    "areas.ttl": (PKG.Areas, PKG.Area, "area/"),
}
FILES = [*SCHEMES, "bodies.ttl"]
LEVELS = {PKG["level-national"], PKG["level-provincial"], PKG["level-municipal"], PKG["level-county"]}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _graph(name: str) -> Graph:
    return Graph().parse(VOCAB / name, format="turtle")


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return {name: _graph(name) for name in FILES}


def _labels(graph: Graph, node, predicate, lang: str) -> list[str]:
    return [str(o) for o in graph.objects(node, predicate) if getattr(o, "language", None) == lang]


def _zh_labels(graph: Graph, node) -> set[str]:
    return {*_labels(graph, node, SKOS.prefLabel, "zh"), *_labels(graph, node, SKOS.altLabel, "zh")}


def _concept(graph: Graph, cls, label: str) -> URIRef:
    (node,) = [s for s in graph.subjects(RDF.type, cls) if label in _labels(graph, s, SKOS.prefLabel, "zh")]
    return node


def _ancestors(graph: Graph, node) -> set:
    """Every concept reachable by skos:broader+ (cycle-safe)."""
    seen: set = set()
    todo = list(graph.objects(node, SKOS.broader))
    while todo:
        parent = todo.pop()
        if parent not in seen:
            seen.add(parent)
            todo.extend(graph.objects(parent, SKOS.broader))
    return seen


# -- the files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_vocabulary_file_parses(name):
    assert len(_graph(name)) > 0


def test_the_domain_keywords_parse():
    data = yaml.safe_load((ONTOLOGY / "lexicon" / "domains.yaml").read_text(encoding="utf-8"))
    assert isinstance(data["domains"], dict) and data["domains"]
    for domain, words in data["domains"].items():
        assert isinstance(words, list) and words, domain
        assert all(isinstance(w, str) and w.strip() == w and w for w in words), domain


# -- concepts: labels, schemes, IRIs --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_every_concept_has_one_zh_and_one_en_preflabel_and_its_scheme(graphs, name):
    graph = graphs[name]
    scheme, cls, prefix = SCHEMES[name]
    concepts = set(graph.subjects(RDF.type, cls))
    assert concepts
    assert concepts == set(graph.subjects(RDF.type, SKOS.Concept))
    for concept in concepts:
        assert str(concept).startswith(str(ID) + prefix), concept
        assert len(_labels(graph, concept, SKOS.prefLabel, "zh")) == 1, concept
        assert len(_labels(graph, concept, SKOS.prefLabel, "en")) == 1, concept
        assert set(graph.objects(concept, SKOS.inScheme)) == {scheme}, concept


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_top_concepts_are_exactly_the_concepts_without_a_broader_one(graphs, name):
    graph = graphs[name]
    scheme, cls, _ = SCHEMES[name]
    concepts = set(graph.subjects(RDF.type, cls))
    roots = {c for c in concepts if not set(graph.objects(c, SKOS.broader))}
    assert set(graph.subjects(SKOS.topConceptOf, scheme)) == roots
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == roots
    for concept in concepts:
        assert set(graph.objects(concept, SKOS.broader)) <= concepts, concept
        assert set(graph.objects(concept, SKOS.related)) <= concepts, concept


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_no_two_concepts_of_a_scheme_share_a_chinese_label(graphs, name):
    """A shared label (preferred or alternative) would make matching ambiguous."""
    graph = graphs[name]
    _, cls, _ = SCHEMES[name]
    owners = defaultdict(set)
    for concept in graph.subjects(RDF.type, cls):
        for label in _zh_labels(graph, concept):
            owners[label].add(concept)
    assert {label: sorted(c) for label, c in owners.items() if len(c) > 1} == {}


@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_the_hierarchy_has_no_cycles(graphs, name):
    graph = graphs[name]
    _, cls, _ = SCHEMES[name]
    for concept in graph.subjects(RDF.type, cls):
        assert concept not in _ancestors(graph, concept), concept


def test_group_and_domain_iris_are_english_kebab_slugs(graphs):
    for name, prefix in (("target-groups.ttl", "group/"), ("policy-domains.ttl", "domain/")):
        _, cls, _ = SCHEMES[name]
        for concept in graphs[name].subjects(RDF.type, cls):
            slug = str(concept)[len(str(ID) + prefix):]
            assert SLUG.match(slug), concept


def test_every_chinese_label_is_in_simplified_characters(graphs):
    opencc = pytest.importorskip("opencc")
    to_simplified = opencc.OpenCC("t2s")
    for graph in graphs.values():
        for _, _, label in graph.triples((None, None, None)):
            if getattr(label, "language", None) == "zh":
                assert to_simplified.convert(str(label)) == str(label), label


# -- target groups --------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "ancestor"), [
    ("农村留守老年人", "老年人"), ("失能老年人", "老年人"), ("高龄老年人", "老年人"),
    ("空巢(独居)老年人", "老年人"), ("特困老年人", "老年人"), ("特困老年人", "特困人员"),
    ("经济困难老年人", "老年人"), ("孤儿", "儿童"), ("事实无人抚养儿童", "儿童"),
    ("困境儿童", "儿童"), ("农村留守儿童", "儿童"), ("儿童", "未成年人"),
    ("困难残疾人", "残疾人"), ("重度残疾人", "残疾人"), ("低保边缘家庭", "低收入人口"),
])
def test_narrower_groups_reach_their_ancestors(graphs, group, ancestor):
    graph = graphs["target-groups.ttl"]
    node, parent = _concept(graph, PKG.TargetGroup, group), _concept(graph, PKG.TargetGroup, ancestor)
    assert parent in _ancestors(graph, node)


@pytest.mark.parametrize(("label", "group"), [
    ("空巢老年人", "空巢(独居)老年人"), ("独居老年人", "空巢(独居)老年人"),
    ("空巢、独居老年人", "空巢(独居)老年人"), ("特困供养人员", "特困人员"), ("特困对象", "特困人员"),
    ("留守老人", "农村留守老年人"), ("农村留守老人", "农村留守老年人"),
    ("失能(失智)老年人", "失能老年人"), ("留守儿童", "农村留守儿童"), ("留守妇女", "农村留守妇女"),
])
def test_the_texts_variants_are_labels_of_their_group(graphs, label, group):
    graph = graphs["target-groups.ttl"]
    assert label in _zh_labels(graph, _concept(graph, PKG.TargetGroup, group))


def test_no_group_label_is_a_bare_word_that_matches_inside_ordinary_words(graphs):
    graph = graphs["target-groups.ttl"]
    labels = set().union(*(_zh_labels(graph, c) for c in graph.subjects(RDF.type, PKG.TargetGroup)))
    assert not labels & {"老人", "妇女", "人口", "群众", "对象", "人员", "两项补贴", "特殊群体", "服务对象"}


def test_three_left_behind_comprises_exactly_the_three_groups(graphs):
    graph = graphs["target-groups.ttl"]
    abbreviation = _concept(graph, PKG.TargetGroup, "“三留守”人员")
    expected = {_concept(graph, PKG.TargetGroup, g) for g in ("农村留守儿童", "农村留守妇女", "农村留守老年人")}
    assert set(graph.objects(abbreviation, PKG.comprises)) == expected
    assert {"三留守人员", "“三留守”对象"} <= _zh_labels(graph, abbreviation)
    # the abbreviation is not itself a parent of the groups it stands for
    assert not any(abbreviation in _ancestors(graph, g) for g in expected)


def test_comprises_is_declared_with_labels_and_a_comment(graphs):
    graph = graphs["target-groups.ttl"]
    ontology = Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "policykg.ttl")
    assert (PKG.comprises, RDF.type, OWL.ObjectProperty) in ontology
    assert _labels(ontology, PKG.comprises, RDFS.label, "zh") and _labels(ontology, PKG.comprises, RDFS.label, "en")
    assert _labels(ontology, PKG.comprises, RDFS.comment, "en")
    for subject, target in graph.subject_objects(PKG.comprises):
        assert (subject, RDF.type, PKG.TargetGroup) in graph and (target, RDF.type, PKG.TargetGroup) in graph


def test_historical_names_are_related_to_tekun_not_merged(graphs):
    graph = graphs["target-groups.ttl"]
    tekun = _concept(graph, PKG.TargetGroup, "特困人员")
    for name in ("城镇“三无”人员", "农村“五保”对象"):
        node = _concept(graph, PKG.TargetGroup, name)
        assert (node, SKOS.related, tekun) in graph or (tekun, SKOS.related, node) in graph


# -- policy domains -------------------------------------------------------------------------------


def test_the_domains_the_chapters_map_onto_are_there(graphs):
    graph = graphs["policy-domains.ttl"]
    labels = set().union(*(_zh_labels(graph, c) for c in graph.subjects(RDF.type, PKG.PolicyDomain)))
    assert {"社会救助", "养老服务", "儿童福利", "残疾人福利", "未成年人保护", "社会组织", "城乡社区治理",
            "慈善", "社会工作", "志愿服务", "区划地名", "婚姻登记", "殡葬", "福利彩票", "康复辅助器具"} <= labels


def test_every_domain_in_the_keywords_exists_and_every_domain_has_keywords(graphs):
    graph = graphs["policy-domains.ttl"]
    domains = {str(c) for c in graph.subjects(RDF.type, PKG.PolicyDomain)}
    data = yaml.safe_load((ONTOLOGY / "lexicon" / "domains.yaml").read_text(encoding="utf-8"))
    assert set(data["domains"]) <= domains
    assert domains <= set(data["domains"])


def test_a_domain_keyword_names_one_domain(graphs):
    data = yaml.safe_load((ONTOLOGY / "lexicon" / "domains.yaml").read_text(encoding="utf-8"))
    owners = defaultdict(set)
    for domain, words in data["domains"].items():
        for word in words:
            owners[word].add(domain)
    assert {w: d for w, d in owners.items() if len(d) > 1} == {}


# -- bodies and institutions ----------------------------------------------------------------------


def test_every_body_is_named_by_its_chinese_preflabel(graphs):
    graph = graphs["bodies.ttl"]
    bodies = set(graph.subjects(RDF.type, PKG.Body))
    assert {"民政部", "国家发展和改革委员会", "海南省民政厅", "威海市民政局", "威海市发展和改革委员会",
            "山东省民政厅"} <= {_labels(graph, b, SKOS.prefLabel, "zh")[0] for b in bodies}
    for body in bodies:
        (zh,) = _labels(graph, body, SKOS.prefLabel, "zh")
        assert len(_labels(graph, body, SKOS.prefLabel, "en")) == 1, body
        assert body == body_iri(zh), body
        assert (body, RDF.type, ORG.Organization) in graph, body
        assert set(graph.objects(body, PKG.level)) <= LEVELS, body
        for parent in graph.objects(body, ORG.subOrganizationOf):
            assert (parent, RDF.type, PKG.Body) in graph, body


def test_the_ndrc_is_found_by_its_short_names(graphs):
    graph = graphs["bodies.ttl"]
    assert {"国家发展改革委", "国家发改委"} <= _zh_labels(graph, body_iri("国家发展和改革委员会"))


def test_every_service_institution_kind_is_labelled(graphs):
    graph = graphs["bodies.ttl"]
    kinds = set(graph.subjects(RDF.type, PKG.ServiceInstitution))
    assert {"区域性养老服务中心", "乡镇(街道)社工站", "儿童福利机构", "未成年人救助保护机构", "救助管理机构",
            "殡仪馆"} <= {_labels(graph, k, SKOS.prefLabel, "zh")[0] for k in kinds}
    for kind in kinds:
        assert str(kind).startswith(str(ID) + "institution/") and SLUG.match(str(kind).rsplit("/", 1)[1]), kind
        assert len(_labels(graph, kind, SKOS.prefLabel, "zh")) == 1, kind
        assert len(_labels(graph, kind, SKOS.prefLabel, "en")) == 1, kind
    assert not kinds & set(graph.subjects(RDF.type, PKG.Body))


@pytest.mark.parametrize("cls", [PKG.Body, PKG.ServiceInstitution])
def test_no_two_bodies_or_institutions_share_a_chinese_label(graphs, cls):
    graph = graphs["bodies.ttl"]
    owners = defaultdict(set)
    for node in graph.subjects(RDF.type, cls):
        for label in _zh_labels(graph, node):
            owners[label].add(node)
    assert {label: sorted(n) for label, n in owners.items() if len(n) > 1} == {}


# -- areas ----------------------------------------------------------------------------------------


def test_every_area_but_the_country_has_a_broader_area_and_reaches_the_country(graphs):
    graph = graphs["areas.ttl"]
    country = area_iri("全国")
    for area in graph.subjects(RDF.type, PKG.Area):
        (zh,) = _labels(graph, area, SKOS.prefLabel, "zh")
        assert area == area_iri(zh), area
        assert set(graph.objects(area, PKG.level)) <= LEVELS, area
        if area == country:
            assert not set(graph.objects(area, SKOS.broader))
        else:
            assert set(graph.objects(area, SKOS.broader)), area
            assert country in _ancestors(graph, area), area


@pytest.mark.parametrize(("area", "parent"), [
    ("海南省", "全国"), ("海口市", "海南省"), ("三亚市", "海南省"), ("三沙市", "海南省"), ("儋州市", "海南省"),
    ("山东省", "全国"), ("威海市", "山东省"), ("湖南省", "全国"), ("邵阳市", "湖南省"),
    ("邵东市", "邵阳市"), ("武冈市", "邵阳市"), ("隆回县", "邵阳市"), ("洞口县", "邵阳市"),
    ("绥宁县", "邵阳市"), ("北塔区", "邵阳市"),
])
def test_the_areas_the_plans_name_sit_under_their_parent(graphs, area, parent):
    assert (area_iri(area), SKOS.broader, area_iri(parent)) in graphs["areas.ttl"]


def test_the_sidecar_jurisdictions_are_areas(graphs):
    """Every jurisdiction (and its parent) a corpus sidecar names is an area here."""
    graph = graphs["areas.ttl"]
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    for sidecar in corpus.glob("*.meta.yaml"):
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
        for key in ("jurisdiction", "jurisdiction_parent"):
            if meta.get(key):
                assert (area_iri(meta[key]), RDF.type, PKG.Area) in graph, (sidecar.name, meta[key])


# -- SHACL ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_each_vocabulary_conforms_to_the_shapes(name):
    ontology = Graph().parse(ONTOLOGY / "policykg.ttl")
    conforms, _, text = validate(_graph(name), shacl_graph=Graph().parse(ONTOLOGY / "shapes.ttl"),
                                 ont_graph=ontology, inference="none", allow_warnings=True)
    assert conforms, text
