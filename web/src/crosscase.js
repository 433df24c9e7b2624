// The cross-case questions panel: convictions with every filter, counts as
// a bar chart, similar cases with their reasons, and the pattern questions
// (charge changes, common ground, arrests after protests, pre-trial
// detention, assessed cases, article pairs, contested claims, associates
// charged later). Every result carries its evidence: the IDs of the
// entities that tie it together, and pairs of entities whose shortest path
// ties them where no edge does. Adding a result adds all of them, so
// nothing is drawn without the edges that justify it.
//
// main.js gives it what it needs (ctx): gql, busy, the URL state and
// saveState, add (entities to the view, as one undoable change),
// showEntity, selected (the selected entity's ID), entityButton and
// articleLabel.

import * as Q from './queries.js';
import { humanize } from './types.js';

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const words = (v) => humanize(v).replace(/-/g, ' ');
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const dateText = (d) => (d ? d.text : '?');
const months = (m) => (!m ? '' : m.most === m.least ? `${m.least} months` : `${m.least}–${m.most ?? '…'} months`);

// The filter ConvictionFilter takes, one input per field; convictions and
// counts share it.
const FILTER = [
  { name: 'articles', label: 'Article', kind: 'choice', from: 'articles', list: true },
  { name: 'courts', label: 'Court', kind: 'choice', from: 'courts', list: true },
  { name: 'cities', label: 'Court’s city', kind: 'choice', from: 'cities', list: true },
  { name: 'parties', label: 'Party', kind: 'choice', from: 'parties', list: true },
  { name: 'countries', label: 'Country', kind: 'choice', from: 'countries', list: true },
  { name: 'restrictionKinds', label: 'Restriction', kind: 'choice', from: 'restrictionKinds', list: true },
  { name: 'sentenceKinds', label: 'Sentence', kind: 'choice', from: 'sentenceKinds', list: true },
  { name: 'categories', label: 'Offence', kind: 'choice', from: 'categories', list: true },
  { name: 'from', label: 'From', kind: 'date' },
  { name: 'to', label: 'To', kind: 'date' },
  { name: 'sentenceInForce', label: 'Sentence in force (after appeals)', kind: 'bool' },
  { name: 'unpunished', label: 'Punished', kind: 'tri', options: [['', 'either'], ['false', 'with a sentence'], ['true', 'no sentence']] },
];

const DIMENSIONS = ['ARTICLE', 'COURT', 'YEAR', 'RESTRICTION_KIND', 'SENTENCE_KIND', 'CATEGORY', 'COUNTRY'];
// A bar's key as the filter of the convictions it counts.
const DRILL = {
  ARTICLE: 'articles', COURT: 'courts', RESTRICTION_KIND: 'restrictionKinds', SENTENCE_KIND: 'sentenceKinds', CATEGORY: 'categories', COUNTRY: 'countries',
};

/** The GraphQL filter of the form's values: lists as lists, dates as they are, booleans as booleans. */
function filterOf(args) {
  const f = {};
  for (const a of FILTER) {
    const v = args[a.name];
    if (v === undefined || v === '') continue;
    if (a.list) f[a.name] = v.split(',').filter(Boolean);
    else if (a.kind === 'bool') { if (v === 'true') f[a.name] = true; }
    else if (a.kind === 'tri') f[a.name] = v === 'true';
    else f[a.name] = v;
  }
  return f;
}

/** The paths from each of froms to each of tos. */
const ties = (froms, tos) => froms.flatMap((f) => tos.filter((t) => t && t !== f).map((t) => [f, t]));
const ids = (...xs) => xs.filter(Boolean).map((x) => (typeof x === 'string' ? x : x.id)).filter(Boolean);

// Entity IDs named in commonGround's reasons ("… charged with
// charge/mamai-274 in case/…"): the charges, restrictions and courts that
// tie each side to what is shared.
const ID_IN_TEXT = /\b(?:person|party|organisation|court|legal-code|legal-article|place|event|case|charge|sentence|restriction|proceeding|group)\/[\w-]+/g;

