"""Indicator tables (主要发展指标) that lost their grid on the way to plain text.

Plans print their targets as tables; the texts we get have flattened them in
three ways, and this package reads all three into ``IndicatorTable`` objects:

- one cell per line (000, 002, 004) and one row per line: ``per_line``;
- everything run together inside a paragraph (001): ``run_together``, numbers
  that touch (``95100``) being split by the scored rule in ``runs``.

``finder`` finds titles and picks the layout; ``header`` reads the columns,
``rows`` one row's cells, ``cells`` what a single cell is.  Whatever had to be
guessed (a missing unit cell, a value column left empty, a run of digits split
in two, a truncated attribute) is written to the row's notes, so nothing shifts
silently.  Every word list lives in ``ontology/lexicon/tables.yaml``
(loaded by ``lexicon``).
"""

from __future__ import annotations

from .finder import TableMatch, find_indicator_tables

__all__ = ["TableMatch", "find_indicator_tables"]
