/**
 * A small Prometheus registry: labelled counters and gauges rendered in the text exposition
 * format. Kept in process memory; `/metrics` is scraped, not stored.
 */
type Labels = Record<string, string>;

const escapeValue = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function key(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return ''; // the common case, on every request
  return entries
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${escapeValue(v)}"`)
    .join(',');
}

export interface Metric {
  inc(labels?: Labels, by?: number): void;
  set(labels: Labels, value: number): void;
  get(labels?: Labels): number;
}

export function createMetrics() {
  const metrics = new Map<
    string,
    { type: 'counter' | 'gauge'; help: string; values: Map<string, number> }
  >();
  const histograms = new Map<
    string,
    { help: string; buckets: number[]; counts: number[]; totals: { sum: number; count: number } }
  >();

  /** Defining a name twice returns the same metric, so components may share counters. */
  function define(type: 'counter' | 'gauge', name: string, help: string): Metric {
    const values = metrics.get(name)?.values ?? new Map<string, number>();
    metrics.set(name, { type, help, values });
    return {
      inc: (labels = {}, by = 1) => {
        const k = key(labels);
        values.set(k, (values.get(k) ?? 0) + by);
      },
      set: (labels, value) => values.set(key(labels), value),
      get: (labels = {}) => values.get(key(labels)) ?? 0,
    };
  }

  /** An unlabelled histogram; `buckets` are the upper bounds, ascending. */
  function histogram(name: string, help: string, buckets: number[]) {
    const counts = buckets.map(() => 0);
    const totals = { sum: 0, count: 0 };
    histograms.set(name, { help, buckets, counts, totals });
    return {
      observe(value: number) {
        for (let i = 0; i < buckets.length; i++)
          if (value <= (buckets[i] as number)) counts[i] = (counts[i] as number) + 1;
        totals.sum += value;
        totals.count++;
      },
    };
  }

  return {
    counter: (name: string, help: string) => define('counter', name, help),
    gauge: (name: string, help: string) => define('gauge', name, help),
    histogram,
    render(): string {
      const lines: string[] = [];
      for (const [name, { type, help, values }] of metrics) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [labels, value] of values)
          lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
      }
      for (const [name, { help, buckets, counts, totals }] of histograms) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
        buckets.forEach((le, i) => {
          lines.push(`${name}_bucket{le="${le}"} ${counts[i]}`);
        });
        lines.push(`${name}_bucket{le="+Inf"} ${totals.count}`);
        lines.push(`${name}_sum ${totals.sum}`, `${name}_count ${totals.count}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
