"""The REST API's questions, as Cypher over a ``GraphReader`` (filled in below)."""

from __future__ import annotations

from policykg.graph.reader import GraphReader


class Lookups:
    def __init__(self, reader: GraphReader) -> None:
        self.reader = reader
