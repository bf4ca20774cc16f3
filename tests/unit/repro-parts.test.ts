/** The pieces of `bootgate repro`: --until, the detach key, the console session, VNC on QEMU's command line, the old-board profiles. */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.js';
import { FakeMachine } from '../../harness/machine/fake/fake-machine.js';
import type { Profile } from '../../harness/machine/profile.js';
import { qemuCommandLine } from '../../harness/machine/qemu/qemu-command-line.js';
import { attachConsole, PROMPT } from '../../harness/repro/console-session.js';
import { COMMAND_BYTE, DETACH_BYTE, scanForKeys } from '../../harness/repro/session-keys.js';
import { jobUntil, resolveUntil } from '../../harness/repro/until.js';
import { findFreeVncDisplay } from '../../harness/repro/vnc-display.js';
import { planJobs } from '../../harness/run/plan-jobs.js';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { createV86Machine } from '../../harness/machine/v86/v86-machine.js';
import { loadProfileFile, PROJECT_VM_CONFIGS } from '../../harness/vm-config/load-profile.js';
import { TempProject } from '../support/temp-project.js';
import { createServer } from 'node:net';

const profile = (name: string): Profile => loadProfileFile(join(PROJECT_VM_CONFIGS, `${name}.yaml`));
const valuesOf = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));
const paths = { hmpSocket: '/w/hmp.sock', qmpSocket: '/w/qmp.sock', serialFifoBase: '/w/serial0' };

function scenario() {
  const project = new TempProject();
  const file = project.write(
    'repro.yaml',
    'image: {cdrom: disk.img}\nphases:\n  - name: boot\n    budget: 10s\n    steps:\n      - waitText: "GNU GRUB"\n      - name: menu\n        waitText: "Press enter"\n  - name: shell\n    budget: 5s\n    steps:\n      - press: c\n      - name: prompt\n        waitText: "grub>"\n      - type: "ls\\n"\n',
  );
  const loaded = loadScenario(file);
  project.remove();
  return loaded;
}

describe('--until', () => {
  const s = scenario();
  it('takes a 1-based step number over every phase, a step name, or a phase name (its last step)', () => {
    expect(resolveUntil(s, '1')).toMatchObject({ index: 1, phase: 0, step: 0 });
    expect(resolveUntil(s, '4')).toMatchObject({ index: 4, phase: 1, step: 1, label: '4 (prompt)' });
    expect(resolveUntil(s, 'menu')).toMatchObject({ index: 2, phase: 0, step: 1 });
    expect(resolveUntil(s, 'prompt')).toMatchObject({ index: 4 });
    expect(resolveUntil(s, 'boot')).toMatchObject({ index: 2 });
    expect(resolveUntil(s, 'shell')).toMatchObject({ index: 5, phase: 1, step: 2 });
  });

  it('refuses what is not there, naming what is', () => {
    expect(() => resolveUntil(s, '0')).toThrow(ConfigError);
    expect(() => resolveUntil(s, '6')).toThrow(/steps 1 to 5/);
    expect(() => resolveUntil(s, 'nope')).toThrow(/one of: menu, prompt, boot, shell/);
  });

  it('cuts the scenario after the step; a phase cut short loses its budget, a whole one keeps it', () => {
    const [job] = planJobs([s], { backends: ['qemu'] });
    const mid = jobUntil(job!, resolveUntil(s, 'prompt'));
    expect(mid.scenario.phases.map((p) => [p.name, p.steps.length, p.budgetMs])).toEqual([['boot', 2, 10_000], ['shell', 2, undefined]]);
    const end = jobUntil(job!, resolveUntil(s, 'boot'));
    expect(end.scenario.phases.map((p) => [p.name, p.steps.length, p.budgetMs])).toEqual([['boot', 2, 10_000]]);
    expect(job!.scenario.phases[1]!.steps).toHaveLength(3); // the original is untouched
  });
});

describe('the session keys', () => {
  it('are Ctrl-] and Ctrl-T, and forwarding stops at the first of them', () => {
    expect([DETACH_BYTE, COMMAND_BYTE]).toEqual([0x1d, 0x14]);
    const keys = [DETACH_BYTE, COMMAND_BYTE];
    expect(scanForKeys(Buffer.from('ls -l\r'), keys)).toEqual({ forward: Buffer.from('ls -l\r'), rest: Buffer.alloc(0) });
    expect(scanForKeys(Buffer.from('ab\x1dcd'), keys)).toEqual({ forward: Buffer.from('ab'), key: DETACH_BYTE, rest: Buffer.from('cd') });
    expect(scanForKeys(Buffer.from('\x14move 1 2\r\x1d'), keys)).toEqual({ forward: Buffer.alloc(0), key: COMMAND_BYTE, rest: Buffer.from('move 1 2\r\x1d') });
    // Ctrl-C is the guest's: it is forwarded, not taken as a key of ours.
    expect(scanForKeys(Buffer.from('\x03'), keys)).toEqual({ forward: Buffer.from('\x03'), rest: Buffer.alloc(0) });
  });
});

