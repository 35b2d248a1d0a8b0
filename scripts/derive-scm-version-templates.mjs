#!/usr/bin/env node
// Derives data/scm-version-templates.json: the version-file templates setuptools_scm writes (`write_to` /
// `version_file` in `[tool.setuptools_scm]` or `use_scm_version`, hatch-vcs' `version-file`), from every release tag of
// a clone of pypa/setuptools_scm. At each tag, every Python string literal of the package's sources that holds
// `{version` and is the value of a `".py":` or `".txt":` key (the TEMPLATES dict: setuptools_scm/__init__.py up to 7.x,
// _integration/dump_version.py from 8.0) is read as Python reads it (a non-raw string: `\\`, `\<newline>`, `\'`, `\"`,
// `\n`, `\t`) and kept as the SHA-256 and length of its text with the tags that carry it. No template text is kept.
//
//   node scripts/derive-scm-version-templates.mjs SETUPTOOLS_SCM.git [--out FILE]
//
// Used by src/profiles/pypi-version-file.ts: a shipped version file git lacks is PACKAGE_METADATA when replacing the
// release's `repr(version)` and `repr(version_tuple)` in it by `{version!r}` / `{version_tuple!r}` (or `{version}`)
// gives one of these templates, byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const oi = args.indexOf('--out');
const out = oi >= 0 ? args.splice(oi, 2)[1] : new URL('../data/scm-version-templates.json', import.meta.url).pathname;
if (args.length !== 1) {
  console.error('usage: derive-scm-version-templates.mjs SETUPTOOLS_SCM.git [--out FILE]');
  process.exit(2);
}
const repo = args[0];
const git = (...a) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
const sha = (t) => createHash('sha256').update(Buffer.from(t, 'utf8')).digest('hex');
/** A non-raw Python string literal's body, as Python reads it. */
const pyString = (body) =>
  body.replace(/\\(\n|[\\'"nt])/g, (_m, c) => ({ '\n': '', n: '\n', t: '\t' })[c] ?? c);

const tags = git('tag', '--list', 'v*')
  .split('\n')
  .filter((t) => /^v\d+(\.\d+)*$/.test(t))
  .sort((a, b) => {
    const x = a.slice(1).split('.').map(Number);
    const y = b.slice(1).split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  });
const byHash = new Map();
// ".py": """\ … """  or  ".txt": "{version}"
const LITERAL = /"\.(py|txt)":\s*(?:"""([\s\S]*?)"""|'''([\s\S]*?)'''|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/g;
for (const tag of tags) {
  const files = git('ls-tree', '-r', '--name-only', tag)
    .split('\n')
    .filter((p) => /^(?:src\/)?setuptools_scm\/.*\.py$/.test(p));
  for (const f of files) {
    const text = git('show', `${tag}:${f}`);
    if (!text.includes('{version')) continue;
    for (const m of text.matchAll(LITERAL)) {
      const t = pyString(m[2] ?? m[3] ?? m[4] ?? m[5] ?? '');
      if (!t.includes('{version')) continue;
      const h = sha(t);
      const e = byHash.get(h) ?? { sha256: h, length: Buffer.byteLength(t), suffix: `.${m[1]}`, releases: [] };
      if (!e.releases.includes(tag.slice(1))) e.releases.push(tag.slice(1));
      byHash.set(h, e);
    }
  }
}
const data = {
  source: 'pypa/setuptools_scm',
  derivedBy: 'scripts/derive-scm-version-templates.mjs',
  tags: tags.length,
  templates: [...byHash.values()],
};
writeFileSync(out, `${JSON.stringify(data, null, 1)}\n`);
console.error(`${data.templates.length} templates from ${tags.length} tags -> ${out}`);
