// End-to-end tests of working on the view: hiding, pinning, selecting
// several, undo and redo, the browser's Back and Forward, and expanding by
// one relationship type. Like explorer.test.mjs, they drive headless
// Chromium against a running casegraph at CASEGRAPH_URL serving the bundled
// cases.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, askAPI, base, faults, openTab, session } from './browser.mjs';

const MAMAI = 'person/zhanbolat-mamai';
const PARTY = 'party/democratic-party';
const CASE = 'case/zhanbolat-mamai-2022';

const { problems, browser } = session();
let context;
let page;

before(async () => {
  ({ context, page } = await browser());
  await page.goto(`${base}/explore?e=${MAMAI}`);
  await page.waitForSelector('body[data-ready="true"]');
});

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const api = (p, fn, arg) => p.evaluate(fn, arg);
const visibleIds = async (p = page) => (await api(p, () => window.casegraphExplorer.view().nodes.map((n) => n.id))).sort();
const idle = (p = page) => p.waitForFunction(() => !document.body.classList.contains('loading'));
async function select(id, p = page) {
  await api(p, (i) => window.casegraphExplorer.select(i), id);
  await p.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), id);
}
/** Another tab on url, its errors collected too, once it has rebuilt the view. */
const openPage = (url) => openTab(context, problems, url);
const has = (id) => page.waitForFunction((i) => window.casegraphExplorer.view().nodes.some((n) => n.id === i), id);
const hasNot = (id) => page.waitForFunction((i) => !window.casegraphExplorer.view().nodes.some((n) => n.id === i), id);

test('Delete hides the selection, Undo brings it back and Redo hides it again', async () => {
  const all = await visibleIds();
  assert.ok(all.includes(PARTY));
  await select(PARTY);
  await page.keyboard.press('Delete');
  await hasNot(PARTY);
  assert.ok(!(await api(page, () => window.casegraphExplorer.view().edges)).some((e) => e.source === PARTY || e.target === PARTY), 'its edges are hidden too');
  assert.match(page.url(), /[?&]x=party\/democratic-party/);
  await page.getByRole('button', { name: 'Undo' }).click();
  await has(PARTY);
  assert.deepEqual(await visibleIds(), all);
  assert.doesNotMatch(page.url(), /[?&]x=/);
  await page.keyboard.press('Control+Shift+Z');
  await hasNot(PARTY);
  await page.keyboard.press('Control+Z');
  await has(PARTY);
  await page.keyboard.press('Control+Y');
  await hasNot(PARTY);
  await page.getByRole('button', { name: /^Unhide all/ }).click();
  await has(PARTY);
});

test('typing in the search box hides and pins nothing', async () => {
  await select(CASE);
  const ids = await visibleIds();
  const input = page.getByRole('combobox', { name: /search/i });
  await input.fill('');
  await input.press('p');
  await input.press('Backspace');
  await input.press('Delete');
  assert.deepEqual(await visibleIds(), ids);
  assert.deepEqual(await api(page, () => window.casegraphExplorer.pinned()), []);
  await input.press('Escape');
});

test('Shift-click selects two entities and Hide removes both', async () => {
  await page.keyboard.press('Escape');
  await page.locator('#graph').focus();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await idle();
  await page.waitForTimeout(400); // the fit animation
  const a = await api(page, (i) => window.casegraphExplorer.onPage(i), PARTY);
  const b = await api(page, (i) => window.casegraphExplorer.onPage(i), CASE);
  await page.mouse.click(a.x, a.y);
  await page.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), PARTY);
  // Apart, so the two clicks are not read as a double-click (which expands).
  await page.waitForTimeout(600);
  await page.keyboard.down('Shift');
  await page.mouse.click(b.x, b.y);
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => window.casegraphExplorer.selected().length === 2);
  assert.deepEqual((await api(page, () => window.casegraphExplorer.selected())).sort(), [CASE, PARTY].sort());
  await shot('v1-two-selected');
  await page.getByRole('button', { name: 'Hide', exact: true }).click();
  await hasNot(PARTY);
  await hasNot(CASE);
  await page.getByRole('button', { name: 'Undo' }).click();
  await has(PARTY);
  await has(CASE);
});

test('Shift-drag selects every entity inside the box', async () => {
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await idle();
  await page.waitForTimeout(400); // the fit animation
  const box = await page.locator('#graph').boundingBox();
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 4, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  // What is drawn: a group node stands for the charges it folds.
  const n = (await api(page, () => window.casegraphExplorer.drawn())).length;
  await page.waitForFunction((k) => window.casegraphExplorer.selected().length === k, n);
  await page.locator('#details .selection-note', { hasText: `${n} entities selected` }).waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.casegraphExplorer.selected().length === 0);
});

test('a pinned entity stays where it is when an expansion lays the graph out', async () => {
  await select(CASE);
  await page.keyboard.press('p');
  await page.waitForFunction((i) => window.casegraphExplorer.pinned().includes(i), CASE);
  assert.match(page.url(), /[?&]pn=case\/zhanbolat-mamai-2022/);
  await page.getByRole('button', { name: 'Unpin', exact: true }).waitFor();
  const at = await api(page, (i) => window.casegraphExplorer.position(i), CASE);
  const n = (await visibleIds()).length;
  await select(PARTY);
  await page.locator('#details').getByRole('button', { name: 'Expand', exact: true }).click();
  await page.waitForFunction((k) => window.casegraphExplorer.view().nodes.length > k, n);
  await idle();
  const now = await api(page, (i) => window.casegraphExplorer.position(i), CASE);
  assert.ok(Math.abs(now.x - at.x) <= 1 && Math.abs(now.y - at.y) <= 1, `moved from ${JSON.stringify(at)} to ${JSON.stringify(now)}`);
  await shot('v2-pinned-after-expansion');
});

