/**
 * QEMU refused a QMP (or HMP) command. An infra error: bootgate sent the command, so a refusal
 * means the emulator or our use of it is broken, never that the guest image failed.
 */
import { InfraError } from '../../errors.js';

export class QmpError extends InfraError {
  constructor(
    readonly command: string,
    /** QMP's error class (`GenericError`, `CommandNotFound`, ...); `HmpError` for a monitor text error. */
    readonly qmpClass: string,
    readonly desc: string,
  ) {
    super(`QMP ${command} failed: ${qmpClass}: ${desc}`);
  }
}
