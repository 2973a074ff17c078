/** See thread-cpu.js. */
import type { MessagePort } from 'node:worker_threads';
export function ownThreadId(): number | undefined;
export function announceThreadId(port: MessagePort): void;
export function threadCpuSeconds(threadId: number): number | undefined;