interface FakeTty extends PassThrough {
  isTTY?: boolean;
  rawModes: boolean[];
  setRawMode?(mode: boolean): FakeTty;
}

function fakeInput(tty: boolean): FakeTty {
  const input = new PassThrough() as FakeTty;
  input.rawModes = [];
  if (tty) {
    input.isTTY = true;
    input.setRawMode = (mode: boolean) => (input.rawModes.push(mode), input);
  }
  return input;
}

function collect() {
  const chunks: Buffer[] = [];
  return { write: (c: Uint8Array | string) => chunks.push(Buffer.from(c)), text: () => Buffer.concat(chunks).toString('latin1') };
}

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('the console session', () => {
  it('shows the serial log from the given byte, passes typed bytes to the guest in order, and ends at the detach key', async () => {
    const machine = new FakeMachine('qemu', { onSerialIn: (text, m) => m.apply({ serial: `echo:${text}` }) });
    await machine.start();
    machine.apply({ serial: 'old boot noise\nlogin: ' });
    const input = fakeInput(true);
    const output = collect();
    const session = attachConsole({ machine, input, output, fromByte: 'old boot noise\n'.length });
    input.write('root\r');
    await tick();
    input.write('x\x1dnot sent');
    const result = await session;
    expect(result.end).toBe('detach');
    expect(machine.serialIn).toEqual(['root\r', 'x']);
    expect(output.text()).toBe('login: echo:root\recho:x');
    expect(input.rawModes).toEqual([true, false]); // raw while attached, restored after
    expect(result.bytesIn).toBe(6);
    expect(machine.stopped).toBe(false); // the caller stops the machine
  });

  it('ends at the end of input and never touches raw mode when the input is not a terminal', async () => {
    const machine = new FakeMachine('v86');
    await machine.start();
    const input = fakeInput(false);
    const session = attachConsole({ machine, input, output: collect() });
    input.end('bye\n');
    const result = await session;
    expect(result.end).toBe('eof');
    expect(machine.serialIn).toEqual(['bye\n']);
    expect(input.rawModes).toEqual([]);
  });

  it('keeps UTF-8 split across reads whole, and Ctrl-C goes to the guest', async () => {
    const machine = new FakeMachine('qemu');
    await machine.start();
    const input = fakeInput(true);
    const session = attachConsole({ machine, input, output: collect() });
    const e = Buffer.from('é');
    input.write(e.subarray(0, 1));
    await tick();
    input.write(Buffer.concat([e.subarray(1), Buffer.from('\x03')]));
    await tick();
    input.end();
    await session;
    expect(machine.serialIn.join('')).toBe('é\x03');
  });

  it('ends on an interrupt and when the machine dies, saying why', async () => {
    const machine = new FakeMachine('qemu', { timeline: [{ at: 30, crash: 'guest powered off' }] });
    await machine.start();
    const died = await attachConsole({ machine, input: fakeInput(true), output: collect() });
    expect(died).toMatchObject({ end: 'machine-exited', reason: 'guest powered off' });

    const other = new FakeMachine('qemu');
    await other.start();
    const interrupt = new AbortController();
    const input = fakeInput(true);
    const session = attachConsole({ machine: other, input, output: collect(), signal: interrupt.signal });
    await tick();
    interrupt.abort('SIGINT');
    expect((await session).end).toBe('interrupt');
    expect(input.rawModes).toEqual([true, false]);
  });

  it('writes what the guest prints while attached, in bursts', async () => {
    const machine = new FakeMachine('qemu', { timeline: [{ at: 10, serial: 'a' }, { at: 20, serial: '\x1b[1mb\x1b[0m' }] });
    await machine.start();
    const input = fakeInput(false);
    const output = collect();
    const session = attachConsole({ machine, input, output });
    await tick(60);
    input.end();
    await session;
    expect(output.text()).toBe('a\x1b[1mb\x1b[0m'); // as sent, escape sequences and all
  });
});

