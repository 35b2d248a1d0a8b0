/** The README documents every finding code (generated table is current), shows current output examples and the two commands. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CODES, codeDoc } from '../src/core/codes.js';

const root = resolve(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('has an anchor for every finding code', () => {
    const missing = ALL_CODES.filter((c) => !readme.includes(`<a id="${codeDoc(c).docs}"></a>`));
    expect(missing).toEqual([]);
  });
  it('finding-code table is regenerated from the registry', () => {
    const p = spawnSync(process.execPath, [join(root, 'scripts/gen-readme-codes.mjs'), '--check'], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
  });
  it('output examples (the demo report, the JSON example) are what the tool prints on the samples', () => {
    const p = spawnSync(process.execPath, [join(root, 'scripts/gen-readme-examples.mjs'), '--check'], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
  });
  it('shows the two commands a fresh machine must run', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });
  it('package version and the reported tool version agree', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const { VERSION } = await import('../src/version.js');
    expect(VERSION).toBe(pkg.version);
  });
});
