"""Indicators and programmes aligned across plans (loaders/align.py).

Expectations were written by reading the indicator tables and 专栏 lines of the
corpus files, not by printing the aligner's output.  Documents: 002 national,
000 Hainan (provincial), 001 Shaoyang and 004 Weihai (municipal).  Indicator
candidates are built from the real parsed corpus, so the tests exercise the
names as the parser reads them.
"""

from __future__ import annotations

import random

import pytest

try:  # the installed package
    from policykg.loaders.align import Candidate, align_indicators, align_programmes, dice, normalise
except ModuleNotFoundError:  # the source tree on sys.path
    from loaders.align import Candidate, align_indicators, align_programmes, dice, normalise

PLANS = ("000", "001", "002", "004")


def _divisions(divisions):
    for division in divisions:
        yield division
        yield from _divisions(division.children)


def key(doc: str, kind: str, name: str) -> str:
    return f"{doc}:{kind}:{name}"


@pytest.fixture(scope="module")
def corpus(parsed):
    """(candidates, rows by key) for every indicator row of the four plans."""
    candidates, rows = [], {}
    for doc in PLANS:
        document = parsed[doc]
        tables = [*document.preamble_tables, *(t for d in _divisions(document.chapters) for t in d.tables)]
        for table in tables:
            for row in table.rows:
                k = key(doc, table.kind, row.name)
                rows[k] = row
                candidates.append(Candidate(k, doc, document.metadata.level, row.name, row.unit, table.kind))
    return candidates, rows


@pytest.fixture(scope="module")
def aligned(corpus):
    return align_indicators(corpus[0])


def partners(alignments, k: str) -> dict[str, str]:
    """The plan → key of everything aligned with ``k``."""
    found = {}
    for al in alignments:
        for this, other in ((al.a, al.b), (al.b, al.a)):
            if this == k:
                found[other.split(":")[0]] = other
    return found


def values(row) -> tuple[str | None, str | None]:
    return (row.baseline.text if row.baseline else None, row.target.text if row.target else None)


# ------------------------------------------------------------- the cascade

# indicator → plan → (name as written, 2020 value, 2025 target), read in the tables.
CASCADE = {
    "农村低保标准占城市低保标准比例": {
        "002": ("农村低保标准占城市低保标准比例", None, "75"),
        "000": ("农村低保标准占城市低保标准比例", "77", "80"),
        "001": ("农村低保标准占城市低保标准比例", None, "75"),  # one number for two columns: the target
        "004": ("城乡低保标准之比", None, "力争实现统一"),
    },
    "养老机构护理型床位占比": {
        "002": ("养老机构护理型床位占比", None, "≥55"),
        "000": ("养老机构护理型床位占比", "38.69", "60"),
        "001": ("养老机构护理型床位占比", "38.6", "55"),
        "004": ("养老机构护理型床位占比", None, "60"),
    },
    "困难残疾人生活补贴覆盖率": {
        "002": ("困难残疾人生活补贴覆盖率", None, "100"),
        "000": ("困难残疾人生活补贴覆盖率", "100", "100"),
        "001": ("符合条件的困难残疾人生活补贴覆盖率", "95", "100"),
        "004": ("困难残疾人生活补贴覆盖率", None, "100"),
    },
    "重度残疾人护理补贴覆盖率": {
        "002": ("重度残疾人护理补贴覆盖率", None, "100"),
        "000": ("重度残疾人护理补贴覆盖率", "97.3", "100"),
        "001": ("符合条件的重度残疾人护理补贴覆盖率", "95", "100"),
        "004": ("重度残疾人护理补贴覆盖率", None, "100"),
    },
    # Shaoyang rewords the county-level coverage for a city: the share of its
    # county-level areas with a public-interest burial (ash) facility.  Same indicator.
    "县级公益性安葬(放)设施覆盖率": {
        "002": ("县级公益性安葬(放)设施覆盖率", None, "100"),
        "000": ("县级公益性安葬(放)设施覆盖率", "68", "100"),
        "001": ("全市公益性安葬(放)设施县级行政区域覆盖率", "50", "90"),
        "004": ("县级公益性安葬(放)设施覆盖率", None, "100"),
    },
    "每百户居民拥有的城乡社区综合服务设施面积": {
        "002": ("每百户居民拥有的城乡社区综合服务设施面积", None, ">30"),
        "000": ("每百户居民拥有的城乡社区综合服务设施面积", "30", ">30"),
        "001": ("每百户居民拥有的城乡社区综合服务设施建筑面积", "42.12", "43.5"),
        "004": ("平均每百户居民拥有的城乡社区综合服务设施面积", None, ">30"),
    },
    "查明身份信息流浪乞讨受助人员接送返回率": {
        "002": ("查明身份信息流浪乞讨受助人员接送返回率", None, "100"),
        "000": ("查明身份信息流浪乞讨受助人员接送返回率", "87", "100"),
        "001": ("查明身份信息流浪乞讨受助人员接送返回率", None, "100"),
        "004": ("查明身份信息流浪乞讨救助人员接送返回率", None, "100"),
    },
    "乡镇(街道)范围具备综合功能的养老服务机构覆盖率": {  # Weihai splits it in two: see negatives
        "002": ("乡镇(街道)范围具备综合功能的养老服务机构覆盖率", None, "60"),
        "000": ("乡镇(街道)范围具备综合功能的养老服务机构覆盖率", "47.2", "60"),
        "001": ("乡镇(街道)范围内具备综合功能的养老服务机构覆盖率", None, "62"),
    },
    "社会组织专职工作人员数量": {
        "002": ("社会组织专职工作人员数量", None, "1250"),
        "000": ("社会组织专职工作人员数量", "6.3", "7.4"),
        "001": ("社会组织专职工作人员数量", "2.7", "3.5"),
    },
    "城乡低保标准年度增速": {
        "002": ("城乡低保标准年度增速", None, "不低于居民上年度人均消费支出增速"),
        "001": ("城乡低保标准年度增速", None, "不低于居民上年度人均消费支出增速"),
        "004": ("低保标准增长幅度", None, "低保标准与居民人均消费支出挂钩动态调整"),
    },
}


