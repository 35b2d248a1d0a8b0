/**
 * Generated test indexes (issue 11 d): the list of tests a test driver compiles in, made at build or
 * release time by grepping the registration lines out of the tracked test sources — libarchive's
 * `cat $(srcdir)/test_*.c | grep '^DEFINE_TEST' > list.h` (Makefile.am, CMakeLists.txt) for
 * libarchive/test/list.h, tar/test/list.h … It is compiled into the test program, so the check is strict,
 * line by line, with nothing left over:
 *   - every line is blank, a C comment, or a registration line `MACRO(name)` (one identifier in capitals
 *     and one name, an optional `;`), all with the same MACRO;
 *   - every registration line occurs verbatim as a line of a tracked C source in the file's own directory
 *     (the test that defines it: `DEFINE_TEST(test_acl_nfs4)` in test_acl_nfs4.c);
 *   - at least one registration line.
 * Anything else — an #include, a macro with code in it, a test no tracked source defines — leaves the file
 * to the other classifiers and the fallback.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 1024 * 1024;
/** How many C sources of one directory are read at most. */
const MAX_SOURCES = 5000;
const INDEX_NAME = /\.(?:h|inc|def)$/;
const C_SOURCE = /\.(?:c|cc|cpp|cxx)$/;
const REGISTRATION = /^([A-Z][A-Z0-9_]*)\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*;?\s*$/;
const COMMENT = /^\s*(?:\/\/.*|\/\*.*\*\/\s*)?$/;

export interface IndexCheck {
  macro: string;
  /** Registration lines, each traced to a tracked source. */
  lines: number;
  /** Distinct sources they were found in. */
  files: number;
  /** Registration lines of that macro in the sources that the index does not list. */
  missing: number;
}

/**
 * Checks an index against the C sources beside it (path → text); undefined when any line is not blank, a
 * comment, or a registration line found verbatim in a source.
 */
export function checkTestIndex(index: string, sources: ReadonlyMap<string, string>): IndexCheck | undefined {
  let macro: string | undefined;
  const wanted: string[] = [];
  for (const raw of index.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (COMMENT.test(line)) continue;
    const m = REGISTRATION.exec(line);
    if (!m || (macro !== undefined && m[1] !== macro)) return undefined;
    macro = m[1]!;
    wanted.push(line);
  }
  if (!macro || wanted.length === 0) return undefined;
  // Every registration line of that macro in the sources, with the file it is in.
  const where = new Map<string, string>();
  for (const [path, text] of sources) {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '');
      if (line.startsWith(`${macro}(`) && REGISTRATION.test(line) && !where.has(line)) where.set(line, path);
    }
  }
  const files = new Set<string>();
  for (const line of wanted) {
    const f = where.get(line);
    if (f === undefined) return undefined;
    files.add(f);
  }
  const listed = new Set(wanted);
  const missing = [...where.keys()].filter((l) => !listed.has(l)).length;
  return { macro, lines: wanted.length, files: files.size, missing };
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && INDEX_NAME.test(diff.path);

export const testIndexClassifier: Classifier = {
  id: 'test-index',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const buf = ctx.content.tarball(diff.path);
    if (!buf || buf.length > MAX_BYTES || buf.includes(0)) return undefined;
    const text = buf.toString('latin1');
    // Cheap pre-check before any source is read: the first non-comment line must be a registration.
    const first = text.split('\n').find((l) => !COMMENT.test(l.replace(/\r$/, '')));
    if (!first || !REGISTRATION.test(first.replace(/\r$/, ''))) return undefined;
    const dir = dirOf(diff.path);
    const names = (pathsBy('dir', ctx.gitPaths).get(dir) ?? []).filter((p) => C_SOURCE.test(baseOf(p))).sort().slice(0, MAX_SOURCES);
    const sources = new Map<string, string>();
    for (const p of names) {
      const b = await ctx.content.git(p);
      if (b && !b.subarray(0, 8192).includes(0)) sources.set(p, b.toString('latin1'));
    }
    const check = checkTestIndex(text, sources);
    if (!check) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'index',
      source: dir ? `${dir}/*.c` : '*.c',
      generator: check.macro,
      found: check.lines,
      total: check.lines,
      files: check.files,
      missing: check.missing,
    });
  },
};
