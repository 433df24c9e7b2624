// Headless Chromium for the end-to-end tests: a fresh profile, and the
// errors the page logs (Content-Security-Policy violations among them)
// collected in problems.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { chromium } from 'playwright-core';

// The service under test, and where tests leave screenshots and exports.
export const base = (process.env.CASEGRAPH_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const artifacts = process.env.E2E_ARTIFACTS || join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
mkdirSync(artifacts, { recursive: true });

export async function launch(problems) {
  const profile = mkdtempSync(join(tmpdir(), 'casegraph-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1366, height: 768 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(20000);
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return { context, page, profile };
}

// openTab opens url in a new tab of context, collecting its errors in
// problems, and waits until the explorer has drawn the view.
export async function openTab(context, problems, url) {
  const p = await context.newPage();
  p.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  p.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await p.goto(url);
  await p.waitForSelector('body[data-ready="true"]');
  return p;
}

/** Launches Chromium on url and waits until the explorer has rebuilt the view it names. */
export async function openExplorer(url, problems) {
  const browser = await launch(problems);
  await browser.page.goto(url);
  await browser.page.waitForSelector('body[data-ready="true"]');
  return browser;
}

/**
 * The problems a page logged, less the browser's own line for each answer
 * of a status the test expects: a 429 the page waits out as Retry-After
 * says (late in the suite the address's rate budget runs low), and those
 * given in also, such as a refusal a test asks for.
 */
export function faults(problems, ...also) {
  const expected = new RegExp(`status of (${['429', ...also].join('|')})\\b`);
  return problems.filter((p) => !expected.test(p));
}

/**
 * One Chromium for a test file, closed after its tests: browser() launches
 * it on the first call and gives launch's {context, page, profile};
 * problems collects the errors its pages log.
 */
export function session() {
  const problems = [];
  let opened = null;
  const browser = () => { opened ||= launch(problems); return opened; };
  after(async () => { if (opened) await closeBrowser(await opened); });
  return { problems, browser };
}

/** Closes what launch opened and removes its profile. */
export async function closeBrowser(browser) {
  if (!browser || !browser.context) return;
  await browser.context.close();
  rmSync(browser.profile, { recursive: true, force: true });
}

// askAPI asks the service a question from the test itself, not the page,
// waiting out a 429 as its Retry-After says: by then the suite has spent
// much of this address's rate budget, and the answer is what matters. A
// token goes as Authorization: Bearer.
export async function askAPI(base, query, variables = {}, token = '') {
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    if (r.status === 429) {
      await new Promise((ok) => setTimeout(ok, 1000 * Number(r.headers.get('retry-after') || 1)));
      continue;
    }
    const body = await r.json();
    if (!body.data) throw new Error(`the API answered ${JSON.stringify(body.errors)}`);
    return body.data;
  }
  throw new Error('the API kept answering 429');
}
