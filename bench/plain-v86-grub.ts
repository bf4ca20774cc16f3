/**
 * The baseline for the GRUB CD benchmark on v86: a bare v86 Node script doing the same steps as
 * the scenario — boot the rescue CD with Debian's SeaBIOS, poll the text screen for the menu,
 * press `c`, type `ls`, wait for the device list. No bootgate code, no worker thread.
 * Prints one JSON line with its timings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { V86 } from 'v86';

const t0 = performance.now();
const ISO = process.argv[2] ?? '/usr/lib/grub-rescue/grub-rescue-cdrom.iso';
const require = createRequire(import.meta.url);
const buffer = (path: string) => {
  const b = readFileSync(path);
  return { buffer: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
};
const emulator = new V86({
  wasm_path: join(dirname(require.resolve('v86')), 'v86.wasm'),
  memory_size: 128 * 1024 * 1024,
  vga_memory_size: 8 * 1024 * 1024,
  bios: buffer('/usr/share/seabios/bios.bin'),
  vga_bios: buffer('/usr/share/seabios/vgabios-stdvga.bin'),
  cdrom: buffer(ISO),
  autostart: true,
  disable_speaker: true,
} as never) as unknown as {
  screen_adapter: { get_text_screen(): string[] };
  keyboard_send_text(text: string, delay?: number): void;
  add_listener(event: string, fn: () => void): void;
  destroy(): Promise<void>;
};

async function waitFor(re: RegExp): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!re.test(emulator.screen_adapter.get_text_screen().join('\n'))) {
    if (performance.now() > deadline) throw new Error(`timeout waiting for ${re}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

await new Promise<void>((resolve) => emulator.add_listener('emulator-started', resolve));
await waitFor(/GNU GRUB/);
// bootgate's scenario then waits for the whole menu (its golden); GRUB draws the countdown line last.
await waitFor(/executed automatically/);
const timeToMenuMs = performance.now() - t0;
emulator.keyboard_send_text('c');
await waitFor(/grub> *$/m);
emulator.keyboard_send_text('ls\n', 25);
await waitFor(/\((cd|hd|fd)[0-9,)]/);
const totalMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ timeToMenuMs, totalMs }) + '\n');
await emulator.destroy();
process.exit(0);