describe('the session prompt', () => {
  /** A session whose commands answer with what they were given. */
  async function prompted(tty: boolean, script: ConstructorParameters<typeof FakeMachine>[1] = {}) {
    const machine = new FakeMachine('qemu', script);
    await machine.start();
    const input = fakeInput(tty);
    const output = collect();
    const lines: string[] = [];
    const commands = async (line: string) => {
      lines.push(line);
      if (line === 'boom') throw new ConfigError('no such thing', { field: 'command' });
      return `did ${line}\nsecond line`;
    };
    const session = attachConsole({ machine, input, output, commands });
    return { machine, input, output, lines, session };
  }

  it('opens on Ctrl-T: the line is echoed and edited, its answer shown, and the console goes on; the guest gets none of it', async () => {
    const { machine, input, output, lines, session } = await prompted(true);
    input.write('ls\r\x14poinx\x7fter\r\nafter\r\x14boom\r');
    await tick();
    input.write('\x14\r\x14abc\x03x\x1d');
    const result = await session;
    expect(result.end).toBe('detach');
    expect(lines).toEqual(['pointer', 'boom']);
    // The LF of the CR LF that ended a line is not the guest's; the next one is.
    expect(machine.serialIn.join('')).toBe('ls\rafter\rx');
    expect(output.text()).toBe(
      `\r\n${PROMPT}poinx\b \bter\r\ndid pointer\r\nsecond line\r\n` + `\r\n${PROMPT}boom\r\ncommand: no such thing\r\n` + `\r\n${PROMPT}\r\n` + `\r\n${PROMPT}abc\r\n`,
    );
  });

  it("holds the guest's output while the prompt is open, then shows it after the answer", async () => {
    const { machine, input, output, session } = await prompted(false);
    machine.apply({ serial: 'before ' });
    await tick();
    input.write('\x14move');
    await tick();
    machine.apply({ serial: 'during ' });
    await tick();
    input.end(' 1 2\n');
    await session;
    expect(output.text()).toBe(`before \r\n${PROMPT}move 1 2\r\ndid move 1 2\r\nsecond line\r\nduring `);
  });

  it('runs a command typed just before the end of input before the session ends; without commands Ctrl-T is the guest\'s', async () => {
    const { lines, input, session } = await prompted(false);
    input.end('\x14pointer\n');
    expect((await session).end).toBe('eof');
    expect(lines).toEqual(['pointer']);

    const machine = new FakeMachine('qemu');
    await machine.start();
    const plain = fakeInput(false);
    const done = attachConsole({ machine, input: plain, output: collect() });
    plain.end('\x14x');
    await done;
    expect(machine.serialIn).toEqual(['\x14x']);
  });
});

describe('VNC on QEMU', () => {
  it('adds a display bound to 127.0.0.1 only when asked, and nothing otherwise', () => {
    const spec = { profile: profile('p3-i440fx'), media: { cdrom: '/img/cd.iso' }, workDir: '/w' };
    expect(qemuCommandLine(spec, paths)).not.toContain('-vnc');
    const argv = qemuCommandLine({ ...spec, vnc: 7 }, paths);
    expect(valuesOf(argv, '-vnc')).toEqual(['127.0.0.1:7,password=on']);
    expect(valuesOf(argv, '-display')).toEqual(['none']);
    expect(argv).toContain('-S');
    expect(() => qemuCommandLine({ ...spec, vnc: -1 }, paths)).toThrow(ConfigError);
    expect(() => qemuCommandLine({ ...spec, vnc: 1.5 }, paths)).toThrow(ConfigError);
  });

  it('finds a display whose port is free', async () => {
    const first = await findFreeVncDisplay(40, 10);
    const server = createServer();
    await new Promise<void>((r) => server.listen({ host: '127.0.0.1', port: 5900 + first }, r));
    try {
      expect(await findFreeVncDisplay(first, 10)).toBeGreaterThan(first);
    } finally {
      server.close();
    }
  });
});

describe('old-board profiles', () => {
  it('486-isa-ne2k-sb16: isapc, 486, ISA VGA, an air-gapped NE2000 ISA card and a Sound Blaster 16', () => {
    const argv = qemuCommandLine({ profile: profile('486-isa-ne2k-sb16'), media: { cdrom: '/img/cd.iso' }, workDir: '/w' }, paths);
    expect(valuesOf(argv, '-machine')).toEqual(['isapc,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['486']);
    expect(valuesOf(argv, '-device')).toEqual(['isa-vga', 'ne2k_isa,netdev=net0', 'sb16,audiodev=snd0']);
    expect(valuesOf(argv, '-netdev')).toEqual(['user,id=net0,restrict=on']);
    expect(valuesOf(argv, '-audiodev')).toEqual(['none,id=snd0']);
  });

  it('p5-pci-isa-ne2k-sb16: pc without ACPI, pentium, PCI Cirrus, ISA NE2000 (air-gapped) and SB16, and says it is no i430', () => {
    const p = profile('p5-pci-isa-ne2k-sb16');
    const argv = qemuCommandLine({ profile: p, media: { cdrom: '/img/cd.iso' }, workDir: '/w' }, paths);
    expect(valuesOf(argv, '-machine')).toEqual(['pc,acpi=off,pcspk-audiodev=snd0']);
    expect(valuesOf(argv, '-cpu')).toEqual(['pentium']);
    expect(valuesOf(argv, '-device')).toEqual(['cirrus-vga', 'ne2k_isa,netdev=net0', 'sb16,audiodev=snd0']);
    expect(valuesOf(argv, '-netdev')).toEqual(['user,id=net0,restrict=on']);
    expect(p.description).toMatch(/i440FX/);
  });

  it('v86 refuses both, so they are QEMU-only', () => {
    for (const name of ['486-isa-ne2k-sb16', 'p5-pci-isa-ne2k-sb16']) {
      expect(() => createV86Machine({ profile: profile(name), media: { cdrom: '/dev/null' }, workDir: '/nonexistent' })).toThrow(/not supported by v86/);
    }
  });
});
