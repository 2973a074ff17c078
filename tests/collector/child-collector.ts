import { type ChildProcess, spawn } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  url: string;
  writeKey: string;
  output: () => string;
}

export const CHILD_ADMIN_TOKEN = 'crash-admin-token-0123456789';

/** `collector/main.ts` as its own process, as production runs it, on the database at `url`. */
export async function startChild(url: string, env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'collector/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: url,
      PORT: '0',
      HOST: '127.0.0.1',
      SEGMENTLY_ADMIN_TOKEN: CHILD_ADMIN_TOKEN,
      RATE_LIMIT_IP_REQUESTS_PER_SEC: '0',
      RATE_LIMIT_SOURCE_EVENTS_PER_SEC: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const url = out.match(/listening on (http:\/\/\S+)/)?.[1];
    const writeKey = out.match(/Demo write key: (wk_\S+)/)?.[1];
    if (url && writeKey) return { proc, url, writeKey, output: () => out };
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`collector did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The child's exit code, once it exited. */
export const exitCode = (child: Child) =>
  new Promise<number | null>((r) => child.proc.once('exit', (code) => r(code)));
