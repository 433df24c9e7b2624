// The view's state in the URL, so a link reopens the same view:
//   ?e=ID,ID   entities whose neighbourhood is in view (expanded)
//   &n=ID,ID   entities added on their own (path ends, shared cases)
//   &s=ID      the selected entity
//   &ht=TYPE   hidden entity types, &hr=TYPE hidden relationship types
//   &pf=ID&pt=ID&pm=N  the path question, &tl=ID an open timeline
//   &sk=KIND&sv=VALUE  the shared-feature question


export function readState(search = window.location.search) {
  const p = new URLSearchParams(search);
  const list = (k) => (p.get(k) || '').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    expanded: list('e'),
    extra: list('n'),
    selected: p.get('s') || '',
    hiddenTypes: list('ht'),
    hiddenRels: list('hr'),
    pathFrom: p.get('pf') || '',
    pathTo: p.get('pt') || '',
    pathMax: Number(p.get('pm')) || 4,
    timeline: p.get('tl') || '',
    sharedKind: p.get('sk') || '',
    sharedValue: p.get('sv') || '',
  };
}

export function writeState(s) {
  const p = new URLSearchParams();
  const set = (k, v) => { if (v) p.set(k, v); };
  set('e', s.expanded.join(','));
  set('n', s.extra.join(','));
  set('s', s.selected);
  set('ht', s.hiddenTypes.join(','));
  set('hr', s.hiddenRels.join(','));
  set('pf', s.pathFrom);
  set('pt', s.pathTo);
  if (s.pathFrom && s.pathTo && s.pathMax !== 4) set('pm', String(s.pathMax));
  set('tl', s.timeline);
  set('sk', s.sharedKind);
  set('sv', s.sharedValue);
  // Commas and slashes read better unescaped and are safe in a query.
  const q = p.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/');
  const url = window.location.pathname + (q ? `?${q}` : '');
  if (url !== window.location.pathname + window.location.search) {
    window.history.replaceState(null, '', url);
  }
}

