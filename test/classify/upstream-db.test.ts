import { describe, expect, it } from 'vitest';
import { classifyUpstream } from '../../src/classify/upstream.js';
import { readUpstreamDb, UpstreamDb } from '../../src/classify/upstream-db.js';
import { readLinesDb } from '../../src/classify/upstream-lines.js';
import { DistdiffError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The bundled data files (derived data only: blob ids, hashes, serials, dates, 32-bit line hashes).
const db = new UpstreamDb(readUpstreamDb(), [], () => readLinesDb());

describe('bundled upstream database', () => {
  it('has a header naming its sources', () => {
    expect(db.header.schemaVersion).toBe(1);
    expect(db.header.sources.map((s) => s.project)).toEqual(
      expect.arrayContaining(['gnulib', 'gettext', 'autoconf', 'automake', 'libtool', 'autoconf-archive', 'pkgconf', 'pkg-config']),
    );
  });

  it('knows gnulib build-to-host.m4 serial 3 by blob id, introduced 2023-08-17', () => {
    const hits = db.byBlob('ad22a0a61ac65abe6171142976704658a3d1b2c6');
    expect(hits.filter((v) => !v.source)).toHaveLength(1);
    expect(hits[0]).toMatchObject({ name: 'build-to-host.m4', project: 'gnulib', serial: '3', commit: 'cefb3e2171c5', date: '2023-08-17' });
    // gettext's release tarballs ship the same file (gettext 0.22.4 carries serial 3): recorded as gettext's release copy
    expect(hits.filter((v) => v.source).map((v) => [v.project, v.source!.kind])).toEqual(expect.arrayContaining([['gettext', 'release']]));
    expect(db.byNormalised('9603ebd1968d7a88027ae2bf').map((v) => v.blob)).toContain('ad22a0a61ac65abe6171142976704658a3d1b2c6');
  });

  it('records every build-to-host.m4 serial from 1 to 5 and 5 as the maximum', () => {
    const serials = [...new Set(db.byName('build-to-host.m4').map((v) => v.serial))];
    expect(serials).toEqual(['1', '2', '3', '4', '5']);
    expect(db.byName('build-to-host.m4')[0]).toMatchObject({ serial: '1', date: '2023-02-18' });
    expect(db.maxSerial('build-to-host.m4')).toMatchObject({ serial: '5', project: 'gnulib', version: { date: '2024-10-11' } });
  });

  it("has gettext's own gettext.m4 serial 72, first released in v0.21.1", () => {
    const v = db.byName('gettext.m4').filter((x) => x.serial === '72');
    expect(v).toEqual([expect.objectContaining({ project: 'gettext', tag: 'v0.21.1', blob: 'f4492405bd2901c3546fc900eaee4b2217bf80e2' })]);
  });

  it('has pkg.m4 from both pkg-config and pkgconf, and aux scripts with stamps', () => {
    const projects = new Set(db.byName('pkg.m4').map((v) => v.project));
    expect(projects).toEqual(new Set(['pkg-config', 'pkgconf']));
    expect(db.byName('config.guess').some((v) => v.stamp?.startsWith('timestamp='))).toBe(true);
    expect(db.byName('install-sh').some((v) => v.stamp?.startsWith('scriptversion='))).toBe(true);
  });

  it('flags an xz-shaped build-to-host.m4 claiming serial 30 as ahead of upstream (max 5)', () => {
    const fake = Buffer.from('# build-to-host.m4 serial 30\ndnl synthetic test content\nAC_DEFUN([gl_BUILD_TO_HOST], [:])\n');
    expect(classifyUpstream('m4/build-to-host.m4', fake, db)).toMatchObject({
      code: 'SERIAL_AHEAD_OF_UPSTREAM',
      severity: 'critical',
      evidence: { name: 'build-to-host.m4', serial: 30, maxUpstream: 5, project: 'gnulib', maxUpstreamRef: { serial: 5, date: '2024-10-11' } },
    });
  });

  it('reports unknown content with serial 3 as an unknown version with a nearest gnulib version', () => {
    const fake = Buffer.from('# build-to-host.m4 serial 3\nAC_DEFUN([gl_BUILD_TO_HOST], [:])\n');
    const f = classifyUpstream('m4/build-to-host.m4', fake, db);
    expect(f).toMatchObject({ code: 'UPSTREAM_COPY_UNKNOWN_VERSION', severity: 'high', evidence: { name: 'build-to-host.m4', serial: 3, nearest: { project: 'gnulib' } } });
    expect(f?.code === 'UPSTREAM_COPY_UNKNOWN_VERSION' && f.evidence.changedLines).toBeGreaterThan(10);
    const e = f?.evidence as { novelLines: number; novel: { line: number; text: string }[] };
    expect(e.novelLines).toBeLessThanOrEqual(2);
    expect(e.novel).toContainEqual({ line: 2, text: 'AC_DEFUN([gl_BUILD_TO_HOST], [:])' });
  });

  it('has line data for every version of the names it records, aux scripts included', () => {
    const lines = readLinesDb();
    for (const name of ['build-to-host.m4', 'libtool.m4', 'ltmain.sh', 'Makefile.in.in', 'config.guess', 'install-sh']) {
      const versions = db.byName(name);
      expect(versions.length).toBeGreaterThan(0);
      expect(versions.every((v) => lines?.has(name, v.blob))).toBe(true);
    }
  });

  it('records release-only versions and Debian toolchain copies as labelled sources', () => {
    const lt = db.byName('ltmain.sh').filter((v) => v.source);
    expect(lt.filter((v) => v.source!.kind === 'release').map((v) => v.source!.label)).toEqual(
      expect.arrayContaining(['libtool 2.4.7 release tarball', 'libtool 2.5.4 release tarball']),
    );
    expect(db.byName('libtool.m4').filter((v) => v.source?.kind === 'distribution').map((v) => v.source!.label)).toEqual(
      expect.arrayContaining(['Debian bookworm libtool 2.4.7-7~deb12u1', 'Debian trixie libtool 2.5.4-4']),
    );
  });
});

describe('readUpstreamDb errors', () => {
  const dir = tempDir();
  it('throws DistdiffError for a missing or corrupt file', () => {
    expect(() => readUpstreamDb(join(dir, 'none.json.gz'))).toThrow(DistdiffError);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    expect(() => readUpstreamDb(bad)).toThrow(/corrupt upstream database/);
    const old = join(dir, 'old.json');
    writeFileSync(old, '{"schemaVersion": 99, "files": {}}');
    expect(() => new UpstreamDb(readUpstreamDb(old))).toThrow(/unsupported schema/);
  });
});
