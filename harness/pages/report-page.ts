/**
 * The report page's script (harness/report/html-reporter.ts inlines it with its data): a matrix
 * of scenario × profile × backend, filters by outcome, a search, and a panel per job built only
 * when opened, so a report of hundreds of jobs loads no image until one is looked at. No
 * framework: bundled by esbuild and inlined, it opens from a CI artifact, offline, as it is.
 * State lives in the address's #fragment, so a link can point at a filtered view or a job.
 * The data is results.json as the page embeds it (typed by harness/model/results.ts on the Node
 * side); the page reads it as JSON, so its jobs are `any` here.
 */
import { byId } from './shared/dom.js';
import { escapeHtml } from './shared/escape-html.js';
import { svgRect } from './shared/screen-box.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface ReportData {
  readonly run: unknown;
  readonly jobs: any[];
}

const data: ReportData = JSON.parse(byId('data').textContent ?? '{}');
var jobs = data.jobs;
const jobById: Record<string, any> = {};
jobs.forEach(function (j: any) { jobById[j.id] = j; });
var SEVERITY = ['failed', 'infra-error', 'config-error', 'interrupted', 'flaky', 'expected-failure', 'skipped', 'cached', 'passed'];
const state: { outcomes: string[]; q: string; job: string; all: boolean } = { outcomes: [], q: '', job: '', all: false };
// Rows of the job list drawn at first, worst first: a table of 500 rows takes a busy browser most of a second to lay out.
var LIST_ROWS = 100;
const $ = (id: string): any => byId(id);

