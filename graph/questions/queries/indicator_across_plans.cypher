// title_zh: 同一指标在各规划中的比较
// title_en: The same indicator compared across plans
// answers: For each row named like this, the rows of other plans aligned with it (alignedWith / ALIGNED_WITH, either direction), with both targets and the alignment method.
// param indicator_name = 困难残疾人生活补贴覆盖率 | indicator name (Indicator name_zh / rdfs:label)
MATCH (a:Indicator)-[al:ALIGNED_WITH]-(b:Indicator)
WHERE a.name_zh = $indicator_name
RETURN DISTINCT a.iri AS indicator, a.document AS document, a.target_text AS target,
       b.iri AS other, b.document AS other_document, b.name_zh AS other_name, b.target_text AS other_target, al.method AS method