// Each question: its arguments (inputs), the query, and how to turn the
// answer into rows ({html, evidence: {ids, ties}}) with a summary.
const QUESTIONS = {
  convictions: {
    label: 'Convictions',
    hint: 'Guilty charges with their sentence, filtered by any of these.',
    args: FILTER,
    async ask(ctx, args, more) {
      const filter = filterOf(args);
      const data = await ctx.gql(Q.CONVICTIONS, { filter, after: more || null });
      const c = data.convictions;
      const restrictionKinds = new Set(filter.restrictionKinds || []);
      const rows = c.edges.map(({ node: n }) => {
        const who = n.person || n.group;
        const sentence = [n.sentenceKind && words(n.sentenceKind), n.termMonths && `${n.termMonths} months`].filter(Boolean).join(', ');
        return {
          html: `${ctx.entityButton(who.id, who.name, n.person ? 'PERSON' : 'GROUP')}
            <span class="small">${n.article ? esc(n.article.name) : 'no article named'} · ${ctx.entityButton(n.case.id, n.case.name, 'CASE')}
            · ${esc(dateText(n.date))}${n.court ? ` · ${esc(n.court.name)}` : ''}${sentence ? ` · ${esc(sentence)}` : ''}${n.people > 1 ? ` · ${n.people} people` : ''}</span>`,
          evidence: {
            // The filter's articles too: a charge under a part is tied to
            // the article asked for by the part's PART_OF edge.
            ids: ids(who, n.case, n.charge, n.article, n.article && n.article.parent, n.sentence, n.court, ...(filter.articles || []),
              ...n.restrictions.filter((r) => restrictionKinds.has(r.kind)).map((r) => r.id)),
            ties: [],
          },
        };
      });
      return {
        rows,
        summary: plural(c.totalCount, 'conviction'),
        more: c.pageInfo.hasNextPage ? c.pageInfo.endCursor : '',
      };
    },
  },
  counts: {
    label: 'Counts (bar chart)',
    hint: 'People convicted, once per case, grouped by one dimension. A bar lists its convictions.',
    args: [{ name: 'by', label: 'Count by', kind: 'tri', options: DIMENSIONS.map((d) => [d, words(d)]) }, ...FILTER],
    async ask(ctx, args) {
      const by = args.by || 'ARTICLE';
      const data = await ctx.gql(Q.COUNTS, { by, filter: filterOf(args) });
      return { bars: data.counts, by, summary: `${plural(data.counts.length, 'group')} by ${words(by)}` };
    },
  },
  similarCases: {
    label: 'Similar cases',
    hint: 'Other cases ranked by what they share with one case.',
    args: [{ name: 'to', label: 'Case', kind: 'entity', from: 'cases' }, { name: 'first', label: 'At most', kind: 'int', def: 5 }],
    need: (args) => (args.to ? '' : 'Choose a case, or select one in the graph and press Selected.'),
    async ask(ctx, args) {
      const data = await ctx.gql(Q.SIMILAR_CASES, { to: args.to, first: Number(args.first) || 5 });
      const rows = data.similarCases.map((s) => ({
        html: `${ctx.entityButton(s.case.id, s.case.name, 'CASE')} <span class="badge">score ${esc(s.score)}</span>
          <ul class="reasons">${s.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`,
        // What the two share comes from commonGround when the row is added.
        evidence: { ids: [args.to, s.case.id], ties: [], common: [args.to, s.case.id] },
      }));
      return { rows, summary: `${plural(rows.length, 'similar case')} to ${nameOf(ctx, args.to)}` };
    },
  },
  commonGround: {
    label: 'What two share',
    hint: 'Articles, courts, events, organisations and parties two people or cases share.',
    args: [{ name: 'a', label: 'Person or case', kind: 'entity', from: 'cases' }, { name: 'b', label: 'And', kind: 'entity', from: 'cases' }],
    need: (args) => (args.a && args.b ? '' : 'Choose two people or cases.'),
    async ask(ctx, args) {
      const cg = (await ctx.gql(Q.COMMON_GROUND, { a: args.a, b: args.b })).commonGround;
      const rows = sharedRows(ctx, cg);
      return { rows, summary: `${cg.a.name} and ${cg.b.name} share ${plural(rows.length, 'thing')}` };
    },
  },
  chargeChanges: {
    label: 'Charge changes',
    hint: 'Charges reclassified and later re-initiated.',
    args: [],
    async ask(ctx) {
      const rows = (await ctx.gql(Q.CHARGE_CHANGES)).chargeChanges.map((c) => ({
        html: `${c.person ? ctx.entityButton(c.person.id, c.person.name, 'PERSON') : 'Someone unnamed'} in ${ctx.entityButton(c.case.id, c.case.name, 'CASE')}
          <span class="small">${esc(c.original.name)} → ${esc(c.reclassified.name)} (${esc(dateText(c.reclassifiedOn))}) → ${esc(c.final.name)} (${esc(dateText(c.reinitiatedOn))})${c.months ? ` · ${esc(months(c.months))}` : ''}</span>`,
        evidence: {
          ids: ids(c.case, c.person, ...[c.original, c.reclassified, c.final].flatMap((ch) => [ch, ch.article, ch.article && ch.article.parent])),
          ties: [],
        },
      }));
      return { rows, summary: plural(rows.length, 'charge change') };
    },
  },
  arrestsAfterProtests: {
    label: 'Arrests after protests',
    hint: 'Leaders and members of unregistered parties arrested within some months after a protest.',
    args: [{ name: 'withinMonths', label: 'Within months', kind: 'int', def: 6 }],
    async ask(ctx, args) {
      const data = await ctx.gql(Q.ARRESTS_AFTER_PROTESTS, { withinMonths: Number(args.withinMonths) || 6 });
      const rows = data.arrestsAfterProtests.map((r) => ({
        html: `${ctx.entityButton(r.person.id, r.person.name, 'PERSON')} <span class="small">(${esc(words(r.relation))}${r.role ? `, ${esc(r.role)}` : ''} ${esc(r.party.name)})</span>
          <span class="small">${esc(r.protest.name)} → ${esc(r.arrest.name)} · ${esc(months(r.months))} · ${esc(r.via.map(words).join(', '))}</span>`,
        evidence: { ids: ids(r.person, r.party, r.protest, r.arrest), ties: ties([r.person.id], [r.protest.id, r.arrest.id]) },
      }));
      return { rows, summary: plural(rows.length, 'arrest') };
    },
  },
  pretrialDetention: {
    label: 'Pre-trial detention',
    hint: 'How long each person was held before the verdict.',
    args: [],
    async ask(ctx) {
      const rows = (await ctx.gql(Q.PRETRIAL_DETENTION)).pretrialDetention.map((r) => ({
        html: `${ctx.entityButton(r.person.id, r.person.name, 'PERSON')} <span class="badge">${esc(months(r.total))}${r.open ? ', open' : ''}</span>
          <span class="small">${ctx.entityButton(r.case.id, r.case.name, 'CASE')} · ${r.periods.map((p) => `${esc(words(p.kind))} ${esc(dateText(p.start))}–${esc(dateText(p.end))}`).join('; ')}${r.verdictDate ? ` · verdict ${esc(r.verdictDate.text)}` : ''}</span>`,
        evidence: { ids: ids(r.person, r.case, r.sentence, ...r.periods.map((p) => p.restriction)), ties: [] },
      }));
      return { rows, summary: plural(rows.length, 'person', 'people') };
    },
  },
  assessedCases: {
    label: 'Assessed cases',
    hint: 'Cases several organisations assessed.',
    args: [{ name: 'minOrganisations', label: 'At least organisations', kind: 'int', def: 2 }],
    async ask(ctx, args) {
      const data = await ctx.gql(Q.ASSESSED_CASES, { minOrganisations: Number(args.minOrganisations) || 2 });
      const rows = data.assessedCases.map((r) => ({
        html: `${ctx.entityButton(r.case.id, r.case.name, 'CASE')}
          <span class="small">${r.organisations.map((o) => esc(o.name)).join('; ')} · ${esc([...new Set(r.assessments.map((a) => words(a.assessment)))].join(', '))}${r.contested.length ? ` · ${plural(r.contested.length, 'contested fact')}` : ''}</span>`,
        evidence: { ids: ids(r.case, ...r.organisations), ties: [] },
      }));
      return { rows, summary: plural(rows.length, 'case') };
    },
  },
  articlePairs: {
    label: 'Article pairs',
    hint: 'Articles charged together against one person in one case.',
    args: [],
    async ask(ctx) {
      const rows = (await ctx.gql(Q.ARTICLE_PAIRS)).articlePairs.map((p) => ({
        html: `${ctx.entityButton(p.a.id, p.a.name, 'LEGAL_ARTICLE')} + ${ctx.entityButton(p.b.id, p.b.name, 'LEGAL_ARTICLE')} <span class="badge">${esc(p.count)}</span>
          <span class="small">${p.persons.map((x) => esc(x.name)).join('; ')}</span>`,
        evidence: { ids: ids(p.a, p.b, ...p.cases, ...p.persons), ties: ties(p.persons.map((x) => x.id), [p.a.id, p.b.id]) },
      }));
      return { rows, summary: plural(rows.length, 'pair') };
    },
  },
  contestedClaims: {
    label: 'Contested claims',
    hint: 'Claims sources disagree about.',
    args: [],
    async ask(ctx) {
      const rows = (await ctx.gql(Q.CONTESTED_CLAIMS)).contestedClaims.map((c) => ({
        html: `${c.about ? ctx.entityButton(c.about.id, c.about.name, c.about.type) : esc(c.target)} <span class="small">${esc(words(c.type))}</span>
          ${c.other ? `→ ${ctx.entityButton(c.other.id, c.other.name, c.other.type)}` : ''}
          <span class="small">${c.note ? `${esc(c.note)} · ` : ''}${c.sources.map((s) => esc(s.title)).join('; ')}</span>`,
        evidence: { ids: ids(c.about, c.other), ties: [] },
      }));
      return { rows, summary: plural(rows.length, 'contested claim') };
    },
  },
  laterChargedAssociates: {
    label: 'Associates charged later',
    hint: 'People tied to someone convicted under an article, charged under it later.',
    args: [],
    async ask(ctx) {
      const rows = (await ctx.gql(Q.LATER_CHARGED_ASSOCIATES)).laterChargedAssociates.map((r) => ({
        html: `${ctx.entityButton(r.associate.id, r.associate.name, 'PERSON')} after ${ctx.entityButton(r.convicted.id, r.convicted.name, 'PERSON')}
          <span class="small">${esc(r.article.name)} · via ${esc(r.via.name)} · ${esc(dateText(r.convictedOn))} → ${esc(dateText(r.chargedOn))}</span>`,
        evidence: {
          ids: ids(r.convicted, r.associate, r.via, r.article),
          ties: ties([r.convicted.id, r.associate.id], [r.via.id, r.article.id]),
        },
      }));
      return { rows, summary: plural(rows.length, 'associate') };
    },
  },
};