@pytest.mark.parametrize("indicator", CASCADE)
def test_indicator_cascades_through_every_level(corpus, aligned, indicator):
    _, rows = corpus
    expected = CASCADE[indicator]
    keys = {doc: key(doc, "target", name) for doc, (name, _, _) in expected.items()}
    for doc, (name, baseline, target) in expected.items():
        assert values(rows[keys[doc]]) == (baseline, target), (doc, name)
    for doc, k in keys.items():  # every pair of the group is linked, and nothing else of those plans
        others = {d: o for d, o in partners(aligned, k).items() if d in expected}
        assert others == {d: o for d, o in keys.items() if d != doc}, (doc, k)


def test_methods_of_some_links(aligned):
    by_pair = {frozenset((al.a, al.b)): al for al in aligned}

    def link(x, y):
        return by_pair[frozenset((key(*x), key(*y)))]

    exact = link(("002", "target", "养老机构护理型床位占比"), ("004", "target", "养老机构护理型床位占比"))
    assert (exact.method, exact.score) == ("exact-name", 1.0)
    assert exact.a.startswith("002:")  # national first
    eligible = link(("002", "target", "困难残疾人生活补贴覆盖率"), ("001", "target", "符合条件的困难残疾人生活补贴覆盖率"))
    assert eligible.method == "normalised-name" and eligible.a.startswith("002:")
    burial = link(("000", "target", "县级公益性安葬(放)设施覆盖率"), ("001", "target", "全市公益性安葬(放)设施县级行政区域覆盖率"))
    assert burial.method == "synonym" and burial.a.startswith("000:")  # provincial before municipal
    within = link(("002", "target", "乡镇(街道)范围具备综合功能的养老服务机构覆盖率"),
                  ("001", "target", "乡镇(街道)范围内具备综合功能的养老服务机构覆盖率"))
    assert within.method == "normalised-name"


def test_completion_rows_align_with_completion_rows(corpus, aligned):
    """Hainan's and Shaoyang's 十三五 tables share rows; the 每千名 row is a synonym despite Shaoyang's (%)."""
    _, rows = corpus
    beds = partners(aligned, key("000", "completion", "每千名老年人口养老床位数"))
    assert beds == {"001": key("001", "completion", "每千名老年人口拥有床位比例")}
    assert rows[beds["001"]].actual.text == "38.6" and rows[key("000", "completion", "每千名老年人口养老床位数")].actual.text == "30"
    # one partner per plan pair, same table kind preferred: Hainan's 十四五 row of that name stays unlinked to 001
    assert "001" not in partners(aligned, key("000", "target", "每千名老年人口养老床位数"))
    for name in ("城市社区综合服务设施覆盖率", "农村社区综合服务设施覆盖率", "城市社区公共服务综合信息平台覆盖率"):
        assert partners(aligned, key("000", "completion", name)) == {"001": key("001", "completion", name)}


