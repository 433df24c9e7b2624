// Exports of the visible view: JSON in the API's own graph shape, and
// GraphML for Gephi, yEd and Cytoscape desktop.

/** The view as {nodes, edges}, shaped like the API's GraphView. */
export function toJSON(nodes, edges, meta = {}) {
  return {
    generator: 'casegraph explorer',
    ...meta,
    nodes: nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, properties: n.properties || {} })),
    edges: edges.map((e) => ({
      id: e.id,
      type: e.type,
      source: e.source,
      target: e.target,
      properties: e.properties || {},
      sources: (e.sources || []).map((c) => ({
        ref: c.ref,
        paragraph: c.paragraph,
        source: c.source ? { id: c.source.id, title: c.source.title, publisher: c.source.publisher, url: c.source.url || null } : null,
      })),
    })),
  };
}

const xmlEscape = (s) => String(s)
  .replace(/&/g, '&amp;')
  .replace(/</g, '&lt;')
  .replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;')
  .replace(/'/g, '&apos;');

/** The view as a GraphML document (directed, one key per attribute). */
export function toGraphML(nodes, edges) {
  const out = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">');
  out.push('  <key id="label" for="node" attr.name="label" attr.type="string"/>');
  out.push('  <key id="type" for="node" attr.name="type" attr.type="string"/>');
  out.push('  <key id="properties" for="node" attr.name="properties" attr.type="string"/>');
  out.push('  <key id="etype" for="edge" attr.name="type" attr.type="string"/>');
  out.push('  <key id="eproperties" for="edge" attr.name="properties" attr.type="string"/>');
  out.push('  <key id="sources" for="edge" attr.name="sources" attr.type="string"/>');
  out.push('  <graph id="casegraph" edgedefault="directed">');
  for (const n of nodes) {
    out.push(`    <node id="${xmlEscape(n.id)}">`);
    out.push(`      <data key="label">${xmlEscape(n.label)}</data>`);
    out.push(`      <data key="type">${xmlEscape(n.type)}</data>`);
    out.push(`      <data key="properties">${xmlEscape(JSON.stringify(n.properties || {}))}</data>`);
    out.push('    </node>');
  }
  for (const e of edges) {
    out.push(`    <edge id="${xmlEscape(e.id)}" source="${xmlEscape(e.source)}" target="${xmlEscape(e.target)}">`);
    out.push(`      <data key="etype">${xmlEscape(e.type)}</data>`);
    out.push(`      <data key="eproperties">${xmlEscape(JSON.stringify(e.properties || {}))}</data>`);
    out.push(`      <data key="sources">${xmlEscape((e.sources || []).map((c) => c.ref).join(' '))}</data>`);
    out.push('    </edge>');
  }
  out.push('  </graph>');
  out.push('</graphml>');
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
