// End-to-end tests of the cross-case questions panel: convictions with
// their filters, counts as bars, similar cases, the pattern questions,
// adding a result with the evidence that ties it, and the question kept
// in the URL. Like explorer.test.mjs, they drive headless Chromium against
// a running casegraph at CASEGRAPH_URL serving the bundled cases, and
// check the page against the API's own answers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, askAPI, base, faults, session } from './browser.mjs';

const ART274 = 'legal-article/kz-cc-274';
const MAMAI_CASE = 'case/zhanbolat-mamai-2022';
const ILYASHEV_CASE = 'case/alnur-ilyashev-2020';

const { problems, browser } = session();
let context;
let page;

before(async () => ({ context, page } = await browser()));

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const idle = () => page.waitForFunction(() => !document.body.classList.contains('loading'));
const inView = () => page.evaluate(() => window.casegraphExplorer.view());
const results = () => page.locator('#cross-result .cross-list > li');

async function fresh(query = '') {
  await page.goto(`${base}/explore${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  // The questions are in the side's third panel; a link with a question opens it.
  await page.getByRole('tab', { name: 'Questions' }).click();
}

/** Chooses question q in the panel, sets args (input name → value), asks, and waits for the answer. */
async function ask(q, args = {}) {
  await page.locator('#cross-q').selectOption(q);
  await page.locator('#cross-q').focus(); // the first use loads the choices
  const filter = page.locator('#cross-form details.cross-filter');
  for (const [name, value] of Object.entries(args)) {
    const el = page.locator(`#cross-arg-${name}`);
    if (await filter.count() && !(await el.isVisible())) await filter.locator('summary').click();
    if (await el.evaluate((e) => e.tagName === 'SELECT')) await el.selectOption(value);
    else if (await el.getAttribute('type') === 'checkbox') await el.setChecked(value === 'true');
    else await el.fill(value);
  }
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  await page.locator('#cross-result .cross-summary').waitFor();
  await idle();
}

/** The entities in view that no visible edge touches. */
async function unconnected() {
  const v = await inView();
  const linked = new Set(v.edges.flatMap((e) => [e.source, e.target]));
  return v.nodes.map((n) => n.id).filter((id) => !linked.has(id));
}

/** Clicks a button that adds to the view and waits until the view has grown. */
async function addAndWait(button) {
  const n = (await inView()).nodes.length;
  await button.click();
  await page.waitForFunction((k) => window.casegraphExplorer.view().nodes.length > k, n);
  await idle();
}

const CONVICTIONS = `query($f: ConvictionFilter) { convictions(filter: $f, first: 100) {
  totalCount edges { node { person { id name } case { id name } charge { id } article { id } } } } }`;

test('convictions under article 274 list the people the API names; adding them draws every case tied by edges to its charges and the article', async () => {
  await fresh();
  const api = (await askAPI(base, CONVICTIONS, { f: { articles: [ART274] } })).convictions;
  assert.ok(api.totalCount >= 3, `several convictions under article 274: ${api.totalCount}`);
  await ask('convictions', { articles: ART274 });
  assert.equal(await results().count(), api.totalCount);
  const text = await page.locator('#cross-result .cross-list').textContent();
  for (const e of api.edges) assert.ok(text.includes(e.node.person.name), `${e.node.person.name} is listed`);
  assert.match(await page.locator('#cross-result .cross-summary').textContent(), new RegExp(`^${api.totalCount} convictions`));
  await shot('cross-01-convictions-274');

  await addAndWait(page.getByRole('button', { name: 'Add all to the view' }));
  const v = await inView();
  const ids = new Set(v.nodes.map((n) => n.id));
  const want = [ART274, ...api.edges.flatMap((e) => [e.node.person.id, e.node.case.id, e.node.charge.id, e.node.article.id])];
  for (const id of want) assert.ok(ids.has(id), `${id} is in view`);
  const bare = await unconnected();
  assert.deepEqual(bare, [], `every entity added has an edge; these have none: ${bare}`);
  for (const e of api.edges) {
    const c = e.node.case.id;
    assert.ok(v.edges.some((x) => x.type === 'HAS_CHARGE' && x.source === c && x.target === e.node.charge.id), `${c} HAS_CHARGE ${e.node.charge.id}`);
    assert.ok(v.edges.some((x) => x.type === 'UNDER_ARTICLE' && x.source === e.node.charge.id), `${e.node.charge.id} is drawn UNDER_ARTICLE`);
  }
  await shot('cross-02-convictions-added');

  // The whole addition is one step of Undo.
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 0);
});