function secs(ms: any) { return ms >= 60000 ? (ms / 60000).toFixed(1) + ' min' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'; }
function badge(o: any) { return '<span class="badge b-' + escapeHtml(o) + '">' + escapeHtml(o) + '</span>'; }
function base(path: any) { return String(path).split('/').pop(); }
function failedStep(j: any) {
  for (var p = 0; p < j.phases.length; p++) {
    var steps = j.phases[p].steps;
    for (var s = 0; s < steps.length; s++) if (steps[s].outcome === 'failed') return { phase: j.phases[p], step: steps[s] };
  }
  return null;
}
function where(j: any) {
  var f = failedStep(j);
  return f ? ' at ' + f.phase.name + ' step ' + f.step.index + ' (' + f.step.description + ')' : '';
}
function firstLine(s: any) { return String(s || '').split('\n')[0]; }
function haystack(j: any) {
  if (!j._text) j._text = [j.id, j.scenario.description, j.outcome, j.error ? j.error.type + ' ' + j.error.message : '', j.expectedReason || ''].join('\n').toLowerCase();
  return j._text;
}
function shown(j: any) {
  if (state.outcomes.length && state.outcomes.indexOf(j.outcome) < 0) return false;
  return !state.q || haystack(j).indexOf(state.q.toLowerCase()) >= 0;
}

// --- the address ---------------------------------------------------------------------------
function readHash() {
  var params = new URLSearchParams(location.hash.slice(1));
  state.outcomes = (params.get('outcome') || '').split(',').filter(Boolean);
  state.q = params.get('q') || '';
  state.job = params.get('job') || '';
}
function hashOf(job: any) {
  var params = new URLSearchParams();
  if (state.outcomes.length) params.set('outcome', state.outcomes.join(','));
  if (state.q) params.set('q', state.q);
  if (job) params.set('job', job);
  return '#' + params.toString();
}

// --- the overview ----------------------------------------------------------------------------
function renderChips() {
  var counts: Record<string, number> = {};
  jobs.forEach(function (j: any) { counts[j.outcome] = (counts[j.outcome] || 0) + 1; });
  var html = '<button class="chip" data-outcome="" aria-pressed="' + (state.outcomes.length === 0) + '">all ' + jobs.length + '</button>';
  SEVERITY.forEach(function (o: any) {
    if (!counts[o]) return;
    html += '<button class="chip" data-outcome="' + o + '" aria-pressed="' + (state.outcomes.indexOf(o) >= 0) + '">' + o + ' ' + counts[o] + '</button>';
  });
  $('chips').innerHTML = html;
}

function renderMatrix() {
  var columns: string[] = [];
  var rows: string[] = [];
  var cells: Record<string, any> = {};
  jobs.forEach(function (j: any) {
    var col = j.profile + ' \u00b7 ' + j.backend;
    if (columns.indexOf(col) < 0) columns.push(col);
    if (!cells[j.scenario.name]) { cells[j.scenario.name] = {}; rows.push(j.scenario.name); }
    cells[j.scenario.name][col] = j;
  });
  columns.sort();
  var html = '<table class="matrix"><thead><tr><th>scenario</th>';
  columns.forEach(function (c: any) { html += '<th>' + escapeHtml(c) + '</th>'; });
  html += '</tr></thead><tbody>';
  var any = false;
  rows.forEach(function (name: any) {
    var row = cells[name];
    var visible = columns.some(function (c: any) { return row[c] && shown(row[c]); });
    if (!visible) return;
    any = true;
    html += '<tr><td>' + escapeHtml(name) + '</td>';
    columns.forEach(function (c: any) {
      var j = row[c];
      if (!j) { html += '<td></td>'; return; }
      html += '<td class="cell o-' + escapeHtml(j.outcome) + (shown(j) ? '' : ' dim') + '"><button data-job="' + escapeHtml(j.id) + '" title="' + escapeHtml(j.id + ': ' + j.outcome + where(j)) + '">' + escapeHtml(j.outcome) + ' <span class="small">' + secs(j.durationMs) + '</span></button></td>';
    });
    html += '</tr>';
  });
  html += '</tbody></table>';
  $('matrix').innerHTML = any ? html : '<p class="empty">no job matches these filters</p>';
}

function renderList() {
  var list = jobs.filter(shown).sort(function (a: any, b: any) { return SEVERITY.indexOf(a.outcome) - SEVERITY.indexOf(b.outcome); });
  var html = '<table class="list"><thead><tr><th>outcome</th><th>job</th><th>time</th><th>what happened</th></tr></thead><tbody>';
  list.slice(0, state.all ? list.length : LIST_ROWS).forEach(function (j: any) {
    var what = j.cached ? 'cached: ' + j.cached.verdict + ' on ' + j.cached.startedAt + ' in ' + secs(j.cached.durationMs) + ', inputs unchanged' : j.outcome === 'expected-failure' ? 'expected: ' + j.expectedReason : j.error && j.outcome !== 'passed' ? j.error.type + where(j) + ': ' + firstLine(j.error.message) : j.outcome === 'flaky' ? 'passed on attempt ' + j.attempts.length : '';
    html += '<tr data-job="' + escapeHtml(j.id) + '"><td>' + badge(j.outcome) + '</td><td>' + escapeHtml(j.id) + '</td><td>' + secs(j.durationMs) + '</td><td>' + escapeHtml(what) + '</td></tr>';
  });
  var more = !state.all && list.length > LIST_ROWS ? ' <button class="chip" id="more">show all ' + list.length + '</button>' : '';
  $('list').innerHTML = html + '</tbody></table><p class="small">' + list.length + ' of ' + jobs.length + ' job(s)' + more + '</p>';
}

function renderOverview() {
  renderChips();
  renderMatrix();
  renderList();
}

// --- one job ---------------------------------------------------------------------------------
// Each golden a step wrote or could take, its frames side by side and how to accept it; and where a screen never held still.
function goldensView(j: any) {
  var rows: string[] = [];
  j.phases.forEach(function (p: any) { p.steps.forEach(function (s: any) {
    (s.goldens || []).forEach(function (g: any) {
      var frames = [g.expected && ['golden before', g.expected], ['actual (the closest frame)', g.actual], g.diff && ['diff', g.diff], g.areas && ['the golden with its areas from the frame: what accept writes', g.areas], g.last && ['the last frame: the screen moved on', g.last]].filter(Boolean);
      var accept = g.status === 'mismatch' || g.status === 'missing' ? '<br>accept: <code>bootgate accept &lt;report-dir&gt; --grep \'' + escapeHtml(j.id) + '\' --step ' + s.index + '</code>' : '';
      var notes = (g.areas ? '<br>region golden: the diff shows each area\'s search window (blue) and best candidate (green found, red not)' : '') + (g.last ? '<br>the screen moved on after the actual frame' : '');
      rows.push('<tr><td>' + s.index + '</td><td>' + escapeHtml(g.name) + ': ' + escapeHtml(g.status) + '<br><code>' + escapeHtml(g.file) + '</code>' + notes + accept + '</td><td>' +
        frames.map(function (f: any) { return '<a href="' + escapeHtml(f[1]) + '" title="' + f[0] + '">' + img(f[1], f[0], '') + '</a>'; }).join('') + '</td></tr>');
    });
    if (s.moving) rows.push('<tr><td>' + s.index + '</td><td colspan="2">the screen kept changing in ' + s.moving.width + '\u00d7' + s.moving.height + ' at x=' + s.moving.x + ', y=' + s.moving.y + ' (outlined in red in the <i>moving</i> frame)</td></tr>');
  }); });
  return rows.length ? '<table><tr><th>#</th><th>golden</th><th>frames</th></tr>' + rows.join('') + '</table>' : '';
}

function img(src: any, alt: any, cls?: any) {
  return '<img loading="lazy" class="' + (cls || 'shot') + '" src="' + escapeHtml(src) + '" alt="' + escapeHtml(alt) + '">';
}

function compareView(a: any) {
  var kinds = ['expected', 'actual', 'diff'].filter(function (k: any) { return a[k]; });
  var html = '<div class="compare" data-mode="side"><div class="modes">view: ' +
    '<button class="chip" data-mode="side" aria-pressed="true">side by side</button> ' +
    (a.expected && a.actual ? '<button class="chip" data-mode="flip" aria-pressed="false">flip</button> <button class="chip" data-mode="slide" aria-pressed="false">slide</button>' : '') +
    '</div><div class="side">';
  kinds.forEach(function (k: any) { html += '<figure><a href="' + escapeHtml(a[k]) + '">' + img(a[k], k) + '</a><figcaption>' + k + ': ' + escapeHtml(base(a[k])) + '</figcaption></figure>'; });
  html += '</div>';
  if (a.expected && a.actual) {
    html += '<div class="flip" hidden><div class="modes">' + kinds.map(function (k: any, i: any) { return '<button class="chip" data-show="' + k + '" aria-pressed="' + (i === 0) + '">' + k + '</button>'; }).join(' ') +
      ' <button class="chip" data-auto aria-pressed="false">flip every second</button> <span class="small">or press f</span></div>' +
      '<img class="shot flipimg" alt="expected" data-expected="' + escapeHtml(a.expected) + '" data-actual="' + escapeHtml(a.actual) + '" data-diff="' + escapeHtml(a.diff || '') + '"></div>';
    html += '<div class="slide" hidden><div class="stage">' + img(a.expected, 'expected') +
      '<img class="shot over" alt="actual" src="' + escapeHtml(a.actual) + '" style="position:absolute;top:0;left:0;width:100%;height:100%;clip-path:inset(0 50% 0 0)"></div>' +
      '<div><input class="slider" type="range" min="0" max="100" value="50" aria-label="actual on the left, expected on the right"></div>' +
      '<p class="small">left of the line: actual; right: expected</p></div>';
  }
  return html + '</div>';
}

function serialView(j: any) {
  if (j.serialTail == null) return '<p class="empty">no serial log</p>';
  if (j.serialTail === '') return '<p class="empty">the guest wrote nothing to the serial port</p>';
  var wanted: string[] = [];
  j.phases.forEach(function (p: any) { p.steps.forEach(function (s: any) { if (s.matched && s.kind === 'waitSerial') { var lines = s.matched.split(/\r?\n/).filter(function (l: any) { return l.trim(); }); if (lines.length) wanted.push(lines[lines.length - 1].trim()); } }); });
  var bad = (j.scenario.failOn || []).map(function (p: any) { try { return new RegExp(p.regex, p.flags.replace('g', '')); } catch (e) { return null; } }).filter(Boolean);
  var hits = 0;
  var out = j.serialTail.split('\n').map(function (line: any) {
    var clean = line.replace(/\r$/, '');
    var cls = bad.some(function (r: any) { return r.test(clean); }) ? 'bad' : wanted.some(function (w: any) { return clean.indexOf(w) >= 0; }) ? 'hit' : '';
    if (cls) hits++;
    return cls ? '<span class="' + cls + '">' + escapeHtml(clean) + '</span>' : escapeHtml(clean);
  }).join('\n');
  var legend = '<p class="small">' + (j.serialTruncated ? 'the last ' + j.serialTail.length + ' characters; ' : '') + '<a href="' + escapeHtml(j.artifacts.serialLog) + '">full log</a>' +
    (hits ? ' \u00b7 highlighted: <span style="background:#1f6f3f;color:#fff">&nbsp;lines a wait matched&nbsp;</span> <span style="background:#b62324;color:#fff">&nbsp;failure patterns&nbsp;</span>' : '') +
    (bad.length ? ' \u00b7 failure patterns: ' + (j.scenario.failOn || []).map(function (p: any) { return '<code>' + escapeHtml(p.source) + '</code>'; }).join(', ') : '') + '</p>';
  return legend + '<pre class="serial">' + out + '</pre>';
}

function budgetsView(j: any) {
  var html = '<table><thead><tr><th>phase</th><th>outcome</th><th>wall time</th><th>wall budget</th><th>guest time</th><th>guest budget</th></tr></thead><tbody>';
  j.phases.forEach(function (p: any) {
    var ran = p.outcome !== 'not-run' && p.outcome !== 'restored';
    var over = p.budgetMs != null && ran && p.durationMs > p.budgetMs;
    var guest = p.guest ? (p.guest.exact ? '' : '\u2248') + secs(p.guest.ms) + ' <span class="small">(' + p.guest.instructions.toLocaleString('en') + ' instr.)</span>' : '\u2013';
    var gb = p.guestBudget ? [p.guestBudget.ms != null ? secs(p.guestBudget.ms) : '', p.guestBudget.instructions != null ? p.guestBudget.instructions.toLocaleString('en') + ' instr.' : ''].filter(Boolean).join(', ') : '\u2013';
    html += '<tr class="o-' + (p.outcome === 'failed' ? 'failed' : p.outcome === 'passed' ? 'passed' : 'skipped') + '"><td>' + escapeHtml(p.name) + '</td><td>' + escapeHtml(p.outcome) + '</td><td>' + (ran ? secs(p.durationMs) : '\u2013') + '</td><td' + (over ? ' class="err"' : '') + '>' + (p.budgetMs != null ? secs(p.budgetMs) : '\u2013') + '</td><td>' + guest + '</td><td>' + gb + '</td></tr>';
  });
  html += '</tbody></table><table><tbody><tr><th>memory</th><td>' + j.memoryMiB + ' MiB</td></tr>';
  if (j.host && j.host.peakRssBytes) html += '<tr><th>emulator peak RSS</th><td>' + (j.host.peakRssBytes / 1048576).toFixed(0) + ' MiB</td></tr>';
  if (j.ramFloor) html += '<tr><th>RAM floor</th><td>' + (j.ramFloor.floorMiB != null ? j.ramFloor.floorMiB + ' MiB' : escapeHtml(j.ramFloor.problem || 'not found')) + ' <span class="small">(' + j.ramFloor.probes.length + ' probes)</span></td></tr>';
  (j.images || []).forEach(function (i: any) { html += '<tr><th>' + escapeHtml(i.role) + ' image</th><td>' + (i.sizeBytes / 1048576).toFixed(1) + ' MiB <span class="small">' + escapeHtml(base(i.path)) + '</span></td></tr>'; });
  return html + '</tbody></table>';
}

/** A PS/2 walk's end as the guest drew it: where the click really went when it missed. */
function landingText(l: any) {
  var pins = l.pins > 1 ? ', ' + l.pins + ' pins' : '';
  if (l.seen) return 'PS/2 cursor seen at ' + l.seen.x + ',' + l.seen.y + ' after ' + l.corrections + ' corrections' + pins;
  var why = l.lost === 'changed' ? 'it changed after the first leg' : l.lost === 'not-pinned' ? 'it never showed pinned in the corner' : 'none drawn in the corner';
  return 'PS/2 cursor not followed (' + why + pins + '): the walk is unchecked';
}

function stepsView(j: any) {
  var html = '<table><thead><tr><th>phase</th><th>#</th><th>step</th><th>outcome</th><th>time</th><th>detail</th><th>where</th></tr></thead><tbody>';
  j.phases.forEach(function (p: any) {
    p.steps.forEach(function (s: any) {
      var detail = [s.matched ? 'matched ' + s.matched : '', s.region ? s.region.areas.map(function (r: any, i: any) { return 'area ' + (i + 1) + ' at ' + r.x + ',' + r.y + ' (' + r.similarity + ')'; }).join(', ') : '', s.pointer ? 'pointer at ' + s.pointer.x + ',' + s.pointer.y : '', s.landing ? landingText(s.landing) : '', s.note || '', s.error || ''].filter(Boolean).join(' \u00b7 ');
      var frames = s.artifacts.map(function (a: any) { return '<a href="' + escapeHtml(a) + '">' + escapeHtml(base(a)) + '</a>'; }).join(' ');
      html += '<tr class="o-' + (s.outcome === 'failed' ? 'failed' : s.outcome === 'passed' ? 'passed' : 'skipped') + '"><td>' + escapeHtml(p.name) + '</td><td>' + s.index + '</td><td>' + escapeHtml(s.description) + '</td><td>' + escapeHtml(s.outcome) + '</td><td>' + (s.outcome === 'passed' || s.outcome === 'failed' ? secs(s.durationMs) : '\u2013') + '</td><td>' + escapeHtml(detail) + (frames ? '<div class="small">' + frames + '</div>' : '') + '</td><td class="small">' + (s.source ? escapeHtml(base(s.source.file) + ':' + s.source.line) : '') + '</td></tr>';
    });
  });
  return html + '</tbody></table>';
}

function attemptsView(j: any) {
  if (j.attempts.length < 2) return '';
  var html = '<h3>attempts</h3><table><thead><tr><th>#</th><th>outcome</th><th>time</th><th>error</th><th>evidence</th></tr></thead><tbody>';
  j.attempts.forEach(function (a: any, i: any) {
    var links = Object.keys(a.artifacts || {}).map(function (k: any) { return '<a href="' + escapeHtml(a.artifacts[k]) + '">' + escapeHtml(k) + '</a>'; }).concat(Object.keys((a.error && a.error.artifacts) || {}).map(function (k: any) { return '<a href="' + escapeHtml(a.error.artifacts[k]) + '">' + escapeHtml(k) + '</a>'; })).join(' \u00b7 ');
    html += '<tr class="o-' + escapeHtml(a.outcome) + '"><td>' + (i + 1) + '</td><td>' + escapeHtml(a.outcome) + '</td><td>' + secs(a.durationMs) + '</td><td>' + escapeHtml(a.error ? a.error.type + (a.failedStep ? ' at step ' + a.failedStep.index + ' (' + a.failedStep.description + ')' : '') + ': ' + firstLine(a.error.message) : '') + '</td><td>' + links + '</td></tr>';
  });
  return html + '</tbody></table>';
}

/** A region match drawn over the step's frame, in the frame's own pixels so it scales with the image. */
function regionView(s: any) {
  var r = s.region, w = r.frame.width, h = r.frame.height, c = r.click;
  var boxes = r.areas.map(function (a: any) { return svgRect(a, a.found ? '#1a7f37' : '#cf222e', 'similarity ' + a.similarity); }).join('');
  var cross = '<path d="M' + (c.x - 8) + ' ' + c.y + 'h16M' + c.x + ' ' + (c.y - 8) + 'v16" stroke="#d4a72c" stroke-width="3"/>';
  return '<figure><figcaption class="small">step ' + s.index + ': ' + escapeHtml(r.golden) + '</figcaption><svg class="shot" style="width:min(100%,' + w + 'px)" viewBox="0 0 ' + w + ' ' + h + '"><image href="' + escapeHtml(s.artifacts[0]) + '" width="' + w + '" height="' + h + '"/>' + boxes + cross + '</svg></figure>';
}

function reproCommand(j: any) {
  var q = function (s: any) { return /^[A-Za-z0-9_./:=,@+-]+$/.test(s) ? s : "'" + String(s).replace(/'/g, "'\\''") + "'"; };
  return 'bootgate repro ' + q(j.scenario.file) + ' --backend ' + q(j.backend) + ' --profile ' + q(j.profile);
}

function renderJob(j: any) {
  var a = j.error && j.error.artifacts ? j.error.artifacts : {};
  var steps: { src: string; caption: string }[] = [];
  j.phases.forEach(function (p: any) { p.steps.forEach(function (s: any) { s.artifacts.forEach(function (f: any) { steps.push({ src: f, caption: 'step ' + s.index + ': ' + base(f) }); }); }); });
  if (j.artifacts.lastFrame) steps.push({ src: j.artifacts.lastFrame, caption: 'last frame' });
  var facts = [j.scenario.description, j.memoryMiB + ' MiB', secs(j.durationMs), j.attempts.length > 1 ? j.attempts.length + ' attempts' : ''].filter(Boolean).map(escapeHtml).join(' \u00b7 ');
  var html = '<button id="close" title="close (Esc)">\u00d7</button><h2>' + badge(j.outcome) + ' ' + escapeHtml(j.id) + '</h2><p class="meta">' + facts + '</p>' +
    '<p class="small">' + escapeHtml(j.scenario.file) + '</p>';
  if (j.outcome === 'flaky') html += '<p class="errbox" style="border-color:var(--flaky);background:#fff8c5">flaky: passed on attempt ' + j.attempts.length + ' after ' + j.attempts.slice(0, -1).map(function (x: any) { return x.outcome + (x.error ? ' (' + x.error.type + ')' : ''); }).join(', ') + '; every attempt\'s evidence is below</p>';
  if (j.expectedReason) html += '<p>expected failure: ' + escapeHtml(j.expectedReason) + '</p>';
  if (j.error && j.outcome !== 'passed' && j.outcome !== 'flaky') html += '<div class="errbox">' + (j.error.kind ? '<b>' + escapeHtml(j.error.kind) + '</b> \u00b7 ' : '') + '<b>' + escapeHtml(j.error.type) + '</b>' + escapeHtml(where(j)) + ': ' + escapeHtml(j.error.message) + '</div>';
  if (j.guestResets) html += '<p>guest resets: ' + j.guestResets.length + ' (at ' + j.guestResets.map(function (s: any) { return s.toFixed(1) + ' s'; }).join(', ') + ')</p>';
  (j.warnings || []).forEach(function (w: any) { html += '<p class="small">warning: ' + escapeHtml(w) + '</p>'; });
  if (a.actual || a.expected || a.diff) html += '<h3>screen</h3>' + compareView(a);
  html += '<h3>reproduce</h3><div class="repro"><code id="repro">' + escapeHtml(reproCommand(j)) + '</code><button class="chip" id="copy">copy</button></div>';
  if (j.command) html += '<details><summary class="small">the emulator command line</summary><pre>' + escapeHtml(j.command) + '</pre></details>';
  html += '<h3>budgets</h3>' + budgetsView(j);
  var goldens = goldensView(j);
  if (goldens) html += '<h3>goldens</h3>' + goldens;
  html += '<h3>steps</h3>' + stepsView(j);
  html += attemptsView(j);
  var marked: string[] = [];
  j.phases.forEach(function (p: any) { p.steps.forEach(function (s: any) { if (s.region && s.artifacts.length) marked.push(regionView(s)); }); });
  if (marked.length) html += '<h3>matched areas</h3><p class="small">green: found, red: the best candidate of an area not found; the cross is where a click goes</p>' + marked.join('');
  if (steps.length) html += '<h3>frames</h3><div class="frames">' + steps.map(function (f: any) { return '<a href="' + escapeHtml(f.src) + '" title="' + escapeHtml(f.caption) + '">' + img(f.src, f.caption, '') + '</a>'; }).join('') + '</div>';
  if (j.artifacts.filmstrip) html += '<h3>filmstrip</h3><p class="small"><a href="' + escapeHtml(j.artifacts.filmstrip) + '">the boot as an animation</a></p><a href="' + escapeHtml(j.artifacts.contactSheet || j.artifacts.filmstrip) + '">' + img(j.artifacts.contactSheet || j.artifacts.filmstrip, 'filmstrip') + '</a>';
  html += '<h3>serial log</h3>' + serialView(j);
  return html;
}

var flipTimer = 0;
function showPanel() {
  clearInterval(flipTimer);
  var panel = $('panel');
  var j = state.job && jobById[state.job];
  if (!j) { panel.hidden = true; panel.innerHTML = ''; return; }
  panel.innerHTML = renderJob(j);
  panel.hidden = false;
  panel.scrollTop = 0;
  setFlip(panel, 'expected');
}

function setFlip(panel: any, kind: any) {
  var im = panel.querySelector('.flipimg');
  if (!im) return;
  im.src = im.getAttribute('data-' + kind);
  im.alt = kind;
  panel.querySelectorAll('[data-show]').forEach(function (b: any) { b.setAttribute('aria-pressed', String(b.getAttribute('data-show') === kind)); });
}
function flipNext(panel: any) {
  var im = panel.querySelector('.flipimg');
  if (im) setFlip(panel, im.alt === 'expected' ? 'actual' : 'expected');
}

// --- events ----------------------------------------------------------------------------------
document.addEventListener('click', function (e: MouseEvent) {
  var t = (e.target as Element).closest('button, tr[data-job]') as HTMLElement | null;
  if (!t) return;
  var panel = $('panel');
  if (t.hasAttribute('data-job')) { location.hash = hashOf(t.getAttribute('data-job')); return; }
  if (t.hasAttribute('data-outcome')) {
    var o = t.getAttribute('data-outcome');
    if (!o) state.outcomes = [];
    else if (state.outcomes.indexOf(o) >= 0) state.outcomes = state.outcomes.filter(function (x: any) { return x !== o; });
    else state.outcomes = state.outcomes.concat([o]);
    history.replaceState(null, '', hashOf(state.job));
    renderOverview();
    return;
  }
  if (t.id === 'close') { location.hash = hashOf(''); return; }
  if (t.id === 'more') { state.all = true; renderList(); return; }
  if (t.id === 'copy') { navigator.clipboard && navigator.clipboard.writeText($('repro').textContent); t.textContent = 'copied'; return; }
  var compare: any = t.closest('.compare');
  if (compare && t.hasAttribute('data-mode') && !t.closest('.flip')) {
    var mode = t.getAttribute('data-mode');
    ['side', 'flip', 'slide'].forEach(function (m: any) { var el = compare.querySelector('.' + m); if (el) el.hidden = m !== mode; });
    compare.querySelectorAll('.modes [data-mode]').forEach(function (b: any) { b.setAttribute('aria-pressed', String(b.getAttribute('data-mode') === mode)); });
    return;
  }
  if (t.hasAttribute('data-show')) { setFlip(panel, t.getAttribute('data-show')); return; }
  if (t.hasAttribute('data-auto')) {
    var on = t.getAttribute('aria-pressed') !== 'true';
    t.setAttribute('aria-pressed', String(on));
    clearInterval(flipTimer);
    if (on) flipTimer = window.setInterval(function () { flipNext(panel); }, 1000);
  }
});
document.addEventListener('input', function (e: any) {
  if (e.target.id === 'search') {
    state.q = e.target.value;
    history.replaceState(null, '', hashOf(state.job));
    renderMatrix();
    renderList();
  } else if (e.target.classList.contains('slider')) {
    var over = e.target.closest('.slide').querySelector('.over');
    over.style.clipPath = 'inset(0 ' + (100 - Number(e.target.value)) + '% 0 0)';
  }
});
document.addEventListener('keydown', function (e: any) {
  if (e.target.tagName === 'INPUT') return;
  if (e.key === 'Escape' && state.job) location.hash = hashOf('');
  if (e.key === 'f' && state.job) flipNext($('panel'));
  if (e.key === '/') { e.preventDefault(); $('search').focus(); }
});
window.addEventListener('hashchange', function () {
  var before = state.job;
  readHash();
  $('search').value = state.q;
  renderOverview();
  if (state.job !== before || !$('panel').innerHTML) showPanel();
});

readHash();
$('search').value = state.q;
renderOverview();
showPanel();
document.body.setAttribute('data-ready', String(Math.round(performance.now())));
