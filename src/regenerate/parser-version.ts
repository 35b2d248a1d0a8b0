/**
 * The generator version a bison/flex/byacc output names, and the version a generator's own --version prints, in one
 * form. Pure text functions, kept apart from parsers.ts so the toolchain builder (toolchain-git.ts) can check a built
 * generator's stamp without importing the parser proofs that import it back (test/architecture/imports.test.ts).
 */
import type { ParserTool } from '../core/findings.js';

/** The version of the generator a parser's text names, or undefined. */
export function namedVersion(tool: ParserTool, text: string): string | undefined {
  if (tool === 'bison') return /A Bison parser, made by GNU Bison (\d+(?:\.\d+)+)/.exec(text)?.[1];
  const def = (name: string) => new RegExp(`^#define ${name} (\\d+)\\s*$`, 'm').exec(text)?.[1];
  if (tool === 'flex') {
    const [a, b, c] = ['YY_FLEX_MAJOR_VERSION', 'YY_FLEX_MINOR_VERSION', 'YY_FLEX_SUBMINOR_VERSION'].map(def);
    return a && b && c ? `${a}.${b}.${c}` : undefined;
  }
  const [major, minor, patch] = ['YYMAJOR', 'YYMINOR', 'YYPATCH'].map(def);
  if (!major || !minor) return undefined;
  return patch ? `${major}.${minor} ${patch}` : `${major}.${minor}`;
}

/** `bison --version` / `flex --version` / `byacc -V` output → the version in namedVersion's form. */
export function parseToolVersion(tool: ParserTool, out: string): string | undefined {
  if (tool === 'bison') return /\(GNU Bison\)\s+(\d+(?:\.\d+)+)/.exec(out)?.[1];
  if (tool === 'flex') return /^flex\s+(\d+(?:\.\d+)+)/m.exec(out)?.[1];
  const m = /byacc\s+-\s+(\d+\.\d+)\s+(\d{8})/.exec(out);
  return m ? `${m[1]} ${m[2]}` : undefined;
}
