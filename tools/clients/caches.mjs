// Runs the normalised caches of Apollo Client, urql (graphcache) and Relay
// over a running casegraph: every example query, and reads that overlap,
// are first answered by the network into one cache per client; then each
// is read back from that cache alone and compared with what the network
// answered. A cache that mixes two objects under one key answers
// differently, and the run fails.
//
//   node caches.mjs http://127.0.0.1:8080/graphql ../../schema.graphqls ../../internal/server/examples
import { readFileSync, readdirSync, writeFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildSchema, parse, print, visit, Kind, introspectionFromSchema,
  isObjectType, isAbstractType,
} from 'graphql';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import relay from 'relay-runtime';

const here = dirname(fileURLToPath(import.meta.url));
const [url, schemaPath, examplesDir] = process.argv.slice(2);
if (!url || !schemaPath || !examplesDir) {
  console.error('usage: node caches.mjs GRAPHQL-URL SCHEMA.graphqls EXAMPLES-DIR');
  process.exit(2);
}
const sdl = readFileSync(schemaPath, 'utf8');
const schema = buildSchema(sdl);

// Reads that overlap: one relationship from its two ends, an entity beside
// its graph-view node, a relationship beside its views.
const overlaps = [
  ['MamaiMemberships', `query MamaiMemberships { node(id: "person/zhanbolat-mamai") { id ... on Person { name memberships { id relationship direction role entity { id name } } } } }`],
  ['PartyMembers', `query PartyMembers { node(id: "party/democratic-party") { id ... on Party { name members { id relationship direction role entity { id name } } } } }`],
  ['MamaiNeighbourhood', `query MamaiNeighbourhood { neighbourhood(id: "person/zhanbolat-mamai", depth: 1, limit: 30) { truncated nodes { id entity type label properties } edges { id relationship type source target } } }`],
  ['MamaiAgain', `query MamaiAgain { node(id: "person/zhanbolat-mamai") { id ... on Person { name aliases memberships { id direction entity { id name } } } } }`],
  ['LeadsRelationship', `query LeadsRelationship { relationship(id: "LEADS:person/zhanbolat-mamai->party/democratic-party") { id type from { id name } to { id name } } }`],
];

const queries = [];
for (const f of readdirSync(examplesDir).filter((f) => f.endsWith('.graphql')).sort()) {
  queries.push({ name: f.replace(/\.graphql$/, ''), text: readFileSync(join(examplesDir, f), 'utf8') });
}
for (const [name, text] of overlaps) queries.push({ name, text });

// Every client asks for __typename in each selection set but the root; the
// network's answer to the same document is what its cache must give back.
function withTypename(doc) {
  return visit(doc, {
    SelectionSet(node, _k, parent) {
      if (parent && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
      if (node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias)) return undefined;
      return { ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
    },
  });
}

// politeFetch waits as the service's rate limit asks (Retry-After) and
// tries again: the run is one client reading a lot, as an analyst's page
// might.
async function politeFetch(input, init) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(input, init);
    if (res.status !== 429 || attempt >= 30) return res;
    await new Promise((ok) => setTimeout(ok, 1000 * Number(res.headers.get('retry-after') || 1)));
  }
}

async function network(text, variables = {}) {
  const res = await politeFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: text, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`the service answered errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

// plain drops prototypes and frozen wrappers, so only values compare.
const plain = (v) => JSON.parse(JSON.stringify(v ?? null));

function firstDifference(a, b, path = '') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path || '(root)'}: cache ${JSON.stringify(a)?.slice(0, 200)}, network ${JSON.stringify(b)?.slice(0, 200)}`;
}

// possibleTypes for Apollo, keys for graphcache: objects without an id are
// kept inside their parent.
const possibleTypes = {};
const keys = {};
for (const t of Object.values(schema.getTypeMap())) {
  if (t.name.startsWith('__')) continue;
  if (isAbstractType(t)) possibleTypes[t.name] = schema.getPossibleTypes(t).map((p) => p.name);
  if (isObjectType(t) && !t.getFields().id && ![schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType?.()].includes(t)) {
    keys[t.name] = () => null;
  }
}