/** An entity's name: as drawn, else as the choices list it, else its ID. */
function nameOf(ctx, id) {
  const label = ctx.labelOf(id);
  if (label !== id) return label;
  const known = choices && choices.cases && choices.cases.find(([v]) => v === id);
  return known ? known[1] : id;
}

/** commonGround's shared features as rows: each adds both sides, the shared entity, what the reasons name, and the paths from each side to it. */
function sharedRows(ctx, cg) {
  const sides = [cg.a.id, cg.b.id];
  return cg.shared.map((s) => ({
    html: `<span class="badge">${esc(words(s.kind))}</span> ${s.entity ? ctx.entityButton(s.entity.id, s.entity.name, s.entity.type) : esc(words(s.label))}
      <ul class="reasons">${s.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`,
    evidence: {
      ids: [...sides, ...(s.entity ? [s.entity.id] : []), ...s.reasons.flatMap((r) => r.match(ID_IN_TEXT) || [])],
      ties: s.entity ? ties(sides, [s.entity.id]) : [],
    },
  }));
}

/**
 * All the entity IDs a set of results needs: their own, the shared
 * features of the case pairs (commonGround), and the nodes on the paths
 * that tie the pairs, asked twelve pairs at a time.
 */
async function evidenceIds(ctx, evidences) {
  const out = new Set();
  const pairs = new Map();
  const addPair = ([f, t]) => pairs.set(`${f} ${t}`, [f, t]);
  for (const e of evidences) {
    e.ids.forEach((id) => out.add(id));
    e.ties.forEach(addPair);
    if (e.common) {
      const cg = (await ctx.gql(Q.COMMON_GROUND, { a: e.common[0], b: e.common[1] })).commonGround;
      for (const row of sharedRows(ctx, cg)) {
        row.evidence.ids.forEach((id) => out.add(id));
        row.evidence.ties.forEach(addPair);
      }
    }
  }
  const all = [...pairs.values()];
  for (let i = 0; i < all.length; i += 12) {
    const chunk = all.slice(i, i + 12);
    const vars = {};
    chunk.forEach(([f, t], k) => { vars[`f${k}`] = f; vars[`t${k}`] = t; });
    const data = await ctx.gql(Q.tiesQuery(chunk.length), vars);
    Object.values(data).forEach((p) => (p ? p.nodes : []).forEach((n) => out.add(n.id)));
  }
  return [...out];
}

