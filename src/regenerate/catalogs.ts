/**
 * Message catalogs: every shipped `X.gmo` next to an `X.po` is compiled again from that .po (the shipped
 * one: `make dist` msgmerges before it compiles) with msgfmt of the gettext version the po/ infrastructure
 * names (po/Makefile.in.in's "gettext-X" origin), in the sandbox, and compared byte for byte. When the
 * bytes differ, both catalogs are decompiled with the same tool's msgunfmt and compared as text: equal
 * messages with a different binary layout (another msgfmt build) reproduce with that normalisation
 * listed; different messages are a mismatch.
 *
 * gettext's po/Makefile.in.in (0.18.3 and later) compiles a catalog from the .po merged with the template first —
 * `$(MSGMERGE) $(MSGMERGE_FOR_MSGFMT_OPTION) -o $${lang}.1po $${lang}.po $(DOMAIN).pot && $(GMSGFMT) -c … -o
 * $${lang}.gmo $${lang}.1po` — so a .po whose header or messages lag the template compiles to other messages. When
 * the shipped Makefile.in.in of the catalog's directory has that rule and the directory ships one .pot, a catalog
 * the plain msgfmt does not reproduce is compiled that way too (msgmerge --for-msgfmt, or the options older
 * msgmerge takes, as po.m4 picks them); the template is an input of the catalog (a flagged template flags it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseOf, dirOf } from '../classify/paths.js';
import type { TreeEntry } from '../core/types.js';
import type { Normalisation } from '../core/regeneration.js';
import { commandFailure, runSandboxed, SandboxCommandError, type SandboxLimits } from './sandbox.js';
import type { RegenInput, RegeneratedOutput, Tool } from './types.js';

export interface CatalogArgs {
  bwrap: string;
  /** An empty host directory for the catalogs (mounted at /build). */
  work: string;
  tool: Tool;
  tarballOnly: Map<string, TreeEntry>;
  /** The .po as shipped (tarball content when it differs from git, else git's). */
  readPo: (path: string) => Buffer | undefined;
  /** Whether the shipped .po is git's file unchanged. */
  poOrigin: (path: string) => RegenInput['origin'];
  tarball: (path: string) => Buffer | undefined;
  limits?: Partial<SandboxLimits>;
}

/** po/Makefile.in.in's .po.gmo rule that msgmerges the .po with $(DOMAIN).pot before msgfmt compiles it. */
export const MERGE_RULE = /\$\(MSGMERGE\)[^\n]*-o \$\$\{lang\}\.1po \$\$\{lang\}\.po \$\(DOMAIN\)\.pot[^\n]*\$\(GMSGFMT\)[^\n]*\$\$\{lang\}\.1po/;

/** The template a catalog of `dir` is merged with by its shipped rule: the directory's one tarball .pot, when its Makefile.in.in has the rule. */
export function mergeTemplate(dir: string, tarballOnly: Map<string, TreeEntry>, read: (path: string) => Buffer | undefined): { pot: string; rule: string } | undefined {
  const rule = `${dir ? `${dir}/` : ''}Makefile.in.in`;
  const text = read(rule);
  if (!text || !MERGE_RULE.test(text.toString('latin1'))) return undefined;
  const pots = [...tarballOnly].filter(([p, e]) => e.type === 'file' && dirOf(p) === dir && p.endsWith('.pot')).map(([p]) => p);
  return pots.length === 1 ? { pot: pots[0]!, rule } : undefined;
}

/** Shell run in the sandbox: compile each N.po to N.gmo; decompile the shipped and the compiled catalogs. */
const SCRIPT = `for f in *.po; do n=\${f%.po}; msgfmt -c -o "$n.gmo" "$f" 2>>msgfmt.log || rm -f "$n.gmo"; done
for f in *.shipped; do n=\${f%.shipped}; [ -f "$n.gmo" ] || continue; cmp -s "$f" "$n.gmo" && continue; msgunfmt "$f" > "$n.shipped.txt" 2>>msgfmt.log; msgunfmt "$n.gmo" > "$n.gmo.txt" 2>>msgfmt.log; done
for f in *.pot; do [ -f "$f" ] || continue; n=\${f%.pot}; [ -f "$n.gmo" ] && cmp -s "$n.gmo" "$n.shipped" && continue
  if msgmerge --for-msgfmt -o "$n.1po" "$n.po" "$f" 2>>msgfmt.log; then echo --for-msgfmt > "$n.opt"
  elif msgmerge --no-fuzzy-matching --no-location --quiet -o "$n.1po" "$n.po" "$f" 2>>msgfmt.log; then echo --no-fuzzy-matching --no-location --quiet > "$n.opt"
  else continue; fi
  msgfmt -c -o "$n.m.gmo" "$n.1po" 2>>msgfmt.log || { rm -f "$n.m.gmo"; continue; }
  cmp -s "$n.m.gmo" "$n.shipped" || msgunfmt "$n.m.gmo" > "$n.m.gmo.txt" 2>>msgfmt.log
  [ -f "$n.shipped.txt" ] || msgunfmt "$n.shipped" > "$n.shipped.txt" 2>>msgfmt.log
done
true`;

