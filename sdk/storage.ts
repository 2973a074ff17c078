import { createStore, promisifyRequest as done, type UseStore } from 'idb-keyval';

/** The SDK's only door to IndexedDB; falls back to memory where IndexedDB is missing or throws. */
export interface Storage {
  set(key: string, value: unknown): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  entries<T>(prefix: string): Promise<[string, T][]>;
}

export function memoryStorage(): Storage {
  const map = new Map<string, unknown>();
  return {
    set: async (key, value) => void map.set(key, value),
    delMany: async (keys) => {
      for (const k of keys) map.delete(k);
    },
    entries: async <T>(prefix: string) =>
      [...map].filter(([k]) => k.startsWith(prefix)) as [string, T][],
  };
}

/**
 * Built on idb-keyval's store and request helpers only: its get/set/… default to a second
 * database the bundle would carry for nothing, and `entries` here reads just the prefix.
 */
function idbStorage(store: UseStore): Storage {
  const write = (fn: (s: IDBObjectStore) => void) =>
    store('readwrite', (s) => {
      fn(s);
      return done(s.transaction);
    });
  return {
    set: (key, value) => write((s) => s.put(value, key)),
    delMany: (keys) =>
      write((s) => {
        for (const k of keys) s.delete(k);
      }),
    entries: <T>(prefix: string) =>
      store('readonly', (s) => {
        const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
        return Promise.all([done(s.getAllKeys(range)), done(s.getAll(range))]).then(
          ([keys, values]) => keys.map((k, i) => [String(k), values[i] as T] as [string, T]),
        );
      }),
  };
}

type Op = (...args: unknown[]) => Promise<unknown>;

/**
 * IndexedDB when it works, memory otherwise. Every call is tried on IndexedDB first and
 * switches the whole storage to memory on the first failure (Safari private mode, blocked
 * storage), so callers never see a rejected promise.
 */
export function openStorage(): Storage {
  const memory = memoryStorage();
  // createStore opens the database on first use: where IndexedDB is missing or throws, that
  // first call fails (below) and memory takes over.
  let active = idbStorage(createStore('segmently', 'kv'));
  const guard =
    (op: keyof Storage) =>
    async (...a: unknown[]) => {
      try {
        return await (active[op] as Op)(...a);
      } catch {
        active = memory;
        return (memory[op] as Op)(...a);
      }
    };
  return { set: guard('set'), delMany: guard('delMany'), entries: guard('entries') } as Storage;
}
