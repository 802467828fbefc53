"""Stores, the RDF → property-graph mapping, and the questions asked of them.

Sub-packages, bottom to top (each imports only those before it; ``tests/test_architecture.py``):
``terms.py`` and ``builds/`` (the build folder), ``mapping/`` (RDF → property graph),
``exports/`` (files for other tools), ``backends/`` (each store's writer and reader, the
sandboxes, and the registry that names them), ``questions/`` (what the REST API and the
page ask).  ``docs/architecture.md`` says where to add what.
"""
