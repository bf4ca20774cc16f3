/**
 * Reads a YAML file and validates it with a zod schema, turning both YAML syntax errors and
 * schema errors into one-line ConfigErrors that point at file:line:col and the field. Shared by
 * scenarios, machine profiles and presets so all three report bad input the same way.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type * as z from 'zod';
import { ConfigError } from '../errors.js';

type ErrorClass = new (message: string, where: ConfigError['where']) => ConfigError;

export function readYamlFile<S extends z.ZodType>(file: string, schema: S, ErrorType: ErrorClass = ConfigError): z.output<S> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ErrorType(code === 'ENOENT' ? 'file not found' : `cannot read: ${code ?? (e as Error).message}`, { file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = lineCounter.linePos(syntax.pos[0]);
    throw new ErrorType(`YAML syntax error: ${syntax.message.split('\n')[0]}`, { file, line: pos.line, column: pos.col });
  }
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  const pos = positionOf(doc, issue.path, lineCounter);
  throw new ErrorType(describeIssue(issue), { file, field, ...pos });
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

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union') {
    // zod reports every branch; the first branch's first complaint is usually the helpful one.
    const first = issue.errors.flat()[0];
    if (first) return first.message;
  }
  return issue.message;
}
