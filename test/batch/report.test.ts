/**
 * `distdiff report DIR` over a real batch (the bundled samples, a release with a hostile file name, one
 * that errors): the Markdown tables, and the HTML page in headless Chromium — charts, links to each
 * release's own report, hostile names shown as text.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { closeBrowser, load } from '../render/browser.js';
import { root, runCli } from './helpers.js';

const HOSTILE = '<img src=x onerror=alert(1)>.c';

describe('distdiff report', () => {
  const tmp = tempDir('distdiff-report-');
  const policy = join(tmp, 'policy.json');
  const out = join(tmp, 'out');

  beforeAll(() => {
    const repo = makeRepo(join(tmp, 'proj'));
    repo.commit({ 'a.c': 'int a;\n' });
    repo.tag('v1.0');
    const rel = join(tmp, 'proj-1.0');
    mkdirSync(rel);
    execFileSync('sh', ['-c', `git -C "${repo.dir}" archive v1.0 | tar -x -C "${rel}"`]);
    writeFiles(rel, { [HOSTILE]: 'x\n' });
    const tarball = makeTar(rel, { compress: 'gzip', out: join(tmp, 'proj-1.0.tar.gz') });
    const manifest = join(tmp, 'm.jsonl');
    // The sample's generated files are hand-written stand-ins nothing reproduces (UNPROVED_BUILD_OUTPUTS): accepted by a policy, as a batch would.
    writeFileSync(policy, JSON.stringify({ allow: [{ path: '**', code: 'UNPROVED_BUILD_OUTPUTS', reason: 'sample stand-ins' }] }));
    writeFileSync(
      manifest,
      [
        { id: 'hello', tarball: join(root, 'samples/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle') },
        { id: 'xz', tarball: join(root, 'samples/xzlike/hello-1.0.tar.gz'), repo: join(root, 'samples/hello.bundle') },
        { id: 'hostile', tarball, repo: repo.dir, tag: 'v1.0' },
        { id: 'broken', tarball, repo: repo.dir, tag: 'v2.0' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    expect(runCli(['batch', manifest, '--out', out, '--jobs', '2', '--config', policy, '--cache-dir', join(tmp, 'cache')]).code).toBe(1);
  });
  afterAll(() => closeBrowser());

  it('markdown: verdicts, top codes, top unexplained paths (escaped), slowest, failures linked', () => {
    const r = runCli(['report', out, '--format', 'markdown']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toContain('### distdiff batch: 4 releases\n\n| verdict | releases |\n|---|---:|\n| identical | 0 |\n| explained | 1 |\n| review | 0 |\n| different | 2 |\n| error | 1 |\n');
    expect(md).toContain(
      '| path | releases | codes |\n|---|---:|---|\n' +
        '| <code>&#60;img src=x onerror=alert(1)&#62;.c</code> | 1 | TARBALL_ONLY_UNEXPLAINED |\n' +
        '| <code>configure</code> | 1 | CARRIES_SUSPICIOUS_EXPANSION |\n' +
        '| <code>m4/build-to-host.m4</code> | 1 | SERIAL_AHEAD_OF_UPSTREAM |\n',
    );
    // high: the macro it carries (m4/build-to-host.m4, SERIAL_AHEAD_OF_UPSTREAM) is rated high, not critical.
    expect(md).toContain('| CARRIES_SUSPICIOUS_EXPANSION | high | 1 | 1 |');
    expect(md.split('#### Slowest releases')[1]!.split('\n').filter((l) => /^\| (hello|xz|hostile|broken) \| \d+\.\d s \|/.test(l))).toHaveLength(4);
    expect(md).toContain('- [xz](html/xz.html): different\n- [hostile](html/hostile.html): different\n- broken: error — v2.0: no tag named "v2.0"');
  });

  it('html in Chromium: charts, links to each release report and back, hostile names inert', async () => {
    const r = runCli(['report', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`distdiff report: 4 release(s) → ${join(out, 'report.html')}\n`);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toMatch(/<(script|img|iframe|link)\b/i);
    const { page, dialogs, requests, close } = await load(join(out, 'report.html'));
    try {
      const seen = await page.evaluate(() => ({
        summary: (document.querySelector('#summary') as HTMLElement).innerText,
        charts: [...document.querySelectorAll('svg.chart')].map((s) => s.getAttribute('aria-label')),
        verdictBars: [...document.querySelectorAll('#verdicts svg g title')].map((t) => t.textContent),
        paths: [...document.querySelectorAll('#paths td:first-child')].map((td) => (td as HTMLElement).innerText),
        rows: [...document.querySelectorAll('tr.release')].map((tr) => [(tr.querySelector('td') as HTMLElement).innerText, tr.getAttribute('data-outcome'), tr.querySelector('a')?.getAttribute('href') ?? null]),
        injected: document.querySelectorAll('img, script, iframe').length,
      }));
      expect(seen.summary).toBe('4 releases: 1 explained, 2 different, 1 error');
      expect(seen.charts).toEqual(['verdict distribution', 'top finding codes', 'slowest releases']);
      expect(seen.verdictBars).toEqual(['identical: 0', 'explained: 1', 'review: 0', 'different: 2', 'error: 1']);
      expect(seen.paths[0]).toBe(HOSTILE);
      expect(seen.rows).toEqual([
        ['hello', 'explained', 'html/hello.html'],
        ['xz', 'different', 'html/xz.html'],
        ['hostile', 'different', 'html/hostile.html'],
        ['broken', 'error', null],
      ]);
      expect(seen.injected).toBe(0);
      await Promise.all([page.waitForNavigation(), page.click('a[href="html/xz.html"]')]);
      expect(await page.$eval('#verdict', (e) => (e as HTMLElement).innerText)).toBe('DIFFERENT');
      await Promise.all([page.waitForNavigation(), page.click('a[href="../report.html"]')]);
      expect(await page.$eval('#summary', (e) => (e as HTMLElement).innerText)).toBe('4 releases: 1 explained, 2 different, 1 error');
      expect(dialogs).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file://' + out))).toEqual([]);
    } finally {
      await close();
    }
  });
});
