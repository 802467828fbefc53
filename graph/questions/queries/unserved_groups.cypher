// title_zh: 某规划中没有项目服务的对象
// title_en: Groups served by no programme in a given plan
// answers: Target groups of the vocabulary that no programme of the plan serves directly.
// param plan = “十四五”民政事业发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan) WHERE d.name_zh = $plan
MATCH (g:TargetGroup)
WHERE NOT EXISTS { MATCH (d)<-[:IN_DOCUMENT]-(:Programme)-[:SERVES]->(g) }
RETURN DISTINCT g.iri AS target_group, g.name_zh AS target_group_name
