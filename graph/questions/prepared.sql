-- The tables a build prepares for the REST questions (graph/questions/prepare.py writes them,
-- graph/questions/prepared.py reads them).  Every list the API pages is a range of one primary
-- key here, in the order the API answers; every count is one row.

-- Every node: what the API needs to name it, resolve it and search it.
CREATE TABLE entity (
    iri TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    name_zh TEXT,
    name_en TEXT,
    alt_labels TEXT NOT NULL,      -- JSON list
    marker TEXT,
    document TEXT,
    folded TEXT NOT NULL           -- JSON list: every name, folded for search (entity_index.fold)
) WITHOUT ROWID;
CREATE INDEX entity_by_label ON entity (label, iri);
CREATE INDEX entity_by_document ON entity (label, document);

-- How many nodes of each label (/api/health, the page's type counts); ``number`` puts a label's entities in
-- one range of ``entity_text``'s rowids (number << 32 + the entity's place in the label).
CREATE TABLE label_count (label TEXT PRIMARY KEY, n INTEGER NOT NULL, number INTEGER NOT NULL) WITHOUT ROWID;

-- Every folded name, numbered in the order search ranks equally good matches: the shorter name, the
-- label researchers look for first (entity_index.LABEL_RANK), the shorter display name, the IRI.  A page of
-- search is the first names of that order holding the words, exact ones first, then those starting with
-- them, then the rest (``Prepared.ranked``): the indexes below return their matches in ``rank`` order, so
-- a broad word (老: thousands of names) costs a page, not a sort of every hit.
CREATE TABLE name (rank INTEGER PRIMARY KEY, label TEXT NOT NULL, folded TEXT NOT NULL, iri TEXT NOT NULL);
CREATE INDEX name_by_label ON name (label, folded, iri);  -- ``group=老年人`` resolves by (label, name)
CREATE INDEX name_by_folded ON name (folded);             -- exact matches of any label
-- Names by any run of three or more characters (search words that long are looked up, not scanned)…
CREATE VIRTUAL TABLE name_text USING fts5 (folded, content = '', columnsize = 0, tokenize = 'trigram');
-- …and by single characters: every character of the name a token of its own (``spaced``: its code point,
-- u8001 for 老), so a shorter word, 老年, is the phrase "u8001 u5e74" and matches exactly where it occurs.
CREATE VIRTUAL TABLE name_chars USING fts5 (chars, content = '', columnsize = 0);
-- The same per entity, its names one after another (never matched across two), for the total of a search:
-- one count of an index instead of a count of distinct entities over every matching name.
CREATE VIRTUAL TABLE entity_text USING fts5 (names, content = '', columnsize = 0, tokenize = 'trigram');
CREATE VIRTUAL TABLE entity_chars USING fts5 (chars, content = '', columnsize = 0);

-- Concept hierarchies closed: every concept under ``ancestor`` (itself included, at depth 0).
CREATE TABLE narrower (label TEXT NOT NULL, ancestor TEXT NOT NULL, concept TEXT NOT NULL, depth INTEGER NOT NULL,
                       PRIMARY KEY (label, ancestor, concept)) WITHOUT ROWID;

-- Programmes in the API's order (plan, then IRI): ``pos`` is a programme's place in it.
CREATE TABLE programme (pos INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
-- Programmes by facet, each facet a range of one primary key in that order.  kind: all, plan, body,
-- group (the group or a narrower one served), group-exact, domain, domain-exact; key: the facet's IRI.
CREATE TABLE facet (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
                    UNIQUE (kind, key));
CREATE TABLE facet_member (facet INTEGER NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (facet, pos)) WITHOUT ROWID;

-- Nodes of a label per document (the plans' programme and indicator counts).
CREATE TABLE document_count (label TEXT NOT NULL, document TEXT NOT NULL, n INTEGER NOT NULL,
                             PRIMARY KEY (label, document)) WITHOUT ROWID;

-- A programme as a list shows it, rendered: the detail route's answer without the aligned programmes,
-- with their number instead (JSON text, ~6 KB with its quotes and names; not compressed: unpacking 50
-- cards cost a page 1 ms), and the groups it serves for a list's ``matched_groups`` (JSON: [[group IRI,
-- the members "group": ref, "matched_words": [...] as JSON text], ...]).
CREATE TABLE card (pos INTEGER PRIMARY KEY, body TEXT NOT NULL, groups TEXT NOT NULL);

-- The programmes of other plans aligned with each one, rendered as the detail route lists them
-- ({"programme": ref, "method": …, "score": …}), in the order of their IRIs.
CREATE TABLE aligned (pos INTEGER NOT NULL, other TEXT NOT NULL, item TEXT NOT NULL);
CREATE INDEX aligned_by_programme ON aligned (pos, other);

-- Indicators in the API's order (plan, then place in the text), those /api/indicators lists: a page is a
-- range of ``pos`` (of one plan: a range of ``indicator_by_plan``); the store describes the page's rows.
CREATE TABLE indicator (pos INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, plan TEXT NOT NULL);
CREATE INDEX indicator_by_plan ON indicator (plan, pos);

-- The graph's relationships for neighbourhoods (graph/questions/neighbourhood.py): every node numbered, every
-- relationship once, numbered in the order (type, start IRI, end IRI), with what an edge shows of it (JSON:
-- quotes, documents, divisions, spans, matched, method, score; NULL when it has none)…
CREATE TABLE node (num INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL);
CREATE TABLE relation (id INTEGER PRIMARY KEY, type TEXT NOT NULL, source INTEGER NOT NULL, target INTEGER NOT NULL,
                       shown TEXT);
CREATE INDEX relation_by_source ON relation (source, id);
-- …and each node's relationships either way, in that order: a step of a neighbourhood reads a node's range
-- and stops when the answer is full, whatever the node's degree.  Indexed once filled (prepare.py: a sort, not
-- millions of inserts into a B-tree).
CREATE TABLE adjacent (node INTEGER NOT NULL, relation INTEGER NOT NULL);

CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- Every part of every plan's outline (chapter, section, sub-section, box, item, table, glossary) and its path
-- from the chapter down to itself (JSON list of {iri, type, name, marker}): what an answer's evidence shows as
-- "where in the plan".
CREATE TABLE outline (iri TEXT PRIMARY KEY, path TEXT NOT NULL) WITHOUT ROWID;

-- The text layer: every passage of every plan (a sentence, heading, box line, table row, definition), numbered
-- in (level, document, place in the text) order, so a level, a plan and a chapter are each one range of ``pos``
-- (``passage_range``).  ``path``: the outline from the chapter down to the part holding it (JSON list of
-- {iri, type, name, marker}); ``mentions``: the entities it names (JSON list of IRIs).
CREATE TABLE passage (pos INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, document TEXT NOT NULL, kind TEXT NOT NULL,
                      char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, path TEXT NOT NULL, text TEXT NOT NULL,
                      mentions TEXT NOT NULL);
-- kind: level (key: national…), plan, chapter (key: the IRI); the first and last ``pos`` of its passages.
CREATE TABLE passage_range (kind TEXT NOT NULL, key TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                            PRIMARY KEY (kind, key)) WITHOUT ROWID;
-- Each passage's folded text (``passages.fold_aligned``) as its pairs of neighbouring characters, a token each
-- (``passages.bigrams``: 养老服务 → 517bx8001 8001x670d 670dx52a1 52a1x0): a word is the phrase of its pairs, a
-- character the pairs it starts; bm25 ranks.
CREATE VIRTUAL TABLE passage_bigrams USING fts5 (pairs, content = '');
