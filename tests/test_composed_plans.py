"""Plans in styles the bundled corpus does not show, composed here, load as well.

Plans from every province, city and county share the conventions but vary:
notice first or contents first, spaces or none after heading numbers,
traditional characters, reposts wrapped in site menus.
"""

from __future__ import annotations

import opencc

from policykg.loaders.pipeline import parse_document

COUNTY_PLAN = """首页
当前位置:首页>政务公开>规划计划
某某县民政局 某某县发展和改革局关于印发《某某县“十四五”民政事业发展规划》的通知
发布时间:2022-03-01
各乡镇人民政府:
现将《某某县“十四五”民政事业发展规划》印发给你们,请认真贯彻执行。
某某县民政局　某某县发展和改革局
2022年2月28日
某某县“十四五”民政事业发展规划
为明确发展目标,根据《湖南省“十四五”民政事业发展规划》和《邵阳市“十四五”民政事业发展规划》,制定本规划。
一、规划背景
（一）发展回顾
“十三五”期间,全县民政事业取得长足发展。
（二）面临形势
人口老龄化加速发展。
二、 主要任务
（一） 健全社会救助体系
完善最低生活保障制度。
专栏1：兜底保障工程
1.特困人员供养服务设施改造提升。改造提升县级供养服务设施。
2.困难群众救助服务。为困难群众提供主动发现服务。
（二）发展养老服务
建设乡镇综合养老服务中心。
三、保障措施
（一）加强组织领导
各乡镇要把民政工作摆上重要议事日程。
打印本页
"""

CONTENTS_FIRST = """某市“十四五”民政事业发展规划
目  录
一、规划背景
（一）发展回顾
二、主要任务
（一）健全社会救助体系
（二）发展养老服务
民政工作关系民生,依据《某省“十四五”民政事业发展规划》,制定本规划。
一、规划背景
（一）发展回顾
正文。
二、主要任务
（一）健全社会救助体系
1.完善低保制度。正文。
2.加强临时救助。正文。
（二）发展养老服务
正文。
"""


def _parse(tmp_path, name: str, text: str, traditional: bool = False):
    if traditional:
        text = opencc.OpenCC("s2t").convert(text)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(path)


def _outline(document) -> list[tuple[str, list[str]]]:
    return [(c.title, [s.title for s in c.children]) for c in document.chapters]


def test_traditional_county_plan_in_a_site_menu_with_its_notice_first(tmp_path):
    document = _parse(tmp_path, "county.txt", COUNTY_PLAN, traditional=True)
    meta = document.metadata
    assert meta.kind == "plan"
    assert meta.title == "某某县“十四五”民政事业发展规划"
    assert [name for name, _ in meta.issuers] == ["某某县民政局", "某某县发展和改革局"]
    assert meta.date == "2022-02-28"
    assert (meta.level, meta.jurisdiction) == ("county", "某某县")  # no sidecar: from the title
    assert [t for t, _ in meta.based_on] == ["湖南省“十四五”民政事业发展规划", "邵阳市“十四五”民政事业发展规划"]
    assert _outline(document) == [
        ("规划背景", ["发展回顾", "面临形势"]),
        ("主要任务", ["健全社会救助体系", "发展养老服务"]),
        ("保障措施", ["加强组织领导"]),
    ]
    (box,) = document.chapters[1].children[0].boxes
    assert (box.number, box.title) == (1, "兜底保障工程")
    assert [i.title for i in box.items] == ["特困人员供养服务设施改造提升", "困难群众救助服务"]
    # the quote behind the box is the traditional source text, verbatim
    assert document.text.quote(box.span) == "專欄1：兜底保障工程"


def test_contents_first_plan_skips_its_table_of_contents(tmp_path):
    document = _parse(tmp_path, "city.txt", CONTENTS_FIRST)
    assert document.metadata.title == "某市“十四五”民政事业发展规划"
    assert _outline(document) == [("规划背景", ["发展回顾"]), ("主要任务", ["健全社会救助体系", "发展养老服务"])]
    items = document.chapters[1].children[0].children
    assert [(i.marker, i.title) for i in items] == [("1.", "完善低保制度"), ("2.", "加强临时救助")]
    assert document.text.text[document.chapters[0].span.start:].startswith("一、规划背景\n(一)发展回顾\n正文")


def test_text_with_no_structure_loads_as_an_article(tmp_path):
    document = _parse(tmp_path, "article.txt", "民政工作成效显著\n今年以来,全省民政系统扎实推进各项工作。\n")
    assert document.metadata.kind == "article"
    assert document.metadata.title == "民政工作成效显著"
    assert document.chapters == []


def test_out_of_sequence_numbers_are_not_taken_for_headings(tmp_path):
    text = "某市规划\n一、总体要求\n(一)指导思想\n正文。\n三、这是正文里的列举而不是标题\n二、主要任务\n正文。\n"
    document = _parse(tmp_path, "seq.txt", text)
    assert [c.title for c in document.chapters] == ["总体要求", "主要任务"]
