// End-to-end tests of the explorer in headless Chromium against a running
// casegraph serving the bundled cases. scripts/test.sh starts the service
// and sets CASEGRAPH_URL; screenshots go to E2E_ARTIFACTS (default
// web/e2e/artifacts, which git ignores).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, askAPI, base, faults, session } from './browser.mjs';
import { parseCSV } from './csv.mjs';

const { problems, browser } = session(); // errors the page logged, Content-Security-Policy violations among them
let context;
let page;

before(async () => {
  ({ context, page } = await browser());
  await page.goto(`${base}/explore`);
  await page.waitForSelector('body[data-ready="true"]');
});

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`) });
const inView = () => page.evaluate(() => window.casegraphExplorer.view());
const nodeIds = async () => (await inView()).nodes.map((n) => n.id);

/** Clicks an export button on p and returns the downloaded file, kept in the artifacts. */
async function exported(p, name, prefix = '') {
  const [dl] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name, exact: true }).click()]);
  const path = join(artifacts, `${prefix}${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return readFileSync(path);
}

async function searchAndOpen(query, name) {
  const input = page.getByRole('combobox', { name: /search/i });
  await input.fill('');
  await input.pressSequentially(query, { delay: 30 });
  const option = page.getByRole('option', { name: new RegExp(name) }).first();
  await option.waitFor();
  return option;
}

test('search "Mamay" suggests Zhanbolat Mamai as one types', async () => {
  const option = await searchAndOpen('Mamay', 'Zhanbolat Mamai');
  assert.match(await option.textContent(), /Zhanbolat Mamai/);
  await shot('01-search-suggestions');
  await page.keyboard.press('Enter');
  await page.locator('#details .title', { hasText: 'Zhanbolat Mamai' }).waitFor();
});

test('opening Mamai shows his neighbours: the Democratic Party and his case', async () => {
  await page.waitForFunction(() => window.casegraphExplorer.view().nodes.some((n) => n.id === 'party/democratic-party'));
  const ids = await nodeIds();
  assert.ok(ids.includes('person/zhanbolat-mamai'));
  assert.ok(ids.includes('party/democratic-party'), 'the Democratic Party is in view');
  assert.ok(ids.includes('case/zhanbolat-mamai-2022'), 'his case is in view');
  const rels = page.locator('#details .rels');
  // The rows themselves, not the quoted paragraphs folded inside them.
  await rels.locator('summary', { hasText: 'Democratic Party' }).first().waitFor();
  await rels.locator('summary', { hasText: 'Criminal case against Zhanbolat Mamai' }).first().waitFor();
  // The URL is written when the expansion ends, after its layout.
  await page.waitForURL(/[?&]e=person\/zhanbolat-mamai/);
  assert.match(page.url(), /[?&]s=person\/zhanbolat-mamai/);
  await shot('02-mamai-expanded');
});

test('Enter on a selected node merges its neighbourhood into the view', async () => {
  const before = (await nodeIds()).length;
  await page.locator('#graph').focus();
  // Arrow keys walk the entities in alphabetical order: find the party.
  for (let i = 0; i < 40; i++) {
    if ((await page.locator('#details .title').textContent()) === 'Democratic Party') break;
    await page.keyboard.press('ArrowRight');
  }
  assert.equal(await page.locator('#details .title').textContent(), 'Democratic Party');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => window.casegraphExplorer.view().nodes.length > n, before);
  await page.waitForURL(/e=[^&]*party\/democratic-party/);
  await page.keyboard.press('Escape');
  await shot('03-party-expanded');
});

