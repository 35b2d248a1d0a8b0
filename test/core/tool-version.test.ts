/**
 * One version predicate (issue 11): where a tool version can come from decides every remedy and toolchain
 * command — a GNU release tarball, a build from the tool's git repository, or nowhere (-dirty).
 */
import { describe, expect, it } from 'vitest';
import { toolVersionSource } from '../../src/core/tool-version.js';
import { remedyText, toolchainAddText } from '../../src/core/wording.js';

describe('toolVersionSource', () => {
  it('numbers only: a release; a letter or a git-describe tail: git; a -dirty tree or any other form: none', () => {
    const cases: [string, string][] = [
      ['2.71', 'release'], ['1.16.5', 'release'], ['0.19.8.1', 'release'],
      ['2.72a', 'git'], ['1.16d', 'git'], ['2.72.70-9ff9', 'git'], ['2.72.70-g9ff9c567', 'git'], ['2.4.7.4-1ec8f', 'git'], ['2.4.6.40-6ca5', 'git'],
      ['1.16.5-dirty', 'none'], ['2.4.6.42-b88ce-dirty', 'none'], ['2.4.6 Debian-2.4.6-15', 'none'], ['2', 'none'], ['', 'none'],
    ];
    expect(cases.map(([v]) => [v, toolVersionSource(v)])).toEqual(cases);
  });

  it('the toolchain text and the remedy text follow it', () => {
    expect(toolchainAddText([{ name: 'automake', version: '1.16d' }])).toBe('add with: distdiff toolchain add --git <automake repository> --version 1.16d');
    expect(toolchainAddText([{ name: 'libtool', version: '2.4.7.4-1ec8f' }])).toBe('add with: distdiff toolchain add --git <libtool repository> --version 2.4.7.4-1ec8f');
    expect(toolchainAddText([{ name: 'automake', version: '1.15.1' }, { name: 'gettext', version: '0.19.8.1' }])).toBe('add with: distdiff toolchain add automake-1.15.1.tar.xz gettext-0.19.8.1.tar.xz');
    expect(toolchainAddText([{ name: 'autoconf', version: '2.71' }, { name: 'automake', version: '1.16.5-dirty' }])).toBe(
      'add with: distdiff toolchain add autoconf-2.71.tar.xz; no exact source exists for automake 1.16.5-dirty: it was built from a modified work tree (-dirty), edits nobody published',
    );
    expect(remedyText({ kind: 'toolchain-unobtainable', args: { name: 'automake', version: '1.16.5-dirty' } })).toBe(
      'no exact source exists for automake 1.16.5-dirty: it was built from a modified work tree (-dirty), edits nobody published; nothing distdiff can fetch or build reproduces it — review the files, then accept them explicitly with --accept-unproved or a policy allowance with your reason',
    );
  });
});
