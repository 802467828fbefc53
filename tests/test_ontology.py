"""The ontology files: they parse, every term is labelled, and the SHACL shapes
accept a well-formed document graph and reject the broken ones, naming the node
and the property at fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SH, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology"
DOCS = Path(__file__).resolve().parents[1] / "docs"

PKG = Namespace("https://w3id.org/policykg/ontology#")
ID = Namespace("https://w3id.org/policykg/id/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

TURTLE_FILES = sorted(ONTOLOGY.rglob("*.ttl"))
VOCAB_FILES = sorted((ONTOLOGY / "vocab").glob("*.ttl"))

# The terms the loaders write: renaming one breaks them.
CLASSES = """Document Plan Article Division Chapter Section SubSection Box BoxItem IndicatorTable
    Glossary Indicator IndicatorValue Programme GlossaryTerm Body ServiceInstitution Area TargetGroup
    PolicyDomain Evidence""".split()
OBJECT_PROPERTIES = """inDocument level issuer responsibleBody leadBody cooperatingBody
    serviceInstitution inTable tableKind attribute completionStatus baseline target actual alignedWith
    programmeKind serves inDomain runsIn definesProgramme mentionedIn definedIn evidence division
    mentionsBody""".split()
DATATYPE_PROPERTIES = """loaded sourceFile periodStart periodEnd ordinal marker headingLevel unit
    valueText numericValue comparator year domainText statusText attributeText parseNote quote
    charStart charEnd timing window confidence""".split()
CONCEPTS = {
    "plan-levels.ttl": ("PlanLevels", "level-national level-provincial level-municipal level-county"),
    "indicator-attributes.ttl": ("IndicatorAttributes", "attribute-binding attribute-indicative"),
    "completion-statuses.ttl": ("CompletionStatuses",
                                "status-achieved status-not-achieved status-transferred"),
    "programme-kinds.ttl": ("ProgrammeKinds", "kind-project kind-action kind-scheme kind-model "
                            "kind-item kind-pilot kind-platform kind-brand kind-demonstration "
                            "kind-activity kind-campaign kind-fund kind-infosystem kind-circle "
                            "kind-institution kind-mechanism kind-system kind-network kind-pattern "
                            "kind-policy kind-list kind-subsidy kind-way kind-box kind-term"),
    "table-kinds.ttl": ("TableKinds", "table-target table-completion"),
}
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                RDF.Property}


def _languages(graph: Graph, subject, predicate) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology and its vocabularies, as loaders/validate.py mixes them in."""
    graph = Graph().parse(ONTOLOGY / "policykg.ttl")
    for path in VOCAB_FILES:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


# -- the files -----------------------------------------------------------------------------------


def test_the_expected_files_are_there():
    names = {p.relative_to(ONTOLOGY).as_posix() for p in TURTLE_FILES}
    assert {"policykg.ttl", "shapes.ttl"} | {f"vocab/{n}" for n in CONCEPTS} <= names


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: p.relative_to(ONTOLOGY).as_posix())
def test_every_turtle_file_parses(path):
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0


# -- the terms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,names", [(OWL.Class, CLASSES),
                                        (OWL.ObjectProperty, OBJECT_PROPERTIES),
                                        (OWL.DatatypeProperty, DATATYPE_PROPERTIES)],
                         ids=["classes", "object-properties", "datatype-properties"])
def test_the_terms_the_loaders_use_are_declared(ontology, kind, names):
    missing = [n for n in names if (PKG[n], RDF.type, kind) not in ontology]
    assert missing == []


def test_every_pkg_class_and_property_has_zh_and_en_labels_and_an_en_comment(ontology):
    terms = {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)
             if isinstance(s, URIRef) and str(s).startswith(str(PKG))}
    assert len(terms) >= len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    unlabelled = sorted(str(t) for t in terms
                        if not {"zh", "en"} <= _languages(ontology, t, RDFS.label)
                        or "en" not in _languages(ontology, t, RDFS.comment))
    assert unlabelled == []


