// The graph view: cytoscape with casegraph's styles, merging of successive
// API answers (their IDs are stable), filters and the layout.

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { typeInfo } from './types.js';
import { Readable, readableStyles, middle } from './readable.js';

cytoscape.use(fcose);

const styles = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(color)',
      shape: 'data(shape)',
      width: 26,
      height: 26,
      'border-width': 1.5,
      'border-color': '#ffffff',
      label: 'data(label)',
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      'font-size': 10,
      color: '#1d2433',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'ellipsis',
      'text-max-width': '130px',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.75,
      'text-background-padding': '1px',
      'min-zoomed-font-size': 6,
    },
  },
  { selector: 'node[?expanded]', style: { 'border-width': 3, 'border-color': '#1d2433', 'border-style': 'double', width: 30, height: 30 } },
  {
    selector: 'edge',
    style: {
      width: 1.4,
      'line-color': '#9aa3b5',
      'target-arrow-color': '#9aa3b5',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8,
      'curve-style': 'bezier',
      'font-size': 9,
      color: '#3d4558',
      'text-rotation': 'autorotate',
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
    },
  },
  // Relationship names only around the selection: on every edge they
  // would bury the picture.
  { selector: 'edge.near', style: { label: 'data(label)', 'line-color': '#69738a', 'target-arrow-color': '#69738a', 'z-index': 5 } },
  { selector: 'edge.path', style: { 'line-color': '#c62828', 'target-arrow-color': '#c62828', width: 3.5, 'z-index': 10 } },
  { selector: 'node.path', style: { 'border-color': '#c62828', 'border-width': 3.5 } },
  // Pinned nodes: a dashed purple ring, kept when selected.
  { selector: 'node.pinned', style: { 'border-color': '#6a1b9a', 'border-width': 3.5, 'border-style': 'dashed' } },
  { selector: 'node:selected', style: { 'border-color': '#ffbf00', 'border-width': 5, 'text-wrap': 'wrap', 'font-weight': 'bold', 'z-index': 20 } },
  { selector: 'edge:selected', style: { label: 'data(label)', 'line-color': '#1d2433', 'target-arrow-color': '#1d2433', width: 3.5, 'font-size': 9, color: '#1d2433', 'min-zoomed-font-size': 0 } },
  { selector: 'node.pinned:selected', style: { 'border-color': '#6a1b9a', 'border-style': 'dashed' } },
  // Entities with a note in the open investigation: a yellow halo.
  { selector: 'node.noted', style: { 'underlay-color': '#f2b705', 'underlay-opacity': 0.55, 'underlay-padding': 7, 'underlay-shape': 'ellipse' } },
  { selector: '.hidden', style: { display: 'none' } },
];

export class GraphView {
  constructor(container, { onSelect, onExpandRequest, onChange }) {
    this.cy = cytoscape({
      container,
      style: [...styles, ...readableStyles(1)],
      minZoom: 0.15,
      maxZoom: 3,
      selectionType: 'single',
      // With panning on, a box is drawn with Shift (or Ctrl, Alt, Cmd) held;
      // Shift-click adds to the selection.
      boxSelectionEnabled: true,
    });
    this.hiddenTypes = new Set();
    this.hiddenNodes = new Set();
    this.hiddenRels = new Set();
    this.timeFilter = null; // set by the time bar (timebar.js)
    this.onChange = onChange;
    this.readable = new Readable(this);
    this.cy.on('select', 'node, edge', (e) => {
      this.cy.edges('.near').removeClass('near');
      if (e.target.isNode()) e.target.connectedEdges().addClass('near');
      onSelect(e.target);
    });
    this.cy.on('unselect', 'node', () => this.cy.edges('.near').removeClass('near'));
    this.cy.on('unselect', 'node, edge', () => {
      // A click elsewhere unselects before the next select fires.
      setTimeout(() => { if (this.cy.$(':selected').empty()) onSelect(null); }, 0);
    });
    this.cy.on('dbltap', 'node', (e) => onExpandRequest(e.target.id()));
  }

  /** Replaces the readable rules (they depend on the zoom) after the base styles. */
  restyle(extra) { this.cy.style().fromJson([...styles, ...extra]).update(); }

  isEmpty() { return this.cy.nodes().empty(); }
  has(id) { return this.cy.getElementById(id).nonempty(); }
  node(id) { const n = this.cy.getElementById(id); return n.nonempty() && n.isNode() ? n : null; }
  element(id) { const n = this.cy.getElementById(id); return n.nonempty() ? n : null; }

