// The time bar: a strip under the graph with a histogram of the dates of
// what is in view, and a window (two handles, or From and To) that hides
// the entities and relationships dated outside it.
//
// What counts as an element's date: every date property it carries (date,
// start, end, opened, founded, changeDate, as the API's graph views give
// them: case-file text). Its span runs from the first day the earliest can
// mean to the last day the latest can mean; "before X" leaves it without a
// first day, "after X" without a last. An element stays visible while any
// day of its span may fall in the window, so an uncertain date is never
// hidden for a guess. Undated elements stay, unless "Hide undated" is on:
// that hides undated entities, while an undated relationship stays as long
// as both its ends do (relationships rarely carry dates of their own). An
// entity is hidden only by its own dates, never because the relationships
// that reach it are.
//
// The histogram counts the elements whose span fits in one bar (a month,
// or a year when the view spans more than eight years); longer spans are
// drawn above it as ranges, faded on an open side, lighter when estimated.

import { parseDate, dayLabel, unitStart, svg, fadeMasks, fadeOf, drawAxis } from './timechart.js';
import { typeInfo } from './types.js';

const DATE_KEYS = ['date', 'start', 'end', 'opened', 'founded', 'changeDate'];
const HEIGHT = 74; // px of the drawing
const RANGE_LANES = 4;
const RANGE_H = 4; // px per range lane
const AXIS = 14; // px under the axis line
const BARS_TOP = RANGE_LANES * (RANGE_H + 1) + 4;

/** The span of an element's dates, {first, last, estimated, texts}; null when it has none. */
export function spanOf(props) {
  const dates = DATE_KEYS.map((k) => props && typeof props[k] === 'string' && parseDate(props[k])).filter(Boolean);
  if (!dates.length) return null;
  const firsts = dates.map((d) => d.first);
  const lasts = dates.map((d) => d.last);
  return {
    first: firsts.includes(null) ? null : Math.min(...firsts),
    last: lasts.includes(null) ? null : Math.max(...lasts),
    estimated: dates.some((d) => d.estimated),
    texts: dates.map((d) => d.text),
  };
}

/** Whether any day of span may fall between the first day of f and the last of t (parsed window sides, null for no limit). */
const mayFall = (s, f, t) => !((f && s.last !== null && s.last < f.first) || (t && s.first !== null && s.first > t.last));

/** A window side as typed or kept in the URL: YYYY, YYYY-MM or YYYY-MM-DD, nothing else. */
const sideDate = (s) => (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(s) ? parseDate(s) : null);

export class TimeBar {
  /**
   * root: the strip's element; view: the GraphView; change(fn): runs a
   * recorded view change (main.js); status(text): says what happened.
   */
  constructor(root, view, { change, status }) {
    this.root = root;
    this.view = view;
    this.change = change;
    this.status = status;
    this.from = '';
    this.to = '';
    this.hideUndated = false;
    this.drag = null; // {side, from, to} while a handle or a brush moves
    this.frame = 0;
    root.innerHTML = `
      <div class="tb-controls">
        <label><span>From</span> <input id="time-from" type="text" inputmode="numeric" size="10" placeholder="start" autocomplete="off"
          title="The first month (YYYY-MM), year or day in the window; empty for no limit"></label>
        <label><span>To</span> <input id="time-to" type="text" inputmode="numeric" size="10" placeholder="end" autocomplete="off"
          title="The last month (YYYY-MM), year or day in the window; empty for no limit"></label>
        <span class="tb-row">
          <label title="Hide the entities that carry no date"><input id="time-undated" type="checkbox"> Hide undated</label>
          <button type="button" id="time-all" title="Show every date again">All</button>
        </span>
      </div>
      <div class="tb-plot"><svg class="tb-svg" id="time-svg" role="group" aria-label="Dates of what is in view"></svg></div>`;
    this.svg = root.querySelector('#time-svg');
    this.inputs = { from: root.querySelector('#time-from'), to: root.querySelector('#time-to') };
    for (const side of ['from', 'to']) {
      this.inputs[side].addEventListener('change', () => this.typed(side));
      this.inputs[side].addEventListener('keydown', (e) => { if (e.key === 'Enter') this.typed(side); });
    }
    root.querySelector('#time-undated').addEventListener('change', (e) => this.commit({ ...this.window(), hideUndated: e.target.checked }));
    root.querySelector('#time-all').addEventListener('click', () => this.commit({ from: '', to: '', hideUndated: this.hideUndated }));
    this.svg.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.svg.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.svg.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.svg.addEventListener('pointercancel', () => { this.drag = null; this.draw(); });
    this.svg.addEventListener('keydown', (e) => this.key(e));
    new ResizeObserver(() => this.render()).observe(root.querySelector('.tb-plot'));
  }

