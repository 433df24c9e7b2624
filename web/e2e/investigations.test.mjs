// End-to-end tests of saved investigations: saving a view (entities, a
// moved node, a filter, a note) with an editor token, opening it by link
// and from the list, the refusals without a token or with a reader's, a
// stale save and deleting. They drive headless Chromium against a running
// casegraph at CASEGRAPH_URL; E2E_EDITOR_TOKEN and E2E_READER_TOKEN are
// tokens of that service's Neo4j (scripts/test.sh makes them with
// casegraph token create). Each run uses investigation IDs of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, askAPI, base, faults, openTab, session } from './browser.mjs';

const EDITOR = process.env.E2E_EDITOR_TOKEN || '';
const READER = process.env.E2E_READER_TOKEN || '';

const MAMAI = 'person/zhanbolat-mamai';
const PARTY = 'party/democratic-party';
const run = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const ID = `investigation/${run}`;
const NAME = `0 E2E Mamai's party ${run}`;
const NOTE = `Unregistered; he leads it (${run}).`;

const { problems, browser } = session();
let context;
let page;
const saved = {}; // what the first test saved: positions, the hidden relationship type

const READ = `query($id: ID!) { investigation(id: $id) {
  id name version entityIds positions { entity x y } filters { hiddenTypes hiddenRelationshipTypes state } notes { entity text } } }`;
const readBack = async (id = ID) => (await askAPI(base, READ, { id })).investigation;

before(async () => {
  assert.ok(EDITOR && READER, 'set E2E_EDITOR_TOKEN and E2E_READER_TOKEN to an editor and a reader token of the service (casegraph token create)');
  ({ context, page } = await browser());
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.goto(`${base}/explore?e=${MAMAI}`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  for (const id of [ID, `${ID}-refused`]) {
    const it = await readBack(id).catch(() => null);
    if (it) await askAPI(base, 'mutation($id: ID!, $v: Int!) { deleteInvestigation(id: $id, version: $v) { version } }', { id, v: it.version }, EDITOR).catch(() => null);
  }
});

const shot = (p, name) => p.screenshot({ path: join(artifacts, `${name}.png`) });
const api = (p, fn, arg) => p.evaluate(fn, arg);
const allIds = async (p = page) => (await api(p, () => window.casegraphExplorer.view().nodes.map((n) => n.id))).sort();
const positions = (p, ids) => api(p, (xs) => Object.fromEntries(xs.map((id) => [id, window.casegraphExplorer.position(id)])), ids);
const idle = (p = page) => p.waitForFunction(() => !document.body.classList.contains('loading'));
async function select(p, id) {
  await api(p, (i) => window.casegraphExplorer.select(i), id);
  await p.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), id);
}
const openPage = (url) => openTab(context, problems, url);
/** Chooses an item of the Investigation menu. */
async function menu(p, item) {
  await p.locator('#inv-menu summary').click();
  await p.getByRole('button', { name: item }).click();
}
/** Fills the save dialog and sends it with Enter; token '' leaves the token field as it is. */
async function saveDialog(p, { name, slug, token = '' }) {
  await menu(p, 'Save…');
  await p.waitForFunction(() => document.querySelector('#inv-save-dialog').open);
  await p.fill('#inv-name', name);
  if (slug !== undefined && !(await p.locator('#inv-id').getAttribute('readonly'))) await p.fill('#inv-id', slug);
  if (token) await p.fill('#inv-token', token);
  await p.locator('#inv-name').press('Enter');
}
const message = (p) => p.waitForFunction(() => {
  const t = document.querySelector('#inv-save-msg').textContent;
  return t && t !== 'Saving…' ? t : null;
}).then((h) => h.jsonValue());
/** Every position within 1 px of the expected one. */
function samePlaces(got, want) {
  for (const [id, w] of Object.entries(want)) {
    assert.ok(got[id], `${id} is drawn`);
    assert.ok(Math.abs(got[id].x - w.x) <= 1 && Math.abs(got[id].y - w.y) <= 1, `${id} at ${JSON.stringify(got[id])}, saved at ${JSON.stringify(w)}`);
  }
}

