"""The RDF dataset → the property graph every Cypher store loads.

``model.py`` is the property graph (nodes, relationships, schema); ``rules.py`` reads the
mapping's names from ``ontology/lexicon/property-graph.yaml``; ``quad_index.py`` is the
mapper's view of a dataset (in memory or an Oxigraph store); ``mapper.py`` applies the
rules; ``schema.py`` declares the schema every store is given.
"""
