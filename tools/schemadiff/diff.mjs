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

// breaking lists the changes from released to current SDL that break a
// client of the release, and all the changes.
async function compare(releasedSDL, currentSDL) {
  // A field deprecated in the release may go: that is how a breaking
  // change is made safely.
  const changes = await diff(buildSchema(releasedSDL), buildSchema(currentSDL), [DiffRule.suppressRemovalOfDeprecatedField]);
  // That rule also lets any removed type pass; a type cannot be
  // deprecated, and clients reach types through interfaces (Node,
  // Entity), so removing one always breaks.
  const breaks = (c) => c.criticality.level === CriticalityLevel.Breaking || c.type === 'TYPE_REMOVED';
  return { changes, breaks, breaking: changes.filter(breaks) };
}

// selfTest shows the check refuses what breaks a released client and
// lets the rest pass.
async function selfTest() {
  const released = `
    interface Node { id: ID! }
    type A implements Node { id: ID! name: String old: String @deprecated(reason: "use name") }
    type B implements Node { id: ID! }
    enum Kind { ONE TWO }
    type Query { node(id: ID!): Node a: A kind: Kind }`;
  const cases = [
    ['a field added', released.replace('name: String', 'name: String more: Int'), false],
    ['a deprecated field removed', released.replace(' old: String @deprecated(reason: "use name")', ''), false],
    ['a field removed', released.replace(' name: String', ''), true],
    ['a field changed in type', released.replace('name: String', 'name: Int'), true],
    ['a type removed', released.replace('type B implements Node { id: ID! }', ''), true],
    ['an enum value removed', released.replace('ONE TWO', 'ONE'), true],
    ['a nullable field made non-null in an argument', released.replace('node(id: ID!)', 'node(id: ID!, depth: Int!)'), true],
  ];
  let failed = 0;
  for (const [name, current, wantBreaking] of cases) {
    const { breaking } = await compare(released, current);
    if ((breaking.length > 0) !== wantBreaking) {
      failed++;
      console.error(`self-test: ${name}: ${breaking.length} breaking changes, want ${wantBreaking ? 'some' : 'none'}`);
    }
  }
  console.log(`self-test: ${cases.length - failed} of ${cases.length} cases as expected`);
  process.exit(failed > 0 ? 1 : 0);
}

const args = process.argv.slice(2);
if (args[0] === '--self-test') await selfTest();
const [releasedPath, currentPath] = args;
if (!releasedPath || !currentPath) {
  console.error('usage: node diff.mjs RELEASED.graphqls CURRENT.graphqls | --self-test');
  process.exit(2);
}
const { changes, breaks, breaking } = await compare(readFileSync(releasedPath, 'utf8'), readFileSync(currentPath, 'utf8'));
for (const c of changes) {
  console.log(`${(breaks(c) ? 'BREAKING' : c.criticality.level).padEnd(13)} ${c.message}`);
}
console.log(`${changes.length} changes since the release, ${breaking.length} breaking`);
if (breaking.length > 0) {
  console.error('breaking changes: deprecate first (@deprecated(reason: ...)), release, then remove; see CHANGELOG.md');
  process.exit(1);
}
