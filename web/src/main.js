// The explorer: search, expand, inspect sources, paths, timelines and the
// cases that share an article, court or restriction, and the cross-case
// questions (crosscase.js), over the GraphQL API.

import './style.css';
import { gql, ApiError } from './api.js';
import * as Q from './queries.js';
import { GraphView } from './graph.js';
import { TimeBar } from './timebar.js';
import { drawTimeline } from './timechart.js';
import { ENTITY_TYPES, typeInfo, swatch, humanize, enumValue } from './types.js';
import { readState, writeState } from './state.js';
import { initCrossCase } from './crosscase.js';
import { MEASURES, LAYOUTS } from './readable.js';
import {
  toJSON, toGraphML, toNodesCSV, toEdgesCSV, toSVG, pngWithLegend, legendOf, sourcesOf, noteLines, download,
} from './export.js';
import {
  initInvestigations, openInvestigation, closeInvestigation, investigationLink, markNotes, noteField, invSnapshot, invRestore,
} from './investigations.js';

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// What the URL keeps; see state.js.
const state = readState();
const expanded = new Set(state.expanded);
const extra = new Set(state.extra);
const details = new Map(); // entity ID → the DETAILS answer

/** Writes the view into the URL; opts.push for a view change (see state.js). */
function saveState(opts) {
  // In the middle of a view change the URL waits for its end, so the
  // change gets a history entry of its own (see record()).
  if (!opts && changing) return;
  const sel = view.selected();
  state.selected = sel ? sel.id() : '';
  state.expanded = [...expanded];
  state.extra = [...extra].filter((id) => !expanded.has(id));
  state.hiddenTypes = [...view.hiddenTypes];
  state.hiddenRels = [...view.hiddenRels];
  state.hiddenNodes = [...view.hiddenNodes].filter((id) => view.has(id));
  state.pinned = view.pinnedIds();
  const win = timebar.window();
  Object.assign(state, { timeFrom: win.from, timeTo: win.to, hideUndated: win.hideUndated });
  Object.assign(state, view.readable.state());
  writeState(state, opts);
}

// ---------------------------------------------------------------------------
// Loading and errors

let pending = 0;
const status = $('#status');
function setStatus(text) { status.textContent = text; }

/** Runs work with a loading message; a failure shows its message and a retry. */
async function busy(label, work, retry) {
  pending++;
  document.body.classList.add('loading');
  setStatus(`${label}…`);
  try {
    const out = await work();
    hideError();
    return out;
  } catch (err) {
    if (err.name === 'AbortError') return undefined;
    showError(`${label} failed: ${err instanceof ApiError ? err.message : 'an unexpected error occurred.'}`, retry);
    if (!(err instanceof ApiError)) console.error(err);
    return undefined;
  } finally {
    pending--;
    if (pending === 0) {
      document.body.classList.remove('loading');
      setStatus(`${view.cy.nodes().length} entities, ${view.cy.edges().length} relationships in view.`);
    }
  }
}

let retryAction = null;
function showError(text, retry) {
  $('#error-text').textContent = text;
  retryAction = retry || null;
  $('#error-retry').hidden = !retry;
  $('#error').hidden = false;
}
function hideError() { $('#error').hidden = true; retryAction = null; }
$('#error-close').addEventListener('click', hideError);
$('#error-retry').addEventListener('click', () => { const r = retryAction; hideError(); if (r) r(); });

// ---------------------------------------------------------------------------
// The graph

const view = new GraphView($('#graph'), {
  onSelect: (el) => { renderDetails(el); saveState(); renderViewTools(); },
  onExpandRequest: (id) => expand(id),
  onChange: () => { renderLegend(); renderRelFilter(); $('#empty').hidden = !view.isEmpty(); markNotes(view); timebar.render(); },
});
// The time bar's window is a filter like the others: undoable and in the URL.
const timebar = new TimeBar($('#timebar'), view, { change: (fn) => change(fn), status: setStatus });
const urlWindow = (s) => ({ from: s.timeFrom, to: s.timeTo, hideUndated: s.hideUndated });
timebar.setWindow(urlWindow(state));
view.readable.setState(state);
view.setHiddenTypes(state.hiddenTypes);
view.setHiddenRels(state.hiddenRels);
view.setHiddenNodes(state.hiddenNodes);

// ---------------------------------------------------------------------------
// Undo, redo and the browser's Back and Forward
//
// A view change (expand, add, hide, pin, filters, clear) is recorded as
// the view before it: a snapshot of what is drawn, where, and what the URL
// keeps. Undo puts it back; each change also pushes a browser history entry
// whose state names the snapshot after it, so Back and Forward restore
// those (or, for an entry from an earlier visit, rebuild the view from the
// URL as opening a link does).

