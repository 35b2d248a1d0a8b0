/** The regeneration report as a note of the result (pure; typed, worded by core/wording.ts). */
import type { Note } from '../core/result.js';
import type { RegenerationReport } from './types.js';

/** The report's note (none when there was nothing to regenerate). */
export function regenerationNote(r: RegenerationReport): Note | undefined {
  if (r.status === 'not-applicable') return undefined;
  const outputs = [...r.outputs.values()];
  // The generator versions the release's own files name (what the tools must match).
  const v = r.versions ?? {};
  const stamped = ([['autoconf', v.autoconf], ['automake', v.automake], ['libtool', v.libtool], ['gettext', v.gettext]] as const).flatMap(([n, x]) => (x ? [`${n} ${x}`] : []));
  return {
    code: 'REGENERATION',
    status: r.status,
    ...(r.cause ? { cause: r.cause } : {}),
    ...(r.autoconfOnly ? { autoconfOnly: r.autoconfOnly } : {}),
    ...(r.skips?.length ? { skips: r.skips } : {}),
    ...(stamped.length ? { stamped } : {}),
    toolchain: r.tools.map((t) => ({ name: t.name, version: t.version, origin: t.origin, ...(t.backports?.length ? { backports: t.backports } : {}), ...(t.package ? { package: t.package } : {}) })),
    outputs: outputs.length,
    reproduced: outputs.filter((o) => o.status === 'reproduced').length,
    ...(r.status === 'done' ? { seconds: Math.round(r.ms / 100) / 10 } : {}),
  };
}
