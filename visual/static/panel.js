// The side of the page: the details of what was clicked (a node, an edge, a folded group) with its evidence,
// and what each ready-made view lists beside the graph (programmes with their quotes, tables of indicators).
// Everything from the graph is inserted as text (h() never parses HTML).

import {
  attributeName, className, config, encodeId, getJSON, h, lang, levelName, linkedDataHref, nameOf, otherName,
  relationName, shapeIcon, t,
} from "./dom.js";
import { marked } from "./search.js";

// Properties shown elsewhere in the panel (names, values table) or of no use to a reader.
const HIDDEN = new Set(["name_zh", "name_en", "alt_labels", "iri", "graphs", "quotes"]);
const VALUE_ROLES = ["baseline", "target", "actual"];
const ALIGNED_PAGE = 100;  // aligned programmes fetched at each "more"
const TYPED = { Indicator: "/api/indicators/", Programme: "/api/programmes/", Plan: "/api/plans/", Article: "/api/plans/" };

/** A link to an entity: its shareable URL, and a click that shows it in the page (actions.show). */
export function refLink(ref, actions) {
  if (!ref) return null;
  return h("a", {
    class: "ref", href: actions.hrefFor(ref.id), "data-id": ref.id, title: otherName(ref) || null,
    on: { click: (event) => { event.preventDefault(); actions.show(ref); } },
  }, nameOf(ref));
}

function typeBadge(type) {
  return h("span", { class: "type-badge" }, shapeIcon(type, 14), className(type));
}

/** A part of a plan's outline (chapter, section, box…) as a reference the panel can link to. */
function partRef(part) {
  return { id: part.iri.split("/id/").slice(1).join("/id/"), iri: part.iri, type: part.type, name_zh: part.name,
    name_en: null };
}

/** Where in the plan: the plan, then its chapter, section, box… down to the part that holds the text. */
function placeLinks(document, path, section, actions) {
  const where = [];
  if (document) where.push(refLink(document, actions));
  const parts = path && path.length ? path.map(partRef) : section ? [section] : [];
  for (const part of parts) where.push(" › ", refLink(part, actions));
  return h("span", { class: "outline-path" }, where);
}

function evidenceBlock(evidence, actions) {
  if (!evidence) return null;
  const where = [placeLinks(evidence.document, evidence.path, evidence.section, actions)];
  if (evidence.char_start !== null && evidence.char_start !== undefined) {
    where.push(h("span", { class: "span" }, ` · ${t("chars")} ${evidence.char_start}–${evidence.char_end}`));
  }
  return h("figure", { class: "evidence" },
    h("blockquote", { lang: "zh-Hans" }, evidence.quote),
    h("figcaption", {}, where));
}

function valueText(value, unit) {
  if (!value) return "—";
  const text = value.text ?? (value.value ?? "");
  const withUnit = unit && !String(text).includes(unit) && /\d/.test(String(text)) ? `${text} ${unit}` : String(text);
  return withUnit;
}

function valuesTable(indicator) {
  const rows = VALUE_ROLES.filter((role) => indicator[role]).map((role) => h("tr", { "data-role": role },
    h("th", { scope: "row" }, t(role)),
    h("td", { class: "value" }, valueText(indicator[role], indicator.unit)),
    h("td", { class: "year" }, indicator[role].year || "")));
  if (!rows.length) return null;
  return h("table", { class: "values" },
    h("caption", {}, t("values")),
    h("thead", {}, h("tr", {}, h("td", {}), h("th", { scope: "col" }, t("unit") + (indicator.unit ? `: ${indicator.unit}` : "")),
      h("th", { scope: "col" }, t("year")))),
    h("tbody", {}, rows));
}

function facts(pairs) {
  const items = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "" &&
    !(Array.isArray(value) && value.length === 0));
  if (!items.length) return null;
  return h("dl", { class: "facts" }, items.map(([label, value]) => [h("dt", {}, label),
    h("dd", {}, Array.isArray(value) ? value.flatMap((v, i) => (i ? ["、", v] : [v])) : value)]));
}

/** The same programme in other plans: the detail's first ones, then a page more at each click (a national
 * programme aligns with thousands at thousands of plans; /api/programmes/{id}/aligned pages them). */
