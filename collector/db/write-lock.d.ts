/** See write-lock.js. */
export type WriteLock = Int32Array;
export function createWriteLock(): WriteLock;
export function inTurn<T>(lock: WriteLock, task: () => T): T;
export function inTurnAsync<T>(lock: WriteLock, task: () => Promise<T>): Promise<T>;
