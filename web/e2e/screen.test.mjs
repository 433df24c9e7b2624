// End-to-end tests that the explorer fits a laptop's screen and works from
// the keyboard alone: at 1366×768 (and 1920×1080) the page never scrolls
// and the main answers (paths, shared cases, a timeline) are on screen as
// a link opens them; search, selection, expansion and the side panels
// answer keys with no mouse.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, base, faults, session } from './browser.mjs';

const MAMAI = 'person/zhanbolat-mamai';
const CASE = 'case/zhanbolat-mamai-2022';
const IPHR = 'organisation/iphr';
const ART274 = 'legal-article/kz-cc-274';

const { problems, browser } = session();
let context;
let page;

before(async () => ({ context, page } = await browser()));

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const idle = () => page.waitForFunction(() => !document.body.classList.contains('loading'));
const nodes = async () => (await page.evaluate(() => window.casegraphExplorer.view().nodes)).length;

async function open(query) {
  await page.goto(`${base}/explore${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  await idle();
}

/** Where selector's first element lies, and whether the page itself can scroll. */
function measure(selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const r = el ? el.getBoundingClientRect() : null;
    const doc = document.scrollingElement;
    return {
      found: Boolean(r && r.height > 0),
      top: r && r.top, bottom: r && r.bottom, left: r && r.left, right: r && r.right,
      width: window.innerWidth, height: window.innerHeight,
      scrolls: doc.scrollHeight > window.innerHeight || doc.scrollWidth > window.innerWidth,
    };
  }, selector);
}

function onScreen(m, what) {
  assert.ok(m.found, `${what} is shown`);
  assert.equal(m.scrolls, false, 'the page itself does not scroll');
  assert.ok(m.top >= 0 && m.bottom <= m.height && m.left >= 0 && m.right <= m.width,
    `${what} lies on screen: ${Math.round(m.left)},${Math.round(m.top)} to ${Math.round(m.right)},${Math.round(m.bottom)} of ${m.width}×${m.height}`);
}

for (const [width, height] of [[1366, 768], [1920, 1080]]) {
  test(`at ${width}×${height} paths, shared cases and a timeline are on screen as their links open them`, async () => {
    await page.setViewportSize({ width, height });
    await open(`?e=${MAMAI}&pf=${MAMAI}&pt=${IPHR}`);
    await page.locator('#path-list li').first().waitFor();
    onScreen(await measure('#path-list li'), 'the first path');
    onScreen(await measure('#path-list'), 'the list of paths');
    await shot(`screen-${width}-paths`);

    await open(`?sk=article&sv=${ART274}`);
    await page.locator('#shared-result .shared li').first().waitFor();
    onScreen(await measure('#shared-result .shared li'), 'the first shared case');
    onScreen(await measure('#shared-add-all'), 'Add all to the view');

    await open(`?e=${CASE}&tl=${CASE}`);
    await page.locator('#drawer .tc-mark').first().waitFor();
    onScreen(await measure('#drawer .tl-chart-svg'), 'the timeline chart');
    onScreen(await measure('#graph'), 'the graph');
    await shot(`screen-${width}-timeline`);
  });
}

test('the timeline chart is drawn again for the new width when the window is resized', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await open(`?e=${CASE}&tl=${CASE}`);
  await page.locator('#drawer .tc-mark').first().waitFor();
  const width = () => page.evaluate(() => document.querySelector('#drawer .tl-chart-svg').getBoundingClientRect().width);
  const narrow = await width();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForFunction((w) => document.querySelector('#drawer .tl-chart-svg').getBoundingClientRect().width > w + 300, narrow);
  onScreen(await measure('#drawer .tl-chart-svg'), 'the timeline chart');
  const wide = await width();
  const drawer = await page.evaluate(() => document.querySelector('#drawer .tl-chart').clientWidth);
  assert.ok(Math.abs(wide - drawer) <= 2, `the chart is as wide as its drawer (${wide} of ${drawer})`);
});

test('from the keyboard alone: search, select, expand, switch panels', async () => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await open('');
  // "/" goes to the search box; arrows pick a suggestion, Enter opens it.
  await page.locator('body').press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
  await page.keyboard.type('Mamai');
  await page.locator('#search-list li[role="option"][aria-selected="true"]').waitFor();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => window.casegraphExplorer.selected().includes(id), MAMAI);
  await idle();
  const before = await nodes();
  assert.ok(before > 1, 'opening Mamai drew his neighbours');

  // The graph takes the focus; arrows move the selection, Enter expands it.
  await page.locator('#graph').focus();
  const picked = [];
  for (let i = 0; i < 40 && picked.length < 2; i++) {
    await page.keyboard.press('ArrowRight');
    const sel = await page.evaluate(() => window.casegraphExplorer.selected());
    if (sel.length === 1 && !picked.includes(sel[0])) picked.push(sel[0]);
  }
  assert.equal(picked.length, 2, 'the arrow keys move the selection from entity to entity');
  let grew = false;
  for (let i = 0; i < 40 && !grew; i++) {
    await page.keyboard.press('Enter');
    await idle();
    grew = (await nodes()) > before;
    if (!grew) await page.keyboard.press('ArrowRight');
  }
  assert.ok(grew, 'Enter on a selected entity expands it');

  // The side panels are a tab list: arrows move between them.
  await page.getByRole('tab', { name: 'Filters' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-paths');
  assert.ok(await page.locator('#panel-paths').isVisible());
  assert.ok(!(await page.locator('#panel-filters').isVisible()));
  await page.keyboard.press('End');
  assert.ok(await page.locator('#panel-questions').isVisible());
  assert.match(page.url(), /[?&]p=questions/);
  await page.keyboard.press('Home');
  assert.ok(await page.locator('#panel-filters').isVisible());
  assert.doesNotMatch(page.url(), /[?&]p=/);
  await shot('screen-keyboard');
});

test('no errors in the page', () => {
  assert.deepEqual(faults(problems), []);
});