function alignedList(programme, id, actions) {
  if (!programme.aligned_with.length) return null;
  const links = h("span", { class: "aligned" });
  let shown = 0;
  const add = (items) => {
    for (const aligned of items) links.append(...(shown++ ? ["、"] : []), refLink(aligned.programme, actions));
  };
  const more = h("button", { type: "button", class: "more" });
  const update = () => {
    const left = programme.aligned_count - shown;
    more.hidden = left <= 0;
    more.textContent = t("aligned_more", { n: left });
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    const page = await getJSON(`/api/programmes/${encodeId(id)}/aligned?offset=${shown}&limit=${ALIGNED_PAGE}`);
    add(page.items);
    more.disabled = false;
    update();
  });
  add(programme.aligned_with);
  update();
  return h("span", {}, links, " ", more);
}

function propertiesList(properties, skip) {
  const keys = Object.keys(properties || {}).filter((k) => !HIDDEN.has(k) && !skip.has(k)).sort();
  if (!keys.length) return null;
  return h("details", { class: "properties" }, h("summary", {}, t("properties")),
    h("dl", {}, keys.map((key) => {
      const value = properties[key];
      return [h("dt", {}, key), h("dd", {}, Array.isArray(value) ? value.join("、") : String(value))];
    })));
}

function actionsBar(id, actions, { expandable = true } = {}) {
  return h("div", { class: "actions" },
    expandable ? h("button", { type: "button", class: "expand", on: { click: () => actions.expand(id) } }, t("expand")) : null,
    h("button", { type: "button", class: "focus", on: { click: () => actions.focus(id) } }, t("focus_here")),
    h("a", { class: "linked-data", href: linkedDataHref(id), target: "_blank", rel: "noopener" }, t("linked_data")));
}

function heading(ref, type, close) {
  return [
    h("div", { class: "details-head" }, typeBadge(type),
      h("button", { type: "button", class: "close", "aria-label": t("close"), title: t("close"), on: { click: close } }, "×")),
    h("h2", { lang: lang() === "zh" || !ref.name_en ? "zh-Hans" : "en" }, nameOf(ref)),
    otherName(ref) ? h("p", { class: "other-name", lang: lang() === "zh" ? "en" : "zh-Hans" }, otherName(ref)) : null,
  ];
}

async function typedDetails(node) {
  const path = TYPED[node.type];
  return path ? getJSON(path + encodeId(node.id)) : null;
}

/** Groups served, one block per sentence: a sentence often names several groups, and is shown once. */
function servesBlocks(links, actions) {
  const sentences = new Map();
  const unquoted = [];
  for (const link of links) {
    if (!link.evidence.length) unquoted.push(link);
    for (const evidence of link.evidence) {
      const key = `${evidence.document?.id}|${evidence.char_start}|${evidence.quote}`;
      if (!sentences.has(key)) sentences.set(key, { evidence, links: [] });
      sentences.get(key).links.push(link);
    }
  }
  const named = (group) => group.flatMap((link, i) => [i ? "、" : "", refLink(link.concept, actions),
    link.matched_words.some((word) => word !== link.concept.name_zh)
      ? h("span", { class: "matched" }, ` (${t("matched_words")}: ${link.matched_words.join("、")})`) : null]);
  return [
    [...sentences.values()].map(({ evidence, links: group }) => h("div", { class: "serves" },
      h("p", { class: "served" }, named(group)), evidenceBlock(evidence, actions))),
    unquoted.length ? h("p", { class: "served" }, named(unquoted)) : null,
  ];
}

// The programmes listed in the panel of a group (with its narrower groups) or of a body, and how they are asked for.
const PROGRAMME_FILTER = { TargetGroup: ["group", "group_programmes"], Body: ["body", "body_programmes"] };
const LISTED = 30;

/** The programmes that serve a group (or a narrower one) or that a body leads or works on, with their plans. */
async function programmesOf(entity, actions) {
  const [parameter, words] = PROGRAMME_FILTER[entity.type];
  const page = await getJSON(`/api/programmes?${parameter}=${encodeURIComponent(entity.id)}&limit=${LISTED}`);
  if (!page.total) return [];
  return [
    h("h3", {}, t(words, { n: page.total })),
    h("ul", { class: "programmes-of" }, page.items.map((p) => h("li", {}, shapeIcon("Programme", 12),
      refLink(p, actions), p.plan ? h("span", { class: "muted" }, ` · ${nameOf(p.plan)}`) : null))),
    entity.type === "TargetGroup" && page.total > page.items.length
      ? h("p", {}, h("a", { href: actions.hrefForState({ view: "group", focus: entity.id }),
        on: { click: (event) => { event.preventDefault(); actions.go({ view: "group", focus: entity.id }); } } },
      t("all_in_group_view"))) : null,
  ];
}

