"""The graph page in a real browser: Debian's chromium, driven by Playwright, against ``policykg serve``.

No mocks: the page is served by the ``live_server`` fixture (a real server process
on the session's build), and every test watches every request the browser makes
(all must go to that server) and every console error and page error (there must
be none).  Screenshots go to ``tests/artifacts/`` (or ``$POLICYKG_ARTIFACTS``).

Skipped, with the reason, when ``/usr/bin/chromium`` or the playwright package is
missing; CI (``.ci/run``) installs both, so there they run.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

pytestmark = pytest.mark.slow  # a real browser: make test-fast leaves it out

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run "
                "installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed "
                                                            "(pip install -e '.[test]')")

LEFT_BEHIND = "group/rural-left-behind-elderly"
PROGRAMME = "plan/hainan-14th-minzheng-plan/programme/乡镇(街道)社工站建设工程"
NATIONAL = "plan/national-14th-minzheng-plan"
HAINAN = "plan/hainan-14th-minzheng-plan"
SETTLE_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("POLICYKG_ARTIFACTS") or ROOT / "tests" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watch:
    """Every request, console error, page error and failed response of one browser context."""

    def __init__(self, context, base: str) -> None:
        self.host = urlsplit(base).netloc
        self.requests: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url} {request.failure}"))
        context.on("response", lambda response: response.status >= 400 and self.errors.append(
            f"HTTP {response.status}: {response.url}"))

    def page(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def check(self) -> None:
        elsewhere = [url for url in self.requests if urlsplit(url).netloc != self.host
                     and not url.startswith(("data:", "blob:"))]
        assert not elsewhere, f"requests to other hosts: {elsewhere}"
        assert not self.errors, self.errors


@pytest.fixture
def session(browser, live_server):
    """A fresh browser context (no cache, no storage) watched from its first request."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    watch = Watch(context, live_server)
    opened = []

    def new_page():
        page = context.new_page()
        watch.page(page)
        opened.append(page)
        return page

    yield new_page, watch
    context.close()


# -- helpers: what a person does, and when the drawing has come to rest ------------------------------------

def settle(page, timeout: int = SETTLE_MS) -> None:
    """Wait until the page says its drawing is settled (physics stopped)."""
    page.wait_for_function("() => window.policykg && window.policykg.settled", timeout=timeout)


def act(page, action, timeout: int = SETTLE_MS) -> None:
    """Do something that redraws, and wait for that redraw (not an earlier one) to settle."""
    before = page.evaluate("() => window.policykg.generation")
    action()
    page.wait_for_function("(g) => window.policykg.generation > g && window.policykg.settled", arg=before,
                           timeout=timeout)


def open_page(page, base: str, query: str = "") -> None:
    page.goto(base + "/" + query)
    settle(page)


def visible(page) -> dict:
    return page.evaluate("() => window.policykg.visible()")


def node_point(page, node_id: str) -> tuple[float, float]:
    """Where a node is drawn on the screen (the view is first centred on it, as a person would scroll to it)."""
    page.evaluate("(id) => window.policykg.centreOn(id)", node_id)
    page.wait_for_timeout(50)
    position = page.evaluate("(id) => window.policykg.domPosition(id)", node_id)
    box = page.locator("#graph canvas").bounding_box()
    return box["x"] + position["x"], box["y"] + position["y"]


def shot(page, artifacts: Path, name: str) -> None:
    page.mouse.move(1, 1)  # no tooltip over the drawing
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert (artifacts / f"{name}.png").stat().st_size > 10_000


def state(page) -> dict:
    return page.evaluate("() => window.policykg.state()")


# -- the scenario ----------------------------------------------------------------------------

