"""The corpus for N documents: the bundled corpus when N is its size, else a generated one (cached).

Synthetic corpora come from ``generate(n, out, seed) -> list[Path]`` (by default
``bench/generate_corpus.py``; ``--generator FILE.py:function`` or
``module:function`` names another with the same signature).  A generated corpus
is kept in the work folder with a marker naming the generator and seed, so a
second run with the same ``--work`` reuses it.  A corpus is fingerprinted by
the contents of its files: a cached build is reused only for the same corpus.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_CORPUS = ROOT / "data" / "corpus"
DEFAULT_GENERATOR = "bench.generate_corpus:generate"
MARKER = ".bench-corpus.json"

Generator = Callable[..., list[Path]]


class CorpusUnavailable(Exception):
    """No corpus of this size can be made (the generator is missing or failed)."""


@dataclass
class Corpus:
    n: int
    path: Path
    synthetic: bool
    fingerprint: str
    generated_seconds: float | None = None  # None: the bundled corpus or a cached one

    @property
    def documents(self) -> int:
        return sum(1 for _ in self.path.glob("*.txt"))


def load_generator(spec: str) -> Generator:
    """``module:function`` or ``path/to/file.py:function``."""
    target, _, name = spec.rpartition(":")
    if not target:
        target, name = spec, "generate"
    try:
        if target.endswith(".py"):
            loaded = importlib.util.spec_from_file_location("bench_corpus_generator", target)
            if loaded is None or loaded.loader is None:
                raise ImportError(f"cannot load {target}")
            module = importlib.util.module_from_spec(loaded)
            loaded.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
        return getattr(module, name)
    except (ImportError, AttributeError, OSError) as error:
        raise CorpusUnavailable(f"no corpus generator {spec!r} ({error}); bench/generate_corpus.py may not be "
                                "there yet: pass --generator FILE.py:generate") from None


def fingerprint(folder: Path) -> str:
    """SHA-256 over the names and bytes of the corpus's files (not the marker)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != MARKER):
        digest.update(path.name.encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def real_size() -> int:
    return sum(1 for _ in REAL_CORPUS.glob("*.txt"))


def corpus_for(n: int, work: Path, generator: str, seed: int = 0) -> Corpus:
    """The bundled corpus if it has ``n`` documents, else ``work/corpus-{n}`` generated (or reused)."""
    if n == real_size():
        return Corpus(n, REAL_CORPUS, False, fingerprint(REAL_CORPUS))
    folder = work / f"corpus-{n}"
    wanted = {"generator": generator, "seed": seed, "n": n}
    marker = folder / MARKER
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        return Corpus(n, folder, True, fingerprint(folder))
    generate = load_generator(generator)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    try:
        generate(n, folder, seed=seed)
    except Exception as error:  # any failure of the generator: reported, the other sizes go on
        raise CorpusUnavailable(f"the generator {generator} failed for n={n}: {error!r}") from error
    seconds = time.perf_counter() - started
    made = sum(1 for _ in folder.glob("*.txt"))
    if made != n:
        raise CorpusUnavailable(f"the generator {generator} wrote {made} documents, not {n}")
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return Corpus(n, folder, True, fingerprint(folder), seconds)
