/**
 * First-party Web Storage that never throws (blocked storage, Safari private mode, quota):
 * a failed read is a miss, a failed write is skipped. Every key the SDK keeps starts `sgm_`.
 */
export function localGet<T>(key: string): T | undefined {
  try {
    return JSON.parse(localStorage.getItem(key) as string) ?? undefined;
  } catch {
    return undefined;
  }
}

export function localSet(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {}
}
