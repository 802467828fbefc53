"""Linked data at ``/id/…``: every entity IRI answers HTML, Turtle and JSON-LD, with its evidence.

All against the real app on the session's real build (``client``), and one
request through the real server process (``live_server``) for the
percent-encoded path as a browser sends it.
"""

from __future__ import annotations

import html
import json
import urllib.request
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from pyoxigraph import NamedNode
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

ID = "https://w3id.org/policykg/id/"
PKG = Namespace("https://w3id.org/policykg/ontology#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

PROGRAMME = "plan/hainan-14th-minzheng-plan/programme/“时间银行”养老模式"
GROUP = "group/advanced-age-elderly"
PLAN = "plan/hainan-14th-minzheng-plan"
AREA = "area/海南省"
INDICATOR_LABEL = "城市社区“一窗受理,全科服务”模式推行率"


class Page(HTMLParser):
    """What a page links to and loads, and the text of its blockquotes, read with the standard HTML parser."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []  # <a href>
        self.loads: list[str] = []  # <script src>, <link href>, <img src>, …: what a browser would fetch
        self.quotes: list[str] = []
        self.captions: list[str] = []
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for attr in ("src", "srcset", "poster", "data"):
            if values.get(attr):
                self.loads.append(values[attr])
        if tag == "link" and values.get("href") and values.get("rel") not in ("alternate",):
            self.loads.append(values["href"])
        if tag in ("blockquote", "figcaption"):
            self._in.append(tag)
            (self.quotes if tag == "blockquote" else self.captions).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("blockquote", "figcaption") and self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in:
            target = self.quotes if self._in[-1] == "blockquote" else self.captions
            target[-1] += data


def store(client):
    """The read-only Oxigraph store the app serves (the real one, for expectations)."""
    return client.app.state.holder.current.rdf


def select(client, query: str) -> list:
    """Rows of a fixed test query over the union of the documents' graphs."""
    return list(store(client).query(query, use_default_graph_as_union=True))


def one(client, query: str) -> list:
    rows = select(client, query)
    assert rows, query
    return [term.value for term in rows[0]]


@pytest.fixture(scope="module")
def indicator(client) -> str:
    """The path of one indicator row, found by its name (row numbers are the parser's business)."""
    (iri,) = one(client, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?i WHERE {{ ?i a pkg:Indicator ; rdfs:label "{INDICATOR_LABEL}"@zh }} LIMIT 1""")
    return iri[len(ID):]


def quotes_of(client, iri: str) -> list[str]:
    """The quotes of the entity's own evidence and of the statements about it, from the store."""
    rows = select(client, f"""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT DISTINCT ?q WHERE {{
          {{ <{iri}> pkg:evidence/pkg:quote ?q }} UNION
          {{ ?s rdf:subject <{iri}> ; pkg:evidence/pkg:quote ?q }} UNION
          {{ ?s rdf:object <{iri}> ; pkg:evidence/pkg:quote ?q }} }}""")
    return [row[0].value for row in rows]


def label_of(client, iri: str) -> str:
    (label,) = one(client, f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?l WHERE {{ <{iri}> rdfs:label|skos:prefLabel ?l FILTER(lang(?l) = "zh") }} LIMIT 1""")
    return label


def paths(indicator: str) -> list[str]:
    return [PROGRAMME, GROUP, PLAN, AREA, indicator]


@pytest.fixture(scope="module", params=["programme", "group", "plan", "area", "indicator"])
def entity(request, indicator) -> str:
    return dict(zip(["programme", "group", "plan", "area", "indicator"], paths(indicator)))[request.param]


# -- every format ----------------------------------------------------------------------------------


def test_turtle_holds_the_label_and_the_evidence(client, entity):
    iri = URIRef(ID + entity)
    response = client.get(f"/id/{entity}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["vary"] == "Accept"
    graph = Graph().parse(data=response.text, format="turtle")
    label = label_of(client, str(iri))
    assert (iri, RDFS.label, Literal(label, lang="zh")) in graph or \
        (iri, SKOS.prefLabel, Literal(label, lang="zh")) in graph
    served_quotes = {str(q) for q in graph.objects(None, PKG.quote)}
    assert set(quotes_of(client, str(iri))) <= served_quotes
    own = {(q.predicate.value, q.object.value) for q in store(client).quads_for_pattern(NamedNode(str(iri)), None,
                                                                                      None, None)}
    assert own == {(str(p), str(o)) for p, o in graph.predicate_objects(iri)}  # from every named graph


def test_json_ld_is_the_same_graph_compacted(client, entity):
    turtle = Graph().parse(data=client.get(f"/id/{entity}?format=ttl").text, format="turtle")
    response = client.get(f"/id/{entity}", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    document = response.json()
    assert "@context" in document and document["@context"]["pkg"] == str(PKG)  # the project's context
    json_ld = Graph().parse(data=json.dumps(document), format="json-ld")
    assert values(json_ld) == values(turtle) and len(turtle) > 3


def values(graph: Graph) -> set:
    """The triples with literals by value: JSON-LD writes the decimal 100.0 as 100, the same number."""
    def value(term):
        return (term.toPython(), term.datatype, term.language) if isinstance(term, Literal) else term
    return {(s, p, value(o)) for s, p, o in graph}


def test_n_triples_too(client, entity):
    response = client.get(f"/id/{entity}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.text, format="nt")) > 3


def test_html_shows_names_type_and_evidence(client, entity):
    iri = ID + entity
    response = client.get(f"/id/{entity}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    assert html.escape(label_of(client, iri), quote=False) in response.text
    page = Page(response.text)
    assert set(quotes_of(client, iri)) <= set(page.quotes)
    assert any(link.startswith("/ontology#") for link in page.links)  # its type, linked


def test_page_loads_nothing_from_elsewhere(client, entity):
    page = Page(client.get(f"/id/{entity}", headers={"Accept": BROWSER}).text)
    assert all(urlsplit(url).scheme == "" and urlsplit(url).netloc == "" for url in page.loads), page.loads
    assert "@import" not in client.get(f"/id/{entity}?format=html").text


def test_links_on_a_page_resolve(client, entity):
    page = Page(client.get(f"/id/{entity}?format=html").text)
    local = [link for link in page.links if link.startswith("/id/")]
    assert local
    for link in list(dict.fromkeys(local))[:8]:
        response = client.get(link, headers={"Accept": BROWSER})
        assert response.status_code == 200, link
    assert client.get("/ontology", headers={"Accept": BROWSER}).status_code == 200


# -- evidence in detail --------------------------------------------------------------------------


def test_programme_page_quotes_the_glossary_with_its_document(client):
    page = Page(client.get(f"/id/{PROGRAMME}", headers={"Accept": BROWSER}).text)
    (quote_text,) = [q for q in page.quotes if "低龄扶高龄" in q]
    caption = page.captions[page.quotes.index(quote_text)]
    assert "海南省“十四五”民政事业发展规划" in caption
    assert "高龄老人" in caption  # the words that named the group it serves


def test_indicator_quote_names_its_table(client, indicator):
    page = Page(client.get(f"/id/{indicator}", headers={"Accept": BROWSER}).text)
    (i,) = [n for n, q in enumerate(page.quotes) if INDICATOR_LABEL in q]
    assert "主要指标表" in page.captions[i]  # the division (the indicator table) it is quoted from
    assert "威海" in page.captions[i]


def test_group_turtle_carries_statements_about_it_with_their_evidence(client):
    iri = URIRef(ID + GROUP)
    graph = Graph().parse(data=client.get(f"/id/{GROUP}?format=ttl").text, format="turtle")
    statements = set(graph.subjects(RDF.object, iri))
    assert statements
    for statement in statements:
        assert (statement, RDF.type, RDF.Statement) in graph
        evidence = list(graph.objects(statement, PKG.evidence))
        assert evidence and all(graph.value(e, PKG.quote) for e in evidence)
    matched = {str(m) for m in graph.objects(None, PKG.matchedLabel)}
    assert matched & {"高龄老人", "高龄老年人", "高龄长寿老人"}


def test_plan_links_to_its_area_and_the_area_back(client):
    plan = Graph().parse(data=client.get(f"/id/{PLAN}?format=ttl").text, format="turtle")
    area = URIRef(ID + AREA)
    assert (URIRef(ID + PLAN), URIRef("http://data.europa.eu/eli/ontology#jurisdiction"), area) in plan
    back = Graph().parse(data=client.get(f"/id/{AREA}?format=ttl").text, format="turtle")
    assert (URIRef(ID + PLAN), URIRef("http://data.europa.eu/eli/ontology#jurisdiction"), area) in back


def test_hubs_are_capped_with_a_note(client):
    from policykg.graph.questions.describe import describe

    full = describe(store(client), ID + GROUP)
    capped = describe(store(client), ID + GROUP, incoming_limit=2, statement_limit=1)
    assert full.incoming_total > 2 and len(capped.incoming) == 2 and capped.incoming_total == full.incoming_total
    assert len(capped.statements) < len(full.statements)
    assert len(capped.notes) == 2 and not full.notes


# -- addresses, negotiation, errors --------------------------------------------------------------


def test_percent_encoded_chinese_paths(client):
    encoded = "/id/" + quote(PROGRAMME, safe="/")
    assert "%E2%80%9C" in encoded  # “ as a client sends it
    response = client.get(encoded, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert "时间银行" in response.text
    assert client.get("/id/" + quote(AREA, safe="/")).status_code == 200


def test_percent_encoded_path_through_the_real_server(live_server):
    request = urllib.request.Request(live_server + "/id/" + quote(PROGRAMME, safe="/"),
                                     headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Vary"] == "Accept"
        graph = Graph().parse(data=response.read().decode("utf-8"), format="turtle")
    assert (URIRef(ID + PROGRAMME), RDFS.label, Literal("“时间银行”养老模式", lang="zh")) in graph


@pytest.mark.parametrize("accept, media", [
    (BROWSER, "text/html"),
    ("*/*", "text/turtle"),
    (None, "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/json", "application/ld+json"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("text/html;q=0, */*", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
])
def test_content_negotiation(client, accept, media):
    headers = {"Accept": accept if accept is not None else ""}
    response = client.get(f"/id/{AREA}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"


def test_format_parameter_overrides_accept(client):
    response = client.get(f"/id/{AREA}?format=jsonld", headers={"Accept": BROWSER})
    assert response.headers["content-type"].startswith("application/ld+json")
    response = client.get(f"/id/{AREA}?format=html", headers={"Accept": "text/turtle"})
    assert response.headers["content-type"].startswith("text/html")
    bad = client.get(f"/id/{AREA}?format=xml")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_unacceptable_accept_is_406(client):
    response = client.get(f"/id/{AREA}", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in response.json()["detail"]


def test_unknown_entity_is_a_404_problem(client):
    response = client.get("/id/group/no-such-group", headers={"Accept": "application/ld+json"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["vary"] == "Accept"
    problem = response.json()
    assert problem["status"] == 404 and "group/no-such-group" in problem["detail"]
    assert "/api/search?q=no-such-group" in problem["detail"]


def test_hostile_path_is_escaped_on_the_404_page(client):
    hostile = "/id/plan/<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
    response = client.get(hostile, headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    page = Page(response.text)
    assert page.loads == []  # no script, no image: nothing the path said became markup


def test_hostile_labels_and_quotes_are_escaped_in_the_entity_template(client):
    """Labels and quotes come from documents: render a description holding markup with the real template."""
    from policykg.api.linked_data import render_html
    from policykg.graph.questions.describe import Description, Quote, Term

    evil = "<script>alert(1)</script>"
    description = Description(
        ID + "plan/x", [Term("literal", evil, lang="zh")], [Term("iri", str(PKG.Programme), evil, evil)], [], [], 0,
        [Quote(ID + "plan/x/evidence", evil, Term("iri", ID + "plan/x", evil), None, 0, 5, evil)], [], 0, Graph())
    text = render_html("entity.html", d=description, root="").body.decode()
    assert "<script>" not in text
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_ontology_describes_the_terms_pages_link_to(client):
    page = client.get("/ontology", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["vary"] == "Accept"
    for anchor in ("Programme", "serves", "Evidence", "kind-model"):
        assert f'id="{anchor}"' in page.text
    graph = Graph().parse(data=client.get("/ontology", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert (PKG.Programme, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph
    assert not any(str(s).startswith(ID) for s in graph.subjects())  # terms only, no data


def test_linked_data_routes_are_documented(client):
    schema = client.get("/openapi.json").json()
    assert "/id/{path}" in schema["paths"] and "get" in schema["paths"]["/id/{path}"]
