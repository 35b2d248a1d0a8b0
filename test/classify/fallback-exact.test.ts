/**
 * The generic fallback, finding by finding: exact code, severity and evidence for every status and change
 * aspect (mutation testing showed the looser checks in fallback.test.ts let wrong evidence through), and
 * every name and extension isBuildAffecting knows.
 */
import { describe, expect, it } from 'vitest';
import { isBuildAffecting } from '../../src/classify/build-affecting.js';
import { fallbackClassifier, fallbackFinding } from '../../src/classify/fallback.js';
import type { PathDiff, TreeEntry } from '../../src/core/types.js';

const entry = (path: string, extra: Partial<TreeEntry> = {}): TreeEntry => ({ path, type: 'file', executable: false, size: 5, oid: 'a1', ...extra });

describe('fallbackFinding: every status, exact', () => {
  it('tarball-only: high whatever the file (the strict gate), build impact recorded; size and oid from the tarball entry', () => {
    expect(fallbackFinding({ path: 'notes.txt', status: 'tarball-only', tarball: entry('notes.txt', { size: 7, oid: 'b2' }) })).toEqual({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      path: 'notes.txt',
      severity: 'high',
      evidence: { size: 7, oid: 'b2', buildAffecting: false },
    });
    expect(fallbackFinding({ path: 'build-aux/x', status: 'tarball-only', tarball: entry('build-aux/x', { size: 3 }) })).toEqual({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      path: 'build-aux/x',
      severity: 'high',
      evidence: { size: 3, oid: 'a1', buildAffecting: true },
    });
    // No tarball entry at all (a malformed difference): size 0, no oid, still a finding.
    expect(fallbackFinding({ path: 'x', status: 'tarball-only' })).toEqual({
      code: 'TARBALL_ONLY_UNEXPLAINED',
      path: 'x',
      severity: 'high',
      evidence: { size: 0, oid: undefined, buildAffecting: false },
    });
  });

  it('a tarball-only copy of a tracked file is low and names the source', () => {
    expect(fallbackFinding({ path: 'configure', status: 'tarball-only', tarball: entry('configure'), copyOf: 'configure.orig' })).toEqual({
      code: 'COPY_OF_TRACKED',
      path: 'configure',
      severity: 'low',
      evidence: { source: 'configure.orig' },
    });
  });

  it('git-only: low, with the git oid and type (file when unknown)', () => {
    expect(fallbackFinding({ path: 'l', status: 'git-only', git: entry('l', { type: 'symlink', oid: 'c3' }) })).toEqual({
      code: 'GIT_ONLY',
      path: 'l',
      severity: 'low',
      evidence: { oid: 'c3', type: 'symlink' },
    });
    expect(fallbackFinding({ path: 'g', status: 'git-only' })).toEqual({ code: 'GIT_ONLY', path: 'g', severity: 'low', evidence: { oid: undefined, type: 'file' } });
  });

  it('export-ignored: info, with the type (file when unknown)', () => {
    expect(fallbackFinding({ path: 'ci', status: 'export-ignored' })).toEqual({ code: 'EXPORT_IGNORED', path: 'ci', severity: 'info', evidence: { type: 'file' } });
    expect(fallbackFinding({ path: 'd', status: 'export-ignored', git: entry('d', { type: 'symlink' }) })).toEqual({
      code: 'EXPORT_IGNORED',
      path: 'd',
      severity: 'info',
      evidence: { type: 'symlink' },
    });
  });

  it('submodule: absent, empty (info) or with content (medium, file count)', () => {
    const git = entry('vendor/lib', { type: 'submodule', oid: 'd4' });
    expect(fallbackFinding({ path: 'vendor/lib', status: 'submodule', git })).toEqual({
      code: 'SUBMODULE',
      path: 'vendor/lib',
      severity: 'info',
      evidence: { commit: 'd4', tarball: 'absent', files: 0 },
    });
    const empty = entry('vendor/lib', { type: 'directory', size: 0, oid: undefined });
    expect(fallbackFinding({ path: 'vendor/lib', status: 'submodule', git, tarball: empty })).toEqual({
      code: 'SUBMODULE',
      path: 'vendor/lib',
      severity: 'info',
      evidence: { commit: 'd4', tarball: 'empty', files: 0 },
    });
    const full = entry('vendor/lib', { type: 'directory', size: 3, oid: undefined });
    expect(fallbackFinding({ path: 'vendor/lib', status: 'submodule', git, tarball: full })).toEqual({
      code: 'SUBMODULE',
      path: 'vendor/lib',
      severity: 'medium',
      evidence: { commit: 'd4', tarball: 'content', files: 3 },
      severityReason: { reason: 'unverified-content', default: 'info' },
    });
  });

  it('changed: type first, then link target, then content, then mode', () => {
    const g = entry('x');
    const t = entry('x', { type: 'symlink', linkTarget: 'y', oid: 'e5' });
    const all: PathDiff['changes'] = ['mode', 'content', 'link-target', 'type'];
    expect(fallbackFinding({ path: 'x', status: 'changed', changes: all, git: g, tarball: t })).toEqual({
      code: 'TYPE_CHANGED',
      path: 'x',
      severity: 'high',
      evidence: { git: 'file', tarball: 'symlink' },
    });
    expect(fallbackFinding({ path: 'x', status: 'changed', changes: ['type'] })).toEqual({
      code: 'TYPE_CHANGED',
      path: 'x',
      severity: 'high',
      evidence: { git: 'file', tarball: 'file' },
    });
    const gl = entry('l', { type: 'symlink', linkTarget: 'a' });
    const tl = entry('l', { type: 'symlink', linkTarget: 'b' });
    expect(fallbackFinding({ path: 'l', status: 'changed', changes: ['mode', 'content', 'link-target'], git: gl, tarball: tl })).toEqual({
      code: 'SYMLINK_TARGET_CHANGED',
      path: 'l',
      severity: 'high',
      evidence: { git: 'a', tarball: 'b' },
    });
    expect(fallbackFinding({ path: 'l', status: 'changed', changes: ['link-target'] })).toEqual({
      code: 'SYMLINK_TARGET_CHANGED',
      path: 'l',
      severity: 'high',
      evidence: { git: '', tarball: '' },
    });
    expect(fallbackFinding({ path: 'src/a.c', status: 'changed', changes: ['mode', 'content'], git: entry('src/a.c'), tarball: entry('src/a.c', { oid: 'f6' }) })).toEqual({
      code: 'SOURCE_MODIFIED',
      path: 'src/a.c',
      severity: 'high',
      evidence: { gitOid: 'a1', tarballOid: 'f6', buildAffecting: false },
    });
    expect(fallbackFinding({ path: 'configure.ac', status: 'changed', changes: ['content'], git: entry('configure.ac'), tarball: entry('configure.ac', { oid: 'f6' }) })).toEqual({
      code: 'SOURCE_MODIFIED',
      path: 'configure.ac',
      severity: 'critical',
      evidence: { gitOid: 'a1', tarballOid: 'f6', buildAffecting: true },
      severityReason: { reason: 'build-affecting', default: 'high' },
    });
  });

  it('changed mode only: medium, both modes named', () => {
    expect(fallbackFinding({ path: 'run', status: 'changed', changes: ['mode'], git: entry('run'), tarball: entry('run', { executable: true }) })).toEqual({
      code: 'MODE_CHANGED',
      path: 'run',
      severity: 'medium',
      evidence: { git: 'regular', tarball: 'executable' },
    });
    expect(fallbackFinding({ path: 'run', status: 'changed', changes: ['mode'], git: entry('run', { executable: true }), tarball: entry('run') })).toEqual({
      code: 'MODE_CHANGED',
      path: 'run',
      severity: 'medium',
      evidence: { git: 'executable', tarball: 'regular' },
    });
    // No aspects recorded: the weakest explanation, a mode change, with both sides unknown.
    expect(fallbackFinding({ path: 'run', status: 'changed' })).toEqual({ code: 'MODE_CHANGED', path: 'run', severity: 'medium', evidence: { git: 'regular', tarball: 'regular' } });
  });

  it('the classifier is the function, under the id "fallback"', async () => {
    expect(fallbackClassifier.id).toBe('fallback');
    const d: PathDiff = { path: 'n', status: 'git-only', git: entry('n') };
    expect(await fallbackClassifier.classify(d, undefined as never)).toEqual(fallbackFinding(d));
  });
});

