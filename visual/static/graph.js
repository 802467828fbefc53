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
        requestAnimationFrame(() => requestAnimationFrame(() => resolve({ iterations })));
      };
      network.on("stabilizationIterationsDone", done);
      network.setOptions({ physics: { enabled: true, stabilization: { ...OPTIONS.physics.stabilization, fit: false } } });
      network.stabilize(iterations);
    });
  }

  settleAfterMerge(hold) {
    return this.settle({ iterations: MERGE_ITERATIONS, fit: false, hold });
  }

  // -- language, selection, view --------------------------------------------------------------------

  setLanguage(language) {
    this.nodes.update(this.nodes.get({ fields: ["id", `label_${language}`] })
      .map((n) => ({ id: n.id, label: n[`label_${language}`] })));
    this.edges.update(this.edges.get({ fields: ["id", `label_${language}`] })
      .map((e) => ({ id: e.id, label: e[`label_${language}`] })));
    for (const [id, cluster] of this.clusters) {
      if (this.isCluster(id)) this.network.clustering.updateClusteredNode(id, { label: cluster[`label_${language}`] });
    }
  }

  select(id) {
    if (this.nodes.get(id) && this.clusterOf(id) === null) this.network.selectNodes([id]);
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
