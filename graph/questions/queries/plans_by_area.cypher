// title_zh: 某区域(含下辖区域)的规划
// title_en: Plans by jurisdiction area, including sub-areas
// answers: Plans whose jurisdiction is the area or any area under it.
// param area = 山东省 | area name (Area name_zh / skos:prefLabel@zh)
MATCH (d:Plan)-[:JURISDICTION]->(x:Area)-[:BROADER*0..6]->(a:Area)
WHERE a.name_zh = $area
RETURN DISTINCT d.iri AS plan, d.name_zh AS plan_name, x.name_zh AS area_name
