// The drawing: one vis-network Network, redrawn for each view and grown by expansions.
//
// Every drawing ends the same way (settle): physics runs a bounded number of iterations, then is switched
// off, so even the national plan's neighbourhood comes to rest and the tab stays idle. Groups the server
// lists (answer.clusters: more than N neighbours of one class around one node) are folded with
// vis-network's clustering and open on double-click.

import { config, lang } from "./dom.js";

const OPTIONS = config.styles.network;
const ITERATIONS = OPTIONS.physics?.stabilization?.iterations ?? 300;
const MERGE_ITERATIONS = Math.min(150, ITERATIONS);
const MAX_ZOOM = 1.3; // a small graph fills the view, but not with giant nodes
const EDGE_LABELS_MAX = 30; // more edges drawn than this: their labels are left out (a click shows each one)
const LABEL_GAP = 2; // canvas units two labels keep between them
const HIDDEN_FONT = { color: "rgba(0,0,0,0)", strokeWidth: 0 };

/** Do two bounding boxes ({left, right, top, bottom}) overlap, with ``gap`` between them? */
function overlap(a, b, gap) {
  return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
}

/** A deterministic number in [0, 1) from a string: new nodes land at the same place on every replay. */
function jitter(text) {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.codePointAt(0), 16777619);
  return ((hash >>> 0) % 10000) / 10000;
}