/** A plan's outline as a tree that opens part by part: chapters, then their sections, boxes and tables. */
function outlineTree(parts, actions) {
  const item = (part) => {
    const label = [part.marker ? h("span", { class: "marker" }, `${part.marker} `) : null, refLink(part, actions)];
    return h("li", {}, part.children.length
      ? h("details", {}, h("summary", {}, label), h("ul", {}, part.children.map(item)))
      : label);
  };
  return h("ul", { class: "outline-tree" }, parts.map(item));
}

/** The details of a node: type, names, the typed facts (values, plan, cascade), its evidence, whom it serves. */
export async function renderNode(container, node, actions) {
  const [entity, typed] = await Promise.all([getJSON(`/api/entities/${encodeId(node.id)}`), typedDetails(node)]);
  const body = [...heading(entity, entity.type, actions.close)];
  const names = new Set([entity.name_zh, entity.name_en]);
  const alt = (entity.alt_labels || []).filter((label) => !names.has(label));
  if (alt.length) body.push(facts([[t("alt_labels"), alt]]));
  body.push(actionsBar(entity.id, actions));
  const skip = new Set();
  let after = [];
  if (entity.type === "Indicator" && typed) {
    for (const role of VALUE_ROLES) for (const part of ["text", "value", "comparator", "year"]) skip.add(`${role}_${part}`);
    body.push(valuesTable(typed));
    body.push(facts([[t("plan"), refLink(typed.plan, actions)], [t("attribute"), attributeName(typed.attribute)]]));
  } else if (entity.type === "Programme" && typed) {
    body.push(facts([[t("plan"), refLink(typed.plan, actions)], [t("kind"), typed.kind],
      [t("domains"), typed.domains.map((d) => refLink(d.concept, actions))],
      [t("aligned_with"), alignedList(typed, entity.id, actions)]]));
    if (typed.serves.length) after = [h("h3", {}, t("serves")), servesBlocks(typed.serves, actions)];
  } else if ((entity.type === "Plan" || entity.type === "Article") && typed) {
    if (typed.english_title_by_rule) body.push(h("p", { class: "muted by-rule" }, t("english_by_rule")));
    body.push(facts([[t("level"), levelName(typed.level)],
      [t("document"), typed.in_corpus ? t("in_corpus") : t("cited_only")],
      [t("issued"), typed.issued], [relationName("JURISDICTION"), typed.jurisdiction.map((a) => refLink(a, actions))],
      [relationName("ISSUER"), typed.issuers.map((b) => refLink(b, actions))],
      [relationName("BASED_ON"), typed.based_on.map((p) => refLink(p, actions))],
      [`← ${relationName("BASED_ON")}`, typed.based_on_by.map((p) => refLink(p, actions))]]));
  }
  if ((entity.type === "Plan" || entity.type === "Article") && typed && typed.outline.length) {
    after = [h("h3", {}, t("outline")), outlineTree(typed.outline, actions)];
  } else if (PROGRAMME_FILTER[entity.type]) {
    after = await programmesOf(entity, actions);
  }
  body.push(h("h3", {}, t("evidence")));
  body.push(entity.evidence ? evidenceBlock(entity.evidence, actions) : h("p", { class: "muted" }, t("evidence_none")));
  body.push(...after);
  body.push(propertiesList(entity.properties, skip));
  container.replaceChildren(...body.flat(Infinity).filter(Boolean));
  container.dataset.subject = entity.id;
}

/** The details of an edge (or of the edges a folded group stands for): relation, ends, and its sentences. */
export function renderEdges(container, edges, nodeRef, actions) {
  const body = [h("div", { class: "details-head" }, h("span", { class: "type-badge" }, t("relation")),
    h("button", { type: "button", class: "close", "aria-label": t("close"), title: t("close"), on: { click: actions.close } }, "×"))];
  for (const edge of edges.slice(0, 20)) {
    body.push(h("h2", {}, relationName(edge.type)));
    body.push(facts([[t("from_node"), refLink(nodeRef(edge.from), actions)], [t("to_node"), refLink(nodeRef(edge.to), actions)],
      [t("matched_words"), edge.matched_words], [t("alignment"), edge.method ? `${edge.method} (${edge.score})` : null]]));
    body.push(h("h3", {}, t("evidence")));
    const evidence = edge.evidence || [];
    body.push(evidence.length ? evidence.map((e) => evidenceBlock(e, actions)) : h("p", { class: "muted" }, t("evidence_none")));
  }
  container.replaceChildren(...body.flat().filter(Boolean));
  container.dataset.subject = edges.length ? edges[0].id : "";
}

