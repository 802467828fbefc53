// title_zh: 规划的项目及类型
// title_en: Programmes of a plan with their kind
// answers: Every programme the plan names, with its kind (工程, 行动…) and where it was read from (box, box-item, prose, glossary).
// param plan = “十四五”民政事业发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)<-[:IN_DOCUMENT]-(p:Programme)-[:PROGRAMME_KIND]->(k:Concept)
WHERE d.name_zh = $plan
RETURN DISTINCT p.iri AS programme, p.name_zh AS programme_name, k.name_zh AS kind, p.origin AS origin
