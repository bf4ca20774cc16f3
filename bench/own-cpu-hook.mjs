// Loaded into bootgate by bench/cpu-share.ts (NODE_OPTIONS=--import): at exit, writes what the
// process itself used (all its threads; children excluded) to $BENCH_OWN_CPU_FILE.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_OWN_CPU_FILE;
if (file && isMainThread) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
