import type { EventRow } from '../collector/ingest/writer.js';

/**
 * Events rows shaped like bench/post.lua's events after ingest: every row its own increasing
 * messageId, 50,000 distinct anonymous ids, small properties, no context.
 */
export function eventRows(sourceId: string) {
  let n = 0;
  const ts = Date.now();
  const row = (): EventRow => {
    n++;
    const messageId = `0190${n.toString(16).padStart(8, '0')}-0000-7000-8000-000000000000`;
    const props = '{"value":1,"sku":"sku-1"}';
    return [
      sourceId,
      messageId,
      'track',
      'Perf Probe',
      `p${n % 50_000}`,
      null,
      null,
      null,
      ts,
      ts,
      props,
      null,
      null,
      null,
      null,
      null,
      null,
      '127.0.0.0',
    ];
  };
  return (count: number) => Array.from({ length: count }, row);
}
