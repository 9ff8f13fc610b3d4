/*
 * app.js — Tenure's dashboard: a hash-routed single page (no framework, no
 * build step) over the JSON API of `tenure serve`, drawn with Chart.js.
 *
 *   #/portfolio      KPIs, risk tiers, plan × industry heatmap, propensity quadrant
 *   #/survival       Kaplan-Meier curves, smoothed hazard, correlation check
 *   #/queue?…        the work queue (GET /customers): search, sort, filter, page
 *   #/account/{id}   the Customer 360 (GET /customers/{id}), headed by the account's
 *                    name, owner, renewal and CRM id
 *   #/models         ROC, calibration and mean |SHAP| of both models
 *
 * Report mode: when the page carries <script id="tenure-data"> (written by
 * `tenure report`), Portfolio, Survival and Models are drawn from it with no
 * request at all, by the same functions; the queue and accounts are hidden.
 *
 * Sections: 1 constants · 2 formatting · 3 DOM helpers · 4 data access ·
 * 5 chart helpers · 6 view frame and states · 7 portfolio · 8 survival ·
 * 9 models · 10 work queue · 11 account · 12 router and start-up.
 */
'use strict';

/* ---- 1. Constants ---- */

const TIERS = ['low', 'medium', 'high', 'critical'];
const TIER_COLOURS = {low: '#16a34a', medium: '#d97706', high: '#ea580c', critical: '#dc2626'};
const PLAN_TIERS = ['starter', 'growth', 'enterprise'];
const PLAN_COLOURS = {starter: '#2563eb', growth: '#7c3aed', enterprise: '#0f766e'};
const BUCKET_COLOURS = ['#dc2626', '#d97706', '#0284c7', '#1e3a8a'];
const QUADRANT_COLOURS = {
  'Growth Engine': '#0d9488', 'Flight Risk': '#9333ea',
  'Retention Priority': '#dc2626', 'Stable Base': '#94a3b8',
};
const ACCENT = '#2563eb';
const GREY = '#94a3b8';
const RAISES = '#dc2626';
const LOWERS = '#2563eb';
const SORT_KEYS = {
  churn_probability: 'Churn probability',
  arr_at_risk: 'ARR at risk',
  upgrade_propensity: 'Upgrade propensity',
};
const PAGE_SIZE = 20;
const SEARCH_MAX = 100; /* bytes: the API's limit on q */
const KEY_STORAGE = 'tenure.apiKey';
const NBSP = '\u00a0';

/* ---- 2. Formatting ---- */

function isNum(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

function fmtInt(n) {
  return isNum(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/* $812, $48.3K, $812K, $1.2M, $122M */
function fmtMoney(n) {
  if (!isNum(n)) return '—';
  const sign = n < 0 ? '−$' : '$';
  let a = Math.abs(n);
  if (Math.round(a) < 1000) return sign + Math.round(a);
  for (const unit of ['K', 'M', 'B', 'T']) {
    a /= 1000;
    const text = a >= 99.95 ? String(Math.round(a)) : a.toFixed(1);
    if (Number(text) < 1000 || unit === 'T') return sign + text + unit;
  }
  return sign + a;
}

function fmtMoneyFull(n) {
  return isNum(n) ? '$' + fmtInt(n) : '—';
}

function fmtPct(p, digits = 1) {
  return isNum(p) ? (p * 100).toFixed(digits) + NBSP + '%' : '—';
}

function fmtDec(x, digits = 3) {
  return isNum(x) ? x.toFixed(digits) : '—';
}

function fmtP(p) {
  if (!isNum(p)) return '';
  return p < 0.001 ? 'p < 0.001' : 'p = ' + p.toPrecision(2);
}

function fmtRatio(x) {
  return (x >= 10 ? Math.round(x) : x.toFixed(1)) + '×';
}

function human(name) {
  return String(name).replace(/_/g, ' ');
}

function cap(s) {
  s = String(s == null ? '' : s);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function parseDay(iso) {
  const [y, m, d] = String(iso).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function addDays(date, days) {
  return new Date(date.getTime() + days * 86400000);
}

function fmtDate(iso) {
  if (!iso) return '—';
  const d = iso instanceof Date ? iso : parseDay(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleDateString('en-US', {timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric'});
}

/* "in 19 days", "today", "3 days ago" */
function fmtDaysFromNow(days) {
  if (!isNum(days)) return '';
  if (days === 0) return 'today';
  const n = plural(Math.abs(days), 'day');
  return days > 0 ? 'in ' + n : n + ' ago';
}

function fmtShortDate(d) {
  return d.toLocaleDateString('en-US', {timeZone: 'UTC', month: 'short', day: 'numeric'});
}

function bucketLabel(group) {
  return group + ' integration' + (group === '1' ? '' : 's');
}

/* ---- 3. DOM helpers ---- */

/* h('div', {class: 'card', 'data-testid': 'x', onclick: fn}, child, 'text', [more]) */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function badge(tier, text) {
  return h('span', {class: 'badge tier-' + tier, 'data-tier': tier}, text || cap(tier));
}

/* Upgrade propensity tiers: high is good news, so they get the accent, not the risk colours. */
function propensityBadge(tier) {
  const name = tier === 'critical' ? 'Very high' : cap(tier);
  return h('span', {class: 'badge propensity-' + tier, 'data-tier': tier}, name + ' propensity');
}

function plural(n, word) {
  return fmtInt(n) + ' ' + word + (n === 1 ? '' : 's');
}

/* Text with `code` spans, for messages that name a command. */
function withCode(text) {
  return String(text).split('`').map((part, i) => (i % 2 ? h('code', null, part) : part));
}

function sectionTitle(title, subtitle) {
  return h('div', {class: 'view-head'}, h('h1', null, title), subtitle ? h('p', {class: 'muted'}, subtitle) : null);
}

function statCard(testid, label, value, raw, sub) {
  return h('div', {class: 'card kpi', 'data-testid': testid},
    h('div', {class: 'kpi-label'}, label),
    h('div', {class: 'kpi-value', 'data-testid': testid + '-value', 'data-value': isNum(raw) ? String(raw) : null}, value),
    sub ? h('div', {class: 'kpi-sub'}, sub) : null);
}

function definitionList(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

function table(testid, headers, rows, empty) {
  if (!rows.length) return h('p', {class: 'muted', 'data-testid': testid + '-empty'}, empty);
  return h('div', {class: 'table-wrap'},
    h('table', {'data-testid': testid},
      h('thead', null, h('tr', null, headers.map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((c) => h('td', null, c)))))));
}

/* ---- 4. Data access ---- */

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

class NetworkError extends Error {}

/* The data embedded by `tenure report`, or null when served by `tenure serve`. */
const REPORT = readReportData();

function readReportData() {
  const node = document.getElementById('tenure-data');
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch (err) {
    return {broken: err.message};
  }
}

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch (err) {
    return null;
  }
}

function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch (err) {
    /* storage disabled: the key lasts until the next 401 */
  }
}

/* fetch + JSON + the API's error shape; path is relative to the page. */
async function api(path, options = {}) {
  const headers = Object.assign({Accept: 'application/json'}, options.headers || {});
  const key = storedKey();
  if (key) headers.Authorization = 'Bearer ' + key;
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, {headers}));
  } catch (err) {
    throw new NetworkError(err.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    if (response.ok) throw new ApiError(response.status, 'bad_response', 'the server answered something that is not JSON');
  }
  if (!response.ok) {
    const e = (body && body.error) || {};
    throw new ApiError(response.status, e.code || 'http_' + response.status, e.message || response.statusText);
  }
  return body;
}

/* Portfolio, survival and models: from the report when there is one, else the server. */
function loadAnalytics(name) {
  if (!REPORT) return api('analytics/' + name);
  if (REPORT.broken) return Promise.reject(new ApiError(0, 'bad_report', 'the embedded data cannot be read: ' + REPORT.broken));
  const data = REPORT[name];
  if (data && data.error) return Promise.reject(new ApiError(503, data.error.code, data.error.message));
  if (!data) return Promise.reject(new ApiError(503, 'analysis_missing', 'this report carries no ' + name + ' data'));
  return Promise.resolve(data);
}

/* ---- 5. Chart helpers ---- */

let liveCharts = [];

function setupCharts() {
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#475569';
  Chart.defaults.borderColor = '#e2e8f0';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.filter = (item, data) => !data.datasets[item.datasetIndex].band;
  Chart.defaults.plugins.tooltip.filter = (item) => !item.dataset.band;
  Chart.register(guideLines);
}

/* Straight reference lines: options.plugins.guideLines.lines = [{axis: 'x'|'y', value, label, colour, bottom}]
 * (an x line's label goes at the top of the chart, or at its foot with bottom: true). */
const guideLines = {
  id: 'guideLines',
  afterDatasetsDraw(chart, args, options) {
    const {ctx, chartArea: area} = chart;
    for (const line of (options && options.lines) || []) {
      const scale = chart.scales[line.axis];
      if (!scale) continue;
      const at = scale.getPixelForValue(line.value);
      ctx.save();
      ctx.strokeStyle = line.colour || '#64748b';
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      if (line.axis === 'x') {
        ctx.moveTo(at, area.top);
        ctx.lineTo(at, area.bottom);
      } else {
        ctx.moveTo(area.left, at);
        ctx.lineTo(area.right, at);
      }
      ctx.stroke();
      if (line.label) {
        ctx.fillStyle = line.colour || '#64748b';
        ctx.font = '11px ' + Chart.defaults.font.family;
        const leftOfLine = line.axis === 'x' && at - area.left > 50;
        ctx.textAlign = leftOfLine ? 'right' : 'left';
        if (line.axis === 'x') ctx.fillText(line.label, leftOfLine ? at - 4 : at + 4, line.bottom ? area.bottom - 6 : area.top + 12);
        else ctx.fillText(line.label, area.left + 4, at - 4);
      }
      ctx.restore();
    }
  },
};

function makeChart(canvas, config) {
  const chart = new Chart(canvas, config);
  liveCharts.push(chart);
  return chart;
}

function destroyCharts() {
  for (const chart of liveCharts) chart.destroy();
  liveCharts = [];
}

/* A card with a title, a one-line takeaway and a canvas of the given height. */
function chartCard(testid, title, takeaway, height, extra) {
  const canvas = h('canvas', {'data-testid': testid, role: 'img', 'aria-label': title + '. ' + takeaway});
  const card = h('section', {class: 'card chart-card', 'data-testid': testid + '-card'},
    h('h2', null, title),
    h('p', {class: 'takeaway', 'data-testid': 'takeaway'}, takeaway),
    h('div', {class: 'chart-box', style: 'height:' + (height || 300) + 'px'}, canvas),
    extra || null);
  return {card, canvas};
}

/* Category tick callback: long labels wrap onto lines of ≤ 16 characters on narrow charts. */
function wrapTick(value) {
  const label = String(this.getLabelForValue(value));
  const limit = this.chart.width < 480 ? 16 : 40;
  if (label.length <= limit) return label;
  const lines = [''];
  for (const word of label.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && (lines[last] + ' ' + word).length > limit) lines.push(word);
    else lines[last] = lines[last] ? lines[last] + ' ' + word : word;
  }
  return lines;
}

/* Category tick callback for dense charts: long labels are cut to fit (the tooltip has them whole). */
function cutTick(value) {
  const label = String(this.getLabelForValue(value));
  const limit = Math.max(12, Math.min(40, Math.floor(this.chart.width / 12)));
  return label.length <= limit ? label : label.slice(0, limit - 1) + '…';
}

function axis(title, extra) {
  return Object.assign({title: {display: true, text: title}}, extra || {});
}

function pctAxis(title, extra) {
  return axis(title, Object.assign({ticks: {callback: (v) => fmtPct(v, 0)}}, extra || {}));
}

function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
}

function diagonal(max, label) {
  return {
    label, reference: true, data: [{x: 0, y: 0}, {x: max, y: max}],
    borderColor: GREY, borderDash: [5, 5], borderWidth: 1, pointRadius: 0, fill: false,
  };
}

/* ---- 6. View frame and states ---- */

const view = document.getElementById('view');
let viewSeq = 0;

/* Adds children to the view (null and false are skipped). */
function show(...children) {
  return append(view, children);
}

/* Clear the view for a new route: charts gone, "Loading…" shown. Returns its sequence number. */
function startView(route) {
  destroyCharts();
  view.dataset.route = route;
  view.dataset.state = 'loading';
  view.replaceChildren(h('p', {class: 'state', 'data-testid': 'loading'}, 'Loading…'));
  return ++viewSeq;
}

/* Load, then draw; stale answers (the user moved on) are dropped. */
async function runView(route, title, load, draw, describe) {
  const seq = startView(route);
  document.title = title + ' · Tenure';
  let data;
  try {
    data = await load();
  } catch (err) {
    if (seq === viewSeq) showFailure(err, describe);
    return;
  }
  if (seq !== viewSeq) return;
  view.replaceChildren();
  try {
    draw(data);
    view.dataset.state = 'ready';
  } catch (err) {
    destroyCharts();
    showBanner('error', 'This view could not be drawn: ' + err.message, true);
    console.error(err);
  }
}

function showFailure(err, describe) {
  destroyCharts();
  if (err instanceof ApiError && err.status === 401 && !REPORT) {
    showKeyForm();
    return;
  }
  showBanner('error', (describe && describe(err)) || describeError(err), true);
}

function describeError(err) {
  if (err instanceof NetworkError) return 'Cannot reach the Tenure server. Is `tenure serve` running? (' + err.message + ')';
  if (err instanceof ApiError) {
    if (err.code === 'not_ready') return 'The Tenure server has no data loaded yet: ' + err.message;
    return 'The server answered ' + (err.status || '') + ' ' + err.code + ': ' + err.message;
  }
  return String(err && err.message ? err.message : err);
}

function showBanner(kind, text, retry) {
  view.replaceChildren(h('div', {class: 'banner ' + kind, role: 'alert', 'data-testid': 'error-banner'},
    h('p', null, withCode(text)),
    retry && !REPORT ? h('button', {type: 'button', class: 'button', onclick: () => route()}, 'Retry') : null));
  view.dataset.state = 'error';
}

/* The API key prompt (401): the key lives in sessionStorage for this tab only. */
function showKeyForm() {
  const refused = Boolean(storedKey());
  storeKey(null);
  const input = h('input', {type: 'password', name: 'key', required: true, autocomplete: 'off', 'data-testid': 'auth-key', 'aria-label': 'API key'});
  const form = h('form', {class: 'card auth', 'data-testid': 'auth-form'},
    h('h1', null, 'API key needed'),
    h('p', null, 'This Tenure server asks for an API key. It is kept in this browser tab only.'),
    refused ? h('p', {class: 'banner error', 'data-testid': 'auth-refused'}, 'The server refused that key; check it and try again.') : null,
    h('label', null, 'API key ', input),
    h('button', {type: 'submit', class: 'button primary', 'data-testid': 'auth-submit'}, 'Continue'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    storeKey(input.value.trim());
    route();
  });
  view.replaceChildren(form);
  view.dataset.state = 'auth';
  input.focus();
}

/* ---- 7. Portfolio ---- */

function drawPortfolio(p) {
  show(
    sectionTitle('Portfolio', 'As of ' + fmtDate(p.as_of) + ' · ' + fmtInt(p.active) + ' active customers'),
    portfolioKpis(p),
    forecastCard(p.forecast),
    whatIfCard(),
    h('div', {class: 'grid split'}, riskTierCard(p), heatmapCard(p)),
    quadrantCard(p));
}

function portfolioKpis(p) {
  return h('div', {class: 'kpis', 'data-testid': 'kpis'},
    statCard('kpi-customers', 'Customers', fmtInt(p.customers), p.customers, fmtInt(p.churned) + ' churned to date'),
    statCard('kpi-active', 'Active', fmtInt(p.active), p.active, 'at ' + fmtDate(p.as_of)),
    statCard('kpi-churn-rate', 'Churn rate', fmtPct(p.churn_rate), p.churn_rate, 'of all customers ever'),
    statCard('kpi-arr', 'ARR', fmtMoney(p.arr), p.arr, 'MRR ' + fmtMoney(p.mrr)),
    statCard('kpi-arr-at-risk', 'ARR at risk', fmtMoney(p.arr_at_risk), p.arr_at_risk,
      fmtPct(p.arr_at_risk / p.arr) + ' of ARR · Σ ARR × churn probability'),
    statCard('kpi-expansion-pipeline', 'Expansion pipeline', fmtMoney(p.expansion_pipeline), p.expansion_pipeline,
      fmtInt(p.expansion_candidates) + ' candidates · Σ expected uplift'));
}

/* The next 90 days: churned accounts and ARR, expansion and retention, with their intervals. */
function forecastCard(f) {
  if (!f) return null;
  const range = (pair, fmt) => (pair && isNum(pair[0]) ? fmt(pair[0]) + ' – ' + fmt(pair[1]) : '—');
  const row = (testid, label, interval, fmt) => h('tr', {'data-testid': 'forecast-' + testid},
    h('th', {scope: 'row'}, label),
    h('td', {class: 'num', 'data-testid': 'forecast-' + testid + '-expected', 'data-value': isNum(interval.expected) ? String(interval.expected) : null}, fmt(interval.expected)),
    h('td', {class: 'num', 'data-testid': 'forecast-' + testid + '-p80'}, interval.p80 ? range(interval.p80, fmt) : '—'),
    h('td', {class: 'num', 'data-testid': 'forecast-' + testid + '-p95'}, interval.p95 ? range(interval.p95, fmt) : '—'));
  const logos = (n) => fmtInt(n);
  const decimals = (n) => (isNum(n) ? n.toFixed(1) : '—');
  return h('section', {class: 'card', 'data-testid': 'forecast'},
    h('h2', null, 'The next ' + f.horizon_days + ' days'),
    h('p', {class: 'muted small'}, 'From the calibrated churn probabilities of the ' + fmtInt(f.accounts) +
      ' active accounts, taken as independent. The 80 % interval should hold the outcome four quarters in five; ' +
      'expansion counts at its expected value. tenure backtest shows how often these intervals held in the past.'),
    h('div', {class: 'table-wrap'}, h('table', {'data-testid': 'forecast-table'},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, ''), h('th', {scope: 'col', class: 'num'}, 'Expected'),
        h('th', {scope: 'col', class: 'num'}, '80 % interval'), h('th', {scope: 'col', class: 'num'}, '95 % interval'))),
      h('tbody', null,
        row('churned-logos', 'Accounts churning', f.churned_logos, (n) => (Number.isInteger(n) ? logos(n) : decimals(n))),
        row('churned-arr', 'ARR churning', f.churned_arr, fmtMoney),
        row('expansion-arr', 'Expansion ARR', f.expansion_arr, fmtMoney),
        row('grr', 'Gross revenue retention', f.gross_revenue_retention, (x) => fmtPct(x)),
        row('nrr', 'Net revenue retention', f.net_revenue_retention, (x) => fmtPct(x))))),
    forecastCoverage(f.backtest));
}

