// Runs the worker from its TypeScript source (under vitest, or any run without a build): Node 20
// cannot execute .ts, so a module hook transpiles it with the project's own typescript package.
// The compiled dist/ build never comes here; it starts v86-worker.js directly.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register('./dev-ts-hooks.mjs', import.meta.url);
await import(workerData.entry);
