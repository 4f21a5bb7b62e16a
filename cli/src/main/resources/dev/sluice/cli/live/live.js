// The live page: renders each snapshot pushed on /live/events (server-sent events, one a second). No framework and
// nothing loaded from elsewhere: the charts are inline SVG drawn here.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const BACKING_UP_LAG = 1000; // records behind on an edge before its target counts as backing up
  const NS = 'http://www.w3.org/2000/svg';
  let problemFilter = null;
  let last = null;

  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const num = (n) => n == null ? '–' : Number(n).toLocaleString('en-US');
  const rate = (r) => r == null ? '' : (r >= 100 ? Math.round(r) : Math.round(r * 10) / 10) + '/s';
  const ago = (ms) => {
    if (!ms) return '–';
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    return s < 60 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
  };
  const bytes = (b) => b == null ? '–' : b < 1024 ? b + ' B' : b < 1048576 ? (b / 1024).toFixed(1) + ' KiB'
    : (b / 1048576).toFixed(1) + ' MiB';

  function connect() {
    const events = new EventSource('/live/events');
    events.addEventListener('snapshot', (e) => {
      setConnection('ok', 'live');
      render(JSON.parse(e.data));
    });
    events.onerror = () => setConnection('failed', 'disconnected: showing the last state (sluice stopped?)');
  }

  function setConnection(cls, text) {
    const c = $('connection');
    c.className = 'pill ' + cls;
    c.textContent = text;
  }

  function render(s) {
    last = s;
    $('scope').textContent = s.scope;
    document.title = s.scope + ' · live';
    $('updated').textContent = 'updated ' + new Date(s.at).toLocaleTimeString();
    if (s.rates) {
      $('throughput').textContent = 'captured ' + rate(s.rates.captured) + ', transformed ' + rate(s.rates.transformed)
        + ', written ' + rate(s.rates.written);
    }
    renderStages(s.stages);
    const health = stageHealth(s.stages);
    if (s.graph) renderGraph(s.graph, health, s.tables || []);
    if (s.tables) renderTables(s.tables, s.slot);
    renderRevenue(s.revenue);
    if (s.problems) renderProblems(s.problems);
    $('query-section').hidden = !s.query;
  }

  function stageHealth(stages) {
    const h = {};
    stages.forEach((st) => { h[st.stage] = st.health; });
    return h;
  }

  function renderStages(stages) {
    $('stages').innerHTML = stages.map((st) =>
      `<li class="stage" data-stage="${esc(st.stage)}" data-health="${esc(st.health)}"><b>${esc(st.stage)}</b>` +
      `<span class="state">${esc(st.state)}</span>` +
      (st.detail ? `<span class="detail">${esc(st.detail)}</span>` : '') + '</li>').join('');
  }

  // --- the pipeline as a picture ---------------------------------------------------------------------------------
  function renderGraph(graph, health, tables) {
    $('graph-section').hidden = false;
    const colW = 275, nodeW = 180, nodeH = 24, gap = 8, top = 8;
    const columns = [[], [], [], [], []];
    graph.nodes.forEach((n) => columns[n.column].push(n));
    const pos = {};
    columns.forEach((col, c) => col.forEach((n, i) => { pos[n.id] = { x: 6 + c * colW, y: top + i * (nodeH + gap), n }; }));
    const height = top + Math.max(...columns.map((c) => c.length)) * (nodeH + gap);
    const behindTables = new Set(tables.filter((t) => t.freshnessS != null && t.freshnessS > t.sloS).map((t) => t.table));
    const backing = new Set();
    graph.edges.forEach((e) => { if (e.lag > BACKING_UP_LAG) backing.add(e.to); });
    const state = (n) => {
      const h = health[n.stage];
      if (h === 'failed') return 'failed';
      if (h !== 'ok') return 'starting';
      if (backing.has(n.id) || (n.id.startsWith('wh:') && behindTables.has(n.label))) return 'backing';
      return 'ok';
    };
    let svg = `<svg xmlns="${NS}" width="${4 * colW + nodeW + 12}" height="${height}" role="img" aria-label="pipeline">`;
    graph.edges.forEach((e) => {
      const a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      const x1 = a.x + nodeW, y1 = a.y + nodeH / 2, x2 = b.x, y2 = b.y + nodeH / 2, mx = (x1 + x2) / 2;
      const failed = health[e.stage] === 'failed';
      const cls = 'edge' + (failed ? ' failed' : e.rate > 0 ? ' busy' : '');
      const label = [e.rate > 0 ? rate(e.rate) : '', e.lag > 0 ? 'lag ' + num(e.lag) : ''].filter(Boolean).join(' · ');
      svg += `<path class="${cls}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}"><title>${esc(e.from)} → ${esc(e.to)}: ` +
        `${esc(label || 'idle')}</title></path>`;
      // a straight edge is labelled by its target; a curved one (many topics into one pipeline) at its middle
      if (label && y1 === y2) svg += `<text class="edge-label" x="${x2 - 4}" y="${y2 - 3}" text-anchor="end">${esc(label)}</text>`;
      else if (label) svg += `<text class="edge-label" x="${mx}" y="${(y1 + y2) / 2 - 3}" text-anchor="middle">${esc(label)}</text>`;
    });
    Object.values(pos).forEach(({ x, y, n }) => {
      const st = state(n);
      const text = n.label.length > 28 ? '…' + n.label.slice(-27) : n.label;
      svg += `<g class="node ${st}" data-node="${esc(n.id)}" data-state="${st}"><rect x="${x}" y="${y}" width="${nodeW}" ` +
        `height="${nodeH}"></rect><text x="${x + 6}" y="${y + 16}">${esc(text)}</text><title>${esc(n.label)}: ${st}` +
        ` (stage ${esc(n.stage)})</title></g>`;
    });
    $('graph').innerHTML = svg + '</svg>';
  }

  // --- per table -------------------------------------------------------------------------------------------------
  function sparkline(points, slo) {
    if (!points || points.length < 2) return '<span class="muted">–</span>';
    const w = 120, h = 22, max = Math.max(slo, ...points);
    const xy = points.map((p, i) => `${(i / (points.length - 1) * w).toFixed(1)},${(h - p / max * h).toFixed(1)}`);
    const sloY = (h - slo / max * h).toFixed(1);
    return `<svg width="${w}" height="${h}"><line x1="0" x2="${w}" y1="${sloY}" y2="${sloY}" stroke="#fca5a5" ` +
      `stroke-dasharray="2 2"></line><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${xy.join(' ')}">` +
      '</polyline></svg>';
  }

  function renderTables(tables, slot) {
    $('tables-section').hidden = false;
    const counts = {};
    (last.problems || []).forEach((p) => { if (p.table) counts[p.table] = (counts[p.table] || 0) + 1; });
    $('tables').tBodies[0].innerHTML = tables.map((t) => {
      const behind = t.freshnessS != null && t.freshnessS > t.sloS;
      const n = counts[t.table] || 0;
      return `<tr data-table="${esc(t.table)}" class="${behind ? 'behind' : ''}"><td><b>${esc(t.table)}</b>` +
        (t.source ? ` <span class="muted">← ${esc(t.source)}</span>` : '') + '</td>' +
        `<td class="num source-rows">${num(t.sourceRows)}</td><td class="num warehouse-rows">${num(t.warehouseRows)}</td>` +
        `<td class="num fresh">${t.freshnessS == null ? '–' : t.freshnessS.toFixed(1) + ' s'} <span class="muted">(${t.sloS} s)</span></td>` +
        `<td>${sparkline(t.freshnessHistory, t.sloS)}</td>` +
        `<td>${t.frontierLsn == null ? '–' : 'LSN ' + lsn(t.frontierLsn) + (t.frontierBehindBytes == null ? ''
          : ` <span class="muted">(${bytes(t.frontierBehindBytes)} behind)</span>`)}</td>` +
        `<td>${ago(t.lastChange)}</td><td>${t.load == null ? '–' : esc(t.load.replace(t.source + ' ', ''))}</td>` +
        `<td><button class="problem-filter${problemFilter === t.table ? ' active' : ''}" data-filter="${esc(t.table)}">` +
        `${n} ${problemFilter === t.table ? '(shown)' : 'show'}</button></td></tr>`;
    }).join('');
    $('slot').textContent = !slot ? '' : slot.slots.map((s) => `slot ${s.name}: ${bytes(s.lagBytes)} behind` +
      (s.active ? '' : ' (inactive)')).join(', ');
  }

  const lsn = (v) => { const hi = Math.floor(v / 4294967296), lo = v % 4294967296; return hi.toString(16).toUpperCase() + '/' + lo.toString(16).toUpperCase(); };

  // --- problems --------------------------------------------------------------------------------------------------
  function renderProblems(problems) {
    $('problems-section').hidden = false;
    const shown = problems.filter((p) => !problemFilter || p.table === problemFilter);
    $('problems-empty').hidden = shown.length > 0;
    $('problems-empty').textContent = problemFilter ? `No dead letters or quarantined records for ${problemFilter}.`
      : 'No dead letters or quarantined records.';
    const clear = $('problem-filter-clear');
    clear.hidden = !problemFilter;
    clear.textContent = problemFilter ? `only ${problemFilter}: show all` : '';
    $('problems').tBodies[0].innerHTML = shown.map((p) =>
      `<tr data-table="${esc(p.table)}"><td>${new Date(p.at).toLocaleTimeString()}</td><td>${esc(p.kind)}</td>` +
      `<td>${esc(p.table || '–')}</td><td>${esc(p.stage)}</td><td>${esc(p.reason)}</td><td>${esc(p.rule || '–')}</td>` +
      `<td class="muted">${esc(p.position)}</td></tr>`).join('');
  }

  document.addEventListener('click', (e) => {
    const b = e.target.closest('button.problem-filter');
    if (b) {
      problemFilter = problemFilter === b.dataset.filter ? null : b.dataset.filter;
    } else if (e.target.id === 'problem-filter-clear') {
      problemFilter = null;
    } else {
      return;
    }
    if (last) render(last);
  });

  // --- the real-time dashboard -----------------------------------------------------------------------------------
  const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569'];

  function renderRevenue(revenue) {
    if (!revenue) return;
    $('dashboard-section').hidden = false;
    $('revenue-table').textContent = revenue.table;
    const points = revenue.points;
    const minutes = [...new Set(points.map((p) => p.minute))].sort((a, b) => a - b);
    const categories = [...new Set(points.map((p) => p.category))].sort();
    const regions = [...new Set(points.map((p) => p.region))].sort();
    const color = (c) => PALETTE[categories.indexOf(c) % PALETTE.length];
    const byMinute = {};
    points.forEach((p) => {
      const m = byMinute[p.minute] = byMinute[p.minute] || {};
      m[p.category] = (m[p.category] || 0) + p.revenue;
    });
    const total = points.reduce((a, p) => a + p.revenue, 0);
    const w = 560, h = 220, left = 56, bottom = 22, barGap = 4;
    const max = Math.max(1, ...minutes.map((m) => Object.values(byMinute[m]).reduce((a, v) => a + v, 0)));
    const barW = minutes.length ? Math.min(36, Math.max(4, (w - left) / minutes.length - barGap)) : 0;
    let svg = `<svg width="${w}" height="${h}" role="img" aria-label="revenue per minute">`;
    [0, 0.5, 1].forEach((f) => {
      const y = (h - bottom - f * (h - bottom - 8)).toFixed(1);
      svg += `<line x1="${left}" x2="${w}" y1="${y}" y2="${y}" stroke="#e5e7eb"></line>` +
        `<text x="${left - 4}" y="${+y + 4}" text-anchor="end">${compact.format(max * f)}</text>`;
    });
    minutes.forEach((m, i) => {
      const x = left + i * (barW + barGap) + barGap / 2;
      let y = h - bottom;
      categories.forEach((c) => {
        const v = byMinute[m][c] || 0;
        if (!v) return;
        const bh = v / max * (h - bottom - 8);
        y -= bh;
        svg += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${bh.toFixed(1)}" ` +
          `fill="${color(c)}"><title>${new Date(m).toLocaleTimeString()} ${esc(c)}: ${v.toFixed(2)}</title></rect>`;
      });
      if (i % Math.max(1, Math.ceil(56 / (barW + barGap))) === 0) { // a time label every ~56 px
        svg += `<text x="${x}" y="${h - 6}">${new Date(m).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</text>`;
      }
    });
    if (!minutes.length) svg += `<text x="${left}" y="${h / 2}" class="muted">no revenue yet</text>`;
    svg += '</svg>';
    const chart = $('revenue-chart');
    chart.dataset.total = total.toFixed(2);
    chart.dataset.minutes = minutes.length;
    chart.innerHTML = svg + '<div class="legend">' + categories.map((c) =>
      `<span><i style="background:${color(c)}"></i>${esc(c)}</span>`).join('') +
      `<span><b>total ${total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</b></span></div>`;
    const cell = {};
    points.forEach((p) => { cell[p.category + '|' + p.region] = (cell[p.category + '|' + p.region] || 0) + p.revenue; });
    const cmax = Math.max(1, ...Object.values(cell));
    $('revenue-grid').innerHTML = '<table class="grid"><thead><tr><th></th>' + regions.map((r) => `<th>${esc(r)}</th>`).join('') +
      '</tr></thead><tbody>' + categories.map((c) => `<tr><th>${esc(c)}</th>` + regions.map((r) => {
        const v = cell[c + '|' + r] || 0;
        return `<td style="background:rgba(37,99,235,${(v / cmax * 0.6).toFixed(2)})">${Math.round(v).toLocaleString('en-US')}</td>`;
      }).join('') + '</tr>').join('') + '</tbody></table>';
  }

  // --- the query box ---------------------------------------------------------------------------------------------
  $('query-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('query-error');
    error.hidden = true;
    $('query-run').disabled = true;
    try {
      const response = await fetch('/live/query', { method: 'POST', body: $('query-text').value });
      const body = await response.json();
      if (body.error) {
        error.textContent = body.error;
        error.hidden = false;
        $('query-result').innerHTML = '';
        return;
      }
      $('query-result').innerHTML = `<p class="muted">${body.rows.length} row(s) in ${body.ms} ms` +
        (body.truncated ? `; only the first ${body.maxRows} are shown` : '') + '</p><table><thead><tr>' +
        body.columns.map((c) => `<th>${esc(c)}</th>`).join('') + '</tr></thead><tbody>' +
        body.rows.map((r) => '<tr>' + r.map((v) => `<td>${v === null ? '<span class="muted">null</span>'
          : esc(typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(12) : v)}</td>`)
          .join('') + '</tr>').join('') + '</tbody></table>';
    } catch (err) {
      error.textContent = 'The query could not be sent: ' + err.message;
      error.hidden = false;
    } finally {
      $('query-run').disabled = false;
    }
  });

  connect();
})();
