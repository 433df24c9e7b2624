// End-to-end tests of time in the explorer: the time bar under the graph
// (its histogram, uncertain dates drawn as ranges, the window that hides
// what is dated outside it, kept in the URL and undoable) and the timeline
// chart in the drawer. Like view.test.mjs, they drive headless Chromium at
// 1366×768 against a running casegraph at CASEGRAPH_URL serving the
// bundled cases.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, askAPI, base, closeBrowser, faults, openExplorer } from './browser.mjs';

const CASE = 'case/zhanbolat-mamai-2022';
const MAMAI = 'person/zhanbolat-mamai';
const DISPERSAL = 'event/democratic-party-protest-dispersal-2021'; // dated 2021: a year
const UNREST = 'event/january-2022-unrest'; // 2022-01
const VERDICT = 'event/mamai-verdict-2023-04-10'; // a day

let browser;
let page;
const problems = [];

before(async () => {
  browser = await openExplorer(`${base}/explore?e=${CASE}`, problems);
  ({ page } = browser);
});
after(() => closeBrowser(browser));

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const visibleIds = async () => (await page.evaluate(() => window.casegraphExplorer.view().nodes.map((n) => n.id))).sort();
const idle = () => page.waitForFunction(() => !document.body.classList.contains('loading'));
const param = (k) => new URL(page.url()).searchParams.get(k);

// Every date field of each entity, as the API's typed fields give them:
// the first and last day each can mean. The page reads the graph view's
// date text instead, so the two must agree.
const range = 'earliest latest';
const DATES = `query TestDates($ids: [ID!]!) { nodes(ids: $ids) { ... on Entity { id }
  ... on Event { date { ${range} } end { ${range} } }
  ... on Case { opened { ${range} } }
  ... on Charge { date { ${range} } changeDate { ${range} } }
  ... on Sentence { date { ${range} } }
  ... on Restriction { start { ${range} } end { ${range} } }
  ... on Proceeding { start { ${range} } date { ${range} } }
  ... on Source { date { ${range} } }
  ... on Party { founded { ${range} } } } }`;

let spans; // entity ID → {first, last} (ISO days; null for an open side), or null when undated
async function loadSpans() {
  const { neighbourhood } = await askAPI(base, `query($id: ID!) { neighbourhood(id: $id, depth: 1, limit: 100) { nodes { entity } } }`, { id: CASE });
  const ids = neighbourhood.nodes.map((n) => n.entity);
  const { nodes } = await askAPI(base, DATES, { ids });
  spans = new Map();
  for (const n of nodes) {
    const dates = Object.entries(n).filter(([k, v]) => k !== 'id' && v).map(([, v]) => v);
    if (!dates.length) { spans.set(n.id, null); continue; }
    const firsts = dates.map((d) => d.earliest);
    const lasts = dates.map((d) => d.latest);
    spans.set(n.id, {
      first: firsts.includes(null) ? null : firsts.sort()[0],
      last: lasts.includes(null) ? null : lasts.sort().pop(),
    });
  }
  return spans;
}

/** The entities that should be visible with the window [from's first day, to's last]: any day of their dates may fall in it. */
function expected(fromDay, toDay, { hideUndated = false } = {}) {
  return [...spans.entries()].filter(([, s]) => {
    if (!s) return !hideUndated;
    if (fromDay && s.last !== null && s.last < fromDay) return false;
    if (toDay && s.first !== null && s.first > toDay) return false;
    return true;
  }).map(([id]) => id).sort();
}

const box = (sel) => page.locator(sel).first().boundingBox();

test('the time bar appears with bars once a case is expanded, an uncertain date drawn as a range', async () => {
  await loadSpans();
  assert.deepEqual(await visibleIds(), [...spans.keys()].sort(), 'with no window everything is visible');
  await page.waitForSelector('#timebar:not([hidden]) .tb-bar');
  const bars = await page.locator('.tb-bar').count();
  assert.ok(bars >= 3, `histogram bars drawn (${bars})`);
  const bar = await page.locator('#timebar').boundingBox();
  const graph = await box('#graph');
  assert.ok(bar.y >= graph.y + graph.height - 1 && bar.height >= 60 && bar.height <= 95, `a strip under the graph (${JSON.stringify(bar)})`);
  assert.ok(Math.abs(bar.width - graph.width) < 2, 'as wide as the graph');
  // The 2021 dispersal (a year) is a range; the verdict (a day) falls in
  // one month's bar: the range spans about twelve such bars.
  const year = await box(`.tb-range[data-id="${DISPERSAL}"]`);
  const month = await page.locator('.tb-bar').evaluateAll((els) => Math.min(...els.map((e) => e.getBoundingClientRect().width)));
  assert.ok(year, 'the year-precise date is drawn as a range');
  assert.ok(year.width > 10 * month, `the year spans ${year.width}px, a month's bar ${month}px`);
  assert.equal(await page.locator(`.tb-range[data-id="${VERDICT}"]`).count(), 0, 'a day is counted in a bar, not drawn as a range');
  // "before 2022-04": a range faded towards its open side.
  assert.match(await page.locator(`.tb-range[data-id="${CASE}"]`).getAttribute('mask'), /fade-l/);
  await shot('time-bar');
});

