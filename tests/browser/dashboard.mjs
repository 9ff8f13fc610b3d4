#!/usr/bin/env node
/*
 * tests/browser/dashboard.mjs — drives Tenure's dashboard in headless Chromium
 * (playwright-core from web/node_modules, the system's /usr/bin/chromium) and
 * checks every view against the API's own answers: among them the work
 * queue's account names, owners and search (by a part of a name, by the start
 * of an id), the Customer 360's account header, its brief (with the copy
 * button) and its time to churn (the survival curve).
 *
 *   node tests/browser/dashboard.mjs --base http://127.0.0.1:8790 \
 *        --report /tmp/dev/reports/index.html --artifacts /tmp/shots [--api-key KEY]
 *
 * Prints "ok: …", "FAIL: …" (or "skip: …") per check, then
 * "dashboard: N checks, M failed"; exits 1 on any failure or after 60 s.
 * Full-page screenshots of each view go to --artifacts.
 */
import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const { chromium } = await import(new URL('../../web/node_modules/playwright-core/index.mjs', import.meta.url));

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    report: { type: 'string' },
    artifacts: { type: 'string' },
    'api-key': { type: 'string' },
    'new-account': { type: 'string' },
    'early-account': { type: 'string' },
    'history-account': { type: 'string' },
  },
});
if (!args.base || !args.artifacts) {
  console.error('usage: dashboard.mjs --base URL --artifacts DIR [--report FILE] [--api-key KEY] [--new-account ID] [--early-account ID] [--history-account ID]');
  process.exit(2);
}
const BASE = args.base.replace(/\/+$/, '');
const KEY = args['api-key'] || null;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const OVERALL_TIMEOUT_MS = 60000;

/* ---- checks and assertions ---- */

let checks = 0;
let failed = 0;

async function check(name, fn) {
  checks++;
  try {
    await fn();
    console.log('ok: ' + name);
  } catch (err) {
    failed++;
    console.log('FAIL: ' + name + ' — ' + String(err && err.message ? err.message : err).split('\n')[0]);
  }
}

function skip(name, why) {
  console.log('skip: ' + name + ' (' + why + ')');
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(what + ': expected ' + e.slice(0, 300) + ', got ' + a.slice(0, 300));
}

/* ---- the API, from Node ---- */

async function api(pathAndQuery, options = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
  if (KEY) headers.Authorization = 'Bearer ' + KEY;
  const response = await fetch(BASE + pathAndQuery, Object.assign({}, options, { headers }));
  const body = await response.json();
  return { status: response.status, body };
}

async function apiOk(pathAndQuery, options) {
  const { status, body } = await api(pathAndQuery, options);
  if (status === 401 && !KEY) throw new Error(pathAndQuery + ' answered 401: the server wants an API key (--api-key)');
  if (status !== 200) throw new Error(pathAndQuery + ' answered ' + status + ' ' + JSON.stringify(body).slice(0, 200));
  return body;
}

/* ---- the page ---- */

/* Records console errors/warnings, page errors, failed requests and HTTP errors. */
function watch(page) {
  const log = { problems: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') log.problems.push('console ' + msg.type() + ': ' + msg.text());
  });
  page.on('pageerror', (err) => log.problems.push('page error: ' + err.message));
  page.on('requestfailed', (req) => log.problems.push('request failed: ' + req.url() + ' ' + (req.failure() || {}).errorText));
  page.on('response', (res) => {
    if (res.status() >= 400) log.problems.push('HTTP ' + res.status() + ' ' + res.url());
  });
  page.on('request', (req) => log.requests.push(req.url()));
  return log;
}

async function resetLog(log) {
  await new Promise((resolve) => setTimeout(resolve, 150));
  log.problems.length = 0;
  log.requests.length = 0;
}

function expectClean(log) {
  expect(log.problems.length === 0, log.problems.length + ' problem(s): ' + log.problems.slice(0, 3).join(' | '));
}

/* Waits until the view has drawn `hash` (state ready, error or auth); throws unless the state is wanted. */
async function waitView(page, hash, wanted = 'ready') {
  await page.waitForFunction(
    (h) => {
      const v = document.querySelector('[data-testid=view]');
      return v && v.dataset.route === h && v.dataset.state !== 'loading';
    },
    hash,
    { timeout: 10000 },
  );
  const state = await page.evaluate(() => document.querySelector('[data-testid=view]').dataset.state);
  if (state !== wanted) {
    const banner = await page.evaluate(() => (document.querySelector('[data-testid=error-banner]') || {}).textContent || '');
    throw new Error(hash + ' ended in state ' + state + ' (wanted ' + wanted + ') ' + banner.slice(0, 200));
  }
}

/* Loads BASE/hash: a reload when the page is already there, else a (hash) navigation. */
async function visit(page, hash, wanted = 'ready') {
  const url = BASE + '/' + hash;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await waitView(page, hash, wanted);
}

/* Navigates inside the page (no reload), e.g. in the offline report. */
async function navigate(page, hash, wanted = 'ready') {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
  await waitView(page, hash, wanted);
}

async function currentHash(page) {
  return page.evaluate(() => location.hash);
}

/* What a chart shows, read back through Chart.getChart(canvas). */
async function chart(page, testid) {
  const info = await page.evaluate((id) => {
    const canvas = document.querySelector('[data-testid="' + id + '"]');
    if (!canvas) return null;
    const c = window.Chart && Chart.getChart(canvas);
    if (!c) return { noChart: true };
    const card = canvas.closest('.card');
    const axes = {};
    for (const [name, scale] of Object.entries(c.options.scales || {})) {
      axes[name] = scale.title && scale.title.display ? scale.title.text : '';
    }
    return {
      type: c.config.type,
      labels: c.data.labels || [],
      title: card && card.querySelector('h2') ? card.querySelector('h2').textContent : '',
      takeaway: card && card.querySelector('[data-testid=takeaway]') ? card.querySelector('[data-testid=takeaway]').textContent : '',
      axes,
      xType: c.scales.x ? c.scales.x.type : null,
      width: canvas.getBoundingClientRect().width,
      datasets: c.data.datasets.map((d) => ({
        label: d.label, n: d.data.length, band: Boolean(d.band), peak: Boolean(d.peak), reference: Boolean(d.reference),
        group: d.group == null ? null : d.group, series: d.series || null, stepped: d.stepped || false,
        data: d.data.length <= 120 ? d.data : null,
        colours: Array.isArray(d.backgroundColor) ? d.backgroundColor : null,
      })),
    };
  }, testid);
  expect(info, 'no canvas [data-testid=' + testid + ']');
  expect(!info.noChart, testid + ' has no Chart.js chart');
  expect(info.title.trim() && info.takeaway.trim(), testid + ' lacks a title or takeaway');
  expect(info.axes.x && info.axes.y, testid + ' lacks axis titles: ' + JSON.stringify(info.axes));
  expect(!/NaN|undefined|Infinity/.test(info.takeaway), testid + ' takeaway reads "' + info.takeaway + '"');
  return info;
}

