import { performance } from 'node:perf_hooks';

/**
 * Share of the main thread's time in use above which it counts as busy: requests are parsed,
 * checked and answered there, so it saturates first. At max load of the ingest bench it is
 * 0.8–0.9, at half load 0.45–0.7 (20 events/request), at 5,000 events/s in the segments bench
 * 0.1–0.3. With 0.5, the engine yielding at half load of 1 event/request ended it 51k events
 * behind (~500 with 0.7).
 */
const BUSY_SHARE = 0.7;
/** Least time a measurement spans; a shorter one would follow single bursts. */
const WINDOW_MS = 100;

/**
 * How many finished windows in a row this thread's event loop was busy more than BUSY_SHARE
 * (0 when the last one was not), measured lazily when asked.
 */
export function mainThreadBusy(): () => number {
  let since = performance.eventLoopUtilization();
  let sinceAt = performance.now();
  let busyWindows = 0;
  return () => {
    const now = performance.now();
    if (now - sinceAt >= WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(current, since).utilization > BUSY_SHARE;
      busyWindows = busy ? busyWindows + 1 : 0;
      since = current;
      sinceAt = now;
    }
    return busyWindows;
  };
}
