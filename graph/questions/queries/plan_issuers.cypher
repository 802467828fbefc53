// title_zh: 规划的印发机构
// title_en: Bodies issuing a plan
// answers: Which bodies issued the plan.
// param plan = 威海市民政事业十四五发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)-[:ISSUER]->(b:Body)
WHERE d.name_zh = $plan
RETURN DISTINCT b.iri AS body, b.name_zh AS body_name