test('filters hide an entity type and a relationship type, and the URL keeps them', async () => {
  await page.getByRole('checkbox', { name: /^Event/ }).uncheck();
  assert.ok(!(await inView()).nodes.some((n) => n.type === 'EVENT'), 'no events visible');
  assert.match(page.url(), /ht=EVENT/);
  await page.getByRole('checkbox', { name: /^Event/ }).check();
  assert.ok((await inView()).nodes.some((n) => n.type === 'EVENT'));
  await page.getByRole('checkbox', { name: /^charged with/ }).uncheck();
  assert.ok(!(await inView()).edges.some((e) => e.type === 'CHARGED_WITH'));
  assert.match(page.url(), /hr=CHARGED_WITH/);
  await page.getByRole('checkbox', { name: /^charged with/ }).check();
});

test('the shortest path from Mamai to IPHR goes through his case', async () => {
  await page.evaluate(() => window.casegraphExplorer.select('person/zhanbolat-mamai'));
  await page.locator('#details .title', { hasText: 'Zhanbolat Mamai' }).waitFor();
  await page.getByRole('button', { name: 'Path start' }).click();
  const option = await searchAndOpen('IPHR', 'International Partnership for Human Rights');
  await option.click();
  await page.locator('#details .title', { hasText: 'International Partnership for Human Rights' }).waitFor();
  await page.getByRole('button', { name: 'Path end' }).click();
  const first = page.locator('#path-list li').first();
  await first.getByText('International Partnership for Human Rights').waitFor();
  const text = await first.textContent();
  assert.match(text, /Zhanbolat Mamai\s*→\s*Criminal case against Zhanbolat Mamai\s*→\s*International Partnership for Human Rights/);
  // Written when IPHR's expansion, which may still be laying out, ends.
  await page.waitForURL(/pt=organisation\/iphr/);
  assert.match(page.url(), /pf=person\/zhanbolat-mamai/);
  await shot('04-path-mamai-iphr');
});

test('the case timeline lists the verdict of 10 April 2023 with its precision', async () => {
  await page.locator('#path-list li').first().getByRole('button', { name: 'Criminal case against Zhanbolat Mamai' }).click();
  await page.locator('#details .title', { hasText: 'Criminal case against Zhanbolat Mamai' }).waitFor();
  await page.getByRole('button', { name: 'Timeline' }).click();
  await page.getByRole('button', { name: 'Table', exact: true }).click(); // the drawer opens on the chart
  const row = page.locator('#drawer tr', { hasText: 'Verdict in the Mamai case' });
  await row.waitFor();
  assert.match(await row.textContent(), /2023-04-10/);
  assert.match(await row.locator('.precision').textContent(), /day/);
  const month = page.locator('#drawer tr', { hasText: 'Arrest of Zhanbolat Mamai' });
  assert.match(await month.locator('.precision').textContent(), /month/);
  assert.match(page.url(), /tl=case\/zhanbolat-mamai-2022/);
  await shot('05-timeline');
  await page.locator('#drawer').press('Escape');
  assert.ok(await page.locator('#drawer').isHidden());
});

