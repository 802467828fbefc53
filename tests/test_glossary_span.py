"""The glossary's span (and so its evidence) when it is the last thing in a document, with no trailer."""

from __future__ import annotations

from policykg.loaders.pipeline import parse_document

TEXT = """某市民政事业“十四五”发展规划
一、发展基础
全市养老服务体系不断完善，建成“时间银行”养老模式试点。
二、主要任务
（一）健全社会救助体系
加强低收入人口动态监测，保障农村留守老年人基本生活。
附件：名词解释
节地生态安葬：以树葬、花葬、草坪葬、海葬等不占或少占土地的方式安葬骨灰。
“两项补贴”：困难残疾人生活补贴和重度残疾人护理补贴。
"""


def test_a_glossary_at_the_end_spans_its_entries(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    document = parse_document(path)
    span = document.glossary_span
    assert [entry.term for entry in document.glossary] == ["节地生态安葬", "“两项补贴”"]
    quoted = document.text.text[span.start:span.end]
    assert quoted.startswith("附件:名词解释") and quoted.endswith("重度残疾人护理补贴。")
