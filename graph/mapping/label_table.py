"""Every node's label in a few bytes a node, for the mapping's worker processes.

A worker maps one stretch of the graph, but a relationship may end in any node, so it needs
the label of every node.  At 5,000 plans that is 2.7 million IRIs: as a dictionary of IRI
texts about 490 MB in each worker, and as much again copied into the spool's schema
(docs/benchmarks.md, ninth session).  Here each IRI is kept as its 16-byte BLAKE2b digest,
sorted, with one byte naming its label: 17 bytes a node, 46 MB at that size.  Two IRIs of the
graph share a digest with a probability of about 10⁻²⁶; the table refuses to be built if they do.

Lookups hash the IRI and bisect the digests (a few microseconds); the recent answers are kept,
as the same concepts, documents and plans are asked for again and again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np

DIGEST_BYTES = 16
RECENT = 200_000  # answers kept; the table of them is emptied when full


def digest(iri: str) -> bytes:
    """The key an IRI is kept under."""
    return hashlib.blake2b(iri.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


class LabelTable:
    """``iri in table``, ``table[iri]``, ``table.get(iri)``: a read-only mapping of IRI text to label."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        names: dict[str, int] = {}
        digests = np.empty(len(labels), dtype=f"S{DIGEST_BYTES}")  # filled in place: no list of millions
        codes = np.empty(len(labels), dtype=np.uint8)
        for row, (iri, label) in enumerate(labels.items()):
            digests[row], codes[row] = digest(iri), names.setdefault(label, len(names))
            if len(names) > 255:
                raise ValueError(f"{len(names)} labels: a table holds at most 255")
        order = np.argsort(digests, kind="stable")
        self._digests, self._codes, self._names = digests[order], codes[order], tuple(names)
        if len(self._digests) > 1 and bool((self._digests[1:] == self._digests[:-1]).any()):
            raise ValueError("two IRIs share a digest: the table cannot tell them apart")
        self._recent: dict[str, str | None] = {}

    def get(self, iri: str, default: str | None = None) -> str | None:
        known = self._recent.get(iri, False)
        if known is False:
            if len(self._recent) >= RECENT:
                self._recent.clear()
            known = self._recent[iri] = self._find(iri)
        return default if known is None else known

    def _find(self, iri: str) -> str | None:
        key = digest(iri)
        at = int(np.searchsorted(self._digests, np.bytes_(key)))
        # numpy hands back a fixed-width string without its trailing zero bytes: compare it so
        if at < len(self._digests) and self._digests[at] == key.rstrip(b"\0"):
            return self._names[self._codes[at]]
        return None

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self.get(iri) is not None

    def __getitem__(self, iri: str) -> str:
        label = self.get(iri)
        if label is None:
            raise KeyError(iri)
        return label

    def __len__(self) -> int:
        return len(self._digests)

    def __getstate__(self) -> dict:
        """Pickled without the recent answers (a worker starts with its own)."""
        return {"digests": self._digests, "codes": self._codes, "names": self._names}

    def __setstate__(self, state: dict) -> None:
        self._digests, self._codes, self._names = state["digests"], state["codes"], state["names"]
        self._recent = {}
