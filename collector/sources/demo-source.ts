import type { Source, SourceStore } from './store.js';

export const DEMO_SOURCE_NAME = 'Demo shop';

/** The source the demo shop reports to, created on first start. */
export async function ensureDemoSource(
  sources: SourceStore,
): Promise<{ source: Source; created: boolean }> {
  const existing = await sources.byName(DEMO_SOURCE_NAME);
  if (existing) return { source: existing, created: false };
  return { source: await sources.create({ name: DEMO_SOURCE_NAME }), created: true };
}
