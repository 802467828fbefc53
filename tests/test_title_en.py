"""English titles made by rule from a plan's area, period and field (loaders/title_en.py, titles.yaml)."""

from __future__ import annotations

import pytest

from policykg.loaders.model import PlanMetadata
from policykg.loaders.period import read_period
from policykg.loaders.title_en import english_title


def metadata(title: str, level: str, area: str | None, kind: str = "plan") -> PlanMetadata:
    meta = PlanMetadata(title=title, title_span=None, kind=kind, level=level, jurisdiction=area)
    period = read_period(title, title)
    if period is not None:
        meta.period_start, meta.period_end = period[0], period[1]
    return meta


@pytest.mark.parametrize("title, level, area, english", [
    ("“十四五”民政事业发展规划", "national", "全国", "National 14th Five-Year Plan for Civil Affairs"),
    ("民政事业发展第十三个五年规划", "national", "全国", "National 13th Five-Year Plan for Civil Affairs"),
    ("海南省“十四五”民政事业发展规划", "provincial", "海南省", "Hainan Province 14th Five-Year Plan for Civil Affairs"),
    ("郑州市“十四五”老龄事业发展规划", "municipal", "郑州市", "Zhengzhou City 14th Five-Year Plan for Ageing Affairs"),
    ("西安市“十四五”养老服务体系专项规划", "municipal", "西安市",
     "Xi'an City 14th Five-Year Plan for the Elderly Care Service System"),
    ("延庆区“十四五”时期民政事业发展规划", "county", "延庆区", "Yanqing District 14th Five-Year Plan for Civil Affairs"),
    ("内蒙古自治区“十四五”残疾人事业发展规划", "provincial", "内蒙古自治区",
     "Inner Mongolia Autonomous Region 14th Five-Year Plan for Disability Affairs"),
    ("禄丰市“十四五”民政事业发展规划(2021-2025年)", "county", "禄丰市", "Lufeng City 14th Five-Year Plan for Civil Affairs"),
])
def test_a_title_of_area_period_and_field_gets_an_english_title(title, level, area, english):
    assert english_title(metadata(title, level, area)) == english


@pytest.mark.parametrize("title, level, area, kind", [
    ("以民政改革创新服务自贸港建设", "provincial", "海南省", "article"),       # an article
    ("城市十四五民政事业发展规划", "municipal", "邵阳市", "plan"),            # the title does not name its area
    ("红河州“十四五”民政事业发展规划", "municipal", "红河哈尼族彝族自治州", "plan"),  # a short name of the area
    ("江西省贯彻落实“十四五”城乡社区服务体系建设规划实施方案", "provincial", "江西省", "plan"),  # more than a field
    ("阳泉市推进养老服务发展的实施方案", "municipal", "阳泉市", "plan"),       # no period
    ("中国儿童发展纲要(2021—2030年)", "national", "全国", "plan"),            # an outline, not a plan of a field
])
def test_any_other_title_gets_none(title, level, area, kind):
    assert english_title(metadata(title, level, area, kind)) is None


@pytest.mark.slow
def test_the_plans_carry_it_marked_as_made_by_rule(client):
    plans = {p["id"]: p for p in client.get("/api/plans", params={"limit": 500}).json()["items"]}
    national = plans["plan/national-14th-minzheng-plan"]
    assert national["name_en"] == "National 14th Five-Year Plan for Civil Affairs" and national["english_title_by_rule"]
    article = next(p for p in plans.values() if p["type"] == "Article")
    assert article["name_en"] is None and not article["english_title_by_rule"]
    assert all(p["english_title_by_rule"] == (p["name_en"] is not None) for p in plans.values() if p["in_corpus"])
