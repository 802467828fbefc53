"""Ontology, vocabularies, SHACL shapes and lexicons: data files, read by the loaders."""