def test_completion_row_meets_target_row_only_by_name(aligned):
    """Hainan's 十三五 row and Weihai's 十四五 target: the same name, a lower score."""
    found = [al for al in aligned if {al.a, al.b} == {key("000", "completion", "有集中供养意愿的特困人员集中供养率"),
                                                      key("004", "target", "有集中供养意愿的特困人员集中供养率")}]
    assert [(al.method, al.score) for al in found] == [("exact-name", 0.9)]
    near = [Candidate("x", "p", "national", "某某服务设施覆盖率甲乙丙丁", "%", "completion"),
            Candidate("y", "q", "provincial", "某某服务设施覆盖率甲乙丙戊", "%", "target")]
    assert dice(normalise(near[0].name), normalise(near[1].name)) >= 0.85
    assert align_indicators(near) == []  # similar is not enough across table kinds
    assert len(align_indicators([near[0], Candidate("y", "q", "provincial", near[1].name, "%", "completion")])) == 1


# ------------------------------------------------------------- must not align

NEVER = [
    (("000", "completion", "城市社区综合服务设施覆盖率"), ("001", "completion", "农村社区综合服务设施覆盖率")),
    (("000", "completion", "农村社区综合服务设施覆盖率"), ("001", "completion", "城市社区综合服务设施覆盖率")),
    (("000", "completion", "城市社区公共服务综合信息平台覆盖率"), ("001", "completion", "农村社区公共服务综合信息平台覆盖率")),
    (("002", "target", "乡镇(街道)范围具备综合功能的养老服务机构覆盖率"), ("004", "target", "街道具备综合功能的养老服务机构覆盖率")),
    (("002", "target", "乡镇(街道)范围具备综合功能的养老服务机构覆盖率"), ("004", "target", "乡镇具备综合功能的养老服务机构覆盖率")),
    (("002", "target", "困难残疾人生活补贴覆盖率"), ("004", "target", "重度残疾人护理补贴覆盖率")),
    (("001", "target", "符合条件的困难残疾人生活补贴覆盖率"), ("000", "target", "重度残疾人护理补贴覆盖率")),
    # Weihai also counts 专门人员: its target is 100 where the national one is 50
    (("002", "target", "乡镇(街道)未成年人保护工作站覆盖率"), ("004", "target", "乡镇(街道)未成年人保护工作站或专门人员覆盖率")),
    # Shaoyang counts filed (备案) community groups too: 14.6 against Hainan's 10.1
    (("000", "completion", "每万人社会组织数"), ("001", "completion", "每万人社会组织(含备案)数")),
    (("000", "completion", "福利彩票销售额"), ("004", "target", "福利彩票销售网点数")),
    (("001", "completion", "注册志愿者人数占居民人口的比例"), ("004", "target", "注册志愿者总量")),
    (("000", "completion", "每万人拥有社会工作人才数"), ("002", "target", "社会工作专业人才总量")),
]


@pytest.mark.parametrize("x, y", NEVER, ids=[f"{x[2]}~{y[2]}" for x, y in NEVER])
def test_different_indicators_do_not_align(corpus, aligned, x, y):
    _, rows = corpus
    assert key(*x) in rows and key(*y) in rows  # both rows are really in the corpus
    assert frozenset((key(*x), key(*y))) not in {frozenset((al.a, al.b)) for al in aligned}


def test_one_character_contrast_blocks_a_close_pair():
    """城市/农村 信息平台 rows are closer than the threshold: only the contrast words keep them apart."""
    x, y = "城市社区公共服务综合信息平台覆盖率", "农村社区公共服务综合信息平台覆盖率"
    assert dice(normalise(x), normalise(y)) >= 0.85
    assert align_indicators([Candidate("x", "p", "national", x, "%", "target"),
                             Candidate("y", "q", "provincial", y, "%", "target")]) == []


def test_weihai_split_rows_stay_unaligned(aligned):
    for name in ("街道具备综合功能的养老服务机构覆盖率", "乡镇具备综合功能的养老服务机构覆盖率",
                 "乡镇(街道)未成年人保护工作站或专门人员覆盖率"):
        assert partners(aligned, key("004", "target", name)) == {}


def test_invariants(corpus, aligned):
    candidates, _ = corpus
    plan = {c.key: c.plan for c in candidates}
    rank = {"national": 3, "provincial": 2, "municipal": 1}
    level = {c.key: rank[c.level] for c in candidates}
    pairs = [(al.a, al.b) for al in aligned]
    assert len(set(map(frozenset, pairs))) == len(pairs)  # each pair once
    for a, b in pairs:
        assert plan[a] != plan[b] and level[a] >= level[b]
    for k in plan:  # at most one partner in each other plan
        mates = [b if a == k else a for a, b in pairs if k in (a, b)]
        assert len({plan[m] for m in mates}) == len(mates)
    shuffled = candidates[:]
    random.Random(7).shuffle(shuffled)
    assert align_indicators(shuffled) == aligned
    assert all(0 < al.score <= 1 for al in aligned)


