// Reading a large view: node sizes by a measure, labels that never overlap
// at the current zoom (shortened, and distinct where two would read
// alike), parallel relationships drawn as one edge with a count, a case's
// charges, sentences and restrictions folded into one group node until
// opened, and the layouts to choose from. GraphView owns one Readable and
// calls refresh() whenever what is drawn changes.

/** Size measures: the select in the view bar offers these. */
export const MEASURES = { degree: 'Size by degree', none: 'Same size' };

/** Layouts: fcose places new nodes around the fixed old ones; the others lay out all. */
export const LAYOUTS = { fcose: 'Force-directed', concentric: 'Concentric by degree', grid: 'Grid by type' };

// Entity types a case's members are folded by, and from how many on.
const FOLDABLE = { CHARGE: 'charges', SENTENCE: 'sentences', RESTRICTION: 'restrictions' };
const FOLD_AT = 4;
const SHORT = 26; // characters a label keeps before it is shortened
const FONT = 11; // rendered label size in px, whatever the zoom

// A label's box in rendered px; useCache false, since a zoom restyles the
// labels and the cached box would keep their old size.
function labelBox(n, z, pan) {
  const bb = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false, useCache: false });
  return { w: bb.w, x1: bb.x1 * z + pan.x, x2: bb.x2 * z + pan.x, y1: bb.y1 * z + pan.y, y2: bb.y2 * z + pan.y };
}
const drawnNodes = (cy) => cy.nodes().not('.hidden, .folded');
const realEdges = (cy) => cy.edges().not('[?derived]');

/** Extra style rules, after graph.js's own; sizes in model units, so they scale with zoom. */
export function readableStyles(zoom) {
  const u = 1 / zoom; // one rendered px in model units
  return [
    { selector: 'node', style: { label: 'data(short)', 'font-size': FONT * u, 'text-max-width': `${240 * u}px`, 'text-margin-y': 3 * u, 'text-background-padding': `${u}px`, 'min-zoomed-font-size': 0, 'z-index': 10 } },
    { selector: 'node[size]', style: { width: 'data(size)', height: 'data(size)' } },
    { selector: 'node[?group]', style: { shape: 'round-rectangle', 'background-color': '#e3e7ef', 'border-color': '#5b6478', 'border-style': 'dashed', 'border-width': 2, label: 'data(label)' } },
    { selector: 'node.label-off', style: { 'text-opacity': 0, 'text-background-opacity': 0, 'z-index': 1 } },
    { selector: 'node.hover, node:selected', style: { label: 'data(label)', 'text-wrap': 'wrap', 'text-opacity': 1, 'text-background-opacity': 0.9, 'z-index': 30 } },
    { selector: 'edge', style: { 'font-size': 9 * u, 'arrow-scale': 0.8 } },
    { selector: 'node.folded, edge.merged-away', style: { display: 'none' } },
    { selector: 'edge.multi', style: { width: 'data(mwidth)', label: 'data(mcount)', 'font-size': 10 * u, 'font-weight': 'bold' } },
    { selector: 'edge.both', style: { 'source-arrow-shape': 'triangle', 'source-arrow-color': '#9aa3b5' } },
    { selector: 'edge.multi.near, edge.multi:selected', style: { label: 'data(mlabel)' } },
    // A group's edges show their count by width, and in words when near the selection.
    { selector: 'edge[?derived]', style: { 'line-style': 'dashed', 'target-arrow-shape': 'none', width: 'data(mwidth)' } },
    { selector: 'edge[?derived].near, edge[?derived]:selected', style: { label: 'data(mlabel)' } },
  ];
}

/**
 * Short labels for the drawn nodes (id → label): a long label is cut,
 * and labels whose cut forms would read alike keep what tells them apart.
 */