const HISTORY = 50; // undo steps kept
const undoStack = [];
const redoStack = [];
const entries = new Map(); // history entry → snapshot, the newest 2 × HISTORY
// Entries are named per page load, so after a reload an entry of the page
// before is rebuilt from its URL rather than mistaken for a new one.
const entryPrefix = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}.`;
let entrySeq = 0;
let restoring = true; // while the page rebuilds a view, nothing is recorded
let changing = 0; // view changes under way

/** Runs an asynchronous view change; it calls record() when it is done. */
async function during(work) {
  changing++;
  try { return await work(); } finally { changing--; }
}

function snapshot() {
  return {
    els: view.elementsData(),
    expanded: [...expanded],
    extra: [...extra],
    hiddenNodes: [...view.hiddenNodes],
    pinned: view.pinnedIds(),
    hiddenTypes: [...view.hiddenTypes],
    hiddenRels: [...view.hiddenRels],
    inv: invSnapshot(),
    time: timebar.window(),
    readable: view.readable.state(),
  };
}

/** Puts a snapshot back; the caller writes the URL (or the URL already holds it). */
function applySnapshot(snap) {
  changing++;
  try {
    expanded.clear(); snap.expanded.forEach((id) => expanded.add(id));
    extra.clear(); snap.extra.forEach((id) => extra.add(id));
    invRestore(snap.inv);
    view.hiddenTypes = new Set(snap.hiddenTypes);
    view.hiddenRels = new Set(snap.hiddenRels);
    timebar.setWindow(snap.time);
    view.readable.setState(snap.readable);
    view.loadElements(snap.els);
    view.setPinned(snap.pinned);
    view.setHiddenNodes(snap.hiddenNodes);
  } finally { changing--; }
  renderDetails(view.selected());
  setStatus(`${view.cy.nodes().length} entities, ${view.cy.edges().length} relationships in view.`);
}

/** Saves the view as a history entry: pushed for a change, else replacing the current one. */
function commit(push) {
  const entry = entryPrefix + (++entrySeq);
  entries.set(entry, snapshot());
  if (entries.size > 2 * HISTORY) entries.delete(entries.keys().next().value);
  saveState({ push, entry });
  renderViewTools();
}

/** Records a view change: before goes on the undo stack, the URL gets a new entry. */
function record(before) {
  if (restoring) { saveState({}); return; }
  undoStack.push(before);
  if (undoStack.length > HISTORY) undoStack.shift();
  redoStack.length = 0;
  commit(true);
}

/** Runs a synchronous view change and records it. */
function change(fn) {
  const before = snapshot();
  fn();
  record(before);
}

function undo() {
  if (!undoStack.length || pending) return;
  redoStack.push(snapshot());
  applySnapshot(undoStack.pop());
  commit(true);
}
function redo() {
  if (!redoStack.length || pending) return;
  undoStack.push(snapshot());
  applySnapshot(redoStack.pop());
  commit(true);
}
/** The view bar: Undo and Redo when there is something to undo or redo, Pin or Unpin, how many are hidden. */
function renderViewTools() {
  $('#undo').disabled = !undoStack.length;
  $('#redo').disabled = !redoStack.length;
  const sel = view.selectedNodes().filter((id) => !view.readable.isGroup(id));
  const pinned = new Set(view.pinnedIds());
  $('#pin').textContent = sel.length && sel.every((id) => pinned.has(id)) ? 'Unpin' : 'Pin';
  const n = [...view.hiddenNodes].filter((id) => view.has(id)).length;
  $('#unhide').disabled = !n;
  $('#unhide').textContent = n ? `Unhide all (${n})` : 'Unhide all';
  renderReadableTools();
}

window.addEventListener('popstate', async (e) => {
  const snap = e.state && entries.get(e.state.entry);
  const fresh = readState();
  Object.assign(state, fresh);
  if (snap) {
    applySnapshot(snap);
    renderPathEnds();
    renderViewTools();
    return;
  }
  // An entry this page did not make: rebuild it from its URL.
  restoring = true;
  view.clear();
  expanded.clear(); fresh.expanded.forEach((id) => expanded.add(id));
  extra.clear(); fresh.extra.forEach((id) => extra.add(id));
  view.setHiddenTypes(fresh.hiddenTypes);
  view.setHiddenRels(fresh.hiddenRels);
  view.setHiddenNodes(fresh.hiddenNodes);
  timebar.setWindow(urlWindow(fresh));
  view.readable.setState(fresh);
  // A view without an investigation must not be saved over the one open.
  if (!fresh.inv) closeInvestigation();
  await rebuild();
  restoring = false;
  commit(false);
});

function hideSelection() {
  const ids = view.selectedEntities();
  if (!ids.length) { setStatus('Select entities first (Shift-click or Shift-drag a box for several).'); return; }
  change(() => view.setHiddenNodes([...view.hiddenNodes, ...ids]));
  setStatus(`${ids.length} hidden. Undo (Ctrl+Z) or Unhide all brings them back.`);
}
/** Pins the selection, or unpins it when all of it is pinned. */
function togglePin() {
  // A group has no place of its own to keep: its members are pinned once it is opened.
  const ids = view.selectedNodes().filter((id) => !view.readable.isGroup(id));
  if (!ids.length) { setStatus(view.selectedNodes().length ? 'Open the group first, then pin its members.' : 'Select entities first.'); return; }
  const pinned = new Set(view.pinnedIds());
  const unpin = ids.every((id) => pinned.has(id));
  ids.forEach((id) => (unpin ? pinned.delete(id) : pinned.add(id)));
  change(() => view.setPinned([...pinned]));
  setStatus(`${ids.length} ${unpin ? 'unpinned' : 'pinned: layouts leave them where they are'}.`);
}

/**
 * Merges the neighbourhoods of one entity or several (a selection, as one
 * change) into the view; id is the first, the one select selects.
 */
async function expand(id, { select = false, layout = true, also = [] } = {}) {
  if (view.readable.isGroup(id)) return openGroup(id);
  const ids = [id, ...also.filter((x) => x !== id)];
  const what = ids.length > 1 ? `${ids.length} entities` : labelOf(id);
  return busy(`Loading the neighbours of ${what}`, () => during(async () => {
    const before = snapshot();
    const answers = await Promise.all(ids.map((x) => gql(Q.NEIGHBOURHOOD, { id: x })));
    const added = [];
    answers.forEach(({ neighbourhood: nb }, k) => {
      const x = ids[k];
      if (!nb.nodes.some((n) => n.id === x)) throw new ApiError(`${x} is not in the graph.`, { code: 'NOT_FOUND' });
      added.push(...view.merge(nb, view.has(x) ? x : null));
      view.markExpanded(x);
      expanded.add(x);
      if (nb.truncated) showError(`Only the first 100 neighbours of ${labelOf(x)} are shown.`);
    });
    await completeEdges();
    if (select) view.select(id);
    if (layout && added.length) await view.layout({});
    if (select) view.center(id);
    setStatus(added.length ? `${added.length} entities added.` : 'Nothing new to add.');
    record(before);
  }), () => expand(id, { select, layout, also }));
}

// Each entity's relationships (depth 1, up to 500 neighbours), for the
// "expand by relationship" menu: grouped by type and direction, so the
// counts are known before anything is added.
const neighbours = new Map(); // entity ID → {nb, groups}
async function neighbourGroups(id) {
  if (neighbours.has(id)) return neighbours.get(id);
  const nb = (await gql(Q.NEIGHBOURS, { id })).neighbourhood;
  const groups = new Map(); // "TYPE out" → {type, out, ids: Set}
  for (const e of nb.edges) {
    if (e.source !== id && e.target !== id) continue; // between two neighbours
    const out = e.source === id;
    const other = out ? e.target : e.source;
    if (other === id) continue;
    const key = `${e.type} ${out ? 'out' : 'in'}`;
    if (!groups.has(key)) groups.set(key, { type: e.type, out, ids: new Set() });
    groups.get(key).ids.add(other);
  }
  const info = { nb, groups: [...groups.values()].sort((a, b) => a.type.localeCompare(b.type) || Number(b.out) - Number(a.out)) };
  neighbours.set(id, info);
  return info;
}

/** Adds only the neighbours of id over relationships of one type and direction. */
async function expandBy(id, type, out) {
  const label = `${out ? '' : '← '}${humanize(type)}${out ? ' →' : ''}`;
  return busy(`Adding ${label} of ${labelOf(id)}`, () => during(async () => {
    const before = snapshot();
    const { nb, groups } = await neighbourGroups(id);
    const g = groups.find((x) => x.type === type && x.out === out);
    if (!g) return;
    const keep = new Set([id, ...g.ids]);
    const edges = nb.edges.filter((e) => e.type === type && (out ? e.source === id : e.target === id));
    const added = view.merge({ nodes: nb.nodes.filter((n) => keep.has(n.id)), edges }, id);
    g.ids.forEach((n) => { if (!expanded.has(n)) extra.add(n); });
    if (!expanded.has(id)) extra.add(id);
    await completeEdges();
    if (added.length) await view.layout({});
    setStatus(added.length ? `${added.length} entities added (${label}).` : 'Nothing new to add.');
    record(before);
  }), () => expandBy(id, type, out));
}

async function renderExpandMenu(id, seq) {
  const box = $('#details-expand-by .expand-by-body');
  let info;
  try {
    info = await neighbourGroups(id);
  } catch (err) {
    if (seq === detailsSeq && box) box.innerHTML = `<p class="error-inline">Could not count the relationships: ${esc(err.message)}</p>`;
    return;
  }
  if (seq !== detailsSeq || !box) return;
  if (!info.groups.length) { box.innerHTML = '<p class="hint">No relationships.</p>'; return; }
  box.innerHTML = `${info.nb.truncated ? '<p class="hint">Counts cover the first 500 neighbours.</p>' : ''}
    <ul class="expand-by">${info.groups.map((g) => {
    const name = esc(humanize(g.type));
    const text = g.out ? `${name} → (${g.ids.size})` : `← ${name} (${g.ids.size})`;
    const fresh = [...g.ids].filter((n) => !view.has(n)).length;
    return `<li><button type="button" class="linkish" data-expand-type="${esc(g.type)}" data-expand-dir="${g.out ? 'out' : 'in'}" data-id="${esc(id)}"
      title="${fresh} of ${g.ids.size} not yet in view">${text}</button></li>`;
  }).join('')}</ul>`;
}

/** Adds entities on their own (without their neighbourhoods). */
function addEntities(ids, opts) { return during(() => addEntitiesNow(ids, opts)); }
async function addEntitiesNow(ids, { select = '' } = {}) {
  const before = snapshot();
  const missing = ids.filter((id) => !view.has(id));
  if (missing.length) {
    const data = await gql(Q.SUBGRAPH, { ids: missing });
    view.merge(data.subgraph, view.selected() && view.selected().isNode() ? view.selected().id() : null);
    missing.forEach((id) => extra.add(id));
    await completeEdges();
    await view.layout({});
  }
  if (select) { view.select(select); view.center(select); }
  if (missing.length) record(before); else saveState({});
}

/** Fetches the relationships among everything in view, so no edge is missing between two entities that were added separately. */
async function completeEdges() {
  const ids = view.nodeIds();
  if (ids.length < 2 || ids.length > 500) return;
  const data = await gql(Q.SUBGRAPH, { ids });
  view.merge({ nodes: [], edges: data.subgraph.edges });
}

function labelOf(id) {
  const n = view.node(id);
  if (n) return n.data('label');
  const d = details.get(id);
  return d ? d.name : id;
}

// Opening an entity: its neighbourhood, selected and centred.
async function open(id) {
  if (expanded.has(id) && view.has(id)) {
    view.select(id);
    view.center(id);
    saveState();
    return;
  }
  await expand(id, { select: true });
}

// ---------------------------------------------------------------------------
// Search with suggestions

const input = $('#search-input');
const list = $('#search-list');
let suggestions = [];
let active = -1;
let searchTimer = 0;
let searchSeq = 0;
let searchAbort = null;

function closeSuggestions() {
  list.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
}

function renderSuggestions(message) {
  list.innerHTML = '';
  if (message) {
    list.innerHTML = `<li class="note" role="option" aria-disabled="true">${esc(message)}</li>`;
  }
  suggestions.forEach((s, i) => {
    const li = document.createElement('li');
    li.id = `sugg-${i}`;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', String(i === active));
    li.dataset.index = String(i);
    const e = s.entity;
    const alias = s.matched && s.matched !== e.name ? ` <span class="matched">(${esc(s.matched)})</span>` : '';
    li.innerHTML = `${swatch(e.type)} <span class="name">${esc(e.name)}</span>${alias} <span class="kind">${esc(typeInfo(e.type).label)}</span>`;
    li.addEventListener('mousedown', (ev) => { ev.preventDefault(); choose(i); });
    list.append(li);
  });
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  if (active >= 0) input.setAttribute('aria-activedescendant', `sugg-${active}`);
  else input.removeAttribute('aria-activedescendant');
}

async function runSearch(q) {
  const seq = ++searchSeq;
  if (searchAbort) searchAbort.abort();
  searchAbort = new AbortController();
  list.classList.add('busy');
  try {
    const data = await gql(Q.SEARCH, { q }, { signal: searchAbort.signal });
    if (seq !== searchSeq) return;
    suggestions = data.search;
    active = suggestions.length ? 0 : -1;
    renderSuggestions(suggestions.length ? '' : `Nothing matches “${q}”.`);
  } catch (err) {
    if (err.name === 'AbortError' || seq !== searchSeq) return;
    suggestions = [];
    renderSuggestions(err instanceof ApiError ? `Search failed: ${err.message}` : 'Search failed.');
  } finally {
    if (seq === searchSeq) list.classList.remove('busy');
  }
}

function choose(i) {
  const s = suggestions[i];
  if (!s) return;
  closeSuggestions();
  input.value = s.entity.name;
  open(s.entity.id);
}

input.addEventListener('input', () => {
  clearTimeout(searchTimer);
  const q = input.value.trim();
  if (q.length < 2) { suggestions = []; closeSuggestions(); return; }
  searchTimer = setTimeout(() => runSearch(q), 200);
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!suggestions.length) return;
    e.preventDefault();
    const n = suggestions.length;
    active = e.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n;
    renderSuggestions();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (!list.hidden && suggestions.length) choose(Math.max(active, 0));
    else if (input.value.trim().length >= 2) runSearch(input.value.trim());
  } else if (e.key === 'Escape') {
    if (!list.hidden) { e.stopPropagation(); closeSuggestions(); } else input.value = '';
  }
});
input.addEventListener('blur', () => setTimeout(closeSuggestions, 100));

// ---------------------------------------------------------------------------
// Legend and filters

function renderLegend() {
  const { types } = view.counts();
  const ul = $('#legend');
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.type : null;
  ul.innerHTML = ENTITY_TYPES.map((t) => `
    <li><label>
      <input type="checkbox" data-type="${t.type}" ${view.hiddenTypes.has(t.type) ? '' : 'checked'}>
      ${swatch(t.type)} <span>${esc(t.label)}</span> <span class="count">${types[t.type] || 0}</span>
    </label></li>`).join('');
  if (focused) { const el = ul.querySelector(`[data-type="${focused}"]`); if (el) el.focus(); }
}
$('#legend').addEventListener('change', (e) => {
  const t = e.target.dataset.type;
  if (!t) return;
  const hidden = new Set(view.hiddenTypes);
  if (e.target.checked) hidden.delete(t); else hidden.add(t);
  change(() => view.setHiddenTypes([...hidden]));
});

function renderRelFilter() {
  const { rels } = view.counts();
  const names = [...new Set([...Object.keys(rels), ...view.hiddenRels])].sort();
  const ul = $('#rel-filter');
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.rel : null;
  ul.innerHTML = names.length ? names.map((r) => `
    <li><label>
      <input type="checkbox" data-rel="${r}" ${view.hiddenRels.has(r) ? '' : 'checked'}>
      <span>${esc(humanize(r))}</span> <span class="count">${rels[r] || 0}</span>
    </label></li>`).join('') : '<li class="hint">None in view yet.</li>';
  if (focused) { const el = ul.querySelector(`[data-rel="${focused}"]`); if (el) el.focus(); }
}
$('#rel-filter').addEventListener('change', (e) => {
  const r = e.target.dataset.rel;
  if (!r) return;
  const hidden = new Set(view.hiddenRels);
  if (e.target.checked) hidden.delete(r); else hidden.add(r);
  change(() => view.setHiddenRels([...hidden]));
});

// ---------------------------------------------------------------------------
// Details: properties, aliases and the sources of every fact

/**
 * Citations grouped by source: publisher, date, title (a link when the
 * source has a URL) and the paragraphs, with the refs as case files write
 * them.
 */
function renderCitations(citations, empty = 'No source given.') {
  if (!citations || !citations.length) return `<p class="hint">${esc(empty)}</p>`;
  const bySource = new Map();
  for (const c of citations) {
    const s = c.source || { id: c.ref };
    if (!bySource.has(s.id)) bySource.set(s.id, { source: s, cites: [] });
    bySource.get(s.id).cites.push(c);
  }
  return `<ul class="citations">${[...bySource.values()].map(({ source: s, cites }) => {
    const date = s.date && s.date.text ? `, ${esc(s.date.text)}` : '';
    const title = webURL(s.url)
      ? `<a href="${esc(s.url)}" target="_blank" rel="noopener noreferrer">${esc(s.title || s.id)}</a>`
      : `<span class="cite-title">${esc(s.title || s.id)}</span>`;
    const paras = cites.map((c) => c.paragraph).sort((a, b) => a - b);
    const where = `${paras.length > 1 ? 'paragraphs' : 'paragraph'} ${paras.join(', ')}`;
    // The cited paragraphs themselves, where the graph holds the text.
    const quotes = cites.filter((c) => c.quote).sort((a, b) => a.paragraph - b.paragraph)
      .map((c) => `<blockquote class="quote" lang="${esc(s.language || '')}" data-ref="${esc(c.ref)}"><span class="para">¶${c.paragraph}</span> ${esc(c.quote)}</blockquote>`).join('');
    return `<li class="citation"><span class="publisher">${esc(s.publisher || 'Unknown publisher')}</span>${date}: “${title}”, ${where}<span class="ref">${cites.map((c) => esc(c.ref)).join(' · ')}</span>${quotes}</li>`;
  }).join('')}</ul>`;
}

function renderProperties(props, skip = []) {
  const rows = Object.entries(props || {}).filter(([k]) => !skip.includes(k)).sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return '';
  return `<dl class="props">${rows.map(([k, v]) => `<dt>${esc(humanize(k))}</dt><dd>${esc(Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}</dd>`).join('')}</dl>`;
}

// A source's address is a link only when it is a web address: case files
// are checked for that, and the page does not rely on it.
const webURL = (u) => /^https?:\/\//i.test(u || '');

const entityButton = (id, label, type) => `<button type="button" class="linkish entity" data-select="${esc(id)}">${type ? swatch(type, 12) : ''}${esc(label)}</button>`;

const TIMELINE_TYPES = new Set(['CASE', 'PERSON', 'PARTY', 'ORGANISATION', 'PLACE']);
const SHARED_TYPES = { LEGAL_ARTICLE: 'article', COURT: 'court', RESTRICTION: 'restriction' };

let detailsSeq = 0;
let expandByOpen = false; // the analyst keeps the expand-by menu open or closed
async function renderDetails(el) {
  const panel = $('#details');
  const seq = ++detailsSeq;
  if (!el) {
    panel.innerHTML = '<p class="hint">Select an entity or a relationship to see its properties and sources.</p>';
    return;
  }
  const many = view.selectedNodes().length;
  const manyNote = many > 1 ? `<p class="hint selection-note">${many} entities selected: Expand, Hide and Pin act on all of them.</p>` : '';
  if (el.data('derived') || el.hasClass('multi')) { panel.innerHTML = (el.isNode() ? manyNote : '') + readableDetails(el); return; }
  if (el.isEdge()) {
    const d = el.data();
    panel.innerHTML = `
      <h2 class="title">${esc(humanize(d.type))}</h2>
      <p class="ends">${entityButton(d.source, labelOf(d.source), view.node(d.source)?.data('type'))}
        <span aria-label="to">→</span> ${entityButton(d.target, labelOf(d.target), view.node(d.target)?.data('type'))}</p>
      ${renderProperties(d.properties)}
      <h3>Sources</h3>${renderCitations(d.sources)}`;
    return;
  }
  const id = el.id();
  const d = el.data();
  const t = typeInfo(d.type);
  const canShare = SHARED_TYPES[d.type];
  panel.innerHTML = `
    ${manyNote}
    <p class="type">${swatch(d.type, 16)} ${esc(t.label)}</p>
    <h2 class="title">${esc(d.label)}</h2>
    <p class="id"><code>${esc(id)}</code></p>
    <div class="actions">
      <button type="button" data-action="expand" ${expanded.has(id) && many < 2 ? 'disabled' : ''}>${expanded.has(id) && many < 2 ? 'Expanded' : 'Expand'}</button>
      <button type="button" data-action="from">Path start</button>
      <button type="button" data-action="to">Path end</button>
      ${TIMELINE_TYPES.has(d.type) ? '<button type="button" data-action="timeline">Timeline</button>' : ''}
      ${canShare ? '<button type="button" data-action="shared">Cases that share this</button>' : ''}
    </div>
    ${noteField(id)}
    ${renderProperties(d.properties, ['name', 'aliases', 'description', 'note'])}
    <div id="details-entity"><p class="hint loading-text">Loading sources…</p></div>
    <details id="details-expand-by" ${expandByOpen ? 'open' : ''}><summary>Expand by relationship</summary>
      <div class="expand-by-body"><p class="hint loading-text">Counting the relationships…</p></div></details>
    <h3>Relationships in view</h3>
    ${renderRelationships(el)}`;
  // Counted on demand: counting asks for up to 500 neighbours, which a
  // client's rate limit should not pay for on every selection.
  const menu = $('#details-expand-by');
  menu.addEventListener('toggle', () => {
    expandByOpen = menu.open;
    if (menu.open) renderExpandMenu(id, seq);
  });
  if (expandByOpen) renderExpandMenu(id, seq);
  let info = details.get(id);
  if (!info) {
    try {
      info = (await gql(Q.DETAILS, { id })).node;
      if (info) details.set(id, info);
    } catch (err) {
      if (seq !== detailsSeq) return;
      $('#details-entity').innerHTML = `<p class="error-inline">Could not load the sources: ${esc(err.message)}</p>`;
      return;
    }
  }
  if (seq !== detailsSeq) return;
  const box = $('#details-entity');
  if (!info) { box.innerHTML = '<p class="error-inline">This entity is no longer in the graph.</p>'; return; }
  box.innerHTML = `
    ${info.aliases && info.aliases.length ? `<h3>Also known as</h3><p class="aliases">${info.aliases.map(esc).join(' · ')}</p>` : ''}
    ${info.description ? `<p class="description">${esc(info.description)}</p>` : ''}
    ${info.note ? `<p class="note${info.contested ? ' contested' : ''}">${info.contested ? '<strong>Contested.</strong> ' : ''}${esc(info.note)}</p>` : ''}
    ${webURL(info.url) ? `<p><a href="${esc(info.url)}" target="_blank" rel="noopener noreferrer">Open the source</a></p>` : ''}
    <h3>Sources for this entity</h3>
    ${renderCitations(info.citations, d.type === 'SOURCE' ? 'A source document.' : 'No source given.')}`;
}

function renderRelationships(node) {
  const edges = node.connectedEdges().not('.hidden').sort((a, b) => a.data('type').localeCompare(b.data('type')) || labelOf(a.data('target')).localeCompare(labelOf(b.data('target'))));
  if (edges.empty()) return '<p class="hint">None in view. Expand to load its neighbours.</p>';
  return `<ul class="rels">${edges.map((e) => {
    const out = e.data('source') === node.id();
    const other = out ? e.data('target') : e.data('source');
    const otherType = view.node(other)?.data('type');
    const props = Object.entries(e.data('properties') || {}).map(([k, v]) => `${humanize(k)}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ');
    return `<li>
      <details>
        <summary><span class="rel">${esc(humanize(e.data('type')))}</span> ${out ? '→' : '←'} ${esc(labelOf(other))}</summary>
        <p>${entityButton(other, 'Go to ' + labelOf(other), otherType)} <button type="button" class="linkish" data-select="${esc(e.id())}">Show the relationship</button></p>
        ${props ? `<p class="small">${esc(props)}</p>` : ''}
        ${renderCitations(e.data('sources'))}
      </details>
    </li>`;
  }).join('')}</ul>`;
}

$('#details').addEventListener('click', (e) => {
  const btn = e.target.closest('button');
  if (!btn) return;
  const sel = view.selected();
  if (btn.dataset.expandType) {
    expandBy(btn.dataset.id, btn.dataset.expandType, btn.dataset.expandDir === 'out');
    return;
  }
  if (btn.dataset.select) {
    view.select(btn.dataset.select);
    if (view.node(btn.dataset.select)) view.center(btn.dataset.select);
    return;
  }
  if (!sel || !sel.isNode()) return;
  const id = sel.id();
  switch (btn.dataset.action) {
    case 'expand': expand(id, { also: view.selectedNodes() }); break;
    case 'from': setPathEnd('from', id); break;
    case 'to': setPathEnd('to', id); break;
    case 'timeline': openTimeline(id); break;
    case 'shared': {
      const kind = SHARED_TYPES[sel.data('type')];
      const value = kind === 'restriction' ? sel.data('properties').kind : id;
      findShared(kind, value);
      break;
    }
    default:
  }
});

// ---------------------------------------------------------------------------
// Shortest paths

function setPathEnd(which, id) {
  if (which === 'from') state.pathFrom = id; else state.pathTo = id;
  renderPathEnds();
  saveState();
  if (state.pathFrom && state.pathTo) findPaths();
}
function renderPathEnds() {
  $('#path-from').textContent = state.pathFrom ? labelOf(state.pathFrom) : '—';
  $('#path-to').textContent = state.pathTo ? labelOf(state.pathTo) : '—';
  $('#path-max').value = String(state.pathMax);
}
$('#path-set-from').addEventListener('click', () => { const s = view.selected(); if (s && s.isNode()) setPathEnd('from', s.id()); else showError('Select an entity first, then set it as the start.'); });
$('#path-set-to').addEventListener('click', () => { const s = view.selected(); if (s && s.isNode()) setPathEnd('to', s.id()); else showError('Select an entity first, then set it as the end.'); });
$('#path-max').addEventListener('change', () => { state.pathMax = Number($('#path-max').value); saveState(); });
$('#path-find').addEventListener('click', () => findPaths());

async function findPaths() {
  const out = $('#path-list');
  if (!state.pathFrom || !state.pathTo) { out.innerHTML = '<li class="hint">Set a start and an end first.</li>'; return; }
  if (state.pathFrom === state.pathTo) { out.innerHTML = '<li class="hint">Start and end are the same entity.</li>'; return; }
  showPanel('paths');
  out.innerHTML = '<li class="hint loading-text">Looking for paths…</li>';
  await busy('Finding the shortest paths', async () => {
    const data = await gql(Q.PATHS, { from: state.pathFrom, to: state.pathTo, max: state.pathMax });
    const p = data.paths;
    if (!p.paths.length) {
      out.innerHTML = `<li class="hint">No path of up to ${state.pathMax} steps between ${esc(labelOf(state.pathFrom))} and ${esc(labelOf(state.pathTo))}.</li>`;
      view.highlightPaths([]);
      return;
    }
    const before = snapshot();
    const added = view.merge(p, state.pathFrom);
    added.forEach((id) => extra.add(id));
    const labels = Object.fromEntries(p.nodes.map((n) => [n.id, n]));
    view.highlightPaths(p.paths);
    if (added.length) await view.layout({});
    renderPathEnds();
    out.innerHTML = p.paths.map((ids) => `<li>${ids.map((id, i) => `<span class="step">${i ? '<span class="arrow">→ </span>' : ''}${entityButton(id, labels[id] ? labels[id].label : id, labels[id]?.type)}</span>`).join('')}</li>`).join('')
      + (p.truncated ? '<li class="hint">More paths exist; only the first 10 are shown.</li>' : '');
    if (added.length) record(before); else saveState();
  }, findPaths);
}
$('#path-list').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-select]');
  if (b) { view.select(b.dataset.select); view.center(b.dataset.select); }
});

