// Starts the segment engine's thread. The engine is TypeScript and a worker does not inherit
// the tsx loader of the process that started it, so the loader is registered here first.
// Plain JavaScript so it loads without one.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
