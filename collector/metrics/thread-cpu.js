// Per-thread CPU time from Linux's /proc, so /metrics can tell which of the collector's
// threads is busy. Plain JavaScript: the write and checkpoint workers load it without a
// TypeScript loader.
import { readFileSync, readlinkSync } from 'node:fs';

/** The calling thread's kernel id (Linux), or undefined where /proc has no thread-self. */
export function ownThreadId() {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}

/** Tells the thread that started this worker its kernel id (see watchThread). */
export function announceThreadId(port) {
  const threadId = ownThreadId();
  if (threadId !== undefined) port.postMessage({ threadId });
}

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux whatever the kernel's HZ). */
const TICKS = 100;

/** CPU seconds (user + system) a thread of this process has used, or undefined once it ended. */
export function threadCpuSeconds(threadId) {
  try {
    const stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
    // The fields after the name, which is in parentheses and may hold spaces: utime and stime
    // are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}