/** A passage of a plan read in context: its paragraph (the passage marked), where it is, what it names. */
export function renderPassage(container, passage, words, actions) {
  const paragraph = h("div", { class: "passage-context", lang: "zh-Hans" }, passage.context.map((p) =>
    h(p.iri === passage.iri ? "mark" : "span", { class: [p.iri === passage.iri ? "chosen" : "", `kind-${p.kind}`].join(" ").trim(), "data-id": p.id },
      p.iri === passage.iri && words ? marked(p.text, passage.marks) : p.text)));
  const mentioned = new Map(passage.context.flatMap((p) => p.mentions).map((m) => [m.id, m]));
  container.replaceChildren(...[
    h("div", { class: "details-head" }, h("span", { class: "type-badge" }, t("passage")),
      h("button", { type: "button", class: "close", "aria-label": t("close"), title: t("close"), on: { click: actions.close } }, "×")),
    h("p", { class: "passage-place" }, placeLinks(passage.document, passage.path, null, actions)),
    paragraph,
    h("p", { class: "span" }, `${t("chars")} ${passage.char_start}–${passage.char_end}`),
    mentioned.size ? h("h3", {}, t("mentions")) : null,
    mentioned.size ? h("ul", { class: "mentions" }, [...mentioned.values()].map((m) =>
      h("li", {}, shapeIcon(m.type, 12), refLink(m, actions)))) : null,
  ].filter(Boolean));
  container.dataset.subject = passage.id;
}

/** The details of a folded group: its class, how many, and the button that opens it. */
export function renderGroup(container, cluster, actions, nodeRef = null) {
  const members = nodeRef ? cluster.members.map(nodeRef)
    .sort((a, b) => nameOf(a).localeCompare(nameOf(b), "zh-Hans-CN")) : [];
  container.replaceChildren(...[
    h("div", { class: "details-head" }, typeBadge(cluster.type),
      h("button", { type: "button", class: "close", "aria-label": t("close"), title: t("close"), on: { click: actions.close } }, "×")),
    h("h2", {}, cluster[`label_${lang()}`]),
    h("p", { class: "muted" }, t("clusters_hint")),
    h("div", { class: "actions" }, h("button", { type: "button", class: "expand", on: { click: () => actions.openGroup(cluster.id) } }, t("expand"))),
    members.length ? h("ul", { class: "group-members" }, members.map((m) => h("li", {}, refLink(m, actions)))) : null,
  ].filter(Boolean));
  container.dataset.subject = cluster.id;
}

// -- what each view lists beside the graph ------------------------------------------------------------

function overviewSide(answer, actions) {
  const examples = config.strings.example_links || [];
  return [
    h("p", { class: "welcome" }, t("welcome")),
    h("h2", {}, t("examples")),
    h("ul", { class: "examples" }, examples.map((example) => h("li", {}, h("a", {
      href: actions.hrefForState(example.state), on: { click: (event) => { event.preventDefault(); actions.go(example.state); } },
    }, example[lang()])))),
    h("h2", {}, t("overview")),
    h("ul", { class: "plans" }, (answer.side.plans || []).map((plan) => h("li", {},
      refLink(plan, actions), " ", h("span", { class: "muted" }, plan.in_corpus ? levelName(plan.level) : t("cited_only"))))),
  ];
}

function groupSide(answer, actions) {
  const side = answer.side;
  return [
    h("h2", { class: "view-title" }, t("group_found", { n: side.programmes.length, group: nameOf(side.group), narrower: side.narrower })),
    h("ol", { class: "programmes" }, side.programmes.map((programme) => h("li", { "data-id": programme.id },
      h("p", { class: "name" }, refLink(programme, actions)),
      h("p", { class: "muted" }, nameOf(programme.plan)),
      h("p", { class: "matched-groups" }, `${t("group_matched")}: `, programme.matched_groups.flatMap((m, i) => [i ? "、" : "",
        refLink(m.group, actions), m.matched_words.length ? ` (${m.matched_words.join("、")})` : ""])),
      distinct(programme.serves.flatMap((link) => link.evidence)).slice(0, 3).map((e) => evidenceBlock(e, actions))))),
  ];
}