def test_reused_properties_are_declared_with_labels_but_not_redefined(ontology):
    reused = [ELI.is_part_of, ELI.has_part, ELI.based_on, ELI.jurisdiction, PROV.wasQuotedFrom,
              URIRef("http://purl.org/dc/terms/title"), URIRef("http://purl.org/dc/terms/issued")]
    for term in reused:
        assert set(ontology.objects(term, RDF.type)) & DECLARATIONS, term
        assert {"zh", "en"} <= _languages(ontology, term, RDFS.label), term
    external = {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind)
                if not str(s).startswith(str(PKG))}
    for term in external:
        for predicate in (RDFS.domain, RDFS.range, RDFS.subPropertyOf):
            assert ontology.value(term, predicate) is None, (term, predicate)


def test_the_class_hierarchy(ontology):
    def sub(child, parent):
        return (PKG[child], RDFS.subClassOf, parent) in ontology

    assert sub("Plan", PKG.Document) and sub("Article", PKG.Document)
    assert sub("Plan", ELI.LegalResource) and sub("Division", ELI.LegalResourceSubdivision)
    for division in "Chapter Section SubSection Box BoxItem IndicatorTable Glossary".split():
        assert sub(division, PKG.Division), division
    for concept in "GlossaryTerm Area TargetGroup PolicyDomain".split():
        assert sub(concept, SKOS.Concept), concept
    assert sub("Evidence", PROV.Entity)
    assert (PKG.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom) in ontology
    assert (PKG.leadBody, RDFS.subPropertyOf, PKG.responsibleBody) in ontology
    assert (PKG.alignedWith, RDF.type, OWL.SymmetricProperty) in ontology


@pytest.mark.parametrize("name", sorted(CONCEPTS))
def test_every_vocabulary_concept_has_zh_and_en_labels_and_a_scheme(name):
    graph = Graph().parse(ONTOLOGY / "vocab" / name)
    scheme_name, expected = CONCEPTS[name]
    scheme = PKG[scheme_name]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts == {PKG[n] for n in expected.split()}
    for concept in concepts:
        assert {"zh", "en"} <= _languages(graph, concept, SKOS.prefLabel), concept
        assert (concept, SKOS.inScheme, scheme) in graph, concept


# -- the shapes ----------------------------------------------------------------------------------

PREFIXES = """
@prefix pkg:     <https://w3id.org/policykg/ontology#> .
@base <https://w3id.org/policykg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
"""

