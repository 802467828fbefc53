// title_zh: 某服务对象之下的对象层级
// title_en: The target-group hierarchy under a group
// answers: Every group under the given one (skos:broader+), each with its immediate broader group inside the same subtree.
// param group_name = 老年人 | target group name (TargetGroup name_zh / skos:prefLabel@zh)
MATCH (g:TargetGroup)-[:BROADER*1..8]->(a:TargetGroup)
WHERE a.name_zh = $group_name
MATCH (g)-[:BROADER]->(parent:TargetGroup)-[:BROADER*0..8]->(a)
RETURN DISTINCT g.iri AS target_group, g.name_zh AS target_group_name, parent.name_zh AS broader_name
