"""Indicator tables flattened to text: the four corpus layouts and composed ones.

Expectations were written by reading the corpus files, not by printing the
parser's output.  For 000/002/004 the raw lines (NBSP made a space, then
stripped) stand in for the normalised lines; for 001 the page chunks are joined
as the normaliser joins them, giving one long line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policykg.loaders import tables
from policykg.loaders.model import Line
from policykg.loaders.tables import lexicon as table_words
from policykg.loaders.tables.cells import parse_number

find_indicator_tables = tables.find_indicator_tables
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


# ------------------------------------------------------------------ helpers


def lines_of(text: str) -> list[Line]:
    """Stripped non-empty lines of ``text`` with their offsets into it."""
    lines, position = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lines.append(Line(stripped, position + raw.index(stripped)))
        position += len(raw) + 1
    return lines


def corpus_text(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").replace("\u00a0", " ")


def corpus_tables(prefix: str):
    text = corpus_text(prefix)
    lines = lines_of(text)
    return text, lines, find_indicator_tables(lines)


def joined_001() -> str:
    """001 as one line: banner dropped, each line's `N、` chunk marker removed, no separator."""
    (path,) = CORPUS.glob("001_*.txt")
    chunks = path.read_text(encoding="utf-8").split("\n")[1:]
    return "".join(re.sub(r"^\d+、", "", chunk.strip()) for chunk in chunks)


def row(table, name: str):
    (found,) = [r for r in table.rows if r.name == name]
    return found


def value(v):
    """(text, number, comparator, year) of an IndicatorValue, or None."""
    return None if v is None else (v.text, v.number, v.comparator, v.year)


def spans_are_verbatim(text: str, match) -> None:
    """Every span the parser produced quotes the text it claims to."""
    table = match.table
    assert text[table.span.start : table.span.end].startswith(table.title)
    for r in table.rows:
        assert table.span.start <= r.span.start < r.span.end <= table.span.end
        for v in (r.baseline, r.target, r.actual):
            if v is not None:
                assert text[v.span.start : v.span.end] == v.text
                assert r.span.start <= v.span.start and v.span.end <= r.span.end


# ------------------------------------------------------------------- 000 Hainan


def test_000_finds_a_completion_and_a_target_table():
    text, lines, found = corpus_tables("000")
    assert [(m.table.kind, len(m.table.rows)) for m in found] == [("completion", 13), ("target", 16)]
    completion, target = found
    assert completion.table.title == "“十三五”时期海南省民政事业发展主要指标完成情况"
    assert target.table.title == "“十四五”时期海南省民政事业主要发展指标"
    assert lines[completion.first_line].text == completion.table.title
    assert lines[target.first_line].text == target.table.title
    # the target table's last line is row 16's attribute; the next line is chapter 2
    assert lines[target.last_line].text == "预期性"
    assert lines[target.last_line + 1].text.startswith("第二章")
    for match in found:
        spans_are_verbatim(text, match)


def test_000_completion_table_rows():
    _, _, (completion, _) = corpus_tables("000")
    t = completion.table
    first = row(t, "有集中供养意愿的特困人员集中供养率")
    assert first.unit == "%" and first.status == "完成" and first.attribute is None
    assert value(first.baseline) == ("——", None, None, 2015)
    assert value(first.target) == ("100", 100.0, "=", 2020)
    assert value(first.actual) == ("100", 100.0, "=", 2020)
    transferred = row(t, "医疗救助政策范围内住院自付费用救助比率")
    assert transferred.status == "职能转隶"
    assert value(transferred.baseline) == ("70", 70.0, "=", 2015)
    assert value(transferred.actual) == ("——", None, None, 2020)
    beds = row(t, "每千名老年人口养老床位数")  # unit from the name's brackets
    assert beds.unit == "张" and beds.status == "未完成"
    assert [value(beds.baseline)[1], value(beds.target)[1], value(beds.actual)[1]] == [26.7, 35.0, 30.0]
    lottery = row(t, "福利彩票销售额")
    assert lottery.unit == "亿元" and value(lottery.actual) == ("3.82", 3.82, "=", 2020)
    assert t.rows[-1].name == "养老护理员培训人数" and t.rows[-1].unit == "人"
    # brackets that hold no unit stay in the name, and that is said
    disaster = t.rows[2]
    assert disaster.name.startswith("灾害信息员人数(村委会2561")
    assert disaster.unit is None and disaster.notes


def test_000_completion_table_keeps_its_notes():
    text, lines, (completion, _) = corpus_tables("000")
    assert lines[completion.last_line].text.startswith("2.“福利彩票销售额”未完成原因")
    assert text[: completion.table.span.end].endswith("二是受新冠疫情影响。")
    assert any(n.startswith("注:1.“每千名老年人口养老床位数(张)”未完成原因") for n in completion.table.notes)