function series(info) {
  return info.datasets.filter((d) => !d.band && !d.reference && !d.peak);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(args.artifacts, name + '.png'), fullPage: true });
}

async function texts(page, selector) {
  return page.$$eval(selector, (nodes) => nodes.map((n) => n.textContent.trim()));
}

async function attrs(page, selector, name) {
  return page.$$eval(selector, (nodes, a) => nodes.map((n) => n.getAttribute(a)), name);
}

/* ---- the checks, one group per view ---- */

async function checkApiKeyPrompt(page, log) {
  if (!KEY) {
    skip('api key prompt', 'no --api-key given');
    return;
  }
  await check('api key: the first visit asks for the key, a wrong key is refused, the right one shows the portfolio', async () => {
    await visit(page, '#/portfolio', 'auth');
    await page.fill('[data-testid=auth-key]', 'not-the-key-' + Date.now());
    await page.click('[data-testid=auth-submit]');
    await waitView(page, '#/portfolio', 'auth');
    expect(await page.isVisible('[data-testid=auth-refused]'), 'no "refused" message after a wrong key');
    await shot(page, 'api-key-prompt');
    await page.fill('[data-testid=auth-key]', KEY);
    await page.click('[data-testid=auth-submit]');
    await waitView(page, '#/portfolio', 'ready');
    const stored = await page.evaluate(() => sessionStorage.getItem('tenure.apiKey'));
    expect(stored === KEY, 'the key is not kept in sessionStorage');
  });
  await resetLog(log);
}

async function checkPortfolio(page, log) {
  const p = await apiOk('/analytics/portfolio');
  await check('portfolio: loads at 1280×800 with no console error or warning, no failed request', async () => {
    await resetLog(log);
    await visit(page, '#/portfolio');
    expectClean(log);
  });
  await check('portfolio: KPI values equal GET /analytics/portfolio', async () => {
    const kpis = {
      customers: p.customers, active: p.active, 'churn-rate': p.churn_rate,
      arr: p.arr, 'arr-at-risk': p.arr_at_risk, 'expansion-pipeline': p.expansion_pipeline,
    };
    for (const [name, expected] of Object.entries(kpis)) {
      const sel = '[data-testid=kpi-' + name + '-value]';
      const raw = await page.getAttribute(sel, 'data-value');
      const text = (await page.textContent(sel)).trim();
      expect(Number(raw) === expected, 'kpi ' + name + ' = ' + raw + ', API says ' + expected);
      expect(text && !/NaN|undefined/.test(text), 'kpi ' + name + ' shows "' + text + '"');
    }
  });
  await check('portfolio: the next-90-days card shows the forecast of GET /analytics/portfolio', async () => {
    const f = p.forecast;
    expect(f && f.horizon_days === 90 && f.accounts === p.active, 'the forecast covers ' + (f && f.accounts) + ' of ' + p.active + ' active accounts');
    const rows = {'churned-logos': f.churned_logos, 'churned-arr': f.churned_arr, 'expansion-arr': f.expansion_arr,
      grr: f.gross_revenue_retention, nrr: f.net_revenue_retention};
    for (const [name, interval] of Object.entries(rows)) {
      const raw = await page.getAttribute('[data-testid=forecast-' + name + '-expected]', 'data-value');
      expect(Number(raw) === interval.expected, 'forecast ' + name + ' = ' + raw + ', API says ' + interval.expected);
    }
    for (const [low, high] of [f.churned_logos.p80, f.churned_logos.p95, f.churned_arr.p80]) {
      expect(low <= high, 'an interval runs backwards: ' + low + ' – ' + high);
    }
    expect(f.churned_logos.p95[0] <= f.churned_logos.p80[0] && f.churned_logos.p80[1] <= f.churned_logos.p95[1], 'the 95 % interval holds the 80 % one');
    const logos = (await page.textContent('[data-testid=forecast-churned-logos-p80]')).trim();
    const want = f.churned_logos.p80.map((n) => n.toLocaleString('en-US')).join(' – ');
    expect(logos === want, 'accounts churning, 80 %: "' + logos + '", expected "' + want + '"');
    const grr = (await page.textContent('[data-testid=forecast-grr-p80]')).trim();
    const pct = (v) => (v * 100).toFixed(1) + '\u00a0%';
    expect(grr === pct(f.gross_revenue_retention.p80[0]) + ' – ' + pct(f.gross_revenue_retention.p80[1]), 'GRR 80 %: "' + grr + '"');
  });
  await check('portfolio: the what-if shows GET /analytics/interventions for the accounts and rate typed', async () => {
    const first = await apiOk('/analytics/interventions?accounts=20');
    await page.waitForFunction((v) => {
      const n = document.querySelector('[data-testid=what-if-sentence]');
      return n && n.getAttribute('data-value') === v;
    }, String(first.expected_arr_saved), { timeout: 5000 });
    await page.fill('[data-testid=what-if-accounts]', '7');
    await page.fill('[data-testid=what-if-rate]', '25');
    const w = await apiOk('/analytics/interventions?accounts=7&save_rate=0.25');
    await page.waitForFunction((v) => {
      const n = document.querySelector('[data-testid=what-if-sentence]');
      return n && n.getAttribute('data-value') === v;
    }, String(w.expected_arr_saved), { timeout: 5000 });
    const sentence = (await page.textContent('[data-testid=what-if-sentence]')).trim();
    expect(sentence.startsWith('If we reach the top 7 accounts and save 25\u00a0% of those who would churn, we keep $'),
      'the what-if reads "' + sentence + '"');
    const links = await attrs(page, '[data-testid=what-if-table] tbody tr td:first-child a', 'href');
    expectEqual(links, w.accounts_listed.map((r) => '#/account/' + encodeURIComponent(r.customer.customer_id)), 'the what-if lists the API\'s accounts in order');
  });
  await check('portfolio: risk-tier chart, heatmap and quadrant scatter carry the API data', async () => {
    const tiers = await chart(page, 'chart-risk-tiers');
    expectEqual(series(tiers).map((d) => d.n), [3, 3, 3, 3], 'risk-tier points per tier');
    const cells = await attrs(page, '[data-testid=heatmap-cell]', 'data-value');
    const expected = p.heatmap.mean_churn_probability.flat().map((v) => (v == null ? 'null' : String(v)));
    expectEqual(cells, expected, 'heatmap cells');
    const quadrant = await chart(page, 'chart-quadrant');
    const points = series(quadrant).reduce((s, d) => s + d.n, 0);
    expect(points === p.scatter.churn_probability.length, 'scatter has ' + points + ' dots, API ' + p.scatter.churn_probability.length);
    expect(series(quadrant).length === p.quadrants.length, 'one dataset per quadrant');
  });
  await check('portfolio: the risk-tier legend gives each tier its probabilities and says what they are read against', async () => {
    const cuts = p.tiers.churn_probability;
    const rows = await page.$$eval('[data-testid=risk-tier-table] tbody tr', (trs) => trs.map((tr) => tr.cells[1].textContent.trim()));
    const pct = (v) => (v * 100).toFixed(1) + '\u00a0%';
    expectEqual(rows.length, 4, 'four tiers');
    expect(rows[0] === 'below ' + pct(cuts.medium), 'low reads "' + rows[0] + '", cut-off ' + cuts.medium);
    expect(rows[3] === pct(cuts.critical) + ' and above', 'critical reads "' + rows[3] + '", cut-off ' + cuts.critical);
    const basis = await page.textContent('[data-testid=risk-tier-basis]');
    expect(cuts.basis !== 'base_rate' || basis.includes('base rate, ' + pct(cuts.base_rate)),
      'the legend names the base rate ' + cuts.base_rate + ': "' + basis + '"');
  });
  await shot(page, 'portfolio');
}

