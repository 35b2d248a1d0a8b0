/**
 * The structure of a PDF a release generates (groff's gropdf, Ghostscript's pdfwrite, pdfTeX, Doxygen's LaTeX …):
 * one revision, and every byte between its header and its cross-reference section inside an object that section
 * lists (red team 16). A payload riding inside the `%PDF-…%%EOF` frame was GENERATED_DOCS: an incremental update
 * appended after the first `%%EOF` (a second body, xref and `%%EOF`, still framed), or an object inserted between
 * two objects of the body that the cross-reference section does not list (no reader ever looks at it). A writer
 * that makes a PDF in one pass writes neither: measured on the 104 PDFs the evaluation set's releases generate and
 * every other PDF in its archives (groff/gropdf, Ghostscript, pdfTeX, LibreOffice, cairo, Quartz; classic tables
 * and PDF 1.5 cross-reference streams).
 *
 * Checked, on the retained bytes: exactly one `startxref` (two in a linearized file, whose first page has its own
 * section); the section at the last `startxref` is a classic table or a cross-reference stream (FlateDecode, PNG
 * predictors), and every in-use entry's offset starts `N G obj` with that number; between one listed object's
 * `endobj` and the next listed offset (and between the header and the first object) only white space and
 * `%` comments; after a table only its trailer dictionary. Objects compressed inside object streams are part of
 * those streams' bytes, so they need nothing more.
 */
import { inflateSync } from 'node:zlib';

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);

/** Skips white space and `%` comments from `i`; the index of the first other byte. */
function skipFiller(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (WS.has(c)) i++;
    else if (c === 0x25) {
      while (i < end && s[i] !== '\n' && s[i] !== '\r') i++;
    } else break;
  }
  return i;
}

interface Entry { num: number; offset: number }

/** The end (exclusive) of the object starting at `at` (after its `endobj`), or -1 when it is not an object. */
function objectEnd(s: string, at: number, limit: number): { num: number; end: number } | undefined {
  const head = /^(\d+)\s+(\d+)\s+obj\b/.exec(s.slice(at, at + 40));
  if (!head) return undefined;
  const num = Number(head[1]);
  let i = at + head[0].length;
  const endobj = s.indexOf('endobj', i);
  const stream = /\bstream(?:\r\n|\n|\r)/g;
  stream.lastIndex = i;
  const st = stream.exec(s);
  if (st && st.index < (endobj === -1 ? limit : endobj) && st.index < limit) {
    const dict = s.slice(i, st.index);
    const len = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
    const dataStart = st.index + st[0].length;
    let after: number;
    if (len && s.startsWith('endstream', skipFiller(s, dataStart + Number(len[1]), limit))) after = skipFiller(s, dataStart + Number(len[1]), limit);
    else after = s.indexOf('endstream', dataStart);
    if (after === -1 || after >= limit) return undefined;
    i = after + 'endstream'.length;
    const e = s.indexOf('endobj', i);
    if (e === -1 || e >= limit) return undefined;
    return { num, end: e + 'endobj'.length };
  }
  if (endobj === -1 || endobj >= limit) return undefined;
  return { num, end: endobj + 'endobj'.length };
}

/** The entries of a classic table at `at` and the index where its trailer ends (at `startxref`). */
function tableEntries(s: string, at: number, startxrefAt: number): Entry[] | undefined {
  let i = at + 'xref'.length;
  const out: Entry[] = [];
  const sub = /^\s*(\d+)\s+(\d+)[ \t]*(?:\r\n|\n|\r)/;
  for (;;) {
    const rest = s.slice(i, i + 64);
    const m = sub.exec(rest);
    if (!m) break;
    let num = Number(m[1]);
    const count = Number(m[2]);
    i += m[0].length;
    const entry = /^(\d{10}) (\d{5}) ([nf])[ \t\r\n]{1,2}/;
    for (let k = 0; k < count; k++, num++) {
      const e = entry.exec(s.slice(i, i + 20));
      if (!e) return undefined;
      if (e[3] === 'n') out.push({ num, offset: Number(e[1]) });
      i += e[0].length;
    }
  }
  const trailer = s.slice(i, startxrefAt);
  if (!/^\s*trailer\s*<<[\s\S]*>>\s*$/.test(trailer) || /\bstream\b|\bobj\b/.test(trailer)) return undefined;
  return out;
}

function unpredict(data: Buffer, columns: number): Buffer | undefined {
  const row = columns + 1;
  if (data.length % row !== 0) return undefined;
  const out = Buffer.alloc((data.length / row) * columns);
  for (let r = 0; r * row < data.length; r++) {
    const type = data[r * row]!;
    for (let c = 0; c < columns; c++) {
      const x = data[r * row + 1 + c]!;
      const a = c > 0 ? out[r * columns + c - 1]! : 0;
      const b = r > 0 ? out[(r - 1) * columns + c]! : 0;
      const cc = r > 0 && c > 0 ? out[(r - 1) * columns + c - 1]! : 0;
      let v: number;
      if (type === 0) v = x;
      else if (type === 1) v = x + a;
      else if (type === 2) v = x + b;
      else if (type === 3) v = x + ((a + b) >> 1);
      else if (type === 4) {
        const p = a + b - cc;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - cc);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : cc);
      } else return undefined;
      out[r * columns + c] = v & 0xff;
    }
  }
  return out;
}

