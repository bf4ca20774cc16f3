/**
 * `bootgate doctor`: what this host needs before a first run, each check with the command that
 * fixes it, so a new user learns it in one go rather than one failed job at a time. Exit 0 when
 * every check passes, 3 (infra) when something is missing. The fixes are the ones the run's own
 * errors name.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { findExecutable } from '../machine/qemu/find-executable.js';
import { probeSandbox } from '../machine/qemu/qemu-capabilities.js';
import { QEMU_BINARY, QEMU_INSTALL_HINT } from '../machine/qemu/qemu-command-line.js';
import { chooseQemuUser, QEMU_USER, type QemuUserChoice } from '../machine/qemu/qemu-user.js';
import { SEABIOS_BIOS, SEABIOS_VGA_BIOS, v86HostFiles, v86WasmPath } from '../machine/v86/v86-host.js';
import { EXIT } from '../model/outcome.js';
import { defaultCacheRoot } from '../util/cache-root.js';

interface Check {
  readonly ok: boolean;
  readonly line: string;
  /** Shown only when the check fails. */
  readonly fix?: string;
  /** A failed note is worth knowing but does not stop any job. */
  readonly note?: boolean;
}

export async function doctorCommand(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const checks: Check[] = [];
  const qemu = findExecutable(QEMU_BINARY);
  checks.push({ ok: !!qemu, line: `${QEMU_BINARY}: ${qemu ?? 'not on PATH'}`, fix: QEMU_INSTALL_HINT });
  if (qemu) {
    const sandbox = await probeSandbox(qemu, defaultCacheRoot()).catch(() => false);
    checks.push({ ok: sandbox, line: `QEMU -sandbox (seccomp): ${sandbox ? 'supported' : 'not in this build; jobs run without it'}`, note: true });
    checks.push(qemuUserCheck());
  }
  for (const { what, path, fix } of v86HostFiles({ wasmPath: v86WasmPathOrMissing(), biosPath: SEABIOS_BIOS, vgaBiosPath: SEABIOS_VGA_BIOS })) {
    const ok = existsSync(path);
    checks.push({ ok, line: `${what}: ${path}${ok ? '' : ' missing'}`, fix });
  }
  const cache = defaultCacheRoot();
  const writable = isWritable(cache);
  checks.push({ ok: writable, line: `cache folder: ${cache}${writable ? '' : ' not writable'}`, fix: 'set BOOTGATE_CACHE to a writable folder' });
  // Said outright because CI runners seldom have /dev/kvm, and people expect an emulator to need it.
  checks.push({ ok: true, line: 'KVM: not needed (QEMU runs with TCG, v86 in a worker thread)' });

  for (const c of checks) write(`${c.ok ? 'ok     ' : c.note ? 'note   ' : 'MISSING'} ${c.line}${c.ok || !c.fix ? '' : `: ${c.fix}`}`);
  const missing = checks.filter((c) => !c.ok && !c.note).length;
  write(missing ? `${missing} thing(s) missing: bootgate run will fail on them` : 'all set: bootgate run can boot on qemu and v86');
  return missing ? EXIT.infra : EXIT.passed;
}

/** Who a job's QEMU runs as; a fallback user works, but is shared with other daemons. */
function qemuUserCheck(): Check {
  let choice: QemuUserChoice;
  try {
    choice = chooseQemuUser();
  } catch (e) {
    return { ok: false, line: `QEMU user: ${(e as Error).message}`, fix: `useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${QEMU_USER}` };
  }
  const { user, note } = choice;
  if (!user) return { ok: true, line: `QEMU runs as: ${currentUserName()} (uid ${process.getuid?.() ?? '?'}), bootgate's own user` };
  const line = `QEMU runs as: ${user.name} (uid ${user.uid}, gid ${user.gid}), chrooted into its work folder, not root${note ? `; ${note}` : ''}`;
  return note ? { ok: false, line, note: true, fix: 'bash scripts/setup.sh' } : { ok: true, line };
}

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}

function v86WasmPathOrMissing(): string {
  try {
    return v86WasmPath();
  } catch {
    return 'node_modules/v86/build/v86.wasm';
  }
}

function isWritable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