  /** The window as the URL and the undo history keep it. */
  window() { return { from: this.from, to: this.to, hideUndated: this.hideUndated }; }

  /** Sets the window and filters the view by it (unrecorded: see commit). */
  setWindow({ from = '', to = '', hideUndated = false } = {}) {
    this.from = sideDate(from) ? from : '';
    this.to = sideDate(to) ? to : '';
    this.hideUndated = !!hideUndated;
    const on = this.from || this.to || this.hideUndated;
    this.view.setTimeFilter(on ? (el) => this.keeps(el) : null);
    this.render();
  }

  /** A change of window as one step of the view's history. */
  commit(win) {
    const same = win.from === this.from && win.to === this.to && win.hideUndated === this.hideUndated;
    if (same) { this.draw(); return; }
    this.change(() => this.setWindow(win));
    const n = this.view.cy.elements('.hidden').length;
    this.status(win.from || win.to
      ? `Showing what may fall in ${this.describe()}; ${n} element${n === 1 ? '' : 's'} hidden in all.`
      : `Every date shown${win.hideUndated ? ', undated entities hidden' : ''}.`);
  }

  describe() {
    const f = sideDate(this.from);
    const t = sideDate(this.to);
    if (f && t) return `${dayLabel(f.first, f.precision)} to ${dayLabel(t.last, t.precision)}`;
    if (f) return `${dayLabel(f.first, f.precision)} and after`;
    if (t) return `${dayLabel(t.last, t.precision)} and before`;
    return 'all dates';
  }

  /** Whether el stays visible under the window. */
  keeps(el) {
    const s = spanOf(el.data('properties'));
    if (!s) return !(this.hideUndated && el.isNode());
    return mayFall(s, sideDate(this.from), sideDate(this.to));
  }

  typed(side) {
    const input = this.inputs[side];
    const v = input.value.trim();
    const d = v ? sideDate(v) : null;
    const win = { ...this.window(), [side]: v };
    const f = sideDate(win.from);
    const t = sideDate(win.to);
    const bad = (v && !d) || (f && t && f.first > t.last);
    input.setAttribute('aria-invalid', String(!!bad));
    if (bad) { this.status(v && !d ? `“${v}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.` : 'The window ends before it starts.'); return; }
    this.commit(win);
  }

