// title_zh: 多个规划共有的项目
// title_en: Programmes named in more than one plan (aligned)
// answers: Pairs of aligned programmes in different documents (each pair once, smaller IRI first), with the alignment method.
MATCH (a:Programme)-[al:ALIGNED_WITH]-(b:Programme)
WHERE a.iri < b.iri
MATCH (a)-[:IN_DOCUMENT]->(da)
MATCH (b)-[:IN_DOCUMENT]->(db)
RETURN DISTINCT a.iri AS programme, a.name_zh AS programme_name, da.iri AS document,
       b.iri AS other, b.name_zh AS other_name, db.iri AS other_document, al.method AS method
