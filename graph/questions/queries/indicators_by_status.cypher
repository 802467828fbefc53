// title_zh: 十三五完成情况为某状态的指标
// title_en: Indicators whose 十三五 completion status is given (e.g. 未完成)
// answers: Rows of the 十三五 completion tables with this status, with target, actual and the status as written.
// param status = 未完成 | completion status name: 完成, 未完成 or 职能转隶
MATCH (i:Indicator)-[:COMPLETION_STATUS]->(k:Concept)
WHERE k.name_zh = $status
MATCH (i)-[:IN_DOCUMENT]->(d)
RETURN DISTINCT i.iri AS indicator, i.name_zh AS indicator_name, d.iri AS document, i.target_text AS target, i.actual_text AS actual, i.status_text AS status_text
