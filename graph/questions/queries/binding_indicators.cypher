// title_zh: 规划的约束性指标
// title_en: Binding (约束性) indicators of a plan
// answers: Indicators of the plan whose attribute is binding, with unit and target as written.
// param plan = “十四五”民政事业发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)<-[:IN_DOCUMENT]-(i:Indicator)-[:ATTRIBUTE]->(k:Concept)
WHERE d.name_zh = $plan AND k.notation = 'binding'
RETURN DISTINCT i.iri AS indicator, i.name_zh AS indicator_name, i.unit AS unit, i.target_text AS target
