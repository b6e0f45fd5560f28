'use strict';
// Sorting and filtering of the loads table. Every row is in the page already
// (rendered and escaped by offsite); this only reorders and hides rows, and
// never turns text into markup.
(function () {
  const table = document.getElementById('loads');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const text = document.getElementById('filter-text');
  const tier = document.getElementById('filter-tier');
  const severity = document.getElementById('filter-severity');
  const shown = document.getElementById('shown');
  const haystack = new Map(rows.map((row) => [row, row.textContent.toLowerCase()]));

  function filter() {
    const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const row of rows) {
      const hay = haystack.get(row);
      const sev = row.dataset.severity;
      const ok = words.every((w) => hay.includes(w))
        && (tier.value === '' || row.dataset.tier === tier.value)
        && (severity.value === '' || (severity.value === 'any' ? sev !== 'none' : sev === severity.value));
      row.hidden = !ok;
      if (ok) count += 1;
    }
    shown.textContent = String(count);
  }

  function sortBy(th) {
    const column = th.cellIndex;
    const numeric = th.dataset.type === 'number';
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const other of table.tHead.rows[0].cells) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const key = (row) => row.cells[column].dataset.value || row.cells[column].textContent;
    const sorted = rows.slice().sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? c : -c;
    });
    for (const row of sorted) body.appendChild(row);
  }

  for (const th of table.tHead.rows[0].cells) {
    const button = th.querySelector('button');
    if (button) button.addEventListener('click', () => sortBy(th));
  }
  for (const input of [text, tier, severity]) input.addEventListener('input', filter);
  filter();
}());