// ---------------------------------------------------------------------------
// Timeline

const PRECISION = { DAY: 'day', MONTH: 'month', YEAR: 'year' };

let timelineSeq = 0; // only the latest timeline asked is drawn
async function openTimeline(id) {
  const mine = ++timelineSeq;
  state.timeline = id;
  saveState();
  const drawer = ensureDrawer();
  drawer.querySelector('.drawer-title').textContent = `Timeline: ${labelOf(id)}`;
  const body = drawer.querySelector('.drawer-body');
  body.innerHTML = '<p class="hint loading-text">Loading the timeline…</p>';
  drawer.hidden = false;
  view.cy.resize();
  drawer.focus();
  await busy('Loading the timeline', async () => {
    const data = await gql(Q.TIMELINE, { id });
    if (mine !== timelineSeq) return;
    const rows = data.timeline;
    if (!rows.length) { body.innerHTML = '<p class="hint">No dated steps are known.</p>'; return; }
    body.innerHTML = `<div class="tl-chart"></div><div class="tl-table"><table class="timeline">
      <colgroup><col class="c-date"><col class="c-prec"><col class="c-kind"><col class="c-step"><col class="c-src"></colgroup>
      <thead><tr><th scope="col">Date</th><th scope="col">Precise to</th><th scope="col">Kind</th><th scope="col">Step</th><th scope="col">Sources</th></tr></thead>
      <tbody>${rows.map((r) => {
        const prec = [PRECISION[r.date.precision] || humanize(r.date.precision)];
        if (r.date.qualifier) prec.push(humanize(r.date.qualifier));
        if (r.date.estimated) prec.push('estimated');
        return `<tr>
          <td class="date"><time>${esc(r.date.text)}</time></td>
          <td class="precision"><span class="badge">${esc(prec.join(', '))}</span></td>
          <td>${esc(humanize(r.kind))}</td>
          <td>${entityButton(r.entity.id, r.title, r.entity.type)}</td>
          <td class="small">${groupCitations(r.citations)}</td>
        </tr>`;
      }).join('')}</tbody></table></div>`;
    timelineRows = rows;
    drawTimelineChart();
    drawer.querySelector('.drawer-title').textContent = `Timeline: ${labelOf(id)}`;
  }, () => openTimeline(id));
}

