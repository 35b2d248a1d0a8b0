/**
 * The report formats and what every format starts from (the inputs' URLs without credentials), kept apart from the
 * renderers: the CLI loads only the renderer of the format it writes (`streamReport`); `render()` and
 * `renderStream()` (./index.ts) load all of them for library callers.
 */
import type { VerifyResult } from '../core/result.js';
import { redactUrls } from '../util/redact.js';
import type { TextOptions } from './text.js';

export type Format = 'text' | 'json' | 'sarif' | 'markdown' | 'html';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown', 'html'];

/** The result with credentials removed from every input URL (userinfo, secret query values): what any format shows. */
export function redactInputs(r: VerifyResult): VerifyResult {
  const i = r.inputs;
  const src = <T extends { source: string }>(x: T | undefined): T | undefined => (x ? { ...x, source: redactUrls(x.source) } : x);
  return {
    ...r,
    inputs: {
      ...i,
      tarball: src(i.tarball)!,
      repo: src(i.repo)!,
      ...(i.signature ? { signature: src(i.signature) } : {}),
      ...(i.tagSignature ? { tagSignature: src(i.tagSignature) } : {}),
      ...(i.checksums ? { checksums: src(i.checksums) } : {}),
    },
  };
}

/**
 * renderStream() (./index.ts) with only `format`'s renderer loaded: the same pieces (JSON and SARIF as they are
 * made, the others in one piece). A verify run writes one format; the other four renderers are not loaded.
 */
export async function streamReport(result: VerifyResult, format: Format, opts: TextOptions = {}): Promise<Iterable<string>> {
  const r = redactInputs(result);
  switch (format) {
    case 'json':
      return (await import('./json.js')).streamJson(r);
    case 'sarif':
      return (await import('./sarif.js')).streamSarif(r);
    case 'text':
      return [(await import('./text.js')).renderText(r, opts)];
    case 'markdown':
      return [(await import('./markdown.js')).renderMarkdown(r)];
    case 'html':
      return [(await import('./html.js')).renderHtml(r)];
  }
}