# One small plan as the loaders write it: a chapter, a section, a target table with
# one indicator and its values, an issuer, a jurisdiction, a cited plan not in the corpus.
CONFORMING = PREFIXES + """
<plan/t> a pkg:Plan ;
    dcterms:title "“十四五”民政事业发展规划"@zh ;
    rdfs:label "“十四五”民政事业发展规划"@zh ;
    dcterms:issued "2021-05-24"^^xsd:date ;
    dcterms:identifier "002_5366459dd2a9c16e" ;
    dcterms:source "https://www.example.org/plan.html"^^xsd:anyURI ;
    pkg:sourceFile "002_5366459dd2a9c16e.txt" ;
    pkg:loaded true ;
    pkg:level pkg:level-national ;
    eli:jurisdiction <area/全国> ;
    pkg:issuer <body/民政部> ;
    eli:based_on <plan/ref/国民经济和社会发展第十四个五年规划和2035年远景目标纲要> ,
                 <plan/other-loaded-plan> ;
    eli:has_part <plan/t/ch/1> ;
    pkg:evidence <plan/t/evidence> .

<area/全国> a pkg:Area ; skos:prefLabel "全国"@zh ; skos:inScheme pkg:Areas .

<body/民政部> a pkg:Body ; rdfs:label "民政部"@zh ; skos:prefLabel "民政部"@zh .

<plan/ref/国民经济和社会发展第十四个五年规划和2035年远景目标纲要> a pkg:Plan ;
    dcterms:title "国民经济和社会发展第十四个五年规划和2035年远景目标纲要"@zh ;
    pkg:loaded false .

<plan/t/ch/1> a pkg:Chapter ;
    rdfs:label "发展环境"@zh ;
    pkg:ordinal 1 ; pkg:marker "第一章" ; pkg:headingLevel 1 ;
    eli:is_part_of <plan/t> ; pkg:inDocument <plan/t> ;
    eli:has_part <plan/t/ch/1/sec/1> , <plan/t/ch/1/table/target> ;
    pkg:evidence <plan/t/ch/1/evidence> .

<plan/t/ch/1/sec/1> a pkg:Section ;
    rdfs:label "主要发展指标"@zh ;
    pkg:ordinal 1 ; pkg:marker "第一节" ; pkg:headingLevel 2 ;
    eli:is_part_of <plan/t/ch/1> ; pkg:inDocument <plan/t> ;
    pkg:evidence <plan/t/ch/1/sec/1/evidence> .

<plan/t/ch/1/table/target> a pkg:IndicatorTable ;
    rdfs:label "“十四五”时期民政事业发展主要指标"@zh ;
    pkg:tableKind pkg:table-target ;
    eli:is_part_of <plan/t/ch/1> ; pkg:inDocument <plan/t> ;
    pkg:evidence <plan/t/ch/1/table/target/evidence> .

<plan/t/ch/1/table/target/row/1> a pkg:Indicator ;
    rdfs:label "养老机构护理型床位占比"@zh ;
    pkg:inTable <plan/t/ch/1/table/target> ; pkg:inDocument <plan/t> ;
    pkg:unit "%" ;
    pkg:attributeText "约束性" ; pkg:attribute pkg:attribute-binding ;
    pkg:domainText "养老服务" ;
    pkg:baseline <plan/t/ch/1/table/target/row/1/baseline> ;
    pkg:target <plan/t/ch/1/table/target/row/1/target> ;
    pkg:evidence <plan/t/ch/1/table/target/row/1/evidence> .

<plan/t/ch/1/table/target/row/1/baseline> a pkg:IndicatorValue ;
    pkg:valueText "48" ; pkg:numericValue 48.0 ; pkg:comparator "=" ; pkg:year "2020"^^xsd:gYear .

<plan/t/ch/1/table/target/row/1/target> a pkg:IndicatorValue ;
    pkg:valueText "≥55" ; pkg:numericValue 55.0 ; pkg:comparator ">=" ; pkg:year "2025"^^xsd:gYear ;
    pkg:evidence <plan/t/ch/1/table/target/row/1/target/evidence> .

<plan/t/evidence> a pkg:Evidence ;
    pkg:quote "“十四五”民政事业发展规划" ; pkg:charStart 10 ; pkg:charEnd 24 ;
    prov:wasQuotedFrom <plan/t> ; pkg:inDocument <plan/t> .

<plan/t/ch/1/evidence> a pkg:Evidence ;
    pkg:quote "第一章 发展环境" ; pkg:charStart 100 ; pkg:charEnd 108 ;
    prov:wasQuotedFrom <plan/t> ; pkg:inDocument <plan/t> ; pkg:division <plan/t/ch/1> .

<plan/t/ch/1/sec/1/evidence> a pkg:Evidence ;
    pkg:quote "第一节 主要发展指标" ; pkg:charStart 120 ; pkg:charEnd 130 ;
    prov:wasQuotedFrom <plan/t> ; pkg:inDocument <plan/t> ; pkg:division <plan/t/ch/1/sec/1> .

<plan/t/ch/1/table/target/evidence> a pkg:Evidence ;
    pkg:quote "“十四五”时期民政事业发展主要指标" ; pkg:charStart 140 ; pkg:charEnd 157 ;
    prov:wasQuotedFrom <plan/t> ; pkg:inDocument <plan/t> ;
    pkg:division <plan/t/ch/1/table/target> .

<plan/t/ch/1/table/target/row/1/evidence> a pkg:Evidence ;
    pkg:quote "养老机构护理型床位占比 % 48 ≥55 约束性" ; pkg:charStart 160 ; pkg:charEnd 185 ;
    prov:wasQuotedFrom <plan/t> ; pkg:inDocument <plan/t> ;
    pkg:division <plan/t/ch/1/table/target> .

<plan/t/ch/1/table/target/row/1/target/evidence> a pkg:Evidence ;
    pkg:quote "≥55" ; pkg:charStart 178 ; pkg:charEnd 181 ;
    prov:wasQuotedFrom <plan/t> ; pkg:division <plan/t/ch/1/table/target> .
"""

