"""The reading rules behind relations: sentences, group mentions, programme names."""

from __future__ import annotations

from policykg.loaders.model import Span
from policykg.loaders.pipeline import parse_document
from policykg.loaders.sentences import sentence_at, sentences_in

WRAPPED = "专栏1  示范工程\n 01 第一项\n提高未成年人救助保护机构服务能力和水平,加强设施建设和人员配备,提高未成年人救助\n保护机构的专业化水平。\n 02 第二项\n"


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def test_a_wrapped_line_does_not_end_its_sentence_but_a_short_title_line_does():
    sentences = _texts(WRAPPED, sentences_in(WRAPPED, Span(0, len(WRAPPED))))
    assert sentences == [
        "专栏1  示范工程",
        "01 第一项",
        "提高未成年人救助保护机构服务能力和水平,加强设施建设和人员配备,提高未成年人救助\n保护机构的专业化水平。",
        "02 第二项",
    ]
    middle = WRAPPED.index("保护机构的")
    assert WRAPPED[sentence_at(WRAPPED, middle).start :].startswith("提高未成年人救助保护机构服务")


PLAN = """某市“十四五”民政事业发展规划
一、主要任务
(一)健全社会救助体系
实施困难群众帮扶工程,为特困人员、高龄、失能老年人提供上门服务。
实施村级服务站建设工程,在困难群众较多的村建设服务站。
实施儿童队伍建设工程,加强儿童督导员培训。
实施特困人员供养服务设施改造工程,提升设施条件。
开展孤儿康复明天计划和福彩圆梦助学工程,全省孤儿得到保障。
(二)发展养老服务
专栏1:“三留守”关爱工程
1.关爱服务。为农村“三留守”人员提供关爱服务。
"""


def _served(tmp_path) -> dict[str, set[str]]:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    document = parse_document(path)
    served: dict[str, set[str]] = {p.name: set() for p in document.programmes}
    for relation in document.relations:
        if relation.predicate == "serves":
            served[relation.programme].add(relation.target.rsplit("/", 1)[-1])
    return served


def test_groups_named_as_recipients_are_served_and_coordinated_modifiers_count(tmp_path):
    served = _served(tmp_path)
    # the name itself names 困难群众; the sentence names 特困人员 and, sharing one head, 高龄 and 失能老年人
    assert served["困难群众帮扶工程"] == {"people-in-need", "persons-in-extreme-poverty",
                                          "advanced-age-elderly", "disabled-elderly"}


def test_a_group_naming_a_place_a_facility_or_a_workforce_is_not_served(tmp_path):
    served = _served(tmp_path)
    assert served["村级服务站建设工程"] == set()  # 困难群众较多的村: a kind of village
    assert served["儿童队伍建设工程"] == set()  # the child-welfare workforce, 儿童督导员
    assert served["特困人员供养服务设施改造工程"] == set()  # a facility's name


def test_programmes_sharing_a_sentence_each_own_their_part(tmp_path):
    served = _served(tmp_path)
    assert served["孤儿康复明天计划"] == {"orphans"}
    assert served["福彩圆梦助学工程"] == {"orphans"}


def test_an_abbreviation_serves_each_group_it_comprises(tmp_path):
    served = _served(tmp_path)
    assert served["“三留守”关爱工程"] >= {"rural-left-behind-children", "rural-left-behind-women",
                                           "rural-left-behind-elderly"}


HEAD = "某省“十四五”民政事业发展规划\n一、主要任务\n(一)养老服务\n"


def _body_roles(folder, lines: str) -> set[tuple[str, str, str]]:
    """(programme, role, body) of a small plan whose tasks are ``lines``."""
    path = folder / "bodies.txt"
    path.write_text(HEAD + lines, encoding="utf-8")
    return {(r.programme, r.predicate, r.target.rsplit("/", 1)[-1]) for r in parse_document(path).relations
            if r.predicate.endswith("Body")}


def test_lead_and_cooperating_bodies_are_kept_apart_and_only_where_the_text_says(tmp_path):
    roles = _body_roles(tmp_path, "实施养老服务设施建设工程,由民政部牵头,国家发展和改革委员会配合。\n"
                                  "实施社区服务提升工程,民政部要加强指导。\n")
    assert roles == {
        ("养老服务设施建设工程", "leadBody", "民政部"),
        ("养老服务设施建设工程", "cooperatingBody", "国家发展和改革委员会"),
    }


