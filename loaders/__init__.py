"""Loaders: documents → normalised text → structure → RDF, every node with its evidence."""
