#!/usr/bin/env node
// scripts/derive-htmlxref-hosts.mjs — derive data/texinfo-htmlxref-hosts.json from texinfo's htmlxref.cnf.
//
// makeinfo/texi2any --html renders a cross-manual reference (`@xref{Node,,Title,gmp,GMP Manual}`) as a link to
// the manual's web home that texinfo's own htmlxref.cnf gives (gmp → https://www.gmplib.org/manual/). The HTML
// classifier (src/classify/html-rendered.ts) accepts a link to such a host only for a manual the tracked texinfo
// source references. Only derived data is kept: per manual name, the hosts of its URLs (variables such as
// ${GS} expanded as the file defines them).
//
// Usage: node scripts/derive-htmlxref-hosts.mjs [/usr/share/texinfo/htmlxref.cnf] > data/texinfo-htmlxref-hosts.json
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '/usr/share/texinfo/htmlxref.cnf';
const text = readFileSync(file, 'utf8');
const vars = new Map();
const manuals = {};
let version = '';
for (const raw of text.split('\n')) {
  const line = raw.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim();
  const v = /^htmlxrefversion=([^;]+);/.exec(raw.trim());
  if (v) version = v[1];
  if (!line || line.startsWith('htmlxrefversion')) continue;
  const expand = (s) => s.replace(/\$\{(\w+)\}/g, (_, n) => vars.get(n) ?? '');
  const a = /^(\w+)\s*=\s*(\S+)$/.exec(line);
  if (a) {
    vars.set(a[1], expand(a[2]));
    continue;
  }
  const m = /^(\S+)\s+(mono|node|section|chapter)\s+(\S+)$/.exec(line);
  if (!m) continue;
  const host = /^https?:\/\/([^/]+)/.exec(expand(m[3]));
  if (!host) continue;
  (manuals[m[1]] ??= []).includes(host[1].toLowerCase()) || manuals[m[1]].push(host[1].toLowerCase());
}
process.stdout.write(`${JSON.stringify({ source: 'texinfo htmlxref.cnf', htmlxrefversion: version, manuals }, null, 0)}\n`);