const docs = queries.map((q) => ({ ...q, doc: withTypename(parse(q.text)) }));
for (const q of docs) q.expected = plain(await network(print(q.doc)));

const clients = {
  'Apollo InMemoryCache': {
    make() {
      return new ApolloClient({ link: new HttpLink({ uri: url, fetch: politeFetch }), cache: new InMemoryCache({ possibleTypes }) });
    },
    async load(c, q) { await c.query({ query: q.doc, fetchPolicy: 'network-only' }); },
    read(c, q) { return c.cache.readQuery({ query: q.doc }); },
  },
  'urql graphcache': {
    make() {
      return new Client({ url, fetch: politeFetch, exchanges: [cacheExchange({ schema: introspectionFromSchema(schema), keys }), fetchExchange] });
    },
    async load(c, q) {
      const r = await c.query(q.doc, {}, { requestPolicy: 'network-only' }).toPromise();
      if (r.error) throw r.error;
    },
    read(c, q) {
      const r = c.readQuery(q.doc, {});
      return r ? r.data : null;
    },
  },
};

let failures = 0;
for (const [name, client] of Object.entries(clients)) {
  const c = client.make();
  for (const q of docs) await client.load(c, q);
  let bad = 0;
  for (const q of docs) {
    const d = firstDifference(plain(client.read(c, q)), q.expected);
    if (d) {
      bad++;
      console.error(`${name}: ${q.name}: ${d}`);
    }
  }
  console.log(`${name}: ${docs.length} queries, ${bad} differ from the network`);
  failures += bad;
}

failures += await relayRun();

if (failures > 0) {
  console.error(`${failures} answers read from a cache differ from the network's`);
  process.exit(1);
}

// Relay needs its compiler's artifacts: each query goes into a module of
// its own name, compiled against the schema in a throwaway directory. The
// compiler adds id and __typename to what it sends, but its store answers
// with what the query asked for: that is what the network's answer to the
// query as written is compared with.
async function relayRun() {
  const work = mkdtempSync(join(tmpdir(), 'casegraph-relay-'));
  try {
    const src = join(work, 'src');
    mkdirSync(src);
    const names = docs.map((q, i) => {
      const module = `Q${String(i).padStart(2, '0')}`;
      const doc = visit(parse(q.text), {
        OperationDefinition(node) { return { ...node, name: { kind: Kind.NAME, value: `${module}Query` } }; },
      });
      writeFileSync(join(src, `${module}.js`), `graphql\`${print(doc).replaceAll('`', '\\`')}\`;\n`);
      return { module, name: q.name, text: print(doc) };
    });
    mkdirSync(join(work, 'gen'));
    const config = join(work, 'relay.config.json');
    writeFileSync(join(work, 'schema.graphql'), sdl);
    writeFileSync(config, JSON.stringify({ src: './src', schema: './schema.graphql', language: 'javascript', artifactDirectory: './gen' }));
    execFileSync(join(here, 'node_modules', '.bin', 'relay-compiler'), [config], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(join(work, 'gen', 'package.json'), '{"type": "module"}');
    const env = new relay.Environment({
      network: relay.Network.create(async (params, variables) => {
        const res = await politeFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: params.text, variables }),
        });
        return res.json();
      }),
      store: new relay.Store(new relay.RecordSource()),
    });
    const ops = [];
    for (const n of names) {
      const { default: artifact } = await import(pathToFileURL(join(work, 'gen', `${n.module}Query.graphql.js`)).href);
      const op = relay.createOperationDescriptor(artifact, {});
      env.retain(op);
      ops.push({ ...n, artifact, op, expected: plain(await network(n.text)) });
    }
    for (const o of ops) await relay.fetchQuery(env, o.artifact, {}, { fetchPolicy: 'network-only' }).toPromise();
    let bad = 0;
    for (const o of ops) {
      const snap = env.lookup(o.op.fragment);
      const d = snap.isMissingData ? 'data missing from the store' : firstDifference(plain(snap.data), o.expected);
      if (d) {
        bad++;
        console.error(`Relay store: ${o.name}: ${d}`);
      }
    }
    console.log(`Relay store: ${ops.length} queries, ${bad} differ from the network`);
    return bad;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
