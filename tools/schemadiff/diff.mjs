// Compares the schema with the last released one (schema/released.graphqls)
// and fails on a breaking change: a field, argument, type or enum value
// that clients may use must be deprecated in a release before it is
// removed, and nothing may change a type a released client relies on.
// Every change is listed, so the CHANGELOG can say it.
//
//   node diff.mjs schema/released.graphqls schema.graphqls
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff, DiffRule, CriticalityLevel } from '@graphql-inspector/core';

const [releasedPath, currentPath] = process.argv.slice(2);
if (!releasedPath || !currentPath) {
  console.error('usage: node diff.mjs RELEASED.graphqls CURRENT.graphqls');
  process.exit(2);
}
const load = (p) => buildSchema(readFileSync(p, 'utf8'));
// A field deprecated in the release may go: that is how a breaking change
// is made safely.
const changes = await diff(load(releasedPath), load(currentPath), [DiffRule.suppressRemovalOfDeprecatedField]);
const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
for (const c of changes) {
  console.log(`${c.criticality.level.padEnd(13)} ${c.message}`);
}
console.log(`${changes.length} changes since the release, ${breaking.length} breaking`);
if (breaking.length > 0) {
  console.error('breaking changes: deprecate first (@deprecated(reason: ...)), release, then remove; see CHANGELOG.md');
  process.exit(1);
}
