import { createStore, del, delMany, entries, get, set, type UseStore } from 'idb-keyval';

/** The SDK's only door to IndexedDB; falls back to memory where IndexedDB is missing or throws. */
export interface Storage {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  entries<T>(prefix: string): Promise<[string, T][]>;
}

export function memoryStorage(): Storage {
  const map = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, value),
    del: async (key) => void map.delete(key),
    delMany: async (keys) => {
      for (const k of keys) map.delete(k);
    },
    entries: async <T>(prefix: string) =>
      [...map].filter(([k]) => k.startsWith(prefix)) as [string, T][],
  };
}

function idbStorage(store: UseStore): Storage {
  return {
    get: (key) => get(key, store),
    set: (key, value) => set(key, value, store),
    del: (key) => del(key, store),
    delMany: (keys) => delMany(keys, store),
    entries: async <T>(prefix: string) =>
      (await entries<string, T>(store)).filter(([k]) => String(k).startsWith(prefix)),
  };
}

/**
 * IndexedDB when it works, memory otherwise. Every call is tried on IndexedDB first and
 * switches the whole storage to memory on the first failure (Safari private mode, blocked
 * storage), so callers never see a rejected promise.
 */
export function openStorage(): Storage {
  const memory = memoryStorage();
  let active: Storage = memory;
  try {
    if (typeof indexedDB !== 'undefined') active = idbStorage(createStore('segmently', 'kv'));
  } catch {
    active = memory;
  }
  const guard =
    <A extends unknown[], R>(op: (s: Storage, ...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await op(active, ...a);
      } catch {
        active = memory;
        return op(memory, ...a);
      }
    };
  return {
    get: guard((s, key: string) => s.get(key)),
    set: guard((s, key: string, value: unknown) => s.set(key, value)),
    del: guard((s, key: string) => s.del(key)),
    delMany: guard((s, keys: string[]) => s.delMany(keys)),
    entries: guard((s, prefix: string) => s.entries(prefix)),
  } as Storage;
}
