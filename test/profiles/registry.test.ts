/** The profile registry: one entry per profile id, detection in its documented order, path mapping per profile. */
import { describe, expect, it } from 'vitest';
import { PROFILE_IDS } from '../../src/core/result.js';
import { DETECTION_ORDER, detectProfileId, PROFILES, profileOf } from '../../src/profiles/registry.js';
import { PROFILE_CHOICES } from '../../src/profiles/types.js';
import { archiveFromFiles } from '../../src/pipeline/memory.js';

const detect = (files: Record<string, string>, paxCommit?: string) => detectProfileId({ ...archiveFromFiles(files), ...(paxCommit ? { paxCommit } : {}) });

describe('profile registry', () => {
  it('has exactly one entry per profile id; every id but none is detected, in order; --profile offers them all', () => {
    expect(Object.keys(PROFILES).sort()).toEqual([...PROFILE_IDS].sort());
    expect([...DETECTION_ORDER, 'none'].sort()).toEqual([...PROFILE_IDS].sort());
    expect(PROFILE_CHOICES).toEqual(['auto', ...PROFILE_IDS]);
  });

  it('detects from content, the first claim in DETECTION_ORDER winning', () => {
    expect(detect({ 'c-1/.cargo_vcs_info.json': '{}', 'c-1/package.json': '{}' })).toEqual({ id: 'crate', prefix: 'c-1' });
    expect(detect({ 'package/package.json': '{}' })).toEqual({ id: 'npm', prefix: 'package' });
    expect(detect({ 'w-1.dist-info/WHEEL': '', 'w/__init__.py': '' })).toEqual({ id: 'wheel', prefix: '' });
    expect(detect({ 'p-1/PKG-INFO': '', 'p-1/setup.py': '', 'p-1/configure': '', 'p-1/configure.ac': '' })).toEqual({ id: 'pypi', prefix: 'p-1' });
    expect(detect({ 'x-1/configure': '', 'x-1/configure.ac': '' }, 'a'.repeat(40))).toEqual({ id: 'forge', prefix: 'x-1' });
    expect(detect({ 'x-1/configure': '', 'x-1/configure.ac': '' })).toEqual({ id: 'autotools', prefix: 'x-1' });
    expect(detect({ 'x-1/configure': '' })).toEqual({ id: 'none', prefix: 'x-1' });
  });

  it('maps the repository directory: npm and crate from their metadata, a wheel from its packages, others the whole tree', () => {
    const info = (id: keyof typeof PROFILES) => ({ id, detected: true, prefix: '', directory: 'packages/foo' });
    expect(profileOf('npm').pathInRepo(info('npm'), [], () => [])).toBe('packages/foo');
    expect(profileOf('crate').pathInRepo(info('crate'), [], () => [])).toBe('packages/foo');
    expect(profileOf('autotools').pathInRepo(info('autotools'), [], () => [])).toBe('');
    const wheel = archiveFromFiles({ 'pkg/__init__.py': '', 'pkg-1.dist-info/WHEEL': '' }).entries;
    expect(profileOf('wheel').pathInRepo(info('wheel'), wheel, () => ['src/pkg/__init__.py', 'README.md'])).toBe('src');
    expect(profileOf('wheel').stripPrefix).toBe('');
  });
});
