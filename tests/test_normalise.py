"""Normalisation keeps a map back to the raw text; each kind of noise is undone."""

from __future__ import annotations

import opencc

from policykg.loaders.model import Span
from policykg.loaders.normalise import normalise

from .conftest import corpus_file


def test_page_chunk_markers_are_removed_and_split_words_rejoined():
    raw = "站点横幅\n1、城市十四五民\n2、政规划重大项目库一、规划\n3、背景(一)成就\n4、完"
    text = normalise(raw)
    assert text.text == "站点横幅\n城市十四五民政规划重大项目库一、规划背景(一)成就完"


def test_numbered_list_items_are_not_mistaken_for_page_chunks():
    raw = "目标\n1、提高低保标准\n3、建设养老院\n正文继续\n正文继续\n正文继续"
    assert normalise(raw).text == raw


def test_chunked_corpus_file_rejoins_the_split_word():
    text = normalise(corpus_file("001").read_text(encoding="utf-8")).text
    assert "民政规划重大项目库" in text
    assert "\n2、" not in text


def test_spam_token_is_dropped_but_the_quote_keeps_it():
    raw = "首页\n任你博《威海市民政事业“十四五”发展规划》的通知"
    text = normalise(raw)
    assert text.text == "首页\n《威海市民政事业“十四五”发展规划》的通知"
    start = text.text.index("《")
    assert text.quote(Span(start - 1, start + 4)) == "\n任你博《威海市"


def test_traditional_characters_become_simplified():
    raw = "以民政改革創新服務自貿港建設"
    assert normalise(raw).text == "以民政改革创新服务自贸港建设"


def test_width_variants_and_odd_spaces_are_folded():
    raw = "（一）专栏１：\u00a0养老\u2002服务\u3000ＡＢ"
    assert normalise(raw).text == "(一)专栏1: 养老 服务 AB"


def test_every_normalised_character_maps_back_to_its_raw_character():
    """For each corpus file, a normalised span's quote is the raw text it came from."""
    converter = opencc.OpenCC("t2s")
    for prefix in ("000", "001", "002", "003", "004"):
        raw = corpus_file(prefix).read_text(encoding="utf-8")
        text = normalise(raw)
        assert len(text.offsets) == len(text.text) + 1
        for i in range(0, len(text.text), 97):
            ch = text.text[i]
            source = raw[text.offsets[i]]
            assert ch == source or converter.convert(source) == ch or not ch.strip() or ord(source) > 0xFF00 \
                or source in "\u00a0\u2002\u3000", (prefix, i, ch, source)


def test_quote_of_a_phrase_in_traditional_source_is_verbatim():
    raw = corpus_file("003").read_text(encoding="utf-8")
    text = normalise(raw)
    start = text.text.index("兜底保障实现新提升")
    quote = text.quote(Span(start, start + len("兜底保障实现新提升")))
    assert quote == "兜底保障實現新提升"
    assert quote in raw
