import { standardEventProblems } from '../shared/events.js';
import './event-check.js';

// The debug-only chunk (see rollup.config.ts): event-check.ts fetches it when debug mode is on.
window.segmentlyEventCheck = standardEventProblems;
