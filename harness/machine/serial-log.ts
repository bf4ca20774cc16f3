/**
 * Everything a machine printed on its first serial port. Kept twice: the raw bytes (for the
 * artifact) and a clean text with terminal escape sequences and carriage returns removed, which
 * is what waits match against — installers and shells sprinkle `ESC[6n` and colour codes
 * between the characters a person reads.
 */
export class SerialLog {
  private readonly rawChunks: Buffer[] = [];
  private rawLength = 0;
  private clean = '';
  /** For each character of `clean`, the raw byte it came from: guest clocks count raw bytes. */
  private rawIndex = new Uint32Array(1024);
  private pendingEscape = '';
  private readonly decoder = new TextDecoder('latin1');
  private readonly listeners = new Set<() => void>();

  append(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
    if (bytes.length === 0) return;
    this.rawChunks.push(bytes);
    const chunkStart = this.rawLength;
    this.rawLength += bytes.length;
    this.clean += this.stripEscapes(this.decoder.decode(bytes, { stream: true }), chunkStart);
    for (const listener of this.listeners) listener();
  }

  /** The clean text so far. Offsets into it are the cursors waits start from. */
  get text(): string {
    return this.clean;
  }

  /** Where the next output will begin: a wait that starts here ignores everything printed before. */
  get cursor(): number {
    return this.clean.length;
  }

  get rawByteLength(): number {
    return this.rawLength;
  }

  /** The index of the raw byte that clean character `cleanIndex` came from. */
  rawOffsetOf(cleanIndex: number): number {
    if (!(cleanIndex >= 0 && cleanIndex < this.clean.length)) throw new RangeError(`no clean character ${cleanIndex} (of ${this.clean.length})`);
    return this.rawIndex[cleanIndex]!;
  }

  raw(): Buffer {
    return Buffer.concat(this.rawChunks, this.rawLength);
  }

  /** Called after each append; returns the function that unsubscribes. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL`), charset (`ESC ( B`) and two-byte escapes, across chunk boundaries. */
  /** latin1 decodes one byte to one character, so text index i is raw byte `chunkStart - pending + i`. */
  private stripEscapes(input: string, chunkStart: number): string {
    let text = this.pendingEscape + input;
    const textStart = chunkStart - this.pendingEscape.length;
    this.pendingEscape = '';
    let out = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      // CR, BEL, NUL, and shift-out/shift-in (dialogs switch to line-drawing characters with them).
      if (ch === '\r' || ch === '\x07' || ch === '\x00' || ch === '\x0e' || ch === '\x0f') {
        i++;
        continue;
      }
      if (ch !== '\x1b') {
        this.noteRaw(this.clean.length + out.length, textStart + i);
        out += ch;
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

  private noteRaw(cleanIndex: number, rawOffset: number): void {
    if (cleanIndex >= this.rawIndex.length) {
      const grown = new Uint32Array(this.rawIndex.length * 2);
      grown.set(this.rawIndex);
      this.rawIndex = grown;
    }
    this.rawIndex[cleanIndex] = rawOffset;
  }
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