/* "If we reach the top N accounts and save X % of them": GET /analytics/interventions, on the server. */
function whatIfCard() {
  const card = h('section', {class: 'card', 'data-testid': 'what-if'}, h('h2', null, 'Where a CSM hour is worth most'));
  if (REPORT) {
    card.append(h('p', {class: 'muted small', 'data-testid': 'what-if-offline'},
      'The what-if asks the server: open this view in the dashboard of tenure serve.'));
    return card;
  }
  const accounts = h('input', {type: 'number', min: 1, max: 1000000, step: 1, value: 20, 'data-testid': 'what-if-accounts', 'aria-label': 'Accounts reached'});
  const rate = h('input', {type: 'number', min: 1, max: 100, step: 1, placeholder: 'plan', 'data-testid': 'what-if-rate', 'aria-label': 'Save rate, percent'});
  const answer = h('div', {'data-testid': 'what-if-answer', 'aria-live': 'polite'});
  card.append(
    h('p', {class: 'muted small'}, 'Accounts ranked by the ARR a retention effort is expected to save per CSM hour: churn probability × ARR × save rate ÷ the hours the account\'s tier takes. Leave the rate empty for the plan\'s rate per tier (tenure serve --save-rate, --csm-hours).'),
    h('div', {class: 'controls'}, h('label', null, 'Reach the top ', accounts, ' accounts'), h('label', null, ' and save ', rate, ' % of those who would churn')),
    answer);
  let timer = null, asked = 0;
  const ask = async () => {
    const n = Math.max(1, Math.round(Number(accounts.value) || 20));
    const pct = Number(rate.value);
    const query = 'accounts=' + n + (rate.value !== '' && pct > 0 && pct <= 100 ? '&save_rate=' + pct / 100 : '');
    const mine = ++asked;
    try {
      const w = await api('analytics/interventions?' + query);
      if (mine === asked) answer.replaceChildren(...whatIfAnswer(w));
    } catch (err) {
      if (mine === asked) answer.replaceChildren(h('p', {class: 'banner error', 'data-testid': 'what-if-error'}, err.message));
    }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(ask, 250); };
  accounts.addEventListener('input', later);
  rate.addEventListener('input', later);
  ask();
  return card;
}

function whatIfAnswer(w) {
  const rate = typeof w.save_rate === 'number' ? fmtPct(w.save_rate, 0) : 'the plan\'s rate per tier';
  const rows = w.accounts_listed.slice(0, 10).map((r) => [
    h('a', {href: '#/account/' + encodeURIComponent(r.customer.customer_id)}, r.customer.name || r.customer.customer_id),
    r.customer.plan_tier, fmtMoney(r.customer.arr_at_risk), fmtDec(r.hours, 1), fmtMoney(r.expected_arr_saved), fmtMoney(r.arr_saved_per_hour)]);
  return [
    h('p', {class: 'what-if-sentence', 'data-testid': 'what-if-sentence', 'data-value': String(w.expected_arr_saved)},
      'If we reach the top ' + fmtInt(w.accounts) + ' accounts and save ' + rate + ' of those who would churn, we keep ' +
      fmtMoney(w.expected_arr_saved) + ' ARR, for ' + fmtInt(w.hours) + ' CSM hours (' + fmtPct(w.share_of_arr_at_risk) + ' of the ARR at risk reached).'),
    table('what-if-table', ['Account', 'Tier', 'ARR at risk', 'Hours', 'ARR saved', 'Per hour'], rows, 'No active accounts.'),
  ];
}

/* How often the intervals held on the backtest's dates, in words. */
function forecastCoverage(b) {
  if (!b) {
    return h('p', {class: 'muted small', 'data-testid': 'forecast-coverage'},
      'How often such intervals held in the past: run tenure backtest to find out.');
  }
  const held = (m, level) => fmtInt(b[m][level].within) + ' of ' + fmtInt(b.dates);
  const low = b.dates >= 5 && (b.churned_logos.p80.share < 0.8 || b.churned_arr.p80.share < 0.8);
  return h('p', {class: low ? 'banner warn small' : 'muted small', 'data-testid': 'forecast-coverage'},
    'In the backtest (' + fmtInt(b.dates) + ' dates, ' + fmtDate(b.from) + ' to ' + fmtDate(b.to) + '), the 80 % interval held the accounts that churned on ' +
    held('churned_logos', 'p80') + ' dates and the churned ARR on ' + held('churned_arr', 'p80') + ' (the 95 % interval: ' +
    held('churned_logos', 'p95') + ' and ' + held('churned_arr', 'p95') + ').' +
    (b.dates < 5 ? ' ' + fmtInt(b.dates) + ' dates say little either way; a longer backtest says more.'
      : low ? ' That is less often than 80 % promises: read the intervals as too narrow.' : ''));
}

