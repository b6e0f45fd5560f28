#!/usr/bin/env node
// Visits wiki pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) so the wiki's Content-Security-Policy produces real
// violation reports. Used by the CSP end-to-end tests.
//
//   node scripts/browser/visit.cjs '<json plan>'
//
// plan = {
//   "base": "http://127.0.0.1:8091",          // the wiki
//   "user": "Alice", "password": "...",        // optional: log in first
//   "pages": ["/index.php/Main_Page", ...],    // visited in order
//   "lingerMs": 1500,                          // wait after each page for reports
//   "ignoreCertificateErrors": false,          // for the https (Reporting API) run
//   "args": ["--short-reporting-delay"]        // extra Chromium flags
// }
//
// Prints one JSON line: {"user": name-or-null, "pages": [{"url", "violations":
// [{blockedURI, effectiveDirective, disposition, sourceFile, lineNumber}],
// "failed": [...]}]}. Exits 1 on any navigation or login failure.
'use strict';

const path = require('path');
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
      // third-party hosts never resolve: no traffic leaves the machine
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      // the Reporting API's uploads ignore the context's ignoreHTTPSErrors
      ...(plan.ignoreCertificateErrors ? ['--ignore-certificate-errors'] : []),
      ...(plan.args || []),
    ],
  });
  const result = { user: plan.user || null, pages: [] };
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: !!plan.ignoreCertificateErrors });
    await context.addInitScript(() => {
      window.__offsiteViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__offsiteViolations.push({
          blockedURI: e.blockedURI,
          effectiveDirective: e.effectiveDirective,
          disposition: e.disposition,
          sourceFile: e.sourceFile,
          lineNumber: e.lineNumber,
        });
      });
    });
    const page = await context.newPage();
    if (plan.user) {
      await page.goto(`${plan.base}/index.php?title=Special:UserLogin`);
      await page.fill('#wpName1', plan.user);
      await page.fill('#wpPassword1', plan.password);
      await Promise.all([page.waitForNavigation(), page.click('#wpLoginAttempt')]);
      const name = await page.evaluate(() => window.mw && mw.config.get('wgUserName'));
      if (name !== plan.user) {
        throw new Error(`login as ${plan.user} failed (wgUserName=${name})`);
      }
    }
    for (const p of plan.pages || []) {
      const failed = [];
      const onFailed = (r) => failed.push(`${r.url()} ${r.failure() ? r.failure().errorText : ''}`);
      page.on('requestfailed', onFailed);
      const url = `${plan.base}${p}`;
      const response = await page.goto(url, { waitUntil: 'networkidle' });
      if (!response || response.status() >= 400) {
        throw new Error(`${url}: HTTP ${response ? response.status() : 'no response'}`);
      }
      await page.waitForTimeout(plan.lingerMs || 1500);
      const violations = await page.evaluate(() => window.__offsiteViolations);
      page.off('requestfailed', onFailed);
      result.pages.push({ url, violations, failed });
    }
    await context.close();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`visit.cjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
