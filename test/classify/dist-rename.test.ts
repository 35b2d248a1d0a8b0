/**
 * X shipped as the tracked X.dist, renamed by the release's own dist-hook (curl's and c-ares' Makefile.am idiom):
 * c-ares 1.18.1's include/ares_build.h. Through the whole in-memory core (compare → classify → verdict), with the
 * tampered twins a tamperer would build from the same shape.
 */
import { describe, expect, it } from 'vitest';
import { distHook, renamesDist } from '../../src/classify/dist-rename.js';
import { explain } from '../../src/pipeline/memory.js';

// c-ares 1.18.1's top Makefile.am dist-hook, verbatim
const HOOK =
  'dist-hook:\n' +
  '\tfind $(distdir) -name "*.dist" -exec rm {} \\;\n' +
  '\t(distit=`find $(srcdir) -name "*.dist"`; \\\n' +
  '\tfor file in $$distit; do \\\n' +
  '\t  strip=`echo $$file | sed -e s/^$(srcdir)// -e s/\\.dist//`; \\\n' +
  '\t  cp $$file $(distdir)$$strip; \\\n' +
  '\tdone)\n';
// curl 7.88.1's: cp -p, and ./ares/ filtered out
const CURL_HOOK = HOOK.replace('"*.dist"`', '"*.dist" | grep -v ./ares/`').replace('cp $$file', () => 'cp -p $$file');

const BUILD_DIST = '/* ares_build.h.dist: renamed to ares_build.h when the distribution archive is created */\n#define CARES_TYPEOF_ARES_SOCKLEN_T socklen_t\n';
const revision = { tag: 'cares-1_18_1', version: '1.18.1', date: '2022-10-27T10:00:00Z' };
const git = (makefile: string): Record<string, string> => ({
  'Makefile.am': `SUBDIRS = include\n\n${makefile}`,
  'include/Makefile.am': 'include_HEADERS = ares.h ares_build.h\nEXTRA_DIST = ares_build.h.in ares_build.h.dist\n',
  'include/ares.h': '#include "ares_build.h"\n',
  'include/ares_build.h.in': '#undef CARES_TYPEOF_ARES_SOCKLEN_T\n',
  'include/ares_build.h.dist': BUILD_DIST,
  // a tracked test file a tamperer would like to see compiled
  'test/payload.h.dist': '__attribute__((constructor)) static void p(void) { system("id"); }\n',
});
async function run(tracked: Record<string, string>, shipped: Record<string, string | undefined>) {
  const tarball: Record<string, string> = {};
  for (const [p, c] of Object.entries({ ...tracked, ...shipped })) if (c !== undefined) tarball[`c-ares-1.18.1/${p}`] = c;
  const r = await explain({ tarball, git: tracked, revision });
  return r.findings.filter((f) => f.path === 'include/ares_build.h' || f.path === 'include/payload.h').map((f) => `${f.severity} ${f.path} ${f.code} ${JSON.stringify(f.evidence)}`);
}
const renamed = { 'include/ares_build.h.dist': undefined, 'test/payload.h.dist': undefined };

describe('dist-rename: X from the tracked X.dist by the release dist-hook', () => {
  it('reads the dist-hook recipe and recognises the rename, with its grep -v filter', () => {
    const hook = distHook(`all:\n\ttrue\n\n${HOOK}\nother:\n\ttrue\n`);
    expect(hook?.line).toBe(4);
    expect(renamesDist(hook!.recipe)).toEqual({});
    expect(renamesDist(distHook(CURL_HOOK)!.recipe)).toEqual({ exclude: './ares/' });
    // a hook that copies without removing the .dist files, or copies elsewhere, or filters with a regular expression
    expect(renamesDist(distHook(HOOK.replace(/\tfind \$\(distdir\).*\n/, ''))!.recipe)).toBeUndefined();
    expect(renamesDist(distHook(HOOK.replace('$(distdir)$$strip', () => '$(distdir)/lib/$$strip'))!.recipe)).toBeUndefined();
    expect(renamesDist(distHook(HOOK.replace('"*.dist"`', '"*.dist" | grep -v "a[r]es"`'))!.recipe)).toBeUndefined();
  });

  it("c-ares' include/ares_build.h is the tracked ares_build.h.dist renamed by the top Makefile.am's dist-hook", async () => {
    expect(await run(git(HOOK), { ...renamed, 'include/ares_build.h': BUILD_DIST })).toEqual([
      'low include/ares_build.h COPY_OF_TRACKED {"source":"include/ares_build.h.dist","rule":"Makefile.am:3"}',
    ]);
    // curl's hook filters ./ares/ out: a file under ares/ is not renamed by it
    const curl = { ...git(CURL_HOOK), 'ares/Makefile.am': '', 'ares/ares_build.h.dist': BUILD_DIST };
    const r = await explain({ tarball: Object.fromEntries(Object.entries({ ...curl, 'ares/ares_build.h': BUILD_DIST, 'include/ares_build.h': BUILD_DIST }).filter(([p]) => !p.endsWith('.dist')).map(([p, c]) => [`curl-7.88.1/${p}`, c])), git: curl, revision });
    expect(r.findings.find((f) => f.path === 'ares/ares_build.h')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(r.findings.find((f) => f.path === 'include/ares_build.h')).toMatchObject({ code: 'COPY_OF_TRACKED', severity: 'low' });
  });

  it('tampered twins stay high: another content, no such hook, the .dist also shipped, another file renamed into the build', async () => {
    // one line changed against the tracked .dist
    expect(await run(git(HOOK), { ...renamed, 'include/ares_build.h': `${BUILD_DIST}#define ARES_EVIL 1\n` })).toEqual([
      expect.stringMatching(/^high include\/ares_build\.h TARBALL_ONLY_UNEXPLAINED /),
    ]);
    // the same copy without a dist-hook that renames *.dist: the copy of a .h.dist where the build compiles it
    expect(await run(git('dist-hook:\n\trm -rf $(distdir)/tests/log\n'), { ...renamed, 'include/ares_build.h': BUILD_DIST })).toEqual([
      expect.stringMatching(/^high include\/ares_build\.h TARBALL_ONLY_UNEXPLAINED .*"copyOf":"include\/ares_build\.h\.dist"/),
    ]);
    // the hook removes every .dist from the distribution: a tarball that still has it was not made by this hook
    expect(await run(git(HOOK), { 'test/payload.h.dist': undefined, 'include/ares_build.h': BUILD_DIST })).toEqual([
      expect.stringMatching(/^high include\/ares_build\.h TARBALL_ONLY_UNEXPLAINED /),
    ]);
    // a tracked test file's .dist content under another name (not its own name without .dist): no rename made it
    expect(await run(git(HOOK), { ...renamed, 'include/payload.h': git(HOOK)['test/payload.h.dist']! })).toEqual([
      expect.stringMatching(/^high include\/payload\.h TARBALL_ONLY_UNEXPLAINED /),
    ]);
  });
});
