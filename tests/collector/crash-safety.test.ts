import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { type Child, exitCode, startChild as startChildAt } from './child-collector.js';

const dir = mkdtempSync(join(tmpdir(), 'segmently-crash-'));
const DATABASE_URL = `file:${join(dir, 'crash.db')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const startChild = () => startChildAt(DATABASE_URL);

/**
 * Posts batches of 10 from `workers` concurrent loops until `stop()` is called or the
 * server goes away; returns the messageIds of every batch answered 200.
 */
function load(child: Child, workers: number) {
  const acked: string[] = [];
  let running = true;
  let seq = 0;
  const auth = `Basic ${Buffer.from(`${child.writeKey}:`).toString('base64')}`;
  const loop = async () => {
    while (running) {
      const batch = Array.from({ length: 10 }, () => ({
        type: 'track',
        event: 'Load',
        anonymousId: `a${seq % 100}`,
        messageId: `crash-${process.pid}-${++seq}`,
      }));
      try {
        const res = await fetch(`${child.url}/v1/batch`, {
          method: 'POST',
          body: JSON.stringify({ batch }),
          headers: { 'Content-Type': 'application/json', Authorization: auth },
        });
        if (res.status === 200 && (await res.json()).accepted === 10) {
          acked.push(...batch.map((e) => e.messageId));
        } else if (res.status === 503) return;
      } catch {
        return; // killed mid-request: this batch was never acknowledged
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    acked,
    async stop() {
      running = false;
      await done;
    },
    done,
  };
}

async function storedIds(): Promise<Set<string>> {
  const client = createClient({ url: DATABASE_URL });
  const { rows } = await client.execute('SELECT message_id FROM events');
  client.close();
  return new Set(rows.map((r) => String(r.message_id)));
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

describe('crash safety (collector as a child process)', { timeout: 90_000 }, () => {
  it('keeps every acknowledged event through SIGKILL mid-stream and a restart', async () => {
    const first = await startChild();
    const traffic = load(first, 16);
    await until(() => traffic.acked.length >= 3_000);
    first.proc.kill('SIGKILL');
    await traffic.done;
    const acked = [...traffic.acked];
    expect(acked.length).toBeGreaterThanOrEqual(3_000);

    const second = await startChild();
    const stored = await storedIds();
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    // The restarted collector takes new events at once.
    const more = load(second, 2);
    await until(() => more.acked.length >= 100);
    await more.stop();
    second.proc.kill('SIGKILL');
    await new Promise((r) => second.proc.once('exit', r));
  });

  it('on SIGTERM stops accepting, commits what it acknowledged and exits 0', async () => {
    const child = await startChild();
    const traffic = load(child, 16);
    await until(() => traffic.acked.length >= 2_000);
    const exited = exitCode(child);
    child.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    await traffic.done;
    const stored = await storedIds();
    expect(traffic.acked.filter((id) => !stored.has(id))).toEqual([]);
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