async function checkSurvival(page, log) {
  const { status, body: s } = await api('/analytics/survival');
  await resetLog(log);
  if (status === 503) {
    await check('survival: without an analysis the view says to run tenure analyze', async () => {
      await visit(page, '#/survival', 'error');
      const text = await page.textContent('[data-testid=error-banner]');
      expect(/tenure analyze/.test(text), 'banner reads "' + text + '"');
    });
    await resetLog(log);
    return;
  }
  await check('survival: loads with no console error or warning', async () => {
    await visit(page, '#/survival');
    expectClean(log);
  });
  const kmCheck = async (testid, split) => {
    const km = await chart(page, testid);
    const lines = series(km);
    expectEqual(lines.map((d) => d.group), split.groups.map((g) => g.group), testid + ' line series (groups)');
    for (const [i, g] of split.groups.entries()) {
      expect(lines[i].n === g.curve.day.length + 1, testid + ' ' + g.group + ': ' + lines[i].n + ' points for ' + g.curve.day.length + ' curve days');
    }
    expect(km.xType === 'linear' && lines.every((d) => d.stepped), testid + ': x axis ' + km.xType + ', stepped ' + lines.map((d) => d.stepped));
    const bands = km.datasets.filter((d) => d.band);
    expect(bands.length === 2 * split.groups.length && bands.every((d) => d.n > 0), testid + ': ' + bands.length + ' band series');
  };
  await check('survival: KM by plan tier has one line per group (with CI bands)', () => kmCheck('chart-km-plan', s.kaplan_meier.by_plan_tier));
  await check('survival: KM by integration bucket has one line per group (with CI bands)',
    () => kmCheck('chart-km-integration', s.kaplan_meier.by_integration_bucket));
  await check('survival: hazard chart has the smoothed hazard and marks its peak', async () => {
    const hz = await chart(page, 'chart-hazard');
    expect(series(hz)[0].n === s.hazard.smoothed.length, 'hazard points ' + series(hz)[0].n);
    const peak = hz.datasets.find((d) => d.peak);
    expect(peak && peak.data[0].x === s.hazard.peak.day, 'peak marker ' + JSON.stringify(peak && peak.data));
    expect(hz.takeaway.includes('day ' + s.hazard.peak.day.toLocaleString('en-US')), 'takeaway "' + hz.takeaway + '"');
  });
  await check('survival: correlation chart has measured and published series', async () => {
    const cor = await chart(page, 'chart-correlations');
    const byName = Object.fromEntries(cor.datasets.map((d) => [d.series, d]));
    expect(cor.datasets.length === 2 && byName.measured && byName.published, 'series ' + cor.datasets.map((d) => d.label));
    expectEqual(byName.measured.data, s.correlations.map((c) => c.r), 'measured r');
    expectEqual(byName.published.data, s.correlations.map((c) => c.published_r), 'published r');
  });
  await shot(page, 'survival');
}

async function queueRows(page) {
  return attrs(page, '[data-testid=queue-row]', 'data-id');
}

async function followHash(page, part) {
  await page.waitForFunction((p) => location.hash.includes(p), part, { timeout: 5000 });
  const hash = await currentHash(page);
  await waitView(page, hash);
}

