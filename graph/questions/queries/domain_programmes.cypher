// title_zh: 某政策领域(含下位领域)的项目
// title_en: Programmes of a policy domain, including its narrower domains
// answers: Programmes placed in the domain or any domain under it, with their document.
// param domain = 养老服务 | policy domain name (PolicyDomain name_zh / skos:prefLabel@zh)
MATCH (dom:PolicyDomain)-[:BROADER*0..6]->(a:PolicyDomain)
WHERE a.name_zh = $domain
MATCH (p:Programme)-[:IN_DOMAIN]->(dom)
MATCH (p)-[:IN_DOCUMENT]->(d)
RETURN DISTINCT p.iri AS programme, p.name_zh AS programme_name, d.iri AS document, dom.name_zh AS domain_name