// The timeline as a chart (timechart.js) above its table, or the table alone.
let timelineRows = null;
function drawTimelineChart() {
  const box = $('#drawer .tl-chart');
  if (!box || !timelineRows || $('#drawer').hidden) return;
  chartWidth = box.clientWidth;
  drawTimeline(box, timelineRows, { width: chartWidth, onPick: (id) => showEntity(id) });
  view.cy.resize(); // the drawer takes the chart's height
}
// A chart drawn for one width is drawn again for a new one, once the
// window has stopped changing size.
let chartResize = 0;
let chartWidth = 0;
window.addEventListener('resize', () => {
  clearTimeout(chartResize);
  chartResize = setTimeout(() => {
    const box = $('#drawer .tl-chart');
    if (box && box.clientWidth !== chartWidth) drawTimelineChart();
  }, 150);
});
function setTimelineMode(mode) {
  const drawer = $('#drawer');
  drawer.classList.toggle('table-mode', mode === 'table');
  drawer.querySelectorAll('button[data-mode]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === mode)));
  view.cy.resize();
  drawTimelineChart();
}

/** "IPHR ¶4, ¶5; Tirek.info ¶3": one entry per source, titles on hover. */
function groupCitations(citations) {
  const bySource = new Map();
  for (const c of citations) {
    const key = c.source.id;
    if (!bySource.has(key)) bySource.set(key, { source: c.source, paragraphs: [] });
    bySource.get(key).paragraphs.push(c.paragraph);
  }
  return [...bySource.values()].map(({ source, paragraphs }) => `<span class="src" title="${esc(source.title)}">${esc(source.publisher)} ${paragraphs.map((p) => `¶${esc(p)}`).join(', ')}</span>`).join('');
}

function ensureDrawer() {
  let drawer = $('#drawer');
  if (drawer) return drawer;
  drawer = document.createElement('section');
  drawer.id = 'drawer';
  drawer.className = 'drawer';
  drawer.setAttribute('aria-labelledby', 'drawer-title');
  drawer.tabIndex = -1;
  drawer.innerHTML = `<header><h2 id="drawer-title" class="drawer-title"></h2>
    <span class="tl-modes" role="group" aria-label="Show the timeline as">
      <button type="button" data-mode="chart" aria-pressed="true">Chart</button><button type="button" data-mode="table" aria-pressed="false">Table</button></span>
    <button type="button" class="close" aria-label="Close the timeline">×</button></header>
    <div class="drawer-body"></div>`;
  $('.canvas').append(drawer);
  drawer.querySelector('.close').addEventListener('click', closeTimeline);
  drawer.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); closeTimeline(); } });
  drawer.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-select]');
    if (b) showEntity(b.dataset.select);
    const m = e.target.closest('button[data-mode]');
    if (m) setTimelineMode(m.dataset.mode);
  });
  new ResizeObserver(drawTimelineChart).observe(drawer);
  return drawer;
}
function closeTimeline() {
  const d = $('#drawer');
  if (d) d.hidden = true;
  view.cy.resize();
  state.timeline = '';
  saveState();
  $('#graph').focus();
}