  /**
   * Merges a GraphView answer ({nodes, edges}) into the view and returns the
   * IDs of the nodes that were new. New nodes start beside anchor, so the
   * layout grows the picture outwards instead of reshuffling it.
   */
  merge(view, anchor) {
    const added = [];
    let origin = anchor && this.node(anchor) ? { ...this.node(anchor).position() } : null;
    if (!origin && this.cy.nodes().nonempty()) {
      // Beside what is already drawn, so a new cluster does not land on it.
      const bb = this.cy.nodes().boundingBox();
      origin = { x: bb.x2 + 200, y: (bb.y1 + bb.y2) / 2 };
    }
    const fresh = (view.nodes || []).filter((n) => this.cy.getElementById(n.id).empty()).length;
    const radius = 50 + 18 * Math.sqrt(fresh);
    let k = 0;
    this.cy.batch(() => {
      (view.nodes || []).forEach((n) => {
        const existing = this.cy.getElementById(n.id);
        const t = typeInfo(n.type);
        const data = { id: n.id, type: n.type, label: n.label, properties: n.properties || {}, color: t.color, shape: t.shape };
        if (existing.nonempty()) {
          existing.data({ ...data, expanded: existing.data('expanded') });
          return;
        }
        // A sunflower spiral: evenly spread and the same on every run.
        k++;
        const a = k * 2.39996;
        const r = radius * Math.sqrt(k / Math.max(fresh, 1));
        const pos = origin ? { x: origin.x + r * Math.cos(a), y: origin.y + r * Math.sin(a) } : undefined;
        this.cy.add({ group: 'nodes', data, position: pos });
        added.push(n.id);
      });
      for (const e of view.edges || []) {
        if (this.cy.getElementById(e.id).nonempty()) continue;
        if (this.cy.getElementById(e.source).empty() || this.cy.getElementById(e.target).empty()) continue;
        this.cy.add({
          group: 'edges',
          data: { id: e.id, type: e.type, label: e.type.toLowerCase().replace(/_/g, ' '), source: e.source, target: e.target, properties: e.properties || {}, sources: e.sources || [] },
        });
      }
    });
    this.applyFilters();
    return added;
  }

  markExpanded(id) {
    const n = this.node(id);
    if (n) n.data('expanded', true);
  }

  /**
   * Lays the drawn nodes out with the chosen layout. With randomize, all
   * of them (pinned nodes stay); without, only those no layout has placed
   * yet, around the others held where they are, so an expansion does not
   * move what is already on screen.
   */
  layout({ fit = false, randomize = false } = {}) {
    const nodes = this.cy.nodes().not('.hidden, .folded');
    const drawn = nodes.union(nodes.edgesWith(nodes).not('.hidden, .merged-away'));
    if (nodes.empty()) return Promise.resolve();
    const r = this.readable;
    // Nothing placed yet (a view's first entities): a fresh layout of all,
    // fitted on screen.
    if (!nodes.some((n) => r.placed.has(n.id()))) { randomize = true; fit = true; }
    let held = nodes.filter('.pinned');
    if (!randomize) {
      const fresh = nodes.filter((n) => !r.placed.has(n.id()));
      if (fresh.empty()) return Promise.resolve();
      held = nodes.not(fresh);
    }
    // Pinned nodes are locked, so cytoscape does not move them; telling
    // fcose where the held ones are lets it lay the rest out around them.
    const fixed = held.map((n) => ({ nodeId: n.id(), position: { ...n.position() } }));
    const l = drawn.layout({ ...r.options(drawn, { randomize, fixed }), fit });
    const done = l.promiseOn('layoutstop').then(() => {
      nodes.forEach((n) => { r.placed.add(n.id()); });
      r.schedule();
    });
    l.run();
    return done;
  }

  fit() { this.cy.animate({ fit: { eles: this.cy.elements().not('.hidden, .folded, .merged-away'), padding: 40 } }, { duration: 250 }); }
  center(id) {
    const n = this.node(id);
    if (n) this.cy.animate({ center: { eles: n }, zoom: Math.max(this.cy.zoom(), 1) }, { duration: 250 });
  }