test('Save keeps the entities, a moved node, a relationship filter and a note on the server', async () => {
  await idle();
  // Move the party by dragging it.
  const from = await api(page, (i) => window.casegraphExplorer.onPage(i), PARTY);
  const was = (await positions(page, [PARTY]))[PARTY];
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + 45, { steps: 6 });
  await page.mouse.up();
  const moved = (await positions(page, [PARTY]))[PARTY];
  assert.ok(Math.hypot(moved.x - was.x, moved.y - was.y) > 20, `the drag moved the party: ${JSON.stringify(was)} → ${JSON.stringify(moved)}`);
  // Hide a relationship type.
  const box = page.locator('#rel-filter input[data-rel]').first();
  saved.rel = await box.getAttribute('data-rel');
  await box.uncheck();
  await page.waitForFunction((r) => !window.casegraphExplorer.view().edges.some((e) => e.type === r), saved.rel);
  // A note on the party, typed in its details.
  await select(page, PARTY);
  await page.fill(`#inv-note-text[data-note-for="${PARTY}"]`, NOTE);
  assert.deepEqual(await api(page, () => window.casegraphExplorer.noted()), [PARTY], 'the noted entity is marked');

  await saveDialog(page, { name: NAME, slug: run, token: EDITOR });
  await page.waitForFunction(() => !document.querySelector('#inv-save-dialog').open);
  assert.match(await page.locator('#status').textContent(), /Saved “0 E2E/);
  assert.match(page.url(), new RegExp(`[?&]inv=${ID}(&|$)`));
  assert.equal(await page.locator('#inv-current').textContent(), NAME);
  await page.locator('#inv-menu summary').click();
  await shot(page, 'investigation-menu');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#inv-menu').getAttribute('open'), null, 'Escape closes the menu');
  assert.equal(await api(page, () => sessionStorage.getItem('casegraph.token')), EDITOR, 'the token is kept for the tab');
  assert.equal(await api(page, () => localStorage.length), 0, 'nothing in localStorage');
  assert.doesNotMatch(page.url(), new RegExp(EDITOR.slice(0, 12)));
  await shot(page, 'investigation-saved');

  const it = await readBack();
  const ids = await allIds();
  saved.ids = ids;
  saved.places = await positions(page, ids);
  assert.equal(it.name, NAME);
  assert.equal(it.version, 1);
  assert.deepEqual([...it.entityIds].sort(), ids);
  const at = Object.fromEntries(it.positions.map((p) => [p.entity, p]));
  samePlaces(at, saved.places);
  assert.ok(Math.abs(at[PARTY].x - moved.x) < 0.01 && Math.abs(at[PARTY].y - moved.y) < 0.01, 'the moved position is saved');
  assert.deepEqual(it.filters.hiddenRelationshipTypes, [saved.rel]);
  assert.ok(it.filters.state.expanded.includes(MAMAI), 'the expanded entity is kept');
  assert.deepEqual(it.notes, [{ entity: PARTY, text: NOTE }]);
});

test('its link opens it in a fresh page: the same entities at the saved positions, the filter and the note', async () => {
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await api(page, () => navigator.clipboard.readText());
  assert.equal(link, `${base}/explore?inv=${ID}`);
  const p = await openPage(link);
  try {
    await idle(p);
    assert.deepEqual(await allIds(p), saved.ids);
    samePlaces(await positions(p, saved.ids), saved.places);
    assert.equal(await p.locator(`#rel-filter input[data-rel="${saved.rel}"]`).isChecked(), false);
    assert.ok(!(await api(p, () => window.casegraphExplorer.view().edges)).some((e) => e.type === saved.rel), 'the hidden relationship type stays hidden');
    assert.deepEqual(await api(p, () => window.casegraphExplorer.noted()), [PARTY]);
    assert.equal(await p.locator('#inv-current').textContent(), NAME);
    await select(p, PARTY);
    assert.equal(await p.locator('#inv-note-text').inputValue(), NOTE);
    await shot(p, 'investigation-opened-by-link');
    // Expanding lays out what it adds around what the investigation placed,
    // which stays where it was saved.
    await p.locator('#graph').focus();
    await p.keyboard.press('Enter');
    await p.waitForFunction((n) => window.casegraphExplorer.view().nodes.length > n, saved.ids.length);
    await idle(p);
    samePlaces(await positions(p, saved.ids), saved.places);
  } finally {
    await p.close();
  }
});

