#!/usr/bin/env node
// Opens an `offsite scan --format html` file in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) with the network off, sorts and filters its loads table the way a
// reader would, and reports what the page did. Used by crates/offsite/tests/html_report.rs.
//
//   node scripts/browser/report.cjs '<json plan>'
//
// plan = { "file": "/abs/path/report.html", "filter": "text typed into the filter box",
//          "width": 1280 }
//
// Prints one JSON object:
//   title, rows (data rows), text (innerText of the body, every row's details unfolded)
//   requests     every URL the page requested (the file itself should be the only one)
//   console      [{type, text}], pageErrors [text], dialogs [{type, message}]
//   violations   securitypolicyviolation events [{blockedURI, effectiveDirective}]
//   canary       window.__offsite_pwned (null when unset); images: <img> elements in the page
//   sortedHosts  the Host column after one click on its header, then after a second click
//   filtered     {shown (visible rows), counter (the "N of M" number), hosts (visible)}
//   cleared      visible rows after the filter is emptied again
//   widthOverflow  document.scrollWidth > the viewport width (the page does not fit)
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const modules = process.env.OFFSITE_BROWSER_MODULES
  || path.join(__dirname, '..', '..', '.cache', 'browser', 'node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

async function main() {
  const plan = JSON.parse(process.argv[2] || '{}');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // nothing resolves: a request that tries to leave still shows as a request event
      '--host-resolver-rules=MAP * ~NOTFOUND',
    ],
  });
  const out = {
    title: '', rows: 0, text: '', requests: [], console: [], pageErrors: [], dialogs: [],
    violations: [], canary: null, images: 0, sortedHosts: [], filtered: null, cleared: 0,
    widthOverflow: false,
  };
  try {
    const width = plan.width || 1280;
    const context = await browser.newContext({ offline: true, viewport: { width, height: 900 } });
    context.on('request', (r) => out.requests.push(r.url()));
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__violations.push({ blockedURI: e.blockedURI, effectiveDirective: e.effectiveDirective });
      });
    });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      out.dialogs.push({ type: d.type(), message: d.message() });
      d.dismiss().catch(() => {});
    });
    page.on('console', (m) => out.console.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => out.pageErrors.push(String(e && e.message ? e.message : e)));

    await page.goto(pathToFileURL(plan.file).href, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    out.title = await page.title();
    out.rows = await page.locator('#loads tbody tr').count();
    // Unfold every row's code and details, as a reader clicking through would.
    for (const summary of await page.locator('#loads details > summary').all()) await summary.click();
    out.text = await page.innerText('body');
    out.images = await page.locator('img').count();
    out.widthOverflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth + 1,
    );

    const hostColumn = () => page.$$eval('#loads tbody tr', (rows) => {
      const th = Array.from(document.querySelectorAll('#loads thead th'))
        .findIndex((c) => c.textContent.trim() === 'Host');
      return rows.filter((r) => !r.hidden).map((r) => r.cells[th].textContent);
    });
    const header = page.locator('#loads thead th button', { hasText: /^Host$/ });
    await header.click();
    out.sortedHosts.push(await hostColumn());
    await header.click();
    out.sortedHosts.push(await hostColumn());

    await page.fill('#filter-text', plan.filter || '');
    out.filtered = {
      shown: await page.locator('#loads tbody tr:not([hidden])').count(),
      counter: Number(await page.textContent('#shown')),
      hosts: await hostColumn(),
    };
    await page.fill('#filter-text', '');
    out.cleared = await page.locator('#loads tbody tr:not([hidden])').count();

    await page.waitForTimeout(300);
    out.canary = await page.evaluate(() => (window.__offsite_pwned === undefined ? null : String(window.__offsite_pwned)));
    out.violations = await page.evaluate(() => window.__violations);
    out.title = await page.title();
    await context.close();
  } finally {
    await browser.close();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
