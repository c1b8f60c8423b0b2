// DeeTune's page: the pipelines' chains with live rates, the LB's services and backends, the firewall, recent events.
// Plain DOM code: every value from the API goes in as text (never as HTML). Live updates come over Server-Sent Events
// (api/v1/events/stream); the LB and firewall tables are read again every 2 s and after every event.
'use strict';

// Absolute, from the origin: a page opened as http://user:password@host/... must not hand its credentials to fetch
// (which refuses URLs with credentials); the browser sends the ones it logged in with.
const API = location.origin + location.pathname.replace(/\/ui\/.*$/, '/') + 'api/v1/';
const HISTORY = 60;          // seconds of rates kept for the charts
const COLORS = ['#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#c62828', '#00838f', '#5d4037'];
const state = { admin: false, last: new Map(), history: new Map(), pipelines: [] };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.substring(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch(API + path, Object.assign({ credentials: 'same-origin' }, options || {}));
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    // Not DeeTune's answer: e.g. the web server's own error page while the API is still starting.
    if (response.ok) throw new Error('the answer of ' + path + ' is not JSON');
  }
  if (!response.ok) {
    const e = body || {};
    throw new Error((e.error || response.status) + (e.field ? ' (' + e.field + ')' : '') + (e.detail ? ': ' + e.detail : ''));
  }
  return body;
}

function send(method, path, body) {
  const options = { method: method, headers: {} };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  return api(path, options);
}

/** Runs a write after the user confirmed it; shows a refusal. */
async function act(question, write) {
  if (!window.confirm(question)) return;
  try {
    await write();
  } catch (e) {
    window.alert('Refused: ' + e.message);
  }
  refreshPlugins();
}

function rate(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(2) + ' M' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' k' : n.toFixed(0);
}

// ---------------------------------------------------------------- pipelines

function stageTotal(stats) {
  return stats.continued + stats.passed + stats.dropped + stats.tx + stats.redirected + stats.aborted;
}

function renderPipelines() {
  const box = document.getElementById('pipelines');
  box.replaceChildren();
  if (state.pipelines.length === 0) {
    box.append(el('p', { class: 'muted' }, 'no pipeline'));
    return;
  }
  for (const p of state.pipelines) {
    const chain = el('div', { class: 'chain' });
    chain.append(el('span', { class: 'muted' }, (p.interfaces.length ? p.interfaces.join(', ') : 'no interface') + ' →'));
    p.chain.forEach((s, i) => {
      if (i > 0) chain.append(el('span', { class: 'arrow' }, '→'));
      const key = p.name + '/' + s.name;
      const r = state.last.get(key);
      chain.append(el('div', { class: 'stage', 'data-stage': s.name, 'data-pipeline': p.name },
          el('b', {}, s.name),
          el('span', { class: 'rate' }, r ? rate(r.pps) + ' pkt/s' : '– pkt/s'), el('br'),
          el('span', { class: 'packets muted' }, (r ? r.total : stageTotal(s.stats)) + ' packets'),
          el('br'), el('span', { class: 'muted' }, r && r.total > 0 ? verdictLine(r.stats) : '')));
    });
    const problems = Object.entries(p.problems || {}).map(([k, v]) => el('p', { class: 'error' }, k + ': ' + v));
    box.append(el('div', { id: 'pipeline-' + p.name },
        el('h3', {}, p.name + ' ', el('span', { class: 'muted' }, '(' + p.hook.toLowerCase().replace('_', '-') + ')')),
        chain, ...problems, chart(p)));
  }
}

function verdictLine(s) {
  return ['continued', 'passed', 'dropped', 'tx', 'redirected', 'aborted']
      .filter(k => s[k] > 0).map(k => k + ' ' + s[k]).join(' · ');
}

/** A small SVG chart: packets/s of each stage over the last minute. */
function chart(p) {
  const w = 480, h = 90, ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  let max = 1;
  p.chain.forEach(s => (state.history.get(p.name + '/' + s.name) || []).forEach(v => { max = Math.max(max, v); }));
  p.chain.forEach((s, i) => {
    const points = state.history.get(p.name + '/' + s.name) || [];
    if (points.length < 2) return;
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[i % COLORS.length]);
    line.setAttribute('points', points.map((v, x) =>
        ((HISTORY - points.length + x) * w / (HISTORY - 1)).toFixed(1) + ',' + (h - 4 - v * (h - 14) / max).toFixed(1)).join(' '));
    const title = document.createElementNS(ns, 'title');
    title.textContent = s.name;
    line.append(title);
    svg.append(line);
  });
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', 4);
  label.setAttribute('y', 12);
  label.setAttribute('font-size', 10);
  label.textContent = 'max ' + rate(max) + ' pkt/s · ' + p.chain.map((s, i) => s.name).join(', ');
  svg.append(label);
  return el('div', {}, svg);
}

