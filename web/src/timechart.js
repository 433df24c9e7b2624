// Dates as the explorer draws them, a time axis, and the timeline of a
// case or person as a chart: its steps along the axis, in lanes by kind.
//
// A date is the days it can mean (docs/model.md, Dates): 2022-03 is every
// day of March 2022; "before X" has no first day and "after X" no last.
// Here days are whole numbers (days since 1970-01-01, UTC); an open side
// is null.

const SVG = 'http://www.w3.org/2000/svg';
const DAY = 86400000;

export const dayOf = (y, m = 1, d = 1) => Math.round(Date.UTC(y, m - 1, d) / DAY);
/** An ISO day (2022-03-01) as a day number; null for null. */
export const isoDay = (iso) => (iso ? dayOf(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))) : null);
export const dayIso = (day) => new Date(day * DAY).toISOString().slice(0, 10);

const DATE_TEXT = /^(before |after )?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(\?)?$/;

/**
 * A case-file date ("2022", "2022-03", "2023-04-10", "before 2022-12",
 * "2021-10-20?") as {first, last, precision, qualifier, estimated, text};
 * null when the text is not a date.
 */
export function parseDate(text) {
  const m = DATE_TEXT.exec(String(text ?? '').trim());
  if (!m) return null;
  const [, q, y, mo, d, est] = m;
  const year = Number(y);
  const precision = d ? 'DAY' : mo ? 'MONTH' : 'YEAR';
  const start = dayOf(year, Number(mo || 1), Number(d || 1));
  const next = d ? start + 1 : mo ? dayOf(year, Number(mo) + 1) : dayOf(year + 1);
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) return null;
  if (d && dayIso(start) !== `${y}-${mo}-${d}`) return null;
  const qualifier = q ? q.trim().toUpperCase() : null;
  return {
    text: String(text).trim(),
    precision,
    qualifier,
    estimated: !!est,
    first: qualifier === 'BEFORE' ? null : qualifier === 'AFTER' ? next : start,
    last: qualifier === 'AFTER' ? null : qualifier === 'BEFORE' ? start - 1 : next - 1,
  };
}

