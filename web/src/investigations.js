// Saved investigations: a named view kept on the server (the entities
// drawn, where, what is hidden, notes on entities), saved, listed, reopened
// by link and deleted. Saving and deleting need a token with the editor
// role; it is asked in the save dialog and kept in this tab's
// sessionStorage only, never in the URL or localStorage.

import { gql, ApiError } from './api.js';
import * as Q from './queries.js';
import { ENTITY_TYPES } from './types.js';

const TOKEN_KEY = 'casegraph.token';
const SUBGRAPH_MAX = 500; // entities subgraph(ids:) takes at once
const ENTITIES_MAX = 1000; // entities an investigation holds at most
const TYPES = new Set(ENTITY_TYPES.map((t) => t.type));

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// The page's working state: the investigation open (null for none) and the
// notes on entities, saved with it.
let current = null; // {id, name, description, version, updatedBy, updatedAt}
let notes = new Map(); // entity ID → note
let ctx = null; // what main.js lends: see initInvestigations

const token = () => sessionStorage.getItem(TOKEN_KEY) || '';

/** Marks the entities in view that carry a note (class noted). */
export function markNotes(view) {
  view.cy.batch(() => view.cy.nodes().forEach((n) => n.toggleClass('noted', Boolean(notes.get(n.id())))));
}

/** The details panel's note field for an entity. */
export function noteField(id) {
  return `<div class="inv-note">
    <label for="inv-note-text">Note <span class="hint">saved with the investigation</span></label>
    <textarea id="inv-note-text" data-note-for="${esc(id)}" rows="3" maxlength="2000">${esc(notes.get(id) || '')}</textarea>
  </div>`;
}

/** The investigation state an undo snapshot keeps. */
export function invSnapshot() {
  return { current: current && { ...current }, notes: [...notes] };
}

/**
 * Puts back the investigation of a snapshot. Notes typed since follow the
 * investigation: they are put back only when undo or Back switches to
 * another investigation (or none), so undoing a hide does not lose a note.
 */
export function invRestore(snap) {
  if (!snap || (snap.current && snap.current.id) === (current && current.id)) return;
  current = snap.current && { ...snap.current };
  notes = new Map(snap.notes);
  ctx.state.inv = current ? current.id : '';
  renderBar();
}

/** Forgets the investigation open (the view stays); Clear does so. */
export function closeInvestigation() {
  current = null;
  notes = new Map();
  ctx.state.inv = '';
  renderBar();
}

/** The link that opens the investigation open, or '' when none is. */
export function investigationLink() {
  if (!current) return '';
  const u = new URL(window.location.pathname, window.location.href);
  // Slashes read better unescaped and are safe in a query, as in state.js.
  u.search = `?inv=${encodeURIComponent(current.id).replace(/%2F/gi, '/')}`;
  return u.toString();
}

function renderBar() {
  $('#inv-delete').disabled = !current;
  const name = $('#inv-current');
  name.textContent = current ? current.name : '';
  name.title = current ? `${current.id}, version ${current.version}, saved by ${current.updatedBy} at ${current.updatedAt}` : '';
  name.hidden = !current;
  $('#inv-menu').classList.toggle('has-inv', Boolean(current));
  $('#inv-menu summary').title = current ? `Investigation open: ${current.name}` : 'Saved investigations: save this view, open one, delete it';
}

