"""Stores and the mapping between RDF and the property graph (issue: Stores)."""
