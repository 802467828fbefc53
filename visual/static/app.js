// The page: its state (held in the URL, so a view can be shared), the controls, and the order of drawing.
//
// State → URL: ?view=neighbours|group|cascade|compare &focus=<id> &depth=1..3 &types=A,B &lang=zh|en &q=…
//              &expand=<id> (repeated, in order) &open=<group id> (repeated) &sel=<id> &cluster=<n>
// Loading a URL replays it: the view's graph, then each expansion, then the groups the user opened, then
// the selection. window.policykg tells tests and bench/page_timing.py when the drawing has settled.

import { config, encodeId, getJSON, h, lang, nameOf, setLang, shapeIcon, className, levelName, t } from "./dom.js";
import { GraphView } from "./graph.js";
import { drawnCharts, renderEdges, renderGroup, renderNode, renderPassage, renderSide } from "./panel.js";
import { SearchBox } from "./search.js";

const VIEWS = ["neighbours", "group", "cascade", "compare"];
const $ = (id) => document.getElementById(id);

// -- state and URL ------------------------------------------------------------------------------------

function readURL() {
  const params = new URLSearchParams(location.search);
  const depth = Number(params.get("depth"));
  const cluster = params.get("cluster");
  return {
    view: VIEWS.includes(params.get("view")) ? params.get("view") : "neighbours",
    focus: params.get("focus") || null,
    depth: [1, 2, 3].includes(depth) ? depth : 1,
    types: (params.get("types") || "").split(",").filter((type) => type in config.types),
    lang: params.get("lang") === "en" ? "en" : "zh",
    q: params.get("q") || "",
    expand: params.getAll("expand"),
    open: params.getAll("open"),
    sel: params.get("sel") || null,
    cluster: cluster !== null && /^\d+$/.test(cluster) ? Number(cluster) : null,
  };
}

