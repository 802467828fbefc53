// title_zh: 规划的指标及基期值、目标值
// title_en: Indicators of a plan with baseline and target
// answers: Every indicator row of a plan (both the 十四五 target table and the 十三五 completion table), with unit, attribute, baseline and target as written.
// param plan = “十四五”民政事业发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)<-[:IN_DOCUMENT]-(i:Indicator)-[:IN_TABLE]->(:IndicatorTable)-[:TABLE_KIND]->(k:Concept)
WHERE d.name_zh = $plan
RETURN DISTINCT i.iri AS indicator, i.name_zh AS indicator_name, k.notation AS table_kind, i.unit AS unit,
       i.attribute_text AS attribute, i.baseline_text AS baseline, i.baseline_year AS baseline_year, i.target_text AS target