async function checkQueue(page, log) {
  const first = await apiOk('/customers?limit=20');
  await check('queue: the first page equals GET /customers (ids in order)', async () => {
    await resetLog(log);
    await visit(page, '#/queue');
    expectEqual(await queueRows(page), first.customers.map((c) => c.customer_id), 'ids');
    expectClean(log);
  });
  await check('queue: the names and owners shown are the API\'s (the id\'s start where there is no name)', async () => {
    expect(first.customers.length > 0 && first.customers.every((c) => c.name && c.owner), 'the API page has unnamed accounts');
    expectEqual(await texts(page, '[data-testid=queue-name]'), first.customers.map((c) => c.name || c.customer_id.slice(0, 8) + '…'), 'names');
    expectEqual(await texts(page, '[data-testid=queue-owner]'), first.customers.map((c) => c.owner || '—'), 'owners');
  });
  await check('queue: searching a part of a name shows what GET /customers?q= finds', async () => {
    await resetLog(log);
    const fragment = first.customers[0].name.split(' ')[1].toLowerCase();
    const found = await apiOk('/customers?limit=20&q=' + encodeURIComponent(fragment));
    expect(found.total > 1, 'the API found ' + found.total + ' for ' + fragment);
    await page.fill('[data-testid=queue-search-input]', ' ' + fragment + ' ');
    await page.click('[data-testid=queue-search-submit]');
    await followHash(page, 'q=' + fragment);
    expectEqual(await queueRows(page), found.customers.map((c) => c.customer_id), 'ids');
    expectEqual(await texts(page, '[data-testid=queue-name]'), found.customers.map((c) => c.name), 'names');
    expect(Number(await page.getAttribute('[data-testid=queue-range]', 'data-total')) === found.total, 'total');
    await page.click('[data-testid=queue-search-clear]');
    await page.waitForFunction(() => location.hash === '#/queue', null, { timeout: 5000 });
    await waitView(page, '#/queue');
    expectEqual(await queueRows(page), first.customers.map((c) => c.customer_id), 'ids after Clear');
    expectClean(log);
  });
  await check('header search: the start of a customer id, in capitals, shows what GET /customers?q= finds', async () => {
    const target = first.customers[1];
    const prefix = target.customer_id.slice(0, 8);
    const found = await apiOk('/customers?limit=20&q=' + encodeURIComponent(prefix));
    expect(found.customers.some((c) => c.customer_id === target.customer_id), 'the API did not find ' + target.customer_id);
    await visit(page, '#/portfolio');
    await page.fill('[data-testid=account-search-input]', prefix.toUpperCase());
    await page.press('[data-testid=account-search-input]', 'Enter');
    await followHash(page, 'q=' + prefix.toUpperCase());
    expectEqual(await queueRows(page), found.customers.map((c) => c.customer_id), 'ids');
    expectEqual(await page.inputValue('[data-testid=queue-search-input]'), prefix.toUpperCase(), 'the queue\'s search box');
  });
  await check('queue: searching the start of a CRM id with a plan filter shows what the API finds', async () => {
    const crm = (await apiOk('/customers/' + encodeURIComponent(first.customers[0].customer_id))).account.crm_id;
    expect(crm, 'no CRM id');
    const plan = first.customers[0].plan_tier;
    const found = await apiOk('/customers?limit=20&plan_tier=' + plan + '&q=' + encodeURIComponent(crm.slice(0, 13)));
    await visit(page, '#/queue?q=' + encodeURIComponent(crm.slice(0, 13)) + '&plan_tier=' + plan);
    expectEqual(await queueRows(page), found.customers.map((c) => c.customer_id), 'ids');
    expect(found.customers.some((c) => c.customer_id === first.customers[0].customer_id), 'the API did not find the CRM id');
    await page.fill('[data-testid=queue-search-input]', 'zzzz-no-such-account');
    await page.click('[data-testid=queue-search-submit]');
    await followHash(page, 'q=zzzz');
    const empty = await page.textContent('[data-testid=queue-empty]');
    expect(empty.includes('zzzz-no-such-account'), 'empty state "' + empty + '"');
    await shot(page, 'queue-search-empty');
    await visit(page, '#/queue');
  });
  await check('queue: clicking the "ARR at risk" header sorts like sort=arr_at_risk', async () => {
    const api2 = await apiOk('/customers?limit=20&sort=arr_at_risk');
    await page.click('[data-testid=sort-arr_at_risk]');
    await followHash(page, 'sort=arr_at_risk');
    expectEqual(await queueRows(page), api2.customers.map((c) => c.customer_id), 'ids');
    expect(await page.getAttribute('[data-testid=sort-arr_at_risk]', 'class').then((c) => c.includes('active')), 'header not marked');
  });
  await check('queue: filtering plan tier enterprise shows only enterprise rows and the API total', async () => {
    const api3 = await apiOk('/customers?limit=20&sort=arr_at_risk&plan_tier=enterprise');
    await page.selectOption('[data-testid=queue-filter-plan]', 'enterprise');
    await followHash(page, 'plan_tier=enterprise');
    expectEqual(await queueRows(page), api3.customers.map((c) => c.customer_id), 'ids');
    const plans = await texts(page, '[data-testid=queue-row] td:nth-child(3)');
    expect(plans.length > 0 && plans.every((t) => t === 'Enterprise'), 'plan cells ' + [...new Set(plans)]);
    expect(Number(await page.getAttribute('[data-testid=queue-range]', 'data-total')) === api3.total, 'total');
    const range = await page.textContent('[data-testid=queue-range]');
    expect(range.endsWith('of ' + api3.total.toLocaleString('en-US')), 'range "' + range + '"');
  });
  await check('queue: Next shows the offset=20 page and "21–40 of N"', async () => {
    const next = await apiOk('/customers?limit=20&offset=20');
    await visit(page, '#/queue');
    expect(await page.isDisabled('[data-testid=queue-prev]'), 'Prev enabled on the first page');
    await page.click('[data-testid=queue-next]');
    await followHash(page, 'offset=20');
    expectEqual(await queueRows(page), next.customers.map((c) => c.customer_id), 'ids');
    const range = (await page.textContent('[data-testid=queue-range]')).trim();
    const last = 20 + next.customers.length;
    expectEqual(range, '21–' + last.toLocaleString('en-US') + ' of ' + next.total.toLocaleString('en-US'), 'range text');
    expectClean(log);
  });
  await visit(page, '#/queue');
  await shot(page, 'queue');
  await visit(page, '#/queue?q=' + encodeURIComponent(first.customers[0].name.split(' ')[1]));
  await shot(page, 'queue-search');
  await visit(page, '#/queue');
  return first.customers;
}

async function checkAccount(page, log, customers) {
  const target = customers[Math.min(2, customers.length - 1)];
  const c360 = await apiOk('/customers/' + encodeURIComponent(target.customer_id));
  await check('account: clicking a queue row opens #/account/{id} with the API churn probability', async () => {
    await resetLog(log);
    await page.click('[data-testid=queue-row][data-id="' + target.customer_id + '"] td:nth-child(5)');
    const hash = '#/account/' + encodeURIComponent(target.customer_id);
    await page.waitForFunction((h) => location.hash === h, hash, { timeout: 5000 });
    await waitView(page, hash);
    const prediction = await apiOk('/predictions/churn', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ customer_id: target.customer_id }),
    });
    const raw = await page.getAttribute('[data-testid=account-churn-probability]', 'data-value');
    expect(Number(raw) === prediction.churn_probability, 'page ' + raw + ', API ' + prediction.churn_probability);
    const text = await page.textContent('[data-testid=account-churn-probability]');
    expect(text.includes((prediction.churn_probability * 100).toFixed(1)), 'shown "' + text + '"');
    expectClean(log);
  });
  await check('account: the header shows the name, owner, renewal (with days to go) and CRM id of the API', async () => {
    const a = c360.account;
    expect(a.name && a.owner && a.renewal_date && a.crm_id, 'the API left account fields empty: ' + JSON.stringify(a));
    expectEqual((await page.textContent('[data-testid=account-name]')).trim(), a.name, 'name');
    expectEqual((await page.textContent('[data-testid=account-owner]')).trim(), a.owner, 'owner');
    expectEqual(await page.getAttribute('[data-testid=account-renewal]', 'data-value'), a.renewal_date, 'renewal date');
    expectEqual(Number(await page.getAttribute('[data-testid=account-renewal]', 'data-days')), a.days_to_renewal, 'days to renewal');
    const renewal = await page.textContent('[data-testid=account-renewal]');
    const days = a.days_to_renewal === 0 ? 'today' : 'in ' + a.days_to_renewal + ' day';
    expect(renewal.includes(days), 'renewal "' + renewal + '" lacks "' + days + '"');
    expectEqual((await page.textContent('[data-testid=account-crm-id]')).trim(), a.crm_id, 'CRM id');
    expectEqual(await page.title(), a.name + ' · Tenure', 'page title');
  });
  await check('account: SHAP charts have one signed bar per driver (red raises, blue lowers)', async () => {
    const churn = await chart(page, 'chart-shap-account-churn');
    const want = c360.churn.top_shap_features;
    expectEqual(churn.datasets[0].data, want.map((f) => f.shap_impact), 'churn SHAP bars');
    const reds = churn.datasets[0].colours.map((col, i) => (want[i].shap_impact > 0) === (col === '#dc2626'));
    expect(reds.every(Boolean), 'bar colours do not follow the sign: ' + churn.datasets[0].colours);
    if (c360.upgrade) {
      const up = await chart(page, 'chart-shap-account-upgrade');
      expect(up.datasets[0].n === c360.upgrade.top_shap_features.length, 'upgrade SHAP bars ' + up.datasets[0].n);
    }
  });
  await check('account: usage chart has 90 daily points with dates up to the day before as_of', async () => {
    const usage = await chart(page, 'chart-usage');
    expectEqual(usage.datasets[0].data, c360.usage.daily_events_last_90d, 'daily events');
    expect(usage.labels.length === 90, usage.labels.length + ' labels');
    const asOf = new Date(c360.as_of + 'T00:00:00Z');
    const dayBefore = new Date(asOf.getTime() - 86400000).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
    expect(usage.labels[89] === dayBefore, 'last label ' + usage.labels[89] + ', wanted ' + dayBefore);
  });
  await check('account: "Time to churn" draws the API\'s survival curve with its S(30/90/180/365), median and renewal', async () => {
    await checkSurvivalCard(page, c360);
  });
  await check('account: tickets, opportunities and recommended actions are shown', async () => {
    const tickets = c360.support.recent_tickets || [];
    const rows = await page.$$('[data-testid=tickets-table] tbody tr');
    expect(rows.length === tickets.length, rows.length + ' ticket rows, API ' + tickets.length);
    const opps = await page.$$('[data-testid=opportunities-table] tbody tr');
    expect(opps.length === c360.gtm.opportunities.length, opps.length + ' opportunity rows');
    const actions = await page.textContent('[data-testid=account-actions]');
    expect(actions.includes(c360.churn.recommended_action) && actions.includes(c360.conflict_matrix.action), 'actions missing');
  });
  await shot(page, 'account');
}