test('Back after an expansion returns to the view before it and Forward redoes it', async () => {
  await idle();
  const expandedCount = (await visibleIds()).length;
  await page.goBack();
  await page.waitForFunction((k) => window.casegraphExplorer.view().nodes.length < k, expandedCount);
  const before = (await visibleIds()).length;
  assert.doesNotMatch(page.url(), /e=[^&]*party\/democratic-party/);
  assert.match(page.url(), /[?&]e=person\/zhanbolat-mamai/);
  await page.goForward();
  await page.waitForFunction((k) => window.casegraphExplorer.view().nodes.length === k, expandedCount);
  assert.ok(expandedCount > before);
  assert.match(page.url(), /e=[^&]*party\/democratic-party/);
});

test('Back to an entry made before a reload rebuilds that view from its URL', async () => {
  const other = await openPage(`${base}/explore?e=${MAMAI}`);
  try {
    const n = (await visibleIds(other)).length;
    await select(PARTY, other);
    await other.locator('#graph').focus();
    await other.keyboard.press('Enter');
    await other.waitForFunction((k) => window.casegraphExplorer.view().nodes.length > k, n);
    await idle(other);
    await other.waitForURL(/e=[^&]*party\/democratic-party/);
    await other.reload();
    await other.waitForSelector('body[data-ready="true"]');
    assert.ok((await visibleIds(other)).length > n);
    await other.goBack();
    await other.waitForFunction((k) => window.casegraphExplorer.view().nodes.length === k, n);
    await idle(other);
    assert.doesNotMatch(other.url(), /e=[^&]*party\/democratic-party/);
  } finally {
    await other.close();
  }
});

test('Enter expands every selected entity, and one Undo takes it back', async () => {
  const other = await openPage(`${base}/explore?n=${MAMAI},${PARTY}`);
  try {
    assert.deepEqual(await visibleIds(other), [PARTY, MAMAI].sort());
    await other.getByRole('button', { name: 'Fit', exact: true }).click();
    await idle(other);
    await other.waitForTimeout(400); // the fit animation
    const a = await api(other, (i) => window.casegraphExplorer.onPage(i), MAMAI);
    const b = await api(other, (i) => window.casegraphExplorer.onPage(i), PARTY);
    await other.mouse.click(a.x, a.y);
    await other.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), MAMAI);
    await other.waitForTimeout(600); // not a double-click
    await other.keyboard.down('Shift');
    await other.mouse.click(b.x, b.y);
    await other.keyboard.up('Shift');
    await other.waitForFunction(() => window.casegraphExplorer.selected().length === 2);
    await other.locator('#graph').focus();
    await other.keyboard.press('Enter');
    await other.waitForURL((u) => /[?&]e=/.test(u.search) && u.search.includes(MAMAI) && u.search.includes(PARTY) && !/[?&]n=/.test(u.search));
    await idle(other);
    assert.ok((await visibleIds(other)).length > 2);
    await other.getByRole('button', { name: 'Undo' }).click();
    await other.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 2);
    assert.match(other.url(), /[?&]n=/);
    assert.doesNotMatch(other.url(), /[?&]e=/);
  } finally {
    await other.close();
  }
});

test('a link keeps hidden and pinned entities', async () => {
  await select(PARTY);
  await page.keyboard.press('Delete');
  await hasNot(PARTY);
  const url = page.url();
  const other = await openPage(url);
  try {
    assert.ok(!(await visibleIds(other)).includes(PARTY), 'hidden after reopening');
    assert.deepEqual(await api(other, () => window.casegraphExplorer.pinned()), [CASE]);
  } finally {
    await other.close();
  }
});

test('expanding by one relationship type adds only those neighbours, as many as it said', async () => {
  const other = await openPage(`${base}/explore?n=${MAMAI}`);
  try {
    assert.deepEqual(await visibleIds(other), [MAMAI]);
    await select(MAMAI, other);
    await other.locator('#details-expand-by summary').click();
    const button = other.locator('#details-expand-by').getByRole('button', { name: /^charged with → \(\d+\)$/ });
    await button.waitFor();
    const shown = Number((await button.textContent()).match(/\((\d+)\)/)[1]);
    // The same question asked of the API directly.
    const nb = (await askAPI(base, 'query($id: ID!) { neighbourhood(id: $id, relationshipTypes: [CHARGED_WITH], limit: 500) { edges { source target } } }', { id: MAMAI })).neighbourhood;
    const want = [...new Set(nb.edges.filter((e) => e.source === MAMAI).map((e) => e.target))].sort();
    assert.ok(want.length > 1);
    assert.equal(shown, want.length);
    await button.click();
    await other.waitForFunction((k) => window.casegraphExplorer.view().nodes.length > k, 1);
    await idle(other);
    const added = (await visibleIds(other)).filter((id) => id !== MAMAI);
    assert.deepEqual(added, want);
    assert.equal(added.length, shown);
    assert.match(other.url(), /[?&]n=[^&]*charge\//);
    await other.screenshot({ path: join(artifacts, 'v3-expanded-by-type.png') });
  } finally {
    await other.close();
  }
});

test('the view page logged no errors', () => {
  assert.deepEqual(faults(problems), []);
});
