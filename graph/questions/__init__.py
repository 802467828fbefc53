"""The questions the REST API and the page ask, over any ``backends.reader.GraphReader``.

``lookups.py`` holds the shared reading (entities, evidence, vocabularies);
``programmes.py``, ``plans.py`` and ``neighbourhood.py`` are the families of questions;
``entity_index.py`` resolves ids, labels and names; ``describe.py`` reads an entity's
RDF description for linked data; ``catalogue.py`` names the researcher questions kept
in ``queries/`` for both engines.
"""