export function shortLabels(labels) {
  const out = new Map();
  const cut = (s) => (s.length <= SHORT ? s : `${s.slice(0, SHORT - 1).trimEnd()}…`);
  const alike = new Map(); // cut form → ids
  for (const [id, label] of labels) {
    const c = cut(label);
    if (!alike.has(c)) alike.set(c, []);
    alike.get(c).push(id);
  }
  for (const [c, ids] of alike) {
    if (ids.length === 1) { out.set(ids[0], c); continue; }
    const texts = ids.map((id) => labels.get(id));
    let p = commonPrefix(texts);
    p = texts[0].slice(0, p).lastIndexOf(' ') + 1; // at a word's start
    const s = commonPrefix(texts.map((t) => [...t.slice(p)].reverse().join('')));
    const head = texts[0].slice(0, p).split(' ')[0].slice(0, 12);
    const room = SHORT + 6 - head.length; // for what differs
    ids.forEach((id, i) => {
      const t = texts[i];
      let core = t.slice(p, t.length - s).trim();
      if (core.length > room) core = `${core.slice(0, 6).trimEnd()}…${core.slice(-(room - 7)).trimStart()}`;
      out.set(id, `${head ? `${head}… ` : ''}${core}${s && core ? '…' : ''}`);
    });
  }
  // Labels that are the same still differ by ID.
  const seen = new Map();
  for (const [id, sl] of out) {
    if (!seen.has(sl)) seen.set(sl, []);
    seen.get(sl).push(id);
  }
  for (const ids of seen.values()) {
    if (ids.length > 1) ids.forEach((id) => out.set(id, `${out.get(id).slice(0, SHORT - 8)}… ${id.split('/').pop().slice(-6)}`));
  }
  return out;
}

function commonPrefix(texts) {
  let n = 0;
  while (texts.every((t) => n < t.length && t[n] === texts[0][n])) n++;
  return n;
}

/** The middle of some nodes' positions, where their group is drawn. */
export function middle(nodes) {
  const n = nodes.length;
  return nodes.reduce((p, m) => ({ x: p.x + m.position('x') / n, y: p.y + m.position('y') / n }), { x: 0, y: 0 });
}

/** Whether two rendered boxes overlap. */
export const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

export class Readable {
  constructor(view) {
    this.view = view;
    this.cy = view.cy;
    this.measure = 'degree';
    this.layoutName = 'fcose';
    this.grouping = true;
    this.opened = new Set(); // group IDs the analyst opened
    this.placed = new Set(); // nodes a layout (or the history) has placed
    this.zoom = 0;
    let timer = 0;
    this.schedule = () => { clearTimeout(timer); timer = setTimeout(() => this.placeLabels(), 90); };
    this.cy.on('viewport', this.schedule);
    this.cy.on('select unselect', 'node', this.schedule);
    this.cy.on('mouseover', 'node', (e) => e.target.addClass('hover'));
    this.cy.on('mouseout', 'node', (e) => e.target.removeClass('hover'));
  }

  /** What undo, redo and the URL keep. */
  state() { return { measure: this.measure, layout: this.layoutName, grouping: this.grouping, opened: [...this.opened] }; }
  setState(s) {
    if (s.measure in MEASURES) this.measure = s.measure;
    if (s.layout in LAYOUTS) this.layoutName = s.layout;
    if (s.grouping !== undefined) this.grouping = !!s.grouping;
    if (s.opened) this.opened = new Set(s.opened);
  }

  isGroup(id) { const n = this.cy.getElementById(id); return n.nonempty() && !!n.data('group'); }
  /** Opens a group: its members are drawn again. */
  open(id) { this.opened.add(id); this.refresh(); }
  /** Opens the group a folded node is in, so it can be shown. */
  reveal(id) {
    const n = this.cy.getElementById(id);
    if (n.nonempty() && n.hasClass('folded')) this.open(n.data('folded'));
  }

  /** Recomputes groups, merged edges, sizes and short labels after a change to what is drawn. */
  refresh() {
    this.cy.batch(() => {
      this.fold();
      this.mergeEdges();
      this.size();
      const labels = new Map(drawnNodes(this.cy).map((n) => [n.id(), n.data('label') || '']));
      const short = shortLabels(labels);
      drawnNodes(this.cy).forEach((n) => { if (n.data('short') !== short.get(n.id())) n.data('short', short.get(n.id())); });
    });
    this.schedule();
  }