/** Sets up the panel in root; returns {restore} for the page's start. */
const SHARED = 'shared'; // the question main.js answers: cases that share an article, court or restriction
let choices = null; // what the selects offer, loaded on the panel's first use

export function initCrossCase(root, ctx) {
  root.innerHTML = `<h2 id="cross-h">Cross-case questions</h2>
    <div class="row"><label for="cross-q" class="sr-only">Question</label>
      <select id="cross-q">${Object.entries(QUESTIONS).map(([k, q]) => `<option value="${k}">${esc(q.label)}</option>`).join('')}</select></div>
    <p class="hint" id="cross-hint"></p>
    <form id="cross-form" class="cross-form"></form>
    <div id="cross-result" class="cross-result" aria-live="polite"></div>`;
  const select = root.querySelector('#cross-q');
  const form = root.querySelector('#cross-form');
  const out = root.querySelector('#cross-result');
  let shown = []; // the rows listed, for their Add buttons
  let seq = 0;

  // Which group of choices (see queries.js) a select takes its options from.
  const GROUP = {
    articles: 'CROSS_CHOICES', courts: 'CROSS_CHOICES', cities: 'CROSS_CHOICES', parties: 'CROSS_CHOICES',
    countries: 'CROSS_KINDS', restrictionKinds: 'CROSS_KINDS', sentenceKinds: 'CROSS_KINDS', categories: 'CROSS_KINDS',
    cases: 'CROSS_CASES',
  };
  const loaded = new Map(); // group → its answer, while or once it loads
  const groupsOf = (q) => [...new Set(QUESTIONS[q].args.filter((a) => a.from).map((a) => GROUP[a.from]))];
  const ready = (q) => groupsOf(q).every((g) => loaded.has(g));
  /** Loads the choices q's arguments offer (waiting for those already loading); true when it asked for some. */
  async function loadChoices(q) {
    const groups = groupsOf(q).filter((g) => !loaded.has(g));
    groups.forEach((g) => loaded.set(g, ctx.gql(Q[g]).catch((err) => { loaded.delete(g); throw err; })));
    await Promise.all(groupsOf(q).map((g) => loaded.get(g)));
    if (!groups.length) return false;
    const answers = await Promise.all(groups.map((g) => loaded.get(g)));
    const ent = (xs, label = (n) => n.name) => xs.edges.map((e) => [e.node.id, label(e.node)]);
    const byName = (xs) => xs.sort((x, y) => x[1].localeCompare(y[1]));
    const kinds = (xs) => xs.map((g) => [g.key, words(g.label)]);
    choices = choices || {};
    for (const d of answers) {
      if (d.articles) {
        choices.articles = ent(d.articles, ctx.articleLabel);
        choices.courts = byName(ent(d.courts));
        const cities = new Map(d.courts.edges.map((e) => e.node.place).filter(Boolean).map((c) => [c.id, c.name]));
        choices.cities = byName([...cities]);
        choices.parties = byName(ent(d.parties));
      }
      if (d.countries) {
        choices.countries = d.countries.map((g) => [g.key, g.label]);
        choices.restrictionKinds = kinds(d.restrictionKinds);
        choices.sentenceKinds = kinds(d.sentenceKinds);
        choices.categories = kinds(d.categories);
      }
      if (d.cases) choices.cases = byName(ent(d.cases));
    }
    return true;
  }

  /** The options of a select or datalist; a value the choices lack (from a link) is kept as an option of its own. */
  function options(a, value) {
    let opts = a.kind === 'tri' ? a.options : (choices && choices[a.from]) || [];
    if (a.kind === 'choice') opts = [['', 'any'], ...opts];
    if (value && a.kind !== 'entity' && !opts.some(([v]) => v === value)) opts = [...opts, [value, value]];
    return opts.map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`).join('');
  }

  function input(a, value) {
    const id = `cross-arg-${a.name}`;
    const label = `<label for="${id}">${esc(a.label)}</label>`;
    if (a.kind === 'bool') {
      return `<div class="row"><label class="check"><input type="checkbox" id="${id}" name="${a.name}" value="true"${value === 'true' ? ' checked' : ''}> ${esc(a.label)}</label></div>`;
    }
    if (a.kind === 'choice' || a.kind === 'tri') {
      return `<div class="row field">${label}<select id="${id}" name="${a.name}">${options(a, value)}</select></div>`;
    }
    if (a.kind === 'entity') {
      return `<div class="row field entity">${label}<input id="${id}" name="${a.name}" list="${id}-list" value="${esc(value)}" placeholder="an ID, such as case/…" autocomplete="off" spellcheck="false">
        <datalist id="${id}-list">${options(a, value)}</datalist>
        <button type="button" data-use-selected="${a.name}" title="Take the entity selected in the graph">Selected</button></div>`;
    }
    const type = a.kind === 'int' ? 'number' : 'text';
    const extra = a.kind === 'date' ? ' placeholder="YYYY, YYYY-MM or YYYY-MM-DD" pattern="\\d{4}(-\\d{2}){0,2}"' : ' min="1"';
    return `<div class="row field">${label}<input type="${type}" id="${id}" name="${a.name}" value="${esc(value ?? (a.def ?? ''))}"${extra}></div>`;
  }

  let renders = 0;
  async function renderForm(q, args = {}, load = true) {
    const def = QUESTIONS[q];
    const mine = ++renders;
    select.value = q;
    if (shared) shared.hidden = true;
    form.hidden = false;
    root.querySelector('#cross-hint').textContent = def.hint;
    // The choices load when a question needs them, not with the page.
    if (load) {
      if (!ready(q)) form.innerHTML = '<p class="hint loading-text">Loading the choices…</p>';
      await loadChoices(q).catch(() => null);
      if (mine !== renders) return; // another question was chosen meanwhile
    }
    if (args.to === undefined && q === 'similarCases' && ctx.selectedType() === 'CASE') args = { ...args, to: ctx.selected() };
    const filter = def.args.filter((a) => FILTER.includes(a));
    const own = def.args.filter((a) => !FILTER.includes(a));
    form.innerHTML = `${own.map((a) => input(a, args[a.name])).join('')}
      ${filter.length ? `<details class="cross-filter"${filter.some((a) => args[a.name]) || q === 'convictions' ? ' open' : ''}><summary>Filter</summary>${filter.map((a) => input(a, args[a.name])).join('')}</details>` : ''}
      <div class="row"><button type="submit" class="primary" id="cross-ask">Ask</button></div>`;
  }

  /** The form's values, only those set. */
  function formArgs() {
    const args = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      const v = el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim();
      if (v !== '') args[el.name] = v;
    }
    return args;
  }

  /** Asks q with args, keeps both in the URL, and lists the answer. */
  async function ask(q, args, more = '') {
    const def = QUESTIONS[q];
    const mine = ++seq;
    ctx.state.crossQuestion = q;
    ctx.state.crossArgs = args;
    ctx.state.sharedKind = '';
    ctx.state.sharedValue = '';
    ctx.saveState();
    const missing = def.need && def.need(args);
    if (missing) { out.innerHTML = `<p class="hint">${esc(missing)}</p>`; return; }
    if (!more) out.innerHTML = '<p class="hint loading-text">Asking…</p>';
    await ctx.busy(`Asking “${def.label}”`, async () => {
      let res;
      try {
        res = await def.ask(ctx, args, more);
      } catch (err) {
        if (mine === seq) out.innerHTML = '';
        throw err;
      }
      if (mine !== seq) return;
      if (res.bars) { renderBars(res); return; }
      const start = more ? shown.length : 0;
      shown = more ? [...shown, ...res.rows] : res.rows;
      const items = res.rows.map((r, i) => `<li>${r.html}<button type="button" class="add" data-add="${start + i}" title="Add it to the view with what ties it">Add</button></li>`).join('');
      if (more) {
        if (!out.querySelector('.cross-list')) return;
        out.querySelector('.cross-list').insertAdjacentHTML('beforeend', items);
        out.querySelector('.cross-more').outerHTML = res.more ? moreButton(res.more) : '';
        return;
      }
      out.innerHTML = `<p class="small cross-summary">${esc(res.summary)}</p>
        ${shown.length ? `<button type="button" id="cross-add-all">Add all to the view</button>` : ''}
        <ul class="cross-list">${items}</ul>${res.more ? moreButton(res.more) : ''}`;
      out.scrollIntoView({ block: 'start' });
    }, () => ask(q, args, more));
  }
  const moreButton = (cursor) => `<button type="button" class="cross-more" data-more="${esc(cursor)}">More</button>`;

  function renderBars({ bars, by }) {
    shown = [];
    const max = Math.max(1, ...bars.map((b) => b.count));
    out.innerHTML = `<p class="small cross-summary">People convicted by ${esc(words(by))}; a bar lists them.</p>
      <ul class="bars" aria-label="People convicted by ${esc(words(by))}">${bars.map((b) => `<li>
        <button type="button" class="bar-row" data-bar="${esc(b.key)}" title="${esc(b.label)}: ${b.named} named, ${b.unnamed} unnamed. Lists these convictions.">
          <span class="bar-label">${esc(by === 'ARTICLE' || by === 'COURT' || by === 'YEAR' || by === 'COUNTRY' ? b.label : words(b.label))}</span>
          <span class="bar-track"><span class="bar" style="width: ${(100 * b.count) / max}%"></span></span>
          <span class="bar-num">${b.count}</span>
        </button></li>`).join('')}</ul>`;
    out.scrollIntoView({ block: 'start' });
  }

  async function addRows(rows) {
    await ctx.busy('Adding the results with what ties them', async () => {
      const all = await evidenceIds(ctx, rows.map((r) => r.evidence));
      // subgraph(ids:) takes at most 500.
      if (all.length > 500) {
        out.insertAdjacentHTML('afterbegin', `<p class="error-inline">Too much to draw at once: ${all.length} entities with their evidence, at most 500. Add fewer results.</p>`);
        return;
      }
      await ctx.add(all);
    });
  }

  // "Cases that share…" (main.js) lives in the panel as its first
  // question: absorb moves its section here; it keeps its own URL state.
  let shared = null;
  function showShared() {
    select.value = SHARED;
    root.querySelector('#cross-hint').textContent = 'Cases that share a legal article (with its parts), a court or a kind of restriction.';
    shared.hidden = false;
    form.hidden = true;
    out.innerHTML = '';
    ++renders;
    ++seq; // an answer still on its way is for another question
    if (ctx.state.crossQuestion) { ctx.state.crossQuestion = ''; ctx.state.crossArgs = {}; ctx.saveState(); }
  }
  select.addEventListener('change', () => {
    ++seq;
    out.innerHTML = '';
    if (select.value === SHARED) showShared(); else renderForm(select.value);
  });
  form.addEventListener('submit', (e) => { e.preventDefault(); ask(select.value, formArgs()); });
  form.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-use-selected]');
    if (!b) return;
    const id = ctx.selected();
    if (id) form.elements[b.dataset.useSelected].value = id;
  });
  out.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.select) ctx.showEntity(b.dataset.select);
    else if (b.dataset.add) addRows([shown[Number(b.dataset.add)]]);
    else if (b.id === 'cross-add-all') addRows(shown);
    else if (b.dataset.more) ask(ctx.state.crossQuestion, ctx.state.crossArgs, b.dataset.more);
    else if (b.dataset.bar !== undefined) {
      // A bar opens the convictions it counts: its key as a filter.
      const { by, ...filter } = ctx.state.crossArgs;
      const dim = by || 'ARTICLE';
      const args = dim === 'YEAR' ? { ...filter, from: b.dataset.bar, to: b.dataset.bar } : { ...filter, [DRILL[dim]]: b.dataset.bar };
      renderForm('convictions', args).then(() => ask('convictions', args));
    }
  });

  renderForm('convictions', {}, false);
  // The first use of the form loads the choices its selects offer, and
  // fills them in place, so the control in use keeps its focus.
  form.addEventListener('focusin', async () => {
    const q = select.value;
    if (!(await loadChoices(q).catch(() => false))) return;
    for (const a of QUESTIONS[q].args.filter((x) => x.from)) {
      const el = form.querySelector(`#cross-arg-${a.name}${a.kind === 'entity' ? '-list' : ''}`);
      if (!el) continue;
      const value = el.value;
      el.innerHTML = options(a, value);
      if (a.kind !== 'entity') el.value = value;
    }
  });
  return {
    /** Takes in the "Cases that share…" section as the panel's first question. */
    absorb(section) {
      shared = section;
      select.insertBefore(new Option('Cases that share…', SHARED), select.firstChild);
      section.querySelector('h2').classList.add('sr-only');
      root.insertBefore(section, form);
      section.hidden = true;
    },
    /** Shows the "Cases that share…" question. */
    showShared,
    /** Reopens the question the URL names, with its answer. */
    async restore() {
      const q = ctx.state.crossQuestion;
      if (!QUESTIONS[q]) return;
      const args = { ...ctx.state.crossArgs };
      await renderForm(q, args);
      await ask(q, args);
    },
  };
}
