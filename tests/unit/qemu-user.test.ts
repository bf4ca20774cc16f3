import { describe, expect, it } from 'vitest';
import { chooseQemuUser } from '../../harness/machine/qemu/qemu-user.js';

const passwd = [
  { name: 'root', uid: 0, gid: 0 },
  { name: 'nobody', uid: 65534, gid: 65534 },
  { name: 'bootgate-qemu', uid: 999, gid: 995 },
];

describe('chooseQemuUser', () => {
  it('leaves QEMU as bootgate\'s own user when bootgate is not root', () => {
    expect(chooseQemuUser({}, 1000, passwd)).toEqual({});
  });

  it('drops root to bootgate-qemu, or to the user BOOTGATE_QEMU_USER names', () => {
    expect(chooseQemuUser({}, 0, passwd).user).toEqual({ name: 'bootgate-qemu', uid: 999, gid: 995 });
    expect(chooseQemuUser({ BOOTGATE_QEMU_USER: 'nobody' }, 0, passwd)).toEqual({ user: { name: 'nobody', uid: 65534, gid: 65534 } });
  });

  it('falls back to nobody, saying why, when the user is missing or is root itself', () => {
    expect(chooseQemuUser({}, 0, passwd.slice(0, 2))).toEqual({ user: { name: 'nobody', uid: 65534, gid: 65534 }, note: 'no user bootgate-qemu (scripts/setup.sh creates bootgate-qemu); using nobody' });
    expect(chooseQemuUser({ BOOTGATE_QEMU_USER: 'root' }, 0, passwd).note).toMatch(/^root is root/);
  });

  it('refuses to run QEMU as root when no unprivileged user exists', () => {
    expect(() => chooseQemuUser({}, 0, passwd.slice(0, 1))).toThrow(/QEMU cannot drop root: no user bootgate-qemu, and no nobody user/);
  });
});
