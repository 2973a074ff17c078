import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** collector/main.ts with `env`, expected to fail at start: its exit code and output lines. */
function failedStart(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'collector/main.ts'], {
    env: { ...process.env, DATABASE_URL: 'file::memory:', PORT: '0', HOST: '127.0.0.1', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = `${run.stdout}${run.stderr}`.split('\n').filter(Boolean);
  return { status: run.status, lines };
}

describe('a collector that cannot start', () => {
  it('says why in one JSON log line and exits 1', () => {
    const { status, lines } = failedStart({ NODE_ENV: 'production', SEGMENTLY_ADMIN_TOKEN: '' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line.msg).toBe('crashed');
    expect(line.error).toContain('SEGMENTLY_ADMIN_TOKEN must be set in production');
  });

  it('says which setting is wrong the same way', () => {
    const { status, lines } = failedStart({ NODE_ENV: 'test', PORT: 'eighty' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ msg: 'crashed' });
    expect(lines[0]).toContain('PORT');
  });
});
