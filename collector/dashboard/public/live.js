// Live events page: appends streamed events (server-sent events) to the tables, as text only.
(() => {
  const table = document.getElementById('live-events');
  const failedTable = document.getElementById('failed-events');
  const status = document.getElementById('live-status');
  if (!table || !window.EventSource) return;
  const MAX_ROWS = 200;
  const MAX_JSON = 400;
  const time = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const json = (v) => {
    if (v === null || v === undefined) return '';
    const s = JSON.stringify(v);
    return s.length > MAX_JSON ? `${s.slice(0, MAX_JSON)}…` : s;
  };
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  };
  const cell = (...children) => el('td', {}, ...children);
  const prepend = (tbody, row) => {
    tbody.prepend(row);
    while (tbody.rows.length > MAX_ROWS) tbody.lastElementChild.remove();
  };

  function addEvent(e) {
    const tbody = table.tBodies[0];
    if (tbody.querySelector(`tr[data-seq="${e.seq}"]`)) return;
    const who = e.userId ?? e.anonymousId ?? '';
    const row = el(
      'tr',
      {},
      cell(el('span', { className: 'mono', textContent: time(e.timestamp) })),
      cell(
        el('strong', { textContent: e.event ?? e.type }),
        ' ',
        el('span', { className: 'badge', textContent: e.type }),
      ),
      cell(
        el('a', {
          className: 'mono',
          href: `/app/profiles?id=${encodeURIComponent(who)}&source=${encodeURIComponent(e.sourceId)}`,
          textContent: who,
        }),
      ),
      cell(el('pre', { className: 'props', textContent: json(e.properties ?? e.traits) })),
    );
    row.dataset.seq = String(e.seq);
    prepend(tbody, row);
    document.getElementById('live-empty')?.remove();
  }

  function addFailed(f) {
    const tbody = failedTable.tBodies[0];
    if (tbody.querySelector(`tr[data-id="${f.id}"]`)) return;
    const row = el(
      'tr',
      {},
      cell(el('span', { className: 'mono', textContent: time(f.receivedAt) })),
      cell(el('span', { className: 'badge bad', textContent: f.code }), ' ', f.message),
      cell(el('pre', { className: 'props', textContent: f.payload })),
    );
    row.dataset.id = String(f.id);
    prepend(tbody, row);
  }

  const params = new URLSearchParams(location.search);
  params.set('after', table.dataset.cursor || '0.0');
  const source = new EventSource(`/app/live/stream?${params}`);
  source.addEventListener('ready', () => {
    status.textContent = 'Live';
  });
  source.addEventListener('error', () => {
    status.textContent = 'Reconnecting…';
  });
  source.addEventListener('event', (m) => addEvent(JSON.parse(m.data)));
  source.addEventListener('failed', (m) => addFailed(JSON.parse(m.data)));
})();