test('narrowing the window hides what is dated outside it, widening shows it again; undo, the URL and a reload keep it', async () => {
  if (!spans) await loadSpans();
  const all = await visibleIds();
  // Narrow by typing.
  await page.fill('#time-from', '2023-01');
  await page.fill('#time-to', '2023-06');
  await page.press('#time-to', 'Enter');
  const narrow = expected('2023-01-01', '2023-06-30');
  await page.waitForFunction((n) => window.casegraphExplorer.view().nodes.length === n, narrow.length);
  assert.deepEqual(await visibleIds(), narrow);
  assert.ok(!narrow.includes(DISPERSAL) && !narrow.includes(UNREST) && narrow.includes(VERDICT) && narrow.includes(MAMAI), 'dated outside hidden, inside and undated kept');
  assert.ok(narrow.length < all.length);
  assert.equal(param('tf'), '2023-01');
  assert.equal(param('tt'), '2023-06');
  const edges = await page.evaluate(() => window.casegraphExplorer.view().edges);
  assert.ok(edges.every((e) => narrow.includes(e.source) && narrow.includes(e.target)), 'no edge to a hidden entity');
  assert.ok(!edges.some((e) => e.properties.changeDate === 'before 2022-12'), 'a relationship dated outside is hidden');
  await shot('time-narrow');

  // Widen with the keyboard: Page Down moves the start a year earlier.
  await page.focus('.tb-handle.from');
  await page.keyboard.press('PageDown');
  const wider = expected('2022-01-01', '2023-06-30');
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tf') === '2022-01');
  assert.deepEqual(await visibleIds(), wider);
  assert.ok(wider.includes(UNREST) && !wider.includes(DISPERSAL));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.side), 'from', 'the handle keeps the focus');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tf') === '2021-12');

  // Undo walks back through the windows.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tf') === '2022-01');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tf') === '2023-01');
  assert.deepEqual(await visibleIds(), narrow);
  assert.equal(await page.inputValue('#time-from'), '2023-01');
  // Typing the start and then the end were two changes.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tt'));
  assert.deepEqual(await visibleIds(), expected('2023-01-01', null));
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tf'));
  assert.deepEqual(await visibleIds(), all);
  await page.keyboard.press('Control+Y');
  await page.keyboard.press('Control+Y');
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tt') === '2023-06');
  assert.deepEqual(await visibleIds(), narrow);

  // A reload rebuilds the view with the window from the URL.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await idle();
  assert.deepEqual(await visibleIds(), narrow);
  assert.equal(await page.inputValue('#time-to'), '2023-06');

  // All: every date again.
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tt'));
  assert.deepEqual(await visibleIds(), all);
  // The browser's Back returns to the window before.
  await page.goBack();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tt') === '2023-06');
  await idle();
  assert.deepEqual(await visibleIds(), narrow);
  await page.goForward();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tt'));
  await idle();
  assert.deepEqual(await visibleIds(), all);
});

test('dragging a handle moves the window; Hide undated hides the undated entities', async () => {
  if (!spans) await loadSpans();
  const all = await visibleIds();
  const to = await box('.tb-handle.to .tb-grip');
  const plot = await box('.tb-svg');
  await page.mouse.move(to.x + to.width / 2, to.y + 20);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.55, to.y + 20, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.has('tt'));
  const tt = param('tt');
  assert.match(tt, /^\d{4}-\d{2}$/, 'the end snaps to a month');
  const [y, m] = tt.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  assert.deepEqual(await visibleIds(), expected(null, last));
  assert.ok(!(await visibleIds()).includes(VERDICT), 'the verdict of April 2023 is after the window');
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tt'));
  assert.deepEqual(await visibleIds(), all);

  // Dragging across the bar draws a new window.
  await page.mouse.move(plot.x + plot.width * 0.3, plot.y + 30);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * 0.7, plot.y + 30, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => new URL(window.location.href).searchParams.has('tf') && new URL(window.location.href).searchParams.has('tt'));
  assert.ok(param('tf') < param('tt'), `${param('tf')} before ${param('tt')}`);
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tf'));

  await page.check('#time-undated');
  await page.waitForFunction(() => new URL(window.location.href).searchParams.get('tu') === 'hide');
  const dated = expected(null, null, { hideUndated: true });
  assert.ok(!dated.includes(MAMAI), 'Mamai carries no date');
  assert.deepEqual(await visibleIds(), dated);
  // What stays is on screen: drawn, or folded into a group that is drawn.
  const drawn = new Set(await page.evaluate(() => window.casegraphExplorer.drawn()));
  const folds = new Map((await page.evaluate(() => window.casegraphExplorer.groups())).flatMap((g) => g.members.map((m) => [m, g.id])));
  dated.forEach((id) => assert.ok(drawn.has(id) || drawn.has(folds.get(id)), `${id} is drawn, or the group it is folded in`));
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => !new URL(window.location.href).searchParams.has('tu'));
  assert.deepEqual(await visibleIds(), all);
  assert.equal(await page.isChecked('#time-undated'), false);
});

