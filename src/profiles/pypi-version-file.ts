/**
 * setuptools_scm's version file in an sdist (`write_to` / `version_file` of `[tool.setuptools_scm]` in pyproject.toml
 * or of `use_scm_version={…}` in setup.py; hatch-vcs' `version-file` of `[tool.hatch.build.hooks.vcs]`): the build
 * backend writes it from the version it computed, and git never tracks it ("don't track in version control").
 *
 * Explained (PACKAGE_METADATA, kind `scm-version-file`) only when
 *   - a tracked pyproject.toml or setup.py names exactly this path as the version file, with no template of its own
 *     (`write_to_template`, `version_file_template`, hatch-vcs' `template`: the project's text, not modelled);
 *   - the file is, byte for byte, one of setuptools_scm's own templates for its suffix (data/scm-version-templates.json,
 *     derived by scripts/derive-scm-version-templates.mjs from every setuptools_scm release tag: hashes only) filled
 *     with the sdist's version (PKG-INFO `Version:`) as Python's `repr` writes it and setuptools_scm's version tuple of
 *     it (the release numbers, then `devN`, then the local part) — with every line ending in CRLF when it was written on
 *     Windows (Python's text mode), all or none.
 * A line added, another version, a path no tracked file configures, or a configured template stays where it was
 * (TARBALL_ONLY_UNEXPLAINED, high): the file is Python the package imports.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import type { ClassifyContext } from '../classify/types.js';

interface TemplateEntry {
  sha256: string;
  length: number;
  suffix: string;
  releases: string[];
}
let table: TemplateEntry[] | undefined;
const templates = (): TemplateEntry[] =>
  (table ??= (JSON.parse(readFileSync(new URL('../../data/scm-version-templates.json', import.meta.url), 'utf8')) as { templates: TemplateEntry[] }).templates);

/** Where a tracked build file tells setuptools_scm (or hatch-vcs) to write the version, and whether it gives a template. */
export interface VersionFileConfig {
  path: string;
  /** `pyproject.toml [tool.setuptools_scm] write_to` … */
  source: string;
  customTemplate: boolean;
}

/** A TOML string value as written on one `key = "…"` / `key = '…'` line (basic strings without escapes, literal strings). */
const tomlString = (v: string): string | undefined => /^\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$/.exec(v)?.slice(1).find((s) => s !== undefined);

/** The version file pyproject.toml configures: `[tool.setuptools_scm]` write_to/version_file, `[tool.hatch.build.hooks.vcs]` version-file. */
export function pyprojectVersionFile(text: string): VersionFileConfig | undefined {
  let table = '';
  const found: Record<string, Record<string, string | true>> = {};
  for (const line of text.split(/\r?\n/)) {
    const h = /^\s*\[\s*([^\]\s][^\]]*?)\s*\]\s*(?:#.*)?$/.exec(line);
    if (h) {
      table = h[1]!.replace(/\s+/g, '').replace(/"/g, '');
      continue;
    }
    const kv = /^\s*([A-Za-z0-9_-]+)\s*=(.*)$/.exec(line);
    if (!kv || (table !== 'tool.setuptools_scm' && table !== 'tool.hatch.build.hooks.vcs')) continue;
    (found[table] ??= {})[kv[1]!] = tomlString(kv[2]!) ?? true;
  }
  const scm = found['tool.setuptools_scm'];
  const hatch = found['tool.hatch.build.hooks.vcs'];
  for (const [t, keys, tpl] of [
    ['tool.setuptools_scm', ['version_file', 'write_to'], ['version_file_template', 'write_to_template']],
    ['tool.hatch.build.hooks.vcs', ['version-file'], ['template']],
  ] as const) {
    const sec = t === 'tool.setuptools_scm' ? scm : hatch;
    if (!sec) continue;
    for (const k of keys) {
      const v = sec[k];
      if (typeof v === 'string') return { path: v, source: `pyproject.toml [${t}] ${k}`, customTemplate: tpl.some((x) => x in sec) };
    }
  }
  return undefined;
}

