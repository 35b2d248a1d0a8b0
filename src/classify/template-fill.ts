/**
 * Build files filled from a tracked template (issue 11 d): curl's projects/Windows/VC*\/lib/libcurl.vcxproj and
 * src/curl.vcxproj, made at release by a tracked generator (Makefile.am's vc-ide awk program, projects/generate.bat)
 * from the tracked X.tmpl beside them: each template line copied, each placeholder line (`CURL_LIB_C_FILES`)
 * replaced by one `<Tag Include="..\..\DIR\FILE" />` element per file of the tree. Proved line by line: every
 * output line is the template's next line, or — where the template has a placeholder that a tracked generator
 * naming this template spells out in quotes — a run of elements whose tag the generator writes (`<Tag Include=`),
 * each naming a file of the tree (resolved from the output's directory; one only the tarball has — curl's generated
 * src/tool_hugehelp.c — is listed in the evidence and judged by its own finding) of one directory and one extension (a change of
 * directory or extension ends the run: the next placeholder's run begins), none twice.
 * Anything else (a changed setting, a custom build step, a file git lacks) proves nothing. Line endings: the output
 * may be CRLF throughout (the generators print \r\n) where the template is LF.
 */
import { makeFinding } from '../core/severity.js';
import { baseOf, dirOf } from './paths.js';
import type { Classifier, ClassifyContext } from './types.js';
import { admits } from './precheck.js';

const MAX_BYTES = 4 * 1024 * 1024;
const MAX_GENERATOR_BYTES = 1024 * 1024;
const PLACEHOLDER = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const ELEMENT = /^(\s*)<([A-Za-z]+) Include="([^"<>]+)" \/>$/;

/** Resolve a relative path (either separator) from `dir`; undefined when it leaves the tree. */
function resolve(dir: string, rel: string): string | undefined {
  const parts = dir ? dir.split('/') : [];
  for (const seg of rel.split(/[\\/]/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (!parts.length) return undefined; parts.pop(); } else parts.push(seg);
  }
  return parts.join('/');
}

/** Lines of `text` without their terminators (the last line may lack one, as a template's may); undefined when CRLF and LF are mixed. */
function lines(text: string): string[] | undefined {
  const body = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const crlf = body.filter((l) => l.endsWith('\r')).length;
  if (crlf && crlf !== body.length) return undefined;
  return crlf ? body.map((l) => l.slice(0, -1)) : body;
}

export interface Filled { placeholders: number; elements: number }

/**
 * Walk template and output together. `quoted(name)`: a generator spells the placeholder out in quotes;
 * `writes(tag)`: a generator writes `<tag Include=`; `trackedFile(rel)`: the element's path names a tracked file.
 */
export function fillTemplate(template: string[], output: string[], quoted: (n: string) => boolean, writes: (t: string) => boolean, trackedFile: (rel: string) => string | undefined): Filled | undefined {
  let j = 0;
  let placeholders = 0;
  let elements = 0;
  for (const t of template) {
    if (!(PLACEHOLDER.test(t) && quoted(t))) {
      if (output[j] !== t) return undefined;
      j++;
      continue;
    }
    placeholders++;
    const seen = new Set<string>();
    let shape: string | undefined;
    for (; j < output.length; j++) {
      const m = ELEMENT.exec(output[j]!);
      if (!m) break;
      const file = trackedFile(m[3]!);
      if (!file || !writes(m[2]!) || seen.has(file)) return undefined;
      // One indent, tag, directory and extension per run: another starts the next placeholder's run (adjacent
      // placeholders — lib/*.c then lib/vauth/*.c — leave no line between their runs).
      const s = `${m[1]}|${m[2]}|${dirOf(file)}|${/\.[^./]*$/.exec(file)?.[0] ?? ''}`;
      if ((shape ??= s) !== s) break;
      seen.add(file);
      elements++;
    }
  }
  return j === output.length && placeholders ? { placeholders, elements } : undefined;
}

/** Tracked text files in the template's directory and each one above that name the template (by its path from there). */
async function generators(ctx: ClassifyContext, template: string): Promise<{ path: string; text: string }[]> {
  const out: { path: string; text: string }[] = [];
  const byDir = new Map<string, string[]>();
  for (const p of ctx.gitPaths) { const d = dirOf(p); (byDir.get(d) ?? byDir.set(d, []).get(d)!).push(p); }
  for (let d = dirOf(template); ; d = dirOf(d)) {
    const rel = d ? template.slice(d.length + 1) : template;
    for (const p of (byDir.get(d) ?? []).sort()) {
      if (p === template) continue;
      const b = await ctx.content.git(p);
      if (!b || b.length > MAX_GENERATOR_BYTES || b.subarray(0, 8192).includes(0)) continue;
      const text = b.toString('latin1');
      if (text.includes(rel) || text.includes(rel.replace(/\//g, '\\'))) out.push({ path: p, text });
    }
    if (!d) break;
  }
  return out;
}


/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.status === 'tarball-only' && diff.tarball?.type === 'file' && diff.tarball.size <= MAX_BYTES;

export const templateFillClassifier: Classifier = {
  id: 'template-fill',
  candidate,
  async classify(diff, ctx) {
    if (!admits(candidate, diff)) return undefined;
    const base = baseOf(diff.path);
    const dir = dirOf(diff.path);
    const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
    const template = [`${stem}.tmpl`, `${base}.tmpl`].map((n) => (dir ? `${dir}/${n}` : n)).find((p) => ctx.gitPaths.has(p));
    if (!template) return undefined;
    const buf = ctx.content.tarball(diff.path);
    const tbuf = await ctx.content.git(template);
    if (!buf || !tbuf || buf.subarray(0, 8192).includes(0)) return undefined;
    const out = lines(buf.toString('latin1'));
    const tpl = lines(tbuf.toString('latin1'));
    if (!out || !tpl) return undefined;
    const gens = await generators(ctx, template);
    if (!gens.length) return undefined;
    const named = new Set<string>();
    const filled = fillTemplate(
      tpl, out,
      (n) => gens.some((g) => g.text.includes(`"${n}"`)),
      (tag) => gens.some((g) => g.text.includes(`<${tag} Include=`)),
      (rel) => {
        const p = resolve(dir, rel);
        if (p === undefined || !(ctx.gitPaths.has(p) || ctx.tarballPaths.has(p))) return undefined;
        if (!ctx.gitPaths.has(p)) named.add(p);
        return p;
      },
    );
    if (!filled) return undefined;
    return makeFinding('GENERATED_FROM_SOURCE', diff.path, {
      how: 'template', source: template, generator: gens.map((g) => g.path).join(', '), files: filled.placeholders, found: filled.elements,
      ...(named.size ? { named: [...named].sort() } : {}),
    });
  },
};