/* "5.4 % – 10.8 %": where a tier's probabilities lie, from the cut-offs the answers carry. */
function tierRange(cuts, tier) {
  if (!cuts) return '';
  const from = {low: 0, medium: cuts.medium, high: cuts.high, critical: cuts.critical}[tier];
  const to = {low: cuts.medium, medium: cuts.high, high: cuts.critical, critical: null}[tier];
  return to === null ? fmtPct(from) + ' and above' : tier === 'low' ? 'below ' + fmtPct(to) : fmtPct(from) + ' – ' + fmtPct(to);
}

/* What the cut-offs are relative to. */
function tierBasis(cuts) {
  if (!cuts) return null;
  const text = cuts.basis === 'base_rate'
    ? 'Tiers are read against the base rate, ' + fmtPct(cuts.base_rate) + ' (the 90-day churn rate of the model\'s test period): medium from ' +
      cuts.multiples.medium + '×, high from ' + cuts.multiples.high + '×, critical from ' + cuts.multiples.critical + '× it, so nothing above the base rate is low.'
    : 'Tiers at fixed cut-offs: medium from 25 %, high from 50 %, critical from 75 %.';
  return h('p', {class: 'muted small', 'data-testid': 'risk-tier-basis'}, text);
}

function riskTierCard(p) {
  const tiers = TIERS.map((t) => p.risk_tiers.find((r) => r.tier === t) || {tier: t, customers: 0, arr: 0, arr_at_risk: 0});
  const sum = (key) => tiers.reduce((s, r) => s + r[key], 0);
  const totals = {customers: sum('customers'), arr: sum('arr'), arr_at_risk: sum('arr_at_risk')};
  const share = (r, key) => (totals[key] ? r[key] / totals[key] : 0);
  const hot = tiers.filter((r) => r.tier === 'high' || r.tier === 'critical');
  const hotCustomers = hot.reduce((s, r) => s + r.customers, 0);
  const hotRisk = hot.reduce((s, r) => s + r.arr_at_risk, 0);
  const takeaway = 'High and critical: ' + fmtPct(hotCustomers / totals.customers) + ' of customers but ' +
    fmtPct(hotRisk / totals.arr_at_risk) + ' of ARR at risk (' + fmtMoney(hotRisk) + ').';
  const cuts = p.tiers && p.tiers.churn_probability;
  const legend = h('div', null,
    table('risk-tier-table', ['Tier', 'Churn probability', 'Customers', 'ARR', 'ARR at risk'],
      tiers.map((r) => [badge(r.tier), tierRange(cuts, r.tier), fmtInt(r.customers), fmtMoney(r.arr), fmtMoney(r.arr_at_risk)]), ''),
    tierBasis(cuts));
  const {card, canvas} = chartCard('chart-risk-tiers', 'Risk-tier distribution', takeaway, 190, legend);
  const keys = [['customers', 'Customers'], ['arr', 'ARR'], ['arr_at_risk', 'ARR at risk']];
  makeChart(canvas, {
    type: 'bar',
    data: {
      labels: keys.map((k) => k[1]),
      datasets: tiers.map((r) => ({
        label: cap(r.tier), tier: r.tier, backgroundColor: TIER_COLOURS[r.tier],
        data: keys.map(([key]) => share(r, key)), raw: keys.map(([key]) => r[key]),
      })),
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: pctAxis('Share of the total', {stacked: true, min: 0, max: 1}),
        y: axis('Measure', {stacked: true}),
      },
      plugins: {
        tooltip: {callbacks: {label: (c) => c.dataset.label + ': ' + fmtPct(c.raw) + ' (' +
          (c.dataIndex === 0 ? fmtInt(c.dataset.raw[0]) + ' customers' : fmtMoney(c.dataset.raw[c.dataIndex])) + ')'}},
      },
    },
  });
  return card;
}

function heatmapCard(p) {
  const hm = p.heatmap;
  const cells = [];
  hm.plan_tiers.forEach((plan, i) => hm.industries.forEach((ind, j) => {
    cells.push({plan, industry: ind.name || ind.industry, value: hm.mean_churn_probability[i][j], n: hm.customers[i][j]});
  }));
  const known = cells.filter((c) => isNum(c.value));
  const max = Math.max(...known.map((c) => c.value), 0.0001);
  const hi = known.reduce((a, c) => (c.value > a.value ? c : a), known[0] || {});
  const lo = known.reduce((a, c) => (c.value < a.value ? c : a), known[0] || {});
  const takeaway = known.length
    ? 'Highest: ' + cap(hi.plan) + ' × ' + hi.industry + ' (' + fmtPct(hi.value) + '); lowest: ' +
      cap(lo.plan) + ' × ' + lo.industry + ' (' + fmtPct(lo.value) + ').'
    : 'No active customers to average.';
  const cell = (plan, i, ind, j) => {
    const v = hm.mean_churn_probability[i][j];
    const n = hm.customers[i][j];
    const level = isNum(v) ? v / max : 0;
    return h('td', {
      class: 'heat' + (level > 0.55 ? ' dark' : '') + (isNum(v) ? '' : ' empty'),
      style: isNum(v) ? 'background:' + alpha(RAISES, 0.06 + 0.84 * level) : null,
      'data-testid': 'heatmap-cell', 'data-value': isNum(v) ? String(v) : 'null',
      title: cap(plan) + ' × ' + (ind.name || ind.industry) + ': ' + fmtInt(n) + ' customers',
    }, isNum(v) ? fmtPct(v) : '—', h('small', null, 'n=' + fmtInt(n)));
  };
  return h('section', {class: 'card chart-card', 'data-testid': 'heatmap-card'},
    h('h2', null, 'Mean churn probability by plan tier × industry'),
    h('p', {class: 'takeaway', 'data-testid': 'takeaway'}, takeaway),
    h('div', {class: 'table-wrap'},
      h('table', {class: 'heatmap', 'data-testid': 'heatmap'},
        h('thead', null, h('tr', null, h('th', {scope: 'col'}, 'Plan ↓ / industry →'),
          hm.industries.map((ind) => h('th', {scope: 'col'}, ind.name || ind.industry)))),
        h('tbody', null, hm.plan_tiers.map((plan, i) => h('tr', null, h('th', {scope: 'row'}, cap(plan)),
          hm.industries.map((ind, j) => cell(plan, i, ind, j))))))),
    h('p', {class: 'muted small'}, 'Darker is higher; n = active customers in the cell; — = none.'));
}

function quadrantCard(p) {
  const s = p.scatter;
  const byName = (name) => p.quadrants.find((q) => q.quadrant === name);
  const growth = byName('Growth Engine');
  const retention = byName('Retention Priority');
  const takeaway = growth && retention
    ? fmtInt(growth.customers) + ' Growth Engine accounts (' + fmtMoney(growth.arr) + ' ARR) are ready to expand; ' +
      fmtInt(retention.customers) + ' in Retention Priority (' + fmtMoney(retention.arr) + ') need saving first.'
    : fmtInt(s.churn_probability.length) + ' expansion candidates plotted.';
  const note = h('p', {class: 'muted small'}, 'One dot per expansion candidate (' + fmtInt(s.churn_probability.length) +
    '); customers who already upgraded have no propensity and are not plotted. Quadrants cut both axes at 50 %.');
  const {card, canvas} = chartCard('chart-quadrant', 'Propensity quadrant: churn probability × upgrade propensity', takeaway, 380, note);
  const datasets = p.quadrants.map((q, qi) => ({
    label: q.quadrant + ' (' + fmtInt(q.customers) + ')', quadrant: q.quadrant,
    backgroundColor: alpha(QUADRANT_COLOURS[q.quadrant] || GREY, 0.65), borderColor: 'transparent',
    pointRadius: 3, pointHoverRadius: 5,
    data: s.quadrant.reduce((pts, qIndex, k) => {
      if (qIndex === qi) pts.push({x: s.churn_probability[k], y: s.upgrade_propensity[k]});
      return pts;
    }, []),
  }));
  makeChart(canvas, {
    type: 'scatter',
    data: {datasets},
    options: {
      parsing: false,
      scales: {x: pctAxis('Churn probability', {min: 0, max: 1}), y: pctAxis('Upgrade propensity', {min: 0, max: 1})},
      plugins: {
        guideLines: {lines: [{axis: 'x', value: 0.5}, {axis: 'y', value: 0.5}]},
        tooltip: {callbacks: {label: (c) => c.dataset.quadrant + ': churn ' + fmtPct(c.raw.x) + ', upgrade ' + fmtPct(c.raw.y)}},
      },
    },
  });
  return card;
}

/* ---- 8. Survival ---- */

function drawSurvival(s) {
  const km = s.kaplan_meier;
  show(
    sectionTitle('Survival', 'As of ' + fmtDate(s.as_of) + ' · ' + fmtInt(s.population.customers) + ' customers, ' +
      fmtInt(s.population.churned) + ' churned'),
    s.warning ? h('div', {class: 'banner warn', 'data-testid': 'survival-warning'}, s.warning) : null,
    survivalFacts(s),
    h('div', {class: 'grid two'},
      kmCard('chart-km-plan', 'Kaplan-Meier survival by plan tier', km.by_plan_tier, km.report_days,
        (g) => cap(g.group), (g) => PLAN_COLOURS[g.group] || ACCENT, (g, first) => cap(g.group) + (first ? ' customers' : '')),
      kmCard('chart-km-integration', 'Kaplan-Meier survival by integrations in the first 30 days', km.by_integration_bucket,
        km.report_days, (g) => bucketLabel(g.group), (g, i) => BUCKET_COLOURS[i % BUCKET_COLOURS.length],
        (g, first) => (first ? 'Customers with ' : 'those with ') + bucketLabel(g.group))),
    h('div', {class: 'grid two'}, hazardCard(s.hazard), correlationCard(s.correlations)));
}

function survivalFacts(s) {
  const gate = s.integration_gate;
  const early = (s.early_dropout && s.early_dropout.by_plan_tier) || [];
  const [first, last] = [early[0], early[early.length - 1]];
  const groups = s.kaplan_meier.by_plan_tier.groups;
  const medians = groups.filter((g) => g.median && isNum(g.median.days)).sort((a, b) => a.median.days - b.median.days);
  const unreached = groups.length - medians.length;
  return h('div', {class: 'kpis'},
    statCard('fact-churned', 'Churned', fmtPct(s.population.churn_rate), s.population.churn_rate,
      fmtInt(s.population.churned) + ' of ' + fmtInt(s.population.customers) + ' customers'),
    medians.length ? statCard('fact-median', 'Median lifetime, ' + cap(medians[0].group), fmtInt(medians[0].median.days) + ' days',
      medians[0].median.days, unreached ? plural(unreached, 'other tier') + ' stay above 50 %' : 'shortest of the plan tiers') : null,
    gate ? statCard('fact-gate', 'Integration gate', fmtRatio(gate.churn_rate_ratio), gate.churn_rate_ratio,
      'churn with < 3 integrations in 30 days (' + fmtPct(gate.below_3.churn_rate) + ' vs ' + fmtPct(gate.at_least_3.churn_rate) + ')') : null,
    first ? statCard('fact-early', 'Churn in the first ' + s.early_dropout.window_days + ' days', fmtPct(first.rate), first.rate,
      cap(first.plan_tier) + '; ' + cap(last.plan_tier) + ' ' + fmtPct(last.rate)) : null);
}

/* "Starter customers churn 7.5× as often as Enterprise by day 365 (41.3 % vs 5.5 %)". */
function kmTakeaway(split, days, who) {
  const groups = split.groups;
  const candidates = days.slice().reverse().filter((d) => d <= 365).concat(days.slice().reverse());
  for (const day of candidates) {
    const churn = groups.map((g) => {
      const at = g.survival_at.find((x) => x.day === day);
      return at && isNum(at.survival) ? {g, value: 1 - at.survival} : null;
    });
    if (churn.some((c) => c === null)) continue;
    const worst = churn.reduce((a, c) => (c.value > a.value ? c : a));
    const best = churn.reduce((a, c) => (c.value < a.value ? c : a));
    const ratio = best.value > 0 ? ' churn ' + fmtRatio(worst.value / best.value) + ' as often as ' : ' churn more than ';
    const logrank = split.logrank && split.logrank.computable ? ' · log-rank ' + fmtP(split.logrank.p) : '';
    return who(worst.g, true) + ratio + who(best.g, false) + ' by day ' + day + ' (' + fmtPct(worst.value) + ' vs ' +
      fmtPct(best.value) + ')' + logrank + '.';
  }
  return 'Survival of ' + groups.length + ' groups; 95 % confidence bands shaded.';
}

