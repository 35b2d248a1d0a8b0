/**
 * Red-team twins (issue 11, "tampering that passes"): for each leniency rule, the legitimate release shape
 * it serves and the tampered twin a tamperer would build from it, through the whole in-memory core
 * (compare → classify → policy → verdict). The twin must fail the default gate; the legitimate shape must not.
 */
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/pipeline/memory.js';

const revision = { tag: 'v1.2.3', version: '1.2.3', date: '2024-03-01T10:00:00Z' };
const git: Record<string, string> = {
  'go.mod': 'module example.com/x\n\ngo 1.21\n',
  'x.go': 'package x\n\nfunc X() int { return 1 }\n',
  // the payload committed as test data, as the xz-utils one was
  'testdata/hook.go.txt': 'package x\n\nimport "os/exec"\n\nfunc init() { exec.Command("sh", "-c", "id").Run() }\n',
  'README.md': '# x\n',
  'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.10)\nproject(x VERSION ${X_VERSION})\nset(EXPIRY "2030-01-01")\nset(BUILD_DATE "2023-11-20")\nadd_compile_options(${HARDENING_FLAGS})\n',
};
async function run(changes: Record<string, string>) {
  const tarball: Record<string, string> = {};
  for (const [p, c] of Object.entries({ ...git, ...changes })) tarball[`x-1.2.3/${p}`] = c;
  const r = await explain({ tarball, git, revision });
  return { verdict: r.verdict, findings: r.findings.map((f) => `${f.severity} ${f.path} ${f.code}`) };
}

describe('tampered twins fail the default gate; the legitimate shapes do not', () => {
  it('a copy of a tracked file: README.md → README explained; test data shipped as Go code is high', async () => {
    expect(await run({ README: git['README.md']! })).toEqual({ verdict: 'explained', findings: ['low README COPY_OF_TRACKED'] });
    // a tamperer ships testdata/hook.go.txt again as hook.go: Go compiles every .go file of the package
    expect(await run({ 'hook.go': git['testdata/hook.go.txt']! })).toEqual({ verdict: 'different', findings: ['high hook.go TARBALL_ONLY_UNEXPLAINED'] });
  });

  it('a version stamp: a version variable becoming the version is explained; the hardening flags replaced by it are not', async () => {
    const cm = git['CMakeLists.txt']!;
    expect(await run({ 'CMakeLists.txt': cm.replace('${X_VERSION}', '1.2.3') })).toEqual({ verdict: 'explained', findings: ['low CMakeLists.txt VERSION_STAMP'] });
    expect(await run({ 'CMakeLists.txt': cm.replace('${HARDENING_FLAGS}', '1.2.3') })).toEqual({ verdict: 'different', findings: ['critical CMakeLists.txt SOURCE_MODIFIED'] });
  });

  it("a date stamp: the release's date is explained; an expiry moved years away or to the release's date is not", async () => {
    const cm = git['CMakeLists.txt']!;
    expect(await run({ 'CMakeLists.txt': cm.replace('2023-11-20', '2024-02-28') })).toEqual({ verdict: 'explained', findings: ['low CMakeLists.txt VERSION_STAMP'] });
    // the expiry moved to the release's date (red team 28: was VERSION_STAMP, git's date is years after the tag's)
    expect(await run({ 'CMakeLists.txt': cm.replace('2030-01-01', '2024-02-28') })).toEqual({ verdict: 'different', findings: ['critical CMakeLists.txt SOURCE_MODIFIED'] });
    expect(await run({ 'CMakeLists.txt': cm.replace('2030-01-01', '2020-01-01') })).toEqual({ verdict: 'different', findings: ['critical CMakeLists.txt SOURCE_MODIFIED'] });
  });
});
