/**
 * Build files filled from a tracked template (issue 11 d: curl's VC*\/lib/libcurl.vcxproj from libcurl.tmpl),
 * proved line by line. End to end with real git and GNU tar; tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillTemplate } from '../../src/classify/template-fill.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TMPL = '<Project>\n  <ItemGroup>\nX_LIB_C_FILES\nX_SUB_C_FILES\n  </ItemGroup>\n  <ItemGroup>\nX_LIB_H_FILES\n  </ItemGroup>\n  <Opt>/O2</Opt>\n</Project>\n';
const MAKEFILE_AM = [
  'VC10_LIBTMPL = projects/Windows/VC10/lib/libx.tmpl', 'vc-ide: $(VC10_LIBTMPL)', "\tawk '{ if($$0 == \"X_LIB_C_FILES\") gen(\"c\"); else if($$0 == \"X_SUB_C_FILES\") gen(\"c\"); else if($$0 == \"X_LIB_H_FILES\") gen(\"h\"); else printf(\"%s\\r\\n\", $$0) }", '',
  '# elements: printf("%s<ClCompile Include=\\"..\\\\..\\\\..\\\\..\\\\%s\\\\%s\\" />\\r\\n") and <ClInclude Include=', '',
].join('\n');
const TRACKED = { 'Makefile.am': MAKEFILE_AM, 'projects/Windows/VC10/lib/libx.tmpl': TMPL.slice(0, -1), // no final newline, like curl's templates
  'lib/a.c': 'int a;\n', 'lib/b.c': 'int b;\n', 'lib/a.h': 'extern int a;\n', 'lib/sub/c.c': 'int c;\n' };
const el = (tag: string, f: string) => `    <${tag} Include="..\\..\\..\\..\\lib\\${f}" />`;
const OUT = ['<Project>', '  <ItemGroup>', el('ClCompile', 'a.c'), el('ClCompile', 'b.c'), el('ClCompile', 'sub\\c.c'), '  </ItemGroup>', '  <ItemGroup>', el('ClInclude', 'a.h'), '  </ItemGroup>', '  <Opt>/O2</Opt>', '</Project>', ''].join('\r\n');

describe('build files filled from a tracked template', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit(TRACKED, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (out: string, extra: Record<string, string> = {}) => {
    const dir = join(root, `t${++n}`, 'x-1.0');
    writeFiles(dir, { ...TRACKED, ...extra, 'projects/Windows/VC10/lib/libx.vcxproj': out });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'x-1.0.tar.gz') }), repo: repo.dir, cacheDir: join(root, `c${n}`) });
    return { r, f: r.findings.find((f) => f.path === 'projects/Windows/VC10/lib/libx.vcxproj')! };
  };

  it('walks template and output together', () => {
    const t = TMPL.slice(0, -1).split('\n');
    const o = OUT.slice(0, -2).split('\r\n');
    const ok = (rel: string) => ({ '..\\..\\..\\..\\lib\\a.c': 'lib/a.c', '..\\..\\..\\..\\lib\\b.c': 'lib/b.c', '..\\..\\..\\..\\lib\\sub\\c.c': 'lib/sub/c.c', '..\\..\\..\\..\\lib\\a.h': 'lib/a.h' })[rel];
    expect(fillTemplate(t, o, () => true, () => true, ok)).toEqual({ placeholders: 3, elements: 4 });
    // adjacent placeholders: the change of directory starts the second run; an empty run is allowed
    expect(fillTemplate(t, o.filter((l) => !l.includes('sub')), () => true, () => true, ok)).toEqual({ placeholders: 3, elements: 3 });
    expect(fillTemplate(t, o, (p) => p !== 'X_LIB_H_FILES', () => true, ok)).toBeUndefined(); // not a placeholder: the line must be copied
    expect(fillTemplate(t, o, () => true, (tag) => tag === 'ClCompile', ok)).toBeUndefined();
    expect(fillTemplate(t, [...o.slice(0, 3), o[2]!, ...o.slice(3)], () => true, () => true, ok)).toBeUndefined(); // a file twice
    expect(fillTemplate(t, [...o.slice(0, 5), o[2]!, ...o.slice(5)], () => true, () => true, ok)).toBeUndefined(); // a run after the last one of its group
    expect(fillTemplate(t, t, () => false, () => true, ok)).toBeUndefined(); // a plain copy is not a filled template
  });

  it('every line the template\'s or an element naming a tracked file: explained, exit 0', async () => {
    const { r, f } = await run(OUT);
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({
      code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'template', source: 'projects/Windows/VC10/lib/libx.tmpl', generator: 'Makefile.am', files: 3, found: 4 },
    });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('a file only the tarball has is named in the evidence and judged by its own finding: the gate still fails on it', async () => {
    const { r, f } = await run(OUT.replace(el('ClCompile', 'b.c'), `${el('ClCompile', 'b.c')}\r\n${el('ClCompile', 'evil.c')}`), { 'lib/evil.c': 'int evil;\n' });
    expect(f.evidence).toEqual({ how: 'template', source: 'projects/Windows/VC10/lib/libx.tmpl', generator: 'Makefile.am', files: 3, found: 5, named: ['lib/evil.c'] });
    expect(r.findings.find((x) => x.path === 'lib/evil.c')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(r.verdict)).toBe(1);
  });

  it('tampered twins stay high: a changed setting, a file the tree lacks, another tag, a run out of its group, mixed line endings', async () => {
    const twins = [
      OUT.replace('<Opt>/O2</Opt>', '<Opt>/O2 /DBACKDOOR</Opt>'),
      OUT.replace(el('ClCompile', 'b.c'), `${el('ClCompile', 'b.c')}\r\n${el('ClCompile', 'evil.c')}`),
      OUT.replace(el('ClCompile', 'b.c'), `${el('ClCompile', 'b.c')}\r\n${el('CustomBuild', 'a.c')}`),
      OUT.replace(`${el('ClCompile', 'b.c')}\r\n${el('ClCompile', 'sub\\c.c')}`, `${el('ClCompile', 'sub\\c.c')}\r\n${el('ClCompile', 'b.c')}`),
      OUT.replace('<Project>\r\n', '<Project>\n'),
    ];
    for (const t of twins) {
      const { r, f } = await run(t);
      expect(f, t).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
  });
});
