/**
 * First-party Web Storage that never throws (blocked storage, Safari private mode, quota):
 * a failed read is a miss, a failed write is skipped. Every key the SDK keeps starts `sgm_`.
 */
export function localGet<T>(
  key: string,
  area: 'localStorage' | 'sessionStorage' = 'localStorage',
): T | undefined {
  try {
    return JSON.parse(window[area].getItem(key) as string) ?? undefined;
  } catch {
    return undefined;
  }
}

export function localSet(
  key: string,
  value: unknown,
  area: 'localStorage' | 'sessionStorage' = 'localStorage',
): void {
  try {
    if (value === undefined) window[area].removeItem(key);
    else window[area].setItem(key, JSON.stringify(value));
  } catch {}
}
