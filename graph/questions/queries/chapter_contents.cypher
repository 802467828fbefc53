// title_zh: 某章包含的节、专栏等
// title_en: What a chapter contains (sections, boxes, tables…)
// answers: Every division inside the chapter at any depth, with its kind and heading.
// param chapter = https://w3id.org/policykg/id/plan/national-14th-minzheng-plan/ch/3 | chapter IRI
MATCH (part)-[:IS_PART_OF*1..5]->(ch:Chapter)
WHERE ch.iri = $chapter
RETURN DISTINCT part.iri AS part, label(part) AS kind, part.name_zh AS heading
