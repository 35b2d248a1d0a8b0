import type { VerifyResult } from '../core/result.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText, type TextOptions } from './text.js';

export type Format = 'text' | 'json' | 'sarif' | 'markdown' | 'html';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'markdown', 'html'];

export function render(r: VerifyResult, format: Format, opts: TextOptions = {}): string {
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
export { renderText, renderJson, renderSarif, renderMarkdown, renderHtml };
