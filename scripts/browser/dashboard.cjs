#!/usr/bin/env node
// Opens the collector's dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and clicks through it the way an operator would, watching for anything a
// hostile report could make the page do. Used by crates/offsite/tests/dashboard_security.rs.
//
//   node scripts/browser/dashboard.cjs '<json plan>'
//
// plan = {
//   "base": "http://127.0.0.1:PORT",   // the collector
//   "token": "...",                    // the read token, typed into the token field
//   "bypassCSP": false,                // true: ignore the dashboard's own CSP, so only its
//                                      // escaping stands between a payload and execution
//   "control": null,                   // a group's blocked origin: instead of clicking
//                                      // through, open that group and re-insert its sample
//                                      // cells' text as HTML (the bug this script looks for),
//                                      // to prove the checks below would catch it
//   "lingerMs": 600                    // wait at the end for late handlers (onerror, onload)
// }
//
// Prints one JSON object:
//   beforeToken    the page's text before the token is entered (data must not be there)
//   texts          innerText of the page, then of the group detail after each group's click,
//                  then of the groups table after each host filter
//   groupsClicked, hostsClicked
//   dialogs        [{type, message}]: alert/confirm/prompt opened by anything
//   console        [{type, text}] and pageErrors [text]
//   canary         window.__offsite_pwned (null when unset); title: document.title at the end
//   violations     securitypolicyviolation events [{blockedURI, effectiveDirective, sample}]
//   injected       elements added after load whose tag the dashboard never creates, and any
//                  element with an on* attribute or a javascript: href/src, [{tag, attrs}]
//   requests       every URL the page requested; foreign: those not on the collector's origin;
//                  unexpectedPaths: same-origin paths other than /, the assets and /api/*
// Exits 1 when the page cannot be driven (navigation failure, no groups shown).
'use strict';

const path = require('path');
const modules = process.env.OFFSITE_BROWSER_MODULES
  || path.join(__dirname, '..', '..', '.cache', 'browser', 'node_modules');
const { chromium } = require(path.join(modules, 'playwright-core'));

