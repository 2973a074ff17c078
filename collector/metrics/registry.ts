/**
 * A small Prometheus registry: labelled counters and gauges rendered in the text exposition
 * format. Kept in process memory; `/metrics` is scraped, not stored.
 */
type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');

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

  function define(type: 'counter' | 'gauge', name: string, help: string): Metric {
    const values = new Map<string, number>();
    metrics.set(name, { type, help, values });
    return {
      inc: (labels = {}, by = 1) => values.set(key(labels), (values.get(key(labels)) ?? 0) + by),
      set: (labels, value) => values.set(key(labels), value),
      get: (labels = {}) => values.get(key(labels)) ?? 0,
    };
  }

  return {
    counter: (name: string, help: string) => define('counter', name, help),
    gauge: (name: string, help: string) => define('gauge', name, help),
    render(): string {
      const lines: string[] = [];
      for (const [name, { type, help, values }] of metrics) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [labels, value] of values)
          lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
