/**
 * The HTML report a person opens after a run: one self-contained index.html (CSS, script and the
 * results inlined, nothing fetched from the network) that links the per-job artifacts the run
 * wrote beside it by relative paths, so the folder works offline and as a CI artifact. Each
 * job's serial log tail is embedded, since a page opened from file:// cannot read files itself.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pageScript } from '../util/page-script.js';
import { REPORT_STYLE } from './html/report-style.js';
import type { JobResult, RunResult } from '../model/results.js';
import { readTail } from '../util/read-tail.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** Enough of a serial log to show how a boot ended; 500 jobs stay under 4 MB of page. */
const SERIAL_TAIL_BYTES = 8000;

export function writeHtml(run: RunResult, reportDir: string): string {
  const file = join(reportDir, 'index.html');
  writeFileAtomic(file, renderHtml(run, reportDir));
  return file;
}

export function renderHtml(run: RunResult, reportDir: string): string {
  const jobs = run.jobs.map((job) => ({ ...job, ...serialTail(job, reportDir) }));
  const { jobs: _jobs, ...rest } = run;
  // `<` escaped so no text from a serial log or a file name can close the script element.
  const data = JSON.stringify({ run: rest, jobs }).replace(/</g, '\\u003c');
  const counts = Object.entries(run.summary.counts).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`).join(', ');
  const shard = run.shard ? ` · shard ${run.shard.index}/${run.shard.total}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>bootgate report: ${esc(counts || 'no jobs')}</title>
<style>${REPORT_STYLE}</style></head><body>
<header><h1>bootgate report</h1>
${run.incomplete ? '<p class="incomplete"><b>Incomplete:</b> this report was written while the run went on, and the run ended (killed) before it was final. Jobs without a verdict say interrupted.</p>' : ''}
${run.summary.goldensWritten ? `<p class="incomplete">${run.summary.goldensWritten} golden(s) written by this run: review them in the jobs below, then <code>bootgate accept</code> them or commit them.</p>` : ''}
<div class="meta">${esc(run.startedAt)} · ${(run.durationMs / 1000).toFixed(1)} s · ${esc(counts || 'no jobs')} · exit code ${run.summary.exitCode}${shard} · bootgate ${esc(run.tool.version)}</div>
<div class="chips"><span id="chips" class="chips" style="margin:0"></span><input id="search" type="search" placeholder="search jobs, errors… (/)" aria-label="search"></div>
</header>
<main><div id="matrix"></div><h3>jobs</h3><div id="list"></div></main>
<aside id="panel" hidden></aside>
<noscript><p>This report needs JavaScript; results.json and junit.xml beside it hold the same results.</p></noscript>
<script type="application/json" id="data">${data}</script>
<script>${pageScript('report')}</script>
</body></html>
`;
}

/** The end of the job's serial log, read without loading a long log whole. */
function serialTail(job: JobResult, reportDir: string): { serialTail?: string; serialTruncated?: boolean } {
  if (!job.artifacts.serialLog) return {};
  try {
    const file = join(reportDir, job.artifacts.serialLog);
    return { serialTail: readTail(file, SERIAL_TAIL_BYTES), serialTruncated: statSync(file).size > SERIAL_TAIL_BYTES };
  } catch {
    return {};
  }
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
