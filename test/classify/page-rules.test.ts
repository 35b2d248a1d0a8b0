/**
 * Pages rendered by the rules of a makefile the top one includes (libxmp 4.5.0: `include docs/Makefile` in the
 * top Makefile.in, so `docs/libxmp.html: docs/libxmp.rst` names paths from the top): the rst2html page (Docutils
 * 0.6, whose meta names its old site docutils.sourceforge.net, with the tracked style sheet the recipe hands it
 * embedded — its @import of a font host) and the rst2man page of an intermediate another rule assembles from tracked
 * files (`cp docs/manpage-header.rst $@; sed … docs/libxmp.rst >> $@`). End to end with real git and GNU tar, nothing
 * run; twins: without the include, with a host the style sheet lacks, with words neither source has — high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TOP_IN = 'all: all-docs\n\ninclude docs/Makefile\n';
const DOCS_MK = `DOCS = docs/demo.html docs/demo.3
all-docs: $(DOCS)

docs/demo.3: docs/demo.man.rst
\trst2man docs/demo.man.rst > $@

docs/demo.man.rst: docs/demo.rst docs/manpage-header.rst docs/Makefile
\tcp docs/manpage-header.rst $@
\tsed -n '/^Introduction/,$$p' docs/demo.rst >> $@

docs/demo.html: docs/demo.rst
\trst2html docs/demo.rst --stylesheet docs/style.css > $@
`;
const RST = 'Demo library\n============\n\nIntroduction\n------------\n\nThe demo library plays tracker modules through a small mixer and reports every sample position it reaches.\n';
const HEADER = 'demo\n====\n\n:Author: Ada Lovelace\n:Manual section: 3\n\n';
const CSS = '@import url("http://fonts.example.org/css?family=Open+Sans|Cousine");\nbody { font-family: "Open Sans"; }\n';
const html = (css: string, extra = '') => `<?xml version="1.0" encoding="utf-8" ?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="generator" content="Docutils 0.6: http://docutils.sourceforge.net/" />
<title>Demo library</title>
<style type="text/css">

${css}
</style>
</head>
<body>
<div class="document" id="demo-library">
<h1 class="title">Demo library</h1>
<div class="section" id="introduction">
<h1>Introduction</h1>
<p>The demo library plays tracker modules through a small mixer and reports every sample position it reaches.${extra}</p>
</div>
</div>
</body>
</html>
`;
const man = (extra = '') => `.\\" Man page generated from reStructuredText.
.
.TH DEMO 3 "" "" ""
.SH NAME
demo \\- 
.SH INTRODUCTION
.sp
The demo library plays tracker modules through a small mixer and reports every sample position it reaches.${extra}
.SH AUTHOR
Ada Lovelace
.
`;

describe('pages of a makefile the top one includes (libxmp 4.5.0)', () => {
  const root = tempDir();
  let n = 0;
  const release = (tracked: Record<string, string>, shipped: Record<string, string>) => {
    const repo = makeRepo(join(root, `r${++n}`));
    repo.commit(tracked);
    repo.tag('v1.0');
    const dir = join(root, `t${n}`, 'demo-1.0');
    writeFiles(dir, { ...tracked, ...shipped });
    const tarball = makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'demo-1.0.tar.gz') });
    return verify({ tarball, repo: repo.dir, tag: 'v1.0', cacheDir: join(root, 'cache'), regenerate: 'off' });
  };
  const TRACKED = { 'Makefile.in': TOP_IN, 'docs/Makefile': DOCS_MK, 'docs/demo.rst': RST, 'docs/manpage-header.rst': HEADER, 'docs/style.css': CSS };
  const at = (r: Awaited<ReturnType<typeof release>>, p: string) => r.findings.find((f) => f.path === p)!;

  it('the rst2html page (its embedded style sheet a named input) and the rst2man page of the assembled intermediate are explained', async () => {
    const r = await release(TRACKED, { 'docs/demo.html': html(CSS), 'docs/demo.3': man() });
    expect(at(r, 'docs/demo.html')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { source: 'docs/demo.rst', generator: 'Docutils 0.6', inputs: ['docs/Makefile:11', 'docs/style.css'] } });
    expect(at(r, 'docs/demo.3')).toMatchObject({ code: 'GENERATED_DOCS', severity: 'low', evidence: { kind: 'man', source: 'docs/demo.rst' } });
  });

  it('twins: no include in the top makefile, an @import host the style sheet lacks, a man page with words neither source has, an intermediate rule without the header: high', async () => {
    const noInclude = await release({ ...TRACKED, 'Makefile.in': 'all:\n' }, { 'docs/demo.html': html(CSS) });
    expect(at(noInclude, 'docs/demo.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const host = await release(TRACKED, { 'docs/demo.html': html(CSS.replace('fonts.example.org', 'fonts.example-cdn.net')) });
    expect(at(host, 'docs/demo.html')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const words = await release(TRACKED, { 'docs/demo.3': man(' Install the update helper from the vendor mirror before first use.') });
    expect(at(words, 'docs/demo.3').severity).toBe('high');
    const noHeader = await release({ ...TRACKED, 'docs/Makefile': DOCS_MK.replace(' docs/manpage-header.rst docs/Makefile', ' docs/Makefile') }, { 'docs/demo.3': man() });
    expect(at(noHeader, 'docs/demo.3').severity).toBe('high');
  });
});