  /** Folds each case's charges, sentences and restrictions into a group node, unless opened. */
  fold() {
    const cy = this.cy;
    const want = new Map(); // group ID → {owner, type, members}
    if (this.grouping) {
      const keep = (n) => n.selected() || n.hasClass('pinned') || n.data('expanded') || n.hasClass('hidden');
      cy.nodes().not('[?group]').forEach((m) => {
        if (!FOLDABLE[m.data('type')] || keep(m)) return;
        const owners = m.neighborhood('node[type = "CASE"]').not('.hidden').map((c) => c.id()).sort();
        if (!owners.length) return;
        const gid = `group/${owners[0]}/${m.data('type')}`;
        if (this.opened.has(gid)) return;
        if (!want.has(gid)) want.set(gid, { owner: owners[0], type: m.data('type'), members: [] });
        want.get(gid).members.push(m);
      });
      for (const [gid, g] of want) if (g.members.length < FOLD_AT) want.delete(gid);
    }
    cy.nodes('[?group]').filter((g) => !want.has(g.id())).remove();
    cy.nodes('.folded').removeClass('folded').selectify().forEach((n) => n.removeData('folded'));
    for (const [gid, g] of want) {
      let node = cy.getElementById(gid);
      if (node.empty()) {
        const at = g.members.filter((m) => this.placed.has(m.id()));
        const pos = middle(at.length ? at : g.members);
        node = cy.add({ group: 'nodes', data: { id: gid, group: true, derived: true, type: 'FOLDED', color: '#e3e7ef', shape: 'round-rectangle', owner: g.owner }, position: pos });
      }
      node.data({ label: `${g.members.length} ${FOLDABLE[g.type]}`, short: `${g.members.length} ${FOLDABLE[g.type]}`, members: g.members.map((m) => m.id()) });
      // Not selectable while folded: a box drawn round the group selects the group.
      g.members.forEach((m) => m.addClass('folded').data('folded', gid).unselect().unselectify());
    }
    // One dashed edge from each group to each drawn entity its members
    // touch; edges that stay are updated, not made anew.
    const edges = new Map(); // edge ID → data
    for (const gid of want.keys()) {
      const others = new Map(); // other node ID → relationships
      cy.getElementById(gid).data('members').forEach((mid) => cy.getElementById(mid).connectedEdges().not('.hidden').forEach((e) => {
        const o = e.source().id() === mid ? e.target() : e.source();
        const to = o.hasClass('folded') ? o.data('folded') : o.id();
        if (to === gid || o.hasClass('hidden')) return;
        others.set(to, (others.get(to) || 0) + 1);
      }));
      for (const [to, count] of others) {
        if (want.has(to) && to < gid) continue; // once between two groups
        const id = `groupedge/${gid}/${to}`;
        edges.set(id, { id, source: gid, target: to, derived: true, type: 'GROUPED', label: `${count} relationships`, mlabel: `${count} relationships`, mwidth: 1.4 + Math.log2(count) });
      }
    }
    cy.edges('[?derived]').filter((e) => !edges.has(e.id())).remove();
    for (const [id, data] of edges) {
      const e = cy.getElementById(id);
      if (e.empty()) cy.add({ group: 'edges', data });
      else if (e.data('label') !== data.label) e.data(data);
    }
  }

