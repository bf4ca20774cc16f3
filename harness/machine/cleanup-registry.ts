/**
 * Process-wide last-resort cleanup for emulators that run outside Node's own process group
 * (QEMU is spawned detached so a terminal Ctrl-C does not hit it before we can stop it
 * cleanly). Whatever ends this Node process — normal exit, process.exit(), or a SIGINT/SIGTERM/
 * SIGHUP nobody else handles — first runs every registered kill, so no emulator outlives us
 * (and no half-written state: run/staging-folder.ts registers its removal the same way).
 * (A SIGKILL of Node cannot be caught: the QEMU backend also asks the kernel for a parent-death
 * signal, see qemu-process.ts.)
 *
 * Kills must be synchronous: at 'exit' the event loop is gone. Signal handlers are installed
 * only while something is registered, so an idle library never changes signal behaviour.
 */

export type SyncKill = () => void;

const kills = new Set<SyncKill>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Registers a synchronous kill; returns the function that unregisters it (call it once the emulator is reaped). */
export function registerCleanup(kill: SyncKill): () => void {
  kills.add(kill);
  install();
  return () => {
    kills.delete(kill);
    if (kills.size === 0) uninstall();
  };
}

/** Runs every registered kill now (the CLI's second Ctrl-C). Never throws. */
export function killAllNow(): void {
  for (const kill of [...kills]) {
    try {
      kill();
    } catch {
      // Best effort: the process may already be gone.
    }
  }
}

/** How many emulators are registered (for tests and diagnostics). */
export function liveCount(): number {
  return kills.size;
}

function onExit(): void {
  killAllNow();
}

function onSignal(signal: NodeJS.Signals): void {
  // If someone else (the CLI) handles this signal, it decides: its first Ctrl-C stops machines
  // gracefully and it calls killAllNow() on the second. If we were the only listener, our
  // presence suppressed Node's default action: kill, restore the default and re-raise, so the
  // process still dies of the signal with the usual exit status.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
