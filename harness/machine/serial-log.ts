import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything a machine printed on its first serial port. Kept twice: the raw bytes (for the
 * artifact) and a clean text with terminal escape sequences and carriage returns removed, which
 * is what waits match against — installers and shells sprinkle `ESC[6n` and colour codes
 * between the characters a person reads.
 *
 * A guest may print without end (a flood of hundreds of MB), so with a folder to spill into both
 * go to files as they come and only the last WINDOW_CHARS to 2 × WINDOW_CHARS characters of clean
 * text stay in memory for matching: memory stays flat whatever the guest does. Offsets (cursors,
 * raw offsets) count from the start of the log, not of the window. Without a folder (the fake
 * machine, unit tests) everything stays in memory.
 */
export class SerialLog {
  private readonly rawChunks: Buffer[] = [];
  private rawLength = 0;
  /** The clean text kept in memory: characters windowStart to windowStart + clean.length. */
  private clean = '';
  private windowStart = 0;
  /** For each character of `clean`, the raw byte it came from: guest clocks count raw bytes. */
  private rawIndex = new Float64Array(1024);
  private pendingEscape = '';
  private readonly decoder = new TextDecoder('latin1');
  private readonly listeners = new Set<() => void>();
  private spill: Spill | undefined;
  private spillFailed = false;

  /**
   * @param spillDir a folder the log may write its files into (a machine's workDir, which its
   *   owner removes); created lazily at the first byte, so a machine that never runs touches nothing.
   * @param windowChars how much clean text at least stays in memory for matching.
   */
  constructor(
    private readonly spillDir?: string,
    private readonly windowChars = WINDOW_CHARS,
  ) {}

  append(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
    if (bytes.length === 0) return;
    const chunkStart = this.rawLength;
    this.rawLength += bytes.length;
    const text = this.stripEscapes(this.decoder.decode(bytes, { stream: true }), chunkStart);
    this.clean += text;
    const spill = this.openSpill();
    if (spill) {
      writeSync(spill.raw, bytes);
      // The text file holds what `text` would (a JS string written as UTF-8), as the artifact always did.
      if (text) writeSync(spill.text, text, null, 'utf8');
      if (this.clean.length > 2 * this.windowChars) this.trimWindow();
    } else {
      this.rawChunks.push(bytes);
    }
    for (const listener of this.listeners) listener();
  }

  /** The clean text in memory: all of it without a spill folder, else the last part (from `textStart`). */
  get text(): string {
    return this.clean;
  }

  /** The offset of `text`'s first character in the whole clean log. */
  get textStart(): number {
    return this.windowStart;
  }

  /** The clean text from offset `from` on, or from `textStart` if `from` has left memory. */
  since(from: number): string {
    return this.clean.slice(Math.max(from - this.windowStart, 0));
  }

  /** Where the next output will begin: a wait that starts here ignores everything printed before. */
  get cursor(): number {
    return this.windowStart + this.clean.length;
  }

  get rawByteLength(): number {
    return this.rawLength;
  }

  /** The index of the raw byte that clean character `cleanIndex` came from (it must still be in memory). */
  rawOffsetOf(cleanIndex: number): number {
    const i = cleanIndex - this.windowStart;
    if (!(i >= 0 && i < this.clean.length)) throw new RangeError(`no clean character ${cleanIndex} in memory (${this.windowStart} to ${this.cursor})`);
    return this.rawIndex[i]!;
  }

  /** All raw bytes. From a spilled log that is a file read: for small logs (guest-clock checks), not floods. */
  raw(): Buffer {
    return this.rawSlice(0, this.rawLength);
  }

  /** Raw bytes `start` to `end` (exclusive), from memory or the spill file. */
  rawSlice(start: number, end = this.rawLength): Buffer {
    end = Math.min(end, this.rawLength);
    if (end <= start) return Buffer.alloc(0);
    if (!this.spill) return Buffer.concat(this.rawChunks, this.rawLength).subarray(start, end);
    const out = Buffer.alloc(end - start);
    const fd = this.spill.fds?.raw ?? openSync(this.spill.rawPath, 'r');
    try {
      return out.subarray(0, readSync(fd, out, 0, out.length, start));
    } finally {
      if (fd !== this.spill.fds?.raw) closeSync(fd);
    }
  }

  /** Writes the whole clean text and the raw bytes to these files (copies of the spill files, or from memory). */
  saveTo(textFile: string, rawFile: string): void {
    if (this.spill) {
      copyFileSync(this.spill.textPath, textFile);
      copyFileSync(this.spill.rawPath, rawFile);
    } else {
      writeFileSync(textFile, this.clean);
      writeFileSync(rawFile, this.raw());
    }
  }

