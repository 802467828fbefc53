// title_zh: 名词解释:定义所在与所定义的项目
// title_en: Where a glossary term is defined and the programme it defines
// answers: The plan whose glossary defines the term, the definition, and the programme the term names (if any).
// param term_name = 金民工程 | glossary term (GlossaryTerm name_zh / skos:prefLabel)
MATCH (t:GlossaryTerm)-[:DEFINED_IN]->(d:Plan)
WHERE t.name_zh = $term_name
OPTIONAL MATCH (t)-[:DEFINES_PROGRAMME]->(p:Programme)
RETURN DISTINCT t.iri AS term, d.iri AS plan, t.definition_zh AS definition, p.iri AS programme, p.name_zh AS programme_name