  /** Draws relationships of one type between the same two entities (either way) as one edge. */
  mergeEdges() {
    const groups = new Map();
    realEdges(this.cy).removeClass('merged-away multi both');
    realEdges(this.cy).not('.hidden').forEach((e) => {
      if (e.source().hasClass('folded') || e.target().hasClass('folded')) return;
      const s = e.data('source');
      const t = e.data('target');
      const key = `${s < t ? s : t}\u0000${s < t ? t : s}\u0000${e.data('type')}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(e);
    });
    for (const es of groups.values()) {
      if (es.length < 2) continue;
      es.sort((a, b) => (a.id() < b.id() ? -1 : 1));
      const [first, ...rest] = es;
      rest.forEach((e) => e.addClass('merged-away'));
      first.addClass('multi').data({ mcount: `×${es.length}`, mlabel: `${first.data('label')} ×${es.length}`, mwidth: 1.4 + 1.5 * Math.log2(es.length), merged: es.map((e) => e.id()) });
      first.toggleClass('both', es.some((e) => e.data('source') !== first.data('source')));
    }
  }

  /** Node sizes: by the number of drawn neighbours, or all the same. */
  size() {
    drawnNodes(this.cy).forEach((n) => {
      let size = n.data('expanded') ? 30 : 26;
      if (this.measure === 'degree') {
        const deg = n.neighborhood('node').not('.hidden, .folded').length;
        size = Math.min(76, 18 + 8 * Math.log2(1 + deg));
      }
      if (n.data('size') !== size) n.data('size', size);
    });
  }

  /** Priority for showing a label: selected, pinned, expanded, then degree. */
  rank(n) {
    return (n.selected() ? 4e6 : 0) + (n.hasClass('pinned') ? 2e6 : 0) + (n.data('expanded') ? 1e6 : 0) + (n.data('group') ? 5e5 : 0) + n.degree(false);
  }

  /**
   * Hides the labels that would overlap a label of higher priority, in
   * rendered coordinates at the current zoom, with a grid of 80 px cells
   * so each label is tested against its neighbours only.
   */
  placeLabels() {
    const cy = this.cy;
    const z = cy.zoom();
    if (Math.abs(z - this.zoom) > 1e-6) {
      this.zoom = z;
      this.view.restyle(readableStyles(z));
    }
    const pan = cy.pan();
    const w = cy.width();
    const h = cy.height();
    const cell = 80;
    const grid = new Map();
    const bodies = new Map(); // the bodies of the nodes whose labels are shown
    const cellsOf = (r) => {
      const cells = [];
      for (let i = Math.floor(r.x1 / cell); i <= Math.floor(r.x2 / cell); i++) {
        for (let j = Math.floor(r.y1 / cell); j <= Math.floor(r.y2 / cell); j++) cells.push(`${i},${j}`);
      }
      return cells;
    };
    const put = (g, r) => cellsOf(r).forEach((c) => { if (!g.has(c)) g.set(c, []); g.get(c).push(r); });
    const hits = (g, r) => cellsOf(r).some((c) => (g.get(c) || []).some((o) => o.id !== r.id && overlaps(o, r)));
    const nodes = drawnNodes(cy).toArray().sort((a, b) => this.rank(b) - this.rank(a) || (a.id() < b.id() ? -1 : 1));
    const off = [];
    const on = [];
    for (const n of nodes) {
      const r = { id: n.id(), ...labelBox(n, z, pan) };
      const b = { id: n.id(), ...n.renderedBoundingBox({ includeLabels: false, includeOverlays: false }) };
      // Nodes with a label are drawn above the others (z-index), so only
      // their bodies could cover a label.
      if (!(r.w > 0) || r.x2 < 0 || r.y2 < 0 || r.x1 > w || r.y1 > h || hits(grid, r) || hits(bodies, r) || hits(grid, b)) { off.push(n); continue; }
      put(grid, r);
      put(bodies, b);
      on.push(n);
    }
    cy.batch(() => {
      on.forEach((n) => n.removeClass('label-off'));
      off.forEach((n) => n.addClass('label-off'));
    });
    return { shown: on.length, hidden: off.length };
  }

  /** The rendered boxes of the labels shown, for the tests. */
  labelBoxes() {
    const z = this.cy.zoom();
    const pan = this.cy.pan();
    return drawnNodes(this.cy).not('.label-off').map((n) => ({ id: n.id(), text: n.selected() ? n.data('label') : n.data('short'), ...labelBox(n, z, pan) }));
  }

  /** The options of the chosen layout over eles; fixed are the nodes it must leave where they are. */
  options(eles, { randomize, fixed }) {
    const base = { animate: !randomize, animationDuration: 350, padding: 40 };
    if (this.layoutName === 'fcose' || !randomize) {
      return {
        ...base,
        name: 'fcose',
        quality: 'proof',
        randomize,
        fixedNodeConstraint: fixed.length ? fixed : undefined,
        nodeDimensionsIncludeLabels: false,
        idealEdgeLength: 90,
        nodeRepulsion: 9000,
        nodeSeparation: 80,
        packComponents: randomize,
      };
    }
    if (this.layoutName === 'concentric') {
      return { ...base, name: 'concentric', concentric: (n) => n.degree(false), levelWidth: () => 2, minNodeSpacing: 12, avoidOverlap: true };
    }
    return {
      ...base,
      name: 'grid',
      avoidOverlap: true,
      avoidOverlapPadding: 14,
      sort: (a, b) => (a.data('type') || '').localeCompare(b.data('type') || '') || b.degree(false) - a.degree(false),
    };
  }
}