PLAN = ID["plan/t"]
CHAPTER = ID["plan/t/ch/1"]
SECTION = ID["plan/t/ch/1/sec/1"]
ROW = ID["plan/t/ch/1/table/target/row/1"]
TARGET = ID["plan/t/ch/1/table/target/row/1/target"]
ROW_EVIDENCE = ID["plan/t/ch/1/table/target/row/1/evidence"]
CITED = ID["plan/ref/国民经济和社会发展第十四个五年规划和2035年远景目标纲要"]


def _data() -> Graph:
    return Graph().parse(data=CONFORMING, format="turtle")


def _validate(data: Graph, shapes: Graph, ontology: Graph):
    """Validate as loaders/validate.py does: ontology mixed in, no inference.

    Returns conforms and the violations as (focus node, path, constraint component).
    """
    conforms, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology,
                                   inference="none", allow_warnings=True)
    violations = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            violations.add((report.value(result, SH.focusNode), report.value(result, SH.resultPath),
                            report.value(result, SH.sourceConstraintComponent)))
    return conforms, violations


def test_the_shapes_accept_a_well_formed_document(shapes, ontology):
    conforms, violations = _validate(_data(), shapes, ontology)
    assert violations == set()
    assert conforms


def test_evidence_without_a_quote_is_rejected(shapes, ontology):
    data = _data()
    data.remove((ROW_EVIDENCE, PKG.quote, None))
    conforms, violations = _validate(data, shapes, ontology)
    assert not conforms
    assert violations == {(ROW_EVIDENCE, PKG.quote, SH.MinCountConstraintComponent)}


def test_an_empty_quote_is_rejected(shapes, ontology):
    data = _data()
    data.set((ROW_EVIDENCE, PKG.quote, Literal("")))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(ROW_EVIDENCE, PKG.quote, SH.MinLengthConstraintComponent)}


def test_a_comparator_outside_the_list_is_rejected(shapes, ontology):
    data = _data()
    data.set((TARGET, PKG.comparator, Literal("≈")))
    conforms, violations = _validate(data, shapes, ontology)
    assert not conforms
    assert violations == {(TARGET, PKG.comparator, SH.InConstraintComponent)}


def test_a_division_with_two_parents_is_rejected(shapes, ontology):
    data = _data()
    data.add((SECTION, ELI.is_part_of, PLAN))
    conforms, violations = _validate(data, shapes, ontology)
    assert not conforms
    assert violations == {(SECTION, ELI.is_part_of, SH.MaxCountConstraintComponent)}


def test_a_loaded_plan_without_evidence_is_rejected(shapes, ontology):
    data = _data()
    data.remove((PLAN, PKG.evidence, None))
    conforms, violations = _validate(data, shapes, ontology)
    assert not conforms
    # Only the loaded plan: the cited plan (pkg:loaded false) has no evidence either.
    assert violations == {(PLAN, PKG.evidence, SH.SPARQLConstraintComponent)}


def test_a_chapter_without_its_number_is_rejected(shapes, ontology):
    data = _data()
    data.remove((CHAPTER, PKG.ordinal, None))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(CHAPTER, PKG.ordinal, SH.MinCountConstraintComponent)}


