"""How much a mapping worker keeps of what it has read: the sizes of its caches, in entries.

The mapping asks the same subjects again and again within a node (its evidence, its
document, the concepts it links to), and the same few terms on every quad (predicates,
classes, documents).  Caches bounded by entries cost what their entries cost; measured
on the bundled corpus's store (``tracemalloc``, each cache emptied in turn), an entry is
about 0.8 KB of quads for a subject, 1.2 KB of objects by predicate, 1.2 KB for an
evidence record, 0.6 KB for a short literal and 0.4 KB for an IRI.  At the earlier sizes
(200,000 subjects, a million IRIs and a million literals, 100,000 records) that was up to
1.4 GB a worker at 5,000 plans; ``docs/benchmarks.md`` has the figures of these sizes.

``POLICYKG_MAP_CACHE`` sets the number of subjects whose quads a worker keeps; the other
caches follow from it in the proportions below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENVIRONMENT = "POLICYKG_MAP_CACHE"
DEFAULT_SUBJECTS = 50_000


@dataclass(frozen=True)
class CacheSizes:
    subjects: int  # subjects whose quads are kept
    terms: int  # IRIs, and short literals, made once each (each table is emptied when it is full)
    records: int  # evidence records, a subject's objects by predicate, evidence ranks

    @classmethod
    def of(cls, subjects: int) -> CacheSizes:
        if subjects < 1:
            raise ValueError(f"{ENVIRONMENT} must be a positive number of subjects, not {subjects}")
        return cls(subjects=subjects, terms=2 * subjects, records=max(1, subjects // 2))


def cache_sizes() -> CacheSizes:
    """The sizes from ``POLICYKG_MAP_CACHE`` (a number of subjects), else the defaults."""
    written = os.environ.get(ENVIRONMENT, "").strip()
    if not written:
        return CacheSizes.of(DEFAULT_SUBJECTS)
    try:
        subjects = int(written.replace("_", ""))
    except ValueError:
        raise ValueError(f"{ENVIRONMENT} must be a number of subjects (e.g. 50000), not {written!r}") from None
    return CacheSizes.of(subjects)
