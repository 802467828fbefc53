// title_zh: 服务某类对象(含下位对象)的项目及原文
// title_en: Programmes serving a group, including its narrower groups, with the quote
// answers: Which programmes serve this target group or any group under it, in which document, and the sentence that says so.
// param group_name = 老年人 | target group name (TargetGroup name_zh / skos:prefLabel@zh)
MATCH (g:TargetGroup)-[:BROADER*0..8]->(a:TargetGroup)
WHERE a.name_zh = $group_name
MATCH (p:Programme)-[s:SERVES]->(g)
MATCH (p)-[:IN_DOCUMENT]->(d)
UNWIND s.quotes AS quote
RETURN DISTINCT p.iri AS programme, p.name_zh AS programme_name, d.iri AS document, g.name_zh AS target_group, quote
