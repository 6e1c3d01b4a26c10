// Triage dashboard: plain DOM and SVG, no dependencies. Served at /ui (strict CSP: this file is
// the only script, no inline code) and inlined by `triage report --html` with the report embedded.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const COLORS = ['#3b82f6', '#f97316', '#10b981', '#a855f7', '#ef4444', '#64748b'];
  const BUCKETS = { '1h': 60, '24h': 900, '7d': 3600 };
  const WINDOW = { '1h': 3600, '24h': 86400, '7d': 604800 };
  const embedded = $('triage-data');
  let since = '1h';
  let key = sessionStorage.getItem('triageKey') || '';
  let locked = false; // after a 401, nothing is polled until a key is entered
  const colorOf = {};
  const seen = new Map(); // request id -> when the live view first showed it (ms since epoch)

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    for (const kid of kids) node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    return node;
  }
  function svg(tag, attrs, ...kids) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const kid of kids) node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    return node;
  }
  const num = (v, d) => (v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(d));
  const int = (v) => (v === null || v === undefined ? '-' : String(v));
  const cell = (k, text) => el('td', { 'data-k': k }, text);
  function color(name) {
    if (!(name in colorOf)) colorOf[name] = COLORS[Object.keys(colorOf).length % COLORS.length];
    return colorOf[name];
  }
  function fill(id, ...rows) { const t = $(id); t.replaceChildren(...rows); return t; }
  function head(...names) { return el('tr', {}, ...names.map((n) => el('th', {}, n))); }
  function time(iso, seconds) {
    const d = new Date(iso);
    return seconds >= 86400 || since === '7d' ? d.toISOString().slice(5, 13).replace('T', ' ') + 'h' : d.toISOString().slice(11, 16);
  }

  // A chart: x = bucket index, series drawn as stacked bars or lines; optional horizontal/vertical rules.
  function chart(id, labels, series, opts = {}) {
    const box = $(id);
    const W = Math.max(300, Math.round(box.clientWidth || 640)), H = 180, L = 48, B = 22, T = 8, R = 8;
    if (!labels.length) { box.replaceChildren(el('p', { class: 'empty' }, 'no data in this window')); return; }
    const n = labels.length;
    const stackTotals = labels.map((_, i) => series.filter((s) => s.type === 'bar').reduce((a, s) => a + (s.values[i] || 0), 0));
    let max = Math.max(1e-12, ...stackTotals, ...series.filter((s) => s.type === 'line').flatMap((s) => s.values.filter((v) => v !== null)),
      ...(opts.rules || []).map((r) => r.y || 0));
    if (opts.max) max = opts.max;
    const x = (i) => L + (i + 0.5) * ((W - L - R) / n);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
    for (const f of [0, 0.5, 1]) {
      g.append(svg('line', { x1: L, x2: W - R, y1: y(max * f), y2: y(max * f), stroke: '#e5e8ee' }));
      g.append(svg('text', { x: L - 4, y: y(max * f) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#5b667c' }, opts.fmt ? opts.fmt(max * f) : num(max * f, max < 10 ? 2 : 0)));
    }
    const bw = Math.max(1, ((W - L - R) / n) * 0.8);
    const base = labels.map(() => 0);
    for (const s of series.filter((s) => s.type === 'bar')) {
      s.values.forEach((v, i) => {
        if (!v) return;
        g.append(svg('rect', { x: x(i) - bw / 2, y: y(base[i] + v), width: bw, height: Math.max(0.5, y(base[i]) - y(base[i] + v)), fill: s.color },
          svg('title', {}, `${labels[i]} ${s.name}: ${v}`)));
        base[i] += v;
      });
    }
    for (const s of series.filter((s) => s.type === 'line')) {
      const pts = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
      if (pts.length) g.append(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2 }));
      if (pts.length <= 60) s.values.forEach((v, i) => { if (v !== null) g.append(svg('circle', { cx: x(i), cy: y(v), r: 3, fill: s.color })); });
    }
    for (const r of opts.rules || []) {
      g.append(svg('line', { x1: L, x2: W - R, y1: y(r.y), y2: y(r.y), stroke: r.color || '#ef4444', 'stroke-dasharray': '5 3' }));
      g.append(svg('text', { x: W - R, y: y(r.y) - 3, 'text-anchor': 'end', 'font-size': 10, fill: r.color || '#ef4444' }, r.label));
    }
    const step = Math.max(1, Math.ceil(n / 8));
    labels.forEach((label, i) => {
      if (i % step === 0) g.append(svg('text', { x: x(i), y: H - 6, 'text-anchor': 'middle', 'font-size': 10, fill: '#5b667c' }, label));
    });
    if (opts.vline !== undefined) {
      const vx = L + opts.vline * (W - L - R);
      g.append(svg('line', { x1: vx, x2: vx, y1: T, y2: H - B, stroke: '#ef4444', 'stroke-width': 2, 'stroke-dasharray': '5 3' }));
      g.append(svg('text', { x: vx + 3, y: T + 10, 'font-size': 10, fill: '#ef4444' }, opts.vlabel || ''));
    }
    box.replaceChildren(g);
  }

  // --- the report panels ---------------------------------------------------------------------
  function render(report) {
    const backends = report.backends || [];
    backends.forEach((b) => color(b.name));
    const savings = report.savings;
    const cls = report.classifier || {};
    const tl = cls.timeline || { buckets: [], fit_histogram: [], complexity_histogram: [], bucket_seconds: 60 };
    const days = cls.drift_by_day || [];
    const lastDrift = days.length ? days[days.length - 1].drift : null;
    const kpi = (k, value, label) => el('div', { class: 'kpi' }, el('b', { 'data-k': k }, value), el('span', {}, label));
    const local = backends.filter((b) => !savings || b.name !== savings.reference_backend).reduce((a, b) => a + b.share_percent, 0);
    fill('kpis',
      kpi('total_requests', int(report.total_requests), 'requests'),
      kpi('local_share_percent', num(local, 1) + '%', savings ? `not sent to ${savings.reference_backend}` : 'share'),
      kpi('savings.savings_usd', savings ? '$' + num(savings.savings_usd, 4) : '-', 'saved vs all-remote'),
      kpi('savings.break_even.net_per_month_usd', savings && savings.break_even ? '$' + num(savings.break_even.net_per_month_usd, 2) : '-', 'net per month'),
      kpi('drift.below_min_fit_share', lastDrift && lastDrift.below_min_fit_share !== null ? num(lastDrift.below_min_fit_share * 100, 1) + '%' : '-', 'below min_fit (last day)'));

    // Every bucket of the window, empty ones included, so time runs evenly along the x axis.
    const step = tl.bucket_seconds * 1000;
    const byStart = new Map(tl.buckets.map((b) => [Math.floor(Date.parse(b.start) / step), b]));
    const keys = [...byStart.keys()];
    let first = keys.length ? Math.min(...keys) : 0, last = keys.length ? Math.max(...keys) : -1;
    if (!embedded) { last = Math.floor(Date.now() / step); first = Math.min(first || last, Math.floor((Date.now() - WINDOW[since] * 1000) / step) + 1); }
    first = Math.max(first, last - 2000);
    const empty = (k) => ({ start: new Date(k * step).toISOString(), requests: {}, errors: {}, fallbacks: 0, tokens: 0, cost_usd: 0, savings_usd: 0, drift: null });
    const buckets = [];
    for (let k = first; k <= last; k++) buckets.push(byStart.get(k) || empty(k));
    tl.buckets = buckets;
    const labels = tl.buckets.map((b) => time(b.start, tl.bucket_seconds));
    const names = backends.map((b) => b.name);
    chart('traffic', labels, names.map((name) => ({ type: 'bar', name, color: color(name), values: tl.buckets.map((b) => b.requests[name] || 0) })));
    $('traffic-legend').replaceChildren(...names.map((n) => {
      const sw = el('i', { class: 'sw' + (COLORS.indexOf(color(n))) });
      return el('span', {}, sw, `${n} ${num(backends.find((b) => b.name === n).share_percent, 1)}%`);
    }));

    // Savings: cumulative over the window, and the fixed cost of the same period as break-even.
    let cum = 0;
    const cumulative = tl.buckets.map((b) => (cum += b.savings_usd));
    const be = savings && savings.break_even;
    const period = Math.max(report.period_days || 0, 0);
    const rules = be ? [{ y: be.monthly_fixed_cost_usd * period / 30, label: 'break-even (fixed cost of the period)', color: '#ef4444' }] : [];
    chart('savings-chart', labels, [{ type: 'line', name: 'savings', color: '#10b981', values: cumulative }], { rules, fmt: (v) => '$' + num(v, 2) });
    const srow = (k, label, value) => el('tr', {}, el('td', {}, label), cell(k, value));
    fill('savings', ...(savings ? [
      srow('savings.compared_requests', 'requests compared', int(savings.compared_requests)),
      srow('savings.remote_equivalent_cost_usd', `cost at ${savings.reference_backend} $`, num(savings.remote_equivalent_cost_usd, 4)),
      srow('savings.actual_cost_usd', 'actual cost $', num(savings.actual_cost_usd, 4)),
      srow('savings.savings_usd', 'savings $', num(savings.savings_usd, 4)),
      srow('savings.shadow_cost_usd', 'shadow spend $', num(savings.shadow_cost_usd, 4)),
      srow('savings.net_savings_usd', 'net savings $', num(savings.net_savings_usd, 4)),
      ...(be ? [
        srow('savings.break_even.requests_per_month', 'break-even requests/month', be.requests_per_month === null ? 'never' : num(be.requests_per_month, 0)),
        srow('savings.break_even.observed_requests_per_month', 'observed requests/month', num(be.observed_requests_per_month, 0)),
      ] : []),
    ] : [el('tr', {}, el('td', { class: 'empty' }, 'no comparison backend with a price (report.compare_to)'))]));

    fill('latency', head('backend', 'requests', 'p50', 'p90', 'p99', 'ttft p50', 'ttft p90', 'ttft p99'),
      ...backends.map((b) => el('tr', {}, el('td', {}, b.name), cell(`backends.${b.name}.requests`, int(b.requests)),
        ...['p50', 'p90', 'p99'].map((p) => cell(`backends.${b.name}.latency_ms.${p}`, num(b.latency_ms && b.latency_ms[p], 1))),
        ...['p50', 'p90', 'p99'].map((p) => cell(`backends.${b.name}.ttft_ms.${p}`, num(b.ttft_ms && b.ttft_ms[p], 1))))));

    fill('cost', head('backend', 'prompt tok', 'completion tok', 'cost $'),
      ...backends.map((b) => el('tr', {}, el('td', {}, b.name), cell(`backends.${b.name}.prompt_tokens`, int(b.prompt_tokens)),
        cell(`backends.${b.name}.completion_tokens`, int(b.completion_tokens)), cell(`backends.${b.name}.cost_usd`, num(b.cost_usd, 4)))));
    chart('cost-chart', labels, [{ type: 'line', name: 'cost', color: '#f97316', values: tl.buckets.map((b) => b.cost_usd) }], { fmt: (v) => '$' + num(v, 3) });

    chart('errors-chart', labels, [
      { type: 'bar', name: 'errors', color: '#ef4444', values: tl.buckets.map((b) => Object.values(b.errors).reduce((a, v) => a + v, 0)) },
      { type: 'line', name: 'fallbacks', color: '#a855f7', values: tl.buckets.map((b) => b.fallbacks) }]);
    fill('errors', head('backend', 'errors', 'error rate', 'fallbacks'),
      ...backends.map((b) => el('tr', {}, el('td', {}, b.name), cell(`backends.${b.name}.errors`, int(b.errors)),
        el('td', {}, num(b.requests ? (100 * b.errors) / b.requests : 0, 1) + '%'), el('td', {}, '')) ),
      el('tr', {}, el('td', {}, 'fallbacks (all)'), el('td', {}, ''), el('td', {}, ''), cell('fallbacks', int(tl.buckets.reduce((a, b) => a + b.fallbacks, 0)))));

    const bins = (h) => h.map((_, i) => (i / 20).toFixed(2));
    chart('fit-hist', bins(tl.fit_histogram), [{ type: 'bar', name: 'fit', color: '#3b82f6', values: tl.fit_histogram }],
      cls.min_fit !== undefined && cls.min_fit !== null ? { vline: cls.min_fit, vlabel: 'min_fit ' + cls.min_fit } : {});
    chart('complexity-hist', bins(tl.complexity_histogram), [{ type: 'bar', name: 'complexity', color: '#f97316', values: tl.complexity_histogram }],
      cls.max_complexity !== undefined && cls.max_complexity !== null ? { vline: cls.max_complexity, vlabel: 'max_complexity ' + cls.max_complexity } : {});

    const driftBuckets = tl.buckets.filter((b) => b.drift);
    chart('drift-chart', driftBuckets.map((b) => time(b.start, tl.bucket_seconds)), [
      { type: 'line', name: 'PSI', color: '#a855f7', values: driftBuckets.map((b) => b.drift.psi) },
      { type: 'line', name: 'below min_fit', color: '#3b82f6', values: driftBuckets.map((b) => b.drift.below_min_fit_share) }],
    { rules: [{ y: 0.25, label: 'PSI 0.25 = drift' }] });
    fill('drift', head('day', 'classified', '< min_fit', 'PSI', 'KS', ''),
      ...days.map((d) => el('tr', {}, el('td', {}, d.day), cell(`drift.${d.day}.requests`, int(d.drift.requests)),
        el('td', {}, d.drift.below_min_fit_share === null ? '-' : num(d.drift.below_min_fit_share * 100, 1) + '%'),
        cell(`drift.${d.day}.psi`, num(d.drift.psi, 3)), cell(`drift.${d.day}.ks`, num(d.drift.ks, 3)),
        el('td', { class: d.drift.drifting ? 'bad' : '' }, d.drift.drifting ? 'DRIFT' : ''))));
    // Requests per replica (records name their replica; with log.sink: postgres, every replica's).
    const replicas = Object.entries(tl.replicas || {}).sort((a, b) => b[1].requests - a[1].requests);
    $('replicas-card').hidden = replicas.length === 0;
    fill('replicas', head('replica', 'requests', 'share', 'errors'),
      ...replicas.map(([name, r]) => el('tr', {}, el('td', {}, name), cell(`replicas.${name}.requests`, int(r.requests)),
        el('td', {}, num(report.total_requests ? (100 * r.requests) / report.total_requests : 0, 1) + '%'), el('td', {}, int(r.errors)))));
    const fb = $('f-backend'), fr = $('f-rule');
    const keep = (sel, values) => {
      const have = new Set([...sel.options].map((o) => o.value));
      values.forEach((v) => { if (!have.has(v)) sel.append(el('option', { value: v }, v)); });
    };
    keep(fb, names);
    keep(fr, (report.rules || []).map((r) => r.name));
    $('state').textContent = `${report.first_timestamp || ''} … ${report.last_timestamp || ''}`;
    document.body.dataset.rendered = String(Date.now());
  }

  // --- live parts (served mode only) -----------------------------------------------------------
  async function loadReport() {
    const report = await api(`/v1/triage/report?since=${since}&bucket=${BUCKETS[since]}`);
    const t0 = performance.now();
    render(report);
    document.body.dataset.renderMs = (performance.now() - t0).toFixed(1);
    // Time from navigation start to the first complete render (report fetched and drawn).
    if (!document.body.dataset.firstRenderMs) document.body.dataset.firstRenderMs = performance.now().toFixed(0);
  }
  async function loadBreakers() {
    const status = await api('/v1/triage/status');
    $('breakers').replaceChildren(...status.backends.map((b) =>
      el('span', { class: 'chip ' + b.breaker, 'data-k': `breaker.${b.name}` }, `${b.name}: ${b.breaker} · ${b.in_flight} in flight · ${b.failures} failures`)));
  }
  async function loadLive() {
    const q = new URLSearchParams({ limit: '50' });
    for (const [id, name] of [['f-backend', 'backend'], ['f-rule', 'rule'], ['f-status', 'status']]) if ($(id).value) q.set(name, $(id).value);
    const data = await api('/v1/triage/requests?' + q);
    $('live').tBodies[0].replaceChildren(...data.requests.map((r) => {
      if (!seen.has(r.id)) seen.set(r.id, Date.now());
      const tr = el('tr', { 'data-id': r.id, 'data-seen': seen.get(r.id) },
        el('td', {}, (r.ts || '').slice(11, 23)), el('td', {}, r.backend || '-'), el('td', {}, r.rule || '-'),
        el('td', { class: r.status >= 400 ? 'bad' : '' }, int(r.status)), el('td', {}, num(r.latency_ms, 0)),
        el('td', {}, r.prompt_tokens === undefined ? '-' : `${r.prompt_tokens}+${r.completion_tokens}`),
        el('td', {}, num(r.fit, 2)), el('td', {}, num(r.complexity, 2)), el('td', {}, r.preview || ''));
      tr.addEventListener('click', () => showDetail(r.id));
      return tr;
    }));
  }
  async function showDetail(id) {
    const r = await api('/v1/triage/requests/' + encodeURIComponent(id));
    const rec = r.record || {};
    const rows = [['id', rec.id], ['time', rec.ts], ['backend', rec.backend], ['rule', rec.rule], ['status', rec.status],
      ['reason', rec.reason], ['latency ms', rec.latency_ms], ['ttft ms', rec.ttft_ms], ['usage', rec.usage && JSON.stringify(rec.usage)],
      ['cost $', rec.cost_usd], ['scores', rec.scores && JSON.stringify(rec.scores)], ['error', rec.error],
      ['feedback', r.feedback && JSON.stringify(r.feedback)]].filter((p) => p[1] !== undefined && p[1] !== null);
    const dl = el('dl', {}, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
    const parts = [el('h2', {}, 'request ' + id), dl];
    const prompt = (rec.messages || []).map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('\n\n');
    parts.push(el('h2', {}, 'prompt'), el('pre', {}, prompt || rec.prompt || '(not logged)'));
    parts.push(el('h2', {}, 'answer'), el('pre', {}, rec.response || '(none)'));
    if (rec.attempts) parts.push(el('h2', {}, 'attempts'), el('pre', {}, JSON.stringify(rec.attempts, null, 1)));
    if (rec.shadow) parts.push(el('h2', {}, 'shadow comparison'), el('pre', {}, JSON.stringify(rec.shadow, null, 1)));
    const d = $('detail');
    d.replaceChildren(...parts);
    d.hidden = false;
  }
  async function api(path) {
    const sent = key;
    const r = await fetch(path, { headers: sent ? { authorization: 'Bearer ' + sent } : {}, cache: 'no-store' });
    if (r.status === 401) {
      // A refusal of a request sent before the key was entered (the first load's three calls)
      // may arrive after it: only a refusal of the key in use locks the page again.
      if (sent === key) { locked = true; $('login').hidden = false; $('state').textContent = 'sign in with a client key'; }
      throw new Error('unauthorised');
    }
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }
  const safely = (f) => () => (locked ? Promise.resolve() : f()).catch((e) => { if (String(e.message) !== 'unauthorised') $('state').textContent = String(e.message); });

  function start() {
    if (embedded) {
      render(JSON.parse(embedded.textContent));
      for (const id of ['windows', 'live-card']) $(id).hidden = true;
      $('breakers').replaceChildren(el('p', { class: 'empty' }, 'live state: not part of a saved report'));
      return;
    }
    $('login').addEventListener('submit', (e) => {
      e.preventDefault();
      key = $('key').value.trim();
      sessionStorage.setItem('triageKey', key);
      $('login').hidden = true;
      locked = false;
      refresh();
    });
    for (const b of document.querySelectorAll('#windows button')) {
      b.addEventListener('click', () => {
        since = b.dataset.since;
        document.querySelectorAll('#windows button').forEach((x) => x.classList.toggle('on', x === b));
        safely(loadReport)();
      });
    }
    for (const id of ['f-backend', 'f-rule', 'f-status']) $(id).addEventListener('change', safely(loadLive));
    refresh();
    setInterval(safely(loadLive), 1000);
    setInterval(safely(loadBreakers), 3000);
    setInterval(safely(loadReport), 15000);
  }
  function refresh() { safely(loadReport)(); safely(loadBreakers)(); safely(loadLive)(); }
  start();
})();
