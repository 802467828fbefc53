// title_zh: 项目的原文证据
// title_en: The evidence quote for a programme
// answers: For every programme with this name: its document, the verbatim quote, the corpus file and the [start, end) span.
// param programme_name = 乡镇(街道)社工站建设工程 | programme name (Programme name_zh / rdfs:label)
MATCH (p:Programme)
WHERE p.name_zh = $programme_name
RETURN DISTINCT p.iri AS programme, p.document AS document, p.quote AS quote, p.source_file AS source_file,
       p.char_start AS char_start, p.char_end AS char_stop
