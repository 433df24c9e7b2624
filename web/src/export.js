// Exports of the visible view: JSON in the API's own graph shape; GraphML
// with typed attributes for Gephi, yEd and Cytoscape desktop; CSV of nodes
// and edges for spreadsheets; and pictures (PNG, SVG) that carry their own
// legend and the sources they rest on, so a picture shown out of the
// explorer still says what it shows and where it comes from.
//
// Everything here but pngWithLegend and download is pure, so node --test
// imports it directly (web/e2e/export.test.mjs).

import { ENTITY_TYPES, typeInfo, shapeGeometry, shapeSVG, humanize } from './types.js';

const citationJSON = (c) => ({
  ref: c.ref,
  paragraph: c.paragraph,
  source: c.source ? {
    id: c.source.id, title: c.source.title, publisher: c.source.publisher, url: c.source.url || null, date: c.source.date ? c.source.date.text : null,
  } : null,
});

/** The view as {nodes, edges}, shaped like the API's GraphView, with each entity's and edge's citations. */
export function toJSON(nodes, edges, meta = {}) {
  return {
    generator: 'casegraph explorer',
    ...meta,
    nodes: nodes.map((n) => ({
      id: n.id, type: n.type, label: n.label, properties: n.properties || {}, citations: (n.citations || []).map(citationJSON),
    })),
    edges: edges.map((e) => ({
      id: e.id,
      type: e.type,
      source: e.source,
      target: e.target,
      properties: e.properties || {},
      sources: (e.sources || []).map(citationJSON),
    })),
  };
}

const citationsOf = (item) => item.citations || item.sources || [];
const refsOf = (item) => citationsOf(item).map((c) => c.ref).join(' ');

/** "Publisher, date: “Title”" for a cited source. */
export function sourceText(s, maxTitle = Infinity) {
  let title = s.title || s.id || '';
  if (title.length > maxTitle) title = `${title.slice(0, maxTitle - 1).trimEnd()}…`;
  const date = s.date && s.date.text ? `, ${s.date.text}` : '';
  return `${s.publisher || 'Unknown publisher'}${date}: “${title}”`;
}

/** The distinct sources an item cites, as sourceText, joined for one cell or attribute. */
const sourcesCell = (item) => [...new Map(citationsOf(item).filter((c) => c.source).map((c) => [c.source.id, sourceText(c.source)])).values()].join(' | ');

/** A property value as text: lists joined with "; ", records as JSON. */
function valueText(v) {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join('; ');
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** The GraphML type that holds every value of a property: boolean, int, long, double or string. */
function attrType(values) {
  const kinds = new Set(values.map((v) => {
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'number' && Number.isInteger(v)) return Math.abs(v) < 2 ** 31 ? 'int' : 'long';
    if (typeof v === 'number' && Number.isFinite(v)) return 'double';
    return 'string';
  }));
  if (kinds.size === 1) return [...kinds][0];
  if ([...kinds].every((k) => k === 'int' || k === 'long')) return 'long';
  if ([...kinds].every((k) => k === 'int' || k === 'long' || k === 'double')) return 'double';
  return 'string';
}

/** The property names of items, sorted, each with the values it takes (nulls left out). */
function propertyColumns(items) {
  const values = new Map();
  for (const it of items) {
    for (const [k, v] of Object.entries(it.properties || {})) {
      if (v === null || v === undefined) continue;
      if (!values.has(k)) values.set(k, []);
      values.get(k).push(v);
    }
  }
  return [...values.keys()].sort().map((name) => ({ name, type: attrType(values.get(name)) }));
}

