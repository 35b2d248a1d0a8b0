#!/usr/bin/env node
// Derives data/dzil-templates.json: what a test file written by a Dist::Zilla plugin from one of its Data::Section
// templates (`__[ name ]__` after `__DATA__`) must look like, for each plugin module at each release tag of the given
// repositories (rjbs/Dist-Zilla for MetaTests, PodSyntaxTests …; one repository per external plugin). `{{ … }}` blocks
// that name only the plugin itself (`{{ ref $plugin }}`, `{{ $plugin->VERSION }}` …) are filled with the plugin's class
// and the tag's version, as the plugin fills them. Every other block is a slot the distribution's data fills; the text
// between slots is kept only as the SHA-256 and length of each segment (plus the hash of its first 16 bytes, to find
// it), and each slot as the hashes of the string constants its code holds (single-quoted strings, heredoc bodies),
// one of which it may print. Nothing of the plugins' text is kept: hashes, lengths, class names, versions, section names.
//
//   node scripts/derive-dzil-templates.mjs REPO.git[=owner/name] … [--out FILE]
//
// Used by src/profiles/cpan-templates.ts: a shipped test file git lacks is UPSTREAM_COPY when it is one of these
// templates with every slot filled by an inert value (see there).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const oi = args.indexOf('--out');
const out = oi >= 0 ? args.splice(oi, 2)[1] : new URL('../data/dzil-templates.json', import.meta.url).pathname;
if (!args.length) {
  console.error('usage: derive-dzil-templates.mjs REPO.git[=owner/name] … [--out FILE]');
  process.exit(2);
}
const SELF = [
  [/\{\{\s*ref\s*\(?\s*\$plugin\s*\)?\s*\}\}/g, (c) => c],
  [/\{\{\s*\$plugin->meta->name\s*\}\}/g, (c) => c],
  [/\{\{\s*\$plugin->VERSION\s*\}\}/g, (_c, v) => v],
  [/\{\{\s*ref\s*\(?\s*\$plugin\s*\)?\s*\.\s*' '\s*\.\s*\(?\s*\$plugin->VERSION(?:\s*\|\|\s*'<self>')?\s*\)?\s*\}\}/g, (c, v) => `${c} ${v}`],
  [/\{\{\s*\$plugin->meta->name\s*\.\s*' '\s*\.\s*\(?\s*\$plugin->VERSION(?:\s*\|\|\s*'<self>')?\s*\)?\s*\}\}/g, (c, v) => `${c} ${v}`],
];
const templates = {};
const sources = [];
let slotted = 0;
const sha = (latin1) => createHash('sha256').update(Buffer.from(latin1, 'latin1')).digest('hex');
/** Perl's double-quote escapes, for the literal text of a "…" / qq{…} string. */
const dq = (t) => t.replace(/\\([nt\\"$@{}'])/g, (_m, c) => ({ n: '\n', t: '\t' })[c] ?? c);
/**
 * The string constants of Perl code, as the bytes they stand for: '…' and q{…} (\\ and \' unescaped), <<'X' heredoc
 * bodies, and the literal pieces of "…" and qq{…} strings (split at each interpolated $variable/@array, escapes
 * undone): what the plugin's own code can print. An interpolated variable is not a constant — what fills it must
 * pass the matcher's own grammar (a number, a shipped file's name …).
 */
function constants(code) {
  const out = [];
  for (const m of code.matchAll(/<<\s*'(\w+)';?[^\n]*\n([\s\S]*?\n)\1\n/g)) out.push(m[2]);
  for (const m of code.matchAll(/'((?:[^'\\]|\\.)*)'/g)) out.push(m[1].replace(/\\([\\'])/g, '$1'));
  for (const m of code.matchAll(/(?<![\w$@%])q\{([^{}]*)\}/g)) out.push(m[1]);
  for (const m of code.matchAll(/=~\s*s'[^']*'([^']*)'/g)) out.push(m[1]); // s'…'TEXT': TEXT, not interpolated
  for (const m of code.matchAll(/"((?:[^"\\]|\\.)*)"|(?<![\w$@%])qq\{([^{}]*)\}/g)) {
    const body = m[1] ?? m[2];
    for (const piece of body.split(/(?<!\\)[$@](?:\{[^}]*\}|\w+(?:(?:->)?(?:\{[^}]*\}|\[[^\]]*\]))*)/)) if (piece) out.push(dq(piece));
  }
  return out.filter((c) => c !== '');
}
/** The module's code (before __DATA__, POD removed): its constants are what its methods can hand a template. */
const moduleCode = (text) => text.slice(0, Math.max(0, text.search(/^__(?:DATA|END)__$/m))).replace(/^=\w[\s\S]*?^=cut\b.*$/gm, '');
/** `$content =~ s/WORD/…/` (or s{WORD}{…}, s'WORD'…') in the module: a template filled by substitution (Test::CPAN::Changes 0.012, Test::ReportPrereqs). */
const substituted = (code) => [...code.matchAll(/\$\w+\s*=~\s*s([{\/'])([A-Z][A-Z_]{3,})[}\/']/g)].map((m) => m[2]);
for (const arg of args) {
  const [dir, name = dir] = arg.split('=');
  const git = (...a) => execFileSync('git', ['--git-dir', dir, ...a], { maxBuffer: 256 << 20 }).toString('utf8');
  sources.push({ repo: name, head: git('rev-parse', 'HEAD').trim() });
  const tags = git('tag', '--list').split('\n').filter((t) => /^(?:v|release-)?\d+(?:\.\d+)+$/.test(t));
  for (const tag of tags) {
    const version = tag.replace(/^(?:v|release-)/, '');
    let files;
    try {
      files = git('grep', '-l', '^__DATA__', tag, '--', 'lib').split('\n').filter(Boolean).map((l) => l.slice(tag.length + 1));
    } catch {
      continue; // no module with a __DATA__ section at this tag
    }
    for (const path of files) {
      if (!/^lib\/Dist\/Zilla\/Plugin\/.+\.pm$/.test(path)) continue;
      const cls = path.slice(4, -3).replace(/\//g, '::');
      const text = git('show', `${tag}:${path}`);
      const code = moduleCode(text);
      const modConsts = constants(code);
      const subs = substituted(code);
      const data = text.slice(text.search(/^__DATA__$/m)).split('\n').slice(1);
      let section;
      let body = [];
      // Data::Section's section text runs up to the next `__[ name ]__` line or __END__, the newline before it included
      const flush = (closed) => {
        if (section === undefined) return;
        let t = body.join('\n') + (closed ? '\n' : '');
        for (const [re, f] of SELF) t = t.replace(re, () => f(cls, version));
        if (!t.includes('{{'))
          for (const w of subs) t = t.replace(w, w === 'PLUGIN' ? cls : w === 'VERSION' ? version : '{{}}'); // first occurrence, as s/// without /g
        const bytes = Buffer.from(t, 'utf8').toString('latin1');
        const parts = bytes.split(/(\{\{[\s\S]*?\}\})/);
        const segments = parts.filter((_p, i) => i % 2 === 0).map((x) => ({ h: sha(x), n: x.length, head: sha(x.slice(0, 16)) }));
        const blocks = parts.filter((_p, i) => i % 2 === 1).map((b) => constants(b)); // already bytes (latin1), as the segments
        const slots = blocks.map((cs) => [...new Set(cs.map(sha))].sort());
        const mc = blocks.length ? modConsts.map((c) => Buffer.from(c, 'utf8').toString('latin1')) : [];
        const consts = [...new Set(mc.map(sha))].sort();
        const lens = [...new Set([...blocks.flat(), ...mc].map((c) => c.length))].sort((a, b) => a - b);
        if (slots.length) slotted++;
        const key = sha(JSON.stringify([segments, slots, consts]));
        const list = (templates[key] ??= []);
        const hit = list.find((e) => e.plugin === cls && e.section === section);
        if (hit) hit.versions.includes(version) || hit.versions.push(version);
        else list.push({ plugin: cls, section, repo: name, versions: [version], segments, slots, ...(blocks.length ? { consts, lens } : {}) });
      };
      for (const line of data) {
        const m = /^_{2,}\[\s*(.+?)\s*\]_{2,}$/.exec(line);
        if (m) {
          flush(true);
          section = m[1];
          body = [];
        } else if (line === '__END__') {
          flush(true);
          section = undefined;
          break;
        } else body.push(line);
      }
      flush(false);
    }
  }
}
for (const list of Object.values(templates)) for (const e of list) e.versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const sorted = Object.fromEntries(Object.entries(templates).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(out, `${JSON.stringify({ derivedBy: 'scripts/derive-dzil-templates.mjs', sources, templates: sorted }, null, 1)}\n`);
console.log(`${Object.keys(sorted).length} distinct templates (${slotted} template versions with slots) → ${out}`);
