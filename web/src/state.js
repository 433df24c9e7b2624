// The view's state in the URL, so a link reopens the same view:
//   ?e=ID,ID   entities whose neighbourhood is in view (expanded)
//   &n=ID,ID   entities added on their own (path ends, shared cases)
//   &s=ID      the selected entity
//   &ht=TYPE   hidden entity types, &hr=TYPE hidden relationship types
//   &x=ID,ID   entities hidden one by one, &pn=ID,ID pinned entities
//   &pf=ID&pt=ID&pm=N  the path question, &tl=ID an open timeline
//   &sk=KIND&sv=VALUE  the shared-feature question
//   &p=PANEL   the side panel shown: paths or questions (filters when absent)
//   &inv=investigation/SLUG  the saved investigation open: a link that
//              holds it opens the investigation as saved, whatever else
//              the link says (investigations.js)
//   &tf=DATE&tt=DATE   the time bar's window, from the first day of tf to
//                      the last of tt (YYYY, YYYY-MM or YYYY-MM-DD; either
//                      may be missing), &tu=hide hides undated entities
//   &cq=QUESTION  the open cross-case question (convictions, counts,
//              similarCases, commonGround, chargeChanges, …), and
//   &ca.NAME=VALUE  each of its arguments set, named as in the schema
//              (ca.articles=legal-article/kz-cc-274, ca.by=COURT,
//              ca.to=case/…); a list filter takes several, comma-separated
//   &sz=none   nodes all one size (default: by degree)
//   &ly=NAME   the layout (concentric, grid; default: fcose, force-directed)
//   &g=off     grouping off; &og=ID,ID  groups opened (group/CASE-ID/TYPE)


export function readState(search = window.location.search) {
  const p = new URLSearchParams(search);
  const list = (k) => (p.get(k) || '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    expanded: list('e'),
    extra: list('n'),
    selected: p.get('s') || '',
    hiddenTypes: list('ht'),
    hiddenRels: list('hr'),
    hiddenNodes: list('x'),
    pinned: list('pn'),
    pathFrom: p.get('pf') || '',
    pathTo: p.get('pt') || '',
    pathMax: Number(p.get('pm')) || 4,
    timeline: p.get('tl') || '',
    sharedKind: p.get('sk') || '',
    sharedValue: p.get('sv') || '',
    panel: p.get('p') || '',
    inv: p.get('inv') || '',
    timeFrom: p.get('tf') || '',
    timeTo: p.get('tt') || '',
    hideUndated: p.get('tu') === 'hide',
    crossQuestion: p.get('cq') || '',
    crossArgs: Object.fromEntries([...p].filter(([k, v]) => k.startsWith('ca.') && v).map(([k, v]) => [k.slice(3), v])),
    measure: p.get('sz') || 'degree',
    layout: p.get('ly') || 'fcose',
    grouping: p.get('g') !== 'off',
    opened: list('og'),
  };
}

/**
 * Writes s into the URL. A view change (push) adds a browser history entry,
 * so Back returns to the view before it; anything else (the selection)
 * replaces the current one. entry names the saved view a history entry
 * stands for.
 */
export function writeState(s, { push = false, entry } = {}) {
  const p = new URLSearchParams();
  const set = (k, v) => { if (v) p.set(k, v); };
  set('e', s.expanded.join(','));
  set('n', s.extra.join(','));
  set('s', s.selected);
  set('ht', s.hiddenTypes.join(','));
  set('hr', s.hiddenRels.join(','));
  set('x', s.hiddenNodes.join(','));
  set('pn', s.pinned.join(','));
  set('pf', s.pathFrom);
  set('pt', s.pathTo);
  if (s.pathFrom && s.pathTo && s.pathMax !== 4) set('pm', String(s.pathMax));
  set('tl', s.timeline);
  set('sk', s.sharedKind);
  set('sv', s.sharedValue);
  set('p', s.panel);
  set('inv', s.inv);
  set('tf', s.timeFrom);
  set('tt', s.timeTo);
  if (s.hideUndated) set('tu', 'hide');
  set('cq', s.crossQuestion);
  if (s.crossQuestion) Object.entries(s.crossArgs || {}).forEach(([k, v]) => set(`ca.${k}`, v));
  if (s.measure && s.measure !== 'degree') set('sz', s.measure);
  if (s.layout && s.layout !== 'fcose') set('ly', s.layout);
  if (s.grouping === false) set('g', 'off');
  set('og', (s.opened || []).join(','));
  // Commas and slashes read better unescaped and are safe in a query.
  const q = p.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/');
  const url = window.location.pathname + (q ? `?${q}` : '');
  const same = url === window.location.pathname + window.location.search;
  const hist = entry === undefined ? window.history.state : { entry };
  if (push && !same) window.history.pushState(hist, '', url);
  else if (!same || entry !== undefined) window.history.replaceState(hist, '', url);
}

