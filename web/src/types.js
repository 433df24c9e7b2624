// How each entity type is drawn. Shapes differ as well as colours, so the
// graph still reads in greyscale and for colour-blind analysts; the colours
// start from the Okabe-Ito palette.

export const ENTITY_TYPES = [
  { type: 'PERSON', label: 'Person', color: '#0072B2', shape: 'ellipse' },
  { type: 'PARTY', label: 'Party', color: '#E69F00', shape: 'hexagon' },
  { type: 'ORGANISATION', label: 'Organisation', color: '#009E73', shape: 'round-rectangle' },
  { type: 'CASE', label: 'Case', color: '#D55E00', shape: 'star' },
  { type: 'CHARGE', label: 'Charge', color: '#B07D10', shape: 'rhomboid' },
  { type: 'SENTENCE', label: 'Sentence', color: '#8E5B2E', shape: 'pentagon' },
  { type: 'RESTRICTION', label: 'Restriction', color: '#6A3D9A', shape: 'octagon' },
  { type: 'COURT', label: 'Court', color: '#3B3B98', shape: 'barrel' },
  { type: 'LEGAL_ARTICLE', label: 'Legal article', color: '#CC79A7', shape: 'tag' },
  { type: 'LEGAL_CODE', label: 'Legal code', color: '#7A4A6A', shape: 'cut-rectangle' },
  { type: 'EVENT', label: 'Event', color: '#2A9FD6', shape: 'diamond' },
  { type: 'PLACE', label: 'Place', color: '#5E7D2E', shape: 'triangle' },
  { type: 'SOURCE', label: 'Source', color: '#7F7F7F', shape: 'round-tag' },
  { type: 'PROCEEDING', label: 'Proceeding', color: '#A0522D', shape: 'vee' },
  { type: 'GROUP', label: 'Group of unnamed people', color: '#56B4E9', shape: 'rectangle' },
];

export const TYPE_BY_NAME = Object.fromEntries(ENTITY_TYPES.map((t) => [t.type, t]));

export function typeInfo(type) {
  return TYPE_BY_NAME[type] || { type, label: type, color: '#999999', shape: 'ellipse' };
}

// Each shape in a unit square, as one of three primitives that both SVG and
// a canvas draw: the swatches, the SVG export and the PNG legend share it.
const regular = (n, rot = -Math.PI / 2) => Array.from({ length: n }, (_, i) => {
  const a = rot + (i * 2 * Math.PI) / n;
  return [0.5 + 0.48 * Math.cos(a), 0.5 + 0.48 * Math.sin(a)];
});
const SHAPES = {
  ellipse: { circle: true },
  hexagon: { poly: regular(6, 0) },
  'round-rectangle': { rect: [0.07, 0.14, 0.86, 0.72, 0.2, 0.2] },
  star: {
    poly: Array.from({ length: 10 }, (_, i) => {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const r = i % 2 ? 0.2 : 0.5;
      return [0.5 + r * Math.cos(a), 0.52 + r * Math.sin(a)];
    }),
  },
  rhomboid: { poly: [[0.25, 0.15], [1, 0.15], [0.75, 0.85], [0, 0.85]] },
  pentagon: { poly: regular(5) },
  octagon: { poly: regular(8, Math.PI / 8) },
  barrel: { rect: [0.07, 0.07, 0.86, 0.86, 0.2, 0.4] },
  tag: { poly: [[0, 0.15], [0.7, 0.15], [1, 0.5], [0.7, 0.85], [0, 0.85]] },
  'cut-rectangle': { poly: [[0.2, 0.1], [0.8, 0.1], [1, 0.3], [1, 0.7], [0.8, 0.9], [0.2, 0.9], [0, 0.7], [0, 0.3]] },
  diamond: { poly: [[0.5, 0], [1, 0.5], [0.5, 1], [0, 0.5]] },
  triangle: { poly: [[0.5, 0.05], [1, 0.95], [0, 0.95]] },
  'round-tag': { poly: [[0, 0.15], [0.7, 0.15], [1, 0.5], [0.7, 0.85], [0, 0.85]] },
  vee: { poly: [[0, 0.05], [0.5, 0.4], [1, 0.05], [0.5, 0.95]] },
  rectangle: { rect: [0.07, 0.07, 0.86, 0.86, 0, 0] },
};

/** The geometry of a cytoscape shape name in a unit square; unknown shapes are circles. */
export function shapeGeometry(shape) {
  return SHAPES[shape] || SHAPES.ellipse;
}

/** One SVG element drawing the shape in an s×s square at (x, y); attrs is extra markup (fill, stroke). */
export function shapeSVG(shape, s, x = 0, y = 0, attrs = '') {
  const g = shapeGeometry(shape);
  const f = (v) => Number(v.toFixed(1));
  if (g.circle) return `<circle cx="${f(x + s / 2)}" cy="${f(y + s / 2)}" r="${f(s * 0.46)}"${attrs}/>`;
  if (g.rect) {
    const [rx, ry, w, h, cx, cy] = g.rect;
    const round = cx ? ` rx="${f(cx * s)}" ry="${f(cy * s)}"` : '';
    return `<rect x="${f(x + rx * s)}" y="${f(y + ry * s)}" width="${f(w * s)}" height="${f(h * s)}"${round}${attrs}/>`;
  }
  return `<polygon points="${g.poly.map(([px, py]) => `${f(x + px * s)},${f(y + py * s)}`).join(' ')}"${attrs}/>`;
}

/** A small SVG of the type's shape in its colour, for the legend and lists. */
export function swatch(type, size = 14) {
  const t = typeInfo(type);
  const s = size;
  return `<svg class="swatch" width="${s}" height="${s}" viewBox="0 0 ${s} ${s}" aria-hidden="true" focusable="false" fill="${t.color}">${shapeSVG(t.shape, s)}</svg>`;
}

/** "LEGAL_ARTICLE" → "legal article"; "DEFENDANT_IN" → "defendant in". */
export function humanize(name) {
  return String(name).toLowerCase().replace(/_/g, ' ');
}

/** The GraphQL enum value of a stored vocabulary value: political-activity-ban → POLITICAL_ACTIVITY_BAN. */
export function enumValue(stored) {
  return String(stored).toUpperCase().replace(/-/g, '_');
}