/* A probability as the page writes it: "12.3 %" (with a no-break space). */
function pagePct(p) {
  return (p * 100).toFixed(1) + '\u00a0%';
}

/* "in 14 days", "in 1 day", as the page writes the days to the renewal. */
function pageInDays(n) {
  return 'in ' + n.toLocaleString('en-US') + ' day' + (n === 1 ? '' : 's');
}

/* What the survival chart's canvas holds: its pixels, its y scale, its guide lines and its label. */
async function survivalCanvas(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid=chart-survival]');
    const c = Chart.getChart(canvas);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    let curve = 0; /* the accent blue of the line */
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] > 0) painted++;
      if (pixels[i + 3] > 200 && pixels[i] < 90 && pixels[i + 1] < 140 && pixels[i + 2] > 200) curve++;
    }
    return {
      painted, curve, size: canvas.width * canvas.height,
      y: [c.scales.y.min, c.scales.y.max], x: [c.scales.x.min, c.scales.x.max],
      lines: ((c.options.plugins.guideLines || {}).lines || []).map((l) => ({ axis: l.axis, value: l.value, label: l.label })),
      aria: canvas.getAttribute('aria-label'),
    };
  });
}

/*
 * The Customer 360's "Time to churn" against GET /customers/{id}: the curve
 * drawn (stepped, 0–100 %, 0–365 days, pixels on the canvas), the four S
 * values, the median and the churn before the renewal as the page formats
 * them, the renewal marked on the chart, and the figures in the canvas's label.
 */
async function checkSurvivalCard(page, c360) {
  const s = c360.churn.survival;
  expect(s && Array.isArray(c360.survival_curve), 'the API gives no survival curve for ' + c360.customer_id);
  const info = await chart(page, 'chart-survival');
  const line = series(info)[0];
  expectEqual(line.data, c360.survival_curve.map(([x, y]) => ({ x, y })), 'the curve');
  expect(info.xType === 'linear' && line.stepped, 'x axis ' + info.xType + ', stepped ' + line.stepped);
  const drawn = await survivalCanvas(page);
  expectEqual(drawn.y, [0, 1], 'the y axis (0–100 %)');
  expectEqual(drawn.x, [0, 365], 'the x axis (days)');
  expect(drawn.painted > drawn.size / 20 && drawn.curve > 100, 'the canvas is blank: ' + drawn.painted + ' painted pixels, ' +
    drawn.curve + ' of the curve, of ' + drawn.size);
  for (const day of [30, 90, 180, 365]) {
    const value = s.survival[day + 'd'];
    const testid = '[data-testid=survival-' + day + 'd]';
    expectEqual(await page.textContent(testid), pagePct(value), 'S(' + day + ') shown');
    expectEqual(Number(await page.getAttribute(testid, 'data-value')), value, 'S(' + day + ') data-value');
    expect(drawn.aria.includes(pagePct(value)), 'the canvas label lacks S(' + day + '): "' + drawn.aria + '"');
  }
  expect(info.takeaway.startsWith(pagePct(s.survival['365d']) + ' chance still a customer in a year'), 'takeaway "' + info.takeaway + '"');
  const median = s.median_days_to_churn === null ? s.median
    : Math.round(s.median_days_to_churn).toLocaleString('en-US') + (Math.round(s.median_days_to_churn) === 1 ? ' day' : ' days');
  expect((s.median_days_to_churn === null) === (s.median === 'beyond 365 days'), 'the API median ' + JSON.stringify(s));
  expectEqual(await page.textContent('[data-testid=survival-median]'), median, 'median shown');
  expect(info.takeaway.includes('median time to churn ' + median), 'takeaway "' + info.takeaway + '" lacks the median ' + median);
  const renewal = await page.textContent('[data-testid=survival-renewal]');
  if (s.renewal_in_days !== null) {
    const words = pagePct(s.churn_before_renewal) + ' chance of churning before the renewal ' + pageInDays(s.renewal_in_days);
    expect(info.takeaway.includes(words), 'takeaway "' + info.takeaway + '" lacks "' + words + '"');
    expectEqual(renewal, pagePct(s.churn_before_renewal) + ' (renewal ' + pageInDays(s.renewal_in_days) + ')', 'churn before the renewal');
    expectEqual(Number(await page.getAttribute('[data-testid=survival-renewal]', 'data-days')), s.renewal_in_days, 'its data-days');
    expectEqual(s.renewal_in_days, c360.account.days_to_renewal, 'the API\'s days to the renewal, in the header and the curve');
    expectEqual(drawn.lines, [{ axis: 'x', value: s.renewal_in_days, label: 'renewal' }], 'the renewal on the chart');
  } else {
    expect(s.churn_before_renewal === null, 'the API gives churn before an unknown renewal');
    expect(!renewal.includes('%') && !info.takeaway.includes('renewal'), 'renewal "' + renewal + '", takeaway "' + info.takeaway + '"');
    expectEqual(drawn.lines, [], 'guide lines without a renewal');
  }
}