function urlOf(s) {
  const params = new URLSearchParams();
  if (s.view && s.view !== "neighbours") params.set("view", s.view);
  if (s.focus) params.set("focus", s.focus);
  if ((s.view || "neighbours") === "neighbours" && s.depth && s.depth !== 1) params.set("depth", String(s.depth));
  if ((s.view || "neighbours") === "neighbours" && s.types?.length) params.set("types", s.types.join(","));
  if (s.view === "compare" && s.q) params.set("q", s.q);
  if ((s.lang ?? state.lang) !== "zh") params.set("lang", s.lang ?? state.lang);
  for (const id of s.expand || []) params.append("expand", id);
  for (const id of s.open || []) params.append("open", id);
  if (s.sel) params.set("sel", s.sel);
  if (s.cluster !== null && s.cluster !== undefined) params.set("cluster", String(s.cluster));
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

let state = readURL();
setLang(state.lang);

function pushURL() {
  history.pushState(null, "", urlOf(state));
}

function replaceURL() {
  history.replaceState(null, "", urlOf(state));
}

// -- what tests and the timing bench read ---------------------------------------------------------------

let markReady;
const api = {
  settled: false,
  generation: 0,
  ready: new Promise((resolve) => { markReady = resolve; }),
  timings: { firstSettled: null, loads: [] },
  error: null,
  state: () => JSON.parse(JSON.stringify(state)),
  visible: () => graph.visible(),
  labels: () => Object.fromEntries(graph.visible().nodes.map((id) => [id, graph.nodes.get(id).label])),
  groups: () => [...graph.clusters.values()].filter((c) => graph.isCluster(c.id))
    .map((c) => ({ id: c.id, type: c.type, count: c.members.length })),
  domPosition: (id) => graph.domPosition(id),
  centreOn: (id) => graph.network.focus(id, { scale: Math.max(graph.network.getScale(), 0.6), animation: false }),
  nodeTypes: () => Object.fromEntries(graph.nodes.get({ fields: ["id", "type"] }).map((n) => [n.id, n.type])),
  edgeList: () => graph.edges.get({ fields: ["from", "to", "type"] }),
  counts: () => drawnCounts(),
  physicsRunning: () => graph.network.physics.physicsEnabled && !graph.network.physics.stabilized,
  t: (key, vars) => t(key, vars),
  labelOverlaps: () => graph.labelOverlaps(),
  charts: () => drawnCharts(),
  hiddenLabels: () => [...(graph.hiddenLabels || [])],
};
window.policykg = api;

function drawnCounts() {
  const visible = graph.visible();
  return { nodes: graph.nodes.length, edges: graph.edges.length, visibleNodes: visible.nodes.length,
    groups: visible.groups.length };
}

function busy() {
  api.settled = false;
  api.generation += 1;
  setStatus(t("loading"));
  return api.generation;
}

function settled(generation, record) {
  if (generation !== api.generation) return;
  api.settled = true;
  const now = performance.now();
  if (api.timings.firstSettled === null) {
    api.timings.firstSettled = now;
    markReady(api.timings);
  }
  api.timings.loads.push({ ...record, settledAt: now });
  renderLegend();
  renderStatus();
}

// -- the drawing --------------------------------------------------------------------------------------

const graph = new GraphView($("graph"), {
  node: (id) => select(id),
  edge: (edges) => showEdges(edges),
  group: (id, cluster) => showGroup(cluster),
  none: () => closeDetails(),
  expand: (id) => expand(id),
  openGroup: (id) => openGroup(id),
});

let current = null; // the view's answer (its side list and table)

function viewPath(s) {
  const cluster = s.cluster !== null ? `cluster=${s.cluster}` : "";
  const join = (...parts) => parts.filter(Boolean).join("&");
  if (s.view === "group" && s.focus) return `/visual/api/group/${encodeId(s.focus)}?${cluster}`;
  if (s.view === "cascade" && s.focus) return `/visual/api/cascade/${encodeId(s.focus)}?${cluster}`;
  if (s.view === "compare") return s.q ? `/visual/api/compare?${join(`q=${encodeURIComponent(s.q)}`, cluster)}` : null;
  if (s.view === "neighbours" && s.focus) return neighbourhoodPath(s.focus, s.depth);
  if (s.view === "neighbours") return `/visual/api/overview?${cluster}`;
  return null;
}

function neighbourhoodPath(id, depth) {
  const parts = [`depth=${depth}`];
  if (state.view === "neighbours" && state.types.length) parts.push(`types=${state.types.join(",")}`);
  if (state.cluster !== null) parts.push(`cluster=${state.cluster}`);
  return `/visual/api/neighbourhood/${encodeId(id)}?${parts.join("&")}`;
}

/** Draw the state from scratch: the view, its expansions and opened groups, then the selection. */
async function load() {
  const generation = busy();
  const started = performance.now();
  syncControls();
  try {
    await ensureDefaults();
    const path = viewPath(state);
    const answer = path ? await getJSON(path) : null;
    if (generation !== api.generation) return;
    const fetched = performance.now();
    current = answer ? { ...answer, view: state.view === "neighbours" && !state.focus ? "overview" : state.view } : null;
    graph.draw(answer || { nodes: [], edges: [], clusters: [] }, { opened: state.open });
    for (const id of state.expand) {
      if (!graph.nodes.get(id)) continue;
      openGroupOf(id);
      const more = await getJSON(neighbourhoodPath(id, 1));
      if (generation !== api.generation) return;
      graph.merge(more, id, { opened: state.open });
    }
    for (const id of state.open) graph.openCluster(id);
    renderSide($("side"), current?.view, current, actions);
    renderLegend();
    const drawn = performance.now();
    await graph.settle({ fit: true });
    if (generation !== api.generation) return;
    if (state.sel) await showSelection(state.sel);
    else if (state.view === "neighbours" && state.focus && graph.nodes.get(state.focus)) showNode(graph.nodes.get(state.focus));
    settled(generation, { view: state.view, focus: state.focus, fetchMs: fetched - started, drawMs: drawn - fetched,
      settleMs: performance.now() - drawn, totalMs: performance.now() - started, ...drawnCounts() });
  } catch (error) {
    fail(error, generation);
  }
}

function fail(error, generation) {
  api.error = String(error.message || error);
  setStatus(t("failed") + api.error);
  api.settled = generation === api.generation;
}

function openGroupOf(id) {
  const group = graph.clusterOf(id);
  if (group && graph.openCluster(group) && !state.open.includes(group)) state.open.push(group);
}

/** Add a node's neighbours to the drawing (double-click, or the panel's button). */
async function expand(id) {
  const generation = busy();
  const started = performance.now();
  try {
    openGroupOf(id);
    if (!state.expand.includes(id)) state.expand.push(id);
    state.sel = id;
    pushURL();
    const hold = graph.visible().nodes;
    const answer = await getJSON(neighbourhoodPath(id, 1));
    if (generation !== api.generation) return;
    const added = graph.merge(answer, id, { opened: state.open });
    renderLegend();
    await graph.settleAfterMerge(hold);
    graph.select(id);
    settled(generation, { action: "expand", id, added, totalMs: performance.now() - started });
  } catch (error) {
    fail(error, generation);
  }
}

async function openGroup(id) {
  const generation = busy();
  if (graph.openCluster(id) && !state.open.includes(id)) state.open.push(id);
  replaceURL();
  closeDetails();
  await graph.settleAfterMerge(graph.visible().nodes.filter((n) => !(graph.clusters.get(id)?.members || []).includes(n)));
  settled(generation, { action: "open", id });
}

// -- details -----------------------------------------------------------------------------------------

const details = () => $("details");
let detailsToken = 0;

async function showSelection(id) {
  const node = graph.nodes.get(id);
  if (node) {
    graph.select(id);
    await showNode(node);
  } else {
    const entity = await getJSON(`/api/entities/${encodeId(id)}`).catch(() => null);
    if (entity) await showNode(entity);
  }
}

async function select(id) {
  state.sel = id;
  replaceURL();
  await showNode(graph.nodes.get(id));
}

/** Fill the details panel with what ``render`` draws into a scratch element (a later click wins). */
async function fillDetails(render) {
  const token = ++detailsToken;
  const box = details();
  box.hidden = false;
  box.setAttribute("aria-busy", "true");
  try {
    const scratch = h("div");
    await render(scratch);
    if (token !== detailsToken) return;
    box.replaceChildren(...scratch.childNodes);
    box.dataset.subject = scratch.dataset.subject || "";
    box.dataset.type = scratch.dataset.type || "";
  } catch (error) {
    if (token === detailsToken) box.replaceChildren(h("p", { class: "error" }, t("failed") + error.message));
  } finally {
    box.removeAttribute("aria-busy");
  }
}

async function showNode(node) {
  await fillDetails(async (scratch) => {
    await renderNode(scratch, node, actions);
    scratch.dataset.subject = node.id;
    scratch.dataset.type = node.type || "";
  });
}

function nodeRef(id) {
  const node = graph.nodes.get(id);
  return node ? { id, type: node.type, name_zh: node.name_zh, name_en: node.name_en } : { id, name_zh: id };
}

let shownEdges = null;

async function showEdges(edges) {
  if (!edges.length) return;
  shownEdges = edges;
  detailsToken += 1;
  const token = detailsToken;
  state.sel = null;
  replaceURL();
  // A neighbourhood counts each edge's sentences; the sentences come when the edge is shown.
  await Promise.all(edges.filter((e) => e.evidence_count && !e.evidence).map(async (e) => {
    const query = new URLSearchParams({ source: e.from, type: e.type, target: e.to });
    e.evidence = await getJSON(`/api/relations?${query}`).then((r) => r.evidence || [], () => []);
  }));
  if (token !== detailsToken) return;
  details().hidden = false;
  renderEdges(details(), edges, nodeRef, actions);
}

function showGroup(cluster) {
  detailsToken += 1;
  shownEdges = null;
  state.sel = null;
  replaceURL();
  details().hidden = false;
  renderGroup(details(), cluster, actions, nodeRef);
}

function closeDetails() {
  detailsToken += 1;
  shownEdges = null;
  details().hidden = true;
  details().replaceChildren();
  delete details().dataset.subject;
  if (state.sel) {
    state.sel = null;
    replaceURL();
  }
  graph.network.unselectAll();
}

// What the panel's links and buttons do.
const actions = {
  hrefFor: (id) => urlOf({ view: "neighbours", focus: id, lang: state.lang }),
  hrefForState: (s) => urlOf({ ...s, lang: state.lang }),
  show: (ref) => {
    if (graph.nodes.get(ref.id)) {
      openGroupOf(ref.id);
      graph.select(ref.id);
      graph.focusOn(ref.id);
      select(ref.id);
    } else {
      go({ view: "neighbours", focus: ref.id, sel: ref.id });
    }
  },
  go: (s) => go(s),
  expand: (id) => expand(id),
  focus: (id) => go({ view: "neighbours", focus: id, depth: state.depth, types: state.types, sel: id }),
  openGroup: (id) => openGroup(id),
  close: () => closeDetails(),
};

/** Move to another state (a new history entry) and draw it. */
function go(next) {
  state = { view: "neighbours", focus: null, depth: 1, types: [], q: "", expand: [], open: [], sel: null,
    cluster: state.cluster, lang: state.lang, ...next };
  pushURL();
  closeDetailsQuietly();
  load();
}

function closeDetailsQuietly() {
  detailsToken += 1;
  shownEdges = null;
  details().hidden = true;
  details().replaceChildren();
}

// -- controls ------------------------------------------------------------------------------------------

let groups = [];
let plans = [];
let pickers = null;
const defaults = { group: null, cascade: null };

/** The group and plan pickers' contents, and the default group and plan of their views. */
function loadPickers() {
  pickers ??= Promise.all([getJSON("/api/groups"), getJSON("/api/plans?limit=500")]).then(([g, p]) => {
    groups = g;
    plans = p.items;
    defaults.group = biggestGroup(groups);
    defaults.cascade = plans.find((plan) => plan.level === "national")?.id || plans[0]?.id || null;
    fillPickers();
  });
  return pickers;
}

/** A view that needs a focus and has none gets the default one (waiting for the pickers only then). */
async function ensureDefaults() {
  const needed = (state.view === "group" || state.view === "cascade") && !state.focus;
  if (!needed) {
    loadPickers().catch((error) => setStatus(t("failed") + error.message));
    return;
  }
  await loadPickers();
  state.focus = defaults[state.view];
  replaceURL();
  syncControls();
}

/** The group whose tree (itself and every narrower group) is served by the most programmes. */
function biggestGroup(all) {
  const byId = new Map(all.map((g) => [g.id, g]));
  const total = (id, seen = new Set()) => {
    if (seen.has(id)) return 0;
    seen.add(id);
    const group = byId.get(id);
    return (group?.programmes || 0) + (group?.narrower || []).reduce((sum, n) => sum + total(n, seen), 0);
  };
  return all.filter((g) => !g.broader.length).sort((a, b) => total(b.id) - total(a.id))[0]?.id ?? null;
}

function fillPickers() {
  const groupSelect = $("group-select");
  const byId = new Map(groups.map((g) => [g.id, g]));
  const options = [];
  const walk = (group, depth, seen) => {
    if (seen.has(group.id)) return;
    options.push(h("option", { value: group.id }, `${"\u3000".repeat(depth)}${nameOf(group)}${group.programmes ? ` (${group.programmes})` : ""}`));
    for (const id of group.narrower) if (byId.has(id)) walk(byId.get(id), depth + 1, new Set([...seen, group.id]));
  };
  groups.filter((g) => !g.broader.length).sort((a, b) => nameOf(a).localeCompare(nameOf(b), lang()))
    .forEach((g) => walk(g, 0, new Set()));
  groupSelect.replaceChildren(...options);
  const planSelect = $("plan-select");
  planSelect.replaceChildren(...plans.map((plan) => h("option", { value: plan.id },
    `${nameOf(plan)} — ${plan.in_corpus ? levelName(plan.level) : t("cited_only")}`)));
  syncControls();
}

function syncControls() {
  document.body.className = `view-${state.view}`;
  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === state.view));
    tab.tabIndex = tab.dataset.view === state.view ? 0 : -1;
  }
  for (const box of document.querySelectorAll(".controls")) box.hidden = box.dataset.for !== state.view;
  $("depth").value = String(state.depth);
  if (state.view === "group" && state.focus) $("group-select").value = state.focus;
  if (state.view === "cascade" && state.focus) $("plan-select").value = state.focus;
  $("compare-input").value = state.q;
  for (const box of document.querySelectorAll("#types-list input")) {
    box.checked = !state.types.length || state.types.includes(box.value);
  }
  $("types-count").textContent = state.types.length ? `(${state.types.length})` : "";
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
  }
}

