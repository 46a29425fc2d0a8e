// StreamHub operator page: polls /admin every second with the admin key kept in sessionStorage.
'use strict';

(() => {
  const KEY = 'streamhub.adminKey';
  const HISTORY = 120;
  const history = [];
  let timer = null;
  let busy = false;

  const $ = (id) => document.getElementById(id);

  function key() { return sessionStorage.getItem(KEY); }

  async function call(method, path) {
    const response = await fetch(path, { method, headers: { Authorization: 'Bearer ' + key() }, cache: 'no-store' });
    if (response.status === 401 || response.status === 403) {
      throw Object.assign(new Error(response.status === 401 ? 'the key was not accepted (401)' : 'that key is not the admin key (403)'), { auth: true });
    }
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      throw new Error(`${method} ${path}: ${detail}`);
    }
    return response.status === 204 ? null : response.json();
  }

  function status(text, error) {
    const el = $('status');
    el.textContent = text;
    el.classList.toggle('error', !!error);
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function button(parent, label, action, danger) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (danger) b.className = 'danger';
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await action(); await refresh(); } catch (e) { status(e.message, true); } finally { b.disabled = false; }
    });
    parent.appendChild(b);
  }

  const ms = (p) => p.count === 0 ? '–' : `${Math.round(p.p50)} / ${Math.round(p.p95)} / ${Math.round(p.p99)}`;

  function renderStats(s) {
    $('instance').textContent = `${s.instance.machineName} · ${s.instance.instanceId}`;
    $('active-streams').textContent = s.pool.activeStreams;
    $('pool').textContent = `${s.pool.active} / ${s.pool.size}`;
    $('utilization').textContent = `${Math.round(s.pool.utilization * 100)}%`;
    $('queued').textContent = s.queues.total;
    $('backpressure').textContent = s.pool.backpressure ? 'ON' : 'off';
    $('tps').textContent = s.tokensPerSecond;
    $('ttft').textContent = ms(s.timeToFirstTokenMs);
    $('duration').textContent = ms(s.durationMs);
    for (const tier of ['critical', 'high', 'normal', 'low']) $('q-' + tier).textContent = s.queues[tier];

    const totals = $('totals');
    totals.replaceChildren();
    const add = (name, value) => {
      const dt = document.createElement('dt'); dt.textContent = name;
      const dd = document.createElement('dd'); dd.textContent = value;
      totals.append(dt, dd);
    };
    add('admitted', s.totals.admitted);
    add('completed', s.totals.completed);
    add('canceled', s.totals.canceled);
    add('tokens', s.totals.tokens);
    add('failed', Object.entries(s.totals.failed).map(([c, n]) => `${c} ${n}`).join(', ') || '0');
    add('rejected', Object.entries(s.totals.rejected).map(([c, n]) => `${c} ${n}`).join(', ') || '0');

    const tenants = $('tenants');
    tenants.replaceChildren();
    for (const t of s.tenants) {
      const row = document.createElement('tr');
      cell(row, t.tenant); cell(row, t.requests); cell(row, t.totalTokens); cell(row, t.cost.toFixed(6));
      tenants.appendChild(row);
    }

    history.push({ active: s.pool.activeStreams, queued: s.queues.total });
    if (history.length > HISTORY) history.shift();
    drawChart();
  }

  function renderRegions(regions) {
    const body = $('regions');
    body.replaceChildren();
    for (const r of regions) {
      const row = document.createElement('tr');
      cell(row, r.name);
      cell(row, r.state, 'state-' + r.state);
      cell(row, r.activeStreams);
      cell(row, `${r.consecutiveFailures} (${r.failures} total)`);
      cell(row, r.timeToFirstTokenEwmaMs ?? '–');
      cell(row, r.lastError ?? '');
      const actions = cell(row, '');
      const name = encodeURIComponent(r.name);
      button(actions, 'Reset', () => call('POST', `/admin/regions/${name}/reset`));
      if (r.disabled) button(actions, 'Enable', () => call('POST', `/admin/regions/${name}/enable`));
      else button(actions, 'Drain', () => call('POST', `/admin/regions/${name}/disable`), true);
      body.appendChild(row);
    }
  }

  const price = (r) => r.pricedAs === null ? '–'
    : `${r.inputPerMillion} / ${r.cachedInputPerMillion ?? r.inputPerMillion} / ${r.outputPerMillion}` + (r.pricedAs === r.upstreamModel ? '' : ` (as ${r.pricedAs})`);

  function renderModels(catalog) {
    $('any-name').textContent = catalog.anyNameRegions.length
      ? `Any other name goes as asked to: ${catalog.anyNameRegions.join(', ')}. Default model: ${catalog.defaultModel}.`
      : `Default model: ${catalog.defaultModel}.`;
    const body = $('models');
    body.replaceChildren();
    for (const m of catalog.models) {
      m.regions.forEach((r, i) => {
        const row = document.createElement('tr');
        cell(row, i === 0 ? m.name : '');
        cell(row, r.region);
        cell(row, r.upstreamModel);
        cell(row, r.priority);
        cell(row, r.weight);
        cell(row, r.state, 'state-' + r.state);
        cell(row, price(r));
        cell(row, i === 0 ? m.fallbacks.join(' → ') : '');
        body.appendChild(row);
      });
    }
  }

  function renderRequests(requests) {
    const body = $('requests');
    body.replaceChildren();
    for (const r of requests) {
      const row = document.createElement('tr');
      cell(row, r.id);
      cell(row, r.tenant);
      cell(row, r.effectivePriority && r.effectivePriority !== r.priority ? `${r.priority} → ${r.effectivePriority}` : r.priority);
      cell(row, r.queuePosition ? `${r.state} #${r.queuePosition}` : r.state);
      cell(row, (r.ageMs / 1000).toFixed(1));
      cell(row, r.region ?? '');
      cell(row, r.tokens);
      const actions = cell(row, '');
      button(actions, 'Abort', () => call('DELETE', `/admin/requests/${encodeURIComponent(r.id)}`), true);
      body.appendChild(row);
    }
  }

  function drawChart() {
    const canvas = $('chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const g = canvas.getContext('2d');
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    const max = Math.max(1, ...history.map((h) => Math.max(h.active, h.queued)));
    const pad = 20;
    g.strokeStyle = '#26313c';
    g.fillStyle = '#8a96a3';
    g.font = '11px system-ui, sans-serif';
    g.beginPath(); g.moveTo(pad, pad); g.lineTo(pad, height - pad); g.lineTo(width - 4, height - pad); g.stroke();
    g.fillText(String(max), 2, pad + 4);
    g.fillText('0', 8, height - pad + 4);
    const x = (i) => pad + ((width - pad - 4) * i) / (HISTORY - 1);
    const y = (v) => height - pad - ((height - 2 * pad) * v) / max;
    for (const [field, color] of [['queued', '#f5a623'], ['active', '#4fb3ff']]) {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      const offset = HISTORY - history.length;
      history.forEach((h, i) => (i === 0 ? g.moveTo(x(i + offset), y(h[field])) : g.lineTo(x(i + offset), y(h[field]))));
      g.stroke();
    }
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [stats, regions, requests, models] = await Promise.all([
        call('GET', '/admin/stats'), call('GET', '/admin/regions'), call('GET', '/admin/requests'), call('GET', '/admin/models')]);
      renderStats(stats);
      renderRegions(regions);
      renderRequests(requests);
      renderModels(models);
      status('updated ' + new Date().toLocaleTimeString());
    } catch (e) {
      status(e.message, true);
      if (e.auth) signOut(e.message);
    } finally {
      busy = false;
    }
  }

  function signIn() {
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('signout').hidden = false;
    refresh();
    timer = setInterval(refresh, 1000);
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    clearInterval(timer);
    $('dashboard').hidden = true;
    $('signout').hidden = true;
    $('login').hidden = false;
    status(message || '', !!message);
  }

  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    signIn();
  });
  $('signout').addEventListener('click', () => signOut());
  if (key()) signIn();
})();