/* The 360 of `id` with its answer changed by `edit` (a state this data set does not produce); the card's text. */
async function visitEdited(page, id, edit) {
  const hash = '#/account/' + encodeURIComponent(id);
  const path = '/customers/' + encodeURIComponent(id);
  const match = (url) => url.pathname === path;
  await page.route(match, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    edit(body);
    await route.fulfill({ response, json: body });
  });
  try {
    await visit(page, hash);
    return await page.textContent('[data-testid=account-survival]');
  } finally {
    await page.unroute(match);
  }
}

/* "Time to churn" when the renewal is today (no churn before it), and without a survival model. */
async function checkSurvivalGaps(page, log, customers) {
  const target = customers[Math.min(2, customers.length - 1)];
  const c360 = await apiOk('/customers/' + encodeURIComponent(target.customer_id));
  await check('account: "Time to churn" with the renewal today says so and marks no renewal', async () => {
    await resetLog(log);
    expect(c360.churn.survival, 'the API gives no survival summary');
    await visitEdited(page, target.customer_id, (body) => {
      Object.assign(body.churn.survival, { renewal_in_days: null, churn_before_renewal: null });
      Object.assign(body.account, { renewal_date: body.as_of, days_to_renewal: 0 });
    });
    expectEqual(await page.textContent('[data-testid=survival-renewal]'), 'the renewal is today', 'churn before the renewal');
    const info = await chart(page, 'chart-survival');
    expect(!info.takeaway.includes('renewal'), 'takeaway "' + info.takeaway + '"');
    expectEqual((await survivalCanvas(page)).lines, [], 'guide lines');
    expectEqual(await page.textContent('[data-testid=survival-365d]'), pagePct(c360.churn.survival.survival['365d']), 'S(365)');
    expectClean(log);
  });
  await check('account: without a survival model "Time to churn" says so, and the rest of the 360 is drawn', async () => {
    await resetLog(log);
    const text = await visitEdited(page, target.customer_id, (body) => {
      Object.assign(body, { survival_curve: null });
      Object.assign(body.churn, { survival: null });
      Object.assign(body.churn.model_versions, { survival: null });
    });
    expect(text.includes('has no survival model'), '"Time to churn" reads "' + text + '"');
    expect(!(await page.$('[data-testid=chart-survival]')), 'a survival chart is drawn');
    expectEqual((await chart(page, 'chart-usage')).datasets[0].data, c360.usage.daily_events_last_90d, 'the usage chart');
    expectClean(log);
    await shot(page, 'account-no-survival');
  });
}

/*
 * The Customer 360's brief: the API's text for each audience chosen, shown as
 * it is (the watermark its last line), and the copy button puts it in the
 * clipboard (granted here, as a user would).
 */
async function checkBrief(page, log, context, customers) {
  const target = customers[Math.min(2, customers.length - 1)];
  const brief = (audience) => apiOk('/summaries/customer', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customer_id: target.customer_id, audience }),
  });
  const shown = async (audience) => {
    await page.waitForSelector('[data-testid=brief-text][data-state=ready][data-audience=' + audience + ']', { timeout: 5000 });
    return page.evaluate(() => document.querySelector('[data-testid=brief-text]').textContent);
  };
  await check('account: the brief shows the API\'s text for each audience chosen, watermark last', async () => {
    await resetLog(log);
    await visit(page, '#/account/' + encodeURIComponent(target.customer_id));
    for (const audience of ['csm', 'account_executive', 'executive']) {
      if (audience !== 'csm') await page.selectOption('[data-testid=brief-audience]', audience);
      const expected = await brief(audience);
      expectEqual(await shown(audience), expected.text, audience + ' brief');
      expect(expected.text.endsWith('\n' + expected.watermark), audience + ': the watermark is not the last line');
      expectBusinessWords(expected.text, audience + ' brief');
    }
    expectClean(log);
  });
  await check('account: the copy button puts the brief in the clipboard', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await page.selectOption('[data-testid=brief-audience]', 'csm');
    const text = await shown('csm');
    await page.click('[data-testid=brief-copy]');
    await page.waitForSelector('[data-testid=brief-status][data-copied]', { timeout: 5000 });
    const how = await page.getAttribute('[data-testid=brief-status]', 'data-copied');
    if (how === 'clipboard') {
      expectEqual(await page.evaluate(() => navigator.clipboard.readText()), text, 'the clipboard');
    } else {
      expectEqual(await page.evaluate(() => String(window.getSelection())), text, 'the selection');
    }
    expect(how === 'clipboard', 'the text was selected, not copied: the clipboard was refused');
    await shot(page, 'account-brief');
  });
}

/* An account scored at two as-of dates at least: its probability over time, and what changed in words. */
async function checkHistory(page, id) {
  await check('account: "Over time" has a point per recorded scoring, and what changed lists the moved drivers in words', async () => {
    const hs = await apiOk('/customers/' + encodeURIComponent(id) + '/history');
    expect(hs.points.length >= 2 && hs.changes, 'the API has ' + hs.points.length + ' scorings of ' + id);
    await visit(page, '#/account/' + encodeURIComponent(id));
    const over = await chart(page, 'chart-account-history');
    expectEqual(over.datasets[0].data, hs.points.map((p) => p.churn_probability), 'churn probability per scoring');
    expectEqual(over.datasets[1].data, hs.points.map((p) => p.risk_score), 'risk score per scoring');
    expect(over.labels.length === hs.points.length, over.labels.length + ' dates, ' + hs.points.length + ' scorings');
    const moves = hs.changes.churn_drivers.concat(hs.changes.upgrade_drivers).map((m) => m.words);
    expect(moves.length > 0, 'no driver moved');
    expectEqual(await texts(page, '[data-testid=account-history-changes] li'), moves, 'moved drivers');
    expectBusinessWords(moves.join(' '), 'what changed');
    expect(over.takeaway.includes('since'), 'takeaway "' + over.takeaway + '"');
  });
  await shot(page, 'account-history');
}

/* The Movers view: the API's four lists, in its order, each mover with its reason. */
async function checkMovers(page) {
  await check('movers: each list shows the API movers in its order, with their reasons and counts', async () => {
    const mv = await apiOk('/movers');
    await visit(page, '#/movers');
    for (const key of ['entered_high_risk', 'probability_rose', 'expansion_ready', 'left_tier']) {
      const names = await texts(page, '[data-testid=movers-' + key + '] [data-testid=mover-name]');
      expectEqual(names, mv[key].map((m) => m.name || m.customer_id), key + ' names');
      const reasons = await texts(page, '[data-testid=movers-' + key + '] [data-testid=mover-reason]');
      expectEqual(reasons, mv[key].map((m) => m.reason), key + ' reasons');
      expectBusinessWords(reasons.join(' '), key + ' reasons');
      const count = await page.getAttribute('[data-testid=movers-count-' + key + '-value]', 'data-value');
      expectEqual(Number(count), mv.counts[key], key + ' count');
      if (!mv[key].length) expect(await page.$('[data-testid=movers-table-' + key + '-empty]'), key + ' says nobody moved');
    }
    const span = await page.textContent('[data-testid=movers-span]');
    expect(span.includes('points'), 'span "' + span + '"');
  });
  await shot(page, 'movers');
}

