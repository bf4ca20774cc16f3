/**
 * Reads a YAML file and validates it with a zod schema, turning both YAML syntax errors and
 * schema errors into one-line ConfigErrors that point at file:line:col and the field. Shared by
 * scenarios, machine profiles, presets and region sidecars so all report bad input the same way.
 *
 * A file is input like an image: its size, its nesting and its alias expansion are capped before
 * they can cost memory (a 20 KB run of `[` made the parser abort node itself, out of memory, and an
 * alias bomb ended as an internal error).
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import type * as z from 'zod';
import { ConfigError } from '../errors.js';

type ErrorClass = new (message: string, where: ConfigError['where']) => ConfigError;

/** The largest bundled file is 6 KB: a megabyte is room for any real one, and bounds what parsing can cost. */
export const MAX_YAML_BYTES = 1 << 20;
/** Levels of nesting (indentation steps, `- ` items, `[` and `{`): bundled files use fewer than 10. */
export const MAX_YAML_DEPTH = 64;
/** Aliases resolved while building the data; yaml's own exponential-expansion guard trips past it. */
const MAX_ALIAS_COUNT = 100;

export function readYamlFile<S extends z.ZodType>(file: string, schema: S, ErrorType: ErrorClass = ConfigError): z.output<S> {
  const source = readCapped(file, ErrorType);
  const deep = tooDeep(source);
  if (deep) throw new ErrorType(`nested more than ${MAX_YAML_DEPTH} levels deep`, { file, line: deep.line, column: deep.column });
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lineCounter.linePos(syntax.pos[0]);
    throw new ErrorType(`YAML syntax error: ${syntax.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    // yaml says "Excessive alias count" (a bomb) or "Unresolved alias": either way, the first alias is where to look.
    const at = firstAlias(doc);
    const pos = at === undefined ? undefined : lineCounter.linePos(at);
    const why = /excessive/i.test(e.message) ? `aliases expand past ${MAX_ALIAS_COUNT} copies (an alias bomb?)` : e.message;
    throw new ErrorType(`YAML ${why}`, { file, ...(pos ? { line: pos.line, column: pos.col } : {}) });
  }
  // Each file is parsed once: compiling zod's generated fast path for every object schema costs more than it saves.
  const result = schema.safeParse(data ?? {}, { jitless: true });
  if (result.success) return result.data;
  const { path, message } = describeIssue(firstToTell(result.error.issues), [], data, schema);
  const field = path.map(String).join('.') || undefined;
  const pos = positionOf(doc, path, lineCounter);
  throw new ErrorType(message, { file, field, ...pos });
}

/** The file's text, refused unread when it is larger than MAX_YAML_BYTES (its size is taken from the open file). */
function readCapped(file: string, ErrorType: ErrorClass): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const { size } = fstatSync(fd);
    if (size > MAX_YAML_BYTES) throw new ErrorType(`${size} bytes, over the ${MAX_YAML_BYTES}-byte limit for a YAML file`, { file });
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ErrorType(code === 'ENOENT' ? 'file not found' : `cannot read: ${code ?? (e as Error).message}`, { file });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Where the source first nests deeper than MAX_YAML_DEPTH, by a scan that cannot itself recurse:
 * open indentation levels, plus `- ` items starting the line, plus open flow brackets outside
 * quotes and comments. It may count a multi-line string's indentation as a level or two; never fewer.
 */
function tooDeep(source: string): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  const lines = source.split('\n');
  for (const [i, text] of lines.entries()) {
    const indent = /^ */.exec(text)![0].length;
    if (indent === text.length || text[indent] === '#') continue;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    const dashes = flow === 0 ? /^(?:- +)*/.exec(text.slice(indent))![0].split('-').length - 1 : 0;
    let quote = '';
    for (let c = indent; c < text.length; c++) {
      const ch = text[c]!;
      if (quote) {
        if (ch === quote) quote = '';
        else if (ch === '\\' && quote === '"') c++;
      } else if (ch === '"' || (ch === "'" && /[\s[{,:]/.test(text[c - 1] ?? ' '))) quote = ch;
      else if (ch === '#' && /\s/.test(text[c - 1] ?? ' ')) break;
      else if (ch === '[' || ch === '{') {
        if (indents.length + dashes + ++flow > MAX_YAML_DEPTH) return { line: i + 1, column: c + 1 };
      } else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
    }
    if (indents.length + dashes + flow > MAX_YAML_DEPTH) return { line: i + 1, column: indent + 1 };
  }
  return undefined;
}

/** The offset of the document's first alias (`*name`). */
function firstAlias(doc: Document): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * Where `path` is in a file that already parsed, for errors found after validation (a
 * reference to another file that does not hold what it names). Empty when it cannot tell.
 */
export function yamlPosition(file: string, path: readonly PropertyKey[]): { line?: number; column?: number } {
  try {
    const lineCounter = new LineCounter();
    return positionOf(parseDocument(readFileSync(file, 'utf8'), { lineCounter }), path, lineCounter);
  } catch {
    return {};
  }
}

/** The deepest node along `path` that exists, so an error about a missing key points at its parent. */
function positionOf(doc: Document, path: readonly PropertyKey[], lineCounter: LineCounter): { line?: number; column?: number } {
  for (let len = path.length; len >= 0; len--) {
    const node = doc.getIn(path.slice(0, len) as unknown[], true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

/**
 * One issue as a person can act on it. For a union (an image given as a path or as {path,
 * sha256}, a pattern as a string or {regex}), zod reports every form's complaint; the form meant
 * is the one whose type the value has, and its own complaint, at its own path, is the one shown.
 */
function describeIssue(issue: z.core.$ZodIssue, base: readonly PropertyKey[], data: unknown, schema: z.ZodType): { path: PropertyKey[]; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const known = objectKeys(schema);
    const hints = issue.keys.map((k) => {
      // The names come from every object in the schema: a right name at the wrong level is a nesting mistake.
      if (known.includes(k)) return `field ${JSON.stringify(k)} does not belong here (it is a field of another object: check its nesting)`;
      const near = closest(k, known);
      return `unknown field ${JSON.stringify(k)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
    });
    return { path, message: hints.join(', ') };
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A form that refused the value's type at the union itself was not the form meant.
    const meant = issue.errors.filter((b) => !refusedType(b));
    if (meant.length === 0) {
      const expected = (i: z.core.$ZodIssue): string[] => (i.code === 'invalid_type' ? [String(i.expected)] : i.code === 'invalid_union' ? i.errors.flat().flatMap(expected) : []);
      const forms = [...new Set(issue.errors.flat().flatMap(expected))];
      return { path, message: `expected ${forms.map(article).join(' or ')}, got ${article(typeOf(valueAt(data, path)))}` };
    }
    // The form that got furthest into the value: its complaint names the real problem.
    const best = meant.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return describeIssue(firstToTell(best), path, data, schema);
  }
  if (issue.code === 'invalid_type') {
    const got = typeOf(valueAt(data, path));
    // YAML reads 0000 or 1e3 as numbers; a quoted value stays a string.
    const quote = issue.expected === 'string' && got === 'number' ? ' (quote it: YAML reads it as a number)' : '';
    if (got === 'nothing') return { path, message: `missing: expected ${article(String(issue.expected))}` };
    return { path, message: `expected ${article(String(issue.expected))}, got ${article(got)}${quote}` };
  }
  return { path, message: issue.message };
}

/** A misspelt field explains the required one that then seems missing: tell it first. */
function firstToTell(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
}

function refusedType(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.length > 0 && issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || (i.code === 'invalid_union' && i.errors.every(refusedType))));
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), data);
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : value === undefined ? 'nothing' : typeof value === 'object' ? 'object' : typeof value;
}

function article(type: string): string {
  return type === 'nothing' || type === 'null' ? type : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** Every field name any object in the schema has: what an unknown field was probably meant to be. */
function objectKeys(schema: z.ZodType): string[] {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    if (def.type === 'object' && def.shape) Object.keys(def.shape).forEach((k) => keys.add(k));
    for (const value of Object.values(def)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        if ('_zod' in value) walk(value);
        else Object.values(value).forEach(walk);
      }
    }
  };
  walk(schema);
  return [...keys];
}

/** The known name within two edits of `name`, if one is. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = editDistance(name.toLowerCase(), key.toLowerCase());
    if (d <= 2 && d < name.length && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