def test_same_plan_never_aligns():
    same = [Candidate("a", "p", "municipal", "养老机构护理型床位占比", "%", "target"),
            Candidate("b", "p", "municipal", "养老机构护理型床位占比", "%", "target")]
    assert align_indicators(same) == [] and align_programmes(same) == []


def test_units_must_agree_for_a_fuzzy_match():
    x = Candidate("x", "p", "national", "某某服务设施覆盖率甲乙丙丁", "%", "target")
    y = Candidate("y", "q", "provincial", "某某服务设施覆盖率甲乙丙戊", "万人", "target")
    assert align_indicators([x, y]) == []
    assert len(align_indicators([x, Candidate("y", "q", "provincial", y.name, "比例", "target")])) == 1


# ------------------------------------------------------------- programmes

# The 专栏 titles of 002 (national) and 000 (Hainan), as written.
NATIONAL_BOXES = ["基层社会救助服务能力提升工程", "儿童福利服务提质工程", "精神卫生福利设施建设工程", "福利彩票健康发展工程",
                  "社会治理体系和治理能力建设工程", "未成年人保护能力建设工程", "地名服务工程", "康复辅助器具产业发展工程",
                  "殡葬服务设施建设工程", "养老服务设施建设工程"]
HAINAN_BOXES = ["民生兜底保障重点工程", "大社区综合服务中心建设工程", "社会组织高质量发展工程", "乡镇(街道)社工站建设工程",
                "区划地名公共服务提升工程", "未成年人保护能力建设工程", "殡葬公共服务工程", "养老服务体系建设工程"]


def boxes() -> list[Candidate]:
    return [*(Candidate(f"002:box{i}", "002", "national", t) for i, t in enumerate(NATIONAL_BOXES, 1)),
            *(Candidate(f"000:box{i}", "000", "provincial", t) for i, t in enumerate(HAINAN_BOXES, 1))]


def test_programme_boxes_of_national_and_hainan():
    found = {(al.a, al.b, al.method) for al in align_programmes(boxes())}
    assert found == {
        ("002:box6", "000:box6", "exact-name"),  # 未成年人保护能力建设工程 in both
        ("002:box9", "000:box7", "synonym"),  # 殡葬服务设施建设工程 ~ 殡葬公共服务工程: both build cemeteries, funeral homes
        ("002:box10", "000:box8", "synonym"),  # 养老服务设施 ~ 养老服务体系: Hainan repeats 区域养老服务中心建设, 应急救援能力提升
    }
    # deliberately unaligned: 地名服务工程 vs 区划地名公共服务提升工程 (Hainan's adds 区划 work);
    # 社会治理体系和治理能力建设工程 spans Hainan's 大社区 and 社会组织 boxes, so it matches neither.


def test_programme_synonym_scores_below_an_exact_title():
    scores = {al.method: al.score for al in align_programmes(boxes())}
    assert scores["exact-name"] == 1.0 and scores["synonym"] < 0.9


def test_programme_box_numbers_are_not_part_of_the_name():
    found = align_programmes([Candidate("n", "002", "national", "专栏6  未成年人保护能力建设工程"),
                              Candidate("h", "000", "provincial", "专栏6:未成年人保护能力建设工程")])
    assert [(al.a, al.b, al.method) for al in found] == [("n", "h", "normalised-name")]


def test_programme_threshold_is_stricter():
    x, y = "基层社会救助经办服务能力提升工程项目", "基层社会救助审办服务能力提升工程项目"
    assert 0.85 <= dice(normalise(x), normalise(y)) < 0.9
    pair = [Candidate("x", "p", "national", x), Candidate("y", "q", "provincial", y)]
    assert len(align_indicators(pair)) == 1 and align_programmes(pair) == []


def test_programme_contrasts_block():
    pair = [Candidate("x", "p", "national", "农村留守儿童关爱保护工程"), Candidate("y", "q", "provincial", "城市留守儿童关爱保护工程")]
    assert align_programmes(pair) == []


def test_each_programme_pair_once_and_one_to_one():
    found = align_programmes([*boxes(), Candidate("000:item", "000", "provincial", "养老服务设施建设工程")])
    hainan = [al.b for al in found if al.a == "002:box10"]
    assert hainan == ["000:item"]  # the exact title beats the synonym; box8 loses its national partner
    assert all(len([al for al in found if k in (al.a, al.b)]) <= 1 for k in ("000:box8", "000:item"))
    assert len({frozenset((al.a, al.b)) for al in found}) == len(found)
