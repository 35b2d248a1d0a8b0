import type { VerifyResult } from '../core/result.js';
import { renderHtml } from './html.js';
import { FORMATS, redactInputs, streamReport, type Format } from './formats.js';
import { renderJson, streamJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif, streamSarif } from './sarif.js';
import { renderText, type TextOptions } from './text.js';

export function render(result: VerifyResult, format: Format, opts: TextOptions = {}): string {
  const r = redactInputs(result);
  switch (format) {
    case 'text':
      return renderText(r, opts);
    case 'json':
      return renderJson(r);
    case 'sarif':
      return renderSarif(r);
    case 'markdown':
      return renderMarkdown(r);
    case 'html':
      return renderHtml(r);
  }
}

/**
 * The report in pieces: JSON and SARIF are written as they are made (the same bytes as render(), never
 * the whole report as one string: millions of findings stay within memory); other formats in one piece.
 */
export function renderStream(result: VerifyResult, format: Format, opts: TextOptions = {}): Iterable<string> {
  if (format === 'json') return streamJson(redactInputs(result));
  if (format === 'sarif') return streamSarif(redactInputs(result));
  return [render(result, format, opts)];
}
export { renderText, renderJson, renderSarif, renderMarkdown, renderHtml, streamJson, streamSarif, FORMATS, redactInputs, streamReport, type Format };
