/**
 * gnulib-tool's --local-dir (pure): a project keeps, in git, files that replace gnulib's (`<localdir>/lib/x.c`)
 * and patches gnulib-tool applies to gnulib's copy with `patch` (`<localdir>/lib/x.c.diff`, unified or context
 * format). A tarball copy equal to the tracked override, or to the pinned gnulib file with the tracked patch
 * applied (as gnulib-tool's `patch` applies it: hunks may move, and up to 2 lines of a hunk may differ — GNU
 * patch's default fuzz), is explained by files in git: the result is fixed by the pinned file and the tracked patch.
 */
import { applyPatch, parsePatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';

/** Parse one file's context diff (`*** a`, `--- b`, `***************` hunks) into a structured patch. */
export function parseContextDiff(text: string): StructuredPatch | undefined {
  const lines = text.split('\n');
  const hunks: StructuredPatchHunk[] = [];
  let i = 0;
  while (i < lines.length && !lines[i]!.startsWith('***************')) i++;
  const range = (s: string) => {
    const m = /^(\d+)(?:,(\d+))?$/.exec(s);
    return m ? { start: Number(m[1]), end: Number(m[2] ?? m[1]) } : undefined;
  };
  while (i < lines.length && lines[i]!.startsWith('***************')) {
    const oldHead = /^\*\*\* (\S+) \*\*\*\*$/.exec(lines[++i] ?? '');
    const o = oldHead ? range(oldHead[1]!) : undefined;
    if (!o) return undefined;
    i++;
    const oldLines: string[] = [];
    while (i < lines.length && !/^--- \S+ ----$/.test(lines[i]!)) oldLines.push(lines[i++]!);
    const n = range(/^--- (\S+) ----$/.exec(lines[i] ?? '')?.[1] ?? '');
    if (!n) return undefined;
    i++;
    const newLines: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith('***************') && !/^(?:\*\*\*|---|diff|Index:|Only in) /.test(lines[i]!) && lines[i] !== '') newLines.push(lines[i++]!);
    while (i < lines.length && lines[i] === '') i++;
    const bad = (l: string) => !/^[ !+-] /.test(l) && l !== ' ' && l !== '!' && l !== '+' && l !== '-';
    if (oldLines.some(bad) || newLines.some(bad)) return undefined;
    const body = (l: string) => l.slice(2);
    const out: string[] = [];
    if (!oldLines.length) for (const l of newLines) out.push(`${l[0] === '+' ? '+' : ' '}${body(l)}`);
    else if (!newLines.length) for (const l of oldLines) out.push(`${l[0] === '-' ? '-' : ' '}${body(l)}`);
    else {
      let a = 0;
      let b = 0;
      while (a < oldLines.length || b < newLines.length) {
        const x = oldLines[a];
        const y = newLines[b];
        if (x?.[0] === '-') (out.push(`-${body(x)}`), a++);
        else if (y?.[0] === '+') (out.push(`+${body(y)}`), b++);
        else if (x?.[0] === '!' || y?.[0] === '!') {
          while (oldLines[a]?.[0] === '!') out.push(`-${body(oldLines[a++]!)}`);
          while (newLines[b]?.[0] === '!') out.push(`+${body(newLines[b++]!)}`);
        } else if (x !== undefined && y !== undefined) {
          if (body(x) !== body(y)) return undefined;
          out.push(` ${body(x)}`);
          a++;
          b++;
        } else return undefined;
      }
    }
    const oldCount = out.filter((l) => l[0] !== '+').length;
    const newCount = out.filter((l) => l[0] !== '-').length;
    hunks.push({ oldStart: o.start, oldLines: oldCount, newStart: n.start, newLines: newCount, lines: out });
  }
  return hunks.length ? { oldFileName: '', newFileName: '', oldHeader: '', newHeader: '', hunks } : undefined;
}

/**
 * A unified diff read the way GNU patch reads it: each hunk is as long as its `@@ -a,b +c,d @@` header counts, an
 * empty line inside a hunk is an empty context line (editors and git strip the lone space of a blank context line),
 * and lines outside the hunks — a `git format-patch` signature (`-- ` and the git version), a mail's trailing text —
 * are not part of the patch. Undefined when a hunk is cut short or holds a line of no hunk form.
 */
export function normaliseUnifiedDiff(text: string): string | undefined {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const head = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (!head) {
      if (/^(?:---|\+\+\+) /.test(line)) out.push(line);
      i++;
      continue;
    }
    out.push(line);
    i++;
    let oldLeft = head[1] === undefined ? 1 : Number(head[1]);
    let newLeft = head[2] === undefined ? 1 : Number(head[2]);
    while (oldLeft > 0 || newLeft > 0) {
      if (i >= lines.length) return undefined;
      const l = lines[i++]!;
      const kind = l === '' ? ' ' : l[0];
      if (kind === ' ') (oldLeft--, newLeft--);
      else if (kind === '-') oldLeft--;
      else if (kind === '+') newLeft--;
      else if (kind === '\\') {
        out.push(l);
        continue;
      } else return undefined;
      if (oldLeft < 0 || newLeft < 0) return undefined;
      out.push(l === '' ? ' ' : l);
    }
    if (lines[i]?.startsWith('\\')) out.push(lines[i++]!);
  }
  return `${out.join('\n')}\n`;
}

/** `source` with the tracked patch `diffText` applied, or undefined when a hunk does not fit (fuzz 2, as GNU patch). */
export function applyLocalDiff(source: string, diffText: string): string | undefined {
  let patch: StructuredPatch | undefined;
  if (/^\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*$/m.test(diffText)) patch = parseContextDiff(diffText);
  else {
    const unified = normaliseUnifiedDiff(diffText);
    if (unified === undefined) return undefined;
    try {
      const parsed = parsePatch(unified);
      patch = parsed.length === 1 && parsed[0]!.hunks.length ? parsed[0] : undefined;
    } catch {
      patch = undefined;
    }
  }
  if (!patch) return undefined;
  const out = applyPatch(source, patch, { fuzzFactor: 2 });
  return out === false ? undefined : out;
}