def test_000_target_table_rows_and_missing_unit_cells():
    _, _, (_, target) = corpus_tables("000")
    t = target.table
    first = t.rows[0]
    assert (first.name, first.unit, first.attribute) == ("农村低保标准占城市低保标准比例", "%", "预期性")
    assert value(first.baseline) == ("77", 77.0, "=", 2020)
    assert value(first.target) == ("80", 80.0, "=", 2025)
    assert first.notes == []
    outlets = row(t, "福利彩票销售网点数")  # no unit cell: 1658 stands where the unit should
    assert outlets.unit is None
    assert value(outlets.baseline) == ("1658", 1658.0, "=", 2020)
    assert value(outlets.target) == ("2508", 2508.0, "=", 2025)
    assert any("unit cell missing" in n for n in outlets.notes)
    area = row(t, "每百户居民拥有的城乡社区综合服务设施面积")
    assert area.unit is None and any("unit cell missing" in n for n in area.notes)
    assert value(area.baseline) == ("30", 30.0, "=", 2020)
    assert value(area.target) == (">30", 30.0, ">", 2025)
    beds = row(t, "每千名老年人口养老床位数")
    assert beds.unit == "张"
    assert any("unit cell missing" in n and "张" in n for n in beds.notes)
    assert (value(beds.baseline)[0], value(beds.target)[0], beds.attribute) == ("30", "32", "预期性")
    stations = row(t, "乡镇(街道)未成年人保护工作站覆盖率")
    assert value(stations.baseline) == ("——", None, None, 2020)
    assert value(stations.target) == (">50", 50.0, ">", 2025)
    assert sum(1 for r in t.rows if any("unit cell missing" in n for n in r.notes)) == 3
    assert [r.attribute for r in t.rows].count("约束性") == 5  # rows 2, 3, 9, 11, 15


# ------------------------------------------------------------------- 002 national


def test_002_national_table():
    text, _, found = corpus_tables("002")
    (match,) = found
    t = match.table
    assert t.kind == "target" and len(t.rows) == 15
    spans_are_verbatim(text, match)
    first = t.rows[0]
    assert (first.name, first.unit, first.attribute, first.baseline) == ("城乡低保标准年度增速", "%", "预期性", None)
    assert value(first.target) == ("不低于居民上年度人均消费支出增速", None, None, 2025)
    area = row(t, "每百户居民拥有的城乡社区综合服务设施面积")
    assert area.unit == "平方米" and value(area.target) == (">30", 30.0, ">", 2025)
    assert value(row(t, "福利彩票销售网点数").target) == ("18", 18.0, "=", 2025)
    assert row(t, "福利彩票销售网点数").unit == "万个"
    burial = t.rows[12]  # row 13: attribute printed as 约束
    assert burial.name == "县级公益性安葬(放)设施覆盖率"
    assert burial.attribute == "约束"
    assert any("约束性" in n for n in burial.notes)
    nursing = t.rows[13]
    assert nursing.name == "养老机构护理型床位占比" and nursing.attribute == "约束性"
    assert value(nursing.target) == ("≥55", 55.0, ">=", 2025)
    assert [r.notes for r in t.rows if r is not burial] == [[]] * 14


# ------------------------------------------------------------------- 004 Weihai


def test_004_domains_and_missing_units():
    text, _, found = corpus_tables("004")
    (match,) = found
    t = match.table
    assert t.title == "“十四五”民政事业发展主要指标表" and t.kind == "target"
    # counted by hand: 6 基本民生保障 + 12 基层社会治理 + 9 基本社会服务
    assert len(t.rows) == 27
    assert [r.domain for r in t.rows] == ["基本民生保障"] * 6 + ["基层社会治理"] * 12 + ["基本社会服务"] * 9
    spans_are_verbatim(text, match)
    first = t.rows[0]
    assert first.name == "低保标准增长幅度" and first.unit is None
    assert any("'-'" in n for n in first.notes)
    assert value(first.target) == ("低保标准与居民人均消费支出挂钩动态调整", None, None, 2025)
    ratio = row(t, "城乡低保标准之比")
    assert ratio.unit == "比例" and value(ratio.target) == ("力争实现统一", None, None, 2025)
    missing = [r.name for r in t.rows if any("unit cell missing" in n for n in r.notes)]
    assert missing == ["平均每百户居民拥有的城乡社区综合服务设施面积", "创建省级城市社区治理实验区(市)数量",
                       "创建省级农村社区治理实验区(市)数量", "每个城市社区拥有社区社会组织数量",
                       "每个农村社区拥有社区社会组织数量", "福利彩票销售网点数"]
    area = t.rows[6]
    assert area.domain == "基层社会治理" and value(area.target) == (">30", 30.0, ">", 2025)
    assert area.attribute == "约束性"
    assert value(row(t, "福利彩票销售网点数").target) == ("450", 450.0, "=", 2025)
    last = t.rows[-1]
    assert (last.name, last.unit, last.attribute, last.domain) == ("县级公益性安葬(放)设施覆盖率", "%", "约束性", "基本社会服务")