function typeOrder(type) {
  const order = config.styles.order;
  return order.includes(type) ? order.indexOf(type) : order.length;
}

function buildTypeFilter() {
  const list = $("types-list");
  const types = Object.keys(config.types).sort((a, b) => typeOrder(a) - typeOrder(b));
  list.replaceChildren(list.querySelector("legend"), ...types.map((type) => h("label", { class: "type-option" },
    h("input", { type: "checkbox", value: type, on: { change: onTypesChanged } }), shapeIcon(type, 14),
    h("span", { "data-class": type }, className(type)), h("span", { class: "muted" }, ` ${config.types[type]}`))));
}

function onTypesChanged() {
  const boxes = [...document.querySelectorAll("#types-list input")];
  const checked = boxes.filter((b) => b.checked).map((b) => b.value);
  if (!checked.length) {
    setStatus(t("types"));
    return;
  }
  state.types = checked.length === boxes.length ? [] : checked;
  state.expand = [];
  state.open = [];
  replaceURL();
  load();
}

function renderLegend() {
  const counts = new Map();
  for (const node of graph.nodes.get({ fields: ["type"] })) counts.set(node.type, (counts.get(node.type) || 0) + 1);
  const list = $("legend-list");
  if (!counts.size) {
    list.replaceChildren(h("li", { class: "muted" }, t("legend_empty")));
    return;
  }
  list.replaceChildren(...[...counts.keys()].sort((a, b) => typeOrder(a) - typeOrder(b)).map((type) => h("li",
    { "data-type": type }, shapeIcon(type, 16), h("span", { class: "legend-name" }, className(type)),
    h("span", { class: "legend-count" }, String(counts.get(type))))));
}

