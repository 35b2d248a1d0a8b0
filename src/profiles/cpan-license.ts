/**
 * A CPAN distribution's LICENSE, as its release tool writes it from Software::License: Dist::Zilla's [License]
 * writes `$license->fulltext` (the notice, a blank line, the license text), ExtUtils::MakeMaker front-ends such as
 * Distar (Moo) write `$license->license`. The texts, rendered with placeholders for the holder and the year, are
 * data/software-license.json.gz (scripts/derive-software-license.pl, from Debian's libsoftware-license-perl).
 * A LICENSE is explained only when it is one of those texts, for a license META names, with one holder and one
 * year throughout, the holder an author META names (whole or without its `<email>`) or dist.ini's
 * copyright_holder, the year four digits no later than the release commit's year (or dist.ini's copyright_year).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

interface LicenseData {
  softwareLicense: string;
  licenses: Record<string, { meta_name?: string; meta2_name?: string; notice: string; license: string; fulltext?: string }>;
}

let data: LicenseData | undefined;
function licenses(): LicenseData {
  data ??= JSON.parse(gunzipSync(readFileSync(new URL('../../data/software-license.json.gz', import.meta.url))).toString('utf8')) as LicenseData;
  return data;
}

export interface LicenseMatch {
  /** Software::License's class (Perl_5, Apache_2_0 …) and its version the data was derived from. */
  license: string;
  softwareLicense: string;
  form: 'fulltext' | 'license';
  holder: string;
  year: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SLOT = /\u0001(HOLDER|YEAR)\u0001/g;

/** `text` read against one template: the holder and the year it was rendered with, or undefined. */
function fill(template: string, text: string): { holder: string; year: string } | undefined {
  const slots: string[] = [];
  const re = new RegExp(
    `^${template
      .split(SLOT)
      .map((part, i) => {
        if (i % 2 === 0) return escapeRe(part);
        slots.push(part);
        return '([^\\n]+?)';
      })
      .join('')}$`,
  );
  const m = re.exec(text);
  if (!m) return undefined;
  const got: Record<string, string> = {};
  for (let i = 0; i < slots.length; i++) {
    const v = m[i + 1]!;
    if (got[slots[i]!] !== undefined && got[slots[i]!] !== v) return undefined;
    got[slots[i]!] = v;
  }
  return got.HOLDER !== undefined && got.YEAR !== undefined ? { holder: got.HOLDER, year: got.YEAR } : undefined;
}

/** Which Software::License text `text` is, for a license named in META (`perl_5`, `apache_2_0`, META 1's `perl` …). */
export function matchLicense(text: string, metaLicenses: readonly string[]): LicenseMatch | undefined {
  const d = licenses();
  const names = new Set(metaLicenses.map((l) => l.toLowerCase()));
  for (const [cls, l] of Object.entries(d.licenses)) {
    if (!names.has(l.meta2_name ?? '') && !names.has(l.meta_name ?? '')) continue;
    for (const [form, template] of [['fulltext', l.fulltext ?? `${l.notice}\n${l.license}`], ['license', l.license]] as const) {
      const f = fill(template, text);
      if (f) return { license: cls, softwareLicense: d.softwareLicense, form, ...f };
    }
  }
  return undefined;
}

/** Which Software::License notice (`->notice`: the copyright line and the license's name or terms) `text` is, for a license META names. */
export function matchNotice(text: string, metaLicenses: readonly string[]): { license: string; holder: string; year: string } | undefined {
  const names = new Set(metaLicenses.map((l) => l.toLowerCase()));
  for (const [cls, l] of Object.entries(licenses().licenses)) {
    if (!names.has(l.meta2_name ?? '') && !names.has(l.meta_name ?? '')) continue;
    const f = fill(l.notice, text);
    if (f) return { license: cls, ...f };
  }
  return undefined;
}

/** The holders a release may name: each author whole and without its trailing `<email>`, plus dist.ini's copyright_holder. */
export function allowedHolders(authors: readonly string[], distIni: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const a of authors) {
    out.add(a);
    out.add(a.replace(/\s*<[^<>]*>\s*$/, ''));
  }
  const h = distIni ? /^\s*copyright_holder\s*=\s*(.+?)\s*$/m.exec(distIni) : null;
  if (h) out.add(h[1]!);
  return out;
}

/** The year is dist.ini's copyright_year, or four digits from 1987 (Perl 1) to the release commit's year. */
export function allowedYear(year: string, commitDate: string | undefined, distIni: string | undefined): boolean {
  const y = distIni ? /^\s*copyright_year\s*=\s*(\d{4})\s*$/m.exec(distIni) : null;
  if (y) return year === y[1];
  if (!/^\d{4}$/.test(year)) return false;
  const max = commitDate ? Number(commitDate.slice(0, 4)) : new Date().getUTCFullYear();
  return Number(year) >= 1987 && Number(year) <= max;
}

/** META.json's license and author lists (META 1.4's YAML: `license: perl`, `author:` list). */
export function metaLicenseAuthors(text: string, isJson: boolean): { licenses: string[]; authors: string[] } {
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
  if (isJson) {
    try {
      const o = JSON.parse(text) as { license?: unknown; author?: unknown };
      return { licenses: strs(o.license), authors: strs(o.author) };
    } catch {
      return { licenses: [], authors: [] };
    }
  }
  const unq = (v: string) => v.trim().replace(/^'(.*)'$/, (_m, x: string) => x.replace(/''/g, "'")).replace(/^"(.*)"$/, '$1');
  const lic = /^license:\s*(.+)$/m.exec(text);
  const authors: string[] = [];
  const block = /^author:\s*\n((?:\s+-\s+.*\n?)+)/m.exec(text);
  if (block) for (const l of block[1]!.split('\n')) if (/^\s+-\s+/.test(l)) authors.push(unq(l.replace(/^\s+-\s+/, '')));
  return { licenses: lic ? [unq(lic[1]!)] : [], authors };
}