# ------------------------------------------------------------------ 001 run together


def test_001_two_tables_inside_one_line():
    text = joined_001()
    found = find_indicator_tables([Line(text, 0)])
    assert [(m.table.kind, len(m.table.rows)) for m in found] == [("completion", 9), ("target", 15)]
    for match in found:
        assert match.first_line == match.last_line == 0
        spans_are_verbatim(text, match)
    completion, target = (m.table for m in found)
    assert completion.title == "“十三五”全市民政事业发展主要指标完成情况"
    assert text[completion.span.end :].startswith("(二)“十四五”时期的形势")
    assert text[: completion.span.end].endswith("(%)7.61213.3完成")
    assert target.title == "“十四五”时期城市民政事业发展主要指标"
    assert text[target.span.end :].startswith("三、发展重点")


def test_001_completion_rows_split_run_together_numbers():
    text = joined_001()
    completion = find_indicator_tables([Line(text, 0)])[0].table
    beds = completion.rows[0]
    assert (beds.name, beds.unit, beds.status) == ("每千名老年人口拥有床位比例", "%", "完成")
    assert [value(beds.baseline), value(beds.target), value(beds.actual)] == [
        ("12", 12.0, "=", 2015), ("30", 30.0, "=", 2020), ("38.6", 38.6, "=", 2020)]
    assert any("'123038.6' read as 12 | 30 | 38.6" in n for n in beds.notes)
    burial = row(completion, "节地生态安葬率")
    assert [burial.baseline.text, burial.target.text, burial.actual.text] == ["32.8", "50", "50"]
    orgs = row(completion, "每万人社会组织(含备案)数")
    assert orgs.unit == "个" and any("'3.5714.6'" in n for n in orgs.notes)
    assert all(r.notes for r in completion.rows)  # every row of it was run together


def test_001_target_rows():
    text = joined_001()
    target = find_indicator_tables([Line(text, 0)])[1].table
    first = target.rows[0]
    assert (first.name, first.unit, first.attribute, first.baseline) == ("城乡低保标准年度增速", "%", "预期性", None)
    assert first.target.text == "不低于居民上年度人均消费支出增速" and first.target.number is None
    single = target.rows[1]  # one number for the 2020 and 2025 columns
    assert single.name == "农村低保标准占城市低保标准比例" and single.baseline is None
    assert value(single.target) == ("75", 75.0, "=", 2025)
    assert any("1 value(s) for 2 value columns" in n for n in single.notes)
    disabled = target.rows[2]
    assert value(disabled.baseline) == ("95", 95.0, "=", 2020) and value(disabled.target) == ("100", 100.0, "=", 2025)
    assert any("'95100' read as 95 | 100" in n for n in disabled.notes)
    outlets = target.rows[4]
    assert (outlets.name, outlets.unit, outlets.baseline, outlets.target) == ("福利彩票销售网点数", "万个", None, None)
    assert outlets.notes
    area = target.rows[5]
    assert area.unit == "平方米" and (area.baseline.text, area.target.text) == ("42.12", "43.5")
    burial = target.rows[12]
    assert burial.name == "全市公益性安葬(放)设施县级行政区域覆盖率" and burial.attribute == "约束性"
    assert (burial.baseline.number, burial.target.number) == (50.0, 90.0)
    nursing = target.rows[13]
    assert (nursing.baseline.text, nursing.target.text) == ("38.6", "55")
    last = target.rows[14]
    assert last.name == "乡镇(街道)范围内具备综合功能的养老服务机构覆盖率" and last.unit == "%"
    assert value(last.target) == ("62", 62.0, "=", 2025)


# ----------------------------------------------------------- composed layouts


SPACED = """某某县“十四五”民政事业发展规划
到2025年,全县民政事业发展主要指标达到全省平均水平。
表1 某某县“十四五”时期民政事业主要发展指标
序号  主要指标  单位  2020年实际值  2025年目标值  指标属性
1  每千名老年人口养老床位数  张  30  32  预期性
2\t养老机构护理型床位占比\t%\t40\t≥55\t约束性
3  城乡低保标准年度增速  %  不低于居民人均消费支出增速  预期性
4  社区综合服务设施覆盖率  %  ——  100  约束性
5  福利彩票销售额  亿元  3  不低于5  预期性
二、主要任务
"""