function kmDatasets(groups, labelOf, colourOf) {
  const sets = [];
  groups.forEach((g, i) => {
    const c = g.curve;
    const colour = colourOf(g, i);
    const line = [{x: 0, y: 1}];
    const lower = [];
    const upper = [];
    c.day.forEach((day, k) => {
      line.push({x: day, y: c.survival[k]});
      if (isNum(c.lower[k]) && isNum(c.upper[k])) {
        lower.push({x: day, y: c.lower[k]});
        upper.push({x: day, y: c.upper[k]});
      }
    });
    const band = {band: true, group: g.group, stepped: 'before', pointRadius: 0, pointHitRadius: 0, borderWidth: 0,
      borderColor: 'transparent'};
    sets.push(Object.assign({label: labelOf(g) + ' 95 % CI lower', data: lower, fill: false}, band));
    sets.push(Object.assign({label: labelOf(g) + ' 95 % CI', data: upper, fill: '-1', backgroundColor: alpha(colour, 0.14)}, band));
    sets.push({label: labelOf(g), group: g.group, data: line, stepped: 'before', borderColor: colour, backgroundColor: colour,
      borderWidth: 2, pointRadius: 0, pointHoverRadius: 3, fill: false});
  });
  return sets;
}

function kmCard(testid, title, split, days, labelOf, colourOf, who) {
  const takeaway = kmTakeaway(split, days, who);
  const {card, canvas} = chartCard(testid, title, takeaway, 320,
    h('p', {class: 'muted small'}, 'Shaded: 95 % confidence band. Stepped at each churn.'));
  const maxDay = Math.max(...split.groups.map((g) => g.curve.day[g.curve.day.length - 1] || 0));
  makeChart(canvas, {
    type: 'line',
    data: {datasets: kmDatasets(split.groups, labelOf, colourOf)},
    options: {
      parsing: false,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      scales: {
        x: axis('Days since signup', {type: 'linear', min: 0, max: maxDay}),
        y: pctAxis('Still a customer (survival)', {min: 0, max: 1}),
      },
      plugins: {tooltip: {callbacks: {label: (c) => c.dataset.label + ': ' + fmtPct(c.raw.y) + ' at day ' + c.raw.x}}},
    },
  });
  return card;
}

function hazardCard(hz) {
  const per = 100 * 30;
  const peak = hz.peak;
  const points = hz.day.map((d, i) => ({x: d, y: isNum(hz.smoothed[i]) ? hz.smoothed[i] * per : null}));
  const takeaway = peak && isNum(peak.day)
    ? 'Hazard peaks at day ' + fmtInt(peak.day) + ': ' + fmtDec(peak.churn_per_100_customers_per_30_days, 1) +
      ' churns per 100 customers per 30 days' + firstYearPeak(points, peak.day) + '.'
    : 'No peak: no churn in the window.';
  const thin = thinDays(hz);
  const note = thin.size
    ? hz.method + '. Dashed and grey: the window holds fewer than ' + fmtInt(hz.min_exposure_for_peak) +
      ' customer-days at risk, too few to read a rate from.'
    : hz.method + '.';
  const {card, canvas} = chartCard('chart-hazard', 'Smoothed churn hazard', takeaway, 300,
    h('p', {class: 'muted small'}, note));
  const faint = (ctx, normal, weak) => (thin.has(ctx.p1DataIndex) ? weak : normal);
  const datasets = [{label: 'Smoothed hazard', data: points, borderColor: ACCENT, backgroundColor: alpha(ACCENT, 0.1),
    borderWidth: 2, pointRadius: 0, fill: true,
    segment: {borderColor: (ctx) => faint(ctx, ACCENT, GREY), borderDash: (ctx) => faint(ctx, undefined, [4, 3])}}];
  if (peak && isNum(peak.day)) {
    datasets.push({label: 'Peak: day ' + peak.day, peak: true, type: 'scatter',
      data: [{x: peak.day, y: peak.hazard * per}], backgroundColor: RAISES, borderColor: '#fff', pointRadius: 6,
      pointStyle: 'triangle'});
  }
  makeChart(canvas, {
    type: 'line',
    data: {datasets},
    options: {
      parsing: false,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      scales: {
        x: axis('Days since signup', {type: 'linear', min: 0, max: hz.day[hz.day.length - 1]}),
        y: axis('Churns per 100 customers per 30 days', {min: 0}),
      },
      plugins: {
        guideLines: {lines: peak && isNum(peak.day) ? [{axis: 'x', value: peak.day, colour: RAISES, label: 'peak'}] : []},
        tooltip: {callbacks: {label: (c) => 'Day ' + c.raw.x + ': ' + fmtDec(c.raw.y, 2) + ' per 100 per 30 days'}},
      },
    },
  });
  return card;
}

/*
 * The indices of the days whose smoothing window holds fewer customer-days
 * at risk than the analysis trusts (hazard.min_exposure_for_peak): the thin
 * tail of follow-up, where a churn or two makes a spike.
 */
function thinDays(hz) {
  const thin = new Set();
  const risk = hz.at_risk, half = hz.half_window_days, least = hz.min_exposure_for_peak;
  if (!Array.isArray(risk) || !isNum(half) || !isNum(least)) return thin;
  for (let i = 0; i < risk.length; i++) {
    let exposure = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(risk.length - 1, i + half); j++) exposure += risk[j];
    if (exposure < least) thin.add(i);
  }
  return thin;
}

/* "; in the first year it peaks at day 40 (11.7)" when the overall peak comes later. */
function firstYearPeak(points, peakDay) {
  if (peakDay <= 365) return '';
  const year = points.filter((p) => p.x <= 365 && isNum(p.y));
  if (!year.length) return '';
  const top = year.reduce((a, p) => (p.y > a.y ? p : a));
  return '; in the first year it peaks at day ' + fmtInt(top.x) + ' (' + fmtDec(top.y, 1) + ')';
}

function correlationCard(rows) {
  const agree = rows.filter((r) => r.same_direction_as_published).length;
  const gap = rows.reduce((a, r) => (Math.abs(r.difference_from_published) > Math.abs(a.difference_from_published) ? r : a), rows[0]);
  const takeaway = rows.length
    ? agree + ' of ' + rows.length + ' correlations have the published sign; largest gap ' +
      fmtDec(Math.abs(gap.difference_from_published), 2) + ' (' + human(gap.feature) + ').'
    : 'No correlations to compare.';
  const {card, canvas} = chartCard('chart-correlations', 'Correlation with churn: measured vs published', takeaway,
    Math.max(220, 60 + rows.length * 44));
  makeChart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => human(r.feature)),
      datasets: [
        {label: 'Measured r', series: 'measured', data: rows.map((r) => r.r), backgroundColor: ACCENT},
        {label: 'Published r', series: 'published', data: rows.map((r) => r.published_r), backgroundColor: GREY},
      ],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: axis('Pearson r with churn (< 0: less churn)', {suggestedMin: -0.5, suggestedMax: 0.5}),
        y: axis('Feature', {ticks: {autoSkip: false, callback: wrapTick}}),
      },
      plugins: {
        tooltip: {callbacks: {
          label: (c) => c.dataset.label + ': ' + fmtDec(c.raw, 3),
          afterBody: (items) => {
            const r = rows[items[0].dataIndex];
            return 'n = ' + fmtInt(r.n) + ', ' + fmtP(r.p);
          },
        }},
      },
    },
  });
  return card;
}

/* ---- 9. Models ---- */

const MODEL_WORDS = {
  churn: {title: 'Churn model', yes: 'churner', no: 'customer who stays', what: 'churn'},
  expansion: {title: 'Expansion model', yes: 'upgrader', no: 'customer who does not upgrade', what: 'upgrade'},
};

function drawModels(data) {
  show(sectionTitle('Models', 'Held-out test-set quality of the two models'));
  if (!data.models || !data.models.length) {
    show(h('p', {class: 'banner warn', 'data-testid': 'error-banner'}, 'No trained models: run `tenure train`.'));
    return;
  }
  show(driftBanner(data.drift));
  for (const m of data.models) show(modelSection(m, data.drift));
  show(realizedSection(data.drift && data.drift.realized));
  show(backtestSection(data.backtest, data.backtest_warning));
}

/* The live backtest: past scorings whose 90 days have passed, against what happened. */
function realizedSection(r) {
  if (!r) return null;
  const section = h('section', {class: 'model', 'data-testid': 'realized'},
    h('h2', {class: 'model-title'}, 'Live backtest: what happened after past scorings'));
  const waiting = r.pending.length ? ' Waiting: ' + r.pending.map((p) => fmtDate(p.as_of) + ' (known on ' + fmtDate(p.known_on) + ')').join(', ') + '.' : '';
  section.append(h('p', {class: 'muted'}, 'Each recorded scoring is judged once its ' + r.horizon_days +
    ' days have passed: the rates the models predicted against those that happened.' + waiting));
  const rate = (o) => fmtPct(o.predicted_rate) + ' → ' + fmtPct(o.observed_rate);
  section.append(table('realized-table', ['Scored as of', 'Customers', 'Churn: predicted → happened', 'Churn AUC',
    'Candidates', 'Upgrade: predicted → happened', 'Upgrade AUC', 'Models'],
    r.as_ofs.map((a) => [fmtDate(a.as_of), fmtInt(a.churn.customers), rate(a.churn), fmtDec(a.churn.auc),
      fmtInt(a.expansion.candidates), rate(a.expansion), fmtDec(a.expansion.auc),
      a.models_trained_before === false ? h('strong', {class: 'drifted'}, 'trained later: flattered') : 'trained before']),
    'No scoring is ' + r.horizon_days + ' days old yet: each \'tenure score\' of a new as-of date records one.'));
  return section;
}

/* Drift (GET /health/model): has today's population moved away from the training population? */
function driftBanner(drift) {
  if (!drift) return null;
  const kind = drift.status === 'ok' ? 'info' : 'warn';
  return h('div', {class: 'banner ' + kind, 'data-testid': 'drift-status', 'data-status': drift.status},
    h('p', null, 'Drift as of ' + fmtDate(drift.as_of) + ': ' + drift.message + '.'),
    h('p', null, 'A feature has drifted when its PSI is at least ' + fmtDec(drift.thresholds.psi, 2) +
      ' or, for a number, its Kolmogorov–Smirnov p-value is below ' + fmtDec(drift.thresholds.ks_p_value, 2) + '.'));
}

function driftMedians(f) {
  if (f.kind !== 'number') {
    const move = f.largest_move;
    return move ? human(move.category) + ': ' + fmtPct(move.reference_share) + ' → ' + fmtPct(move.current_share) : '—';
  }
  return 'median ' + fmtValue(f.reference_median) + ' → ' + fmtValue(f.current_median);
}

function driftCard(m, drift) {
  const d = drift && drift.models ? drift.models[m.name] : null;
  if (!d) return null;
  const card = h('section', {class: 'card drift-card', 'data-testid': 'drift-' + m.name},
    h('h2', null, 'Drift since training'));
  if (!d.has_reference) {
    card.append(h('p', {class: 'muted', 'data-testid': 'drift-' + m.name + '-missing'},
      'This model keeps no sample of its training population: retrain it (tenure train) to check drift.'));
    return card;
  }
  card.append(h('p', {class: 'takeaway', 'data-testid': 'drift-' + m.name + '-summary'}, fmtInt(d.drifted) + ' of ' + fmtInt(d.features.length) +
    ' features drifted: a sample of ' + fmtInt(d.reference_rows) + ' of the ' + fmtInt(d.population_rows) +
    ' training rows against today\'s ' + fmtInt(d.current_rows) + ' customers.'));
  card.append(table('drift-table-' + m.name, ['Feature', 'PSI', 'KS p-value', 'Training → today', 'Drifted'],
    d.features.map((f) => [human(f.feature), fmtDec(f.psi, 3), f.ks_p_value == null ? '—' : fmtP(f.ks_p_value),
      driftMedians(f), f.drifted ? h('strong', {class: 'drifted'}, 'drifted') : 'no']), 'No features.'));
  return card;
}