/* Words a CSM reads: no column name (snake_case) anywhere in the advice. */
function expectBusinessWords(text, where) {
  const names = text.match(/\b[a-z]+_[a-z0-9_]+\b/g);
  expect(!names, where + ' names columns: ' + (names || []).join(', '));
}

/* An account without events yet, and one in its first days: honest, and onboarding. */
async function checkNewAccounts(page, log) {
  const cases = [['new-account', args['new-account'], true], ['early-account', args['early-account'], false]];
  for (const [name, id, noEvents] of cases) {
    if (!id) continue;
    const c360 = await apiOk('/customers/' + encodeURIComponent(id));
    await check('account: ' + (noEvents ? 'an account with no events yet says so' : 'an account ' + c360.profile.tenure_days +
        ' days old') + ', leaves its usage decay unknown and advises onboarding', async () => {
      await resetLog(log);
      await visit(page, '#/account/' + encodeURIComponent(id));
      expect(c360.usage.usage_decay_score === null, 'API decay ' + c360.usage.usage_decay_score);
      const decay = await page.textContent('[data-testid=usage-decay-unknown]');
      expect(decay.includes(c360.usage.usage_decay_unknown), 'decay shows "' + decay + '"');
      const usage = await page.textContent('[data-testid=chart-usage-card] [data-testid=takeaway]');
      if (noEvents) {
        expect(c360.usage.total_events === 0 && c360.usage.days_since_last_event === null, 'API usage ' + JSON.stringify(c360.usage));
        expect(usage.startsWith('No events yet'), 'usage reads "' + usage + '"');
      } else {
        expect(/last event \d+ days? ago/.test(usage), 'usage reads "' + usage + '"');
      }
      const actions = await page.textContent('[data-testid=account-actions]');
      expect(!/re-engagement|workflows stopped/.test(c360.churn.recommended_action), 'retention advice "' + c360.churn.recommended_action + '"');
      expectBusinessWords(actions, 'the actions');
      const items = await texts(page, '[data-testid=account-actions] li');
      const bodies = items.map((t) => t.replace(/^[^:]+:\s*/, ''));
      expect(new Set(bodies).size === bodies.length, 'an action repeats: ' + JSON.stringify(items));
      expectClean(log);
    });
    await shot(page, name);
  }
}

async function checkUnknownCustomer(page, log) {
  await check('account: an unknown id shows "No customer with id …"', async () => {
    await visit(page, '#/account/does-not-exist', 'error');
    const text = await page.textContent('[data-testid=error-banner]');
    expect(text.includes('No customer with id') && text.includes('does-not-exist'), 'banner "' + text + '"');
    await shot(page, 'account-unknown');
  });
  await resetLog(log);
}

async function checkModels(page, log) {
  const data = await apiOk('/analytics/models');
  await check('models: ROC, calibration and mean |SHAP| of both models carry the API data', async () => {
    await resetLog(log);
    await visit(page, '#/models');
    expect(data.models.length === 2, data.models.length + ' models in the API');
    for (const m of data.models) {
      const roc = await chart(page, 'chart-roc-' + m.name);
      expect(series(roc)[0].n === m.test.roc.fpr.length && roc.datasets.some((d) => d.reference), m.name + ' ROC');
      const cal = await chart(page, 'chart-calibration-' + m.name);
      expect(series(cal)[0].n === m.test.calibration.length && cal.datasets.some((d) => d.reference), m.name + ' calibration');
      const shap = await chart(page, 'chart-shap-' + m.name);
      expect(shap.datasets[0].n === m.mean_abs_shap.length, m.name + ' SHAP bars');
      const auc = await page.getAttribute('[data-testid=metric-auc-' + m.name + '-value]', 'data-value');
      expect(Number(auc) === m.test.auc, m.name + ' AUC ' + auc);
      const drift = data.drift.models[m.name];
      const rows = await page.$$eval('[data-testid=drift-table-' + m.name + '] tbody tr',
        (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
      expect(rows.length === drift.features.length, m.name + ': ' + rows.length + ' drift rows for ' + drift.features.length + ' features');
      expect(rows.every((r, i) => r[0] === drift.features[i].feature.replace(/_/g, ' ') &&
        r[1] === drift.features[i].psi.toFixed(3) && (r[4] === 'drifted') === drift.features[i].drifted),
        m.name + ': each drift row has its feature, PSI and verdict, largest PSI first');
    }
    const health = await apiOk('/health/model');
    expect(JSON.stringify(health) === JSON.stringify(data.drift), '/analytics/models carries GET /health/model');
    expect(await page.getAttribute('[data-testid=drift-status]', 'data-status') === health.status,
      'the drift banner shows the status ' + health.status);
    const realized = await page.$$eval('[data-testid=realized-table] tbody tr', (trs) => trs.length);
    const none = await page.$$('[data-testid=realized-table-empty]');
    expect(health.realized.as_ofs.length ? realized === health.realized.as_ofs.length : none.length === 1,
      'the live backtest shows ' + health.realized.as_ofs.length + ' judged scorings');
    expect(data.backtest && data.backtest.dates.length, 'the API has no backtest');
    const dates = data.backtest.dates;
    const over = await chart(page, 'chart-backtest-auc');
    expect(over.labels.join() === dates.map((d) => d.as_of).join(), 'backtest dates ' + over.labels.join());
    const churnAuc = over.datasets.find((d) => d.label === 'Churn AUC');
    expect(churnAuc && churnAuc.data.every((v, i) => v === dates[i].churn.auc), 'backtest churn AUC series');
    const rates = await chart(page, 'chart-backtest-calibration');
    const observed = rates.datasets.find((d) => d.label === 'Expansion: observed');
    expect(observed && observed.data.every((v, i) => v === dates[i].expansion.observed_rate), 'backtest expansion observed rates');
    expectClean(log);
  });
  await shot(page, 'models');
}

async function checkPhone(page, log, customers) {
  await page.setViewportSize(PHONE);
  const views = ['#/portfolio', '#/survival', '#/queue', '#/models'];
  if (customers.length) views.push('#/account/' + encodeURIComponent(customers[0].customer_id));
  await check('phone 390×844: no view scrolls sideways; charts fit the screen', async () => {
    await resetLog(log);
    try {
      await phoneViews(page, views);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    expectClean(log);
  });
}

/* Each view at phone width: nothing wider than the screen (tables scroll in their own box). */
async function phoneViews(page, views) {
  for (const hash of views) {
    await visit(page, hash);
    const { scroll, inner, widest } = await page.evaluate(() => ({
      scroll: document.scrollingElement.scrollWidth,
      inner: window.innerWidth,
      widest: Math.max(0, ...[...document.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right)),
    }));
    expect(scroll <= inner + 1, hash + ': page is ' + scroll + ' px wide on a ' + inner + ' px screen');
    expect(widest <= inner + 1, hash + ': a chart reaches ' + widest + ' px');
    if (hash === '#/portfolio') await shot(page, 'phone-portfolio');
    if (hash.startsWith('#/account')) await shot(page, 'phone-account');
  }
}

async function checkFailures(page, log) {
  await check('server down: an unreachable API shows "Cannot reach the Tenure server"', async () => {
    await page.route('**/analytics/portfolio', (route) => route.abort('connectionrefused'));
    try {
      await visit(page, '#/portfolio', 'error');
      const text = await page.textContent('[data-testid=error-banner]');
      expect(text.includes('Cannot reach the Tenure server'), 'banner "' + text + '"');
      await shot(page, 'server-down');
    } finally {
      await page.unroute('**/analytics/portfolio');
    }
  });
  await check('not ready / no analysis: 503 answers are explained, not blank', async () => {
    const notReady = { status: 'not_ready', error: { code: 'not_ready', message: 'no warehouse at w.duckdb' } };
    const noAnalysis = { error: { code: 'analysis_missing', message: "reports/analysis.json: cannot open (run 'tenure analyze')" } };
    await page.route('**/analytics/models', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(notReady) }));
    await page.route('**/analytics/survival', (r) => r.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(noAnalysis) }));
    try {
      await visit(page, '#/models', 'error');
      const a = await page.textContent('[data-testid=error-banner]');
      expect(a.includes('no data loaded') && a.includes('no warehouse'), 'models banner "' + a + '"');
      await visit(page, '#/survival', 'error');
      const b = await page.textContent('[data-testid=error-banner]');
      expect(b.includes('tenure analyze'), 'survival banner "' + b + '"');
    } finally {
      await page.unrouteAll();
    }
  });
  await resetLog(log);
}