def test_one_row_per_line_separated_by_spaces_or_tabs():
    lines = lines_of(SPACED)
    (match,) = find_indicator_tables(lines)
    t = match.table
    assert t.title == "表1 某某县“十四五”时期民政事业主要发展指标"
    assert (match.first_line, match.last_line) == (2, 8)
    assert len(t.rows) == 5
    spans_are_verbatim(SPACED, match)
    beds = t.rows[0]
    assert (beds.name, beds.unit, beds.attribute) == ("每千名老年人口养老床位数", "张", "预期性")
    assert value(beds.baseline) == ("30", 30.0, "=", 2020) and value(beds.target) == ("32", 32.0, "=", 2025)
    assert value(t.rows[1].target) == ("≥55", 55.0, ">=", 2025) and t.rows[1].attribute == "约束性"
    assert t.rows[2].baseline is None and t.rows[2].notes  # one value: the target, noted
    assert value(t.rows[3].baseline) == ("——", None, None, 2020)
    assert value(t.rows[4].target) == ("不低于5", 5.0, ">=", 2025)


MALFORMED = """“十四五”时期某某市民政事业主要发展指标
序号
主要指标
单位
2020年
实际值
2025年
目标值
指标属性
1
每千名老年人口养老床位数
张
30
预期性
2
养老机构护理型床位占比
%
40
60
约束性
3
重度残疾人护理补贴覆盖率
%
97.3"""


def test_malformed_table_gives_notes_not_errors():
    (match,) = find_indicator_tables(lines_of(MALFORMED))
    first, second, cut = match.table.rows
    # a value cell is missing: the one value is read as the target, and that is said
    assert first.unit == "张" and first.baseline is None and value(first.target)[0] == "30"
    assert any("1 value(s) for 2 value columns" in n for n in first.notes)
    assert second.notes == [] and (second.baseline.text, second.target.text) == ("40", "60")
    # the last row is cut short by the end of the text: what is there fills the first columns
    assert cut.name == "重度残疾人护理补贴覆盖率" and cut.attribute is None
    assert value(cut.baseline) == ("97.3", 97.3, "=", 2020) and cut.target is None
    assert any("指标属性" in n for n in cut.notes) and any("cut short" in n for n in cut.notes)
    assert match.last_line == len(lines_of(MALFORMED)) - 1


def test_missing_attribute_mid_table_does_not_swallow_the_next_row():
    text = MALFORMED.replace("30\n预期性", "30\n32").replace("97.3", "97.3\n100\n约束性\n第二章 任务")
    (match,) = find_indicator_tables(lines_of(text))
    first, second, third = match.table.rows
    assert first.attribute is None and (first.baseline.text, first.target.text) == ("30", "32")
    assert first.notes and second.name == "养老机构护理型床位占比" and second.attribute == "约束性"
    assert third.attribute == "约束性" and third.notes == []


def test_prose_that_mentions_indicators_is_no_table():
    prose = ("《规划》设置16项主要发展指标,围绕“提升基本民生保障水平”等内容部署重点任务。\n"
             "海南民政事业发展主要指标达到或高于全国平均水平。\n"
             "主要发展指标\n到2025年,每千名老年人口养老床位数达到32张。\n")
    assert find_indicator_tables(lines_of(prose)) == []


def test_a_new_word_in_the_lexicon_needs_no_code_change(tmp_path, monkeypatch):
    lexicon = table_words.LEXICON_PATH.read_text(encoding="utf-8")
    extended = lexicon.replace("attribute_words: [约束性, 预期性, 指导性]",
                               "attribute_words: [约束性, 预期性, 指导性, 引导性]")
    assert extended != lexicon
    path = tmp_path / "tables.yaml"
    path.write_text(extended, encoding="utf-8")
    text = SPACED.replace("32  预期性", "32  引导性")
    assert find_indicator_tables(lines_of(text))[0].table.rows[0].attribute is None
    monkeypatch.setattr(table_words, "LEXICON_PATH", path)
    table_words.table_lexicon.cache_clear()
    try:
        rows = find_indicator_tables(lines_of(text))[0].table.rows
        assert rows[0].attribute == "引导性" and len(rows) == 5
    finally:
        monkeypatch.undo()
        table_words.table_lexicon.cache_clear()


@pytest.mark.parametrize("prefix", ["003"])
def test_article_without_tables(prefix):
    assert corpus_tables(prefix)[2] == []


@pytest.mark.parametrize("cell, number, comparator", [
    (">30", 30.0, ">"), ("≥55", 55.0, ">="), ("不低于60%", 60.0, ">="), ("60%以上", 60.0, ">="),
    ("77", 77.0, "="), ("力争100", 100.0, "="), ("——", None, None), ("-", None, None),
    ("不低于居民上年度人均消费支出增速", None, None), ("力争实现统一", None, None),
])
def test_value_cells(cell, number, comparator):
    assert parse_number(cell) == (number, comparator)