/** The API's FuzzyDate in the same form as parseDate's. */
export function fuzzyDate(d) {
  return { text: d.text, precision: d.precision, qualifier: d.qualifier || null, estimated: !!d.estimated, first: isoDay(d.earliest), last: isoDay(d.latest) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2022" or "Mar 2022" or "10 Apr 2023", as precise as asked. */
export function dayLabel(day, precision = 'DAY') {
  const t = new Date(day * DAY);
  const y = t.getUTCFullYear();
  if (precision === 'YEAR') return String(y);
  const m = MONTHS[t.getUTCMonth()];
  return precision === 'MONTH' ? `${m} ${y}` : `${t.getUTCDate()} ${m} ${y}`;
}

/** The first day of the month (or, with years, the year) a day falls in, moved by n of them. */
export function unitStart(day, unit, n = 0) {
  const t = new Date(day * DAY);
  const y = t.getUTCFullYear();
  return unit === 'YEAR' ? dayOf(y + n) : dayOf(y, t.getUTCMonth() + 1 + n);
}

/**
 * Axis ticks between two days, every 1, 3 or 6 months or 1, 2, 5, 10 …
 * years: the finest step that leaves about minGap pixels per label. Each
 * tick is {day, label}: a year on January, "Mar 2022" first, "Mar" after.
 */
export function ticks(lo, hi, width, minGap = 70) {
  const room = Math.max(1, Math.floor(width / minGap));
  const steps = [1, 3, 6, 12, 24, 60, 120, 300, 600]; // in months
  const step = steps.find((k) => (hi - lo) / 30.44 / k <= room) || steps[steps.length - 1];
  const t = new Date(lo * DAY);
  let idx = t.getUTCFullYear() * 12 + t.getUTCMonth(); // months since year 0
  if (t.getUTCDate() > 1) idx++;
  idx = Math.ceil(idx / step) * step;
  const out = [];
  for (; ; idx += step) {
    const y = Math.floor(idx / 12);
    const m = idx % 12;
    const day = dayOf(y, m + 1);
    if (day > hi) break;
    const label = step >= 12 || m === 0 ? String(y) : out.length ? MONTHS[m] : `${MONTHS[m]} ${y}`;
    out.push({ day, label });
  }
  return out;
}

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (parent) parent.append(el);
  return el;
}

/**
 * Masks that fade a range towards its open side, for "before X" (open on
 * the left) and "after X" (open on the right); prefix keeps two drawings'
 * IDs apart.
 */
export function fadeMasks(root, prefix) {
  const defs = svg('defs', {}, root);
  for (const [side, x1, x2] of [['l', 0, 1], ['r', 1, 0]]) {
    const g = svg('linearGradient', { id: `${prefix}-grad-${side}`, x1, x2, y1: 0, y2: 0 }, defs);
    svg('stop', { offset: 0, 'stop-color': '#fff', 'stop-opacity': 0.08 }, g);
    svg('stop', { offset: 1, 'stop-color': '#fff', 'stop-opacity': 0.85 }, g);
    const m = svg('mask', { id: `${prefix}-fade-${side}`, maskContentUnits: 'objectBoundingBox' }, defs);
    svg('rect', { width: 1, height: 1, fill: `url(#${prefix}-grad-${side})` }, m);
  }
}
/** The mask for a range's open side, if it has one. */
export const fadeOf = (prefix, d) => (d.first === null ? `url(#${prefix}-fade-l)` : d.last === null ? `url(#${prefix}-fade-r)` : null);

/** The axis line, ticks and their labels along y, for scale x over [lo, hi]. */
export function drawAxis(root, { lo, hi, x, y, width, height }) {
  const g = svg('g', { class: 'axis', 'aria-hidden': 'true' }, root);
  svg('line', { x1: x(lo), x2: x(hi + 1), y1: y, y2: y, class: 'axis-line' }, g);
  for (const t of ticks(lo, hi, width)) {
    svg('line', { x1: x(t.day), x2: x(t.day), y1: y - height, y2: y + 3, class: 'tick' }, g);
    svg('text', { x: x(t.day) + 2, y: y + 11, class: 'tick-label' }, g).textContent = t.label;
  }
  return g;
}

// ---------------------------------------------------------------------------
// The timeline chart

// Lanes group the timeline's kinds (TimelineKind) the way an analyst reads
// a case: what happened in the street, custody, charges, the courts, and
// what was said about it.
const LANES = [
  { name: 'Protest and unrest', kinds: ['PROTEST', 'DISPERSAL', 'UNREST', 'ELECTION', 'REGISTRATION_ATTEMPT'] },
  { name: 'Arrest and custody', kinds: ['ARREST', 'DETENTION', 'SEARCH', 'TRANSFER', 'RESTRICTION_START', 'RESTRICTION_END'] },
  { name: 'Charges', kinds: ['CHARGE'] },
  { name: 'Courts', kinds: ['TRIAL', 'HEARING', 'VERDICT', 'APPEAL', 'CASSATION', 'PROCEEDING_START', 'PROCEEDING', 'SENTENCE'] },
  { name: 'Statements', kinds: ['STATEMENT', 'REPORT', 'BRIEFING', 'PRESS_CONFERENCE', 'PUBLICATION'] },
  { name: 'Other', kinds: [] },
];
function laneOf(kind) {
  const k = LANES.findIndex((l) => l.kinds.includes(kind));
  return k < 0 ? LANES.length - 1 : k;
}

const LANE_COLORS = ['#D55E00', '#6A3D9A', '#B07D10', '#3B3B98', '#2A9FD6', '#7F7F7F'];
const ROW = 15; // px per row of marks
const MAX_ROWS = 3; // rows per lane; marks beyond them keep no label
const LABEL_MAX = 190; // px, longer titles are shortened (the full one is in the tooltip)
const GUTTER = 118; // px for the lane names
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

let measurer = null;
function textWidth(s) {
  if (!measurer) { measurer = document.createElement('canvas').getContext('2d'); measurer.font = FONT; }
  return measurer.measureText(s).width;
}
/** s cut with an ellipsis to at most max pixels. */
function fit(s, max) {
  if (textWidth(s) <= max) return s;
  let lo = 0; let hi = s.length;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (textWidth(`${s.slice(0, mid)}…`) <= max) lo = mid; else hi = mid - 1; }
  return `${s.slice(0, lo).trimEnd()}…`;
}

const KIND_WORDS = { RESTRICTION_START: 'restriction began', RESTRICTION_END: 'restriction ended', PROCEEDING_START: 'hearing began', PROCEEDING: 'decision' };
const kindWords = (k) => KIND_WORDS[k] || k.toLowerCase().replace(/_/g, ' ');

/** How a date reads, with its uncertainty spelled out. */
function dateWords(d) {
  const parts = [d.text];
  if (d.qualifier) parts.push(d.qualifier === 'BEFORE' ? 'some time before' : 'some time after');
  else if (d.precision !== 'DAY') parts.push(`some day in that ${d.precision.toLowerCase()}`);
  if (d.estimated) parts.push('estimated');
  return parts.join(', ');
}

/**
 * Draws the timeline rows (the TIMELINE answer) into box as an SVG chart
 * width pixels wide: one focusable mark per step, in lanes by kind, a range
 * for a date that is not one day (faded on an open side, dashed when
 * estimated), labels that never overlap: a label that would is left out
 * and the step keeps its tooltip. onPick(entityID) when a mark is clicked
 * or Enter/Space pressed on it.
 */
