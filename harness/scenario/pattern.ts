/** What waits and failure patterns match: the text as written (for messages) and the RegExp. */
export interface Pattern {
  readonly source: string;
  readonly regex: RegExp;
}

/** A pattern that matches `text` literally. */
export function literalPattern(text: string): Pattern {
  return { source: text, regex: new RegExp(escapeRegExp(text)) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
