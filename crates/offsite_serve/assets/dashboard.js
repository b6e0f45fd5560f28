// offsite collector dashboard.
//
// Every string shown here comes from a CSP report, which anyone can send:
// it is attacker-controlled. So this file never parses data as markup: no
// innerHTML, outerHTML, insertAdjacentHTML or document.write; text goes in
// with textContent / createTextNode, the chart with createElementNS, and no
// report value ever becomes a link, an attribute that loads something, or
// a style.
'use strict';

(function () {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PAGE_SIZE = 50;
  const TOKEN_KEY = 'offsite-read-token';

  const state = { offset: 0, filter: {}, lastGroupCount: 0 };

  function $(id) {
    return document.getElementById(id);
  }

  // el('td', {className: 'num'}, 'text', node, ...): strings become text
  // nodes; only the properties listed in SAFE_PROPS can be set.
  const SAFE_PROPS = new Set(['className', 'title', 'colSpan', 'type', 'scope']);
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (SAFE_PROPS.has(k)) node[k] = v;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    }
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || '';
    } catch (e) {
      return '';
    }
  }

  function showMessage(text) {
    const m = $('message');
    if (text) {
      m.textContent = text;
      m.hidden = false;
    } else {
      m.textContent = '';
      m.hidden = true;
    }
  }

  function fmtTime(ms) {
    if (typeof ms !== 'number') return '';
    const d = new Date(ms);
    if (isNaN(d.getTime())) return '';
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function blockedText(b) {
    if (!b || typeof b !== 'object') return '';
    if (b.kind === 'url' || b.kind === 'scheme') return String(b.value || '');
    return String(b.kind || '');
  }

  function query(extra) {
    const p = new URLSearchParams();
    const all = Object.assign({}, state.filter, extra || {});
    for (const [k, v] of Object.entries(all)) {
      if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    }
    const s = p.toString();
    return s ? '?' + s : '';
  }

  class AuthError extends Error {}

  async function api(path) {
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    const resp = await fetch(path, { headers, credentials: 'omit', cache: 'no-store' });
    if (resp.status === 401) throw new AuthError('This collector needs a read token: enter it above.');
    const body = await resp.json().catch(() => null);
    if (!resp.ok) {
      const info = body && body.error && body.error.info ? body.error.info : resp.statusText;
      throw new Error(resp.status + ': ' + info);
    }
    return body;
  }

  function readFilter() {
    const f = {};
    for (const name of ['directive', 'host', 'document_host', 'page', 'disposition']) {
      const v = $('f-' + name.replace('_', '-')).value.trim();
      if (v) f[name] = v;
    }
    for (const name of ['since', 'until']) {
      const v = $('f-' + name).value;
      if (v) {
        const ms = new Date(v).getTime();
        if (!isNaN(ms)) f[name] = ms;
      }
    }
    return f;
  }

  function renderStats(s) {
    const parts = [
      Number(s.total_reports) + ' reports stored',
      Number(s.accepted_since_start) + ' since start',
      'store: ' + String(s.backend || '?'),
      s.attribution ? 'attribution: inventory loaded' : 'attribution: no inventory',
    ];
    $('stats').textContent = parts.join(' · ');
  }

  function renderTimeline(t) {
    const box = $('timeline');
    clear(box);
    const buckets = Array.isArray(t.buckets) ? t.buckets : [];
    if (buckets.length === 0) {
      box.appendChild(el('p', { className: 'muted' }, 'No reports in this range.'));
      return;
    }
    const width = 900;
    const height = 160;
    const pad = 24;
    const max = Math.max(1, ...buckets.map((b) => Number(b.count) || 0));
    const first = Number(buckets[0].bucket_start_ms);
    const step = (Number(t.bucket_secs) || 3600) * 1000;
    const last = Number(buckets[buckets.length - 1].bucket_start_ms) + step;
    const span = Math.max(step, last - first);
    const chart = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + (height + pad),
      role: 'img',
      'aria-label': 'Reports per ' + (step / 1000) + ' s',
      class: 'timeline',
    });
    const barW = Math.max(1, ((width - 2 * pad) * step) / span - 1);
    for (const b of buckets) {
      const count = Number(b.count) || 0;
      const x = pad + ((Number(b.bucket_start_ms) - first) / span) * (width - 2 * pad);
      const h = (count / max) * height;
      const rect = svg('rect', { x: x.toFixed(1), y: (height - h).toFixed(1), width: barW.toFixed(1), height: h.toFixed(1), class: 'bar' });
      const title = svg('title');
      title.textContent = fmtTime(Number(b.bucket_start_ms)) + ': ' + count;
      rect.appendChild(title);
      chart.appendChild(rect);
    }
    const axis = svg('line', { x1: pad, y1: height, x2: width - pad, y2: height, class: 'axis' });
    chart.appendChild(axis);
    const labels = [
      [pad, 'start', fmtTime(first)],
      [width - pad, 'end', fmtTime(last)],
    ];
    for (const [x, anchor, text] of labels) {
      const label = svg('text', { x, y: height + 16, 'text-anchor': anchor, class: 'label' });
      label.textContent = text;
      chart.appendChild(label);
    }
    const top = svg('text', { x: pad, y: 12, class: 'label' });
    top.textContent = 'max ' + max;
    chart.appendChild(top);
    box.appendChild(chart);
  }

  function renderHosts(h) {
    const body = $('hosts');
    clear(body);
    const hosts = Array.isArray(h.hosts) ? h.hosts : [];
    if (hosts.length === 0) {
      body.appendChild(el('tr', {}, el('td', { colSpan: 2, className: 'muted' }, 'None.')));
      return;
    }
    for (const row of hosts) {
      const host = String(row.host || '');
      const button = el('button', { type: 'button', className: 'link', title: 'Filter by this host' }, host || '(none)');
      button.addEventListener('click', () => {
        $('f-host').value = host;
        apply();
      });
      body.appendChild(el('tr', {}, el('td', {}, button), el('td', { className: 'num' }, Number(row.count) || 0)));
    }
  }

  function renderGroups(g) {
    const body = $('groups');
    clear(body);
    const groups = Array.isArray(g.groups) ? g.groups : [];
    state.lastGroupCount = groups.length;
    if (groups.length === 0) {
      body.appendChild(el('tr', {}, el('td', { colSpan: 6, className: 'muted' }, 'No groups match.')));
    }
    for (const grp of groups) {
      const attributions = Array.isArray(grp.attributions) ? grp.attributions : [];
      const attributed = attributions.length
        ? attributions.map((a) => String(a.page || '') + (a.gadget ? ' (' + String(a.gadget) + ')' : '')).join(', ')
        : '—';
      const row = el('tr', { className: 'clickable', title: 'Show samples' },
        el('td', {}, String(grp.directive || '')),
        el('td', { className: 'url' }, String(grp.blocked_origin || '(empty)')),
        el('td', {}, String(grp.document_host || '')),
        el('td', {}, attributed),
        el('td', { className: 'num' }, Number(grp.count) || 0),
        el('td', {}, fmtTime(grp.last_seen_ms)));
      const id = Number(grp.id);
      row.tabIndex = 0;
      row.addEventListener('click', () => showGroup(id));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') showGroup(id);
      });
      body.appendChild(row);
    }
    $('page-info').textContent = 'rows ' + (state.offset + 1) + '–' + (state.offset + groups.length);
    $('prev').disabled = state.offset === 0;
    $('next').disabled = groups.length < PAGE_SIZE;
  }

  function dlRow(dl, term, value) {
    dl.appendChild(el('dt', {}, term));
    dl.appendChild(el('dd', {}, value === undefined || value === null || value === '' ? '—' : String(value)));
  }

  async function showGroup(id) {
    if (!Number.isSafeInteger(id)) return;
    try {
      const d = await api('/api/groups/' + encodeURIComponent(String(id)));
      const g = d.group || {};
      const section = $('detail');
      $('detail-title').textContent = 'Group ' + Number(g.id);
      const dl = $('detail-key');
      clear(dl);
      dlRow(dl, 'Directive', g.directive);
      dlRow(dl, 'Blocked', g.blocked_origin);
      dlRow(dl, 'Page host', g.document_host);
      dlRow(dl, 'Source file', g.source_file);
      dlRow(dl, 'Reports', g.count);
      dlRow(dl, 'First seen', fmtTime(g.first_seen_ms));
      dlRow(dl, 'Last seen', fmtTime(g.last_seen_ms));

      const ab = $('detail-attributions');
      clear(ab);
      const attributions = Array.isArray(g.attributions) ? g.attributions : [];
      if (attributions.length === 0) {
        ab.appendChild(el('tr', {}, el('td', { colSpan: 6, className: 'muted' }, 'Not attributed (no inventory, or no load matches).')));
      }
      for (const a of attributions) {
        ab.appendChild(el('tr', {},
          el('td', {}, String(a.page || '')),
          el('td', {}, String(a.gadget || '')),
          el('td', { className: 'url' }, String(a.url || '')),
          el('td', { className: 'num' }, a.line === null || a.line === undefined ? '' : Number(a.line)),
          el('td', {}, String(a.method || '')),
          el('td', { className: 'num' }, (Number(a.confidence) || 0).toFixed(2))));
      }

      const sb = $('detail-samples');
      clear(sb);
      const samples = Array.isArray(d.samples) ? d.samples : [];
      if (samples.length === 0) {
        sb.appendChild(el('tr', {}, el('td', { colSpan: 8, className: 'muted' }, 'No samples kept.')));
      }
      for (const s of samples) {
        const pos = s.line === null || s.line === undefined ? '' : Number(s.line) + ':' + (Number(s.column) || 0);
        sb.appendChild(el('tr', {},
          el('td', {}, fmtTime(s.received_ms)),
          el('td', {}, String(s.disposition || '')),
          el('td', { className: 'url' }, blockedText(s.blocked)),
          el('td', { className: 'url' }, String(s.document || '')),
          el('td', { className: 'url' }, String(s.source_file || '')),
          el('td', {}, pos),
          el('td', { className: 'sample' }, String(s.sample || '')),
          el('td', {}, String(s.browser || ''))));
      }
      section.hidden = false;
      section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    } catch (e) {
      showMessage(e.message);
    }
  }

  async function refresh() {
    showMessage('');
    try {
      const [stats, timeline, hosts, groups] = await Promise.all([
        api('/api/stats'),
        api('/api/timeline' + query()),
        api('/api/top-hosts' + query({ limit: 15 })),
        api('/api/groups' + query({ limit: PAGE_SIZE, offset: state.offset })),
      ]);
      renderStats(stats);
      renderTimeline(timeline);
      renderHosts(hosts);
      renderGroups(groups);
    } catch (e) {
      showMessage(e.message);
      if (e instanceof AuthError) $('token').focus();
    }
  }

  function apply() {
    state.filter = readFilter();
    state.offset = 0;
    $('detail').hidden = true;
    refresh();
  }

  function init() {
    $('token-save').addEventListener('click', () => {
      try {
        sessionStorage.setItem(TOKEN_KEY, $('token').value);
      } catch (e) {
        showMessage('The browser refused to keep the token for this tab.');
      }
      $('token').value = '';
      refresh();
    });
    $('token').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') $('token-save').click();
    });
    $('token-clear').addEventListener('click', () => {
      try {
        sessionStorage.removeItem(TOKEN_KEY);
      } catch (e) {
        // nothing kept, nothing to forget
      }
      refresh();
    });
    $('apply').addEventListener('click', apply);
    for (const input of document.querySelectorAll('.filters input')) {
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') apply();
      });
    }
    $('reset').addEventListener('click', () => {
      for (const input of document.querySelectorAll('.filters input, .filters select')) input.value = '';
      apply();
    });
    $('prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      refresh();
    });
    $('next').addEventListener('click', () => {
      if (state.lastGroupCount < PAGE_SIZE) return;
      state.offset += PAGE_SIZE;
      refresh();
    });
    refresh();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
