/**
 * The bootgate command line. Every expected error ends as one line on stderr and a distinct exit
 * code (2 bad input, 3 infra), never a stack trace; the first Ctrl-C (or SIGTERM, SIGHUP) stops
 * every machine and still writes the report, a second one kills the emulators at once and exits 130. Each command's modules load when
 * it runs, so `--help`, a usage error or a short job does not pay for the others.
 */
import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { BootgateError } from '../errors.js';
import { internalErrorText } from './internal-error.js';
import { killAllNow } from '../machine/cleanup-registry.js';
import { EXIT } from '../model/outcome.js';
import { TOOL_VERSION } from '../util/tool-version.js';
import type { RunCommandOptions } from './run-command.js';
import type { BisectCommandOptions } from './bisect-command.js';
import type { RamFloorOptions } from './ram-floor-command.js';
import type { RecordOptions } from './record-command.js';
import type { ReproOptions } from './repro-command.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(argv: readonly string[]): Promise<number> {
  const interrupt = new AbortController();
  let exitCode = EXIT.passed as number;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      killAllNow();
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\nbootgate: ${signal}: stopping every machine (again to kill them at once)\n`);
    interrupt.abort(signal);
  };
  // A rejection nobody handled is our bug: a line and exit 3 (130 once interrupted), with every
  // machine killed and the report written on the way out, instead of Node's dump of bundle source.
  const onUncaught = (error: unknown) => {
    process.stderr.write(internalErrorText(error));
    process.exit(interrupt.signal.aborted ? EXIT.interrupted : EXIT.infra);
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);

  const program = new Command('bootgate')
    .description('Boot OS images headlessly in QEMU and v86 and gate CI on screens, serial logs and budgets')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const withRunOptions = (command: Command) =>
    command
      .option('--backend <name>', "run on this backend instead of the scenario's (qemu, v86; repeat or comma-separate)", collect)
      .option('--profile <name>', "run on this machine profile instead of the scenario's (repeat or comma-separate for a matrix)", collect)
      .option('--grep <regex>', 'only jobs whose id (scenario--backend--profile) matches')
      .option('--report-dir <dir>', 'where results.json, junit.xml, index.html and per-job artifacts go', 'bootgate-report')
      .option('--junit <file>', 'also write JUnit XML here (default: <report-dir>/junit.xml)')
      .addOption(new Option('--update-goldens [mode]', 'write goldens: missing (default locally), changed (flag alone), all, none; never in CI').choices(['missing', 'changed', 'all', 'none']))
      .option('--jobs <n>', 'jobs at once (default: what the cores and available memory admit; the first line says which)')
      .option('--reuse-verdicts', 'report a job whose inputs (images, scenario, goldens, profile, backend, bootgate and emulator builds) are all unchanged since a run that passed it as cached, from $BOOTGATE_CACHE, instead of booting it; failed, flaky and infra-error verdicts are never reused')
      .option('--max-memory <size>', 'start a job only while the guest RAM plus emulator overhead of the running ones fits this (e.g. 4GiB; default: the memory the host has available)')
      .option('--timeout-scale <x>', 'multiply every timeout (slow hosts)', '1')
      .option('--retries <n>', 'retry a failed job n times; a pass on retry is reported as flaky', '0')
      .option('--filmstrip <mode>', 'record the boot as an animated WebP and a contact sheet: on-failure, always, off', 'on-failure')
      .option('--save-state-on-failure', 'save the machine of a failed job into its report folder (state/), to go on from there with --from-state')
      .option('--from-state <dir>', 'start the one job these filters leave from a saved state, at the step it was saved at')
      .option('--guest-clock', "run QEMU jobs on guest time (icount) and record every phase's guest time, also without guest budgets")
      .option('--baseline <results.json>', 'compare with an earlier run: fail on a regression, warn when a figure grew past --tolerance')
      .option('--tolerance <pct>', 'growth tolerated before a warning', '10%')
      .option('--shard <i/n>', 'run only shard i of n: the same split of the planned jobs on every machine; merge with merge-reports')
      .option('--durations <results.json>', 'balance --shard by the job durations of an earlier run');

  withRunOptions(
    program
      .command('run')
      .description('run scenarios (files or folders of *.yaml; default: scenarios/)')
      .argument('[paths...]', 'scenario files or folders'),
  ).action(async (paths: string[], options: RunCommandOptions) => {
    const { runCommand } = await import('./run-command.js');
    exitCode = await runCommand(paths, options, { signal: interrupt.signal });
    if (interrupt.signal.aborted) exitCode = EXIT.interrupted;
  });

  withRunOptions(
    program
      .command('gate')
      .description('build presets (cached) and run their gates on every claimed and incompatible profile and backend (default: all presets)')
      .argument('[presets...]', 'preset names or folders'),
  ).action(async (presets: string[], options: RunCommandOptions) => {
    const { gateCommand } = await import('./gate-command.js');
    exitCode = await gateCommand(presets, options, { signal: interrupt.signal });
    if (interrupt.signal.aborted) exitCode = EXIT.interrupted;
  });

  program
    .command('merge-reports')
    .description("merge the report folders of a sharded run into one results.json, junit.xml and index.html, with the unsharded run's exit code; a shard that never reported is an infra error")
    .argument('<dirs...>', 'the shards\' report folders')
    .option('--report-dir <dir>', 'where the merged report goes', 'bootgate-report')
    .option('--junit <file>', 'also write JUnit XML here (default: <report-dir>/junit.xml)')
    .action(async (dirs: string[], options: { reportDir: string; junit?: string }) => {
      const { mergeReportsCommand } = await import('./merge-reports-command.js');
      exitCode = mergeReportsCommand(dirs, options);
    });

  program
    .command('repro')
    .description('run one job of a scenario and, when a step fails (or --until is reached), hand the running machine over: serial console on this terminal (Ctrl-] detaches, Ctrl-T opens a prompt: pointer, move, click, region), screen on a loopback VNC display (QEMU) and in a PNG')
    .argument('<scenario>', 'scenario file')
    .option('--backend <name>', "the backend (default: the scenario's first)", collect)
    .option('--profile <name>', "the machine profile (default: the scenario's first)", collect)
    .option('--until <step>', 'hand over after this step: its number (1-based, over all phases, those a from: scenario gives included, as the report numbers them), its name, or a phase name')
    .option('--vnc <display>', 'QEMU VNC display on 127.0.0.1 (port 5900 + display; default: the first free one)')
    .option('--report-dir <dir>', 'where the serial log, frames, screen.png and results.json go', 'bootgate-repro')
    .option('--timeout-scale <x>', 'multiply every timeout', '1')
    .option('--save-state-on-failure', 'save the machine at the failure into the report folder (state/)')
    .option('--from-state <dir>', 'start from a saved state, at the step it was saved at, instead of booting')
    .option('--commands <file>', "run the prompt's commands from this file (- for stdin), one a line, instead of a terminal session; the first that fails ends it (exit 2)")
    .addOption(
      new Option('--update-goldens [mode]', "let the session's `region` command save goldens: missing (new ones only), changed (flag alone; also replaces), all; never in CI. The replay itself never writes one").choices(['missing', 'changed', 'all', 'none']),
    )
    .action(async (scenario: string, options: ReproOptions) => {
      const { reproCommand } = await import('./repro-command.js');
      // Its own exit code even after Ctrl-C: once the machine was handed over, Ctrl-C is how a person leaves.
      exitCode = await reproCommand(scenario, options, { signal: interrupt.signal });
    });

  program
    .command('record')
    .description('start a machine and record a scenario by using it in a browser page on 127.0.0.1 (clicks, keys and assertions become steps, with the waits and region goldens a replay needs)')
    .argument('[scenario-or-image]', 'a scenario (recorded from its end) or an image (.iso: a CD, else a floppy or disk by its size)')
    .option('--backend <name>', "the backend (default: the scenario's first, qemu for an image)", collect)
    .option('--profile <name>', "the machine profile (default: the scenario's first)", collect)
    .option('--out <file>', 'the scenario to write (default: the scenario itself, its recorded phases appended; for an image <name>.yaml here); from a scenario, a new file starts at its last step\'s snapshot point')
    .option('--from-report <dir>', "start at a failed job's saved state in this report folder (from --save-state-on-failure), recording into its scenario")
    .option('--job <id>', 'the job of --from-report')
    .action(async (target: string | undefined, options: RecordOptions) => {
      const { recordCommand } = await import('./record-command.js');
      exitCode = await recordCommand(target, options, { signal: interrupt.signal });
    });

  program
    .command('build')
    .description('build reference images from presets into the cache (default: all presets)')
    .argument('[presets...]', 'preset names or folders')
    .option('--force', 'rebuild even when the cache has an image for the same recipe')
    .action(async (presets: string[], options: { force?: boolean }) => {
      const { buildCommand } = await import('./build-command.js');
      exitCode = await buildCommand(presets, options);
    });

  program
    .command('ram-floor')
    .description('find the least memory (1 MiB steps) at which one job of a scenario still passes, by real boots')
    .argument('<scenario>', 'scenario file')
    .option('--backend <name>', 'the backend (required when the scenario has several)', collect)
    .option('--profile <name>', 'the machine profile (required when the scenario has several)', collect)
    .option('--low <MiB>', 'lower bound of the search', '1')
    .option('--high <MiB>', 'upper bound (default: the memory the job gets)')
    .option('--probe-timeout <seconds>', 'timeout of each probe (default: 3× the passing boot, at least +15 s)')
    .option('--report-dir <dir>', 'where the probes\' artifacts and results.json go', 'bootgate-report')
    .option('--timeout-scale <x>', 'multiply every timeout', '1')
    .action(async (scenario: string, options: RamFloorOptions) => {
      const { ramFloorCommand } = await import('./ram-floor-command.js');
      exitCode = await ramFloorCommand(scenario, options, { signal: interrupt.signal });
      if (interrupt.signal.aborted) exitCode = EXIT.interrupted;
    });

  program
    .command('bisect')
    .description('find which differences between two machine profiles make a scenario fail (CPU features as QEMU -cpu flags, CPU model, memory, board, VGA, disk bus, devices), one at a time and in halves; QEMU only, since v86 has one fixed CPU')
    .argument('<scenario>', 'scenario file, or preset folder (its gate)')
    .requiredOption('--good <profile>', 'a profile where the scenario passes')
    .requiredOption('--bad <profile>', 'a profile where it fails')
    .option('--jobs <n>', 'tries booted side by side', '2')
    .option('--report-dir <dir>', "where each try's report, bisect.json and results.json go", 'bootgate-bisect')
    .option('--timeout-scale <x>', 'multiply every timeout', '1')
    .action(async (scenario: string, options: BisectCommandOptions) => {
      const { bisectCommand } = await import('./bisect-command.js');
      exitCode = await bisectCommand(scenario, options, { signal: interrupt.signal });
      if (interrupt.signal.aborted) exitCode = EXIT.interrupted;
    });

  program
    .command('compare')
    .description('print what moved between two results.json files; exit 1 on a regression')
    .argument('<baseline>', 'the earlier results.json')
    .argument('<results>', 'the newer results.json')
    .option('--tolerance <pct>', 'growth tolerated before a warning', '10%')
    .option('--all', 'also print figures that did not move')
    .action(async (baseline: string, results: string, options: { tolerance: string; all?: boolean }) => {
      const { compareCommand } = await import('./compare-command.js');
      exitCode = compareCommand(baseline, results, options);
    });

  program
    .command('accept')
    .description("make the frames a run left for review its goldens, without booting again: every step that missed or mismatched its golden (see the report's goldens table)")
    .argument('<report-dir>', 'the report folder of a run')
    .option('--grep <regex>', 'only jobs whose id (scenario--backend--profile) matches')
    .option('--step <step>', "only this step: its number, its name, or the golden's name")
    .option('--whole-frame', "for a region golden, the whole frame instead of the golden with its areas' pixels from where they were found")
    .action(async (reportDir: string, options: { grep?: string; step?: string; wholeFrame?: boolean }) => {
      const { acceptCommand } = await import('./accept-command.js');
      exitCode = acceptCommand(reportDir, options);
    });

  program
    .command('goldens')
    .description('list goldens: --unused lists those no scenario refers to')
    .argument('[paths...]', 'scenario files or folders (default: scenarios/)')
    .option('--unused', 'list the golden files no scenario (on any of its backends) refers to')
    .action(async (paths: string[], options: { unused?: boolean }) => {
      const { goldensCommand } = await import('./goldens-command.js');
      exitCode = goldensCommand(paths, options);
    });

  program
    .command('profiles')
    .description('list the machine profiles, what each emulates and which backends can run it')
    .action(async () => {
      const { profilesCommand } = await import('./profiles-command.js');
      exitCode = profilesCommand();
    });

  program
    .command('doctor')
    .description('check what this host needs (QEMU, SeaBIOS, the v86 files, a writable cache), each with its fix; exit 3 when something is missing')
    .action(async () => {
      const { doctorCommand } = await import('./doctor-command.js');
      exitCode = await doctorCommand();
    });

  program
    .command('schema')
    .description('print (or write) the JSON Schema of scenario files, for editors')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (options: { out?: string }) => {
      const { scenarioJsonSchema } = await import('../scenario/scenario-schema.js');
      const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (options.out) writeFileSync(options.out, text);
      else process.stdout.write(text);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? 0 : EXIT.config;
    }
    if (e instanceof BootgateError) {
      process.stderr.write(`bootgate: ${e.message}\n`);
      return e.errorClass === 'config' ? EXIT.config : e.errorClass === 'failed' ? EXIT.failed : e.errorClass === 'interrupted' ? EXIT.interrupted : EXIT.infra;
    }
    process.stderr.write(internalErrorText(e));
    return EXIT.infra;
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  }
}