test('a citation in the details panel names the IPHR report', async () => {
  await page.evaluate(() => window.casegraphExplorer.select('person/zhanbolat-mamai'));
  const citation = page.locator('#details-entity .citation').first();
  await citation.waitFor();
  const text = await citation.textContent();
  assert.match(text, /International Partnership for Human Rights \(IPHR\)/);
  assert.match(text, /Opposition party leader banned from campaigning/);
  assert.match(text, /paragraphs? \d+/);
  // The cited paragraph itself, where the service holds the source texts
  // (they are the publishers' and not part of the project).
  const { held } = (await askAPI(base, '{ coverage(source: "source/iphr-2023-04-mamai") { held } }')).coverage;
  if (held) {
    const quote = page.locator('#details-entity .citation .quote').first();
    await quote.waitFor();
    assert.match(await quote.textContent(), /¶\d+ \S+/);
    assert.match(await quote.getAttribute('data-ref'), /^source\/[a-z0-9-]+#p\d+$/);
  }
  // A relationship's own sources, with a link where the source has a URL.
  const rel = page.locator('#details .rels li', { hasText: 'Criminal case against Zhanbolat Mamai' }).first();
  await rel.locator('summary').click();
  await rel.locator('.citation a[href^="http"]').first().waitFor();
  await shot('06-citations');
});

test('cases that share article 274', async () => {
  await page.getByRole('tab', { name: 'Questions' }).click();
  await page.locator('#cross-q').selectOption('shared');
  await page.locator('#shared-kind').selectOption('article');
  await page.locator('#shared-value').selectOption('legal-article/kz-cc-274');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  const list = page.locator('#shared-result .shared');
  await list.waitFor();
  const text = await list.textContent();
  assert.match(text, /Criminal case against Zhanbolat Mamai/);
  assert.ok((await list.locator('li').count()) >= 2, `more than one case shares article 274: ${text}`);
  await shot('07-shared-article');
});

test('exports: JSON parses, GraphML is XML with nodes, PNG is an image', async () => {
  const take = (name) => exported(page, name);
  const json = JSON.parse((await take('JSON')).toString('utf8'));
  assert.ok(json.nodes.some((n) => n.id === 'person/zhanbolat-mamai' && n.type === 'PERSON'));
  assert.ok(json.edges.length > 0 && json.edges.every((e) => e.source && e.target && e.type));

  const graphml = (await take('GraphML')).toString('utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    return {
      error: doc.getElementsByTagName('parsererror').length > 0,
      root: doc.documentElement.localName,
      nodes: doc.getElementsByTagNameNS('http://graphml.graphdrawing.org/xmlns', 'node').length,
      edges: doc.getElementsByTagNameNS('http://graphml.graphdrawing.org/xmlns', 'edge').length,
      mamai: !!doc.querySelector('node[id="person/zhanbolat-mamai"]'),
    };
  }, graphml);
  assert.deepEqual({ error: parsed.error, root: parsed.root, mamai: parsed.mamai }, { error: false, root: 'graphml', mamai: true });
  assert.equal(parsed.nodes, json.nodes.length);
  assert.equal(parsed.edges, json.edges.length);

  const png = await take('PNG');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 10000);
});