/* Quality over time: what `tenure backtest` found, date by date (each date trained on its own past). */
function backtestSection(bt, warning) {
  const section = h('section', {class: 'model', 'data-testid': 'backtest'},
    h('h2', {class: 'model-title'}, 'Backtest: quality over time'));
  if (warning) section.append(h('p', {class: 'banner warn', 'data-testid': 'backtest-warning'}, warning));
  if (!bt || !bt.dates || !bt.dates.length) {
    section.append(h('p', {class: 'muted', 'data-testid': 'backtest-missing'},
      'No backtest yet: run `tenure backtest` to see how the models would have done at past dates.'));
    return section;
  }
  section.append(h('p', {class: 'muted'}, 'At each date both models were trained with nothing dated on or after it, then judged by the ' +
    bt.horizon_days + ' days that followed (' + fmtDate(bt.from) + ' to ' + fmtDate(bt.to) + ').'));
  section.append(h('div', {class: 'grid two'}, backtestAucCard(bt), backtestCalibrationCard(bt)));
  return section;
}

function backtestAucCard(bt) {
  const labels = bt.dates.map((d) => d.as_of);
  const last = bt.dates[bt.dates.length - 1];
  const takeaway = 'Latest (' + fmtDate(last.as_of) + '): churn AUC ' + fmtDec(last.churn.auc) + ', expansion AUC ' +
    fmtDec(last.expansion.auc) + '; the top decile held ' + fmtPct(last.churned_arr_share) + ' of the churned ARR.';
  const {card, canvas} = chartCard('chart-backtest-auc', 'AUC at each backtest date', takeaway, 280);
  makeChart(canvas, {
    type: 'line',
    data: {labels, datasets: [
      {label: 'Churn AUC', data: bt.dates.map((d) => d.churn.auc), borderColor: RAISES, backgroundColor: RAISES, borderWidth: 2, pointRadius: 3},
      {label: 'Expansion AUC', data: bt.dates.map((d) => d.expansion.auc), borderColor: ACCENT, backgroundColor: ACCENT, borderWidth: 2, pointRadius: 3},
      {label: 'Churned ARR in the top decile', data: bt.dates.map((d) => d.churned_arr_share), borderColor: GREY, backgroundColor: GREY, borderDash: [4, 4], borderWidth: 2, pointRadius: 2},
    ]},
    options: {
      scales: {x: axis('Backtest date'), y: axis('AUC; share of churned ARR', {min: 0, max: 1})},
      plugins: {guideLines: {lines: [{axis: 'y', value: 0.5, label: 'chance'}]},
        tooltip: {callbacks: {label: (c) => c.dataset.label + ': ' + fmtDec(c.raw)}}},
    },
  });
  return card;
}

function backtestCalibrationCard(bt) {
  const labels = bt.dates.map((d) => d.as_of);
  const worst = Math.max(...bt.dates.map((d) => Math.max(d.churn.max_calibration_error || 0, d.expansion.max_calibration_error || 0)));
  const takeaway = 'Mean predicted vs observed 90-day rate at each date; the worst decile was off by at most ' + fmtPct(worst) + '.';
  const {card, canvas} = chartCard('chart-backtest-calibration', 'Calibration at each backtest date', takeaway, 280);
  const line = (label, values, colour, dashed) => ({label, data: values, borderColor: colour, backgroundColor: colour,
    borderWidth: 2, pointRadius: 3, borderDash: dashed ? [5, 4] : []});
  makeChart(canvas, {
    type: 'line',
    data: {labels, datasets: [
      line('Churn: predicted', bt.dates.map((d) => d.churn.mean_predicted), RAISES, true),
      line('Churn: observed', bt.dates.map((d) => d.churn.observed_rate), RAISES, false),
      line('Expansion: predicted', bt.dates.map((d) => d.expansion.mean_predicted), ACCENT, true),
      line('Expansion: observed', bt.dates.map((d) => d.expansion.observed_rate), ACCENT, false),
    ]},
    options: {
      scales: {x: axis('Backtest date'), y: pctAxis('Rate in the 90 days', {min: 0})},
      plugins: {tooltip: {callbacks: {label: (c) => c.dataset.label + ': ' + fmtPct(c.raw)}}},
    },
  });
  return card;
}

function modelSection(m, drift) {
  const words = MODEL_WORDS[m.name] || {title: cap(m.name) + ' model', yes: 'positive', no: 'negative', what: m.name};
  const t = m.test;
  const metrics = h('div', {class: 'kpis'},
    statCard('metric-auc-' + m.name, 'AUC', fmtDec(t.auc), t.auc, 'before calibration ' + fmtDec(t.auc_before_calibration)),
    statCard('metric-brier-' + m.name, 'Brier score', fmtDec(t.brier, 4), t.brier, 'lower is better'),
    statCard('metric-logloss-' + m.name, 'Log loss', fmtDec(t.log_loss), t.log_loss, 'lower is better'),
    t.top_decile ? statCard('metric-lift-' + m.name, 'Top-decile lift', fmtRatio(t.top_decile.lift), t.top_decile.lift,
      'precision ' + fmtPct(t.top_decile.precision) + ' vs base ' + fmtPct(t.top_decile.base_rate)) : null,
    statCard('metric-rows-' + m.name, 'Test rows', fmtInt(t.rows), t.rows, fmtInt(t.positives) + ' positives'));
  return h('section', {class: 'model', 'data-testid': 'model-' + m.name},
    h('h2', {class: 'model-title'}, words.title),
    h('p', {class: 'muted'}, 'Label: ' + m.label + ' · version ' + m.version + ' · as of ' + fmtDate(m.as_of)),
    metrics,
    h('div', {class: 'grid three'}, rocCard(m, words), calibrationCard(m, words), shapImportanceCard(m, words)),
    driftCard(m, drift));
}

function rocCard(m, words) {
  const roc = m.test.roc;
  const takeaway = 'AUC ' + fmtDec(m.test.auc) + ': a random ' + words.yes + ' outranks a random ' + words.no + ' ' +
    fmtPct(m.test.auc, 0) + ' of the time.';
  const {card, canvas} = chartCard('chart-roc-' + m.name, 'ROC curve', takeaway, 280);
  makeChart(canvas, {
    type: 'line',
    data: {datasets: [
      {label: 'ROC (AUC ' + fmtDec(m.test.auc) + ')', data: roc.fpr.map((x, i) => ({x, y: roc.tpr[i]})),
        borderColor: ACCENT, backgroundColor: ACCENT, borderWidth: 2, pointRadius: 0, fill: false},
      diagonal(1, 'Chance'),
    ]},
    options: {
      parsing: false,
      scales: {x: pctAxis('False positive rate', {type: 'linear', min: 0, max: 1}), y: pctAxis('True positive rate', {min: 0, max: 1})},
      plugins: {tooltip: {callbacks: {label: (c) => 'FPR ' + fmtPct(c.raw.x) + ', TPR ' + fmtPct(c.raw.y)}}},
    },
  });
  return card;
}

function niceMax(x) {
  const steps = [0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1];
  return steps.find((s) => s >= x) || 1;
}

function calibrationCard(m, words) {
  const bins = m.test.calibration;
  const top = bins[bins.length - 1];
  const max = niceMax(Math.max(...bins.map((b) => Math.max(b.mean_predicted, b.observed_rate))));
  const takeaway = (isNum(m.test.max_calibration_error) ? 'Worst bin off by ' + fmtPct(m.test.max_calibration_error) + '; ' : '') +
    'top bin predicts ' + fmtPct(top.mean_predicted) + ', observed ' + fmtPct(top.observed_rate) + '.';
  const {card, canvas} = chartCard('chart-calibration-' + m.name, 'Calibration (' + bins.length + ' bins)', takeaway, 280);
  makeChart(canvas, {
    type: 'line',
    data: {datasets: [
      {label: 'Observed ' + words.what + ' rate', data: bins.map((b) => ({x: b.mean_predicted, y: b.observed_rate, rows: b.rows})),
        borderColor: ACCENT, backgroundColor: ACCENT, borderWidth: 2, pointRadius: 3, fill: false},
      diagonal(max, 'Perfect calibration'),
    ]},
    options: {
      parsing: false,
      scales: {x: pctAxis('Mean predicted probability', {type: 'linear', min: 0, max}), y: pctAxis('Observed rate', {min: 0, max})},
      plugins: {tooltip: {callbacks: {label: (c) => 'predicted ' + fmtPct(c.raw.x) + ', observed ' + fmtPct(c.raw.y) +
        (c.raw.rows ? ' (' + fmtInt(c.raw.rows) + ' rows)' : '')}}},
    },
  });
  return card;
}

function shapImportanceCard(m, words) {
  const rows = m.mean_abs_shap.slice().sort((a, b) => b.mean_abs_shap - a.mean_abs_shap);
  const takeaway = rows.length
    ? 'Top driver: ' + human(rows[0].feature) + ' (mean |SHAP| ' + fmtDec(rows[0].mean_abs_shap, 2) + ')' +
      (rows[1] ? ', then ' + human(rows[1].feature) : '') + '.'
    : 'No SHAP values.';
  const {card, canvas} = chartCard('chart-shap-' + m.name, 'Mean |SHAP| per feature', takeaway, 60 + rows.length * 18);
  makeChart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => human(r.feature)),
      datasets: [{label: 'Mean |SHAP|', data: rows.map((r) => r.mean_abs_shap), backgroundColor: ACCENT}],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: axis('Mean |SHAP| (log-odds)', {min: 0}),
        y: axis('Feature', {ticks: {autoSkip: false, font: {size: 11}, callback: cutTick}}),
      },
      plugins: {legend: {display: false}},
    },
  });
  return card;
}

/* ---- 10. Work queue ---- */

let lastQueueRoute = '#/queue';

/* The search box's text as the API takes it: trimmed, at most SEARCH_MAX bytes of UTF-8. */
function searchText(text) {
  let t = String(text || '').trim();
  while (new TextEncoder().encode(t).length > SEARCH_MAX) t = t.slice(0, -1);
  return t.trim();
}

function queueState(query) {
  const q = new URLSearchParams(query || '');
  const sort = SORT_KEYS[q.get('sort')] ? q.get('sort') : 'churn_probability';
  const plan = PLAN_TIERS.includes(q.get('plan_tier')) ? q.get('plan_tier') : '';
  const risk = TIERS.includes(q.get('risk_tier')) ? q.get('risk_tier') : '';
  const offset = Math.max(0, parseInt(q.get('offset'), 10) || 0);
  return {sort, plan, risk, offset, q: searchText(q.get('q'))};
}

function queueHash(state) {
  const q = new URLSearchParams();
  if (state.q) q.set('q', state.q);
  if (state.sort !== 'churn_probability') q.set('sort', state.sort);
  if (state.plan) q.set('plan_tier', state.plan);
  if (state.risk) q.set('risk_tier', state.risk);
  if (state.offset) q.set('offset', String(state.offset));
  const text = q.toString();
  return '#/queue' + (text ? '?' + text : '');
}

function loadQueue(state) {
  const q = new URLSearchParams({limit: String(PAGE_SIZE), offset: String(state.offset), sort: state.sort});
  if (state.plan) q.set('plan_tier', state.plan);
  if (state.risk) q.set('risk_tier', state.risk);
  if (state.q) q.set('q', state.q);
  return api('customers?' + q.toString());
}

function drawQueue(state, page) {
  lastQueueRoute = location.hash || '#/queue';
  const found = state.q ? ' · matching “' + state.q + '”' : '';
  show(
    sectionTitle('Work queue', 'Active customers' + found + ', highest ' + SORT_KEYS[state.sort].toLowerCase() + ' first · as of ' +
      fmtDate(page.as_of)),
    queueToolbar(state),
    queueTable(state, page.customers),
    queuePager(state, page));
}