// Elements dashboard.js creates after load (el() and svg()); anything else appearing later
// came from parsing data as markup.
const CREATED_TAGS = new Set([
  'TR', 'TD', 'BUTTON', 'P', 'DT', 'DD', 'svg', 'rect', 'title', 'line', 'text',
]);
const ASSETS = new Set(['/', '/dashboard.js', '/dashboard.css', '/favicon.ico']);

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function main() {
  const plan = JSON.parse(process.argv[2] || '{}');
  const base = new URL(plan.base);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // other hosts never resolve: a payload that tries to load something leaves the machine
      // no more than a request event
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const out = {
    beforeToken: '', texts: [], groupsClicked: 0, hostsClicked: 0,
    dialogs: [], console: [], pageErrors: [], canary: null, title: '',
    violations: [], injected: [], requests: [], foreign: [], unexpectedPaths: [], timings: {},
  };
  const t0 = Date.now();
  const mark = (what) => { out.timings[what] = Date.now() - t0; };
  try {
    const context = await browser.newContext({ bypassCSP: !!plan.bypassCSP });
    context.on('request', (r) => {
      const url = r.url();
      out.requests.push(url);
      let u;
      try {
        u = new URL(url);
      } catch (e) {
        out.foreign.push(url);
        return;
      }
      if (u.origin !== base.origin) out.foreign.push(url);
      else if (!ASSETS.has(u.pathname) && !u.pathname.startsWith('/api/')) out.unexpectedPaths.push(url);
    });
    await context.addInitScript((createdTags) => {
      const audit = { violations: [], injected: [], loaded: false };
      window.__offsiteAudit = audit;
      const allowed = new Set(createdTags);
      document.addEventListener('securitypolicyviolation', (e) => {
        audit.violations.push({
          blockedURI: e.blockedURI, effectiveDirective: e.effectiveDirective, sample: e.sample,
        });
      });
      // Registered before dashboard.js runs, so its own DOMContentLoaded work counts as
      // "after load".
      document.addEventListener('DOMContentLoaded', () => { audit.loaded = true; });
      const describe = (n) => ({
        tag: n.tagName,
        attrs: Array.from(n.attributes || []).map((a) => `${a.name}=${a.value}`).slice(0, 8),
      });
      const check = (n) => {
        if (!n || n.nodeType !== 1) return;
        if (audit.loaded && !allowed.has(n.tagName)) audit.injected.push(describe(n));
        for (const child of n.children || []) check(child);
      };
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) check(n);
      }).observe(document, { childList: true, subtree: true });
    }, Array.from(CREATED_TAGS));

    mark('launched');
    const page = await context.newPage();
    page.on('dialog', (d) => {
      out.dialogs.push({ type: d.type(), message: d.message() });
      d.dismiss().catch(() => {});
    });
    page.on('console', (m) => out.console.push({ type: m.type(), text: m.text() }));
    page.on('pageerror', (e) => out.pageErrors.push(String(e && e.message ? e.message : e)));

    // Not `networkidle`: Chromium keeps the unread bodies of the 401 answers open.
    const response = await page.goto(`${plan.base}/`, { waitUntil: 'load' });
    if (!response || response.status() !== 200) {
      throw new Error(`dashboard: HTTP ${response ? response.status() : 'no response'}`);
    }
    await page.waitForSelector('#message:not([hidden])', { timeout: 10000 });
    out.beforeToken = await page.innerText('body');

    // The dashboard's way in: type the token, press "Use token" (kept in sessionStorage).
    await page.fill('#token', plan.token || '');
    await page.click('#token-save');
    await page.waitForSelector('#groups tr.clickable', { timeout: 15000 });
    await page.waitForFunction(() => /reports stored/.test(document.getElementById('stats').textContent));
    out.texts.push(await page.innerText('body'));
    mark('token');

    const rows = page.locator('#groups tr.clickable');
    const count = await rows.count();
    // Opens a group's detail (samples and attributions) and waits until it shows.
    // A click, or Enter on the focused row (both open it). Clicks wait until the detail's
    // smooth scrolling settles, about a second each, so most rows are opened with Enter.
    const openGroup = async (row, key) => {
      const before = await page.textContent('#detail-title');
      if (key) await row.press('Enter');
      else await row.click();
      await page.waitForFunction((prev) => {
        const d = document.getElementById('detail');
        return !d.hidden && document.getElementById('detail-title').textContent !== prev;
      }, before, { timeout: 10000 });
    };
    for (let i = 0; i < (plan.control ? 0 : count); i++) {
      await openGroup(rows.nth(i), i >= 3);
      out.texts.push(await page.innerText('#detail'));
      out.groupsClicked++;
    }

    mark('groups');
    // The top-hosts list filters the groups by host; "Reset" shows them all again.
    const hostNames = plan.control ? []
      : (await page.locator('#hosts button').allTextContents()).slice(0, 5);
    for (const host of hostNames) {
      await page.locator('#hosts button').filter({ hasText: host }).first().click();
      await page.waitForFunction((h) => {
        const cells = document.querySelectorAll('#groups tr.clickable td:nth-child(2)');
        return cells.length > 0 && Array.from(cells).every((c) => c.textContent.includes(h));
      }, host, { timeout: 10000 });
      out.texts.push(await page.innerText('#groups'));
      out.hostsClicked++;
      await page.click('#reset');
      await page.waitForFunction((n) => document.querySelectorAll('#groups tr.clickable').length >= n,
        count, { timeout: 10000 });
    }

    mark('hosts');
    if (plan.control) {
      // The bug under test, on purpose: the samples of one group parsed as HTML.
      await openGroup(page.locator('#groups tr.clickable').filter({
        has: page.locator('td', { hasText: new RegExp(`^${escapeRegExp(plan.control)}$`) }),
      }));
      out.controlCells = await page.evaluate(() => {
        const cells = document.querySelectorAll('td.sample');
        for (const td of cells) td.innerHTML = td.textContent;
        return cells.length;
      });
    }
    await page.waitForTimeout(plan.lingerMs || 600);

    const audit = await page.evaluate(() => {
      const a = window.__offsiteAudit;
      const bad = [];
      for (const n of document.querySelectorAll('*')) {
        const attrs = Array.from(n.attributes);
        const risky = attrs.some((x) => /^on/i.test(x.name)
          || (/^(href|src|action|formaction|xlink:href)$/i.test(x.name) && /^\s*javascript:/i.test(x.value)));
        if (risky) bad.push({ tag: n.tagName, attrs: attrs.map((x) => `${x.name}=${x.value}`).slice(0, 8) });
      }
      return {
        canary: window.__offsite_pwned === undefined ? null : String(window.__offsite_pwned),
        title: document.title,
        violations: a.violations,
        injected: a.injected.concat(bad),
      };
    });
    Object.assign(out, audit);
    mark('done');
    await context.close();
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`dashboard.cjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
