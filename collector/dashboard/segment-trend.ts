export interface TrendDay {
  day: string;
  entered: number;
  exited: number;
}

/**
 * Segment size at the end of each trend day, walking back from the current size (the last
 * trend day is today), and the change over the last `days` days.
 */
export function sizeHistory(trend: TrendDay[], currentSize: number, days = 7) {
  const sizes = new Array<number>(trend.length);
  let size = currentSize;
  for (let i = trend.length - 1; i >= 0; i--) {
    sizes[i] = size;
    const d = trend[i] as TrendDay;
    size -= d.entered - d.exited;
  }
  const recent = trend.slice(-days);
  const change = recent.reduce((s, d) => s + d.entered - d.exited, 0);
  return { sizes, change };
}
