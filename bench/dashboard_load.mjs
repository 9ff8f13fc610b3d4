#!/usr/bin/env node
/*
 * bench/dashboard_load.mjs — how long the dashboard takes to show the
 * portfolio: from navigation in a fresh headless Chromium page (cold cache)
 * to the quadrant scatter, the last portfolio chart, holding its points.
 * Prints the milliseconds. Used by bench/dashboard.sh.
 *   node bench/dashboard_load.mjs http://127.0.0.1:PORT
 */
const { chromium } = await import(new URL('../web/node_modules/playwright-core/index.mjs', import.meta.url));

const base = process.argv[2];
if (!base) {
  console.error('usage: dashboard_load.mjs URL');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const started = performance.now();
  await page.goto(base + '/#/portfolio');
  await page.waitForFunction(() => {
    const canvas = document.querySelector('[data-testid="chart-quadrant"]');
    const chart = canvas && window.Chart && Chart.getChart(canvas);
    return chart && chart.data.datasets.some((d) => d.data.length > 0);
  }, null, { timeout: 30000 });
  console.log(Math.round(performance.now() - started));
} finally {
  await browser.close();
}
