/**
 * A static HTML report a person opens after a run: every job with its outcome, the step where it
 * failed, its frames (with actual / expected / diff side by side on a mismatch) and the tail of
 * its serial log. Plain HTML and CSS, no scripts, so it opens from a CI artifact as it is.
 */
import { budgetText, guestTimeText } from './phase-times.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupByScenario, whereItFailed } from './cross-backend.js';
import type { JobResult, RunResult } from '../model/results.js';
import { groupDigits } from '../util/group-digits.js';

const SERIAL_TAIL_BYTES = 8000;

export function writeHtml(run: RunResult, reportDir: string): string {
  const file = join(reportDir, 'index.html');
  writeFileSync(file, renderHtml(run, reportDir));
  return file;
}

export function renderHtml(run: RunResult, reportDir: string): string {
  const groups = groupByScenario(run.jobs);
  const columns = Math.max(1, ...groups.map((g) => g.jobs.length));
  const rows = groups
    .map((row) => {
      const cells = row.jobs.map((job) => `<td class="${job.outcome}"><a href="#${esc(job.id)}">${job.backend}: ${job.outcome}</a></td>`).join('');
      return `<tr><td>${esc(row.scenario)}</td><td>${esc(row.profile)}</td>${cells}<td>${esc(row.verdict ?? '')}</td></tr>`;
    })
    .join('\n');
  const counts = Object.entries(run.summary.counts).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`).join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bootgate report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
.passed{background:#e6f4e6}.failed{background:#fbe3e3}.infra-error,.config-error{background:#fdf0d5}
.flaky{background:#fff7c2}.skipped,.expected-failure{background:#eee}
section{margin:2em 0;border-top:2px solid #ccc}img{max-width:360px;border:1px solid #999;image-rendering:pixelated}
figure{display:inline-block;margin:.3em}figcaption{font-size:12px}pre{background:#111;color:#ddd;padding:.6em;max-height:24em;overflow:auto;white-space:pre-wrap}
</style></head><body>
<h1>bootgate report</h1>
<p>${esc(run.startedAt)} · ${(run.durationMs / 1000).toFixed(1)} s · ${esc(counts)} · exit code ${run.summary.exitCode}</p>
${run.summary.goldensWritten ? `<p class="flaky">${run.summary.goldensWritten} golden(s) written by this run: review them below (new golden, and the one it replaced).</p>` : ''}
<table><tr><th>scenario</th><th>profile</th><th colspan="${columns}">backends</th><th>across emulators</th></tr>
${rows}
</table>
${run.jobs.map((job) => renderJob(job, reportDir)).join('\n')}
</body></html>
`;
}

