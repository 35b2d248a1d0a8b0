/**
 * Message catalogs: every shipped `X.gmo` next to an `X.po` is compiled again from that .po (the shipped
 * one: `make dist` msgmerges before it compiles) with msgfmt of the gettext version the po/ infrastructure
 * names (po/Makefile.in.in's "gettext-X" origin), in the sandbox, and compared byte for byte. When the
 * bytes differ, both catalogs are decompiled with the same tool's msgunfmt and compared as text: equal
 * messages with a different binary layout (another msgfmt build) reproduce with that normalisation
 * listed; different messages are a mismatch.
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

/** Shell run in the sandbox: compile each N.po to N.gmo; decompile the shipped and the compiled catalogs. */
const SCRIPT = `for f in *.po; do n=\${f%.po}; msgfmt -c -o "$n.gmo" "$f" 2>>msgfmt.log || rm -f "$n.gmo"; done
for f in *.shipped; do n=\${f%.shipped}; [ -f "$n.gmo" ] || continue; cmp -s "$f" "$n.gmo" && continue; msgunfmt "$f" > "$n.shipped.txt" 2>>msgfmt.log; msgunfmt "$n.gmo" > "$n.gmo.txt" 2>>msgfmt.log; done
true`;

export async function regenerateCatalogs(a: CatalogArgs): Promise<RegeneratedOutput[]> {
  const jobs: { gmo: string; po: string; n: number }[] = [];
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
    jobs.push({ gmo: path, po, n });
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
  return jobs.map(({ gmo, po, n }): RegeneratedOutput => {
    const produced = read(`${n}.gmo`);
    const shipped = read(`${n}.shipped`)!;
    let status: RegeneratedOutput['status'] = produced ? (produced.equals(shipped) ? 'reproduced' : 'differs') : 'not-produced';
    const normalisationSteps: Normalisation[] = [];
    if (status === 'differs') {
      const s = read(`${n}.shipped.txt`);
      const g = read(`${n}.gmo.txt`);
      if (s && g && s.length > 0 && s.equals(g)) {
        status = 'reproduced';
        normalisationSteps.push({ kind: 'catalog-messages', args: { version: a.tool.version } });
      }
    }
    return {
      path: gmo,
      step: 'msgfmt',
      tool: 'gettext',
      version: a.tool.version,
      toolOrigin: a.tool.origin,
      status,
      ...(status === 'differs' && produced ? { regenerated: produced } : {}),
      inputs: [{ path: po, origin: a.poOrigin(po) }],
      procedureSteps: [{ kind: 'msgfmt', args: {} }],
      normalisationSteps,
    };
  });
}
