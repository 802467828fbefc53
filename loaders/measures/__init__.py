"""Reading the measures a plan names, whom they serve and who carries them out.

``names`` finds measure names in sentences (a chunker over jieba's tokens),
``groups`` the target groups a sentence names (as written, distributed over shared
heads), ``bodies`` the organisations, and ``links`` ties them together with the
window of text that says so.  Words and rules live in
``ontology/lexicon/measures.yaml`` and the SKOS vocabularies.
"""