/** Selects an entity, adding it to the view first when it is not there. */
async function showEntity(id) {
  // A folded entity is shown by opening its group, laid out and undoable.
  const group = view.node(id)?.data('folded');
  if (group) await openGroup(group);
  if (view.has(id)) { view.select(id); view.center(id); saveState(); return; }
  await busy(`Adding ${id}`, () => addEntities([id], { select: id }));
}

// ---------------------------------------------------------------------------
// Cases that share an article, a court or a kind of restriction

let choices = null;
async function loadChoices() {
  if (choices) return choices;
  const data = await gql(Q.CHOICES);
  choices = {
    article: data.articles.edges.map((e) => ({ value: e.node.id, label: articleLabel(e.node) })),
    court: data.courts.edges.map((e) => ({ value: e.node.id, label: e.node.name })),
    restriction: data.kinds.map((k) => ({ value: k.key, label: `${humanize(k.label).replace(/-/g, ' ')} (${k.count})` })),
  };
  return choices;
}
/** "article 274, part 2 (Criminal Code of Kazakhstan)": the number first, as analysts cite it. */
function articleLabel(a) {
  if (!a.article) return a.name;
  const parts = [`article ${a.article}`];
  if (a.part) parts.push(`part ${a.part}`);
  if (a.item) parts.push(`item ${a.item}`);
  return `${parts.join(', ')}${a.code ? ` (${a.code.name})` : ''}`;
}

