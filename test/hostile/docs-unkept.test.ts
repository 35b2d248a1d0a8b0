/**
 * Red team 18: the generated-docs checks read the file (a PDF's frame and cross-reference section, a man page's
 * troff, an info file's text); a file whose content the scan did not keep — over the 8 MiB per-file bound — was
 * explained by its name alone, so a PDF named for a tracked Texinfo manual and padded past 8 MiB carried any payload
 * at GENERATED_DOCS low, exit 0. End to end with real git and GNU tar: such a file is unexplained (high); the same
 * manual's PDF under the bound stays explained.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

/** A real PDF (groff's gropdf) of a small page. */
const PDF = execFileSync('groff', ['-man', '-Tpdf'], { input: '.TH DEMO 1 "2024-03-09"\n.SH NAME\ndemo \\- a demo\n', env: { PATH: process.env.PATH, LC_ALL: 'C' } });

describe('generated documentation whose content the scan did not keep', () => {
  const root = tempDir();
  const tracked = { 'configure.ac': 'AC_INIT([demo], [1.0])\nAC_OUTPUT\n', 'doc/demo.texi': '\\input texinfo\n@settitle Demo\n@bye\n' };
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(tracked, 'demo', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  const cache = join(root, 'cache');
  let n = 0;
  const verifyWith = async (pdf: Buffer) => {
    const dir = join(root, `t${++n}`, 'demo-1.0');
    writeFiles(dir, { ...tracked, 'doc/demo.pdf': pdf });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') }), repo: repo.dir, cacheDir: cache });
    return { r, f: r.findings.find((x) => x.path === 'doc/demo.pdf')! };
  };

  it('a PDF over 8 MiB (a comment of 9 MiB inside its frame) is not explained by its name: high, exit 1', async () => {
    const body = PDF.toString('latin1');
    const at = body.indexOf('\n') + 1;
    const padded = Buffer.concat([Buffer.from(body.slice(0, at), 'latin1'), Buffer.from(`%${'A'.repeat(76)}\n`.repeat(9 * 1024 * 1024 / 78 + 1)), Buffer.from(body.slice(at), 'latin1')]);
    expect(padded.length).toBeGreaterThan(8 * 1024 * 1024);
    const { r, f } = await verifyWith(padded);
    expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  }, 120_000);

  it('twin: the manual\'s PDF under the bound stays GENERATED_DOCS', async () => {
    const { r, f } = await verifyWith(PDF);
    expect(f).toMatchObject({ code: 'GENERATED_DOCS', evidence: { kind: 'pdf', source: 'doc/demo.texi' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  }, 120_000);
});