export const xmlEscape = (s) => String(s)
  // Characters XML 1.0 does not allow at all, which hostile text may hold.
  .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
  .replace(/&/g, '&amp;')
  .replace(/</g, '&lt;')
  .replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;')
  .replace(/'/g, '&apos;');

/**
 * The view as a GraphML document: directed, one typed <key> per property
 * (separately for nodes and edges), and each element's citations as two
 * attributes, the refs (source/iphr-2023-04-mamai#p4) and the sources they
 * name (publisher, date and title).
 */
export function toGraphML(nodes, edges) {
  const fixed = ['label', 'type', 'citations', 'sources'];
  const declare = (prefix, domain, names) => {
    const keys = new Map();
    const props = propertyColumns(domain === 'node' ? nodes : edges);
    const all = [
      ...names.map((name) => ({ name, type: 'string', fixed: true })),
      // A property that shares a fixed attribute's name keeps its own, prefixed.
      ...props.map((p) => ({ ...p, attr: fixed.includes(p.name) ? `property.${p.name}` : p.name })),
    ];
    all.forEach((k, i) => keys.set(k.fixed ? k.name : `p:${k.name}`, { ...k, id: `${prefix}${i}`, attr: k.attr || k.name }));
    return keys;
  };
  const nodeKeys = declare('n', 'node', ['label', 'type', 'citations', 'sources']);
  const edgeKeys = declare('e', 'edge', ['type', 'citations', 'sources']);
  const out = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">');
  for (const [domain, keys] of [['node', nodeKeys], ['edge', edgeKeys]]) {
    for (const k of keys.values()) {
      out.push(`  <key id="${k.id}" for="${domain}" attr.name="${xmlEscape(k.attr)}" attr.type="${k.type}"/>`);
    }
  }
  out.push('  <graph id="casegraph" edgedefault="directed">');
  const data = (keys, item, fields) => {
    const lines = [];
    for (const [name, value] of fields) {
      if (value !== '' && value !== undefined) lines.push(`      <data key="${keys.get(name).id}">${xmlEscape(value)}</data>`);
    }
    for (const [k, v] of Object.entries(item.properties || {}).sort(([a], [b]) => a.localeCompare(b))) {
      if (v === null || v === undefined) continue;
      lines.push(`      <data key="${keys.get(`p:${k}`).id}">${xmlEscape(valueText(v))}</data>`);
    }
    return lines;
  };
  for (const n of nodes) {
    out.push(`    <node id="${xmlEscape(n.id)}">`);
    out.push(...data(nodeKeys, n, [['label', n.label], ['type', n.type], ['citations', refsOf(n)], ['sources', sourcesCell(n)]]));
    out.push('    </node>');
  }
  for (const e of edges) {
    out.push(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">`);
    out.push(...data(edgeKeys, e, [['type', e.type], ['citations', refsOf(e)], ['sources', sourcesCell(e)]]));
    out.push('    </edge>');
  }
  out.push('  </graph>');
  out.push('</graphml>');
  return out.join('\n') + '\n';
}

/**
 * One CSV field per RFC 4180, made safe for spreadsheets: text that starts
 * with =, +, -, @, a tab or a carriage return gets a leading apostrophe, so
 * a hostile source cannot plant a formula; numbers and booleans stay as
 * they are (they cannot hold one).
 */
export function csvField(v) {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : valueText(v);
  if (typeof v !== 'number' && typeof v !== 'boolean' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvRows = (rows) => rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';

/** Nodes as CSV: id, type, label, one column per property, then the citations' refs and sources. */
export function toNodesCSV(nodes) {
  const props = propertyColumns(nodes).map((p) => p.name);
  const fixed = ['id', 'type', 'label', 'citations', 'sources'];
  const header = ['id', 'type', 'label', ...props.map((p) => (fixed.includes(p) ? `property.${p}` : p)), 'citations', 'sources'];
  return csvRows([header, ...nodes.map((n) => [n.id, n.type, n.label, ...props.map((p) => (n.properties || {})[p]), refsOf(n), sourcesCell(n)])]);
}

/** Edges as CSV: id, type, source, target, properties (JSON), then the citations' refs and sources. */
export function toEdgesCSV(edges) {
  const header = ['id', 'type', 'source', 'target', 'properties', 'citations', 'sources'];
  return csvRows([header, ...edges.map((e) => [e.id, e.type, e.source, e.target, JSON.stringify(e.properties || {}), refsOf(e), sourcesCell(e)])]);
}

// ---------------------------------------------------------------------------
// The legend and sources of a picture

/** What a legend shows: the entity types in view in the explorer's order, and the relationship types, with counts. */
export function legendOf(nodes, edges) {
  const count = (items) => items.reduce((m, it) => m.set(it.type, (m.get(it.type) || 0) + 1), new Map());
  const types = count(nodes);
  const rels = count(edges);
  const known = ENTITY_TYPES.filter((t) => types.has(t.type)).map((t) => t.type);
  const other = [...types.keys()].filter((t) => !known.includes(t)).sort();
  return {
    types: [...known, ...other].map((t) => ({ ...typeInfo(t), count: types.get(t) })),
    rels: [...rels.keys()].sort().map((r) => ({ type: r, label: humanize(r), count: rels.get(r) })),
  };
}

/** The distinct sources cited by the nodes and edges, by publisher, date and title. */
export function sourcesOf(nodes, edges) {
  const byId = new Map();
  for (const it of [...nodes, ...edges]) for (const c of citationsOf(it)) if (c.source) byId.set(c.source.id, c.source);
  const key = (s) => `${s.publisher || ''}\u0000${s.date && s.date.text ? s.date.text : ''}\u0000${s.title || ''}`;
  return [...byId.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * The lines under a picture: the sources (titles shortened, and only the
 * first few when there are many), then the date of export and the link
 * that reopens the view.
 */
export function noteLines(sources, { url, date }, { maxTitle = 60, maxSources = 8 } = {}) {
  const shown = sources.slice(0, maxSources).map((s) => sourceText(s, maxTitle));
  const more = sources.length - shown.length;
  const cited = sources.length ? `Sources: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.` : 'Sources: none cited by what is in view.';
  return [cited, `Exported ${date} from casegraph: ${url}`];
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const LEGEND_FONT = { size: 12, family: FONT };

/** Words of text in lines no wider than width; a word wider than a line is cut. */
function wrap(text, width, measure) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (measure(next) <= width || !line) {
      line = next;
    } else {
      lines.push(line);
      line = word;
    }
    while (measure(line) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && measure(line.slice(0, cut)) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Lays out the legend and the note in a band width wide: the entity types
 * (swatch, name, count) and the relationship types flow in rows, the note
 * wraps. measure(text, bold) gives a text's width at LEGEND_FONT's size.
 * Returns {height, items}: swatches {swatch, x, y, size} and texts {text, x, y, bold}, y being the baseline.
 */
export function legendLayout(legend, lines, width, measure = (t) => t.length * 6.6) {
  const pad = 16;
  const row = 20;
  const items = [];
  let y = pad;
  const heading = (text) => { items.push({ text, x: pad, y: y + 12, bold: true }); y += row; };
  const flow = (entries) => {
    let x = pad;
    for (const { text, swatch } of entries) {
      const w = (swatch ? 20 : 0) + measure(text) + 18;
      if (x > pad && x + w > width - pad) { x = pad; y += row; }
      if (swatch) items.push({ swatch, x, y: y + 1, size: 14 });
      items.push({ text, x: x + (swatch ? 20 : 0), y: y + 12 });
      x += w;
    }
    y += row + 6;
  };
  heading('Entity types');
  flow(legend.types.map((t) => ({ swatch: t.type, text: `${t.label} (${t.count})` })));
  if (legend.rels.length) {
    heading('Relationships');
    flow(legend.rels.map((r) => ({ text: `${r.label} (${r.count})` })));
  }
  for (const line of lines) {
    for (const part of wrap(line, width - 2 * pad, (t) => measure(t, false))) {
      items.push({ text: part, x: pad, y: y + 12 });
      y += row - 4;
    }
    y += 4;
  }
  return { height: y + pad - 4, items };
}

/** The legend's layout as SVG elements, top at y. */
export function legendSVG(layout, top) {
  return layout.items.map((it) => {
    if (it.swatch) {
      const t = typeInfo(it.swatch);
      return `<g class="legend-swatch" data-type="${xmlEscape(it.swatch)}">${shapeSVG(t.shape, it.size, it.x, top + it.y, ` fill="${t.color}"`)}</g>`;
    }
    return `<text x="${it.x}" y="${top + it.y}"${it.bold ? ' font-weight="bold"' : ''}>${xmlEscape(it.text)}</text>`;
  }).join('\n');
}

/** Draws the legend's layout on a 2D canvas context, top at y. */
export function drawLegend(ctx, layout, top) {
  for (const it of layout.items) {
    if (it.swatch) {
      const t = typeInfo(it.swatch);
      const g = shapeGeometry(t.shape);
      const s = it.size;
      const x = it.x;
      const y = top + it.y;
      ctx.fillStyle = t.color;
      ctx.beginPath();
      if (g.circle) ctx.arc(x + s / 2, y + s / 2, s * 0.46, 0, 2 * Math.PI);
      else if (g.rect) ctx.roundRect(x + g.rect[0] * s, y + g.rect[1] * s, g.rect[2] * s, g.rect[3] * s, g.rect[4] * s);
      else g.poly.forEach(([px, py], i) => (i ? ctx.lineTo(x + px * s, y + py * s) : ctx.moveTo(x + px * s, y + py * s)));
      ctx.closePath();
      ctx.fill();
    } else {
      ctx.fillStyle = '#1d2433';
      ctx.font = `${it.bold ? 'bold ' : ''}${LEGEND_FONT.size}px ${LEGEND_FONT.family}`;
      ctx.fillText(it.text, it.x, top + it.y);
    }
  }
}

/**
 * The graph's picture (cytoscape's PNG, drawn at scale) with the legend and
 * note below it, as a PNG blob. createImageBitmap reads the blob without a
 * URL, which the page's Content-Security-Policy would have to allow.
 */
export async function pngWithLegend(graphBlob, legend, lines, scale = 2) {
  const graph = await createImageBitmap(graphBlob);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  const width = Math.max(graph.width, 720 * scale);
  const measure = (text, bold) => {
    ctx.font = `${bold ? 'bold ' : ''}${LEGEND_FONT.size}px ${LEGEND_FONT.family}`;
    return ctx.measureText(text).width;
  };
  const layout = legendLayout(legend, lines, width / scale, measure);
  canvas.width = width;
  canvas.height = graph.height + Math.ceil(layout.height * scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(graph, Math.round((width - graph.width) / 2), 0);
  ctx.fillStyle = '#d5d9e2';
  ctx.fillRect(0, graph.height, width, scale);
  ctx.scale(scale, scale);
  drawLegend(ctx, layout, graph.height / scale);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}

/**
 * The view as an SVG document: the scene (nodes and edges where the graph
 * draws them, see GraphView.scene) above the legend and note.
 */
export function toSVG(scene, legend, lines) {
  const width = Math.max(scene.width, 720);
  const layout = legendLayout(legend, lines, width);
  const height = Math.ceil(scene.height + layout.height);
  const dx = (width - scene.width) / 2;
  const f = (v) => Number(v.toFixed(1));
  const out = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${xmlEscape(FONT)}" font-size="${LEGEND_FONT.size}" fill="#1d2433">`);
  out.push('<title>casegraph view</title>');
  out.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa3b5"/></marker></defs>');
  out.push('<rect width="100%" height="100%" fill="#ffffff"/>');
  out.push(`<g class="graph" transform="translate(${f(dx)},0)">`);
  out.push('<g class="edges" fill="none" stroke="#9aa3b5" stroke-width="1.4">');
  for (const e of scene.edges) {
    // cytoscape bends an edge with one control point and draws a loop with two.
    const c = (e.control || []).slice(0, 2).map((p) => `${f(p.x)},${f(p.y)}`);
    const d = `M${f(e.sx)},${f(e.sy)} ${['L', 'Q', 'C'][c.length]}${[...c, `${f(e.tx)},${f(e.ty)}`].join(' ')}`;
    out.push(`<path d="${d}" marker-end="url(#arrow)" data-type="${xmlEscape(e.type)}"/>`);
  }
  out.push('</g>');
  out.push('<g class="nodes">');
  for (const n of scene.nodes) {
    const t = typeInfo(n.type);
    const label = n.label.length > 28 ? `${n.label.slice(0, 27).trimEnd()}…` : n.label;
    out.push(`<g data-id="${xmlEscape(n.id)}">${shapeSVG(t.shape, n.size, n.x - n.size / 2, n.y - n.size / 2, ` fill="${t.color}" stroke="${n.expanded ? '#1d2433' : '#ffffff'}" stroke-width="${n.expanded ? 2.5 : 1.5}"`)}`
      + `<text x="${f(n.x)}" y="${f(n.y + n.size / 2 + 12)}" text-anchor="middle" font-size="10">${xmlEscape(label)}</text></g>`);
  }
  out.push('</g></g>');
  out.push(`<line x1="0" y1="${f(scene.height)}" x2="${width}" y2="${f(scene.height)}" stroke="#d5d9e2"/>`);
  out.push(`<g class="legend">${legendSVG(layout, scene.height)}</g>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Offers a blob as a file download. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