test('opening from the list is one view change: Back, Forward, Undo and Redo', async () => {
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 0);
  assert.equal(await page.locator('#inv-current').getAttribute('hidden'), '', 'Clear closes the investigation');
  await menu(page, 'Open…');
  const item = page.locator(`#inv-list button[data-open-inv="${ID}"]`);
  // Page through the list until this run's investigation shows.
  for (let i = 0; i < 50 && !(await item.count()); i++) {
    await page.waitForFunction(() => !/Loading/.test(document.querySelector('#inv-open-msg').textContent));
    if (await item.count()) break;
    assert.ok(await page.locator('#inv-more').isVisible(), `${ID} is listed`);
    await page.locator('#inv-more').click();
  }
  await shot(page, 'investigation-list');
  await item.click();
  await page.waitForFunction((n) => window.casegraphExplorer.view().nodes.length === n, saved.ids.length);
  await idle();
  samePlaces(await positions(page, saved.ids), saved.places);
  assert.match(page.url(), new RegExp(`[?&]inv=${ID}(&|$)`));

  await page.goBack();
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 0);
  assert.equal(await page.locator('#inv-current').getAttribute('hidden'), '');
  await page.goForward();
  await page.waitForFunction((n) => window.casegraphExplorer.view().nodes.length === n, saved.ids.length);
  samePlaces(await positions(page, saved.ids), saved.places);
  assert.equal(await page.locator('#inv-current').textContent(), NAME);
  assert.deepEqual(await api(page, () => window.casegraphExplorer.noted()), [PARTY]);

  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 0);
  await page.getByRole('button', { name: 'Redo' }).click();
  await page.waitForFunction((n) => window.casegraphExplorer.view().nodes.length === n, saved.ids.length);
  samePlaces(await positions(page, saved.ids), saved.places);
  assert.equal(await page.locator('#inv-current').textContent(), NAME);
});

test('a stale save reports the conflict, writes nothing and offers to reload', async () => {
  const SAVE = 'mutation($input: InvestigationInput!, $v: Int) { saveInvestigation(input: $input, version: $v) { version } }';
  const other = await askAPI(base, SAVE, { input: { id: ID, name: `Changed elsewhere ${run}`, entities: [PARTY] }, v: 1 }, EDITOR);
  assert.equal(other.saveInvestigation.version, 2);
  await saveDialog(page, { name: `${NAME} again` });
  assert.match(await message(page), /CONFLICT.*someone else saved/);
  assert.equal(await page.locator('#inv-reload').isVisible(), true);
  await shot(page, 'investigation-conflict');
  const it = await readBack();
  assert.equal(it.version, 2);
  assert.equal(it.name, `Changed elsewhere ${run}`);
  await page.locator('#inv-reload').click();
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 1);
  assert.equal(await page.locator('#inv-current').textContent(), `Changed elsewhere ${run}`);
  // Saved again from the version just read, it goes through.
  await saveDialog(page, { name: NAME });
  await page.waitForFunction(() => !document.querySelector('#inv-save-dialog').open);
  assert.equal((await readBack()).version, 3);
});

test('saving without a token, with a reader token or a bad one fails with a clear message and writes nothing', async () => {
  const p = await openPage(`${base}/explore?e=${MAMAI}`); // a new tab: no token kept
  const id = `${ID}-refused`;
  try {
    await idle(p);
    assert.equal(await p.locator('#inv-token').isVisible(), false, 'the dialog is closed');
    await saveDialog(p, { name: 'Refused', slug: `${run}-refused` });
    assert.match(await message(p), /UNAUTHENTICATED.*needs a token with the editor role/);
    await p.fill('#inv-token', READER);
    await p.locator('#inv-name').press('Enter');
    await p.waitForFunction(() => /FORBIDDEN/.test(document.querySelector('#inv-save-msg').textContent));
    assert.match(await p.locator('#inv-save-msg').textContent(), /FORBIDDEN.*reader role.*needs editor/);
    await shot(p, 'investigation-forbidden');
    assert.equal(await p.locator('#inv-token').isVisible(), true, 'the dialog asks for another token');
    await p.fill('#inv-token', 'cg_not-a-token');
    await p.locator('#inv-name').press('Enter');
    await p.waitForFunction(() => /not valid/.test(document.querySelector('#inv-save-msg').textContent));
    assert.match(await p.locator('#inv-save-msg').textContent(), /UNAUTHENTICATED/);
    assert.equal(await api(p, () => sessionStorage.getItem('casegraph.token')), null, 'a token the service refuses is not kept');
    assert.equal(await readBack(id), null, 'nothing was saved');
    assert.doesNotMatch(p.url(), /inv=/);
    await p.keyboard.press('Escape');
    await p.waitForFunction(() => !document.querySelector('#inv-save-dialog').open);
  } finally {
    await p.close();
  }
});

test('Delete asks first; confirmed, the investigation is gone', async () => {
  page.once('dialog', (d) => d.dismiss());
  await menu(page, 'Delete');
  assert.ok(await readBack(), 'dismissed: still saved');
  page.once('dialog', (d) => d.accept());
  await menu(page, 'Delete');
  await page.waitForFunction(() => /Deleted/.test(document.querySelector('#status').textContent));
  assert.equal(await readBack(), null);
  assert.equal(await page.locator('#inv-delete').isDisabled(), true);
  assert.doesNotMatch(page.url(), /inv=/);
  // The browser logs the refusals these tests ask for (401, 403, 409) and
  // any 429 waited out; nothing else may be logged.
  assert.deepEqual(faults(problems, 401, 403, 409), []);
});
