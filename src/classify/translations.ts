/**
 * Translations kept out of git and fetched when the release is made: gnulib's bootstrap downloads the
 * latest .po files of the package (and of the gnulib and runtime domains) from translationproject.org and
 * writes LINGUAS, Makevars and POTFILES.in next to them. Explained only when
 *   - a tracked bootstrap script (bootstrap, bootstrap.conf, autogen.sh, cfg.mk …) names translationproject.org,
 *   - the file sits in a directory of .po files, and
 *   - its content is what the script writes: a PO file with a header whose c-format translations have their
 *     msgid's printf directives (what `msgfmt -c` checks before the Translation Project accepts it) and whose
 *     translations carry no suspicious construct their msgid lacks (red team 27b) and no URL host neither their msgid
 *     nor the fetching script names (red team 31); the .gmo of a shipped .po (exactly the
 *     messages msgfmt compiles from that .po, read from both files);
 *     LINGUAS naming only languages whose .po is shipped; a Makevars of plain variable assignments (no
 *     rules, no $(shell), no backquotes); a POTFILES.in naming only files the tarball has.
 */
import type { EvidenceMap } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import { catalogMatchesPo, formatMismatches, parsePo, teamDomains, translationConstructs, translationHosts } from './gettext.js';
import { urlHosts } from './urls.js';
import { baseOf, dirOf, pathsBy } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';
import { oncePer } from '../util/memo.js';

const SCRIPT_NAMES = new Set(['bootstrap', 'bootstrap.conf', 'autogen.sh', 'bootstrap.sh', 'cfg.mk', 'bootstrap-funclib.sh']);
const TP = /translationproject\.org/;
const cache = oncePer<ClassifyContext, Promise<string | undefined>>();

/** The tracked script that fetches translations, if any (looked up once per run). */
function fetchingScript(ctx: ClassifyContext): Promise<string | undefined> {
  return cache(ctx, async () => {
    const candidates = [...ctx.gitPaths].filter((g) => SCRIPT_NAMES.has(baseOf(g)) && g.split('/').length <= 2).sort();
    for (const c of candidates) {
      const b = await ctx.content.git(c);
      if (b && b.length < 2 * 1024 * 1024 && TP.test(b.toString('latin1'))) return c;
    }
    return undefined;
  });
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\s*[:+?]?=/;

type Kind = EvidenceMap['PO_FETCHED_TRANSLATION']['kind'];

function poProject(text: string): string | undefined {
  const m = /^"Project-Id-Version:\s*([^"\\]*)/m.exec(text);
  return m?.[1]?.trim() || undefined;
}

/** What the file is, judged by its name and content; undefined when it is not what the script writes. */
function judge(path: string, content: Buffer, ctx: ClassifyContext, scriptHosts: ReadonlySet<string>): { kind: Kind; project?: string } | undefined {
  const dir = dirOf(path);
  const name = baseOf(path);
  const siblings = pathsBy('dir', ctx.tarballPaths).get(dir) ?? [];
  const shippedPo = new Set(siblings.filter((s) => s.endsWith('.po')).map((s) => baseOf(s).slice(0, -3)));
  if (shippedPo.size === 0) return undefined;
  if (name.endsWith('.po')) {
    const text = content.toString('utf8');
    if (!/^msgid ""\s*$/m.test(text) || !/^msgstr ""\s*$/m.test(text)) return undefined;
    // the Translation Project takes a catalog only when `msgfmt -c` does: a c-format translation with other
    // printf directives than its msgid did not come from there
    // … nor one whose translations carry a construct their msgid lacks (a message telling the user to run a download)
    try {
      const po = parsePo(text);
      if (formatMismatches(po).length > 0 || translationConstructs(po.entries, path).length > 0) return undefined;
      // … nor one whose translations send the reader to a host neither their msgid nor the fetching script names
      // or the translation team's site (red team 31: the Translation Project's team page,
      // `https://translationproject.org/team/vi.html`, is the one a translator adds — sed 4.9's nb, pt_BR and vi catalogs
      // have it —, and gdbm 1.23's da.po names its team's site, www.dansk-gruppen.dk, under its Language-Team address)
      if (translationHosts(po.entries, new Map(), new Map(), scriptHosts, teamDomains(po)).length > 0) return undefined;
    } catch {
      return undefined;
    }
    return { kind: 'po', project: poProject(text) };
  }
  if (name.endsWith('.gmo')) {
    if (!shippedPo.has(name.slice(0, -4)) || content.length < 28) return undefined;
    // the messages msgfmt compiles from the shipped .po, exactly: a .gmo is what the program loads at run
    // time, and make does not compile it again when it is newer than its .po
    const po = ctx.content.tarball(`${dir ? `${dir}/` : ''}${name.slice(0, -4)}.po`);
    return po && catalogMatchesPo(content, po) ? { kind: 'gmo' } : undefined;
  }
  const lines = content
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (name === 'LINGUAS') {
    const langs = lines.flatMap((l) => l.split(/\s+/));
    return langs.length > 0 && langs.every((l) => shippedPo.has(l)) ? { kind: 'LINGUAS' } : undefined;
  }
  if (name === 'Makevars') {
    const text = content.toString('utf8');
    if (/\$\(shell|`|\$\$\(/.test(text)) return undefined;
    // every logical line (joined at backslash continuations) is an assignment
    const logical = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    return logical.every((l) => ASSIGNMENT.test(l)) ? { kind: 'Makevars' } : undefined;
  }
  if (name === 'POTFILES.in') {
    // paths are relative to the package's top directory
    return lines.length > 0 && lines.every((l) => ctx.tarballPaths.has(l)) ? { kind: 'POTFILES.in' } : undefined;
  }
  return undefined;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && (/\.(po|gmo)$/.test(baseOf(diff.path)) || ['LINGUAS', 'Makevars', 'POTFILES.in'].includes(baseOf(diff.path)));

export const translationsClassifier: Classifier = {
  id: 'translations',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const content = ctx.content.tarball(diff.path);
    if (!content) return undefined;
    const script = await fetchingScript(ctx);
    if (!script) return undefined;
    // the script names translationproject.org (TP), as a URL or not (gdbm 1.23's: no scheme): the team pages are there
    const j = judge(diff.path, content, ctx, new Set([...urlHosts((await ctx.content.git(script))?.toString('latin1') ?? ''), 'translationproject.org']));
    if (!j) return undefined;
    return makeFinding('PO_FETCHED_TRANSLATION', diff.path, { kind: j.kind, script, ...(j.project ? { project: j.project } : {}) });
  },
};