/** The version file setup.py's `use_scm_version={…}` literal names (`'write_to': '…'` / `'version_file': '…'`). */
export function setupPyVersionFile(text: string): VersionFileConfig | undefined {
  const i = text.search(/\buse_scm_version\s*=\s*\{/);
  if (i < 0) return undefined;
  const close = text.indexOf('}', i);
  if (close < 0) return undefined;
  const dict = text.slice(i, close);
  const m = /['"](write_to|version_file)['"]\s*:\s*(?:'([^'\\\n]*)'|"([^"\\\n]*)")/.exec(dict);
  if (!m) return undefined;
  return { path: m[2] ?? m[3]!, source: `setup.py use_scm_version ${m[1]}`, customTemplate: /['"](write_to_template|version_file_template)['"]/.test(dict) };
}

/** setuptools_scm's version tuple of a PEP 440 release version (release numbers, `devN`, local part), as Python's repr. */
export function versionTupleRepr(version: string): string | undefined {
  const m = /^(\d+(?:\.\d+)*)(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev(\d+))?(?:\+([a-z0-9.]+))?$/.exec(version);
  if (!m) return undefined;
  const items = m[1]!.split('.').map((n) => String(Number(n)));
  if (m[2] !== undefined) items.push(`'dev${Number(m[2])}'`);
  if (m[3] !== undefined) items.push(`'${m[3]}'`);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** The setuptools_scm template this file is, filled with `version`; undefined when it is none of them. */
export function matchVersionTemplate(bytes: Buffer, path: string, version: string): { releases: string[]; crlf: boolean } | undefined {
  const suffix = /\.(py|txt)$/.exec(path)?.[0];
  const tuple = versionTupleRepr(version);
  if (!suffix || !tuple || bytes.includes(0)) return undefined;
  let text = bytes.toString('utf8');
  const lf = text.split('\n').length - 1;
  const crlf = lf > 0 && text.split('\r\n').length - 1 === lf;
  if (crlf) text = text.replace(/\r\n/g, '\n');
  if (text.includes('\r')) return undefined;
  const candidates =
    suffix === '.txt'
      ? [text.split(version).join('{version}')]
      : [text.split(`'${version}'`).join('{version!r}').split(tuple).join('{version_tuple!r}')];
  for (const c of candidates) {
    const h = createHash('sha256').update(c, 'utf8').digest('hex');
    const hit = templates().find((t) => t.suffix === suffix && t.sha256 === h && t.length === Buffer.byteLength(c));
    if (hit) return { releases: hit.releases, crlf };
  }
  return undefined;
}

/** The sdist's version, from its PKG-INFO (`Version:` of the first header block). */
function sdistVersion(ctx: ClassifyContext): string | undefined {
  const pkg = ctx.content.tarball('PKG-INFO')?.toString('utf8');
  return pkg ? /^Version:[ \t]*(\S+)[ \t]*$/m.exec(pkg.split(/\r?\n\r?\n/)[0]!)?.[1] : undefined;
}

export async function scmVersionFile(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
  if (diff.status !== 'tarball-only' || diff.tarball?.type !== 'file' || !/\.(py|txt)$/.test(diff.path)) return undefined;
  const configs: VersionFileConfig[] = [];
  if (ctx.gitPaths.has('pyproject.toml')) {
    const c = pyprojectVersionFile((await ctx.content.git('pyproject.toml'))?.toString('utf8') ?? '');
    if (c) configs.push(c);
  }
  if (ctx.gitPaths.has('setup.py')) {
    const c = setupPyVersionFile((await ctx.content.git('setup.py'))?.toString('utf8') ?? '');
    if (c) configs.push(c);
  }
  const config = configs.find((c) => c.path.replace(/^\.\//, '') === diff.path);
  if (!config || config.customTemplate) return undefined;
  const version = sdistVersion(ctx);
  const bytes = ctx.content.tarball(diff.path);
  if (!version || !bytes) return undefined;
  const hit = matchVersionTemplate(bytes, diff.path, version);
  if (!hit) return undefined;
  const rel = hit.releases.length > 1 ? `${hit.releases[0]}–${hit.releases.at(-1)}` : hit.releases[0];
  return makeFinding('PACKAGE_METADATA', diff.path, {
    ecosystem: 'pypi',
    kind: 'scm-version-file',
    source: `${config.source}: setuptools_scm ${rel}'s template, version ${version}${hit.crlf ? ', CRLF line ends' : ''}`,
  });
}