/** The sentences once each (one sentence often names several groups). */
function distinct(evidence) {
  const seen = new Set();
  return evidence.filter((e) => {
    const key = `${e.document?.id}|${e.char_start}|${e.quote}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueCell(row, role) {
  const value = row[role];
  if (!value) return "—";
  const year = role === "target" || !value.year ? "" : ` (${value.year})`;
  return `${value.text ?? ""}${year}`;
}

// -- charts (Chart.js, vendored: visual/static/chart.umd.min.js) -------------------------------------------

const charts = []; // the Chart instances drawn in the side, destroyed when it is drawn again
const CHART_ROLES = ["baseline", "target", "actual"];
const CHART_COLOURS = { baseline: "#9aa5b1", target: "#1f77b4", actual: "#2ca02c" };

/** The numbers a chart of aligned indicators shows: one bar per plan (national first) and value role. */
export function chartData(group) {
  const rows = group.rows.filter((row) => CHART_ROLES.some((role) => typeof row[role]?.value === "number"));
  return {
    labels: rows.map((row) => nameOf(row.plan)),
    datasets: CHART_ROLES.filter((role) => rows.some((row) => typeof row[role]?.value === "number"))
      .map((role) => ({ label: t(role), role, backgroundColor: CHART_COLOURS[role],
        data: rows.map((row) => (typeof row[role]?.value === "number" ? row[role].value : null)) })),
  };
}

/** A bar chart of one group's baselines, targets and actual values across plans; null without numbers. */
function indicatorChart(group) {
  const data = chartData(group);
  if (!data.labels.length || typeof Chart === "undefined") return null;
  const canvas = h("canvas", { role: "img", "aria-label": `${group.name_zh}: ${data.datasets.map((d) => d.label).join(", ")}` });
  requestAnimationFrame(() => {
    if (!canvas.isConnected) return;
    charts.push(new Chart(canvas, {
      type: "bar", data,
      options: { animation: false, maintainAspectRatio: false, responsive: true,
        plugins: { legend: { position: "bottom" } },
        scales: { x: { ticks: { callback(value) { const label = this.getLabelForValue(value); return label.length > 10 ? `${label.slice(0, 9)}…` : label; } } } } },
    }));
  });
  return h("div", { class: "chart" }, canvas);
}

/** Every chart drawn now, as data (for tests): labels and each dataset's role and numbers. */
export function drawnCharts() {
  return charts.filter((c) => c.canvas?.isConnected).map((c) => ({
    labels: c.data.labels, datasets: c.data.datasets.map((d) => ({ role: d.role, data: d.data })) }));
}

function compareSide(answer, actions) {
  const groups = answer.side.groups || [];
  if (!groups.length) return [h("p", { class: "muted" }, t("compare_none"))];
  const csv = `/api/indicators/compare?q=${encodeURIComponent(answer.side.q)}&format=csv`;
  return [h("h2", { class: "view-title" }, t("compare_found", { n: groups.length })),
    h("p", {}, h("a", { class: "csv", href: csv, download: "" }, t("download_csv"))), groups.map((group) => {
    const first = group.rows[0];
    return h("section", { class: "compare-group" },
      h("h3", {}, group.name_zh, " ", h("span", { class: "muted" }, t("compare_plans", { n: group.plans }))),
      indicatorChart(group),
      h("div", { class: "table-wrap" }, h("table", { class: "compare" },
        h("thead", {}, h("tr", {}, ["plan", "level", "indicator", "baseline", "target", "unit", "year", "attribute", "alignment"]
          .map((key) => h("th", { scope: "col" }, t(key))))),
        h("tbody", {}, group.rows.map((row) => {
          const link = row.id === first.id ? null : (row.alignments.find((a) => a.indicator.id === first.id) || row.alignments[0]);
          return h("tr", { "data-id": row.id },
            h("td", {}, refLink(row.plan, actions)), h("td", {}, levelName(row.level)),
            h("td", {}, refLink(row, actions)), h("td", { class: "num" }, valueCell(row, "baseline")),
            h("td", { class: "num" }, valueCell(row, "target")), h("td", {}, row.unit || ""),
            h("td", {}, row.target?.year || ""), h("td", {}, attributeName(row.attribute)),
            h("td", {}, link ? `${link.method} ${Number(link.score).toFixed(2)}` : "—"));
        })))));
  })];
}

// How a cell of the coverage matrix reads: the symbol and the words of its tooltip.
const COVERAGE_MARK = { "same-name": "＝", "same-name-normalised": "＝", synonym: "≈", "similar-name": "≈" };
const COVERAGE_ROWS = 150;

/** The coverage matrix: the plan's programmes and indicators (most taken up first) against the plans below it. */
function coverageMatrix(matrix, actions) {
  if (!matrix || !matrix.plans.length || !matrix.rows.length) return null;
  const rows = [...matrix.rows].sort((a, b) => b.taken_up_by - a.taken_up_by);
  const shown = rows.slice(0, COVERAGE_ROWS);
  const cell = (row, plan) => (row.cells[plan.iri] || []).map((c) => h("a", {
    class: `taken ${c.target_changed ? "changed" : ""}`.trim(), href: actions.hrefFor(c.entity.id), "data-id": c.entity.id,
    title: `${nameOf(c.entity)} · ${t(`how_${c.how}`)}${c.target_changed ? ` · ${t("target_changed")}: ${c.target?.text ?? ""}` : ""}`,
    on: { click: (event) => { event.preventDefault(); actions.show(c.entity); } },
  }, (COVERAGE_MARK[c.how] || "•") + (c.target_changed ? "▲" : "")));
  return [
    h("h2", {}, t("coverage_title", { n: matrix.rows.length })),
    h("p", { class: "muted" }, t("coverage_legend"), " ",
      h("a", { class: "csv", href: `/api/plans/${encodeId(matrix.plan.id)}/coverage?format=csv`, download: "" }, t("download_csv"))),
    h("div", { class: "table-wrap" }, h("table", { class: "coverage" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("coverage_row")),
        matrix.plans.map((plan) => h("th", { scope: "col", title: nameOf(plan) }, nameOf(plan).slice(0, 8))))),
      h("tbody", {}, shown.map((row) => h("tr", { "data-id": row.entity.id, "data-kind": row.kind },
        h("th", { scope: "row" }, shapeIcon(row.kind, 11), refLink(row.entity, actions)),
        matrix.plans.map((plan) => h("td", {}, cell(row, plan)))))))),
    rows.length > shown.length ? h("p", { class: "muted" }, t("coverage_more", { shown: shown.length, n: rows.length })) : null,
  ];
}

function cascadeSide(answer, actions) {
  const side = answer.side;
  const plans = side.plans.filter((p) => p.in_corpus);
  const top = [h("h2", { class: "view-title" }, t("cascade_plans")),
    h("ol", { class: "cascade" }, side.plans.map((plan) => h("li", { class: `level-${plan.level || "cited"}` },
      refLink(plan, actions), " ", h("span", { class: "muted" }, plan.in_corpus ? levelName(plan.level) : t("cited_only")))))];
  if (side.plans.length < 2) top.push(h("p", { class: "muted" }, t("cascade_none")));
  top.push(coverageMatrix(side.coverage, actions));
  if (!side.rows.length) return top;
  return [...top, h("h2", {}, t("cascade_rows", { n: side.rows.length })),
    h("div", { class: "table-wrap" }, h("table", { class: "cascade-table" },
      h("thead", {}, h("tr", {}, plans.map((plan) => h("th", { scope: "col" }, nameOf(plan), h("br"),
        h("span", { class: "muted" }, levelName(plan.level)))))),
      h("tbody", {}, side.rows.map((row) => h("tr", {}, plans.map((plan) => h("td", {},
        row.cells.filter((cell) => cell.plan.id === plan.id).map((cell) => h("div", { class: "cell", "data-id": cell.id },
          refLink(cell, actions), h("br"),
          h("span", { class: "num" }, `${t("target")}: ${valueText(cell.target, cell.unit)}`,
            cell.target?.year ? ` (${cell.target.year})` : ""))))))))))];
}

export function renderSide(container, view, answer, actions) {
  charts.splice(0).forEach((chart) => chart.destroy());
  let body = [];
  if (answer) {
    if (view === "group") body = groupSide(answer, actions);
    else if (view === "compare") body = compareSide(answer, actions);
    else if (view === "cascade") body = cascadeSide(answer, actions);
    else if (view === "overview") body = overviewSide(answer, actions);
  }
  container.replaceChildren(...body.flat(Infinity).filter(Boolean));
}
