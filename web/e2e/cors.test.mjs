// A front end on another origin calls the API from headless Chromium, as
// a browser client (Apollo, urql, Relay) would: its preflights pass, and
// its script can read the headers a client needs, Retry-After on a 429
// among them. This file serves the page itself at E2E_PAGE_ORIGIN
// (default http://127.0.0.1:8081); the service at CASEGRAPH_URL must list
// that origin in CASEGRAPH_CORS_ORIGINS, as scripts/test.sh does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const api = `${(process.env.CASEGRAPH_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')}/graphql`;
const origin = new URL(process.env.E2E_PAGE_ORIGIN || 'http://127.0.0.1:8081');

let pageServer;
let browser;
let page;

before(async () => {
  pageServer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!DOCTYPE html><html lang="en"><title>a front end on another origin</title><body></body></html>');
  });
  await new Promise((resolve, reject) => {
    pageServer.once('error', reject);
    pageServer.listen(Number(origin.port), origin.hostname, resolve);
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(origin.href);
  assert.notEqual(new URL(page.url()).origin, new URL(api).origin, 'the page and the API share an origin');
});

after(async () => {
  if (browser) await browser.close();
  if (pageServer) await new Promise((resolve) => pageServer.close(resolve));
});

// fetch rejects a cross-origin answer the browser may not show: say which
// setting is missing rather than "Failed to fetch".
const notAllowed = `the API refused the page's origin: serve it with CASEGRAPH_CORS_ORIGINS=${origin.origin}`;

test("a query with Apollo Client's client-awareness headers passes its preflight", async () => {
  const got = await page.evaluate(async (url) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'apollographql-client-name': 'desk',
          'apollographql-client-version': '1.0.0',
        },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return { status: res.status, body: await res.json(), requestId: res.headers.get('X-Request-ID') };
    } catch (err) {
      return { error: String(err) };
    }
  }, api);
  assert.equal(got.error, undefined, notAllowed);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, { data: { __typename: 'Query' } });
  assert.ok(got.requestId, 'X-Request-ID is not readable from the page');
});

test('a page reads Retry-After from a 429', async () => {
  // Made-up tokens spend a budget of their own per address (the guesses
  // bearerAuth allows), so running out of it leaves the budget of the
  // other tests' requests, from the same address, as it was. Ten at a
  // time outrun the budget's refill whatever the machine's speed.
  const got = await page.evaluate(async (url) => {
    try {
      for (let round = 0; round < 300; round++) {
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer made-up-${round}-${i}` },
          body: JSON.stringify({ query: '{ __typename }' }),
        })));
        const limited = answers.find((res) => res.status === 429);
        if (limited) {
          const body = await limited.json();
          return {
            retryAfter: limited.headers.get('Retry-After'),
            code: body.errors?.[0]?.extensions?.code,
            requests: (round + 1) * 10,
          };
        }
      }
      return { error: 'no 429 after 3000 requests' };
    } catch (err) {
      return { error: String(err) };
    }
  }, api);
  assert.equal(got.error, undefined, got.error?.startsWith('no 429') ? got.error : notAllowed);
  assert.equal(got.code, 'RATE_LIMITED');
  assert.match(got.retryAfter ?? 'null', /^[1-9]\d*$/, `Retry-After read from the page: ${got.retryAfter}`);
});
