/**
 * A key the person pressed on the recorder's screen, as bootgate writes it: text to type (what a
 * US keyboard types, Enter as a newline) or a chord of bootgate's key names (harness/machine/keys.ts).
 */
const NAMED: Readonly<Record<string, string>> = {
  Escape: 'esc', Tab: 'tab', Backspace: 'backspace', Delete: 'delete', Insert: 'insert', Home: 'home', End: 'end',
  PageUp: 'pgup', PageDown: 'pgdn', ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right',
  ContextMenu: 'menu', Pause: 'pause', PrintScreen: 'print', ' ': 'spc', Enter: 'ret',
};
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock', 'NumLock', 'ScrollLock']);
const PUNCTUATION: Readonly<Record<string, string>> = {
  '-': 'minus', '=': 'equal', '[': 'bracket_left', ']': 'bracket_right', ';': 'semicolon', "'": 'apostrophe',
  '`': 'grave_accent', '\\': 'backslash', ',': 'comma', '.': 'dot', '/': 'slash',
};

export type KeyAction = { readonly type: string } | { readonly press: string } | undefined;

export function keyAction(e: { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean }): KeyAction {
  if (MODIFIERS.has(e.key)) return undefined;
  const chorded = e.ctrlKey || e.altKey || e.metaKey;
  if (!chorded && e.key === 'Enter') return { type: '\n' };
  if (!chorded && e.key.length === 1) return { type: e.key };
  let name = NAMED[e.key] ?? (/^F([1-9]|1[0-2])$/.test(e.key) ? e.key.toLowerCase() : undefined);
  if (name === undefined && e.key.length === 1) {
    const k = e.key.toLowerCase();
    name = /^[a-z0-9]$/.test(k) ? k : PUNCTUATION[k];
  }
  if (name === undefined) return undefined;
  const mods = [e.ctrlKey ? 'ctrl' : '', e.altKey ? 'alt' : '', e.metaKey ? 'meta_l' : '', e.shiftKey ? 'shift' : ''].filter(Boolean);
  return { press: [...mods, name].join('-') };
}