def test_a_division_whose_parent_is_neither_division_nor_document_is_rejected(shapes, ontology):
    data = _data()
    data.set((SECTION, ELI.is_part_of, ID["area/全国"]))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(SECTION, ELI.is_part_of, SH.OrConstraintComponent)}


def test_an_indicator_with_an_unknown_attribute_or_two_targets_is_rejected(shapes, ontology):
    data = _data()
    data.set((ROW, PKG.attribute, PKG["attribute-optional"]))
    data.add((ROW, PKG.target, ID["plan/t/ch/1/table/target/row/1/baseline"]))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(ROW, PKG.attribute, SH.InConstraintComponent),
                          (ROW, PKG.target, SH.MaxCountConstraintComponent)}


def test_evidence_must_point_at_an_evidence_node(shapes, ontology):
    data = _data()
    data.add((ID["body/民政部"], PKG.evidence, CHAPTER))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(ID["body/民政部"], PKG.evidence, SH.ClassConstraintComponent)}


def test_based_on_may_name_a_plan_typed_in_another_graph_but_not_another_kind_of_node(
        shapes, ontology):
    data = _data()
    data.add((PLAN, ELI.based_on, ID["area/全国"]))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(PLAN, ELI.based_on, SH.OrConstraintComponent)}


def test_a_level_outside_the_plan_levels_is_rejected(shapes, ontology):
    data = _data()
    data.set((PLAN, PKG.level, PKG["level-village"]))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(PLAN, PKG.level, SH.InConstraintComponent)}


def test_a_concept_needs_one_chinese_pref_label(shapes, ontology):
    data = _data()
    area = ID["area/全国"]
    data.set((area, SKOS.prefLabel, Literal("China", lang="en")))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(area, SKOS.prefLabel, SH.QualifiedMinCountConstraintComponent)}
    data.add((area, SKOS.prefLabel, Literal("全国", lang="zh")))
    data.add((area, SKOS.prefLabel, Literal("全中国", lang="zh")))
    _, violations = _validate(data, shapes, ontology)
    assert violations == {(area, SKOS.prefLabel, SH.UniqueLangConstraintComponent)}


# -- the guide -----------------------------------------------------------------------------------


def test_the_sparql_examples_in_the_guide_answer_on_the_sample_or_the_built_graph(ontology, built):
    """Each query of the guide answers on the hand-written sample here or on the real corpus."""
    from rdflib import Dataset

    from policykg.graph.builds.datadir import DATASET_FILE
    from policykg.graph.builds.datadir import DataDir

    corpus = Dataset(default_union=True)
    corpus.parse(DataDir(built[1]).current() / DATASET_FILE, format="nquads")
    text = (DOCS / "ontology.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", text, flags=re.S)
    assert len(queries) >= 2
    sample = _data() + ontology
    for query in queries:
        assert list(sample.query(query)) or list(corpus.query(query)), query


def test_the_iri_bases_are_the_ones_the_ontology_declares():
    """``policykg.ontology`` is the one home of the IRI bases; they must say what ``policykg.ttl`` says."""
    from policykg.loaders import iris
    from policykg.ontology import ID_BASE, ONTOLOGY_IRI, PKG_BASE, ontology_dir

    vann = Namespace("http://purl.org/vocab/vann/")
    graph = Graph().parse(ontology_dir() / "policykg.ttl")
    assert set(graph.subjects(RDF.type, OWL.Ontology)) == {URIRef(ONTOLOGY_IRI)}
    assert graph.value(URIRef(ONTOLOGY_IRI), vann.preferredNamespaceUri) == Literal(PKG_BASE)
    assert (str(iris.PKG), str(iris.ID)) == (PKG_BASE, ID_BASE) == (str(PKG), str(ID))
    concepts = Graph().parse(ontology_dir() / "vocab" / "target-groups.ttl")
    assert any(str(s).startswith(ID_BASE + "group/") for s in concepts.subjects(RDF.type, None))