async function checkReport(browser) {
  if (!args.report) {
    skip('offline report', 'no --report given');
    return;
  }
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    const page = await context.newPage();
    const log = watch(page);
    const url = pathToFileURL(path.resolve(args.report)).href;
    await check('report: renders portfolio, survival and models from the embedded data with no network request', async () => {
      await page.goto(url);
      await waitView(page, '#/portfolio');
      const data = await page.evaluate(() => JSON.parse(document.getElementById('tenure-data').textContent));
      const banner = await page.textContent('[data-testid=report-banner]');
      expect(banner.includes('Offline report as of'), 'banner "' + banner + '"');
      expect(!(await page.isVisible('[data-testid=nav-queue]')), 'the queue link is visible');
      expect(await page.isVisible('[data-testid=what-if-offline]'), 'the what-if does not say it needs the server');
      const logos = await page.getAttribute('[data-testid=forecast-churned-logos-expected]', 'data-value');
      expect(Number(logos) === data.portfolio.forecast.churned_logos.expected, 'the report\'s forecast: ' + logos);
      expect(!(await page.isVisible('[data-testid=account-search]')), 'the account search is visible');
      expect(Number(await page.getAttribute('[data-testid=kpi-arr-value]', 'data-value')) === data.portfolio.arr, 'ARR');
      const quadrant = await chart(page, 'chart-quadrant');
      expect(series(quadrant).reduce((s, d) => s + d.n, 0) === data.portfolio.scatter.churn_probability.length, 'scatter dots');
      await shot(page, 'report');
      if (data.survival && !data.survival.error) {
        await navigate(page, '#/survival');
        const km = await chart(page, 'chart-km-plan');
        expect(series(km).length === data.survival.kaplan_meier.by_plan_tier.groups.length, 'KM groups');
        expect(series(await chart(page, 'chart-hazard'))[0].n > 0, 'hazard');
        await shot(page, 'report-survival');
      } else {
        await navigate(page, '#/survival', 'error');
      }
      await navigate(page, '#/models');
      for (const m of data.models.models) {
        expect(series(await chart(page, 'chart-roc-' + m.name))[0].n === m.test.roc.fpr.length, m.name + ' ROC');
      }
      if (args['history-account']) { /* two scorings are recorded: the report has "this week" */
        expect(data.movers && data.movers.since, 'the report embeds no movers');
        expect(await page.isVisible('[data-testid=nav-movers]'), 'the movers link is hidden');
        await navigate(page, '#/movers');
        for (const key of ['entered_high_risk', 'probability_rose', 'expansion_ready', 'left_tier']) {
          const reasons = await texts(page, '[data-testid=movers-' + key + '] [data-testid=mover-reason]');
          expectEqual(reasons, data.movers[key].map((m) => m.reason), 'report ' + key);
        }
        await shot(page, 'report-movers');
      }
      await navigate(page, '#/queue', 'error');
      const remote = log.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'));
      expect(remote.length === 0, remote.length + ' network request(s): ' + remote.slice(0, 3).join(' '));
      expectClean(log);
    });
  } finally {
    await context.close();
  }
}

/* ---- main ---- */

async function main() {
  await mkdir(args.artifacts, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const timer = setTimeout(async () => {
    console.log('FAIL: the run took more than ' + OVERALL_TIMEOUT_MS / 1000 + ' s');
    console.log('dashboard: ' + (checks + 1) + ' checks, ' + (failed + 1) + ' failed');
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 5000))]);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  try {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    page.setDefaultTimeout(10000);
    const log = watch(page);
    await checkApiKeyPrompt(page, log);
    await checkPortfolio(page, log);
    await checkSurvival(page, log);
    const customers = await checkQueue(page, log);
    await checkAccount(page, log, customers);
    await checkBrief(page, log, context, customers);
    await checkSurvivalGaps(page, log, customers);
    await checkNewAccounts(page, log);
    if (args['history-account']) {
      await checkHistory(page, args['history-account']);
      await checkMovers(page);
    }
    await checkUnknownCustomer(page, log);
    await checkModels(page, log);
    await checkPhone(page, log, customers);
    await checkFailures(page, log);
    await context.close();
    await checkReport(browser);
  } catch (err) {
    checks++;
    failed++;
    console.log('FAIL: the run stopped — ' + (err && err.message ? err.message.split('\n')[0] : err));
  } finally {
    clearTimeout(timer);
    await browser.close();
  }
  console.log('dashboard: ' + checks + ' checks, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
}

await main();