/** "Mamai's party, 2022" → "mamais-party-2022". */
function slug(name) {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

/** The view as an InvestigationInput, without id, name and description. */
function collect() {
  const { view, expanded } = ctx;
  const ids = view.nodeIds();
  const inView = (id) => view.has(id);
  const rels = new Set(Object.keys(view.counts().rels));
  return {
    entities: ids,
    // A folded entity is saved where its group is drawn, so the group
    // reopens there (and opening it lays its members out afresh).
    positions: ids.map((id) => ({ entity: id, ...view.drawnPosition(id) })),
    filters: {
      hiddenTypes: [...view.hiddenTypes].filter((t) => TYPES.has(t)),
      hiddenRelationshipTypes: [...view.hiddenRels].filter((r) => rels.has(r)),
      state: { expanded: [...expanded].filter(inView), hidden: [...view.hiddenNodes].filter(inView), pinned: view.pinnedIds() },
    },
    notes: [...notes].filter(([id, text]) => inView(id) && text.trim()).map(([entity, text]) => ({ entity, text })),
  };
}

/** What a refused save or delete tells the analyst, with the API's code; need says which role it takes. */
function explain(err, what, need) {
  if (!(err instanceof ApiError)) return `${what}: an unexpected error occurred.`;
  const detail = err.detail || err.message;
  switch (err.code) {
    case 'UNAUTHENTICATED':
      return `${what} (UNAUTHENTICATED): ${token() ? 'the token is not valid (unknown, revoked or mistyped)' : 'it needs a token with the editor role, and none was given'}. `
        + 'An administrator makes one with “casegraph token create -role editor -name NAME”.';
    case 'FORBIDDEN':
      return `${what} (FORBIDDEN): ${detail}. ${need}`;
    default:
      return `${what}${err.code ? ` (${err.code})` : ''}: ${detail}.`;
  }
}

// ---------------------------------------------------------------------------
// Opening

/**
 * Rebuilds the view from a saved investigation: its entities at their saved
 * positions (no layout), its filters, pins and notes. One view change, so
 * Undo and Back return to the view before it.
 */
export function openInvestigation(id) {
  const { busy, during, snapshot, record, state } = ctx;
  return busy(`Opening the investigation ${id}`, () => during(async () => {
    const before = snapshot();
    const it = (await gql(Q.INVESTIGATION, { id })).investigation;
    if (!it) {
      state.inv = current ? current.id : ''; // a link to one deleted since names none
      throw new ApiError(`There is no saved investigation ${id} (it may have been deleted).`, { code: 'NOT_FOUND' });
    }
    await load(it);
    record(before);
    ctx.setStatus(`Opened “${it.name}”: ${it.entities.length} entities as saved by ${it.updatedBy}.`);
  }), () => openInvestigation(id));
}

async function load(it) {
  const { view, expanded, extra, state } = ctx;
  const ids = it.entities.map((e) => e.id);
  const parts = [];
  for (let i = 0; i < ids.length; i += SUBGRAPH_MAX) {
    parts.push((await gql(Q.SUBGRAPH, { ids: ids.slice(i, i + SUBGRAPH_MAX) })).subgraph);
  }
  const saved = it.filters.state || {};
  current = { id: it.id, name: it.name, description: it.description, version: it.version, updatedBy: it.updatedBy, updatedAt: it.updatedAt };
  notes = new Map(it.notes.map((n) => [n.entity, n.text]));
  state.inv = it.id;
  view.clear();
  expanded.clear();
  extra.clear();
  view.hiddenTypes = new Set(it.filters.hiddenTypes);
  view.hiddenRels = new Set(it.filters.hiddenRelationshipTypes);
  view.hiddenNodes = new Set(saved.hidden || []);
  parts.forEach((p) => view.merge(p));
  view.place(it.positions);
  (saved.expanded || []).filter((x) => view.has(x)).forEach((x) => { expanded.add(x); view.markExpanded(x); });
  ids.forEach((x) => { if (!expanded.has(x)) extra.add(x); });
  view.setPinned(saved.pinned || []);
  view.cy.fit(view.cy.elements().not('.hidden'), 40);
  markNotes(view);
  ctx.renderDetails(view.selected());
  renderBar();
}

let listAfter = null; // the next page's cursor in the Open dialog

async function listPage(more) {
  const body = $('#inv-list');
  const status = $('#inv-open-msg');
  if (!more) { body.innerHTML = ''; listAfter = null; }
  status.textContent = 'Loading the saved investigations…';
  try {
    const page = (await gql(Q.INVESTIGATIONS, { after: listAfter })).investigations;
    body.insertAdjacentHTML('beforeend', page.edges.map(({ node: n }) => `<li>
      <button type="button" class="linkish inv-name" data-open-inv="${esc(n.id)}">${esc(n.name)}</button>
      ${n.description ? `<p class="inv-desc">${esc(n.description)}</p>` : ''}
      <p class="small">Saved by ${esc(n.updatedBy)}, <time datetime="${esc(n.updatedAt)}">${esc(n.updatedAt.slice(0, 16).replace('T', ' '))}</time> · ${n.entityIds.length} entities · <code>${esc(n.id)}</code></p>
    </li>`).join(''));
    listAfter = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    $('#inv-more').hidden = !listAfter;
    status.textContent = page.totalCount ? `${page.totalCount} saved investigation${page.totalCount === 1 ? '' : 's'}.` : 'No investigation is saved yet.';
  } catch (err) {
    status.textContent = `Could not list the investigations: ${err instanceof ApiError ? err.message : 'an unexpected error occurred.'}`;
  }
}

// ---------------------------------------------------------------------------
// Saving and deleting

function openSaveDialog() {
  const dlg = $('#inv-save-dialog');
  const form = dlg.querySelector('form');
  form.reset();
  $('#inv-save-msg').textContent = '';
  $('#inv-reload').hidden = true;
  $('#inv-as-new').closest('label').hidden = !current;
  $('#inv-name').value = current ? current.name : '';
  $('#inv-description').value = current ? current.description : '';
  $('#inv-id').value = current ? current.id.replace(/^investigation\//, '') : '';
  $('#inv-id').readOnly = Boolean(current);
  renderTokenField(Boolean(token()));
  dlg.showModal();
  $('#inv-name').focus();
}

/** The token field shows when no token is kept, or the analyst asks for another. */
function renderTokenField(kept) {
  $('#inv-token-kept').hidden = !kept;
  $('#inv-token-row').hidden = kept;
  $('#inv-token').value = '';
}

async function save() {
  const msg = $('#inv-save-msg');
  const asNew = !current || $('#inv-as-new').checked;
  const name = $('#inv-name').value.trim();
  const idSlug = $('#inv-id').value.trim() || slug(name);
  if (!name) { msg.textContent = 'Give the investigation a name.'; $('#inv-name').focus(); return; }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(idSlug)) { msg.textContent = 'The ID takes lower-case letters, digits and single hyphens.'; $('#inv-id').focus(); return; }
  const typed = $('#inv-token').value.trim();
  $('#inv-token').value = '';
  if (typed) sessionStorage.setItem(TOKEN_KEY, typed);
  const input = { id: `investigation/${idSlug}`, name, description: $('#inv-description').value.trim(), ...collect() };
  if (input.entities.length > ENTITIES_MAX) { msg.textContent = `An investigation holds at most ${ENTITIES_MAX} entities; this view has ${input.entities.length}.`; return; }
  const version = asNew ? 0 : current.version;
  msg.textContent = 'Saving…';
  $('#inv-reload').hidden = true;
  try {
    const it = (await gql(Q.SAVE_INVESTIGATION, { input, version, reason: 'saved from the explorer' }, { token: token() })).saveInvestigation;
    current = { id: it.id, name: it.name, description: it.description, version: it.version, updatedBy: it.updatedBy, updatedAt: it.updatedAt };
    ctx.state.inv = it.id;
    ctx.saveState({});
    renderBar();
    $('#inv-save-dialog').close();
    ctx.setStatus(`Saved “${it.name}” (version ${it.version}). Copy link shares it.`);
  } catch (err) {
    if (err.code === 'CONFLICT' && version) {
      msg.textContent = 'Not saved (CONFLICT): someone else saved this investigation since you opened it. '
        + 'Reload it to see theirs (the changes to this view are lost), or save yours as a new investigation.';
      $('#inv-reload').hidden = false;
    } else if (err.code === 'CONFLICT') {
      msg.textContent = `Not saved (CONFLICT): an investigation with the ID ${input.id} exists already. Choose another ID, or open it first.`;
      $('#inv-id').readOnly = false;
    } else {
      msg.textContent = explain(err, 'Not saved', 'Saving needs the editor role.');
    }
    // A token the service does not know is dropped; for it, and for one
    // too weak, the field asks for another.
    if (err.code === 'UNAUTHENTICATED') sessionStorage.removeItem(TOKEN_KEY);
    if (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') renderTokenField(false);
  }
}

async function remove() {
  if (!current) return;
  // eslint-disable-next-line no-alert
  if (!window.confirm(`Delete the saved investigation “${current.name}”? Its history keeps a copy; the view stays as it is.`)) return;
  try {
    await gql(Q.DELETE_INVESTIGATION, { id: current.id, version: current.version }, { token: token() });
    const { name } = current;
    closeInvestigation();
    ctx.saveState({});
    ctx.setStatus(`Deleted “${name}”.`);
  } catch (err) {
    ctx.showError(err.code === 'CONFLICT'
      ? 'Not deleted (CONFLICT): someone else saved this investigation since you opened it; open it again first.'
      : `${explain(err, 'Not deleted', 'Deleting needs the editor role for an investigation one created, the admin role for another\'s.')}${token() ? '' : ' The save dialog (Save…) takes a token.'}`);
  }
}

/**
 * Wires the toolbar's Investigation buttons and dialogs. c lends what the
 * page owns: view, state, expanded, extra, busy, during, snapshot, record,
 * saveState, setStatus, showError, renderDetails.
 */
export function initInvestigations(c) {
  ctx = c;
  // The menu closes when one of its buttons is chosen, on Escape and on a
  // click elsewhere.
  const menu = $('#inv-menu');
  menu.addEventListener('click', (e) => { if (e.target.closest('button')) menu.open = false; });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && menu.open) { e.stopPropagation(); menu.open = false; menu.querySelector('summary').focus(); }
  });
  document.addEventListener('click', (e) => { if (menu.open && !menu.contains(e.target)) menu.open = false; });
  $('#inv-save').addEventListener('click', openSaveDialog);
  $('#inv-open').addEventListener('click', () => { $('#inv-open-dialog').showModal(); listPage(false); });
  $('#inv-delete').addEventListener('click', remove);
  $('#inv-more').addEventListener('click', () => listPage(true));
  $('#inv-token-change').addEventListener('click', () => { renderTokenField(false); $('#inv-token').focus(); });
  $('#inv-name').addEventListener('input', () => { if (!$('#inv-id').readOnly) $('#inv-id').placeholder = slug($('#inv-name').value) || 'mamai-network'; });
  $('#inv-as-new').addEventListener('change', (e) => { $('#inv-id').readOnly = !e.target.checked; if (e.target.checked) $('#inv-id').value = ''; });
  // The forms are never submitted (the page's CSP has form-action 'none').
  $('#inv-save-dialog form').addEventListener('submit', (e) => { e.preventDefault(); save(); });
  $('#inv-reload').addEventListener('click', () => { $('#inv-save-dialog').close(); openInvestigation(current.id); });
  document.querySelectorAll('dialog.inv [data-close]').forEach((b) => b.addEventListener('click', () => b.closest('dialog').close()));
  $('#inv-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-open-inv]');
    if (!b) return;
    $('#inv-open-dialog').close();
    openInvestigation(b.dataset.openInv);
  });
  $('#details').addEventListener('input', (e) => {
    const id = e.target.dataset && e.target.dataset.noteFor;
    if (!id) return;
    if (e.target.value.trim()) notes.set(id, e.target.value); else notes.delete(id);
    const n = c.view.node(id);
    if (n) n.toggleClass('noted', notes.has(id));
  });
  renderBar();
}