  /** Redraws at the next frame; many filter changes in one task draw once. */
  render() {
    // Shown or hidden at once, not at the next frame: the graph's height
    // changes with it, and a layout that fits the view must see the new one.
    const hide = this.view.isEmpty() && !this.from && !this.to;
    if (this.root.hidden !== hide) {
      this.root.hidden = hide;
      this.view.cy.resize();
    }
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  /** What the histogram counts: the elements the other filters leave, with their spans. */
  items() {
    const out = [];
    this.view.cy.elements().forEach((el) => {
      if (el.data('derived') || this.view.hiddenByFilters(el)) return;
      out.push({ el, span: spanOf(el.data('properties')) });
    });
    return out;
  }

  /** The days the bar shows and its unit (months, or years past eight years), with the window inside. */
  scale(dated) {
    const ends = dated.flatMap((i) => [i.span.first, i.span.last]).filter((v) => v !== null);
    const f = sideDate(this.from);
    const t = sideDate(this.to);
    if (f) ends.push(f.first);
    if (t) ends.push(t.last);
    if (!ends.length) return null;
    let lo = Math.min(...ends);
    let hi = Math.max(...ends);
    const unit = hi - lo > 8 * 365 ? 'YEAR' : 'MONTH';
    lo = unitStart(lo, unit);
    hi = unitStart(hi, unit, 1) - 1;
    if (unit === 'MONTH' && hi - lo < 360) { // at least a year, around what there is
      const mid = unitStart((lo + hi) >> 1, 'MONTH');
      lo = unitStart(mid, 'MONTH', -6);
      hi = unitStart(mid, 'MONTH', 6) - 1;
    }
    return { lo, hi, unit };
  }

  draw() {
    const all = this.items();
    const dated = all.filter((i) => i.span);
    const box = this.svg.parentElement;
    for (const side of ['from', 'to']) {
      const input = this.inputs[side];
      // What the analyst is typing stays until it is applied.
      if (document.activeElement === input) continue;
      input.value = this.drag ? this.drag[side] : this[side];
      input.removeAttribute('aria-invalid');
    }
    this.root.querySelector('#time-undated').checked = this.hideUndated;
    const svgEl = this.svg;
    // A handle being moved by keys keeps the focus through the redraw.
    const active = document.activeElement;
    const focused = active && svgEl.contains(active) && active.dataset.side;
    svgEl.textContent = '';
    const width = box.clientWidth;
    const sc = this.root.hidden ? null : this.scale(dated);
    this.sc = sc;
    if (!sc || !width) {
      svgEl.setAttribute('height', HEIGHT);
      svg('text', { x: 8, y: 30, class: 'tb-empty' }, svgEl).textContent = all.length ? 'Nothing in view carries a date.' : '';
      return;
    }
    svgEl.setAttribute('width', width);
    svgEl.setAttribute('height', HEIGHT);
    svgEl.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    const { lo, hi, unit } = sc;
    const padL = 8;
    const plot = width - 2 * padL;
    const x = (day) => padL + ((day - lo) / (hi + 1 - lo)) * plot;
    this.x = x;
    this.dayAt = (px) => lo + ((px - padL) / plot) * (hi + 1 - lo);
    fadeMasks(svgEl, 'tb');

    const win = this.drag || this.window();
    const wf = sideDate(win.from);
    const wt = sideDate(win.to);
    const inWindow = (s) => mayFall(s, wf, wt);

    // Bars: the spans that fit in one unit.
    const bins = new Map(); // unit start → {n, shown, nodes, edges}
    const ranges = [];
    for (const i of dated) {
      const { first, last } = i.span;
      if (first !== null && last !== null && unitStart(first, unit) === unitStart(last, unit)) {
        const k = unitStart(first, unit);
        if (!bins.has(k)) bins.set(k, { n: 0, shown: 0, nodes: 0, edges: 0 });
        const b = bins.get(k);
        b.n++;
        if (inWindow(i.span)) b.shown++;
        if (i.el.isNode()) b.nodes++; else b.edges++;
      } else ranges.push(i);
    }
    const max = Math.max(1, ...[...bins.values()].map((b) => b.n));
    const base = HEIGHT - AXIS;
    const barH = base - BARS_TOP;
    drawAxis(svgEl, { lo, hi, x, y: base, width: plot, height: 0 });
    for (const [k, b] of [...bins.entries()].sort((a, c) => a[0] - c[0])) {
      const x0 = x(k);
      const x1 = x(unitStart(k, unit, 1));
      const h = Math.max(2, (b.n / max) * barH);
      const r = svg('rect', {
        class: `tb-bar${b.shown ? '' : ' out'}`, x: x0 + 0.5, y: base - h, width: Math.max(1, x1 - x0 - 1), height: h, 'data-count': b.n, 'data-unit': dayLabel(k, unit),
      }, svgEl);
      svg('title', {}, r).textContent = `${dayLabel(k, unit)}: ${[b.nodes && `${b.nodes} entit${b.nodes === 1 ? 'y' : 'ies'}`, b.edges && `${b.edges} relationship${b.edges === 1 ? '' : 's'}`].filter(Boolean).join(', ')}`;
    }

    // Ranges above the bars, packed into a few lanes, earliest first.
    const lanes = [];
    ranges.sort((a, c) => (a.span.first ?? lo) - (c.span.first ?? lo));
    for (const i of ranges) {
      const s = i.span;
      const x0 = s.first === null ? x(lo) : x(s.first);
      const x1 = Math.max(x0 + 2, s.last === null ? x(hi + 1) : x(s.last + 1));
      let lane = lanes.findIndex((end) => end + 1 < x0);
      if (lane < 0) lane = lanes.length < RANGE_LANES ? lanes.length : lanes.indexOf(Math.min(...lanes));
      lanes[lane] = Math.max(lanes[lane] ?? 0, x1);
      const node = i.el.isNode();
      const r = svg('rect', {
        class: `tb-range${s.estimated ? ' estimated' : ''}${inWindow(s) ? '' : ' out'}`,
        x: x0, y: 2 + lane * (RANGE_H + 1), width: x1 - x0, height: RANGE_H,
        fill: node ? typeInfo(i.el.data('type')).color : '#69738a',
        mask: fadeOf('tb', s),
        'data-id': i.el.id(),
        'data-dates': s.texts.join(' '),
      }, svgEl);
      svg('title', {}, r).textContent = `${node ? i.el.data('label') : i.el.data('label') || i.el.data('type')}: ${s.texts.join(', ')}`;
    }

    // The window: what lies outside it dimmed, a handle at each side.
    const xf = wf ? x(wf.first) : x(lo);
    const xt = wt ? x(wt.last + 1) : x(hi + 1);
    if (wf) svg('rect', { class: 'tb-dim', x: 0, y: 0, width: Math.max(0, xf), height: base }, svgEl);
    if (wt) svg('rect', { class: 'tb-dim', x: xt, y: 0, width: Math.max(0, width - xt), height: base }, svgEl);
    svg('rect', { class: 'tb-window', x: xf, y: 0, width: Math.max(0, xt - xf), height: base }, svgEl);
    const undated = all.length - dated.length;
    const shown = dated.filter((i) => inWindow(i.span)).length;
    svgEl.setAttribute('aria-label', `Dates of what is in view: ${shown} of ${dated.length} dated elements in the window (${this.describe()}), ${undated} undated.`);
    for (const [side, px, d] of [['from', xf, wf], ['to', xt, wt]]) {
      const g = svg('g', {
        class: `tb-handle ${side}`, tabindex: 0, role: 'slider', 'data-side': side,
        'aria-label': side === 'from' ? 'Start of the time window' : 'End of the time window',
        'aria-valuemin': lo, 'aria-valuemax': hi, 'aria-valuenow': d ? (side === 'from' ? d.first : d.last) : (side === 'from' ? lo : hi),
        'aria-valuetext': d ? dayLabel(side === 'from' ? d.first : d.last, d.precision) : 'no limit',
      }, svgEl);
      svg('rect', { class: 'tb-grip', x: px - 5, y: 0, width: 10, height: base }, g);
      svg('line', { x1: px, x2: px, y1: 0, y2: base, class: 'tb-edge' }, g);
      svg('title', {}, g).textContent = `${side === 'from' ? 'Start' : 'End'}: ${d ? win[side] : 'no limit'}. Drag, or ← → by ${unit === 'YEAR' ? 'a year' : 'a month'}, Page Up/Down by ${unit === 'YEAR' ? 'ten years' : 'a year'}.`;
    }
    if (focused) svgEl.querySelector(`.tb-handle.${focused}`).focus();
  }

  // --- dragging and keys

  /** The window side for a day: from at a unit boundary, to the unit ending at one; '' at the bar's ends. */
  sideAt(side, day) {
    const { lo, hi, unit } = this.sc;
    const b = Math.round(day);
    const start = unitStart(b, unit);
    const next = unitStart(b, unit, 1);
    const edge = b - start < next - b ? start : next; // the nearest boundary
    const fmt = (d) => (unit === 'YEAR' ? String(new Date(d * 864e5).getUTCFullYear()) : new Date(d * 864e5).toISOString().slice(0, 7));
    if (side === 'from') return edge <= lo ? '' : fmt(Math.min(edge, hi));
    return edge > hi ? '' : fmt(unitStart(Math.max(edge, unitStart(lo, unit, 1)), unit, -1));
  }

  /** The window with one side moved, kept in order. */
  moved(win, side, value) {
    const next = { ...win, [side]: value };
    const f = sideDate(next.from);
    const t = sideDate(next.to);
    if (f && t && f.first > t.last) next[side === 'from' ? 'to' : 'from'] = value;
    return next;
  }

  pointerDown(e) {
    if (!this.sc || e.button !== 0) return;
    const h = e.target.closest('.tb-handle');
    const day = this.dayAt(e.clientX - this.svg.getBoundingClientRect().left);
    this.svg.setPointerCapture(e.pointerId);
    if (h) {
      this.drag = { ...this.window(), side: h.dataset.side };
    } else {
      // A new window brushed from here.
      this.drag = { ...this.window(), side: 'brush', anchor: day, moved: false };
    }
    e.preventDefault();
  }

  pointerMove(e) {
    if (!this.drag) return;
    const day = this.dayAt(e.clientX - this.svg.getBoundingClientRect().left);
    const d = this.drag;
    if (d.side === 'brush') {
      if (Math.abs(this.x(day) - this.x(d.anchor)) < 4 && !d.moved) return;
      d.moved = true;
      const [a, b] = day < d.anchor ? [day, d.anchor] : [d.anchor, day];
      d.from = this.sideAt('from', a);
      d.to = this.sideAt('to', b);
    } else Object.assign(d, this.moved(d, d.side, this.sideAt(d.side, day)));
    this.draw();
  }

  pointerUp() {
    const d = this.drag;
    this.drag = null;
    if (!d || (d.side === 'brush' && !d.moved)) { this.draw(); return; }
    this.commit({ from: d.from, to: d.to, hideUndated: this.hideUndated });
  }

  key(e) {
    const h = e.target.closest && e.target.closest('.tb-handle');
    if (!h || !this.sc) return;
    const side = h.dataset.side;
    const { lo, hi, unit } = this.sc;
    const cur = sideDate(this[side]);
    // Where the handle stands, as the first day of the unit after it.
    const at = side === 'from' ? (cur ? unitStart(cur.first, unit) : lo) : (cur ? unitStart(cur.last, unit, 1) : hi + 1);
    const big = unit === 'YEAR' ? 10 : 12;
    const steps = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -big, PageUp: big };
    let day;
    if (e.key in steps) day = unitStart(at, unit, steps[e.key]);
    else if (e.key === 'Home') day = lo;
    else if (e.key === 'End') day = hi + 1;
    else return;
    e.preventDefault();
    this.commit(this.moved(this.window(), side, this.sideAt(side, Math.max(lo, Math.min(hi + 1, day)))));
  }
}
