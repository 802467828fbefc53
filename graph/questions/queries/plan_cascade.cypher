// title_zh: 规划的编制依据(逐级上溯)
// title_en: The cascade of plans a plan is based on, transitively
// answers: Every plan this plan follows, directly or through the plans it follows (eli:based_on+ / BASED_ON*1..6); loaded = false means only cited.
// param plan = 威海市民政事业十四五发展规划 | plan title (Plan name_zh / dcterms:title)
MATCH (d:Plan)-[:BASED_ON*1..6]->(q:Plan)
WHERE d.name_zh = $plan
RETURN DISTINCT q.iri AS follows, q.name_zh AS follows_name, q.loaded AS in_corpus
