/**
 * A cross-file pass that throws (the suspicious-construct scanner is one) never vanishes: the findings stay
 * as classified, and a POST_PASS_FAILED note is in the result and in the text, Markdown and HTML reports.
 */
import { describe, expect, it } from 'vitest';
import { CLASSIFIERS, POST_PASSES } from '../../src/classify/index.js';
import type { PostPass } from '../../src/classify/types.js';
import { explainTrees } from '../../src/pipeline/explain.js';
import { archiveFromFiles, gitTreeFromFiles } from '../../src/pipeline/memory.js';
import { buildResult } from '../../src/pipeline/result.js';
import { render } from '../../src/render/index.js';

const broken: PostPass = {
  id: 'suspicious',
  run() {
    throw new Error('regex budget exhausted');
  },
};

async function explainWith(postPasses: readonly PostPass[]) {
  const git = gitTreeFromFiles({ 'configure.ac': 'AC_INIT([p], [1])\n' });
  const archive = archiveFromFiles({ 'configure.ac': 'AC_INIT([p], [1])\n', 'm4/evil.m4': 'gl_x=`grep -aErls "#{4}[[:alnum:]]{5}#{4}$" $srcdir/ 2>/dev/null`\n' });
  return { git, archive, e: await explainTrees({ archive, git: git.tree, revision: { commit: git.tree.commit }, readGitBlob: git.readBlob, classifiers: CLASSIFIERS, postPasses }) };
}

describe('a failing post pass', () => {
  it('the working pass raises the m4 file with its constructs (the control)', async () => {
    const { e } = await explainWith(POST_PASSES);
    expect(e.findings.map((f) => [f.path, f.code, f.severity, (f.constructs ?? []).map((c) => c.kind)])).toEqual([['m4/evil.m4', 'TARBALL_ONLY_UNEXPLAINED', 'critical', ['recursive-grep-srcdir', 'binary-grep']]]);
    expect(e.notes).toEqual([]);
  });

  it('a throwing one leaves the findings as classified and adds a note naming it and its error', async () => {
    const { e, archive, git } = await explainWith([broken]);
    expect(e.findings.map((f) => [f.path, f.code, f.severity])).toEqual([['m4/evil.m4', 'TARBALL_ONLY_UNEXPLAINED', 'high']]);
    expect(e.notes).toEqual([{ code: 'POST_PASS_FAILED', pass: 'suspicious', error: 'regex budget exhausted' }]);

    const result = buildResult({
      archive: { source: 'mem.tar', path: 'mem.tar', size: 1, isDirectory: false } as never,
      scan: archive,
      repo: { source: 'mem', objectFormat: 'sha1', cloned: false, fetched: false } as never,
      revision: { commit: git.tree.commit, how: 'commit' } as never,
      chain: [],
      pathInRepo: '',
      profile: { id: 'none', detected: true, prefix: '' },
      git: git.tree,
      compare: e.compare,
      findings: e.findings,
      notes: e.notes,
      failOn: 'high',
    });
    const line = 'check suspicious failed (regex budget exhausted): the findings are reported without it — read the files it covers yourself';
    expect(JSON.parse(render(result, 'json')).notes).toEqual([{ code: 'POST_PASS_FAILED', pass: 'suspicious', error: 'regex budget exhausted' }]);
    expect(render(result, 'text')).toContain(`  note      ${line}\n`);
    expect(render(result, 'markdown')).toContain(`⚠️ ${line}\n`);
    expect(render(result, 'html')).toContain(line);
  });
});