  /** Closes the spill files; they stay in the folder (for saveTo and rawSlice) until its owner removes it. */
  close(): void {
    if (this.spill?.fds) {
      closeSync(this.spill.fds.raw);
      closeSync(this.spill.fds.text);
      this.spill.fds = undefined;
    }
  }

  /** Called after each append; returns the function that unsubscribes. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL`), charset (`ESC ( B`) and two-byte escapes, across chunk boundaries. */
  /** latin1 decodes one byte to one character, so text index i is raw byte `chunkStart - pending + i`. */
  private stripEscapes(input: string, chunkStart: number): string {
    const text = this.pendingEscape + input;
    const textStart = chunkStart - this.pendingEscape.length;
    this.pendingEscape = '';
    let out = '';
    let i = 0;
    // Runs of plain characters are copied whole: a flood is read at memory speed, not a character at a time.
    while (i < text.length) {
      SPECIAL.lastIndex = i;
      const special = SPECIAL.exec(text);
      const runEnd = special ? special.index : text.length;
      if (runEnd > i) {
        this.noteRun(this.clean.length + out.length, textStart + i, runEnd - i);
        out += text.slice(i, runEnd);
      }
      if (!special) break;
      i = runEnd;
      // CR, BEL, NUL, and shift-out/shift-in (dialogs switch to line-drawing characters with them).
      if (text[i] !== '\x1b') {
        i++;
        continue;
      }
      const end = escapeEnd(text, i);
      if (end === undefined) {
        this.pendingEscape = text.slice(i);
        break;
      }
      i = end;
    }
    return out;
  }

  /** The spill files, opened (again) for appending; undefined when the log stays in memory. */
  private openSpill(): { raw: number; text: number } | undefined {
    if (!this.spillDir || this.spillFailed) return undefined;
    try {
      if (!this.spill) {
        mkdirSync(this.spillDir, { recursive: true });
        const dir = mkdtempSync(join(this.spillDir, 'serial-'));
        this.spill = { rawPath: join(dir, 'serial.raw'), textPath: join(dir, 'serial.log') };
      }
      this.spill.fds ??= { raw: openSync(this.spill.rawPath, 'a+'), text: openSync(this.spill.textPath, 'a') };
      return this.spill.fds;
    } catch {
      // No folder to write to: the log stays in memory, as it always could.
      this.spillFailed = true;
      this.spill = undefined;
      return undefined;
    }
  }

  /** Drops the oldest clean text, keeping the last windowChars characters and their raw offsets. */
  private trimWindow(): void {
    const drop = this.clean.length - this.windowChars;
    this.rawIndex.copyWithin(0, drop, this.clean.length);
    this.clean = this.clean.slice(drop);
    this.windowStart += drop;
  }

  /** Clean characters from `cleanIndex` on came from consecutive raw bytes from `rawOffset` on. */
  private noteRun(cleanIndex: number, rawOffset: number, length: number): void {
    if (cleanIndex + length > this.rawIndex.length) {
      const grown = new Float64Array(Math.max(this.rawIndex.length * 2, cleanIndex + length));
      grown.set(this.rawIndex.subarray(0, cleanIndex));
      this.rawIndex = grown;
    }
    for (let k = 0; k < length; k++) this.rawIndex[cleanIndex + k] = rawOffset + k;
  }
}

/** What stripEscapes drops or starts an escape at; everything else is copied as it is. */
const SPECIAL = /[\r\x07\x00\x0e\x0f\x1b]/g;

/** Clean text kept for matching at least (at most twice that): 512 Ki characters, at most ~9 MB with their raw offsets. */
const WINDOW_CHARS = 512 * 1024;

interface Spill {
  readonly rawPath: string;
  readonly textPath: string;
  /** Open while the machine may still print; closed by close(). */
  fds?: { readonly raw: number; readonly text: number };
}

/** Index just past the escape sequence starting at `start`, or undefined if it is not complete yet. */
function escapeEnd(text: string, start: number): number | undefined {
  const kind = text[start + 1];
  if (kind === undefined) return undefined;
  if (kind === '[') {
    for (let j = start + 2; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return j + 1;
    }
    return text.length - start > 64 ? text.length : undefined;
  }
  if (kind === ']') {
    for (let j = start + 2; j < text.length; j++) {
      if (text[j] === '\x07') return j + 1;
      if (text[j] === '\x1b' && text[j + 1] === '\\') return j + 2;
    }
    return text.length - start > 256 ? text.length : undefined;
  }
  if (kind === '(' || kind === ')' || kind === '#') {
    return start + 2 < text.length ? start + 3 : undefined;
  }
  return start + 2;
}
