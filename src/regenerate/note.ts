/** The regeneration report as a note of the result (pure). */
import type { Note } from '../core/result.js';
import type { RegenerationReport } from './types.js';

/** The report's note (none when there was nothing to regenerate). */
export function regenerationNote(r: RegenerationReport): Note | undefined {
  if (r.status === 'not-applicable') return undefined;
  const outputs = [...r.outputs.values()];
  return {
    code: 'REGENERATION',
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    tools: r.tools.map((t) => `${t.name} ${t.version}${t.origin === 'cache' ? ' (cached toolchain)' : ''}`),
    outputs: outputs.length,
    reproduced: outputs.filter((o) => o.status === 'reproduced').length,
    ...(r.status === 'done' ? { seconds: Math.round(r.ms / 100) / 10 } : {}),
  };
}
