// Draws every [data-chart] element with uPlot: {days: ['YYYY-MM-DD'], series: [{label, values}]}.
(() => {
  const DAY = 86400;
  const COLORS = ['#4f46e5', '#0891b2', '#db2777', '#65a30d', '#ea580c'];
  for (const el of document.querySelectorAll('[data-chart]')) {
    let spec;
    try {
      spec = JSON.parse(el.dataset.chart);
    } catch {
      continue;
    }
    const xs = spec.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const size = () => ({ width: Math.max(el.clientWidth, 200), height: 240 });
    const plot = new uPlot(
      {
        ...size(),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          {
            space: 50,
            incrs: [DAY, 7 * DAY, 28 * DAY],
            values: (_u, splits) =>
              splits.map((t) => new Date(t * 1000).toISOString().slice(5, 10)),
          },
          { size: 50 },
        ],
        series: [
          {},
          ...spec.series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            points: { show: xs.length < 40 },
          })),
        ],
      },
      [xs, ...spec.series.map((s) => s.values)],
      el,
    );
    new ResizeObserver(() => plot.setSize(size())).observe(el);
  }
})();