function setStatus(text) {
  $("status").textContent = text;
}

function renderStatus() {
  const visible = graph.visible();
  const parts = [t("drawn", { nodes: graph.nodes.length, edges: graph.edges.length })];
  if (current?.truncated) parts.push(t("truncated"));
  if (visible.groups.length) {
    parts.push(t("folded", { groups: visible.groups.length, nodes: graph.nodes.length - visible.nodes.length }));
  }
  setStatus(parts.join(""));
}

function applyStrings() {
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll("[data-i18n-placeholder]")) element.placeholder = t(element.dataset.i18nPlaceholder);
  for (const element of document.querySelectorAll("[data-i18n-aria-label]")) element.setAttribute("aria-label", t(element.dataset.i18nAriaLabel));
  $("graph").setAttribute("aria-label", t("title"));
  document.title = `${t("title")} — policykg`;
}

function switchLanguage(value) {
  if (value === state.lang) return;
  state.lang = value;
  setLang(value);
  replaceURL();
  applyStrings();
  graph.setLanguage(value);
  buildTypeFilter();
  if (groups.length) fillPickers();
  syncControls();
  renderLegend();
  if (api.settled) renderStatus();
  renderSide($("side"), current?.view, current, actions);
  search.refresh();
  const subject = details().dataset.subject;
  if (!details().hidden && shownEdges) renderEdges(details(), shownEdges, nodeRef, actions);
  else if (!details().hidden && subject && graph.clusters.has(subject)) renderGroup(details(), graph.clusters.get(subject), actions);
  else if (!details().hidden && subject) showNode(graph.nodes.get(subject) || { id: subject, type: details().dataset.type });
}