export class GraphView {
  constructor(container, handlers) {
    this.handlers = handlers;
    this.nodes = new vis.DataSet();
    this.edges = new vis.DataSet();
    this.clusters = new Map(); // cluster id → the server's description (labels, members, look)
    this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges },
      { ...OPTIONS, physics: { ...OPTIONS.physics, enabled: false } });
    this.network.on("click", (params) => this.onClick(params));
    this.network.on("doubleClick", (params) => this.onDoubleClick(params));
  }

  // -- drawing -----------------------------------------------------------------------------------

  /** Replace the drawing with a view's answer (nodes, edges and the groups to fold). */
  draw(answer, { opened = [] } = {}) {
    this.network.setOptions({ physics: { enabled: false } });
    this.focus = answer.focus ?? null;
    this.selected = null;
    this.hiddenLabels = new Set();
    this.nodes = new vis.DataSet(answer.nodes.map((n) => this.prepareNode(n)));
    this.edges = new vis.DataSet(answer.edges.map((e) => this.prepareEdge(e)));
    this.clusters = new Map();
    this.network.setData({ nodes: this.nodes, edges: this.edges });
    this.fold(answer.clusters || [], null, opened);
  }

  /** Add an expansion's nodes and edges around the node expanded; fold its large groups of new nodes. */
  merge(answer, nearId, { opened = [] } = {}) {
    const known = new Set(this.nodes.getIds());
    const fresh = answer.nodes.filter((n) => !known.has(n.id));
    const centre = this.network.getPositions([nearId])[nearId] || { x: 0, y: 0 };
    const radius = 90 + 8 * Math.sqrt(fresh.length);
    fresh.forEach((node, i) => {
      const angle = (2 * Math.PI * (i + jitter(node.id))) / Math.max(fresh.length, 1);
      Object.assign(node, { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
    });
    this.nodes.add(fresh.map((n) => this.prepareNode(n)));
    const knownEdges = new Set(this.edges.getIds());
    this.edges.add(answer.edges.filter((e) => !knownEdges.has(e.id)).map((e) => this.prepareEdge(e)));
    this.fold(answer.clusters || [], new Set(fresh.map((n) => n.id)), opened);
    return fresh.length;
  }

  prepareNode(node) {
    return { ...node, label: node[`label_${lang()}`] ?? node.label, baseFixed: node.fixed ?? false };
  }

  prepareEdge(edge) {
    return { ...edge, label: edge[`label_${lang()}`] ?? edge.label };
  }

  /** Fold each listed group (only of ``onlyAmong`` nodes when given), unless the user opened it. */
  fold(clusters, onlyAmong, opened) {
    const threshold = clusters.length ? clusters[0].threshold : 0;
    for (const cluster of clusters) {
      if (opened.includes(cluster.id) || this.network.body.nodes[cluster.id]) continue;
      const members = new Set(cluster.members.filter((id) => this.nodes.get(id) && (!onlyAmong || onlyAmong.has(id))
        && this.network.clustering.findNode(id).length === 1));
      if (members.size <= (cluster.threshold ?? threshold)) continue;
      this.network.cluster({
        joinCondition: (node) => members.has(node.id),
        clusterNodeProperties: { ...cluster.node, id: cluster.id, label: cluster[`label_${lang()}`], isGroup: true },
        clusterEdgeProperties: { label: "", width: 1.5 },
      });
      this.clusters.set(cluster.id, { ...cluster, members: [...members] });
    }
  }

  /** Is this a folded group still drawn? (vis-network's isCluster logs an error for a node that is gone.) */
  isCluster(id) {
    return this.clusters.has(id) && this.network.body.nodes[id] !== undefined && this.network.isCluster(id);
  }

  /** Open a folded group: its members are laid on a ring around it, then the drawing settles again. */
  openCluster(id) {
    if (!this.isCluster(id)) return false;
    this.network.openCluster(id, {
      releaseFunction: (clusterPosition, positions) => {
        const ids = Object.keys(positions);
        const radius = 60 + 12 * Math.sqrt(ids.length);
        const placed = {};
        ids.forEach((member, i) => {
          const angle = (2 * Math.PI * i) / ids.length;
          placed[member] = { x: clusterPosition.x + radius * Math.cos(angle), y: clusterPosition.y + radius * Math.sin(angle) };
        });
        return placed;
      },
    });
    return true;
  }

  /** The group a node is folded into, if any. */
  clusterOf(id) {
    const path = this.nodes.get(id) ? this.network.clustering.findNode(id) : [];
    return path.length > 1 ? path[0] : null;
  }

  /**
   * Run physics for a bounded number of iterations, then switch it off. Nodes already placed are held still
   * while new ones find their place (``hold``), so an expansion does not reshuffle the drawing.
   */
  settle({ iterations = ITERATIONS, fit = true, hold = [] } = {}) {
    const network = this.network;
    if (this.nodes.length === 0) return Promise.resolve({ iterations: 0 });
    if (hold.length) this.nodes.update(hold.map((id) => ({ id, fixed: { x: true, y: true } })));
    return new Promise((resolve) => {
      const done = () => {
        network.off("stabilizationIterationsDone", done);
        network.setOptions({ physics: { enabled: false } });
        if (hold.length) this.nodes.update(hold.map((id) => ({ id, fixed: this.nodes.get(id)?.baseFixed ?? false })));
        if (fit) network.fit({ animation: false, maxZoomLevel: MAX_ZOOM });
        this.declutter();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve({ iterations })));
      };
      network.on("stabilizationIterationsDone", done);
      network.setOptions({ physics: { enabled: true, stabilization: { ...OPTIONS.physics.stabilization, fit: false } } });
      network.stabilize(iterations);
    });
  }

  /**
   * Keep the drawing readable: a label that would overlap one already kept is hidden (the focus, the folded
   * groups, then the most connected nodes keep theirs; a hidden one shows in its tooltip, when the node is
   * selected, and in the panel), and the edges' labels are left out when more than EDGE_LABELS_MAX are drawn.
   */
  declutter() {
    const { nodes, groups } = this.visible();
    const degree = new Map(nodes.map((id) => [id, this.network.getConnectedEdges(id).length]));
    const order = [...nodes].sort((a, b) => (b === this.focus) - (a === this.focus) || degree.get(b) - degree.get(a)
      || (a < b ? -1 : a > b ? 1 : 0));
    const focused = nodes.includes(this.focus) ? [this.focus] : [];
    const kept = focused.map((id) => this.network.getBoundingBox(id));  // the focus keeps its label before all
    const hidden = [];
    for (const id of [...groups].sort((a, b) => this.clusters.get(b).members.length - this.clusters.get(a).members.length)) {
      const box = this.network.getBoundingBox(id);  // the bigger group keeps its label (×322 says what is there)
      const clear = !kept.some((other) => overlap(box, other, LABEL_GAP));
      this.network.clustering.updateClusteredNode(id, { font: clear ? this.clusters.get(id).node?.font ?? {} : HIDDEN_FONT });
      if (clear) kept.push(box);
      else hidden.push(id);
    }
    for (const id of order.filter((id) => !focused.includes(id))) {
      const box = this.network.getBoundingBox(id);
      if (id !== this.selected && kept.some((other) => overlap(box, other, LABEL_GAP))) hidden.push(id);
      else kept.push(box);
    }
    const wasHidden = this.hiddenLabels || new Set();
    this.hiddenLabels = new Set(hidden);
    this.nodes.update([...hidden.filter((id) => !wasHidden.has(id) && this.nodes.get(id)).map((id) => ({ id, font: HIDDEN_FONT })),
      ...[...wasHidden].filter((id) => !this.hiddenLabels.has(id) && this.nodes.get(id))
        .map((id) => ({ id, font: OPTIONS.nodes?.font ?? {} }))]);
    const edgeFont = this.edges.length > EDGE_LABELS_MAX ? HIDDEN_FONT : OPTIONS.edges?.font ?? {};
    this.network.setOptions({ edges: { font: edgeFont } });
  }

  /** The pairs of visible labels (nodes' and groups') whose boxes overlap: none once ``declutter`` has run. */
  labelOverlaps() {
    const { nodes, groups } = this.visible();
    const ids = [...groups, ...nodes].filter((id) => !this.hiddenLabels?.has(id));
    const shown = ids.map((id) => this.network.getBoundingBox(id));
    const found = [];
    shown.forEach((a, i) => shown.slice(i + 1).forEach((b, j) => {
      if (overlap(a, b, 0)) found.push([ids[i], ids[i + 1 + j]]);
    }));
    return found;
  }

  settleAfterMerge(hold) {
    return this.settle({ iterations: MERGE_ITERATIONS, fit: false, hold });
  }

  // -- language, selection, view --------------------------------------------------------------------

  setLanguage(language) {
    this.nodes.update(this.nodes.get({ fields: ["id", `label_${language}`] })
      .map((n) => ({ id: n.id, label: n[`label_${language}`] })));
    requestAnimationFrame(() => this.declutter()); // the labels' lengths changed
    this.edges.update(this.edges.get({ fields: ["id", `label_${language}`] })
      .map((e) => ({ id: e.id, label: e[`label_${language}`] })));
    for (const [id, cluster] of this.clusters) {
      if (this.isCluster(id)) this.network.clustering.updateClusteredNode(id, { label: cluster[`label_${language}`] });
    }
  }

  select(id) {
    if (this.nodes.get(id) && this.clusterOf(id) === null) {
      this.network.selectNodes([id]);
      if (this.hiddenLabels?.has(id)) {  // the node chosen shows its name, over its neighbours' if need be
        this.hiddenLabels.delete(id);
        this.nodes.update({ id, font: OPTIONS.nodes?.font ?? {} });
      }
    }
    this.selected = id;
  }

  focusOn(id) {
    if (this.nodes.get(id) && this.clusterOf(id) === null) {
      this.network.focus(id, { scale: Math.max(this.network.getScale(), 0.8), animation: { duration: 300 } });
    }
  }

  recentre() {
    this.network.fit({ animation: { duration: 300, easingFunction: "easeInOutQuad" }, maxZoomLevel: MAX_ZOOM });
  }

  /** What is drawn now: node ids not folded away, the group nodes, and the classes shown. */
  visible() {
    const nodes = this.nodes.getIds().filter((id) => this.clusterOf(id) === null);
    const groups = [...this.clusters.keys()].filter((id) => this.isCluster(id));
    return { nodes, groups };
  }

  /** Where a node is on the page (for tests that click it like a person would). */
  domPosition(id) {
    const position = this.network.getPositions([id])[id];
    if (!position) return null;
    return this.network.canvasToDOM(position);
  }

  // -- events ----------------------------------------------------------------------------------

  baseEdges(edgeId) {
    if (this.edges.get(edgeId)) return [this.edges.get(edgeId)];
    try {
      return this.network.clustering.getBaseEdges(edgeId).map((id) => this.edges.get(id)).filter(Boolean);
    } catch (_) {
      return [];
    }
  }

  onClick(params) {
    const [node] = params.nodes;
    if (node !== undefined) {
      if (this.isCluster(node)) this.handlers.group(node, this.clusters.get(node));
      else this.handlers.node(node);
    } else if (params.edges.length) {
      this.handlers.edge(this.baseEdges(params.edges[0]));
    } else {
      this.handlers.none();
    }
  }

  onDoubleClick(params) {
    const [node] = params.nodes;
    if (node === undefined) return;
    if (this.isCluster(node)) this.handlers.openGroup(node);
    else this.handlers.expand(node);
  }
}
