// Unit tests of the explorer's export functions (web/src/export.js is a
// pure ES module), with no browser and no service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  csvField, toNodesCSV, toEdgesCSV, toGraphML, legendOf, sourcesOf, noteLines, sourceText, toSVG,
} from '../src/export.js';
import { parseCSV } from './csv.mjs';

const iphr = { id: 'source/iphr-2023-04-mamai', title: 'Kazakhstan: Opposition party leader banned from campaigning in violation of international standards', publisher: 'International Partnership for Human Rights (IPHR)', date: { text: '2023-04' } };
const cite = (p) => ({ ref: `${iphr.id}#p${p}`, paragraph: p, source: iphr });
const nodes = [
  { id: 'person/a', type: 'PERSON', label: 'A, "the" one', properties: { name: 'A', born: '1970-03', aliases: ['X', 'Y'], children: 2, detained: true, score: 1.5 }, citations: [cite(3), cite(4)] },
  { id: 'person/b', type: 'PERSON', label: '=HYPERLINK("http://evil")', properties: { name: '+cmd', note: 'line one\nline two', children: 3, detained: false, score: 2 }, citations: [] },
  { id: 'case/c', type: 'CASE', label: 'Case', properties: { type: 'criminal', opened: '-2022' }, citations: [cite(4)] },
];
const edges = [
  { id: 'r1', type: 'DEFENDANT_IN', source: 'person/a', target: 'case/c', properties: { role: '@role', since: 2021 }, sources: [cite(5)] },
];

test('csvField quotes per RFC 4180 and neutralises formulas', () => {
  const cases = [
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "\"'\rx\""],
    ['=A1,"b"', '"\'=A1,""b"""'],
    [-5, '-5'],
    [true, 'true'],
    [null, ''],
    [['a', '=b'], 'a; =b'],
  ];
  for (const [value, want] of cases) assert.equal(csvField(value), want, JSON.stringify(value));
});

test('nodes CSV parses back with a column per property and neutralised values', () => {
  const rows = parseCSV(toNodesCSV(nodes));
  const [header, ...body] = rows;
  assert.deepEqual(header, ['id', 'type', 'label', 'aliases', 'born', 'children', 'detained', 'name', 'note', 'opened', 'score', 'property.type', 'citations', 'sources']);
  assert.equal(body.length, 3);
  assert.ok(rows.every((r) => r.length === header.length));
  const col = (row, name) => row[header.indexOf(name)];
  assert.equal(col(body[0], 'label'), 'A, "the" one');
  assert.equal(col(body[0], 'aliases'), 'X; Y');
  assert.equal(col(body[0], 'citations'), 'source/iphr-2023-04-mamai#p3 source/iphr-2023-04-mamai#p4');
  assert.match(col(body[0], 'sources'), /^International Partnership for Human Rights \(IPHR\), 2023-04: “Kazakhstan/);
  assert.equal(col(body[1], 'label'), '\'=HYPERLINK("http://evil")');
  assert.equal(col(body[1], 'name'), "'+cmd");
  assert.equal(col(body[1], 'note'), 'line one\nline two');
  assert.equal(col(body[2], 'opened'), "'-2022");
  assert.equal(col(body[2], 'property.type'), 'criminal');
  assert.equal(col(body[2], 'children'), '');
});

test('edges CSV parses back with properties as JSON and the citations', () => {
  const [header, row] = parseCSV(toEdgesCSV(edges));
  assert.deepEqual(header, ['id', 'type', 'source', 'target', 'properties', 'citations', 'sources']);
  assert.deepEqual(row.slice(0, 4), ['r1', 'DEFENDANT_IN', 'person/a', 'case/c']);
  assert.deepEqual(JSON.parse(row[4]), { role: '@role', since: 2021 });
  assert.equal(row[5], 'source/iphr-2023-04-mamai#p5');
});