def test_a_body_in_a_later_clause_with_its_own_object_is_not_the_programmes(tmp_path):
    """联合X共同推进Y after the programme's clause: X works on Y. A clause that is only a role (民政部负责组织
    实施) still speaks of the programme before it, and a body before the programme leads into it."""
    roles = _body_roles(tmp_path, "实施养老服务设施建设工程,联合国家卫生健康委员会共同推进医养结合工作。\n"
                                  "实施社区服务提升工程,民政部负责组织实施。\n"
                                  "实施养老护理员培训工程,由民政部牵头组织实施并加强督导。\n"
                                  "由民政部牵头,会同财政部,实施困难群众帮扶工程。\n")
    assert ("社区服务提升工程", "responsibleBody", "民政部") in roles
    assert ("困难群众帮扶工程", "leadBody", "民政部") in roles
    assert ("养老护理员培训工程", "leadBody", "民政部") in roles
    assert not any(programme == "养老服务设施建设工程" for programme, _, _ in roles)


def test_a_role_written_before_the_bodies_is_theirs_and_their_lists(tmp_path):
    """配合X和Y推进Z: X and Y lead Z, the plan's own side helps; 协助 alike."""
    roles = _body_roles(tmp_path, "配合国家卫生健康委员会和民政部推进养老护理员培训工程。\n"
                                  "协助国家发展和改革委员会实施困难群众帮扶工程。\n")
    assert roles == {("养老护理员培训工程", "leadBody", "国家卫生健康委员会"), ("养老护理员培训工程", "leadBody", "民政部"),
                     ("困难群众帮扶工程", "leadBody", "国家发展和改革委员会")}


def test_a_body_written_right_before_or_opening_a_programmes_name_owns_it(tmp_path):
    """民政部“金民工程”, 民政部门福利彩票…制度体系 (000): the body is responsible for what it owns; a partner after
    与 is not, and a body's own institution (养老服务部际联席会议制度) names no owner."""
    roles = _body_roles(tmp_path, "依托民政部“金民工程”,完善数据共享。\n"
                                  "完善各级民政部门福利彩票公益金使用管理全链条制度体系。\n"
                                  "建立与卫生健康部门医养结合服务机制。\n"
                                  "完善养老服务部际联席会议制度。\n")
    assert ("金民工程", "responsibleBody", "民政部") in roles
    assert any(programme.endswith("福利彩票公益金使用管理全链条制度体系") and role == "responsibleBody"
               for programme, role, _ in roles)
    assert not any("卫生健康" in body or "联席会议" in body for _, _, body in roles)


def test_bodies_listed_with_people_share_the_lists_cooperation(tmp_path):
    """构建乡镇牵头,村委会、老年人协会、低龄健康老年人、…、志愿者等广泛参与的…格局 (002): the members after the last
    body (people, not bodies) are skipped to reach 参与, so the two bodies cooperate; the townships lead."""
    roles = _body_roles(tmp_path, "构建乡镇牵头,村委会、老年人协会、低龄健康老年人、农村留守妇女、村干部、党员、志愿者等"
                                  "广泛参与的农村互助养老服务格局。\n")
    assert roles == {("农村互助养老服务格局", "leadBody", "乡镇人民政府"),
                     ("农村互助养老服务格局", "cooperatingBody", "村民委员会"),
                     ("农村互助养老服务格局", "cooperatingBody", "老年人协会")}


def test_a_body_answering_for_a_programme_is_responsible_and_its_list_shares_the_role(tmp_path):
    """强化市县、乡镇人民政府属地责任 (000, in the paragraph the programme opens): both governments answer for it
    (人民政府 is a head a list shares); 民政、财政部门牵头: both lead."""
    roles = _body_roles(tmp_path, "完善农村留守儿童关爱保护体系。强化市县、乡镇人民政府属地责任。\n"
                                  "实施困难群众帮扶工程,民政、财政部门牵头。\n")
    assert {("农村留守儿童关爱保护体系", "responsibleBody", "市县人民政府"),
            ("农村留守儿童关爱保护体系", "responsibleBody", "乡镇人民政府"),
            ("困难群众帮扶工程", "leadBody", "民政部门"), ("困难群众帮扶工程", "leadBody", "财政部门")} <= roles


