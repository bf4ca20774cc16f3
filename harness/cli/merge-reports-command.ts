/** `bootgate merge-reports <dirs...>`: one report from the report folders of a sharded run; returns its exit code. */
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { ConsoleReporter } from '../report/console-reporter.js';
import { writeHtml } from '../report/html-reporter.js';
import { readResults, writeResults } from '../report/json-reporter.js';
import { writeJunit } from '../report/junit-reporter.js';
import { mergeShardResults } from '../report/merge-reports.js';
import { onGithubActions, reportToGithub } from '../report/github-actions.js';
import { prepareReportDir, RESULTS_FILE } from '../report/report-dir.js';

export function mergeReportsCommand(dirs: readonly string[], options: { reportDir: string; junit?: string }, write = (line: string) => process.stdout.write(`${line}\n`)): number {
  const out = resolve(options.reportDir);
  const shards = dirs.map((d) => resolve(d));
  if (shards.includes(out)) throw new ConfigError(`--report-dir ${options.reportDir} is one of the shards' folders; merge into another`, { field: '--report-dir' });
  // A folder without results.json is a shard that never reported; a results.json that is not one is bad input.
  const reports = shards.map((dir) => (existsSync(join(dir, RESULTS_FILE)) ? { dir, run: readResults(join(dir, RESULTS_FILE)) } : { dir }));
  const run = mergeShardResults(reports);
  prepareReportDir(out);
  // Artifact paths are relative to the report folder, and job folders are unique across shards.
  for (const { dir } of reports) if (existsSync(join(dir, 'jobs'))) cpSync(join(dir, 'jobs'), join(out, 'jobs'), { recursive: true });
  writeResults(run, join(out, RESULTS_FILE));
  writeJunit(run, options.junit ? resolve(options.junit) : join(out, 'junit.xml'));
  writeHtml(run, out);
  for (const { dir } of reports.filter((r) => !r.run)) write(`merge-reports: ${dir} has no ${RESULTS_FILE}: its shard never reported`);
  new ConsoleReporter(run.jobs.length, write).summary(run, out);
  if (onGithubActions()) reportToGithub(run, [{ title: 'jobs', jobs: run.jobs }], write);
  return run.summary.exitCode;
}