  select(id) {
    this.readable.reveal(id);
    const el = this.element(id);
    this.cy.$(':selected').not(el || []).unselect();
    if (el && !el.selected()) el.select();
  }
  selected() { const s = this.cy.$(':selected'); return s.nonempty() ? s[0] : null; }
  selectedNodes() { return this.cy.nodes(':selected').map((n) => n.id()); }
  /** The selected entities, a selected group standing for its members. */
  selectedEntities() {
    return [...new Set(this.cy.nodes(':selected').flatMap((n) => (n.data('group') ? n.data('members') : [n.id()])))];
  }
  clearSelection() { this.cy.$(':selected').unselect(); }

  setHiddenTypes(types) { this.hiddenTypes = new Set(types); this.applyFilters(); }
  setHiddenRels(types) { this.hiddenRels = new Set(types); this.applyFilters(); }
  /** Entities the analyst hid one by one; their edges go with them. */
  setHiddenNodes(ids) { this.hiddenNodes = new Set(ids); this.applyFilters(); }

  /** A predicate over elements, false for those the time bar hides; null for none. */
  setTimeFilter(keeps) { this.timeFilter = keeps; this.applyFilters(); }
  // Group nodes and their edges stand for others: only their members' dates count.
  outOfTime(el) { return !!this.timeFilter && !el.data('derived') && !this.timeFilter(el); }
  /** Whether the type, relationship and one-by-one filters hide el, whatever the time bar says. */
  hiddenByFilters(el) {
    if (el.isNode()) return this.hiddenTypes.has(el.data('type')) || this.hiddenNodes.has(el.id());
    return this.hiddenRels.has(el.data('type')) || this.hiddenByFilters(el.source()) || this.hiddenByFilters(el.target());
  }

  /** Pinned nodes are locked: no layout and no drag moves them. */
  setPinned(ids) {
    const want = new Set(ids);
    this.cy.batch(() => this.cy.nodes().forEach((n) => {
      const on = want.has(n.id());
      n.toggleClass('pinned', on);
      if (on) n.lock(); else n.unlock();
    }));
  }
  pinnedIds() { return this.cy.nodes('.pinned').map((n) => n.id()); }
  position(id) { const n = this.node(id); return n ? { ...n.position() } : null; }
  /** Where an entity is drawn: a folded one where its group is. */
  drawnPosition(id) { return this.position(this.node(id)?.data('folded') || id); }

  /** Every element as plain data with node positions, for the undo history. */
  elementsData() {
    // Group nodes are kept with their positions (fold() keeps a group that
    // exists); their edges are made again.
    return this.cy.elements().not('edge[?derived]').map((e) => (e.isNode()
      ? { group: 'nodes', data: { ...e.data() }, position: { ...e.position() } }
      : { group: 'edges', data: { ...e.data() } }));
  }
  /** Replaces what is drawn with what elementsData() gave. */
  loadElements(els) {
    const selected = new Set(this.cy.$(':selected').map((e) => e.id()));
    this.cy.batch(() => {
      this.cy.elements().remove();
      // Nodes before the edges that join them.
      const copy = (e) => ({ ...e, data: { ...e.data } });
      this.cy.add([...els.filter((e) => e.group === 'nodes'), ...els.filter((e) => e.group === 'edges')].map(copy));
      this.cy.elements().filter((e) => selected.has(e.id())).select();
    });
    this.readable.placed = new Set(els.filter((e) => e.group === 'nodes' && !e.data.folded).map((e) => e.data.id));
  }

  /**
   * Puts entities where a saved view had them, each group in the middle
   * of its members, and counts what is drawn as placed, so the next
   * expansion lays out only what it adds.
   */
  place(positions) {
    this.cy.batch(() => {
      positions.forEach((p) => { const n = this.node(p.entity); if (n) n.position({ x: p.x, y: p.y }); });
      this.cy.nodes('[?group]').forEach((g) => {
        const ms = g.data('members').map((id) => this.cy.getElementById(id)).filter((m) => m.nonempty());
        if (ms.length) g.position(middle(ms));
      });
    });
    this.readable.placed = new Set(this.cy.nodes().not('.folded').map((n) => n.id()));
  }

  applyFilters() {
    this.cy.batch(() => {
      this.cy.nodes().forEach((n) => n.toggleClass('hidden', this.hiddenTypes.has(n.data('type')) || this.hiddenNodes.has(n.id()) || this.outOfTime(n)));
      this.cy.edges().forEach((e) => e.toggleClass('hidden',
        this.hiddenRels.has(e.data('type')) || this.outOfTime(e) || e.source().hasClass('hidden') || e.target().hasClass('hidden')));
    });
    this.cy.$(':selected.hidden').unselect();
    this.readable.refresh();
    if (this.onChange) this.onChange();
  }