function go(state) {
  location.hash = queueHash(state);
}

function select(testid, label, value, options, onchange) {
  return h('label', {class: 'field'}, label,
    h('select', {'data-testid': testid, onchange: (e) => onchange(e.target.value)},
      options.map(([v, text]) => h('option', {value: v, selected: v === value}, text))));
}

/* Search by a part of the name, or the start of a customer or CRM id (GET /customers?q=). */
function queueSearch(state) {
  const input = h('input', {type: 'search', name: 'q', value: state.q || null, maxlength: SEARCH_MAX, autocomplete: 'off',
    spellcheck: 'false', placeholder: 'Name, customer id or CRM id', 'aria-label': 'Search accounts', 'data-testid': 'queue-search-input'});
  const form = h('form', {class: 'field queue-search', role: 'search', 'data-testid': 'queue-search'},
    'Search',
    h('span', {class: 'search-row'}, input,
      h('button', {type: 'submit', class: 'button', 'data-testid': 'queue-search-submit'}, 'Search'),
      state.q ? h('button', {type: 'button', class: 'button', 'data-testid': 'queue-search-clear',
        onclick: () => go(Object.assign({}, state, {q: '', offset: 0}))}, 'Clear') : null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(Object.assign({}, state, {q: searchText(input.value), offset: 0}));
  });
  return form;
}

function queueToolbar(state) {
  return h('div', {class: 'toolbar'},
    queueSearch(state),
    select('queue-filter-plan', 'Plan tier', state.plan, [['', 'All plans']].concat(PLAN_TIERS.map((t) => [t, cap(t)])),
      (v) => go(Object.assign({}, state, {plan: v, offset: 0}))),
    select('queue-filter-risk', 'Risk tier', state.risk, [['', 'All risk tiers']].concat(TIERS.map((t) => [t, cap(t)])),
      (v) => go(Object.assign({}, state, {risk: v, offset: 0}))),
    select('queue-sort', 'Sort by', state.sort, Object.entries(SORT_KEYS),
      (v) => go(Object.assign({}, state, {sort: v, offset: 0}))));
}

function sortHeader(state, key) {
  const active = state.sort === key;
  return h('th', {scope: 'col', class: 'num', 'aria-sort': active ? 'descending' : null},
    h('button', {type: 'button', class: 'sort' + (active ? ' active' : ''), 'data-testid': 'sort-' + key,
      title: 'Sort by ' + SORT_KEYS[key].toLowerCase() + ', highest first',
      onclick: () => go(Object.assign({}, state, {sort: key, offset: 0}))},
    SORT_KEYS[key], h('span', {class: 'arrow', 'aria-hidden': 'true'}, active ? ' ▼' : ' ↕')));
}

/* The account's name, or the start of its id when the data names none. */
function accountLabel(c) {
  return c.name || c.customer_id.slice(0, 8) + '…';
}

function queueTable(state, customers) {
  if (!customers.length) {
    return h('p', {class: 'banner info', 'data-testid': 'queue-empty'},
      state.q ? 'No active customer matches “' + state.q + '”' + (state.plan || state.risk ? ' with these filters.' : '.')
        : 'No active customer matches these filters.');
  }
  const head = h('tr', null,
    h('th', {scope: 'col'}, 'Customer'), h('th', {scope: 'col'}, 'Owner'), h('th', {scope: 'col'}, 'Plan'),
    sortHeader(state, 'churn_probability'),
    h('th', {scope: 'col'}, 'Risk tier'), sortHeader(state, 'arr_at_risk'), sortHeader(state, 'upgrade_propensity'),
    h('th', {scope: 'col', class: 'num'}, 'ARR'), h('th', {scope: 'col'}, 'Industry'), h('th', {scope: 'col'}, 'Quadrant'));
  const rows = customers.map((c) => {
    const href = '#/account/' + encodeURIComponent(c.customer_id);
    return h('tr', {class: 'row-link', 'data-testid': 'queue-row', 'data-id': c.customer_id,
      onclick: (e) => { if (!e.target.closest('a')) location.hash = href; }},
    h('td', {class: 'account-cell'}, h('a', {href, class: c.name ? 'account-name' : 'mono', title: c.customer_id,
      'data-testid': 'queue-name'}, accountLabel(c))),
    h('td', {'data-testid': 'queue-owner'}, c.owner || h('span', {class: 'muted'}, '—')),
    h('td', null, cap(c.plan_tier)),
    h('td', {class: 'num', 'data-value': String(c.churn_probability)}, fmtPct(c.churn_probability)),
    h('td', null, badge(c.risk_tier)),
    h('td', {class: 'num'}, fmtMoney(c.arr_at_risk)),
    h('td', {class: 'num'}, isNum(c.upgrade_propensity) ? fmtPct(c.upgrade_propensity) : h('span', {class: 'muted'}, 'upgraded')),
    h('td', {class: 'num'}, fmtMoney(c.arr)), h('td', null, c.industry_name || c.industry),
    h('td', null, h('span', {class: 'dot', style: 'background:' + (QUADRANT_COLOURS[c.quadrant] || GREY)}), c.quadrant));
  });
  return h('div', {class: 'table-wrap card flush'},
    h('table', {class: 'queue', 'data-testid': 'queue-table'}, h('thead', null, head), h('tbody', null, rows)));
}

function queuePager(state, page) {
  const first = page.total ? page.offset + 1 : 0;
  const last = page.offset + page.customers.length;
  return h('div', {class: 'pager'},
    h('button', {type: 'button', class: 'button', 'data-testid': 'queue-prev', disabled: page.offset === 0,
      onclick: () => go(Object.assign({}, state, {offset: Math.max(0, page.offset - PAGE_SIZE)}))}, '← Prev'),
    h('span', {'data-testid': 'queue-range', 'data-total': String(page.total)},
      page.total ? fmtInt(first) + '–' + fmtInt(last) + ' of ' + fmtInt(page.total) : '0 of 0'),
    h('button', {type: 'button', class: 'button', 'data-testid': 'queue-next', disabled: page.next_offset == null,
      onclick: () => go(Object.assign({}, state, {offset: page.next_offset}))}, 'Next →'));
}

/* ---- 11. Account (Customer 360) ---- */

/* ---- Movers: who moved since an earlier scoring ---- */

const MOVER_LISTS = [
  ['entered_high_risk', 'Entered high or critical churn risk'],
  ['probability_rose', 'Churn probability rose'],
  ['expansion_ready', 'Became expansion-ready'],
  ['left_tier', 'Churn risk fell a tier'],
];

/* The movers since `since` (undefined: the scoring before the latest); the report embeds the latter. */
function loadMovers(since) {
  if (!REPORT) return api('movers' + (since ? '?since=' + since : ''));
  if (REPORT.movers) return Promise.resolve(REPORT.movers);
  return Promise.reject(new ApiError(422, 'movers_unavailable',
    'this report was written when fewer than two scorings were recorded (each `tenure score` records one)'));
}

function describeMoversError(err) {
  if (err instanceof ApiError && err.status === 422) return 'No movers yet: ' + err.message;
  return null;
}

function drawMovers(mv) {
  const total = MOVER_LISTS.reduce((n, [key]) => n + mv[key].length, 0);
  show(
    h('div', {class: 'view-head'},
      h('h1', null, 'Movers'),
      h('p', {class: 'muted', 'data-testid': 'movers-span'}, 'Since ' + fmtDate(mv.since) + ', to the scoring of ' + fmtDate(mv.as_of) +
        ': ' + plural(total, 'move') + '. A rise counts from ' + fmtInt(Math.round(mv.probability_rise * 100)) + ' points.')),
    h('div', {class: 'grid four'}, MOVER_LISTS.map(([key, title]) =>
      statCard('movers-count-' + key, title, fmtInt(mv.counts[key]), mv.counts[key]))),
    MOVER_LISTS.map(([key, title]) => h('section', {class: 'card', 'data-testid': 'movers-' + key},
      h('h2', null, title),
      mv.counts[key] > mv[key].length
        ? h('p', {class: 'muted', 'data-testid': 'movers-shown-' + key}, 'The ' + fmtInt(mv[key].length) + ' with the most ARR of ' +
          fmtInt(mv.counts[key]) + '.') : null,
      table('movers-table-' + key, ['Customer', 'Owner', 'ARR', key === 'expansion_ready' ? 'Upgrade propensity' : 'Churn probability', 'Why'],
        mv[key].map((m) => {
          const p = key === 'expansion_ready' ? m.upgrade_propensity : m.churn_probability;
          return [
            h('a', {href: '#/account/' + encodeURIComponent(m.customer_id), class: m.name ? 'account-name' : 'mono',
              'data-testid': 'mover-name'}, m.name || m.customer_id),
            m.owner || h('span', {class: 'muted'}, '—'),
            fmtMoney(m.arr),
            (isNum(p.before) ? fmtPct(p.before) + ' → ' : '') + fmtPct(p.now),
            h('span', {class: 'reason', 'data-testid': 'mover-reason'}, m.reason),
          ];
        }), 'Nobody.'))));
}

function describeAccountError(id) {
  return (err) => {
    if (err instanceof ApiError && err.status === 404) return 'No customer with id “' + id + '”. (' + err.message + ')';
    if (err instanceof ApiError && err.status === 422) return 'Customer “' + id + '” is not active: ' + err.message;
    return null;
  };
}

/* The Customer 360 and its score history (null when the server has none to give). */
async function loadAccount(id) {
  const path = 'customers/' + encodeURIComponent(id);
  const [c, history] = await Promise.all([api(path), api(path + '/history').catch(() => null)]);
  c.history = history;
  return c;
}

function drawAccount(c) {
  const p = c.profile;
  const a = c.account || {};
  document.title = (a.name || 'Account') + ' · Tenure';
  show(
    h('p', {class: 'back'}, h('a', {href: lastQueueRoute}, '← Work queue')),
    h('div', {class: 'view-head'},
      h('h1', {'data-testid': 'account-name'}, a.name || 'Account ' + c.customer_id),
      h('p', {class: 'muted'}, cap(p.plan_tier) + ' · ' + (p.industry_name || p.industry) + ' · ' + fmtMoney(p.arr) +
        ' ARR · as of ' + fmtDate(c.as_of)),
      accountFacts(c)),
    h('div', {class: 'grid four'}, churnCard(c.churn), upgradeCard(c), quadrantSummary(c), profileCard(p, c.churn)),
    actionsCard(c),
    briefCard(c),
    c.history ? historyCard(c.history) : null,
    survivalCurveCard(c),
    h('div', {class: 'grid two'},
      accountShapCard('chart-shap-account-churn', 'What drives the churn probability', c.churn.top_shap_features, 'churn'),
      c.upgrade ? accountShapCard('chart-shap-account-upgrade', 'What drives the upgrade propensity', c.upgrade.top_shap_features, 'upgrade')
        : h('section', {class: 'card'}, h('h2', null, 'Upgrade drivers'),
          h('p', {class: 'muted'}, 'Not an expansion candidate: already upgraded' + (p.upgraded_on ? ' on ' + fmtDate(p.upgraded_on) : '') + '.'))),
    h('div', {class: 'grid two'}, usageCard(c), supportCard(c.support)),
    opportunitiesCard(c.gtm));
}

/* Owner, renewal (with the days to it), CRM id and customer id; "—" where the data does not say. */
function accountFacts(c) {
  const a = c.account || {};
  const fact = (testid, label, text, raw, extra) => h('div', {class: 'account-fact'},
    h('span', {class: 'account-fact-label'}, label),
    h('span', Object.assign({'data-testid': testid, 'data-value': raw}, extra),
      text == null ? h('span', {class: 'muted'}, '—') : text));
  const renewal = a.renewal_date
    ? fmtDate(a.renewal_date) + (isNum(a.days_to_renewal) ? ' (' + fmtDaysFromNow(a.days_to_renewal) + ')' : '') : null;
  return h('div', {class: 'account-facts', 'data-testid': 'account-facts'},
    fact('account-owner', 'Owner', a.owner, a.owner),
    fact('account-renewal', 'Renewal', renewal, a.renewal_date, {'data-days': isNum(a.days_to_renewal) ? a.days_to_renewal : null}),
    fact('account-crm-id', 'CRM id', a.crm_id, a.crm_id, {class: 'mono'}),
    fact('account-customer-id', 'Customer id', c.customer_id, c.customer_id, {class: 'mono'}));
}