function switchView(view) {
  if (view === state.view) return;
  const compatible = { group: "TargetGroup", cascade: "Plan" }[view];
  const focusType = state.focus ? graph.nodes.get(state.focus)?.type : null;
  const focus = view === "neighbours" ? (current?.focus && current.view !== "overview" ? state.focus : null)
    : compatible && focusType === compatible ? state.focus : null;
  go({ view, focus, q: view === "compare" ? state.q : "" });
  if (view === "compare") $("compare-input").focus();
}

const search = new SearchBox($("search-input"), $("search-results"), (hit) => {
  if (hit.passage) showPassage(hit);
  else go({ view: "neighbours", focus: hit.id, depth: state.depth, types: state.types, sel: hit.id });
});

/** A sentence chosen in the search: shown in its paragraph, with its place in the plan and what it names. */
async function showPassage(hit) {
  await fillDetails(async (scratch) => {
    const passage = await getJSON(`/api/passages/${encodeId(hit.id)}`);
    renderPassage(scratch, { ...passage, marks: hit.marks }, true, actions);
    scratch.dataset.type = "Passage";
  });
}

function wire() {
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => switchLanguage(button.dataset.lang));
  }
  const tabs = [...document.querySelectorAll("[role=tab]")];
  for (const tab of tabs) {
    tab.addEventListener("click", () => switchView(tab.dataset.view));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      switchView(next.dataset.view);
    });
  }
  $("depth").addEventListener("change", (event) => {
    state.depth = Number(event.target.value);
    state.expand = [];
    state.open = [];
    replaceURL(); // a filter of the view, not a new place: Back goes to the previous focus
    load();
  });
  $("types-all").addEventListener("click", () => {
    document.querySelectorAll("#types-list input").forEach((b) => { b.checked = true; });
    onTypesChanged();
  });
  $("types-none").addEventListener("click", () => {
    document.querySelectorAll("#types-list input").forEach((b) => { b.checked = false; });
  });
  $("group-select").addEventListener("change", (event) => go({ view: "group", focus: event.target.value }));
  $("plan-select").addEventListener("change", (event) => go({ view: "cascade", focus: event.target.value }));
  $("controls-compare").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = $("compare-input").value.trim();
    if (q) go({ view: "compare", q });
  });
  $("recentre").addEventListener("click", () => {
    graph.recentre();
    if (state.sel) graph.select(state.sel);
  });
  $("home").addEventListener("click", (event) => {
    event.preventDefault();
    go({ view: "neighbours", focus: null });
  });
  window.addEventListener("popstate", () => {
    state = readURL();
    setLang(state.lang);
    applyStrings();
    buildTypeFilter();
    if (groups.length) fillPickers();
    search.refresh();
    closeDetailsQuietly();
    load();
  });
}

buildTypeFilter();
applyStrings();
wire();
load();
