/**
 * Operational errors: bad input, unreachable source, missing tag, corrupt archive, exceeded limit.
 * The CLI prints `distdiff: <input>: <problem>; <hint>` on one line and exits 2.
 */
import { redactUrls } from '../util/redact.js';

export type ErrorKind =
  | 'usage'
  | 'not-found'
  | 'network'
  | 'download'
  | 'checksum'
  | 'archive'
  | 'limit'
  | 'git'
  | 'revision'
  | 'config'
  | 'internal';

export class DistdiffError extends Error {
  readonly kind: ErrorKind;
  /** The input the problem concerns (a path, URL, tag …). */
  readonly input: string;
  /** What the user can do about it. */
  readonly hint: string;

  constructor(kind: ErrorKind, input: string, problem: string, hint = '') {
    super(problem);
    this.name = 'DistdiffError';
    this.kind = kind;
    this.input = input;
    this.hint = hint;
  }

  /** The one line the CLI prints (credentials in URLs redacted). */
  oneLine(): string {
    const clean = (s: string) => redactUrls(s.replace(/[\r\n]+/g, ' ').trim());
    return `${clean(this.input)}: ${clean(this.message)}${this.hint ? `; ${clean(this.hint)}` : ''}`;
  }
}

export function isDistdiffError(e: unknown): e is DistdiffError {
  return e instanceof DistdiffError;
}
