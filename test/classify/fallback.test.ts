import { describe, expect, it } from 'vitest';
import { isBuildAffecting } from '../../src/classify/build-affecting.js';
import { copyKeepsRole, fallbackFinding } from '../../src/classify/fallback.js';
import { classify, CLASSIFIERS } from '../../src/classify/index.js';
import type { Classifier } from '../../src/classify/types.js';
import type { PathDiff } from '../../src/core/types.js';
import { makeCtx } from './ctx-helper.js';

const file = (path: string, extra: Partial<PathDiff['tarball']> = {}) => ({ path, type: 'file' as const, executable: false, size: 5, oid: 'ab', ...extra });

describe('isBuildAffecting', () => {
  it.each([
    ['configure', true], ['m4/build-to-host.m4', true], ['build-aux/x', true], ['src/Makefile.am', true],
    ['Makefile.dist', true], ['debian/rules', true], ['Makefile.PL', true], ['lib/foo.cmake', true],
    ['po/Makefile.in.in', true], ['gradlew', true],
    ['README', false], ['src/main.c', false], ['doc/rules', false], ['po/de.po', false], ['doc/xz.1', false],
  ])('%s → %s', (p, want) => {
    expect(isBuildAffecting(p)).toBe(want);
  });
});

describe('fallbackFinding', () => {
  it('rates every unexplained tarball-only file high (the strict gate), recording build impact', () => {
    expect(fallbackFinding({ path: 'notes.txt', status: 'tarball-only', tarball: file('notes.txt') })).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { buildAffecting: false, size: 5 } });
    expect(fallbackFinding({ path: 'm4/x.m4', status: 'tarball-only', tarball: file('m4/x.m4') })).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(fallbackFinding({ path: 'b', status: 'tarball-only', tarball: file('b'), copyOf: 'a' })).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low', evidence: { source: 'a' } });
  });
  // A tamperer commits the payload as test data (as xz-utils' was) and ships a copy where the build compiles
  // or runs it: the copy must not be explained by its content alone.
  it('a copy of a tracked file is explained only where it keeps its role; otherwise high, naming the source', () => {
    const copy = (path: string, copyOf: string, executable = false, copyOfExecutable = false): PathDiff => ({
      path,
      status: 'tarball-only',
      tarball: file(path, { executable }),
      copyOf,
      ...(copyOfExecutable ? { copyOfExecutable } : {}),
    });
    expect(fallbackFinding(copy('hook.go', 'testdata/hook.go.txt'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { copyOf: 'testdata/hook.go.txt', buildAffecting: false } });
    expect(fallbackFinding(copy('build-aux/post.sh', 'tests/files/data.bin'))).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high', evidence: { copyOf: 'tests/files/data.bin', buildAffecting: true } });
    expect(fallbackFinding(copy('src/liblzma/crc64.o', 'tests/files/good-1.xz')).code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(fallbackFinding(copy('pkg/evil.py', 'tests/data/evil.py')).code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(fallbackFinding(copy('bin/tool', 'doc/tool.txt', true)).code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(fallbackFinding(copy('src/other.c', 'src/main.c')).code).toBe('TARBALL_ONLY_UNEXPLAINED');
    // the copies real releases ship keep their role
    expect(fallbackFinding(copy('README', 'README.md'))).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low', evidence: { source: 'README.md' } });
    expect(fallbackFinding(copy('gettext-tools/ChangeLog', 'gettext-runtime/libasprintf/NEWS')).code).toBe('COPY_OF_TRACKED');
    expect(fallbackFinding(copy('lib/buffer-lcm.c', 'gl/lib/buffer-lcm.c')).code).toBe('COPY_OF_TRACKED');
    expect(fallbackFinding(copy('gnulib-tests/test-fadvise.c', 'gl/tests/test-fadvise.c')).code).toBe('COPY_OF_TRACKED');
    expect(fallbackFinding(copy('Makefile', 'Makefile.dist')).code).toBe('COPY_OF_TRACKED');
    expect(fallbackFinding(copy('dist/bin/uuid', 'src/bin/uuid', true, true)).code).toBe('COPY_OF_TRACKED');
  });

  it.each([
    ['x.go', 'testdata/x.go', false, false, false],
    ['x.go', 'x.go.txt', false, false, false],
    ['lib/x.c', 'gl/lib/x.c', false, false, true],
    ['tests/x.sh', 'gl/tests/x.sh', false, false, true],
    ['run', 'scripts/run', true, false, false],
    ['run', 'scripts/run', true, true, true],
    ['NEWS', 'doc/NEWS.md', false, false, true],
    ['docs/x.png', 'assets/y.png', false, false, true],
    // a declaration file copied from TypeScript under another name: nothing runs a .d.ts (esbuild, prettier)
    ['lib/main.d.ts', 'lib/shared/types.ts', false, false, true],
    ['doc.d.ts', 'src/document/public.d.ts', false, false, true],
    ['index.d.mts', 'src/types.mts', false, false, true],
    ['lib/main.d.ts', 'scripts/main.js', false, false, false],
    ['lib/main.d.ts', 'test/fixtures/types.ts', false, false, false],
    ['lib/main.d.ts', 'lib/shared/types.ts', true, true, false],
    ['lib/main.ts', 'lib/shared/types.ts', false, false, false],
  ])('copyKeepsRole(%s ← %s, exec %s/%s) → %s', (path, source, exec, srcExec, want) => {
    expect(copyKeepsRole(path, source, exec, srcExec)).toBe(want);
  });

  it('rates modified tracked files by build impact', () => {
    const d = (path: string): PathDiff => ({ path, status: 'changed', changes: ['content'], git: file(path), tarball: file(path, { oid: 'cd' }) });
    expect(fallbackFinding(d('src/a.c'))).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'high' });
    expect(fallbackFinding(d('configure.ac'))).toMatchObject({ code: 'SOURCE_MODIFIED', severity: 'critical' });
  });
  it('reports mode, type, symlink, git-only and export-ignore differences', () => {
    expect(fallbackFinding({ path: 'x', status: 'changed', changes: ['mode'], git: file('x'), tarball: file('x', { executable: true }) }).code).toBe('MODE_CHANGED');
    expect(fallbackFinding({ path: 'x', status: 'changed', changes: ['type'], git: file('x'), tarball: file('x', { type: 'symlink' }) }).code).toBe('TYPE_CHANGED');
    expect(fallbackFinding({ path: 'x', status: 'git-only', git: file('x') }).code).toBe('GIT_ONLY');
    expect(fallbackFinding({ path: 'x', status: 'export-ignored', git: file('x') }).code).toBe('EXPORT_IGNORED');
  });
});

