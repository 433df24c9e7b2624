// GraphQL over HTTP conformance audit of a running casegraph.
//
// Usage: node audit.mjs URL   (e.g. http://127.0.0.1:8080/graphql)
//
// Runs graphql-http's server audits and prints every result that is not
// "ok", then a count per level. A failed MUST (status "error") makes the
// exit status 1; SHOULD ("warn") and MAY ("notice") results are printed so
// that a new one shows up in the test log, and docs/reliability.md says
// which ones casegraph keeps and why.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });

const levels = ['MUST', 'SHOULD', 'MAY'];
const counts = Object.fromEntries(levels.map((l) => [l, { ok: 0, failed: 0 }]));
for (const r of results) {
  const level = levels.find((l) => r.name.startsWith(l)) ?? 'MAY';
  if (r.status === 'ok') {
    counts[level].ok++;
    continue;
  }
  counts[level].failed++;
  console.log(`${r.status.toUpperCase().padEnd(6)} ${r.id} ${r.name}`);
  console.log(`       ${r.reason}`);
}

for (const l of levels) {
  console.log(`${l.padEnd(6)} ${counts[l].ok} passed, ${counts[l].failed} not`);
}
const errors = results.filter((r) => r.status === 'error').length;
if (errors > 0) {
  console.error(`graphql-http audit: ${errors} MUST requirement(s) failed at ${url}`);
  process.exit(1);
}
