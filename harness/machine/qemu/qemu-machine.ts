/**
 * The QEMU backend of the Machine interface: wires the command line, the process, QMP, the
 * serial FIFOs, the screen readers and the keyboard together, and owns the lifecycle
 * (start once, stop any number of times, always end and reap QEMU, remove its files).
 */
import { access, readFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { copySparse } from '../../util/copy-sparse.js';
import { ConfigError, InfraError, MachineCrashedError, oneLine, UnsupportedProfileError } from '../../errors.js';
import type { Chord } from '../keys.js';
import type { CpuSample, CursorCell, Machine, MachineExit, MachineSpec, MachineStats } from '../machine.js';
import type { Media } from '../media.js';
import type { RawImage } from '../raw-image.js';
import { SerialLog } from '../serial-log.js';
import { createDiskOverlay, overlayCommand, restoreDiskOverlay } from './disk-overlay.js';
import { checkDiskImage, type DiskFormat } from './inspect-disk-image.js';
import { loadMigration, saveMigration } from './qemu-migration.js';
import { requireExecutable } from './find-executable.js';
import { guestClockPlugin } from './guest-clock-plugin.js';
import { supportsSandbox } from './qemu-capabilities.js';
import { QemuGuestClock } from './qemu-guest-clock.js';
import { QEMU_BINARY, QEMU_INSTALL_HINT, qemuCommandLine, type QemuCommandLineOptions } from './qemu-command-line.js';
import { REPRO_DIR, reproLine } from './qemu-repro-line.js';
import { pressChord, typeText } from './qemu-keys.js';
import { qemuPointerButton, qemuPointerMove, qemuPointerScroll } from './qemu-pointer.js';
import { requirePointer, type PointerButton } from '../pointer.js';
import type { PointerLanding } from '../pointer-landing.js';
import { QemuProcess, type QemuExit } from './qemu-process.js';
import { dumpPpm, takeScreenshot, type Screenshot } from './qemu-screenshot.js';
import { cursorOnPage, peekTextWindow, readTextScreen, type TextPeek, type VgaTextGeometry } from './qemu-text-screen.js';
import { createWorkFiles, planWorkFiles, removeWorkFiles, scratchFile, type QemuWorkFiles } from './qemu-work-files.js';
import { chooseQemuUser, type QemuUser } from './qemu-user.js';
import { QmpClient, type QmpEvent } from './qmp-client.js';
import { parseCpuSample, processCpuMs } from './qemu-cpu-sample.js';
import { HmpMonitor } from './hmp-monitor.js';
import { FifoReader, FifoWriter } from './serial-fifo.js';

export interface QemuMachineOptions {
  /** The emulator binary. Default `qemu-system-i386` on PATH. */
  readonly binary?: string;
  /** How long QEMU may take to open its QMP socket. Default 10 s. */
  readonly qmpConnectTimeoutMs?: number;
  /** Grace per stop step (quit, then SIGTERM) before the next, harder one. Default 2 s. */
  readonly stopGraceMs?: number;
}

/** After QEMU is gone, how long to wait for the serial FIFO to deliver what is left in it. */
const SERIAL_DRAIN_MS = 500;
const MEDIA_FIELDS = ['cdrom', 'floppy', 'disk', 'kernel', 'initrd'] as const satisfies readonly (keyof Media)[];

/** What saveState() writes: the migration stream, and what the guest wrote to its disk (an overlay, or the writable disk itself). */
const STATE_FILES = { machine: 'machine.qemu', overlay: 'disk-overlay.qcow2', disk: 'disk.raw' } as const;

export class QemuMachine implements Machine {
  readonly backend = 'qemu' as const;
  readonly serial: SerialLog;
  readonly exited: Promise<MachineExit>;
  readonly guestClock: QemuGuestClock | undefined;

  private readonly binary: string;
  private files: QemuWorkFiles;
  private argv: string[] | undefined;
  private overlayArgv: string[] | undefined;
  /** What start() learnt about the host and the disk, for describe()'s line. */
  private lineInputs: { readonly diskFormat?: DiskFormat; readonly options: QemuCommandLineOptions } = { options: {} };
  private readonly argvError: unknown;
  /** Who QEMU runs as when bootgate is root (qemu-user.ts); undefined when it runs as bootgate's user. */
  private user: QemuUser | undefined;
  private process: QemuProcess | undefined;
  private qmp: QmpClient | undefined;
  private hmp: HmpMonitor | undefined;
  private serialReader: FifoReader | undefined;
  private serialWriter: FifoWriter | undefined;
  private lastShutdown: QmpEvent | undefined;
  private readonly resetListeners = new Set<() => void>();
  private exit: MachineExit | undefined;
  private resolveExit!: (exit: MachineExit) => void;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private cleanupPromise: Promise<void> | undefined;
  private drainPromise: Promise<void> | undefined;
  private stopRequested = false;
  private readonly startAbort = new AbortController();
  /** textScreen() and saveState() pause and resume the VM: two at once would resume it under each other. */
  private screenLock: Promise<unknown> = Promise.resolve();
  /** The text page's geometry from the last exact read; null in a graphics mode. */
  private lastGeometry: VgaTextGeometry | null | undefined;
  /** The last peek and shot: the next of each recognises an unchanged screen by them. */
  private lastPeek: TextPeek | undefined;
  private lastShot: Screenshot | undefined;
  /** What QEMU shows before the guest sets a video mode, shot while the guest has not run yet. */
  /** QEMU's picture before any guest code ran, as PPM bytes: comparing bytes needs no decode before `cont`. */
  private placeholder: Buffer | undefined;

  constructor(
    private readonly spec: MachineSpec,
    private readonly options: QemuMachineOptions = {},
  ) {
    this.binary = options.binary ?? QEMU_BINARY;
    this.serial = new SerialLog(spec.workDir);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.files = planWorkFiles(spec.workDir, !!spec.media.disk && !spec.media.diskWritable);
    this.guestClock = spec.guestClock
      ? new QemuGuestClock(this.files.guestClockLog!, () => this.cleanupPromise ?? Promise.resolve(), () => this.serial.raw())
      : undefined;
    // Built now so describe() works before (and without) start(); an unsupported profile is
    // reported by start(), where the runner expects errors.
    try {
      this.argv = qemuCommandLine(spec, this.files);
    } catch (e) {
      this.argvError = e;
    }
  }

  start(): Promise<void> {
    if (this.startPromise) return Promise.reject(new InfraError('QemuMachine.start() may be called only once'));
    this.startPromise = this.doStart();
    return this.startPromise;
  }

  async textScreen(): Promise<string[] | undefined> {
    return (await this.readText()).rows;
  }

  /** QEMU blinks the text cursor in its screendumps; the CRTC says where it is. */
  async blinkingCursor(): Promise<CursorCell | undefined> {
    const { geometry } = await this.readText();
    const cell = geometry && cursorOnPage(geometry);
    return cell && { ...cell, columns: geometry.columns, rows: geometry.rows };
  }

  private readText() {
    const qmp = this.liveQmp();
    return this.underScreenLock(async () => {
      const stopIndex = qmp.sentCount('stop'); // readTextScreen sends its one `stop` before it first waits
      const read = await readTextScreen(qmp, this.liveHmp(), scratchFile(this.files, 'vga', 'bin'));
      if (read.rows) this.guestClock?.recordScreen(read.rows, 'stop', stopIndex);
      // A graphics mode has no text to peek at (null). Before the VGA BIOS has run the registers
      // read as zeros, a 1×1 page, so peeks keep to the layout every PC starts with (undefined).
      this.lastGeometry = read.geometry === undefined ? null : read.geometry.columns >= 40 ? read.geometry : undefined;
      return read;
    });
  }

  /** An exact read pauses the guest for ~12 ms (one QMP stop and two HMP batches); a peek reads memory in ~3 ms while it runs. */
  async peekText(): Promise<string | undefined> {
    if (this.lastGeometry === null) return undefined;
    const peek = await this.explainIfDead(peekTextWindow(this.liveQmp(), this.lastGeometry, scratchFile(this.files, 'peek', 'bin'), this.lastPeek));
    this.lastPeek = peek;
    return peek.text;
  }

  async screenshot(): Promise<RawImage> {
    const qmp = this.liveQmp();
    const index = qmp.sentCount('screendump'); // takeScreenshot sends it before it first waits
    let shot = await this.explainIfDead(takeScreenshot(qmp, scratchFile(this.files, 'screen', 'ppm'), this.lastShot));
    if (shot !== this.lastShot && this.placeholder?.equals(shot.ppm)) shot = { ...shot, frame: { ...shot.frame, placeholder: true } };
    this.lastShot = shot;
    this.guestClock?.recordScreen(shot.frame, 'screendump', index);
    return shot.frame;
  }

  async cpuSample(): Promise<CpuSample> {
    this.liveQmp();
    const [registers] = await this.explainIfDead(this.liveHmp().run(['info registers']));
    return parseCpuSample(registers!, this.spec.profile.memoryMiB * 1024 * 1024);
  }

  async cpuTimeMs(): Promise<number> {
    this.liveQmp();
    // Read at once: procfs answers from memory, and through fs/promises (open, stat, read, close
    // on the thread pool) this read at every poll of a settle was 7 % of a GUI job's CPU.
    return processCpuMs(readFileSync(`/proc/${this.process!.pid}/stat`, 'utf8'));
  }

  onGuestReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  async pressKeys(chord: Chord): Promise<void> {
    const qmp = this.liveQmp();
    await this.explainIfDead(pressChord(qmp, chord));
    if (chord.length > 0) this.guestClock?.recordKeys(qmp.sentCount('send-key') - 1);
  }

  async typeText(text: string, msPerChar: number): Promise<void> {
    const qmp = this.liveQmp();
    await this.explainIfDead(typeText(qmp, text, msPerChar));
    if (text.length > 0) this.guestClock?.recordKeys(qmp.sentCount('send-key') - 1);
  }

  async sendSerial(text: string): Promise<void> {
    this.liveQmp();
    if (!this.serialWriter) throw new InfraError('qemu: the serial port is not open');
    const bytes = Buffer.from(text, 'utf8');
    await this.explainIfDead(this.serialWriter.write(bytes));
    this.guestClock?.recordSerialInput(bytes);
  }

  /** Scaled to the screen as it is now: a fresh screenshot (cheap when unchanged) gives its size. */
  async pointerMove(x: number, y: number): Promise<PointerLanding | undefined> {
    const device = requirePointer(this.spec.profile);
    const { width, height } = await this.screenshot();
    const screen = { size: { width, height }, screenshot: () => this.screenshot(), cpuTimeMs: () => this.cpuTimeMs(), cpuSample: () => this.cpuSample() };
    return this.explainIfDead(qemuPointerMove(this.liveQmp(), this.liveHmp(), device, x, y, screen));
  }

  async pointerButton(button: PointerButton, down: boolean): Promise<void> {
    const device = requirePointer(this.spec.profile);
    await this.explainIfDead(qemuPointerButton(this.liveQmp(), this.liveHmp(), device, button, down));
  }

  async pointerScroll(notches: number): Promise<void> {
    requirePointer(this.spec.profile);
    await this.explainIfDead(qemuPointerScroll(this.liveQmp(), notches));
  }

  async reset(): Promise<void> {
    const qmp = this.liveQmp();
    await this.explainIfDead(qmp.execute('system_reset'));
    this.guestClock?.recordReset(qmp.sentCount('system_reset') - 1);
  }

  async saveState(dir: string): Promise<void> {
    const qmp = this.liveQmp();
    // Under the screen lock: a text read resumes the VM when it is done, which must not happen mid-save.
    return this.underScreenLock(async () => {
      const { running } = await qmp.execute<{ running: boolean }>('query-status');
      await qmp.execute('stop');
      try {
        await saveMigration(qmp, this.files.migrationSocket, join(dir, STATE_FILES.machine), this.user);
        // After a migration QEMU has flushed and let go of its disks: the files are consistent now.
        if (this.files.diskOverlay) await copySparse(this.files.diskOverlay, join(dir, STATE_FILES.overlay));
        else if (this.spec.media.disk && this.spec.media.diskWritable) await copySparse(this.spec.media.disk, join(dir, STATE_FILES.disk));
      } finally {
        if (running) await qmp.execute('cont');
      }
    });
  }

  async stats(): Promise<MachineStats> {
    if (!this.process?.running) return {};
    try {
      const status = await readFile(`/proc/${this.process.pid}/status`, 'utf8');
      const kib = (field: string) => {
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
        return match ? Number(match[1]) * 1024 : undefined;
      };
      return { hostRssBytes: kib('VmRSS'), hostPeakRssBytes: kib('VmHWM') };
    } catch {
      return {}; // Gone between the check and the read.
    }
  }

  /** A shell line that reproduces this machine in a fresh folder of its own (qemu-repro-line.ts). */
  describe(): string {
    if (!this.argv) return `${this.binary} # cannot run this profile: ${(this.argvError as Error)?.message ?? 'unknown'}`;
    const files = planWorkFiles(REPRO_DIR, !!this.files.diskOverlay);
    const steps: string[][] = [['mkfifo', '-m', '600', files.serialIn, files.serialOut]];
    let spec = this.spec;
    const { disk } = spec.media;
    if (files.diskOverlay && disk) {
      const made = this.overlayArgv ?? overlayCommand('qemu-img', disk, this.lineInputs.diskFormat ?? spec.media.diskFormat ?? 'raw', this.files.diskOverlay!);
      steps.push(made.map((arg) => (arg === this.files.diskOverlay ? files.diskOverlay! : arg)));
    } else if (disk && spec.media.diskWritable && disk.startsWith(`${spec.workDir}/`)) {
      // A fresh per-job disk lives in workDir, which is gone after the job: the line makes a blank one of its size.
      const copy = join(REPRO_DIR, relative(spec.workDir, disk));
      steps.push(['truncate', '-s', String(sizeOf(disk)), copy]);
      spec = { ...spec, media: { ...spec.media, disk: copy } };
    }
    const argv = qemuCommandLine(spec, { ...files, ...(this.lineInputs.diskFormat ? { diskFormat: this.lineInputs.diskFormat } : {}) }, this.lineInputs.options);
    const restored = spec.restoreFrom;
    // -incoming defer waits for its state: say how to give it one, without bootgate.
    const feed = restored
      ? `  # then on its QMP socket ($d/qmp.sock): {"execute":"migrate-incoming","arguments":{"uri":"unix:$d/migration.sock"}}, and: socat -u FILE:${join(restored, STATE_FILES.machine)} UNIX-CONNECT:$d/migration.sock`
      : '';
    return reproLine(files.serialOut, steps, [this.binary, ...argv]) + feed;
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStart(): Promise<void> {
    try {
      if (this.argvError) throw this.argvError;
      await checkMedia(this.spec.media);
      const binary = requireExecutable(this.binary, QEMU_INSTALL_HINT);
      this.user = chooseQemuUser().user;
      if (this.user) this.files = planWorkFiles(this.spec.workDir, !!this.files.diskOverlay, true);
      // Independent and each an exec or a file read: done at once, they cost one wait.
      const { disk, diskFormat: declared, diskBackingWithin } = this.spec.media;
      const [sandbox, diskFormat, plugin] = await Promise.all([
        supportsSandbox(binary),
        // Before any QEMU tool opens it as an image: a qcow2 naming a host file is refused here.
        disk ? checkDiskImage(disk, { format: declared, backingWithin: diskBackingWithin }) : undefined,
        this.spec.guestClock ? guestClockPlugin() : undefined,
        createWorkFiles(this.files, this.user).then((files) => (this.files = files)),
      ]);
      this.throwIfStopping();
      if (diskFormat) await this.prepareDisk(diskFormat);
      this.lineInputs = { ...(diskFormat ? { diskFormat } : {}), options: { sandbox, ...(plugin ? { guestClockPlugin: plugin } : {}) } };
      // Not in lineInputs: describe()'s line is for a person, who runs it as they choose.
      const jail = this.user && this.files.jailDir ? { uid: this.user.uid, gid: this.user.gid, jail: this.files.jailDir } : undefined;
      // Jailed, QEMU reaches the file its disk writes to only through descriptors (qemuCommandLine's diskFds).
      const diskFile = jail ? (this.files.diskOverlay ?? (this.spec.media.diskWritable ? disk : undefined)) : undefined;
      const files = diskFile ? [{ path: diskFile, writable: true }, { path: diskFile, writable: false }] : [];
      this.argv = qemuCommandLine(this.spec, { ...this.files, ...(diskFormat ? { diskFormat } : {}) }, { ...this.lineInputs.options, ...(jail ? { runAs: jail } : {}), ...(files.length ? { diskFds: [3, 4] } : {}) });
      this.throwIfStopping();

      const proc = QemuProcess.start(binary, this.argv, { cwd: this.spec.workDir, fifos: [this.files.serialIn, this.files.serialOut], files });
      this.process = proc;
      void proc.exited.then((exit) => this.onProcessExit(exit));
      void proc.exited.then(() => this.startAbort.abort(new InfraError('qemu exited while starting')));

      // Both monitors at once: QEMU opens their sockets together and answers both once its main loop runs.
      const [qmpConnect, hmpConnect] = await Promise.allSettled([
        QmpClient.connect(this.files.qmpSocket, { timeoutMs: this.options.qmpConnectTimeoutMs ?? 10_000, signal: this.startAbort.signal }),
        HmpMonitor.connect(this.files.hmpSocket, { signal: this.startAbort.signal }),
      ]);
      // Kept even when the other failed, so that ending the process below closes it.
      if (qmpConnect.status === 'fulfilled') this.qmp = qmpConnect.value;
      if (hmpConnect.status === 'fulfilled') this.hmp = hmpConnect.value;
      if (qmpConnect.status === 'rejected') throw qmpConnect.reason;
      if (hmpConnect.status === 'rejected') throw hmpConnect.reason;
      const qmp = qmpConnect.value;
      qmp.onEvent((event) => {
        if (event.event === 'SHUTDOWN') this.lastShutdown = event;
        // A triple fault or the guest's reset line; bootgate's own system_reset says guest: false.
        if (event.event === 'RESET' && event.data?.guest === true) for (const listener of this.resetListeners) listener();
      });
      // QEMU holds both FIFOs open by now (its chardevs exist before the monitor answers), so
      // our read end will not see a premature end-of-file, and the guest has not run yet (-S).
      this.serialReader = new FifoReader(this.files.serialOut, (chunk) => this.serial.append(chunk));
      this.serialWriter = new FifoWriter(this.files.serialIn);
      this.throwIfStopping();
      if (this.spec.vnc !== undefined && this.spec.vncPassword) await qmp.execute('set_password', { protocol: 'vnc', password: this.spec.vncPassword });
      // Before any guest code ran, the screen is QEMU's placeholder picture: keep it to recognise it later.
      this.placeholder = await dumpPpm(qmp, scratchFile(this.files, 'screen', 'ppm'));
      if (this.spec.restoreFrom) await loadMigration(qmp, this.files.migrationSocket, join(this.spec.restoreFrom, STATE_FILES.machine));
      await qmp.execute('cont');
    } catch (e) {
      await this.endProcess();
      throw await this.explainStartFailure(e);
    }
  }

  /** A fresh overlay over the input disk, or, when restoring, the saved overlay or the saved writable disk. */
  private async prepareDisk(format: DiskFormat): Promise<void> {
    const { disk, diskWritable } = this.spec.media;
    const saved = this.spec.restoreFrom;
    if (!disk) return;
    if (this.files.diskOverlay) {
      if (saved && existsSync(join(saved, STATE_FILES.overlay))) await restoreDiskOverlay(join(saved, STATE_FILES.overlay), disk, format, this.files.diskOverlay);
      else this.overlayArgv = await createDiskOverlay(disk, format, this.files.diskOverlay);
    } else if (diskWritable && saved && existsSync(join(saved, STATE_FILES.disk))) {
      await copySparse(join(saved, STATE_FILES.disk), disk);
    }
  }

  private async doStop(): Promise<void> {
    this.stopRequested = true;
    this.startAbort.abort(new InfraError('qemu: stopped while starting'));
    await this.startPromise?.catch(() => undefined);
    await this.endProcess();
    if (!this.process) this.settleExit({ requested: true, reason: 'stopped before QEMU started' });
    await this.exited;
  }

  /** Ends QEMU if it runs and frees everything. Never throws. */
  private async endProcess(): Promise<void> {
    try {
      if (this.process?.running) {
        const qmp = this.qmp;
        await this.process.stop({
          quit: qmp?.isOpen ? () => qmp.execute('quit') : undefined,
          graceMs: this.options.stopGraceMs ?? 2000,
        });
      }
    } catch {
      // stop() only fails if signalling fails; the registry still kills at exit.
    }
    await this.cleanup();
  }

  private cleanup(): Promise<void> {
    // Once QEMU is gone; before that only the start-failure path runs it, after a kill.
    this.cleanupPromise ??= (async () => {
      await this.drainSerial();
      this.qmp?.close();
      this.hmp?.close();
      this.serialWriter?.close();
      // The log is complete once QEMU is gone; read it before its folder goes.
      if (this.process) await this.guestClock?.readLog();
      this.serial.close();
      await removeWorkFiles(this.files);
    })();
    return this.cleanupPromise;
  }

  private drainSerial(): Promise<void> {
    this.drainPromise ??= (async () => {
      const reader = this.serialReader;
      if (!reader) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([reader.ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, SERIAL_DRAIN_MS)))]);
      clearTimeout(timer);
      reader.close();
    })();
    return this.drainPromise;
  }

  private async onProcessExit(exit: QemuExit): Promise<void> {
    await this.drainSerial();
    if (this.stopRequested) {
      this.settleExit({ requested: true, reason: 'stopped by bootgate' });
    } else if (this.lastShutdown?.data?.guest === true) {
      this.settleExit({ requested: false, reason: `guest powered off (${String(this.lastShutdown.data.reason ?? 'shutdown')})` });
    } else {
      const tail = this.process?.stderrTail();
      this.settleExit({ requested: false, reason: `qemu ${exit.description}${tail ? `: ${oneLine(tail, 400)}` : ''}` });
    }
    void this.cleanup();
  }

  private settleExit(exit: MachineExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.resolveExit(exit);
  }

  private throwIfStopping(): void {
    if (this.stopRequested) throw new InfraError('qemu: stopped while starting');
  }

  /** The QMP connection of a running machine, or the reason there is none. */
  private liveQmp(): QmpClient {
    if (this.exit && !this.exit.requested) throw new MachineCrashedError('qemu', this.exit.reason);
    if (!this.qmp?.isOpen || !this.process?.running) throw new InfraError('qemu machine is not running');
    return this.qmp;
  }

  /** Runs `work` after whatever holds the screen lock, and holds it meanwhile: both users pause and resume the VM. */
  private underScreenLock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.screenLock.then(work);
    this.screenLock = run.catch(() => undefined);
    return this.explainIfDead(run);
  }

  private liveHmp(): HmpMonitor {
    if (!this.hmp) throw new InfraError('qemu machine is not running');
    return this.hmp;
  }

  /** A command that failed because QEMU died says so, with QEMU's last words, not "connection closed". */
  private async explainIfDead<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (e) {
      if (this.process && !this.process.running && !this.stopRequested) {
        const exit = await this.exited;
        throw new MachineCrashedError('qemu', exit.reason, { cause: e });
      }
      throw e;
    }
  }

  private async explainStartFailure(e: unknown): Promise<unknown> {
    if (this.stopRequested || !this.process) return e;
    const tail = this.process.stderrTail();
    const cpu = /unable to find CPU model '([^']*)'/.exec(tail);
    if (cpu) return new UnsupportedProfileError('qemu', 'cpu', `this QEMU has no CPU model "${cpu[1]}" (qemu-system-i386 -cpu help)`);
    if (!this.process.running || e instanceof InfraError) {
      const exit = await Promise.race([this.process.exited, Promise.resolve(undefined)]);
      const how = exit ? exit.description : 'failed to start';
      return new MachineCrashedError('qemu', `${how} while starting${tail ? `: ${oneLine(tail, 400)}` : `: ${(e as Error).message}`}`, { cause: e });
    }
    return e;
  }
}

async function checkMedia(media: Media): Promise<void> {
  for (const field of MEDIA_FIELDS) {
    const path = media[field];
    if (path === undefined) continue;
    try {
      await access(path);
    } catch {
      throw new ConfigError(`no such file: ${path}`, { field });
    }
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function createQemuMachine(spec: MachineSpec, options?: QemuMachineOptions): Machine {
  return new QemuMachine(spec, options);
}