export function drawTimeline(box, rows, { width, onPick }) {
  box.textContent = '';
  const steps = rows.map((r, i) => ({ i, row: r, d: fuzzyDate(r.date), lane: laneOf(r.kind) }));
  const bounded = steps.flatMap((s) => [s.d.first, s.d.last]).filter((v) => v !== null);
  if (!bounded.length) return null;
  let lo = Math.min(...bounded);
  let hi = Math.max(...bounded);
  const pad = Math.max(20, Math.round((hi - lo) * 0.04));
  lo -= pad; hi += pad;
  const plot = Math.max(200, width - GUTTER - 8);
  const x = (day) => GUTTER + ((day - lo) / (hi + 1 - lo)) * plot;
  const right = GUTTER + plot;

  // Placement: each lane's marks in rows, earliest first; a mark takes the
  // first row where it and its label fit after what is already there.
  const lanes = LANES.map(() => ({ rows: [], steps: [] }));
  for (const s of [...steps].sort((a, b) => (a.d.first ?? lo) - (b.d.first ?? lo) || a.i - b.i)) {
    s.x0 = s.d.first === null ? x(lo) : x(s.d.first);
    s.x1 = Math.max(s.x0 + 7, s.d.last === null ? right : x(s.d.last + 1));
    s.label = fit(s.row.title, LABEL_MAX);
    const w = textWidth(s.label);
    s.lx = s.x1 + 4 + w <= right ? s.x1 + 4 : s.x0 - 4 - w;
    if (s.lx < GUTTER) s.lx = null; // no room either side
    const lane = lanes[s.lane];
    const span = s.lx === null ? [s.x0, s.x1] : [Math.min(s.x0, s.lx), Math.max(s.x1, s.lx + w)];
    let row = lane.rows.find((r) => r.end + 6 <= span[0]);
    if (!row && lane.rows.length < MAX_ROWS) { row = { end: -Infinity, markEnd: -Infinity, last: null }; lane.rows.push(row); }
    if (row) row.end = span[1];
    else {
      // No row has room for its label: the mark goes without one where it
      // overlaps least, and a label it would cover is left out too.
      s.lx = null;
      row = lane.rows.reduce((best, r) => (r.end < best.end ? r : best));
      if (row.end + 2 > s.x0 && row.last && row.last.lx !== null) row.last.lx = null;
      row.end = Math.max(row.markEnd, s.x1);
    }
    row.markEnd = Math.max(row.markEnd, s.x1);
    row.last = s;
    s.r = lane.rows.indexOf(row);
    lane.steps.push(s);
  }
  const used = lanes.map((l, k) => ({ ...l, k })).filter((l) => l.steps.length);
  let top = 4;
  for (const l of used) { l.top = top; top += l.rows.length * ROW + 6; }
  const height = top + 18;

  const root = svg('svg', { class: 'tl-chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Timeline chart: ${rows.length} steps in ${used.length} lanes` });
  fadeMasks(root, 'tc');
  used.forEach((l, n) => {
    if (n % 2 === 0) svg('rect', { x: 0, y: l.top - 3, width, height: l.rows.length * ROW + 6, class: 'lane-band' }, root);
    svg('text', { x: 4, y: l.top + 12, class: 'lane-name' }, root).textContent = LANES[l.k].name;
  });
  drawAxis(root, { lo, hi, x, y: top + 2, width: plot, height: top - 4 });
  for (const l of used) {
    for (const s of l.steps) {
      const y = l.top + s.r * ROW;
      const { row, d } = s;
      const g = svg('g', {
        class: `tc-mark${d.precision === 'DAY' && !d.qualifier ? ' day' : ' range'}${d.estimated ? ' estimated' : ''}`,
        tabindex: 0,
        role: 'button',
        'data-id': row.entity.id,
        'data-index': s.i,
        'aria-label': `${row.title}: ${kindWords(row.kind)}, ${dateWords(d)}. Select it in the graph.`,
      }, root);
      svg('title', {}, g).textContent = `${row.title}\n${kindWords(row.kind)} · ${dateWords(d)}`;
      const color = LANE_COLORS[l.k];
      svg('rect', {
        class: 'mark', x: s.x0, y: y + 3, width: s.x1 - s.x0, height: ROW - 6, rx: d.precision === 'DAY' && !d.qualifier ? 3.5 : 2,
        fill: color, stroke: color, mask: fadeOf('tc', d),
      }, g);
      if (s.lx !== null) svg('text', { x: s.lx, y: y + 11, class: 'mark-label' }, g).textContent = s.label;
    }
  }
  const pick = (e) => {
    const m = e.target.closest && e.target.closest('.tc-mark');
    if (!m) return;
    if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    root.querySelectorAll('.tc-mark.picked').forEach((p) => p.classList.remove('picked'));
    m.classList.add('picked');
    onPick(m.dataset.id);
  };
  root.addEventListener('click', pick);
  root.addEventListener('keydown', pick);
  box.append(root);
  return root;
}