test('"Cases that share" article 274: Add all draws no case without an edge', async () => {
  await fresh();
  // The question is the cross-case panel's first; it starts on convictions.
  assert.ok(!(await page.locator('#shared-kind').isVisible()));
  await page.locator('#cross-q').selectOption('shared');
  await page.locator('#shared-kind').selectOption('article');
  await page.locator('#shared-value').selectOption(ART274);
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.locator('#shared-result .shared').waitFor();
  await addAndWait(page.locator('#shared-add-all'));
  const v = await inView();
  assert.ok(v.nodes.some((n) => n.id === ART274), 'the article is drawn');
  assert.ok(v.nodes.filter((n) => n.type === 'CASE').length >= 3, 'the cases are drawn');
  assert.deepEqual(await unconnected(), []);

  // "Cases that share this" on a selected article opens the question in the panel.
  await page.locator('#cross-q').selectOption('convictions');
  await page.evaluate((id) => window.casegraphExplorer.select(id), ART274);
  await page.getByRole('button', { name: 'Cases that share this' }).click();
  await page.locator('#shared-result .shared').waitFor();
  assert.equal(await page.locator('#cross-q').inputValue(), 'shared');
});

test('counts draw one bar per key with the API\'s numbers, for every dimension; a bar lists its convictions', async () => {
  await fresh();
  const dims = ['ARTICLE', 'COURT', 'YEAR', 'RESTRICTION_KIND', 'SENTENCE_KIND', 'CATEGORY', 'COUNTRY'];
  // One request for all seven, to spare the rate budget the page needs.
  const all = await askAPI(base, `{ ${dims.map((d) => `${d}: counts(by: ${d}) { key count }`).join(' ')} }`);
  for (const by of dims) {
    const api = all[by];
    await ask('counts', { by });
    const bars = page.locator('#cross-result .bars > li');
    assert.equal(await bars.count(), api.length, `${by}: one bar per key`);
    const shown = await bars.evaluateAll((els) => els.map((li) => ({
      key: li.querySelector('button').dataset.bar,
      num: Number(li.querySelector('.bar-num').textContent),
      width: li.querySelector('.bar').getBoundingClientRect().width,
    })));
    assert.deepEqual(shown.map(({ key, num }) => ({ key, num })), api.map((g) => ({ key: g.key, num: g.count })), `${by}: the API's numbers`);
    const top = Math.max(...api.map((g) => g.count));
    shown.forEach((s) => assert.ok(s.num < top || s.width > 0, `${by}: the longest bar is drawn`));
    if (by === 'ARTICLE') await shot('cross-03-counts-article');
  }
  // A bar of the article chart opens the convictions it counts.
  await ask('counts', { by: 'ARTICLE' });
  const api = (await askAPI(base, CONVICTIONS, { f: { articles: [ART274] } })).convictions;
  await page.locator(`#cross-result button[data-bar="${ART274}"]`).click();
  await page.locator('#cross-result .cross-list').waitFor();
  await idle();
  assert.equal(await page.locator('#cross-q').inputValue(), 'convictions');
  assert.equal(await results().count(), api.totalCount);
  assert.match(page.url(), /[?&]cq=convictions&ca\.articles=legal-article\/kz-cc-274/);
});

test('similar cases of the Mamai case show their reasons; adding one draws both cases and what they share, tied by edges', async () => {
  await fresh();
  const api = (await askAPI(base, 'query($to: ID!) { similarCases(to: $to, first: 5) { case { id name } reasons } }', { to: MAMAI_CASE })).similarCases;
  assert.ok(api.length > 0);
  await ask('similarCases', { to: MAMAI_CASE });
  assert.equal(await results().count(), api.length);
  for (let i = 0; i < api.length; i++) {
    const row = results().nth(i);
    assert.match(await row.textContent(), new RegExp(api[i].case.name.replace(/[()]/g, '.')));
    assert.deepEqual(await row.locator('.reasons li').allTextContents(), api[i].reasons);
  }
  await shot('cross-04-similar');
  const k = api.findIndex((s) => s.case.id === ILYASHEV_CASE);
  assert.ok(k >= 0, 'the Ilyashev case is similar (article 274)');
  await addAndWait(results().nth(k).getByRole('button', { name: 'Add', exact: true }));
  const ids = new Set((await inView()).nodes.map((n) => n.id));
  for (const id of [MAMAI_CASE, ILYASHEV_CASE, ART274, 'restriction/mamai-civic-activity-ban', 'restriction/ilyashev-civic-activity-ban']) {
    assert.ok(ids.has(id), `${id} is in view`);
  }
  assert.deepEqual(await unconnected(), []);
});

test('what two cases share: the API\'s answer listed, and Add all draws both cases and what they share, with edges', async () => {
  await fresh();
  const cg = (await askAPI(base, 'query($a: ID!, $b: ID!) { commonGround(a: $a, b: $b) { shared { kind key entity { id } } } }', { a: MAMAI_CASE, b: ILYASHEV_CASE })).commonGround;
  await ask('commonGround', { a: MAMAI_CASE, b: ILYASHEV_CASE });
  assert.equal(await results().count(), cg.shared.length);
  const kinds = await results().locator('.badge').allTextContents();
  assert.deepEqual(kinds, cg.shared.map((s) => s.kind.toLowerCase().replace(/_/g, ' ')));
  await addAndWait(page.getByRole('button', { name: 'Add all to the view' }));
  const ids = new Set((await inView()).nodes.map((n) => n.id));
  for (const id of [MAMAI_CASE, ILYASHEV_CASE, ...cg.shared.filter((s) => s.entity).map((s) => s.entity.id)]) assert.ok(ids.has(id), `${id} is in view`);
  assert.deepEqual(await unconnected(), []);
  await shot('cross-05-common-ground');
});