  highlightPaths(paths) {
    this.cy.elements().removeClass('path');
    for (const ids of paths) {
      ids.forEach((id, i) => {
        const n = this.node(id);
        if (n) n.addClass('path');
        if (i > 0) {
          this.cy.edges().filter((e) => (e.source().id() === ids[i - 1] && e.target().id() === id)
            || (e.target().id() === ids[i - 1] && e.source().id() === id)).addClass('path');
        }
      });
    }
  }

  /** Visible nodes in a stable reading order, for keyboard movement. */
  orderedNodes() {
    return this.cy.nodes().not('.hidden, .folded').sort((a, b) => a.data('label').localeCompare(b.data('label')));
  }

  counts() {
    const types = {};
    const rels = {};
    this.cy.nodes().not('[?derived]').forEach((n) => { types[n.data('type')] = (types[n.data('type')] || 0) + 1; });
    this.cy.edges().not('[?derived]').forEach((e) => { rels[e.data('type')] = (rels[e.data('type')] || 0) + 1; });
    return { types, rels };
  }

  /** The visible nodes and edges as plain data, in a stable order. */
  visibleData() {
    const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const nodes = this.cy.nodes().not('.hidden, [?derived]').map((n) => ({ id: n.id(), type: n.data('type'), label: n.data('label'), properties: n.data('properties') })).sort(byId);
    const edges = this.cy.edges().not('.hidden, [?derived]').map((e) => ({
      id: e.id(), type: e.data('type'), source: e.data('source'), target: e.data('target'), properties: e.data('properties'), sources: e.data('sources'),
    })).sort(byId);
    return { nodes, edges };
  }

  /**
   * What is visible as drawn, for the SVG export: node centres and sizes,
   * edge ends and bezier control points (one for a bent edge, two for a loop), moved so the picture starts at
   * (pad, pad), and the picture's size.
   */
  scene(pad = 30) {
    // The entities themselves, folded or not, as the other exports list
    // them: a folded entity, or an edge merged into another, is not drawn,
    // so it is placed by its (last) position, its edges straight.
    const nodes = this.cy.nodes().not('.hidden, [?derived]');
    const edges = this.cy.edges().not('.hidden, [?derived]');
    const bb = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
    const grow = (b) => { bb.x1 = Math.min(bb.x1, b.x1); bb.y1 = Math.min(bb.y1, b.y1); bb.x2 = Math.max(bb.x2, b.x2); bb.y2 = Math.max(bb.y2, b.y2); };
    const drawn = nodes.not('.folded').union(edges.not('.merged-away'));
    if (drawn.nonempty()) grow(drawn.boundingBox({ includeLabels: true }));
    nodes.filter('.folded').forEach((n) => { const p = n.position(); grow({ x1: p.x - 20, y1: p.y - 20, x2: p.x + 20, y2: p.y + 20 }); });
    if (!Number.isFinite(bb.x1)) Object.assign(bb, { x1: 0, y1: 0, x2: 0, y2: 0 });
    const at = (p) => ({ x: p.x - bb.x1 + pad, y: p.y - bb.y1 + pad });
    return {
      width: Math.ceil(bb.x2 - bb.x1 + 2 * pad),
      height: Math.ceil(bb.y2 - bb.y1 + 2 * pad),
      nodes: nodes.map((n) => ({ id: n.id(), type: n.data('type'), label: n.data('label'), size: n.width(), expanded: !!n.data('expanded'), ...at(n.position()) })),
      edges: edges.map((e) => {
        const shown = e.visible();
        const s = at(shown ? e.sourceEndpoint() : e.source().position());
        const t = at(shown ? e.targetEndpoint() : e.target().position());
        const c = shown ? e.controlPoints() : null;
        return { type: e.data('type'), sx: s.x, sy: s.y, tx: t.x, ty: t.y, control: (c || []).map(at) };
      }),
    };
  }

  png() {
    return this.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff', maxWidth: 6000, maxHeight: 6000 });
  }

  clear() { this.cy.elements().remove(); this.readable.placed.clear(); if (this.onChange) this.onChange(); }
  nodeIds() { return this.cy.nodes().not('[?derived]').map((n) => n.id()); }
}