describe('isBuildAffecting: every known name, any case, any directory', () => {
  const NAMES = [
    'configure', 'configure.ac', 'configure.in', 'aclocal.m4', 'Makefile', 'GNUmakefile', 'Makefile.in',
    'Makefile.am', 'CMakeLists.txt', 'meson.build', 'meson_options.txt', 'meson.options', 'setup.py',
    'setup.cfg', 'pyproject.toml', 'build.rs', 'Cargo.toml', 'package.json', 'binding.gyp', 'build.gradle',
    'build.gradle.kts', 'pom.xml', 'SConstruct', 'SConscript', 'wscript', 'build.ninja', 'justfile',
    'config.status', 'libtool', 'ltmain.sh', 'install-sh', 'depcomp', 'missing', 'compile', 'test-driver',
    'ar-lib', 'ylwrap', 'config.guess', 'config.sub', 'config.rpath', 'mkinstalldirs', 'py-compile',
    'Makefile.in.in', 'build.sh', 'autogen.sh', 'bootstrap', 'install.sh', 'conanfile.py', 'Rakefile',
    'Makefile.PL', 'Build.PL', 'gradlew', 'build.xml', 'bootstrap.conf', 'build.zig', 'MODULE.bazel', 'BUILD.bazel',
    'WORKSPACE.bazel', 'gnulib-cache.m4', 'tap-driver.sh', 'mdate-sh', 'libtoolize',
  ];
  it.each(NAMES)('%s', (name) => {
    expect(isBuildAffecting(`pkg/sub/${name}`)).toBe(true);
    expect(isBuildAffecting(name.toUpperCase())).toBe(true);
  });
  // Names without a build extension and outside the build directories: only the name table makes them so.
  it.each(['missing', 'compile', 'bootstrap', 'justfile', 'wscript', 'libtool', 'depcomp', 'ylwrap', 'gradlew', 'Rakefile', 'SConstruct'])(
    '%s is build-affecting by name alone; %s.txt is not',
    (name) => {
      expect(isBuildAffecting(`doc/${name}`)).toBe(true);
      expect(isBuildAffecting(`doc/${name}.txt`)).toBe(false);
      expect(isBuildAffecting(`doc/x${name}`)).toBe(false);
    },
  );
  const EXTS = ['m4', 'ac', 'am', 'in', 'mk', 'mak', 'cmake', 'sh', 'bash', 'ksh', 'zsh', 'bat', 'cmd', 'ps1', 'gyp', 'gypi', 'ninja', 'sed', 'awk', 'pl', 'pm'];
  it.each(EXTS)('extension .%s', (ext) => {
    expect(isBuildAffecting(`doc/x.${ext}`)).toBe(true);
    expect(isBuildAffecting(`doc/x.${ext.toUpperCase()}`)).toBe(true);
    expect(isBuildAffecting(`doc/x.${ext}x`)).toBe(false);
    expect(isBuildAffecting(`doc/x${ext}`)).toBe(false);
  });
  it('makefile variants, debian/rules, the build directories (at the top only)', () => {
    for (const p of ['Makefile.dist', 'makefile.vc', 'GNUmakefile.local', 'sub/Makefile.w32']) expect(isBuildAffecting(p), p).toBe(true);
    for (const p of ['Makefile-old', 'xMakefile.vc', 'Makefile.', 'gnu-makefile.x']) expect(isBuildAffecting(p), p).toBe(false);
    // The variant's suffix runs to the end of the name: an editor's backup or a name with a space is not one.
    for (const p of ['Makefile.vc~', 'GNUmakefile.local#', 'makefile.w32 copy']) expect(isBuildAffecting(p), p).toBe(false);
    for (const p of ['debian/rules', 'pkg/debian/rules']) expect(isBuildAffecting(p), p).toBe(true);
    for (const p of ['debian/rules.txt', 'xdebian/rules', 'debian/rulesx', 'rules']) expect(isBuildAffecting(p), p).toBe(false);
    for (const p of ['build-aux/x', 'm4/x', 'autotools/x', 'cmake/x', 'M4/x', 'CMake/x']) expect(isBuildAffecting(p), p).toBe(true);
    for (const p of ['src/m4/x', 'xm4/x', 'm4x/y', 'build-aux', 'src/cmake/x']) expect(isBuildAffecting(p), p).toBe(false);
  });
});