/** The type-1 entries of a cross-reference stream object at `at`. */
function streamEntries(b: Buffer, s: string, at: number, limit: number): Entry[] | undefined {
  const end = objectEnd(s, at, limit);
  if (!end) return undefined;
  const obj = s.slice(at, end.end);
  const st = /\bstream(?:\r\n|\n|\r)/.exec(obj);
  if (!st) return undefined;
  const dict = obj.slice(0, st.index);
  if (!/\/Type\s*\/XRef\b/.test(dict)) return undefined;
  const w = /\/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(dict);
  if (!w) return undefined;
  const widths = [Number(w[1]), Number(w[2]), Number(w[3])];
  const size = /\/Size\s+(\d+)/.exec(dict);
  const index = /\/Index\s*\[([\d\s]*)\]/.exec(dict);
  const ranges = (index ? index[1]!.trim().split(/\s+/).map(Number) : [0, Number(size?.[1] ?? 0)]);
  const dataStart = at + st.index + st[0].length;
  const dataEnd = s.lastIndexOf('endstream', at + obj.length);
  let data = b.subarray(dataStart, dataEnd);
  if (/\/Filter\s*\/FlateDecode/.test(dict)) {
    try {
      data = inflateSync(data);
    } catch {
      return undefined;
    }
  } else if (/\/Filter/.test(dict)) return undefined;
  const pred = /\/Predictor\s+(\d+)/.exec(dict);
  const rowLen = widths[0]! + widths[1]! + widths[2]!;
  if (pred && Number(pred[1]) >= 10) {
    const cols = /\/Columns\s+(\d+)/.exec(dict);
    const u = unpredict(data, Number(cols?.[1] ?? 1));
    if (!u) return undefined;
    data = u;
  }
  const out: Entry[] = [];
  let p = 0;
  const field = (n: number, dflt: number) => {
    if (n === 0) return dflt;
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 256 + data[p++]!;
    return v;
  };
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    for (let k = 0; k < ranges[r + 1]!; k++) {
      if (p + rowLen > data.length) return undefined;
      const type = field(widths[0]!, 1);
      const f2 = field(widths[1]!, 0);
      field(widths[2]!, 0);
      if (type === 1) out.push({ num: ranges[r]! + k, offset: f2 });
    }
  }
  return out;
}

/**
 * Why a PDF's structure is not one a generator writes in one pass ('revisions', 'xref', 'unlisted'), or undefined
 * when it is. The caller has checked the `%PDF-` header and the final `%%EOF` (docs.ts wholePdf).
 */
export function pdfStructureProblem(b: Buffer): 'revisions' | 'xref' | 'unlisted' | undefined {
  const s = b.toString('latin1');
  const starts = [...s.matchAll(/startxref\s+(\d+)\s+%%EOF/g)];
  const linearized = /\/Linearized\b/.test(s.slice(0, 4096));
  if (starts.length === 0) return 'xref';
  if (starts.length > (linearized ? 2 : 1)) return 'revisions';
  const last = starts[starts.length - 1]!;
  const x = Number(last[1]);
  if (x <= 0 || x >= last.index) return 'xref';
  let entries: Entry[] | undefined;
  let bodyEnd: number;
  if (s.startsWith('xref', x)) {
    entries = tableEntries(s, x, last.index);
    bodyEnd = x;
  } else {
    entries = streamEntries(b, s, x, last.index);
    // the cross-reference stream is itself the body's last object
    bodyEnd = last.index;
    if (entries) entries.push({ num: Number(/^(\d+)/.exec(s.slice(x, x + 12))?.[1] ?? -1), offset: x });
  }
  if (!entries) return 'xref';
  if (linearized) {
    // the first page's section (at the other startxref's offset, or just after the linearization dictionary) lists
    // the first page's objects: read it too
    const first = starts.length === 2 ? Number(starts[0]![1]) : 0;
    const more = first > 0 ? (s.startsWith('xref', first) ? tableEntries(s, first, s.indexOf('startxref', first)) : streamEntries(b, s, first, s.indexOf('startxref', first))) : [];
    if (!more) return 'xref';
    entries.push(...more);
    if (first > 0 && !s.startsWith('xref', first)) entries.push({ num: Number(/^(\d+)/.exec(s.slice(first, first + 12))?.[1] ?? -1), offset: first });
  }
  const byOffset = new Map<number, number>();
  for (const e of entries) if (e.offset > 0) byOffset.set(e.offset, e.num);
  const offsets = [...byOffset.keys()].sort((p, q) => p - q);
  // the first-page section of a linearized file is a table between objects: its span is its own
  const tables = linearized && starts.length === 2 && s.startsWith('xref', Number(starts[0]![1])) ? [Number(starts[0]![1])] : [];
  const header = s.indexOf('\n');
  let at = skipFiller(s, header === -1 ? 0 : header + 1, s.length);
  for (const off of offsets) {
    if (off >= bodyEnd && off !== x) return 'xref';
  }
  const bounds = [...offsets.filter((o) => o < bodyEnd || o === x), ...tables].sort((p, q) => p - q);
  if (bounds.length === 0 || at !== bounds[0]) return 'unlisted';
  for (let k = 0; k < bounds.length; k++) {
    const off = bounds[k]!;
    const next = k + 1 < bounds.length ? bounds[k + 1]! : bodyEnd;
    if (tables.includes(off)) {
      const sx = s.indexOf('startxref', off);
      const eof = s.indexOf('%%EOF', sx);
      if (sx === -1 || eof === -1 || eof > next) return 'unlisted';
      at = skipFiller(s, eof + 5, next);
    } else {
      const o = objectEnd(s, off, next === off ? s.length : Math.max(next, off + 1));
      if (!o || o.num !== byOffset.get(off)) return 'xref';
      at = skipFiller(s, o.end, next);
    }
    if (at !== next && !(k + 1 === bounds.length && next === last.index && at >= next)) return 'unlisted';
  }
  return undefined;
}