export async function regenerateCatalogs(a: CatalogArgs): Promise<RegeneratedOutput[]> {
  const jobs: { gmo: string; po: string; n: number; merge?: { pot: string; rule: string } }[] = [];
  mkdirSync(a.work, { recursive: true });
  for (const [path, e] of a.tarballOnly) {
    if (e.type !== 'file' || !path.endsWith('.gmo')) continue;
    const po = `${dirOf(path) ? `${dirOf(path)}/` : ''}${baseOf(path).slice(0, -4)}.po`;
    const poText = a.readPo(po);
    const shipped = a.tarball(path);
    if (!poText || !shipped) continue;
    const n = jobs.length;
    writeFileSync(join(a.work, `${n}.po`), poText);
    writeFileSync(join(a.work, `${n}.shipped`), shipped);
    const merge = mergeTemplate(dirOf(path), a.tarballOnly, a.readPo);
    const potText = merge && a.readPo(merge.pot);
    if (merge && potText) writeFileSync(join(a.work, `${n}.pot`), potText);
    jobs.push({ gmo: path, po, n, ...(merge && potText ? { merge } : {}) });
  }
  if (!jobs.length) return [];
  const r = await runSandboxed(a.bwrap, { scratch: a.work, argv: ['/bin/sh', '-c', SCRIPT], toolchains: a.tool.prefix ? [a.tool.prefix] : [], ...(a.limits ? { limits: a.limits } : {}) });
  if (r.code !== 0) throw new SandboxCommandError(commandFailure(r, 1, Infinity));
  const read = (name: string) => {
    try {
      return readFileSync(join(a.work, name));
    } catch {
      return undefined;
    }
  };
  return jobs.map(({ gmo, po, n, merge }): RegeneratedOutput => {
    const produced = read(`${n}.gmo`);
    const shipped = read(`${n}.shipped`)!;
    // equal bytes, or the same messages decompiled by the same msgunfmt (another msgfmt build's layout)
    const judge = (out: Buffer | undefined, text: string): { status: RegeneratedOutput['status']; normalisationSteps: Normalisation[] } => {
      if (!out) return { status: 'not-produced', normalisationSteps: [] };
      if (out.equals(shipped)) return { status: 'reproduced', normalisationSteps: [] };
      const s = read(`${n}.shipped.txt`);
      const g = read(text);
      if (s && g && s.length > 0 && s.equals(g)) return { status: 'reproduced', normalisationSteps: [{ kind: 'catalog-messages', args: { version: a.tool.version } }] };
      return { status: 'differs', normalisationSteps: [] };
    };
    const plain = judge(produced, `${n}.gmo.txt`);
    const option = merge && read(`${n}.opt`)?.toString('utf8').trim();
    const merged = merge && option && plain.status !== 'reproduced' ? judge(read(`${n}.m.gmo`), `${n}.m.gmo.txt`) : undefined;
    const byMerge = merge && option && merged?.status === 'reproduced';
    const { status, normalisationSteps } = byMerge ? merged : plain;
    return {
      path: gmo,
      step: 'msgfmt',
      tool: 'gettext',
      version: a.tool.version,
      toolOrigin: a.tool.origin,
      status,
      ...(!byMerge && status === 'differs' && produced ? { regenerated: produced } : {}),
      inputs: byMerge ? [{ path: po, origin: a.poOrigin(po) }, { path: merge.pot, origin: a.poOrigin(merge.pot) }] : [{ path: po, origin: a.poOrigin(po) }],
      procedureSteps: byMerge ? [{ kind: 'msgmerge-msgfmt', args: { pot: merge.pot, rule: merge.rule, option } }] : [{ kind: 'msgfmt', args: {} }],
      normalisationSteps,
    };
  });
}
