/**
 * The one line typed at the bootgate prompt, edited byte by byte on a terminal in raw mode (which
 * neither echoes nor edits): printable ASCII is kept and echoed, Backspace erases, Enter ends the
 * line, Ctrl-C abandons it. Other bytes (escape sequences' ESC among them) are ignored.
 */
export type PromptKey =
  | { readonly kind: 'edit'; readonly echo: string }
  | { readonly kind: 'enter'; readonly line: string }
  | { readonly kind: 'cancel' };

const BACKSPACE = new Set([0x08, 0x7f]);
const ENTER = new Set([0x0a, 0x0d]);
const CTRL_C = 0x03;

export class PromptLine {
  private text = '';

  feed(byte: number): PromptKey {
    if (ENTER.has(byte)) {
      const line = this.text;
      this.text = '';
      return { kind: 'enter', line };
    }
    if (byte === CTRL_C) {
      this.text = '';
      return { kind: 'cancel' };
    }
    if (BACKSPACE.has(byte)) {
      if (!this.text) return { kind: 'edit', echo: '' };
      this.text = this.text.slice(0, -1);
      return { kind: 'edit', echo: '\b \b' };
    }
    if (byte < 0x20 || byte > 0x7e) return { kind: 'edit', echo: '' };
    const ch = String.fromCharCode(byte);
    this.text += ch;
    return { kind: 'edit', echo: ch };
  }
}