def test_search_click_evidence_english_expand_and_share(session, live_server, artifacts):
    """Open the page, search 农村留守老年人, see the programmes serving them, click one and read its evidence,
    switch to English, expand a node, then follow the URL in a new tab back to the same view."""
    new_page, watch = session
    page = new_page()
    open_page(page, live_server)
    shot(page, artifacts, "01-start")

    search = page.locator("#search-input")
    search.click()
    search.type("农村留守老年人", delay=20)
    option = page.get_by_role("option").filter(has_text="农村留守老年人").first
    option.wait_for()
    assert page.get_attribute("#search-input", "aria-expanded") == "true"
    act(page, lambda: search.press("Enter"))
    assert state(page)["focus"] == LEFT_BEHIND
    assert f"focus={quote(LEFT_BEHIND, safe='')}" in page.url or parse_qs(urlsplit(page.url).query)["focus"] == [
        LEFT_BEHIND]

    # the programmes that serve them: drawn, with a SERVES edge to the group
    drawn = visible(page)["nodes"]
    assert PROGRAMME in drawn
    edges = page.evaluate("() => window.policykg.edgeList()")
    assert {"from": PROGRAMME, "to": LEFT_BEHIND, "type": "SERVES"} in [
        {k: e[k] for k in ("from", "to", "type")} for e in edges]
    labels = page.evaluate("() => window.policykg.labels()")
    assert labels[LEFT_BEHIND] == "农村留守老年人"
    shot(page, artifacts, "02-left-behind-neighbourhood")

    # click the programme: the side panel shows its type, plan and the sentence that says whom it serves
    x, y = node_point(page, PROGRAMME)
    page.mouse.click(x, y)
    details = page.locator("#details")
    page.wait_for_function("(id) => document.getElementById('details').dataset.subject === id", arg=PROGRAMME)
    assert details.is_visible()
    assert "乡镇(街道)社工站建设工程" in details.locator("h2").inner_text()
    assert "项目/工程" in details.locator(".type-badge").first.inner_text()
    quotes = details.locator("blockquote").all_inner_texts()
    assert any("“三留守”人员" in q for q in quotes), quotes
    caption = details.locator("figcaption").all_inner_texts()
    assert any("海南省“十四五”民政事业发展规划" in c for c in caption), caption
    assert details.get_by_role("link", name="关联数据页面").get_attribute("href").startswith("/id/plan/hainan")
    assert state(page)["sel"] == PROGRAMME
    shot(page, artifacts, "03-side-panel-evidence")

    # English: the labels, the legend, the panel and the URL
    page.get_by_role("button", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert state(page)["lang"] == "en" and "lang=en" in page.url
    labels = page.evaluate("() => window.policykg.labels()")
    assert labels[LEFT_BEHIND] == "rural left-behind older persons"
    assert "programme" in page.locator("#legend-list").inner_text()
    assert page.locator("#details h3").filter(has_text="Evidence").count() == 1
    assert page.get_by_role("tab", name="Neighbourhood").get_attribute("aria-selected") == "true"
    shot(page, artifacts, "04-english")

    # expand the programme (double-click): its plan and domains join the drawing
    before = set(visible(page)["nodes"])
    x, y = node_point(page, PROGRAMME)
    act(page, lambda: page.mouse.dblclick(x, y))
    after = set(visible(page)["nodes"])
    assert before < after and HAINAN in after
    assert state(page)["expand"] == [PROGRAMME]
    physics = page.evaluate("() => window.policykg.physicsRunning()")
    assert physics is False
    shot(page, artifacts, "05-expanded")

    # the shared URL, opened fresh, draws the same view: same nodes, groups, language, selection and panel
    shared = page.url
    query = parse_qs(urlsplit(shared).query)
    assert query["expand"] == [PROGRAMME] and query["lang"] == ["en"] and query["sel"] == [PROGRAMME]
    other = new_page()
    other.goto(shared)
    settle(other)
    assert set(visible(other)["nodes"]) == after
    assert visible(other)["groups"] == visible(page)["groups"]
    assert other.evaluate("() => window.policykg.labels()") == page.evaluate("() => window.policykg.labels()")
    assert state(other) == state(page)
    other.wait_for_function("(id) => document.getElementById('details').dataset.subject === id", arg=PROGRAMME)
    assert any("“三留守”人员" in q for q in other.locator("#details blockquote").all_inner_texts())
    assert other.locator("html").get_attribute("lang") == "en"
    shot(other, artifacts, "06-shared-url")
    watch.check()


def test_clicking_an_edge_shows_the_sentence_that_states_it(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?focus={quote(LEFT_BEHIND)}")
    node_point(page, PROGRAMME)  # centre the view there
    ends = [page.evaluate("(id) => window.policykg.domPosition(id)", n) for n in (PROGRAMME, LEFT_BEHIND)]
    box = page.locator("#graph canvas").bounding_box()
    page.mouse.click(box["x"] + (ends[0]["x"] + ends[1]["x"]) / 2, box["y"] + (ends[0]["y"] + ends[1]["y"]) / 2)
    page.wait_for_function("() => document.getElementById('details').dataset.subject.includes('-[SERVES]->')")
    details = page.locator("#details")
    assert details.locator("h2").first.inner_text() == "服务对象"
    assert "“三留守”人员" in details.locator("dl.facts").inner_text()  # the words of the text that named the group
    assert any("“三留守”人员" in q for q in details.locator("blockquote").all_inner_texts())
    assert "促进慈善事业和社工志愿服务发展" in details.locator("figcaption").first.inner_text()
    watch.check()


# -- offline ---------------------------------------------------------------------------------------------

def test_page_and_every_asset_come_from_the_server(session, live_server):
    new_page, watch = session
    page = new_page()
    response = page.goto(live_server + "/")
    settle(page)
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    html = response.text()
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), "the page links another server"
    paths = {urlsplit(url).path for url in watch.requests}
    assert {"/static/visual/vis-network.min.js", "/static/visual/vis-network.css", "/static/visual/app.js",
            "/static/visual/page.css", "/static/visual/favicon.svg"} <= paths
    assert page.evaluate("() => typeof vis.Network") == "function"
    # the fonts are the system's: no @font-face, no font file fetched
    assert not [p for p in paths if p.endswith((".woff", ".woff2", ".ttf", ".otf"))]
    assert page.evaluate("() => [...document.fonts].length") == 0
    watch.check()


def test_vis_network_is_the_copy_pyvis_ships(client):
    import pyvis

    shipped = (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js").read_bytes()
    served = client.get("/static/visual/vis-network.min.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert b"sourceMappingURL" not in served.content  # pyvis ships no map: the browser must not ask for one
    assert served.content.rstrip() == shipped.split(b"\n//# sourceMappingURL")[0].rstrip()
    assert client.get("/static/visual/../routes.py").status_code == 404
    assert client.get("/static/visual/styles.yaml").status_code == 404


# -- the legend, the views ----------------------------------------------------------------------------------

def test_the_legend_lists_the_classes_drawn_in_the_current_language(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?focus={quote(HAINAN)}")
    listed = page.locator("#legend-list li").evaluate_all("items => items.map(i => i.dataset.type)")
    drawn = set(page.evaluate("() => Object.values(window.policykg.nodeTypes())"))
    assert set(listed) == drawn and len(listed) == len(drawn)
    assert {"Plan", "Programme", "Indicator", "Area"} <= drawn
    legend = page.locator("#legend-list").inner_text()
    assert "规划" in legend and "指标" in legend
    page.get_by_role("button", name="English").click()
    page.wait_for_function("() => document.querySelector('#legend-list').innerText.includes('plan')")
    assert "indicator" in page.locator("#legend-list").inner_text()
    watch.check()


def test_group_view_for_older_persons_reaches_the_narrower_left_behind_group(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server)
    act(page, lambda: page.get_by_role("tab", name="服务对象的项目").click())
    assert state(page)["view"] == "group"
    act(page, lambda: page.get_by_label("选择服务对象").select_option("group/elderly"))
    assert state(page)["focus"] == "group/elderly"
    side = page.locator("#side")
    item = side.locator("ol.programmes > li").filter(has_text="乡镇(街道)社工站建设工程")
    assert item.count() == 1
    assert "农村留守老年人" in item.locator(".matched-groups").inner_text()
    assert any("“三留守”人员" in q for q in item.locator("blockquote").all_inner_texts())
    drawn = visible(page)["nodes"]
    assert {PROGRAMME, LEFT_BEHIND, "group/elderly", "group/rural-elderly"} <= set(drawn)
    edges = {(e["from"], e["type"], e["to"]) for e in page.evaluate("() => window.policykg.edgeList()")}
    assert (PROGRAMME, "SERVES", LEFT_BEHIND) in edges
    assert (LEFT_BEHIND, "BROADER", "group/rural-elderly") in edges
    shot(page, artifacts, "07-group-view")
    # clicking the programme in the list shows its details (it is drawn: no new view)
    item.get_by_role("link", name="乡镇(街道)社工站建设工程").click()
    page.wait_for_function("(id) => document.getElementById('details').dataset.subject === id", arg=PROGRAMME)
    assert state(page)["view"] == "group"
    watch.check()


def test_compare_view_tables_an_indicator_across_plans(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server)
    act(page, lambda: page.get_by_role("tab", name="指标对比").click())
    page.get_by_label("指标名称（部分即可）").fill("低保")
    act(page, lambda: page.get_by_role("button", name="对比", exact=True).click())
    assert state(page)["q"] == "低保" and "q=%E4%BD%8E%E4%BF%9D" in page.url
    table = page.locator("table.compare").first
    rows = table.locator("tbody tr")
    plans = set(rows.evaluate_all("rows => rows.map(r => r.cells[0].innerText)"))
    assert len(plans) >= 3, plans
    header = table.locator("thead").inner_text()
    for column in ("规划", "层级", "基期值", "目标值", "单位", "年份", "指标属性", "对应方式"):
        assert column in header
    national = rows.first.inner_text()
    assert "国家级" in national and "75" in national and "%" in national and "2025" in national
    assert any("exact-name" in text for text in rows.all_inner_texts())
    hainan = rows.filter(has_text="海南省").first.inner_text()
    assert "77 (2020)" in hainan and "80" in hainan
    drawn = visible(page)["nodes"]
    assert sum(1 for n in drawn if "/table/" in n) >= 4
    shot(page, artifacts, "08-compare-view")
    watch.check()


def test_cascade_view_runs_national_to_provincial_to_municipal(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?view=cascade&focus={quote(NATIONAL)}")
    listed = page.locator("ol.cascade li").all_inner_texts()
    assert [i for i, text in enumerate(listed) if "国家级" in text] < [i for i, text in enumerate(listed)
                                                                    if "省级" in text]
    assert any("威海市" in text and "市级" in text for text in listed)
    positions = page.evaluate(f"""() => {{
        const net = window.policykg; const ids = ['{NATIONAL}', '{HAINAN}', 'plan/weihai-14th-minzheng-plan'];
        return ids.map((id) => net.domPosition(id).x);
    }}""")
    assert positions == sorted(positions), "national, then provincial, then municipal"
    headers = page.locator("table.cascade-table thead th").all_inner_texts()
    assert len(headers) == 3 and "国家级" in headers[0]
    assert page.locator("table.cascade-table tbody tr").count() >= 5
    shot(page, artifacts, "09-cascade-view")
    watch.check()


# -- large neighbourhoods -------------------------------------------------------------------------------

def test_the_national_plan_folds_into_groups_settles_and_a_group_opens(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    started = time.perf_counter()
    open_page(page, live_server, f"?focus={quote(NATIONAL)}&depth=2")
    wall_ms = (time.perf_counter() - started) * 1000
    timings = page.evaluate("() => window.policykg.timings")
    counts = page.evaluate("() => window.policykg.counts()")
    groups = page.evaluate("() => window.policykg.groups()")
    assert counts["nodes"] > 400 and counts["edges"] > 700
    assert len(groups) >= 3 and counts["visibleNodes"] < counts["nodes"] / 2
    assert {g["type"] for g in groups} >= {"Programme", "Section"}
    assert all(g["count"] > 20 for g in groups)
    assert timings["firstSettled"] < 20_000
    # physics is off and nothing moves any more
    assert page.evaluate("() => window.policykg.physicsRunning()") is False
    first = page.evaluate(f"() => window.policykg.domPosition('{HAINAN}')")
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => window.policykg.domPosition('{HAINAN}')") == first
    shot(page, artifacts, "10-national-plan-grouped")
    (artifacts / "page-timing.json").write_text(json.dumps(
        {"url": f"?focus={NATIONAL}&depth=2", "navigation_to_settled_ms": timings["firstSettled"],
         "wall_ms": wall_ms, **counts, "groups": len(groups)}, ensure_ascii=False, indent=2), encoding="utf-8")

    # double-click the national plan's programmes: the group opens, the drawing settles again
    group = f"cluster:{NATIONAL}:Programme"
    x, y = node_point(page, group)
    act(page, lambda: page.mouse.dblclick(x, y))
    now = page.evaluate("() => window.policykg.groups()")
    assert group not in {g["id"] for g in now} and len(now) == len(groups) - 1
    assert f"{NATIONAL}/programme/“互联网+社区”行动" in visible(page)["nodes"]
    assert state(page)["open"] == [group]
    assert page.evaluate("() => window.policykg.physicsRunning()") is False
    watch.check()


def test_depth_and_types_are_in_the_url_restored_and_back_goes_back(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server)
    act(page, lambda: page.locator("ul.examples a").first.click())  # 农村留守老年人: a new history entry
    assert state(page)["focus"] == LEFT_BEHIND
    act(page, lambda: page.get_by_label("深度").select_option("2"))
    assert state(page)["depth"] == 2 and "depth=2" in page.url
    page.locator("#types-menu summary").click()
    page.get_by_role("button", name="清除").click()
    page.locator("#types-list label").filter(has_text="服务对象").locator("input").check()
    act(page, lambda: page.locator("#types-list label").filter(has_text="项目/工程").locator("input").check())
    assert sorted(state(page)["types"]) == ["Programme", "TargetGroup"]
    assert "types=" in page.url
    types = set(page.evaluate("() => Object.values(window.policykg.nodeTypes())"))
    assert types <= {"Programme", "TargetGroup"} and len(visible(page)["nodes"]) > 4

    other = new_page()
    other.goto(page.url)
    settle(other)
    assert other.locator("#depth").input_value() == "2"
    checked = other.locator("#types-list input:checked").evaluate_all("boxes => boxes.map(b => b.value)")
    assert sorted(checked) == ["Programme", "TargetGroup"]
    assert set(visible(other)["nodes"]) == set(visible(page)["nodes"])

    # Back: the filters were not new places, so it goes to the start page the example was chosen from
    act(page, lambda: page.go_back())
    assert state(page)["focus"] is None and state(page)["types"] == []
    assert page.locator("ul.examples").is_visible()
    watch.check()


def test_search_suggestions_with_the_keyboard_in_english(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, "?lang=en")
    search = page.locator("#search-input")
    search.fill("left-behind")
    page.get_by_role("option").first.wait_for()
    options = page.get_by_role("option").all_inner_texts()
    assert any("rural left-behind older persons" in o for o in options)
    target = next(i for i, o in enumerate(options) if "rural left-behind older persons" in o)
    for _ in range(target + 1):
        search.press("ArrowDown")
    assert page.get_attribute("#search-input", "aria-activedescendant") == f"search-option-{target}"
    act(page, lambda: search.press("Enter"))
    assert state(page)["focus"] == LEFT_BEHIND and state(page)["lang"] == "en"
    assert page.locator("#search-results").is_hidden()
    watch.check()


# -- searching the plans' own words ----------------------------------------------------------------------------

def passage_options(page) -> list:
    return page.locator("#search-results li.passage-hit").all()


@pytest.mark.parametrize("typed, marked", [("喘息服务", "喘息服务"), ("慈善信託", "慈善信托"), ("万人次", "万人次")])
def test_the_search_box_finds_sentences_and_opens_one_in_its_paragraph(session, live_server, artifacts, typed, marked):
    """Names first, then the sentences of the plans holding the words (a traditional spelling and a figure's unit
    too), each with the words marked and its place in the plan; choosing one shows its paragraph and what it names."""
    new_page, watch = session
    page = new_page()
    open_page(page, live_server)
    search = page.locator("#search-input")
    search.click()
    search.type(typed, delay=20)
    page.locator("#search-results li.passage-hit").first.wait_for()
    heading = page.locator("#search-results li.group-heading").inner_text()
    assert "规划原文中" in heading and re.search(r"\d+", heading)
    hits = passage_options(page)
    assert hits
    from policykg.graph.questions.passages import fold_aligned

    for hit in hits:  # marked as the text writes it (萬人次 in a text in traditional characters)
        assert {fold_aligned(m) for m in hit.locator("mark").all_inner_texts()} == {marked}
        assert hit.locator(".hit-place").inner_text()  # the plan, then (after the front matter) its chapter…
    assert any("›" in hit.locator(".hit-place").inner_text() for hit in hits)
    shot(page, artifacts, f"18-search-{typed}")
    options = page.get_by_role("option").all()
    first = next(i for i, o in enumerate(options) if "passage-hit" in (o.get_attribute("class") or "")
                 and "›" in o.locator(".hit-place").inner_text())  # a sentence of the body, not the front matter
    for _ in range(first + 1):
        search.press("ArrowDown")
    assert page.get_attribute("#search-input", "aria-activedescendant") == f"search-option-{first}"
    search.press("Enter")
    chosen = page.locator("#details .passage-context mark.chosen")
    chosen.wait_for()
    assert marked in fold_aligned(chosen.inner_text())
    assert page.locator("#details .passage-context > *").count() >= 1
    assert page.locator("#details .passage-place a.ref").count() >= 2  # the plan, then its chapter…
    assert search.input_value() == typed  # the words searched stay in the box
    shot(page, artifacts, f"18-passage-{typed}")
    link = page.locator("#details .passage-place a.ref").nth(1)
    name = link.inner_text()
    act(page, lambda: link.click())
    assert page.locator("#details h2").first.inner_text() == name  # a part of the outline opens in the graph
    watch.check()


def test_a_programmes_evidence_says_where_in_the_plan_it_is(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?focus={quote(PROGRAMME, safe='')}&sel={quote(PROGRAMME, safe='')}")
    place = page.locator("#details figure.evidence .outline-path").first
    place.wait_for()
    parts = place.locator("a.ref").all_inner_texts()
    assert len(parts) >= 3 and "›" in place.inner_text()  # plan › chapter › section (› box)
    watch.check()


def test_a_programmes_aligned_list_shows_more_at_a_click(session, live_server):
    """A programme's panel lists the detail's first aligned programmes and a button for the rest, which fetches
    the next page from /aligned (here the detail is asked for one, as if the programme had thousands)."""
    new_page, watch = session
    page = new_page()
    aligned = "plan/national-14th-minzheng-plan/programme/困难残疾人生活补贴"  # aligned with 3 in the corpus
    detail = f"{live_server}/api/programmes/{quote(aligned, safe='/')}"
    page.route(lambda url: url == detail or url.startswith(detail + "?"),
               lambda route: route.continue_(url=detail + "?aligned_limit=1"))
    open_page(page, live_server, f"?focus={quote(aligned, safe='')}&sel={quote(aligned, safe='')}")
    more = page.locator("#details button.more")
    more.wait_for()
    assert page.locator("#details span.aligned a.ref").count() == 1 and "2" in more.inner_text()
    more.click()
    page.wait_for_function("() => document.querySelectorAll('#details span.aligned a.ref').length === 3")
    assert more.is_hidden()
    watch.check()


def test_a_groups_panel_lists_the_programmes_serving_it_and_a_plans_its_outline(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?focus={quote(LEFT_BEHIND, safe='')}&sel={quote(LEFT_BEHIND, safe='')}")
    listed = page.locator("#details ul.programmes-of li")
    listed.first.wait_for()
    total = int(re.search(r"\d+", page.locator("#details h3", has_text="个项目").inner_text()).group())
    served = json.loads(page.evaluate("(u) => fetch(u).then(r => r.text())",
                                      f"/api/programmes?group={quote(LEFT_BEHIND)}&limit=1"))["total"]
    assert total == served > 0 and listed.count() == min(total, 30)
    assert all(" · " in text for text in listed.all_inner_texts())  # each with its plan
    shot(page, artifacts, "18-group-panel")

    open_page(page, live_server, f"?focus={quote(NATIONAL, safe='')}&sel={quote(NATIONAL, safe='')}")
    tree = page.locator("#details ul.outline-tree")
    tree.wait_for()
    chapters = tree.locator(":scope > li")
    outline = json.loads(page.evaluate("(u) => fetch(u).then(r => r.text())", f"/api/plans/{NATIONAL}"))["outline"]
    assert chapters.count() == len(outline) >= 5 and "第一章" in chapters.first.inner_text()
    section = chapters.first.locator("details ul a.ref").first
    assert not section.is_visible()  # closed until its chapter is opened
    chapters.first.locator(":scope > details > summary").click(position={"x": 4, "y": 4})
    assert section.is_visible()
    shot(page, artifacts, "18-plan-outline")
    name = section.inner_text()
    section.click()  # drawn already (selected) or not (the view moves to it): either way its details open
    page.wait_for_function("(name) => document.querySelector('#details h2')?.textContent === name", arg=name)
    watch.check()


def test_english_counts_read_in_the_singular_and_plural(session, live_server):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, "?lang=en")
    said = page.evaluate("""() => [1, 2].map((n) => window.policykg.t('compare_plans', {n}))""")
    assert said == ["1 plan", "2 plans"]
    watch.check()


def test_a_big_neighbourhood_is_drawn_with_labels_that_do_not_overlap(session, live_server, artifacts):
    """The national plan's neighbourhood (hundreds of nodes): a few dozen drawn, the rest folded into groups whose
    panel lists them; no two labels shown overlap, the focus and the busiest nodes keep theirs."""
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?focus={quote(NATIONAL, safe='')}")
    drawn = visible(page)
    assert len(drawn["nodes"]) + len(drawn["groups"]) <= 60 < page.evaluate("() => window.policykg.counts().nodes")
    assert page.evaluate("() => window.policykg.labelOverlaps()") == []
    hidden = set(page.evaluate("() => window.policykg.hiddenLabels()"))
    assert hidden and NATIONAL not in hidden
    shot(page, artifacts, "18-national-readable")
    group = max(page.evaluate("() => window.policykg.groups()"), key=lambda g: g["count"])
    x, y = node_point(page, group["id"])
    page.mouse.click(x, y)
    members = page.locator("#details ul.group-members li")
    members.first.wait_for()
    assert members.count() == group["count"]
    page.evaluate("() => document.querySelector('[data-lang=en]').click()")
    page.wait_for_function("() => window.policykg.state().lang === 'en'")
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.policykg.labelOverlaps()") == []  # English labels, longer: decluttered again
    watch.check()


def test_the_compare_view_charts_each_group_with_its_table_and_a_csv(session, live_server, artifacts):
    """A bar chart per group of aligned indicators (Chart.js, served by this server): one bar per plan and value,
    the same numbers as the table beside it and as the CSV download; cells do not wrap one character a line."""
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, "?view=compare&q=" + quote("低保"))
    page.wait_for_function("() => window.policykg.charts().length > 0")
    charts = page.evaluate("() => window.policykg.charts()")
    side = json.loads(page.evaluate("(u) => fetch(u).then(r => r.text())", "/visual/api/compare?q=" + quote("低保")))
    groups = [g for g in side["side"]["groups"]
              if any(isinstance((r.get(role) or {}).get("value"), (int, float)) for r in g["rows"]
                     for role in ("baseline", "target", "actual"))]
    assert len(charts) == len(groups)
    for chart, group in zip(charts, groups):
        rows = [r for r in group["rows"] if any(isinstance((r.get(role) or {}).get("value"), (int, float))
                                                for role in ("baseline", "target", "actual"))]
        assert chart["labels"] == [r["plan"]["name_zh"] for r in rows]  # national first, as the table
        for dataset in chart["datasets"]:
            assert dataset["data"] == [(r.get(dataset["role"]) or {}).get("value") for r in rows]
    canvas = page.locator(".compare-group canvas").first
    assert canvas.bounding_box()["height"] > 150
    link = page.locator("a.csv").first
    csv_text = page.evaluate("(u) => fetch(u).then(r => r.text())", link.get_attribute("href"))
    assert csv_text.lstrip("\ufeff").startswith("group,plan,") and len(csv_text.splitlines()) == 1 + sum(
        len(g["rows"]) for g in side["side"]["groups"])
    cell = page.locator("table.compare tbody td").nth(2)  # the indicator's name
    assert cell.bounding_box()["width"] > 60  # not one character a line
    shot(page, artifacts, "18-compare-chart")
    watch.check()


def test_the_cascade_view_shows_the_coverage_matrix_of_the_national_plan(session, live_server, artifacts):
    """Rows: the national plan's programmes and indicators (most taken up first); columns: the plans below it;
    a cell's mark opens what takes the row up, with its evidence; the CSV holds every row."""
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?view=cascade&focus={quote(NATIONAL, safe='')}")
    table = page.locator("table.coverage")
    table.wait_for()
    matrix = json.loads(page.evaluate("(u) => fetch(u).then(r => r.text())", f"/api/plans/{NATIONAL}/coverage"))
    header = table.locator("thead th").all()
    assert len(header) == 1 + len(matrix["plans"])
    rows = table.locator("tbody tr")
    shown = min(len(matrix["rows"]), 150)
    assert rows.count() == shown
    ranked = sorted(matrix["rows"], key=lambda r: -r["taken_up_by"])
    first = ranked[0]
    assert rows.first.get_attribute("data-id") == first["entity"]["id"]
    marks = rows.first.locator("a.taken")
    assert marks.count() == sum(len(cells) for cells in first["cells"].values()) > 0
    changed = table.locator("a.taken.changed")
    assert changed.count() == sum(c.get("target_changed") is True for r in ranked[:shown]
                                  for cells in r["cells"].values() for c in cells)
    shot(page, artifacts, "18-coverage-matrix")
    csv_text = page.evaluate("(u) => fetch(u).then(r => r.text())", page.locator("a.csv").first.get_attribute("href"))
    assert len(csv_text.lstrip("\ufeff").splitlines()) == len(matrix["rows"]) + 1
    target = marks.first.get_attribute("data-id")
    marks.first.click()
    page.wait_for_function("(id) => document.querySelector('#details')?.dataset.subject === id", arg=target)
    assert page.locator("#details figure.evidence").count() >= 1  # the evidence, one click away
    watch.check()


def test_chart_js_is_the_vendored_npm_release(client):
    """visual/static/chart.umd.min.js is chart.js 4.6.2's dist/chart.umd.min.js from the npm registry
    (`npm pack chart.js@4.6.2`, tarball sha256 24bdaa65…e949c3), unchanged, with its MIT licence beside it."""
    import hashlib

    vendored = (ROOT / "visual" / "static" / "chart.umd.min.js").read_bytes()
    assert hashlib.sha256(vendored).hexdigest() == "3f288f4f26882c26b58931fb586a9b4f30370b5de38d69dc005b0bd05b08e113"
    served = client.get("/static/visual/chart.umd.min.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert served.content.startswith(b"/*!\n * Chart.js v4.6.2") and b"sourceMappingURL" not in served.content
    assert served.content.rstrip() == vendored.split(b"\n//# sourceMappingURL")[0].rstrip()
    assert "MIT" in (ROOT / "visual" / "static" / "chart.js-LICENSE.md").read_text()


def test_english_mode_names_plans_in_english_marked_as_made_by_rule(session, live_server, artifacts):
    new_page, watch = session
    page = new_page()
    open_page(page, live_server, f"?lang=en&focus={quote(NATIONAL, safe='')}&sel={quote(NATIONAL, safe='')}")
    page.locator("#details p.by-rule").wait_for()
    assert page.locator("#details h2").first.inner_text() == "National 14th Five-Year Plan for Civil Affairs"
    assert "made by rule" in page.locator("#details p.by-rule").inner_text()
    labels = page.evaluate("() => window.policykg.labels()")
    assert labels[NATIONAL].startswith("National 14th Five-Year")
    shot(page, artifacts, "18-english-plan")
    page.evaluate("() => document.querySelector('[data-lang=zh]').click()")
    page.wait_for_function("() => window.policykg.state().lang === 'zh'")
    assert page.evaluate("() => window.policykg.labels()")[NATIONAL] == "“十四五”民政事业发展规划"
    watch.check()
