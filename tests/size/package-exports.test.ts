import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** What `import … from 'segmently'` gives an npm user: the built package, as Node resolves it. */
describe('npm package', () => {
  it('exports createSegmently and the hashing helpers through its exports map, with types', () => {
    const script =
      "const m = await import('segmently'); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))));";
    const exported = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
    );
    expect(exported).toMatchObject({
      createSegmently: 'function',
      hashEmail: 'function',
      hashPhone: 'function',
    });
    expect(existsSync('dist/types/sdk/index.d.ts')).toBe(true);
  });
});
