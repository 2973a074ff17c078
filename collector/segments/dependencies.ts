import type { CompiledSegment } from './membership.js';
import { referencedSegments } from './rule-leaves.js';

export class SegmentCycleError extends Error {
  constructor(readonly path: string[]) {
    super(`segments refer to each other in a cycle: ${path.join(' → ')}`);
  }
}

/** Referenced segments first; throws SegmentCycleError on a cycle. */
export function orderByDependencies<T extends CompiledSegment>(segments: readonly T[]): T[] {
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const done = new Set<string>();
  const ordered: T[] = [];
  const visit = (segment: T, path: string[]) => {
    if (done.has(segment.key)) return;
    if (path.includes(segment.key)) throw new SegmentCycleError([...path, segment.key]);
    for (const ref of referencedSegments(segment.rule)) {
      const dep = byKey.get(ref);
      if (dep) visit(dep, [...path, segment.key]);
    }
    done.add(segment.key);
    ordered.push(segment);
  };
  for (const s of segments) visit(s, []);
  return ordered;
}
