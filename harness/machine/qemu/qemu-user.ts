/**
 * Who QEMU runs as. Started by root, QEMU opens what the command line names (images, overlay,
 * sockets, FIFOs) and then, before the guest runs one instruction, chroots into a folder of its
 * own and becomes an unprivileged user (`-chroot`, `-runas uid:gid`): a guest that escapes the
 * emulator is that user, in an empty folder, holding only the files it was given. Started by
 * anyone else, QEMU runs as them: it cannot chroot, and it can already read no more than they can.
 */
import { readFileSync } from 'node:fs';
import { InfraError } from '../../errors.js';

export interface QemuUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The system user scripts/setup.sh creates for QEMU; BOOTGATE_QEMU_USER names another. */
export const QEMU_USER = 'bootgate-qemu';
/** Where no such user exists yet: unprivileged on every Debian system, though shared with other daemons. */
const FALLBACK_USER = 'nobody';

export interface QemuUserChoice {
  /** Undefined: QEMU runs as bootgate's own user (not root). */
  readonly user?: QemuUser;
  /** Why the user is not the one asked for, for `bootgate doctor`. */
  readonly note?: string;
}

/** The user a QEMU started now would run as. */
export function chooseQemuUser(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.(), passwd = readPasswd()): QemuUserChoice {
  if (uid !== 0) return {};
  const wanted = env['BOOTGATE_QEMU_USER'] || QEMU_USER;
  const user = passwd.find((u) => u.name === wanted);
  if (user && user.uid !== 0) return { user };
  const fallback = passwd.find((u) => u.name === FALLBACK_USER);
  const why = user ? `${wanted} is root` : `no user ${wanted}`;
  if (!fallback || fallback.uid === 0) throw new InfraError(`QEMU cannot drop root: ${why}, and no ${FALLBACK_USER} user (run scripts/setup.sh)`);
  return { user: fallback, note: `${why} (scripts/setup.sh creates ${QEMU_USER}); using ${FALLBACK_USER}` };
}

function readPasswd(): QemuUser[] {
  let text = '';
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid] = line.split(':');
    return name && uid && gid && /^\d+$/.test(uid) && /^\d+$/.test(gid) ? [{ name, uid: Number(uid), gid: Number(gid) }] : [];
  });
}