test('exports of Mamai\'s neighbourhood keep the legend, the sources and the citations', async () => {
  const other = await context.newPage();
  other.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  other.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  try {
    await other.goto(`${base}/explore?e=person/zhanbolat-mamai`);
    await other.waitForSelector('body[data-ready="true"]');
    const view = await other.evaluate(() => window.casegraphExplorer.view());
    assert.ok(view.nodes.length > 5);
    const take = (name) => exported(other, name, 'mamai-');
    const publisher = 'International Partnership for Human Rights (IPHR)';

    // PNG: the graph above a rule, and below it the legend: the Person
    // swatch's colour and dark text.
    const png = await take('PNG');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const picture = await other.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(bmp, 0, 0);
      const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      const at = (x, y) => { const i = (y * bmp.width + x) * 4; return [px[i], px[i + 1], px[i + 2]]; };
      const same = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 2);
      let rule = -1;
      for (let y = 0; y < bmp.height && rule < 0; y++) {
        let all = true;
        for (let x = 0; x < bmp.width && all; x += 7) all = same(at(x, y), [0xd5, 0xd9, 0xe2]);
        if (all) rule = y;
      }
      let person = 0;
      let dark = 0;
      for (let y = Math.max(rule, 0); y < bmp.height; y++) {
        for (let x = 0; x < bmp.width; x++) {
          const c = at(x, y);
          if (same(c, [0x00, 0x72, 0xb2])) person++;
          if (same(c, [0x1d, 0x24, 0x33])) dark++;
        }
      }
      return { width: bmp.width, height: bmp.height, rule, person, dark };
    }, png.toString('base64'));
    assert.ok(picture.rule > 100, `the graph sits above the legend: ${JSON.stringify(picture)}`);
    assert.ok(picture.height - picture.rule > 100, `a legend band below the graph: ${JSON.stringify(picture)}`);
    assert.ok(picture.person > 20 && picture.dark > 200, `the legend draws the Person swatch and text: ${JSON.stringify(picture)}`);

    // SVG: parses, draws the nodes, and carries the legend and the sources.
    const svg = (await take('SVG')).toString('utf8');
    const drawn = await other.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        root: doc.documentElement.localName,
        nodes: [...doc.querySelectorAll('g.nodes > g')].map((g) => g.getAttribute('data-id')),
        texts: [...doc.querySelectorAll('g.legend text')].map((t) => t.textContent),
      };
    }, svg);
    assert.equal(drawn.error, false);
    assert.equal(drawn.root, 'svg');
    assert.deepEqual(drawn.nodes.sort(), view.nodes.map((n) => n.id).sort());
    assert.ok(drawn.texts.includes('Entity types'));
    for (const label of ['Person', 'Party', 'Case', 'Charge']) {
      assert.ok(drawn.texts.some((t) => t.startsWith(`${label} (`)), `the legend names ${label}: ${drawn.texts.join(' / ')}`);
    }
    assert.ok(drawn.texts.some((t) => t.startsWith('defendant in (') || t.startsWith('charged with (')), 'the legend names relationships');
    const note = drawn.texts.join(' ');
    assert.match(note, /Sources: /);
    assert.ok(note.includes(publisher), 'the note names a publisher');
    assert.match(note, /Exported \d{4}-\d{2}-\d{2} from casegraph: http\S+explore\?e=person\/zhanbolat-mamai/);

    // GraphML: parses, one typed key per property, every data key declared
    // for its kind, and Mamai's citations as an attribute.
    const graphml = (await take('GraphML')).toString('utf8');
    const g = await other.evaluate((text) => {
      const ns = 'http://graphml.graphdrawing.org/xmlns';
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const keys = [...doc.getElementsByTagNameNS(ns, 'key')].map((k) => ({
        id: k.getAttribute('id'), for: k.getAttribute('for'), name: k.getAttribute('attr.name'), type: k.getAttribute('attr.type'),
      }));
      const undeclared = [...doc.getElementsByTagNameNS(ns, 'data')]
        .filter((d) => !keys.some((k) => k.id === d.getAttribute('key') && k.for === d.parentElement.localName))
        .map((d) => d.getAttribute('key'));
      const mamai = [...doc.getElementsByTagNameNS(ns, 'node')].find((n) => n.getAttribute('id') === 'person/zhanbolat-mamai');
      const data = Object.fromEntries([...mamai.getElementsByTagNameNS(ns, 'data')]
        .map((d) => [keys.find((k) => k.id === d.getAttribute('key')).name, d.textContent]));
      return {
        error: doc.getElementsByTagName('parsererror').length > 0, keys, undeclared, data,
        nodes: doc.getElementsByTagNameNS(ns, 'node').length, edges: doc.getElementsByTagNameNS(ns, 'edge').length,
      };
    }, graphml);
    assert.equal(g.error, false);
    assert.deepEqual(g.undeclared, []);
    assert.equal(g.nodes, view.nodes.length);
    assert.equal(g.edges, view.edges.length);
    assert.ok(g.keys.every((k) => ['string', 'int', 'long', 'double', 'boolean'].includes(k.type)), JSON.stringify(g.keys));
    const props = (items) => [...new Set(items.flatMap((it) => Object.keys(it.properties || {})))];
    for (const [kind, items] of [['node', view.nodes], ['edge', view.edges]]) {
      for (const p of props(items)) {
        assert.equal(g.keys.filter((k) => k.for === kind && (k.name === p || k.name === `property.${p}`)).length, 1, `one ${kind} key for ${p}`);
      }
    }
    assert.ok(!g.keys.some((k) => k.name === 'properties'));
    assert.equal(g.data.label, 'Zhanbolat Mamai');
    assert.match(g.data.citations, /(^| )source\/iphr-2023-04-mamai#p\d+( |$)/);
    assert.ok(g.data.sources.includes(publisher));

    // CSV: both files parse back with the expected columns.
    const nodesCSV = parseCSV((await take('Nodes CSV')).toString('utf8'));
    assert.deepEqual(nodesCSV[0].slice(0, 3), ['id', 'type', 'label']);
    assert.deepEqual(nodesCSV[0].slice(-2), ['citations', 'sources']);
    assert.equal(nodesCSV[0].length, 5 + props(view.nodes).length);
    assert.equal(nodesCSV.length - 1, view.nodes.length);
    assert.ok(nodesCSV.every((r) => r.length === nodesCSV[0].length));
    const mamaiRow = nodesCSV.find((r) => r[0] === 'person/zhanbolat-mamai');
    assert.equal(mamaiRow[2], 'Zhanbolat Mamai');
    assert.match(mamaiRow.at(-2), /source\/iphr-2023-04-mamai#p\d+/);
    const edgesCSV = parseCSV((await take('Edges CSV')).toString('utf8'));
    assert.deepEqual(edgesCSV[0], ['id', 'type', 'source', 'target', 'properties', 'citations', 'sources']);
    assert.equal(edgesCSV.length - 1, view.edges.length);
    for (const r of edgesCSV.slice(1)) {
      assert.equal(r.length, 7);
      assert.equal(typeof JSON.parse(r[4]), 'object');
    }
    assert.ok(edgesCSV.slice(1).some((r) => /#p\d+/.test(r[5])), 'edges carry their citations');
  } finally {
    await other.close();
  }
});

test('the URL reopens the same view', async () => {
  const url = page.url();
  const want = (await nodeIds()).sort();
  const other = await context.newPage();
  try {
    await other.goto(url);
    await other.waitForSelector('body[data-ready="true"]');
    const got = (await other.evaluate(() => window.casegraphExplorer.view().nodes.map((n) => n.id))).sort();
    assert.deepEqual(got, want);
    assert.equal(await other.locator('#path-from').textContent(), 'Zhanbolat Mamai');
    // The paths are listed again, in the panel behind the one the link shows.
    await other.locator('#path-list li').first().waitFor({ state: 'attached' });
    assert.equal(await other.getByRole('tab', { selected: true }).textContent(), 'Questions');
    await other.screenshot({ path: join(artifacts, '08-reopened.png') });
  } finally {
    await other.close();
  }
});

test('a failing API gives a clear message and a retry', async () => {
  const other = await context.newPage();
  try {
    await other.route('**/graphql', (route) => route.abort('connectionrefused'));
    await other.goto(`${base}/explore?e=person/zhanbolat-mamai`);
    const alert = other.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /Cannot reach the casegraph service/);
    await other.getByRole('button', { name: 'Retry' }).waitFor();
    await other.screenshot({ path: join(artifacts, '09-api-down.png') });
    await other.unroute('**/graphql');
    await other.getByRole('button', { name: 'Retry' }).click();
    await other.waitForFunction(() => window.casegraphExplorer.view().nodes.length > 5);
    assert.ok(await alert.isHidden());
  } finally {
    await other.close();
  }
});

test('a query turned away for now is sent again after its Retry-After', async () => {
  const other = await context.newPage();
  try {
    let turnedAway = 0;
    await other.route('**/graphql', (route) => {
      if (turnedAway > 0) return route.continue();
      turnedAway += 1;
      return route.fulfill({
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
        body: JSON.stringify({ errors: [{ message: 'rate limit exceeded', extensions: { code: 'RATE_LIMITED' } }] }),
      });
    });
    await other.goto(`${base}/explore?e=person/zhanbolat-mamai`);
    await other.waitForFunction(() => window.casegraphExplorer.view().nodes.length > 5);
    assert.equal(turnedAway, 1);
    assert.ok(await other.getByRole('alert').isHidden());
  } finally {
    await other.close();
  }
});

test('the page logged no errors and broke no Content-Security-Policy rule', () => {
  assert.deepEqual(faults(problems), []);
});