function renderJob(job: JobResult, reportDir: string): string {
  const error = job.error && job.outcome !== 'passed' ? `<p><b>${esc(job.error.type)}</b>${esc(whereItFailed(job))}: ${esc(job.error.message)}</p>` : '';
  const expected = job.expectedReason ? `<p>expected: ${esc(job.expectedReason)}</p>` : '';
  const steps = job.phases
    .flatMap((phase) =>
      phase.steps.map(
        (s) =>
          `<tr class="${s.outcome === 'failed' ? 'failed' : s.outcome === 'passed' ? 'passed' : 'skipped'}"><td>${esc(phase.name)}</td><td>${s.index}</td><td>${esc(s.description)}</td><td>${s.outcome}</td><td>${(s.durationMs / 1000).toFixed(2)} s</td><td>${esc([s.matched ? `matched ${s.matched}` : '', s.note ?? '', s.error ?? ''].filter(Boolean).join(' · '))}</td></tr>`,
      ),
    )
    .join('\n');
  const phaseRows = job.phases
    .map((p) => `<tr class="${p.outcome === 'failed' ? 'failed' : p.outcome === 'passed' ? 'passed' : 'skipped'}"><td>${esc(p.name)}</td><td>${p.outcome}</td><td>${p.outcome === 'not-run' || p.outcome === 'restored' ? '-' : `${(p.durationMs / 1000).toFixed(2)} s`}</td><td>${p.guest ? esc(`${guestTimeText(p.guest)} (${groupDigits(p.guest.instructions)} instructions)`) : '-'}</td><td>${esc(budgetText(p)) || '-'}</td></tr>`)
    .join('\n');
  const film = job.artifacts.filmstrip
    ? `<p>the boot as it ran: <a href="${esc(job.artifacts.filmstrip)}">animation</a></p><a href="${esc(job.artifacts.contactSheet ?? job.artifacts.filmstrip)}"><img style="max-width:100%" src="${esc(job.artifacts.contactSheet ?? job.artifacts.filmstrip)}" alt="filmstrip"></a>`
    : '';
  const frames = [
    ...job.phases.flatMap((p) => p.steps.flatMap((s) => s.artifacts.map((a) => ({ path: a, caption: `step ${s.index}: ${a.split('/').pop()}` })))),
    ...(job.artifacts.lastFrame ? [{ path: job.artifacts.lastFrame, caption: 'last frame' }] : []),
  ];
  const figures = frames.map((f) => `<figure><a href="${esc(f.path)}"><img src="${esc(f.path)}" alt="${esc(f.caption)}"></a><figcaption>${esc(f.caption)}</figcaption></figure>`).join('');
  const serialPath = job.artifacts.serialLog ? join(reportDir, job.artifacts.serialLog) : undefined;
  const serial = serialPath && existsSync(serialPath) ? readFileSync(serialPath, 'utf8').slice(-SERIAL_TAIL_BYTES) : '';
  return `<section id="${esc(job.id)}">
<h2 class="${job.outcome}">${esc(job.id)}: ${job.outcome}</h2>
<p>${esc(job.scenario.description)} · ${job.memoryMiB} MiB · ${(job.durationMs / 1000).toFixed(1)} s${job.host.peakRssBytes ? ` · emulator peak RSS ${(job.host.peakRssBytes / 1048576).toFixed(0)} MiB` : ''}${job.attempts.length > 1 ? ` · ${job.attempts.length} attempts` : ''}</p>
${error}${expected}
<table><tr><th>phase</th><th>outcome</th><th>wall time</th><th>guest time</th><th>budget</th></tr>
${phaseRows}
</table>
<table><tr><th>phase</th><th>#</th><th>step</th><th>outcome</th><th>time</th><th>detail</th></tr>
${steps}
</table>
${renderGoldens(job)}<div>${figures}</div>
${film}
${serial ? `<p>serial log (last ${SERIAL_TAIL_BYTES} bytes; <a href="${esc(job.artifacts.serialLog!)}">full</a>)</p><pre>${esc(serial)}</pre>` : '<p>no serial output</p>'}
${job.command ? `<details><summary>reproduce without bootgate</summary><pre>${esc(job.command)}</pre></details>` : ''}
</section>`;
}

/** Each golden a step wrote or could take: the frames side by side, and how to accept it. */
function renderGoldens(job: JobResult): string {
  const rows = job.phases.flatMap((p) =>
    p.steps.flatMap((s) => [
      ...(s.goldens ?? []).map((g) => {
        const frames = [g.expected && ['golden before', g.expected], ['actual', g.actual], g.diff && ['diff', g.diff]].filter((f): f is string[] => !!f);
        const accept = g.status === 'mismatch' || g.status === 'missing' ? `<br>accept: <code>bootgate accept &lt;report-dir&gt; --grep '${esc(job.id)}' --step ${s.index}</code>` : '';
        return `<tr><td>${s.index}</td><td>${esc(g.name)}: ${g.status}<br><code>${esc(g.file)}</code>${accept}</td><td>${frames.map(([c, f]) => `<figure><a href="${esc(f!)}"><img src="${esc(f!)}" alt="${c}"></a><figcaption>${c}</figcaption></figure>`).join('')}</td></tr>`;
      }),
      ...(s.moving ? [`<tr><td>${s.index}</td><td>the screen kept changing in ${s.moving.width}×${s.moving.height} at x=${s.moving.x}, y=${s.moving.y} (outlined in red in the <i>moving</i> frame)</td><td></td></tr>`] : []),
    ]),
  );
  return rows.length ? `<table><tr><th>#</th><th>golden</th><th>frames</th></tr>\n${rows.join('\n')}\n</table>` : '';
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