function churnCard(ch) {
  return h('section', {class: 'card kpi', 'data-testid': 'account-churn'},
    h('div', {class: 'kpi-label'}, 'Churn probability (90 days)'),
    h('div', {class: 'kpi-value big', 'data-testid': 'account-churn-probability', 'data-value': String(ch.churn_probability)},
      fmtPct(ch.churn_probability)),
    h('div', {class: 'kpi-sub'}, badge(ch.risk_tier, cap(ch.risk_tier) + ' risk'), ' · risk score ', fmtDec(ch.risk_score, 2),
      ' (' + ch.risk_score_tier + ')'),
    h('div', {class: 'kpi-note', 'data-testid': 'account-risk-formula'}, 'risk score = ' + ch.risk_score_formula));
}

function upgradeCard(c) {
  const u = c.upgrade;
  if (!u) {
    return h('section', {class: 'card kpi', 'data-testid': 'account-upgrade'},
      h('div', {class: 'kpi-label'}, 'Upgrade propensity'),
      h('div', {class: 'kpi-value big muted', 'data-testid': 'account-upgrade-propensity'}, '—'),
      h('div', {class: 'kpi-sub'}, 'Already upgraded' + (c.profile.upgraded_on ? ' on ' + fmtDate(c.profile.upgraded_on) : '')));
  }
  return h('section', {class: 'card kpi', 'data-testid': 'account-upgrade'},
    h('div', {class: 'kpi-label'}, 'Upgrade propensity → ' + cap(u.target_tier)),
    h('div', {class: 'kpi-value big', 'data-testid': 'account-upgrade-propensity', 'data-value': String(u.upgrade_propensity)},
      fmtPct(u.upgrade_propensity)),
    h('div', {class: 'kpi-sub'}, propensityBadge(u.propensity_tier), ' · uplift ',
      fmtMoney(u.expected_arr_uplift), ' ARR', u.is_high_value_target ? ' · high-value target' : ''));
}

function quadrantSummary(c) {
  const q = c.conflict_matrix;
  return h('section', {class: 'card kpi', 'data-testid': 'account-quadrant'},
    h('div', {class: 'kpi-label'}, 'Quadrant'),
    h('div', {class: 'kpi-value'}, h('span', {class: 'dot', style: 'background:' + (QUADRANT_COLOURS[q.quadrant] || GREY)}), q.quadrant),
    h('div', {class: 'kpi-sub'}, q.action));
}

function profileCard(p, ch) {
  return h('section', {class: 'card', 'data-testid': 'account-profile'},
    h('h2', null, 'Profile'),
    definitionList([
      ['Plan', cap(p.plan_tier)],
      ['MRR / ARR', fmtMoneyFull(p.mrr) + ' / ' + fmtMoneyFull(p.arr)],
      ['Signed up', fmtDate(p.signup_date) + ' (' + fmtInt(p.tenure_days) + ' days' + (p.is_early_stage ? ', early stage' : '') + ')'],
      p.upgraded_on ? ['Upgraded', fmtDate(p.upgraded_on)] : null,
      ['Model', ch.model_version],
    ]));
}

function actionsCard(c) {
  const items = [['Retention', c.churn.recommended_action]];
  if (c.upgrade) items.push(['Expansion', c.upgrade.recommended_action]);
  items.push([c.conflict_matrix.quadrant, c.conflict_matrix.action]);
  return h('section', {class: 'card actions', 'data-testid': 'account-actions'},
    h('h2', null, 'Recommended actions'),
    h('ul', null, items.map(([k, v]) => h('li', null, h('strong', null, k + ': '), v))));
}

/* The brief's audiences (POST /summaries/customer), as the select offers them. */
const BRIEF_AUDIENCES = [['csm', 'Customer success'], ['executive', 'Executive'], ['account_executive', 'Account executive']];

/*
 * The account in five sentences for a chosen audience, as the API writes it
 * (the text is shown as is: its last line is the watermark), with a button
 * that copies it; where the browser gives no clipboard, the button selects
 * the text for Ctrl-C instead.
 */
function briefCard(c) {
  const text = h('p', {class: 'brief-text', 'data-testid': 'brief-text', 'data-state': 'loading'}, 'Writing the brief…');
  const status = h('span', {class: 'muted small', role: 'status', 'data-testid': 'brief-status'});
  const copy = h('button', {type: 'button', class: 'button', 'data-testid': 'brief-copy', disabled: true,
    onclick: () => copyBrief(text, status)}, 'Copy');
  const audience = h('select', {'data-testid': 'brief-audience', 'aria-label': 'Audience'},
    BRIEF_AUDIENCES.map(([value, label]) => h('option', {value}, label)));
  let asked = 0;
  const load = async () => {
    const seq = ++asked;
    text.dataset.state = 'loading';
    copy.disabled = true;
    status.textContent = '';
    let brief;
    try {
      brief = await api('summaries/customer', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({customer_id: c.customer_id, audience: audience.value})});
    } catch (err) {
      if (seq !== asked) return;
      text.textContent = 'No brief: ' + describeError(err);
      text.dataset.state = 'error';
      return;
    }
    if (seq !== asked) return; /* another audience was chosen meanwhile */
    text.textContent = brief.text;
    text.dataset.audience = brief.audience;
    text.dataset.state = 'ready';
    copy.disabled = false;
  };
  audience.addEventListener('change', load);
  load();
  return h('section', {class: 'card brief', 'data-testid': 'account-brief'},
    h('div', {class: 'brief-head'}, h('h2', null, 'Brief before a call'),
      h('label', {class: 'field brief-audience'}, 'For', audience), copy, status),
    text);
}

async function copyBrief(text, status) {
  try {
    await navigator.clipboard.writeText(text.textContent);
    status.textContent = 'Copied.';
    status.dataset.copied = 'clipboard';
  } catch (err) { /* no clipboard here (plain http, or refused): select the text instead */
    const range = document.createRange();
    range.selectNodeContents(text);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    status.textContent = 'Selected: press Ctrl-C (⌘-C) to copy.';
    status.dataset.copied = 'selection';
  }
}

/* "Churn probability 3.1 % → 4.5 % (low → medium) since 7 Mar 2026". */
function historyTakeaway(hs) {
  const ch = hs.changes;
  if (!ch) return hs.note || '';
  const p = ch.churn_probability;
  const tier = ch.churn_tier.before !== ch.churn_tier.now ? ' (' + ch.churn_tier.before + ' → ' + ch.churn_tier.now + ')' : '';
  return 'Churn probability ' + fmtPct(p.before) + ' → ' + fmtPct(p.now) + tier + ' since ' + fmtDate(ch.from) + '.';
}

/* Probability and risk score at every recorded scoring, and the drivers that moved most since the one before. */
function historyCard(hs) {
  const points = hs.points || [];
  if (points.length === 0) {
    return h('section', {class: 'card', 'data-testid': 'account-history'},
      h('h2', null, 'Over time'), h('p', {class: 'muted', 'data-testid': 'account-history-note'}, hs.note || ''));
  }
  const moves = hs.changes ? hs.changes.churn_drivers.concat(hs.changes.upgrade_drivers) : [];
  const changes = hs.changes
    ? h('div', null, h('h3', null, 'What changed since ' + fmtDate(hs.changes.from)),
      moves.length ? h('ul', {'data-testid': 'account-history-changes'}, moves.map((m) => h('li', null, m.words)))
        : h('p', {class: 'muted'}, 'No driver moved.'))
    : h('p', {class: 'muted', 'data-testid': 'account-history-note'}, hs.note || '');
  const top = Math.max(...points.map((p) => p.churn_probability));
  const {card, canvas} = chartCard('chart-account-history', 'Over time', historyTakeaway(hs), 220, changes);
  card.dataset.testid = 'account-history';
  makeChart(canvas, {
    type: 'line',
    data: {
      labels: points.map((p) => fmtDate(p.as_of)),
      datasets: [
        {label: 'Churn probability', data: points.map((p) => p.churn_probability), borderColor: RAISES, backgroundColor: RAISES, yAxisID: 'y'},
        {label: 'Risk score (index)', data: points.map((p) => p.risk_score), borderColor: GREY, backgroundColor: GREY, yAxisID: 'y1',
          borderDash: [4, 4]},
      ],
    },
    options: {
      scales: {
        x: axis('Scored as of'),
        y: axis('Churn probability', {beginAtZero: true, position: 'left', ticks: {callback: (v) => fmtPct(v, top < 0.1 ? 1 : 0)}}),
        y1: axis('Risk score (0–1 index)', {beginAtZero: true, max: 1, position: 'right', grid: {drawOnChartArea: false}}),
      },
    },
  });
  return card;
}

/* The days S(t) is read at, as churn.survival.survival names them, and the x axis's ticks. */
const SURVIVAL_DAYS = [30, 90, 180, 365];
const SURVIVAL_TICKS = [0, 30, 90, 180, 270, 365];

/* "in a year" for 365 days, "in 90 days" otherwise. */
function survivalHorizon(day) {
  return day === 365 ? 'in a year' : 'in ' + day + ' days';
}

/* "212 days", or "beyond 365 days" when S stays above 0.5 all year. */
function survivalMedian(s) {
  return isNum(s.median_days_to_churn) ? plural(Math.round(s.median_days_to_churn), 'day') : s.median;
}

/* Why there is no "churn before the renewal": the renewal is today, past, beyond the year or unknown. */
function renewalGap(a) {
  const days = a.days_to_renewal;
  if (!a.renewal_date || !isNum(days)) return 'no renewal date known';
  if (days === 0) return 'the renewal is today';
  if (days < 0) return 'the renewal date has passed';
  return 'the renewal is ' + fmtDaysFromNow(days) + ', beyond the year the curve covers';
}

/*
 * "4.2 % chance still a customer in a year; 8.5 % chance of churning before
 * the renewal in 14 days; median time to churn 68 days."
 */
function survivalTakeaway(s) {
  const parts = [fmtPct(s.survival['365d']) + ' chance still a customer in a year'];
  if (isNum(s.churn_before_renewal) && isNum(s.renewal_in_days)) {
    parts.push(fmtPct(s.churn_before_renewal) + ' chance of churning before the renewal ' + fmtDaysFromNow(s.renewal_in_days));
  }
  parts.push('median time to churn ' + survivalMedian(s));
  return parts.join('; ') + '.';
}

/*
 * Time to churn: the survival model's S(t) for the account, stepped every 15
 * days over the coming year, with the renewal marked, and S at 30, 90, 180
 * and 365 days beside it. Without a survival model (or a curve for this
 * account) the card says so and the rest of the page is drawn as usual.
 */
