"""The plan cascade and indicators aligned across levels, queried with SPARQL on the built dataset."""

from __future__ import annotations

from rdflib import Dataset

from .conftest import dataset_in_service

PREFIXES = """
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _dataset(data_dir) -> Dataset:
    return dataset_in_service(data_dir)


def _based_on(dataset: Dataset) -> dict[str, set[tuple[str, bool]]]:
    rows = dataset.query(PREFIXES + """
        SELECT ?title ?parentTitle ?loaded WHERE {
          ?plan pkg:loaded true ; dcterms:title ?title ; eli:based_on ?parent .
          ?parent dcterms:title ?parentTitle ; pkg:loaded ?loaded .
        }""")
    chains: dict[str, set[tuple[str, bool]]] = {}
    for title, parent, loaded in rows:
        chains.setdefault(str(title), set()).add((str(parent), loaded.toPython()))
    return chains


def test_each_plans_based_on_chain(built):
    """Read in the texts: national ← Hainan; national + Shandong ← Weihai; the national plan's own sources."""
    _, data_dir = built
    chains = _based_on(_dataset(data_dir))
    assert chains["海南省“十四五”民政事业发展规划"] == {
        ("“十四五”民政事业发展规划", True),
        ("海南省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", False),
    }
    assert chains["威海市民政事业十四五发展规划"] == {
        ("“十四五”民政事业发展规划", True),
        ("山东省民政事业十四五发展规划", False),
        ("威海市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", False),
    }
    assert chains["“十四五”民政事业发展规划"] == {
        ("中共中央关于制定国民经济和社会发展第十四个五年规划和二〇三五年远景目标的建议", False),
        ("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", False),
    }
    assert "城市十四五民政事业发展规划" not in chains  # 001 names no plan it follows


def test_the_cascade_runs_national_to_municipal_through_jurisdictions(built):
    _, data_dir = built
    rows = _dataset(data_dir).query(PREFIXES + """
        SELECT ?child ?area ?parentArea WHERE {
          ?plan eli:based_on ?national ; dcterms:title ?child ; eli:jurisdiction ?a .
          ?national pkg:level pkg:level-national .
          ?a skos:prefLabel ?area ; skos:broader ?p .
          ?p skos:prefLabel ?parentArea .
          FILTER(lang(?area) = "zh" && lang(?parentArea) = "zh")
        }""")
    found = {(str(c), str(a), str(p)) for c, a, p in rows}
    assert ("海南省“十四五”民政事业发展规划", "海南省", "全国") in found
    assert ("威海市民政事业十四五发展规划", "威海市", "山东省") in found


ALIGNED = PREFIXES + """
SELECT ?name ?levelA ?targetA ?otherName ?levelB ?targetB ?method ?score WHERE {
  ?statement rdf:predicate pkg:alignedWith ; rdf:subject ?a ; rdf:object ?b ;
             pkg:alignmentMethod ?method ; pkg:alignmentScore ?score .
  ?a rdfs:label ?name ; pkg:inDocument ?planA ; pkg:target/pkg:valueText ?targetA .
  ?b rdfs:label ?otherName ; pkg:inDocument ?planB ; pkg:target/pkg:valueText ?targetB .
  ?planA pkg:level/skos:notation ?levelA .
  ?planB pkg:level/skos:notation ?levelB .
}
"""


def test_indicators_aligned_across_levels_with_their_values_side_by_side(built):
    """Values read in the tables: 75% nationally and 80% in Hainan, and so on."""
    _, data_dir = built
    rows = {(str(r.name), str(r.levelA), str(r.targetA), str(r.levelB), str(r.targetB))
            for r in _dataset(data_dir).query(ALIGNED)}
    expected = {
        ("农村低保标准占城市低保标准比例", "national", "75", "provincial", "80"),
        ("养老机构护理型床位占比", "national", "≥55", "provincial", "60"),
        ("重度残疾人护理补贴覆盖率", "national", "100", "provincial", "100"),
        ("查明身份信息流浪乞讨受助人员接送返回率", "national", "100", "provincial", "100"),
        ("社会工作专业人才总量", "national", "200", "provincial", "1.14"),
        ("婚姻登记“跨省通办”实施率", "national", "100", "municipal", "100"),
        ("县级公益性安葬(放)设施覆盖率", "national", "100", "municipal", "100"),
    }
    assert expected <= rows
    national_names = {name for name, level, *_ in rows if level == "national"}
    assert len(national_names) >= 6


def test_every_alignment_says_its_method_and_score_and_points_at_both_rows(built):
    _, data_dir = built
    dataset = _dataset(data_dir)
    rows = list(dataset.query(PREFIXES + """
        SELECT ?statement ?method ?score (COUNT(?evidence) AS ?quotes) WHERE {
          ?statement rdf:predicate pkg:alignedWith ; pkg:alignmentMethod ?method ;
                     pkg:alignmentScore ?score ; pkg:evidence ?evidence .
          ?evidence pkg:quote ?quote .
        } GROUP BY ?statement ?method ?score"""))
    assert len(rows) >= 10
    for row in rows:
        assert 0 < float(row.score) <= 1 and str(row.method)
        assert int(row.quotes) == 2