function renderChoices() {
  const kind = $('#shared-kind').value;
  const sel = $('#shared-value');
  const opts = (choices && choices[kind]) || [];
  sel.innerHTML = opts.map((o) => `<option value="${esc(o.value)}">${esc(o.label)}</option>`).join('');
  if (state.sharedKind === kind && state.sharedValue) sel.value = state.sharedValue;
}
$('#shared-kind').addEventListener('change', renderChoices);
$('#shared-find').addEventListener('click', () => findShared($('#shared-kind').value, $('#shared-value').value));

async function findShared(kind, value) {
  if (!value) return;
  showPanel('questions');
  cross.showShared();
  // A graph node's properties hold a restriction kind as stored
  // (political-activity-ban); the API's fields and filters as the enum
  // value (POLITICAL_ACTIVITY_BAN).
  if (kind === 'restriction') value = enumValue(value);
  state.sharedKind = kind;
  state.sharedValue = value;
  saveState();
  $('#shared-kind').value = kind;
  renderChoices();
  const out = $('#shared-result');
  out.innerHTML = '<p class="hint loading-text">Looking for cases…</p>';
  await busy('Finding the cases that share it', async () => {
    const cases = new Map(); // case ID → {id, name, how: Set}
    // What ties the cases to what they share (the charges and their
    // articles, the restrictions and their people), so that adding them
    // draws no case without an edge.
    const evidence = new Set([value]);
    const note = (c, how) => {
      if (!c) return;
      if (!cases.has(c.id)) cases.set(c.id, { id: c.id, name: c.name, how: new Set() });
      cases.get(c.id).how.add(how);
    };
    let what = value;
    if (kind === 'article') {
      const data = await gql(Q.ARTICLE_CHARGES, { id: value });
      const a = data.node;
      if (!a) throw new ApiError('That article is not in the graph.', { code: 'NOT_FOUND' });
      const charges = [...(a.charges || []), ...(a.parts || []).flatMap((p) => p.charges || [])];
      charges.forEach((ch) => note(ch.case, `${ch.defendant ? ch.defendant.name : 'someone'}: ${humanize(ch.status)}`));
      (a.parts || []).forEach((p) => evidence.add(p.id));
      charges.forEach((ch) => [ch, ch.case, ch.defendant].forEach((x) => x && evidence.add(x.id)));
      what = choices?.article.find((o) => o.value === value)?.label || value;
    } else if (kind === 'court') {
      const data = await gql(Q.COURT_CASES, { id: value });
      if (!data.node) throw new ApiError('That court is not in the graph.', { code: 'NOT_FOUND' });
      (data.node.cases || []).forEach((l) => note(l.entity, 'heard by this court'));
      what = choices?.court.find((o) => o.value === value)?.label || value;
    } else {
      const data = await gql(Q.RESTRICTIONS);
      evidence.delete(value);
      data.entities.edges.map((e) => e.node).filter((r) => r.kind === value)
        .forEach((r) => { note(r.case, r.person ? r.person.name : 'restriction'); [r, r.person].forEach((x) => x && evidence.add(x.id)); });
      what = humanize(value).replace(/-/g, ' ');
    }
    const rows = [...cases.values()].sort((a, b) => a.name.localeCompare(b.name));
    rows.forEach((c) => evidence.add(c.id));
    if (!rows.length) { out.innerHTML = `<p class="hint">No case shares ${esc(what)}.</p>`; return; }
    out.innerHTML = `<p class="small">${rows.length} case${rows.length === 1 ? '' : 's'} share ${esc(what)}:</p>
      <ul class="shared">${rows.map((c) => `<li>${entityButton(c.id, c.name, 'CASE')}<span class="small">${esc([...c.how].join('; '))}</span></li>`).join('')}</ul>
      <button type="button" id="shared-add-all">Add all to the view</button>`;
    out.scrollIntoView({ block: 'nearest' });
    out.querySelector('#shared-add-all').addEventListener('click', () => busy('Adding the cases', () => addEntities([...evidence])));
  }, () => findShared(kind, value));
}
$('#shared-result').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-select]');
  if (b) showEntity(b.dataset.select);
});

// ---------------------------------------------------------------------------
// The side panels: filters, paths and questions, one at a time, so what a
// question answers is on screen at 1366×768 without scrolling past the
// others. A tab list: arrow keys, Home and End move between the tabs.

