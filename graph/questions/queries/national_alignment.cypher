// title_zh: 地方指标与国家指标对照
// title_en: A plan's indicators against the aligned national indicators
// answers: Indicators of the plan aligned with an indicator of a national plan, with both targets as written.
// param plan = 威海市民政事业十四五发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)<-[:IN_DOCUMENT]-(i:Indicator)-[:ALIGNED_WITH]-(n:Indicator)-[:IN_DOCUMENT]->(nd:Plan)-[:LEVEL]->(k:Concept)
WHERE d.name_zh = $plan AND k.notation = 'national' AND d.iri <> nd.iri
RETURN DISTINCT i.iri AS indicator, i.name_zh AS indicator_name, i.target_text AS target,
       n.iri AS national_indicator, n.name_zh AS national_name, n.target_text AS national_target
