/** What waits and failure patterns match: the text as written (for messages) and the RegExp. */
export interface Pattern {
  readonly source: string;
  readonly regex: RegExp;
  /** The text of a literal pattern, which OCR may match with a misread letter (text/text-read.ts). */
  readonly literal?: string;
}

/**
 * A pattern that matches `text` literally, except that any run of white space matches any other:
 * a screen wraps long messages onto the next row and a serial console may break them with CR LF.
 */
export function literalPattern(text: string): Pattern {
  return { source: text, literal: text, regex: new RegExp(text.split(/\s+/).map(escapeRegExp).join('\\s+')) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