test('GraphML declares one typed key per property and carries the citations', () => {
  const xml = toGraphML(nodes, edges);
  const keys = [...xml.matchAll(/<key id="([^"]+)" for="(node|edge)" attr.name="([^"]+)" attr.type="([^"]+)"\/>/g)]
    .map(([, id, domain, name, type]) => ({ id, domain, name, type }));
  const typeOf = (domain, name) => keys.find((k) => k.domain === domain && k.name === name)?.type;
  assert.equal(typeOf('node', 'children'), 'int');
  assert.equal(typeOf('node', 'detained'), 'boolean');
  assert.equal(typeOf('node', 'score'), 'double');
  assert.equal(typeOf('node', 'born'), 'string');
  assert.equal(typeOf('node', 'property.type'), 'string');
  assert.equal(typeOf('node', 'type'), 'string');
  assert.equal(typeOf('node', 'citations'), 'string');
  assert.equal(typeOf('edge', 'since'), 'int');
  assert.equal(typeOf('edge', 'role'), 'string');
  assert.ok(!keys.some((k) => k.name === 'properties'), 'no property is packed into one JSON string');
  assert.equal(new Set(keys.map((k) => k.id)).size, keys.length, 'key ids are unique');
  // Every data element names a key declared for its element kind.
  const byId = new Map(keys.map((k) => [k.id, k]));
  for (const [, kind, body] of xml.matchAll(/<(node|edge) [^>]*>([\s\S]*?)<\/\1>/g)) {
    for (const [, key] of body.matchAll(/<data key="([^"]+)">/g)) assert.equal(byId.get(key)?.domain, kind, key);
  }
  const cites = keys.find((k) => k.domain === 'node' && k.name === 'citations').id;
  assert.match(xml, new RegExp(`<node id="person/a">[\\s\\S]*?<data key="${cites}">source/iphr-2023-04-mamai#p3 source/iphr-2023-04-mamai#p4</data>`));
  assert.match(xml, /<data key="n0">=HYPERLINK\(&quot;http:\/\/evil&quot;\)<\/data>/);
});

test('a picture names the types in view and its sources, shortened', () => {
  const legend = legendOf(nodes, edges);
  assert.deepEqual(legend.types.map((t) => [t.type, t.count]), [['PERSON', 2], ['CASE', 1]]);
  assert.deepEqual(legend.rels, [{ type: 'DEFENDANT_IN', label: 'defendant in', count: 1 }]);
  assert.deepEqual(sourcesOf(nodes, edges).map((s) => s.id), [iphr.id]);
  assert.equal(sourceText(iphr, 20), 'International Partnership for Human Rights (IPHR), 2023-04: “Kazakhstan: Opposit…”');
  const many = Array.from({ length: 12 }, (_, i) => ({ id: `source/s${i}`, title: `T${i}`, publisher: 'P' }));
  const [line, exported] = noteLines(many, { url: 'http://h/explore?e=x', date: '2026-12-07' });
  assert.match(line, /; and 4 more\.$/);
  assert.equal(exported, 'Exported 2026-12-07 from casegraph: http://h/explore?e=x');
  const scene = {
    width: 300,
    height: 200,
    nodes: [{ id: 'person/a', type: 'PERSON', label: 'A <b>', size: 26, x: 50, y: 50 }],
    edges: [
      { type: 'A', sx: 1, sy: 2, tx: 3, ty: 4, control: [] },
      { type: 'B', sx: 1, sy: 2, tx: 3, ty: 4, control: [{ x: 5, y: 6 }] },
      { type: 'C', sx: 1, sy: 2, tx: 1, ty: 2, control: [{ x: 5, y: 6 }, { x: 7, y: 8 }] },
    ],
  };
  const svg = toSVG(scene, legend, noteLines(sourcesOf(nodes, edges), { url: 'http://h/?a=1&b=2', date: '2026-12-07' }));
  assert.match(svg, />Person \(2\)</);
  assert.match(svg, />defendant in \(1\)</);
  assert.match(svg, /International Partnership for Human Rights \(IPHR\)/);
  assert.match(svg, /A &lt;b&gt;/);
  assert.match(svg, /a=1&amp;b=2/);
  assert.match(svg, /<path d="M1,2 L3,4" marker-end="url\(#arrow\)" data-type="A"\/>/);
  assert.match(svg, /<path d="M1,2 Q5,6 3,4"/);
  assert.match(svg, /<path d="M1,2 C5,6 7,8 1,2"/);
});