test('the timeline chart shows one mark per step, fits the screen, and a mark selects its entity', async () => {
  const { timeline } = await askAPI(base, `query($id: ID!) { timeline(of: $id) { kind title date { text precision qualifier } entity { id } } }`, { id: CASE });
  assert.ok(timeline.length >= 10);
  await page.evaluate((id) => window.casegraphExplorer.select(id), CASE);
  await page.locator('#details').getByRole('button', { name: 'Timeline' }).click();
  await page.waitForSelector('.tc-mark');
  const ids = await page.locator('.tc-mark').evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.deepEqual(ids.slice().sort(), timeline.map((t) => t.entity.id).sort(), 'one mark per timeline entry');
  assert.equal(param('tl'), CASE);

  // At 1366×768 the chart is on screen without scrolling the page.
  const chart = await box('.tl-chart-svg');
  const { inner, scrolled } = await page.evaluate(() => ({ inner: window.innerHeight, scrolled: document.scrollingElement.scrollTop }));
  assert.equal(scrolled, 0);
  assert.ok(chart.y >= 0 && chart.y + chart.height <= inner, `chart ${JSON.stringify(chart)} inside ${inner}px`);
  assert.ok(chart.height >= 120, 'a chart, not a sliver');
  await shot('time-chart');

  // Uncertain dates are ranges: the year 2021 is far wider than a day.
  const year = await box(`.tc-mark[data-id="${DISPERSAL}"] .mark`);
  const day = await box(`.tc-mark[data-id="${VERDICT}"] .mark`);
  assert.ok(year.width > 20 * day.width, `a year ${year.width}px, a day ${day.width}px`);
  const before = timeline.findIndex((t) => t.date.qualifier === 'BEFORE');
  assert.ok(before >= 0);
  assert.match(await page.locator(`.tc-mark[data-index="${before}"] .mark`).getAttribute('mask'), /fade-l/, '"before X" fades to the left');

  // Labels never overlap one another or another mark.
  const rects = await page.evaluate(() => ({
    labels: [...document.querySelectorAll('.tc-mark .mark-label')].map((e) => e.getBoundingClientRect().toJSON()),
    marks: [...document.querySelectorAll('.tc-mark .mark')].map((e) => e.getBoundingClientRect().toJSON()),
  }));
  assert.ok(rects.labels.length >= timeline.length / 2, `most steps keep a label (${rects.labels.length})`);
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  rects.labels.forEach((a, i) => {
    rects.labels.forEach((b, j) => { if (i < j) assert.ok(!overlap(a, b), `labels ${i} and ${j} overlap`); });
    rects.marks.forEach((b, j) => assert.ok(!overlap(a, b), `label ${i} overlaps mark ${j}`));
  });

  // A click selects the step's entity, adding it when it is not in view.
  const arrest = timeline.find((t) => t.kind === 'ARREST').entity.id;
  assert.ok(!(await visibleIds()).includes(arrest), 'the arrest is not in view yet');
  await page.locator(`.tc-mark[data-id="${arrest}"]`).click();
  await page.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), arrest);
  // And from the keyboard.
  await page.focus(`.tc-mark[data-id="${VERDICT}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((i) => window.casegraphExplorer.selected().includes(i), VERDICT);

  // The table is one click away.
  await page.getByRole('button', { name: 'Table', exact: true }).click();
  await page.waitForSelector('table.timeline', { state: 'visible' });
  assert.equal(await page.locator('.tl-chart-svg').isVisible(), false);
  await page.getByRole('button', { name: 'Chart', exact: true }).click();
  await page.waitForSelector('.tl-chart-svg', { state: 'visible' });
});

test('no errors in the page', () => {
  assert.deepEqual(faults(problems), []);
});