const PANELS = ['filters', 'paths', 'questions'];
function showPanel(name, { focus = false } = {}) {
  if (!PANELS.includes(name)) name = 'filters';
  for (const p of PANELS) {
    const tab = $(`#tab-${p}`);
    const on = p === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#panel-${p}`).hidden = !on;
    if (on && focus) tab.focus();
  }
  const keep = name === 'filters' ? '' : name;
  if (state.panel !== keep) { state.panel = keep; saveState(); }
}
$('.side-tabs').addEventListener('click', (e) => {
  const tab = e.target.closest('[role="tab"]');
  if (tab) showPanel(tab.id.slice(4));
});
$('.side-tabs').addEventListener('keydown', (e) => {
  const at = PANELS.indexOf(document.activeElement.id.slice(4));
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: PANELS.length - 1 }[e.key];
  if (to === undefined || at < 0) return;
  e.preventDefault();
  showPanel(PANELS[(to + PANELS.length) % PANELS.length], { focus: true });
});
showPanel(state.panel);

// ---------------------------------------------------------------------------
// Cross-case questions (crosscase.js)

const selectedNode = () => { const s = view.selected(); return s && s.isNode() ? s : null; };
const cross = initCrossCase($('#cross'), {
  gql, busy, state, saveState: () => saveState(),
  add: (ids) => addEntities(ids),
  showEntity, labelOf, entityButton, articleLabel,
  selected: () => selectedNode()?.id() || '',
  selectedType: () => selectedNode()?.data('type') || '',
});
cross.absorb($('#shared-h').closest('section'));
// Reading a large view (readable.js): groups, sizes, layouts

/** Opens a group node: its members are drawn and laid out around what is there. */
function openGroup(id) {
  return busy('Opening the group', () => during(async () => {
    const before = snapshot();
    view.readable.open(id);
    await view.layout({});
    setStatus('Group opened. Undo (Ctrl+Z) folds it again.');
    renderDetails(view.selected());
    record(before);
  }));
}
/** Details of what readable.js draws in place of others: a group, its edges, a merged edge. */
function readableDetails(el) {
  const d = el.data();
  if (el.isNode()) {
    return `<p class="type">Group</p><h2 class="title">${esc(d.label)}</h2>
      <p class="small">Folded in ${entityButton(d.owner, labelOf(d.owner), 'CASE')}. Double-click or Enter opens it.</p>
      <div class="actions"><button type="button" data-action="expand">Open</button></div>
      <ul class="shared">${d.members.map((m) => `<li>${entityButton(m, labelOf(m), view.node(m)?.data('type'))}</li>`).join('')}</ul>`;
  }
  const ends = `<p class="ends">${entityButton(d.source, labelOf(d.source), view.node(d.source)?.data('type'))}
    <span aria-label="and">–</span> ${entityButton(d.target, labelOf(d.target), view.node(d.target)?.data('type'))}</p>`;
  if (d.derived) return `<h2 class="title">${esc(d.label)}</h2>${ends}<p class="hint">Between the group's members and the other end; open the group to see them.</p>`;
  return `<h2 class="title">${esc(humanize(d.type))} ×${d.merged.length}</h2>${ends}
    ${d.merged.map((mid) => view.element(mid)).filter(Boolean).map((m) => `<h3>${esc(labelOf(m.data('source')))} → ${esc(labelOf(m.data('target')))}</h3>
      ${renderProperties(m.data('properties'))}${renderCitations(m.data('sources'))}`).join('')}`;
}
/** A change to how the view reads (sizes, grouping, layout), recorded for undo. */
function readableChange(set, relayout = '') {
  return busy('Redrawing the view', () => during(async () => {
    const before = snapshot();
    view.readable.setState(set);
    view.applyFilters();
    if (relayout === 'all') await view.layout({ fit: true, randomize: true });
    if (relayout === 'new') await view.layout({});
    renderReadableTools();
    record(before);
  }));
}
function renderReadableTools() {
  const s = view.readable.state();
  $('#size-by').value = s.measure;
  $('#layout-by').value = s.layout;
  $('#grouping').checked = s.grouping;
}
$('#size-by').innerHTML = Object.entries(MEASURES).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('');
$('#layout-by').innerHTML = Object.entries(LAYOUTS).map(([k, v]) => `<option value="${k}">${esc(v)}</option>`).join('');
renderReadableTools();
$('#size-by').addEventListener('change', (e) => readableChange({ measure: e.target.value }));
$('#layout-by').addEventListener('change', (e) => readableChange({ layout: e.target.value }, 'all'));
$('#grouping').addEventListener('change', (e) => readableChange({ grouping: e.target.checked, opened: [] }, 'new'));

// ---------------------------------------------------------------------------
// Toolbar and exports

$('#fit').addEventListener('click', () => view.fit());
$('#relayout').addEventListener('click', () => view.layout({ fit: true, randomize: true }));
$('#clear').addEventListener('click', () => {
  const before = snapshot();
  view.clear();
  view.setHiddenNodes([]);
  expanded.clear();
  extra.clear();
  Object.assign(state, { pathFrom: '', pathTo: '', timeline: '' });
  renderPathEnds();
  $('#path-list').innerHTML = '';
  if ($('#drawer')) $('#drawer').hidden = true;
  renderDetails(null);
  closeInvestigation();
  record(before);
});
$('#undo').addEventListener('click', undo);
$('#redo').addEventListener('click', redo);
$('#hide').addEventListener('click', hideSelection);
$('#pin').addEventListener('click', togglePin);
$('#unhide').addEventListener('click', () => change(() => view.setHiddenNodes([])));

function exportName(ext) {
  const sel = view.selected();
  const base = sel && sel.isNode() ? sel.id().replace(/[^a-z0-9-]+/gi, '-') : 'view';
  return `casegraph-${base}.${ext}`;
}
const entityCitations = new Map(); // entity ID → its citations, for exports

/** The visible view with each entity's citations, fetched a hundred at a time where not yet known. */
async function exportData() {
  const { nodes, edges } = view.visibleData();
  const missing = nodes.map((n) => n.id).filter((id) => !entityCitations.has(id));
  for (let i = 0; i < missing.length; i += 100) {
    const ids = missing.slice(i, i + 100);
    const data = await gql(Q.CITATIONS, { ids });
    ids.forEach((id, j) => entityCitations.set(id, (data.nodes[j] && data.nodes[j].citations) || []));
  }
  return { nodes: nodes.map((n) => ({ ...n, citations: entityCitations.get(n.id) || [] })), edges };
}

/** The legend and the note (sources, date, link) a picture carries. */
function pictureContext(nodes, edges) {
  saveState();
  const note = noteLines(sourcesOf(nodes, edges), { url: window.location.href, date: new Date().toISOString().slice(0, 10) });
  return { legend: legendOf(nodes, edges), note };
}

/** Wires an export button: format names it, make turns the view into a blob. */
function exporter(button, format, ext, make) {
  $(button).addEventListener('click', () => {
    if (view.isEmpty()) { showError('The view is empty: nothing to export.'); return; }
    busy(`Exporting ${format}`, async () => {
      const data = await exportData();
      download(await make(data), exportName(ext));
      setStatus(`${format} exported.`);
    });
  });
}
const blob = (text, type) => new Blob([text], { type });
exporter('#export-png', 'PNG', 'png', async ({ nodes, edges }) => {
  const { legend, note } = pictureContext(nodes, edges);
  return pngWithLegend(await view.png(), legend, note);
});
exporter('#export-svg', 'SVG', 'svg', ({ nodes, edges }) => {
  const { legend, note } = pictureContext(nodes, edges);
  return blob(toSVG(view.scene(), legend, note), 'image/svg+xml');
});
exporter('#export-json', 'JSON', 'json', ({ nodes, edges }) => blob(`${JSON.stringify(toJSON(nodes, edges, { link: window.location.href }), null, 2)}\n`, 'application/json'));
exporter('#export-graphml', 'GraphML', 'graphml', ({ nodes, edges }) => blob(toGraphML(nodes, edges), 'application/graphml+xml'));
exporter('#export-nodes-csv', 'Nodes CSV', 'nodes.csv', ({ nodes }) => blob(toNodesCSV(nodes), 'text/csv'));
exporter('#export-edges-csv', 'Edges CSV', 'edges.csv', ({ edges }) => blob(toEdgesCSV(edges), 'text/csv'));
$('#copy-link').addEventListener('click', async () => {
  saveState();
  // With an investigation open, the link opens it as saved.
  const link = investigationLink() || window.location.href;
  try {
    await navigator.clipboard.writeText(link);
    setStatus(investigationLink() ? 'Link copied: it opens the investigation as saved.' : 'Link copied: it reopens this view.');
  } catch {
    window.prompt('Copy this link to share the view:', link);
  }
});

