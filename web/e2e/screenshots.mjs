// Takes the screenshots in docs/explorer.md: a view of about 300 entities
// of the synthetic graph, the cross-case panel and the time bar with a
// case's timeline chart, each at 1366×768 and 1920×1080.
//
//   CASEGRAPH_URL=http://127.0.0.1:8080 E2E_SYNTH_URL=http://127.0.0.1:8081 \
//     node web/e2e/screenshots.mjs [OUT_DIR]
//
// CASEGRAPH_URL serves the bundled cases, E2E_SYNTH_URL the synthetic graph
// (casegraph gen -cases 40); OUT_DIR defaults to docs/img.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, launch } from './browser.mjs';

const synth = (process.env.E2E_SYNTH_URL || '').replace(/\/$/, '');
if (!synth) throw new Error('set E2E_SYNTH_URL to a service over the synthetic graph (casegraph gen -cases 40)');
const out = process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'img');
mkdirSync(out, { recursive: true });

// The hubs web/e2e/layout.test.mjs opens and expands: 309 entities.
const HUBS = ['legal-code/xx-syn-cc', 'court/syn-court-0', 'court/syn-court-1', 'legal-article/xx-syn-cc-100',
  'legal-article/xx-syn-cc-101', 'legal-article/xx-syn-cc-102', 'case/syn-000017', 'case/syn-000025', 'case/syn-000029'];
const CASE = 'case/zhanbolat-mamai-2022';

const problems = [];
const { context, page } = await launch(problems);
const idle = () => page.waitForFunction(() => !document.body.classList.contains('loading'));
async function open(url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await idle();
  await page.waitForTimeout(800); // layouts and the label pass settle
}

try {
  for (const [width, height] of [[1366, 768], [1920, 1080]]) {
    await page.setViewportSize({ width, height });

    await open(`${synth}/explore?e=${HUBS.join(',')}&s=court/syn-court-0`);
    await page.screenshot({ path: join(out, `explorer-300-${width}.png`) });

    await open(`${base}/explore?cq=convictions&ca.articles=legal-article/kz-cc-274`);
    await page.locator('#cross-add-all').click();
    await page.waitForFunction(() => window.casegraphExplorer.view().nodes.length > 5);
    await idle();
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(out, `explorer-questions-${width}.png`) });

    await open(`${base}/explore?e=${CASE}&tf=2022-01&tt=2023-06&tl=${CASE}`);
    await page.locator('#drawer .tc-mark').first().waitFor();
    await page.screenshot({ path: join(out, `explorer-time-${width}.png`) });
  }
} finally {
  await context.close();
}
if (problems.length) console.error(problems.join('\n'));
console.log(`screenshots in ${out}`);