RUN_ON = ("某市“十四五”民政事业发展规划\n一、主要任务\n"
          "(一)健全救助体系\n做好基本生活救助。\n(二)加大政策落实力度,健全社会福利体系一是完善儿童福利保障政策。"
          "落实孤儿生活保障。加强农村留守儿童关爱服务。规范信息台账。做好资助工作。"
          "积极做好监护缺失儿童生活保障和救助工作。二是健全残疾人福利制度。为困难残疾人提供服务。\n")


def test_an_item_run_on_after_its_heading_leads_its_sentences_up_to_the_next_item(tmp_path):
    """A scraped page runs a heading into its first paragraph ((二)…体系一是完善X。): the item still leads
    the sentences after it, all of them up to 二是, not only the first three."""
    path = tmp_path / "runon.txt"
    path.write_text(RUN_ON, encoding="utf-8")
    served = {r.target.rsplit("/", 1)[-1] for r in parse_document(path).relations
              if r.predicate == "serves" and r.programme == "儿童福利保障政策"}
    assert {"orphans", "rural-left-behind-children", "children-lacking-guardianship"} <= served
    assert "persons-with-disabilities-in-difficulty" not in served  # 二是 opens the next item


def test_a_programme_extended_to_a_kind_of_its_own_groups_serves_it_but_not_households_it_reaches(tmp_path):
    """重度残疾人护理补贴覆盖至…智力和精神残疾人: the text extends the subsidy to them though its name names
    重度残疾人; 困难残疾人生活补贴覆盖至低保边缘家庭: households, not a kind of 残疾人, stay out."""
    path = tmp_path / "cover.txt"
    path.write_text(HEAD + "逐步推进困难残疾人生活补贴覆盖至低保边缘家庭和其他困难残疾人,"
                           "重度残疾人护理补贴覆盖至三、四级智力和精神残疾人。\n", encoding="utf-8")
    served: dict[str, set[str]] = {}
    for relation in parse_document(path).relations:
        if relation.predicate == "serves":
            served.setdefault(relation.programme, set()).add(relation.target.rsplit("/", 1)[-1])
    assert served["重度残疾人护理补贴"] == {"persons-with-severe-disabilities", "persons-with-intellectual-disabilities",
                                   "persons-with-psychosocial-disabilities"}
    assert "marginal-dibao-households" not in served["困难残疾人生活补贴"]


def test_the_first_of_a_list_of_bodies_a_name_names_does_not_own_it(tmp_path):
    """乡镇政府、村民委员会…等多主体共同参与的服务格局: the township government takes part with the others;
    a body opening a name owns it only when the name goes on with its own words (民政部门福利彩票…制度体系)."""
    roles = _body_roles(tmp_path, "构建乡镇政府、村民委员会、村集体经济组织和社会组织、村民群众等多主体共同参与的服务格局。\n"
                                  "完善民政部门福利彩票公益金使用管理全链条制度体系。\n")
    assert not any(programme.endswith("服务格局") for programme, _, _ in roles)
    assert any(programme.endswith("制度体系") and role == "responsibleBody" for programme, role, _ in roles)


def _serves_of(folder, lines: str) -> dict[str, set[str]]:
    path = folder / "serves.txt"
    path.write_text(HEAD + lines, encoding="utf-8")
    served: dict[str, set[str]] = {}
    for relation in parse_document(path).relations:
        if relation.predicate == "serves":
            served.setdefault(relation.programme, set()).add(relation.target.rsplit("/", 1)[-1])
    return served


def test_names_listed_together_share_the_words_after_the_list(tmp_path):
    """健全主动发现、快速响应机制,及时将因病、因学致贫对象纳入保障范围: both mechanisms bring them in; names
    listed with groups of their own keep them (养老服务、困境儿童保障工作等部际联席会议制度)."""
    served = _serves_of(tmp_path, "健全主动发现、快速响应机制,及时将因病、因学致贫对象纳入保障范围。\n"
                                  "建立养老服务、困境儿童保障工作等部际联席会议制度。\n")
    assert {"impoverished-by-illness", "impoverished-by-schooling"} <= served["主动发现机制"]
    assert {"impoverished-by-illness", "impoverished-by-schooling"} <= served["快速响应机制"]
    assert "children-in-difficulty" not in served.get("养老服务部际联席会议制度", set())