function onCounters(data) {
  const now = Date.parse(data.time);
  for (const c of data.stages) {
    const key = c.pipeline + '/' + c.stage;
    const total = stageTotal(c.stats);
    const before = state.last.get(key);
    const pps = before && now > before.time ? Math.max(0, (total - before.total) * 1000 / (now - before.time)) : 0;
    state.last.set(key, { time: now, total: total, pps: pps, stats: c.stats });
    const h = state.history.get(key) || [];
    h.push(pps);
    while (h.length > HISTORY) h.shift();
    state.history.set(key, h);
  }
  renderPipelines();
}

async function refreshPipelines() {
  try {
    state.pipelines = await api('pipelines');
    renderPipelines();
  } catch (e) {
    document.getElementById('pipelines').replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

// ---------------------------------------------------------------- load balancer

function renderLb(stats) {
  const box = document.getElementById('lb');
  box.replaceChildren();
  if (stats.services.length === 0) box.append(el('p', { class: 'muted' }, 'no service'));
  for (const s of stats.services) {
    const v = s.service;
    const feedback = v.feedback && (v.feedback.agentPort > 0 || v.feedback.slowStartMillis > 0);
    const columns = ['backend', 'health', 'weight'].concat(feedback ? ['agent', 'effective weight', 'slow start'] : [],
        ['packets', 'bytes', 'new flows', 'active flows', '']);
    const table = el('table', {}, el('tr', {}, ...columns.map(t => el('th', {}, t))));
    for (const b of s.backends) {
      const endpoint = (b.backend.address.includes(':') ? '[' + b.backend.address + ']' : b.backend.address) + ':' + b.backend.port;
      const path = 'lb/services/' + encodeURIComponent(v.name) + '/backends/' + encodeURIComponent(endpoint);
      let control = null;
      if (state.admin) {
        control = b.backend.weight === 0
            ? el('button', { class: 'undrain', onclick: () => act('Give ' + endpoint + ' of ' + v.name + ' new flows again (weight 1)?',
                () => send('PUT', path + '/weight', { weight: 1 })) }, 'undrain')
            : el('button', { class: 'drain', onclick: () => act('Drain ' + endpoint + ' of ' + v.name + ' (no new flows)?',
                () => send('POST', path + '/drain')) }, 'drain');
      }
      table.append(el('tr', { 'data-backend': v.name + '/' + endpoint },
          el('td', {}, endpoint), el('td', { class: b.healthy ? 'up' : 'down' }, b.healthy ? 'up' : 'down'),
          el('td', { class: 'weight' }, b.backend.weight === 0 ? '0 (drained)' : b.backend.weight),
          ...(feedback ? [el('td', { class: 'agent' }, b.agent || '-'),
            el('td', { class: 'effective' }, String(Math.round(b.effectiveWeight * 100) / 100)),
            el('td', { class: 'slow-start' }, b.slowStartPercent < 100 ? b.slowStartPercent + ' %' : '-')] : []),
          el('td', {}, b.packets), el('td', {}, b.bytes), el('td', { class: 'new-flows' }, b.newFlows), el('td', {}, b.activeFlows),
          el('td', {}, control)));
    }
    const vip = v.vip.hostAddress || v.vip;
    box.append(el('div', { 'data-service': v.name },
        el('h3', {}, v.name + ' ', el('span', { class: 'muted' }, String(vip).replace(/^\//, '') + ':' + v.port + '/' + v.protocol.toLowerCase()
            + ' · ' + v.algorithm.toLowerCase().replace(/_/g, '-') + ' · ' + s.packets + ' packets · ' + s.activeFlows + ' active flows')),
        table));
  }
}

// ---------------------------------------------------------------- firewall

function renderFirewall(status, blocked) {
  const box = document.getElementById('firewall');
  box.replaceChildren();
  const policy = status.defaultPolicy.toLowerCase();
  const policyLine = el('p', {}, 'Default policy: ', el('b', { id: 'policy' }, policy));
  if (state.admin) {
    const other = policy === 'allow' ? 'deny' : 'allow';
    policyLine.append(' ', el('button', { id: 'policy-switch', onclick: () => act('Set the default policy to ' + other + '?',
        () => send('PUT', 'firewall/policy', { policy: other })) }, 'set ' + other));
  }
  box.append(policyLine);
  const rules = el('table', {}, el('tr', {}, ...['rule', 'origin', 'packets', 'bytes'].map(t => el('th', {}, t))));
  for (const r of status.rules) {
    rules.append(el('tr', {}, el('td', {}, r.rule), el('td', {}, r.origin),
        el('td', {}, r.hits ? r.hits.packets : 0), el('td', {}, r.hits ? r.hits.bytes : 0)));
  }
  box.append(el('h3', {}, 'Rules'), status.rules.length ? rules : el('p', { class: 'muted' }, 'no rule'));
  const list = el('table', { id: 'blocklist' }, el('tr', {}, ...['blocked', 'expires', 'packets', ''].map(t => el('th', {}, t))));
  for (const b of blocked) {
    list.append(el('tr', { 'data-blocked': b.cidr }, el('td', {}, b.cidr), el('td', {}, b.expiresAt || 'never'), el('td', {}, b.packets),
        el('td', {}, state.admin ? el('button', { class: 'unblock', onclick: () => act('Unblock ' + b.cidr + '?',
            () => send('DELETE', 'firewall/blocklist/' + encodeURIComponent(b.cidr.replace('/', '_')))) }, 'unblock') : null)));
  }
  box.append(el('h3', {}, 'Blocklist'), list);
  if (state.admin) {
    const cidr = el('input', { id: 'block-cidr', placeholder: 'address or CIDR', size: 20 });
    const ttl = el('input', { id: 'block-ttl', placeholder: 'seconds (empty: until unblocked)', size: 26 });
    box.append(el('p', {}, cidr, ' ', ttl, ' ', el('button', { id: 'block-add', onclick: () => act('Block ' + cidr.value + '?',
        () => send('POST', 'firewall/blocklist', ttl.value ? { cidr: cidr.value, ttlSeconds: Number(ttl.value) } : { cidr: cidr.value })) }, 'block')));
  }
}

async function refreshPlugins() {
  try {
    renderLb(await api('lb/stats'));
  } catch (e) {
    document.getElementById('lb').replaceChildren(el('p', { class: 'muted' }, 'no load balancer (' + e.message + ')'));
  }
  try {
    renderFirewall(await api('firewall'), await api('firewall/blocklist'));
  } catch (e) {
    document.getElementById('firewall').replaceChildren(el('p', { class: 'muted' }, 'no firewall (' + e.message + ')'));
  }
}

// ---------------------------------------------------------------- events

function showEvents(events) {
  const list = document.getElementById('events');
  list.replaceChildren();
  if (events.length === 0) list.append(el('li', { class: 'muted' }, 'none yet'));
  for (const e of events.slice().reverse().slice(0, 30)) {
    list.append(el('li', {}, e.time + ' ' + e.topic + ' ' + Object.entries(e.properties).map(([k, v]) => k + '=' + v).join(' ')));
  }
}

function connect() {
  const live = document.getElementById('live');
  const source = new EventSource(API + 'events/stream');
  const events = [];
  source.addEventListener('hello', m => { JSON.parse(m.data).recent.forEach(e => events.push(e)); showEvents(events); });
  source.addEventListener('counters', m => { live.textContent = 'live'; live.className = 'badge on'; onCounters(JSON.parse(m.data)); });
  source.addEventListener('event', m => { events.push(JSON.parse(m.data)); showEvents(events); refreshPlugins(); });
  source.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'badge'; };
}

async function start() {
  const session = await api('session');
  state.admin = session.roles.includes('admin');
  document.getElementById('who').textContent = session.user + (state.admin ? ' (admin)' : ' (viewer: read only)');
  await refreshPipelines();
  await refreshPlugins();
  connect();
  setInterval(refreshPipelines, 5000);
  setInterval(refreshPlugins, 2000);
}

/** Starts the page; while DeeTune cannot answer yet (Karaf starting, the API not registered), tries again. */
function startWhenReady() {
  start().then(() => {
    const error = document.getElementById('start-error');
    if (error) error.remove();
  }).catch(e => {
    let error = document.getElementById('start-error');
    if (!error) {
      error = el('p', { class: 'error', id: 'start-error' });
      document.body.append(error);
    }
    error.textContent = 'DeeTune: ' + e.message + ' (trying again)';
    setTimeout(startWhenReady, 2000);
  });
}

startWhenReady();