describe('classify registry', () => {
  it('runs the registered classifiers in order, then the fallback', async () => {
    const mine = ['autotools', 'generated-docs', 'line-endings', 'changelog', 'gettext', 'version-stamps'];
    expect(CLASSIFIERS.map((c) => c.id).filter((id) => mine.includes(id))).toEqual(mine);
    const ctx = makeCtx({
      git: { 'configure.ac': 'AC_INIT([x], [1])\n', 'a.txt': 'a\n', 'po/de.po': 'msgid ""\nmsgstr "POT-Creation-Date: 1\\n"\n' },
      tarball: {
        'configure.ac': 'AC_INIT([x], [1])\n',
        'a.txt': 'a\r\n',
        'po/de.po': 'msgid ""\nmsgstr "POT-Creation-Date: 2\\n"\n',
        configure: '# Generated by GNU Autoconf 2.72\n',
        'unknown.sh': 'echo hi\n',
      },
    });
    const out = await classify(ctx);
    expect(out.map((f) => `${f.path}:${f.code}`)).toEqual([
      'a.txt:LINE_ENDINGS_ONLY',
      'po/de.po:PO_MSGMERGE_ONLY',
      'configure:GENERATED_BY_AUTOTOOLS',
      'unknown.sh:TARBALL_ONLY_UNEXPLAINED',
      // the post passes' own: configure's label is not proved (no regeneration here), src/regenerate/unproved.ts
      '.:UNPROVED_BUILD_OUTPUTS',
    ]);
  });
  it('records a classifier that throws as degraded and carries on', async () => {
    const boom: Classifier = { id: 'boom', classify: () => { throw new Error('kaput'); } };
    const ctx = makeCtx({ git: {}, tarball: { 'x.sh': 'echo\n' } });
    const [f] = await classify(ctx, [boom], []);
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', degraded: { check: 'boom', error: 'kaput' } });
  });
});