def test_an_abbreviation_is_served_itself_and_each_group_it_stands_for(tmp_path):
    """农村三留守人员关爱服务体系: a question about “三留守”人员 finds it, and one about each of the three."""
    served = _serves_of(tmp_path, "健全农村三留守人员关爱服务体系。\n")
    assert served["农村三留守人员关爱服务体系"] == {"three-left-behind-groups", "rural-left-behind-children",
                                            "rural-left-behind-women", "rural-left-behind-elderly"}


def test_a_numbered_item_run_into_a_paragraph_leads_it_up_to_the_next(tmp_path):
    """A page run together (…高质量发展。2.建立更加周密的儿童服务体系。统筹…): the numbered item leads its
    sentences as 一是 does; 3. closes it."""
    served = _serves_of(tmp_path, "推动社会救助高质量发展。2.建立更加周密的儿童服务体系。统筹协调推进未成年人保护工作。"
                                  "进一步健全农村留守儿童和困境儿童关爱保护体系。3.建立更加普及的养老服务体系。"
                                  "每个乡镇建有乡镇综合养老服务中心,为失能老年人提供服务。\n")
    assert {"rural-left-behind-children", "children-in-difficulty"} <= served["儿童服务体系"]
    assert "disabled-elderly" not in served["儿童服务体系"]


def test_a_groups_qualifier_before_a_shared_head_list_is_each_names_and_serves_the_qualified_group(tmp_path):
    """建立经济困难的高龄、失能老人补贴动态调整机制: two subsidies, each written with its qualifier, each for
    the economically disadvantaged of its group (not all elders of that age or state); a member of the list
    is served through its own name though the name is not written in one piece."""
    served = _serves_of(tmp_path, "建立经济困难的高龄、失能老人补贴动态调整机制,提高补贴标准精准度。\n")
    assert served["经济困难的高龄老人补贴"] == {"economically-disadvantaged-oldest-old"}
    assert served["经济困难的失能老人补贴"] == {"economically-disadvantaged-disabled-elderly"}


def test_a_closing_clause_saying_whom_the_measures_are_for_is_served_by_each_before_it(tmp_path):
    """…健全主动发现、快速响应机制,建立三级救助管理网络,打通困难群体救助最后一公里: each measure serves them;
    a measure after the clause, or in a sentence without one, does not."""
    served = _serves_of(tmp_path, "健全主动发现、快速响应机制,建立市县、乡镇、村三级救助管理网络,打通困难群体救助最后一公里。"
                                  "建立社会救助热线服务制度。\n")
    for name in ("主动发现机制", "快速响应机制", "市县、乡镇、村三级救助管理网络"):
        assert "people-in-need" in served[name], name
    assert "社会救助热线服务制度" in {p.name for p in parse_document(tmp_path / "serves.txt").programmes}
    assert "people-in-need" not in served.get("社会救助热线服务制度", set())


def test_a_pages_menus_before_the_title_are_no_measure_of_the_plan(tmp_path):
    """A scraped page opens with its site's menus (招商政策, 投资流程) before 关于印发《…规划》的通知: the
    plan's words begin after the title, where the same name is the plan's."""
    path = tmp_path / "page.txt"
    path.write_text("某县招商引资\n\n招商政策\n\n投资流程\n\n某县民政局 关于印发《某县“十四五”民政事业发展规划》的通知\n"
                    "一、主要任务\n(一)社会救助\n完善家庭养老支持政策。\n", encoding="utf-8")
    document = parse_document(path)
    assert document.metadata.title == "某县“十四五”民政事业发展规划"
    assert {p.name for p in document.programmes} == {"家庭养老支持政策"}


def test_a_self_governing_body_opening_a_name_is_what_it_is_about_not_its_owner(tmp_path):
    """完善村(居)委会工作事项准入制度: rules for what may be asked of the committees, not theirs to run; a
    department opening a name owns it (民政部门福利彩票公益金使用管理制度)."""
    roles = _body_roles(tmp_path, "完善村(居)委会工作事项准入制度。\n完善民政部门福利彩票公益金使用管理制度。\n")
    assert not any(programme == "村(居)委会工作事项准入制度" for programme, _, _ in roles)
    assert any(programme.endswith("福利彩票公益金使用管理制度") and body == "民政部门" for programme, _, body in roles)