initInvestigations({ view, state, expanded, extra, busy, during, snapshot, record, saveState, setStatus, showError, renderDetails });

// ---------------------------------------------------------------------------
// Keyboard

const graphEl = $('#graph');
graphEl.addEventListener('keydown', (e) => {
  const nodes = view.orderedNodes();
  if (!nodes.length) return;
  const sel = view.selected();
  const idx = sel && sel.isNode() ? nodes.indexOf(sel) : -1;
  const move = (i) => { const n = nodes[(i + nodes.length) % nodes.length]; view.select(n.id()); view.center(n.id()); };
  switch (e.key) {
    case 'ArrowRight': case 'ArrowDown': e.preventDefault(); move(idx + 1); break;
    case 'ArrowLeft': case 'ArrowUp': e.preventDefault(); move(idx < 0 ? -1 : idx - 1); break;
    case 'Home': e.preventDefault(); move(0); break;
    case 'End': e.preventDefault(); move(-1); break;
    case 'Enter': if (sel && sel.isNode()) { e.preventDefault(); expand(sel.id(), { also: view.selectedNodes() }); } break;
    case 'Escape': e.preventDefault(); view.clearSelection(); break;
    case '+': case '=': e.preventDefault(); view.cy.zoom({ level: view.cy.zoom() * 1.2, renderedPosition: { x: graphEl.clientWidth / 2, y: graphEl.clientHeight / 2 } }); break;
    case '-': e.preventDefault(); view.cy.zoom({ level: view.cy.zoom() / 1.2, renderedPosition: { x: graphEl.clientWidth / 2, y: graphEl.clientHeight / 2 } }); break;
    default:
  }
});
document.addEventListener('keydown', (e) => {
  const t = e.target;
  const typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
  if (e.key === '/' && !typing) { e.preventDefault(); input.focus(); input.select(); }
  if (e.key === 'Escape' && !typing && !$('#error').hidden) hideError();
  if (typing || e.altKey) return;
  const ctrl = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (ctrl && (key === 'y' || (key === 'z' && e.shiftKey))) { e.preventDefault(); redo(); return; }
  if (ctrl && key === 'z') { e.preventDefault(); undo(); return; }
  if (ctrl) return;
  if (e.key === 'Delete' || e.key === 'Backspace') { e.preventDefault(); hideSelection(); }
  else if (key === 'p') { e.preventDefault(); togglePin(); }
  else if (e.key === 'Escape' && e.target !== graphEl) view.clearSelection();
});
document.querySelectorAll('[data-open]').forEach((b) => b.addEventListener('click', () => open(b.dataset.open)));

// ---------------------------------------------------------------------------
// Start: rebuild the view the URL describes

async function restore() {
  renderLegend();
  renderRelFilter();
  renderPathEnds();
  $('#empty').hidden = !view.isEmpty() || state.expanded.length + state.extra.length > 0;
  loadChoices().then(renderChoices).catch(() => { $('#shared-value').innerHTML = '<option value="">Could not load the choices</option>'; });
  // The panel the link shows; without one, the last question the link asks.
  const panel = state.panel;
  await rebuild();
  if (state.selected && view.has(state.selected)) view.select(state.selected);
  if (state.pathFrom && state.pathTo) await findPaths();
  if (state.timeline) { await openTimeline(state.timeline); view.fit(); }
  if (state.sharedKind && state.sharedValue) { await loadChoices().catch(() => null); await findShared(state.sharedKind, state.sharedValue); }
  if (state.crossQuestion) { showPanel('questions'); await cross.restore(); }
  if (panel) showPanel(panel);
  restoring = false;
  commit(false);
  document.body.dataset.ready = 'true';
}

/** Draws the entities the URL (state) names, laid out afresh, then pins what it pins; or opens the saved investigation it names. */
async function rebuild() {
  if (state.inv) {
    await openInvestigation(state.inv);
    $('#empty').hidden = !view.isEmpty();
    return;
  }
  if (state.expanded.length || state.extra.length) {
    await busy('Opening the shared view', async () => {
      const answers = await Promise.all(state.expanded.map((id) => gql(Q.NEIGHBOURHOOD, { id }).then((d) => [id, d.neighbourhood])));
      for (const [id, nb] of answers) { view.merge(nb); view.markExpanded(id); }
      if (state.extra.length) {
        const data = await gql(Q.SUBGRAPH, { ids: state.extra });
        view.merge(data.subgraph);
      }
      await completeEdges();
      await view.layout({ fit: true, randomize: true });
      view.setPinned(state.pinned);
    }, rebuild);
  }
  $('#empty').hidden = !view.isEmpty();
}

// For the end-to-end tests and the browser console: what is in view, and
// selecting by ID.
window.casegraphExplorer = {
  view: () => view.visibleData(),
  select: (id) => showEntity(id),
  selected: () => view.selectedNodes(),
  pinned: () => view.pinnedIds(),
  position: (id) => view.drawnPosition(id),
  // Entities drawn with the note's halo.
  noted: () => view.cy.nodes('.noted').filter((n) => n.numericStyle('underlay-opacity') > 0).map((n) => n.id()),
  // How the view reads: label boxes as drawn, merged edges, groups, sizes.
  labels: () => { view.readable.placeLabels(); return view.readable.labelBoxes(); },
  drawnEdges: () => view.cy.edges().not('.hidden, .merged-away').filter((e) => !e.source().hasClass('folded') && !e.target().hasClass('folded'))
    .map((e) => ({ id: e.id(), type: e.data('type'), source: e.data('source'), target: e.data('target'), merged: e.hasClass('multi') ? e.data('merged') || [] : [e.id()], count: e.hasClass('multi') ? Number(String(e.data('mcount')).slice(1)) : 1, text: e.hasClass('multi') ? e.data('mcount') : '' })),
  groups: () => view.cy.nodes('[?group]').map((g) => ({ id: g.id(), label: g.data('label'), members: g.data('members') })),
  drawn: () => view.cy.nodes().not('.hidden, .folded').map((n) => n.id()),
  texts: () => view.cy.nodes().not('.hidden, .folded').map((n) => ({ id: n.id(), label: n.data('label'), short: n.data('short') })),
  sizes: () => Object.fromEntries(view.cy.nodes().not('.hidden, .folded').map((n) => [n.id(), n.width()])),
  rendered: () => Object.fromEntries(view.cy.nodes().not('.hidden, .folded').map((n) => [n.id(), n.renderedPosition()])),
  // Where a node is drawn, in page coordinates, for clicking it.
  onPage: (id) => {
    const n = view.node(id);
    if (!n) return null;
    const r = n.renderedPosition();
    const box = graphEl.getBoundingClientRect();
    return { x: box.left + r.x, y: box.top + r.y };
  },
};

restore();