function survivalCurveCard(c) {
  const s = c.churn.survival;
  const curve = c.survival_curve;
  if (!s || !Array.isArray(curve) || !curve.length) {
    const hasModel = c.churn.model_versions && c.churn.model_versions.survival;
    return h('section', {class: 'card', 'data-testid': 'account-survival'},
      h('h2', null, 'Time to churn'),
      h('p', {class: 'muted', 'data-testid': 'survival-none'}, hasModel
        ? 'The survival model gives no curve for this account, so there is no time to churn to show.'
        : withCode('The model set in use has no survival model (it was trained without one, or before there were any), so ' +
          'there is no time to churn to show. `tenure train` adds one when the history has churn to learn from.')));
  }
  const figure = (testid, text, raw, extra) => h('span', Object.assign({'data-testid': testid,
    'data-value': isNum(raw) ? String(raw) : null}, extra || {}), text);
  const renews = isNum(s.churn_before_renewal) && isNum(s.renewal_in_days);
  const facts = definitionList([
    ...SURVIVAL_DAYS.map((day) => ['Still a customer ' + survivalHorizon(day),
      figure('survival-' + day + 'd', fmtPct(s.survival[day + 'd']), s.survival[day + 'd'])]),
    ['Median time to churn', figure('survival-median', survivalMedian(s), s.median_days_to_churn)],
    ['Churn before the renewal', renews
      ? figure('survival-renewal', fmtPct(s.churn_before_renewal) + ' (renewal ' + fmtDaysFromNow(s.renewal_in_days) + ')',
        s.churn_before_renewal, {'data-days': String(s.renewal_in_days)})
      : figure('survival-renewal', renewalGap(c.account || {}), null, {class: 'muted'})],
  ]);
  const note = h('p', {class: 'muted small', 'data-testid': 'survival-note'},
    'The survival model (' + s.model + ') is fitted apart from the churn model: its own 90-day churn, ' +
    fmtPct(s.churn_within_90d) + ', need not match the churn probability above (' + fmtPct(c.churn.churn_probability) +
    '). S(t) read every 15 days' + (renews ? '; dashed: the renewal.' : '.'));
  const takeaway = survivalTakeaway(s);
  const {card, canvas} = chartCard('chart-survival', 'Time to churn', takeaway, 240,
    h('div', {class: 'chart-side'}, facts, note));
  card.classList.add('with-side');
  card.dataset.testid = 'account-survival';
  canvas.setAttribute('aria-label', 'Time to churn. ' + takeaway + ' Probability of still being a customer: ' +
    SURVIVAL_DAYS.map((day) => fmtPct(s.survival[day + 'd']) + ' ' + survivalHorizon(day)).join(', ') + '.');
  makeChart(canvas, {
    type: 'line',
    data: {datasets: [{label: 'Still a customer', series: 'survival', data: curve.map(([x, y]) => ({x, y})),
      stepped: 'before', borderColor: ACCENT, backgroundColor: alpha(ACCENT, 0.1), borderWidth: 2, pointRadius: 0,
      pointHoverRadius: 3, fill: 'origin'}]},
    options: {
      parsing: false,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      scales: {
        x: axis('Days from ' + fmtDate(c.as_of), {type: 'linear', min: 0, max: 365,
          afterBuildTicks: (scale) => { /* 0 and 30 crowd each other on a phone */
            scale.ticks = SURVIVAL_TICKS.filter((day) => day !== 30 || scale.chart.width >= 480).map((value) => ({value}));
          }}),
        y: pctAxis('Still a customer', {min: 0, max: 1}),
      },
      plugins: {
        legend: {display: false},
        guideLines: {lines: renews ? [{axis: 'x', value: s.renewal_in_days, colour: '#b45309', label: 'renewal', bottom: true}] : []},
        tooltip: {callbacks: {label: (t) => 'Day ' + t.raw.x + ': ' + fmtPct(t.raw.y) + ' still a customer'}},
      },
    },
  });
  return card;
}

function accountShapCard(testid, title, features, what) {
  const raising = features.filter((f) => f.shap_impact > 0).length;
  const strongest = features[0];
  const takeaway = strongest
    ? raising + ' of ' + features.length + ' drivers raise the ' + what + ' probability; strongest: ' + (strongest.label || human(strongest.feature)) +
      ' = ' + fmtValue(strongest.value) + ' (' + (strongest.shap_impact > 0 ? 'raises' : 'lowers') + ' it).'
    : 'No drivers reported.';
  const {card, canvas} = chartCard(testid, title, takeaway, 70 + features.length * 30,
    h('p', {class: 'muted small'}, h('span', {class: 'swatch', style: 'background:' + RAISES}), ' raises the probability   ',
      h('span', {class: 'swatch', style: 'background:' + LOWERS}), ' lowers it'));
  makeChart(canvas, {
    type: 'bar',
    data: {
      labels: features.map((f) => (f.label || human(f.feature)) + ' = ' + fmtValue(f.value)),
      datasets: [{label: 'SHAP impact', data: features.map((f) => f.shap_impact),
        backgroundColor: features.map((f) => (f.shap_impact > 0 ? RAISES : LOWERS))}],
    },
    options: {
      indexAxis: 'y',
      scales: {
        x: axis('SHAP impact on the ' + what + ' log-odds'),
        y: axis('Feature = value', {ticks: {autoSkip: false, callback: wrapTick}}),
      },
      plugins: {legend: {display: false}, tooltip: {callbacks: {label: (c) => 'SHAP ' + (c.raw > 0 ? '+' : '') + fmtDec(c.raw, 3)}}},
    },
  });
  return card;
}

function fmtValue(v) {
  if (isNum(v)) return Number.isInteger(v) ? fmtInt(v) : String(Number(v.toPrecision(3)));
  return v == null ? '—' : String(v);
}

function usageCard(c) {
  const u = c.usage;
  const daily = u.daily_events_last_90d || [];
  const end = parseDay(c.as_of);
  /* Days are [as_of − 90, as_of): the last value is the day before the as-of date. */
  const labels = daily.map((_, i) => fmtShortDate(addDays(end, i - daily.length)));
  const sum = (a) => a.reduce((s, x) => s + x, 0);
  const last30 = sum(daily.slice(-30));
  const prev30 = sum(daily.slice(-60, -30));
  const change = prev30 ? ' (' + (last30 >= prev30 ? '+' : '−') + fmtPct(Math.abs(last30 - prev30) / prev30, 0) + ')' : '';
  const takeaway = u.total_events === 0 || u.days_since_last_event == null
    ? 'No events yet: nobody has used the product since signup.'
    : plural(last30, 'event') + ' in the last 30 days vs ' + fmtInt(prev30) + ' in the 30 before' + change +
      '; last event ' + plural(u.days_since_last_event, 'day') + ' ago.';
  const decay = isNum(u.usage_decay_score) ? fmtDec(u.usage_decay_score, 2)
    : h('span', {class: 'muted', 'data-testid': 'usage-decay-unknown'}, 'unknown: ' + (u.usage_decay_unknown || 'no history'));
  const facts = definitionList([
    ['Events, last 7 / 30 days', fmtInt(u.events_last_7d) + ' / ' + fmtInt(u.events_last_30d)],
    ['Events since signup', fmtInt(u.total_events)],
    ['Adoption score since signup', fmtDec(u.avg_adoption_score, 2)],
    ['Usage decay (last 30 vs previous 30 days)', decay],
  ]);
  const {card, canvas} = chartCard('chart-usage', 'Product usage, last 90 days', takeaway, 240, facts);
  makeChart(canvas, {
    type: 'bar',
    data: {labels, datasets: [{label: 'Events', data: daily, backgroundColor: ACCENT, barPercentage: 1, categoryPercentage: 0.9}]},
    options: {
      scales: {
        x: axis('Date', {ticks: {maxRotation: 0, autoSkip: true, maxTicksLimit: 7}, grid: {display: false}}),
        y: axis('Events per day', {beginAtZero: true, ticks: {precision: 0}}),
      },
      plugins: {legend: {display: false}},
    },
  });
  return card;
}

function supportCard(s) {
  const tickets = s.recent_tickets || [];
  return h('section', {class: 'card', 'data-testid': 'account-support'},
    h('h2', null, 'Support'),
    h('p', {class: 'takeaway'}, 'Last 30 days: ' + plural(s.tickets_last_30d, 'ticket') + ', ' + fmtInt(s.high_priority_last_30d) +
      ' high priority. Since signup: ' + fmtInt(s.high_priority_tickets) + ' high priority; mean resolution ' +
      (isNum(s.mean_resolution_hours) ? fmtDec(s.mean_resolution_hours, 1) + ' h' : '—') + '.'),
    table('tickets-table', ['Opened', 'Priority', 'Topic', 'Resolved in'],
      tickets.map((t) => [fmtDate(t.created_date), badge(t.priority), human(t.topic),
        isNum(t.resolution_hours) ? fmtDec(t.resolution_hours, 0) + ' h' : h('span', {class: 'muted'}, 'open')]),
      'No support tickets.'));
}

function opportunitiesCard(g) {
  return h('section', {class: 'card', 'data-testid': 'account-opportunities'},
    h('h2', null, 'Open opportunities'),
    h('p', {class: 'takeaway'}, fmtInt(g.open_opportunities) + ' open, ' + fmtMoney(g.open_pipeline_amount) + ' pipeline.'),
    table('opportunities-table', ['Type', 'Stage', 'Amount', 'Close date', 'Owner'],
      g.opportunities.map((o) => [human(o.opportunity_type), cap(o.stage), fmtMoneyFull(o.amount), fmtDate(o.close_date),
        o.sales_owner || '—']),
      'No open opportunities.'));
}

/* ---- 12. Router and start-up ---- */

const ROUTES = [
  {pattern: /^#\/portfolio$/, nav: 'portfolio', open: () => runView('#/portfolio', 'Portfolio', () => loadAnalytics('portfolio'), drawPortfolio)},
  {pattern: /^#\/survival$/, nav: 'survival', open: () => runView('#/survival', 'Survival', () => loadAnalytics('survival'), drawSurvival,
    describeSurvivalError)},
  {pattern: /^#\/models$/, nav: 'models', open: () => runView('#/models', 'Models', () => loadAnalytics('models'), drawModels)},
  {pattern: /^#\/queue(?:\?(.*))?$/, nav: 'queue', server: true, open: (m, hash) => {
    const state = queueState(m[1]);
    return runView(hash, 'Work queue', () => loadQueue(state), (page) => drawQueue(state, page));
  }},
  {pattern: /^#\/movers(?:\?since=([0-9-]+))?$/, nav: 'movers', open: (m, hash) =>
    runView(hash, 'Movers', () => loadMovers(m[1]), drawMovers, describeMoversError)},
  {pattern: /^#\/account\/([^?]+)$/, nav: 'queue', server: true, open: (m, hash) => {
    const id = safeDecode(m[1]);
    return runView(hash, 'Account', () => loadAccount(id), drawAccount, describeAccountError(id));
  }},
];

function describeSurvivalError(err) {
  if (err instanceof ApiError && err.status === 503 && err.code !== 'not_ready') {
    const then = REPORT ? 'then `tenure report` again' : 'then reload the server';
    return 'No survival analysis yet: run `tenure analyze`, ' + then + '. (' + err.message + ')';
  }
  return null;
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    return text;
  }
}

function route() {
  const hash = !location.hash || location.hash === '#' || location.hash === '#/' ? '#/portfolio' : location.hash;
  const found = ROUTES.map((r) => ({r, m: hash.match(r.pattern)})).find((x) => x.m);
  markNav(found ? found.r.nav : '');
  if (!found) {
    startView(hash);
    showBanner('error', 'There is no page “' + hash + '”.', false);
    return;
  }
  if (found.r.server && REPORT) {
    startView(hash);
    showBanner('info', 'This offline report has no work queue or accounts: they need the Tenure server (`tenure serve`).', false);
    return;
  }
  found.r.open(found.m, hash);
}

function markNav(name) {
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/* The header's search: the work queue of the accounts it finds (the queue's own search box). */
function setupSearch() {
  const form = document.querySelector('[data-testid=account-search]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = searchText(form.elements.q.value);
    if (!text) return;
    form.reset(); /* the queue's own search box shows the text from here on */
    location.hash = queueHash({sort: 'churn_probability', plan: '', risk: '', offset: 0, q: text});
  });
}

function setupReportMode() {
  for (const node of document.querySelectorAll('.needs-server')) node.hidden = true;
  document.querySelector('[data-testid=nav-movers]').hidden = !REPORT.movers;
  const banner = document.querySelector('[data-testid=report-banner]');
  const asOf = REPORT.portfolio && REPORT.portfolio.as_of;
  append(banner, withCode('Offline report as of ' + (asOf ? fmtDate(asOf) : 'an unknown date') +
    ' — a snapshot written by `tenure report`; the work queue and accounts need the live server.'));
  banner.hidden = false;
}

function start() {
  if (typeof Chart === 'undefined') {
    showBanner('error', 'The chart library did not load; the dashboard cannot draw its charts.', false);
    return;
  }
  setupCharts();
  if (REPORT) setupReportMode();
  else setupSearch();
  window.addEventListener('hashchange', route);
  route();
}

start();