test('charge changes list the API\'s answer and Add draws the charges, the case and the person as one undoable step', async () => {
  await fresh();
  const api = (await askAPI(base, '{ chargeChanges { case { id } person { id name } original { id } reclassified { id } final { id } } }')).chargeChanges;
  assert.ok(api.length > 0);
  await ask('chargeChanges');
  assert.equal(await results().count(), api.length);
  assert.match(await results().first().textContent(), new RegExp(api[0].person.name));
  await addAndWait(results().first().getByRole('button', { name: 'Add', exact: true }));
  const v = await inView();
  const ids = new Set(v.nodes.map((n) => n.id));
  const c = api[0];
  for (const id of [c.case.id, c.person.id, c.original.id, c.reclassified.id, c.final.id]) assert.ok(ids.has(id), `${id} is in view`);
  assert.ok(v.edges.some((e) => e.type === 'SUPERSEDES'), 'the charges are drawn with what supersedes what');
  assert.deepEqual(await unconnected(), []);
  await page.keyboard.press('Control+Z');
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length === 0);
});

test('the other pattern questions list as many results as the API answers, and adding them draws nothing without an edge', async () => {
  await fresh();
  const api = await askAPI(base, `{
    arrestsAfterProtests { person { id } } pretrialDetention { person { id } } assessedCases { case { id } }
    articlePairs { count } contestedClaims { target } laterChargedAssociates { associate { id } } }`);
  for (const [q, answer] of Object.entries(api)) {
    await ask(q);
    assert.equal(await results().count(), answer.length, `${q}: as many results as the API's`);
  }
  for (const q of ['arrestsAfterProtests', 'articlePairs']) {
    await page.getByRole('button', { name: 'Clear' }).click();
    await ask(q);
    await addAndWait(results().first().getByRole('button', { name: 'Add', exact: true }));
    assert.deepEqual(await unconnected(), [], `${q}: every entity added has an edge`);
  }
});

test('the URL keeps the question and its arguments: a link reopens the panel with its answer', async () => {
  await fresh();
  await ask('convictions', { articles: ART274, sentenceInForce: 'true' });
  const url = page.url();
  assert.match(url, /[?&]cq=convictions/);
  assert.match(url, /[?&]ca\.articles=legal-article\/kz-cc-274/);
  assert.match(url, /[?&]ca\.sentenceInForce=true/);
  const count = await results().count();
  assert.ok(count > 0);
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#cross-q').inputValue(), 'convictions');
  assert.equal(await page.locator('#cross-arg-articles').inputValue(), ART274);
  assert.ok(await page.locator('#cross-arg-sentenceInForce').isChecked());
  assert.equal(await results().count(), count);

  await fresh(`?cq=counts&ca.by=COURT`);
  const api = (await askAPI(base, '{ counts(by: COURT) { key } }')).counts;
  assert.equal(await page.locator('#cross-arg-by').inputValue(), 'COURT');
  assert.equal(await page.locator('#cross-result .bars > li').count(), api.length);
  await fresh(`?cq=similarCases&ca.to=${MAMAI_CASE}`);
  assert.ok(await results().count() > 0);
  assert.equal(await page.locator('#cross-arg-to').inputValue(), MAMAI_CASE);
  // The shared-feature question keeps its own parameters and reopens in the panel.
  await fresh(`?sk=article&sv=${ART274}`);
  assert.equal(await page.locator('#cross-q').inputValue(), 'shared');
  await page.locator('#shared-result .shared').waitFor();
  assert.ok(!(await page.locator('#cross-form').isVisible()));
});

test('at 1366×768 the answer fits: the page does not scroll, the results scroll inside the panel', async () => {
  await fresh(`?cq=similarCases&ca.to=${MAMAI_CASE}&ca.first=20`);
  const m = await page.evaluate(() => {
    const list = document.querySelector('#cross-result .cross-list').getBoundingClientRect();
    return {
      page: document.scrollingElement.scrollHeight, height: window.innerHeight,
      width: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth,
      listHeight: list.height, listTop: list.top, listBottom: list.bottom,
    };
  });
  assert.ok(m.page <= m.height, `the page does not scroll: ${m.page} > ${m.height}`);
  assert.ok(m.width <= m.innerWidth, 'nor sideways');
  assert.ok(m.listHeight <= 0.4 * m.height, `the list keeps within the panel: ${m.listHeight}px`);
  // The answer is on screen as the link opens it, with no scrolling at all.
  assert.ok(m.listTop >= 0 && m.listBottom <= m.height, `the answer is on screen: ${m.listTop}–${m.listBottom} of ${m.height}`);
  await shot('cross-06-fits');
  // The page sends a question again after a 429 as Retry-After says; the
  // browser logs the 429 itself, which is not a fault of the page.
  assert.deepEqual(faults(problems), []);
});
