"""Words and their parts of speech, by jieba, with the project's own words added.

A private ``jieba.Tokenizer`` (never the global one, never ``enable_paddle()``) is
built once per process from the dictionary that ships in the jieba package, then
taught the words the readers look for: target groups, bodies, head words, stop
words, long generic modifiers and the words with the part of speech they have in
names (居家和社区, 长期) from the vocabularies and ``ontology/lexicon/measures.yaml``,
so that 农村留守老年人 or 民政部门 is one token and not three.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache

import jieba
import jieba.posseg

from ..vocab import bodies, target_groups
from .lexicon import measures_lexicon

ORGANISATION = "nt"  # the tag this tokenizer gives an organisation it was taught (民政部, 联合国儿童基金会)
HEAD = "nh"  # … and a head word of measures (工程, 机制)

USER_WORD_FREQUENCY = 200_000  # high enough that a vocabulary label wins over its parts
CUT_CACHE = 4096  # sentences kept cut: more than one document's worth


@dataclass(frozen=True)
class Token:
    word: str
    flag: str  # jieba's part-of-speech tag: n noun, v verb, x punctuation …
    start: int  # offset in the text that was cut
    end: int


@cache
def _tokenizer() -> jieba.posseg.POSTokenizer:
    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    # jieba caches its prefix dictionary in the temp folder; keep it per user so two
    # accounts on one machine never share (or fight over) one file.
    base.tmp_dir = os.path.join(tempfile.gettempdir(), f"policykg-jieba-{os.getuid()}")
    os.makedirs(base.tmp_dir, exist_ok=True)
    for word, flag in _user_words():
        base.add_word(word, USER_WORD_FREQUENCY, flag)
    return jieba.posseg.POSTokenizer(base)


def _user_words() -> list[tuple[str, str]]:
    lex = measures_lexicon()
    words = [(label, "ng") for label in target_groups().labels if "“" not in label]
    words += [(label, ORGANISATION) for label in bodies().labels]
    words += [(head, HEAD) for head in lex.heads]
    words += [(word, "vs") for word in lex.raw["stop_words"] if len(word) > 1]
    words += [(word, ORGANISATION) for word in lex.raw["bodies"]["compound_names"]]
    # words with the part of speech they have inside names (居家和社区, 长期), and the long
    # generic modifiers (社会救助, 社会事务), so that a list sharing a head shares what follows them
    words += [(word, "n") for word in lex.generic_modifiers if len(word) >= 4 and word not in lex.raw["stop_words"]
              and not any(head.startswith(word[-2:]) for head in lex.heads)]  # 养老服务 would break 服务圈
    words += list(lex.raw.get("name_words", {}).items())
    return words


def cut(text: str, offset: int = 0) -> list[Token]:
    """The tokens of ``text`` with their offsets (shifted by ``offset``)."""
    return [Token(word, flag, offset + start, offset + start + len(word)) for word, flag, start in _cut(text)]


@lru_cache(maxsize=CUT_CACHE)
def _cut(text: str) -> tuple[tuple[str, str, int], ...]:
    """jieba's words of one sentence, cut once: the name, body and link readers all ask for them.

    Without the HMM for unknown words: the dictionary, taught the vocabularies, gives the
    same names (measured on the hand-read sets) at a tenth of the time.
    """
    found, position = [], 0
    for pair in _tokenizer().cut(text, HMM=False):
        found.append((pair.word, pair.flag, position))
        position += len(pair.word)
    return tuple(found)
