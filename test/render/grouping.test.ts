/**
 * The Markdown and HTML reports bound long groups like the text report (issue 11): more than 25 findings of
 * one severity become one row per code and directory, at most 30, so the one line that explains them is not
 * cut from a truncated list. The JSON keeps every finding. Real git, real GNU tar.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundFindings, GROUP_LINES } from '../../src/core/group.js';
import { renderHtml } from '../../src/render/html.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

describe('bounded, grouped reports', () => {
  it('40 unexplained files in two directories: two rows in Markdown, two groups in HTML, 40 in the JSON', async () => {
    const root = tempDir();
    const repo = makeRepo(join(root, 'repo'));
    repo.commit({ README: 'proj\n' });
    repo.tag('v1.0');
    const files: Record<string, string> = { README: 'proj\n', 'payload.bin': 'x\u0000y' };
    for (let i = 0; i < 30; i++) files[`lib/extra-${i}.c`] = `int x${i};\n`;
    for (let i = 0; i < 9; i++) files[`tests/t${i}.dat`] = `data ${i}\n`;
    const dir = join(root, 't', 'proj-1.0');
    writeFiles(dir, files);
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, 't', 'proj-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, 'c') });
    expect(r.findings.filter((f) => f.code === 'TARBALL_ONLY_UNEXPLAINED')).toHaveLength(40);
    const md = renderMarkdown(r);
    const rows = md.split('\n').filter((l) => l.startsWith('| 🟧 | '));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('<code>lib/</code> (30)');
    expect(rows[0]).toContain('… 25 more');
    expect(rows[1]).toContain('<code>tests/</code> (9)');
    expect(rows[2]).toContain('<code>./</code> (1)');
    const html = renderHtml(r);
    expect(html.match(/<details class="dir-group"/g)).toHaveLength(2);
    expect(html).toContain('<code>lib/</code> (30)');
  });

  it('at most GROUP_LINES groups, the rest counted', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ code: 'TARBALL_ONLY_UNEXPLAINED', path: `d${i}/f`, severity: 'high', evidence: { size: 1, buildAffecting: false } }) as const);
    const b = boundFindings(many);
    expect(b.kind === 'grouped' && [b.groups.length, b.more]).toEqual([GROUP_LINES, 20]);
    expect(boundFindings(many.slice(0, 25)).kind).toBe('all');
  });
});
