/**
 * A PNG's pixels, and how two renderings of one drawing differ (src/regenerate/fig2dev.ts). Pure: bytes in, numbers out.
 *
 * decodePng reads a non-interlaced PNG of bit depth 1–8 (grey, RGB, palette, grey+alpha, RGBA) into RGBA per pixel;
 * it refuses (undefined) anything else: a chunk outside IHDR/PLTE/tRNS/IDAT/IEND (no text, no private chunk), a bad
 * CRC, bytes after IEND, a zlib stream with bytes after its end or of the wrong length, a filter type over 4.
 *
 * renderingDiff compares two decoded images of the same size pixel by pixel. A pixel that differs is "on an edge"
 * when each image has, among its 8 neighbours, the colour the other image has there: the boundary of a stroke moved
 * by one pixel, as font rasterising and hinting of another Ghostscript move it (libgcrypt 1.10.1's fips-fsm.png: 55
 * of 355,488 pixels differ, all on glyph edges). A pixel changed anywhere else (a mark in a blank area, the inside of
 * a glyph that is now another glyph) is not.
 *
 * Edge pixels alone do not tell a moved edge from another glyph: at 12 points, fips-fsm.fig's state number `2` drawn
 * as `3` changes 9 pixels, every one on an edge. So renderingDiff also groups the differing pixels into clusters
 * (pixels at most 2 apart, row and column) and asks of each whether ONE move explains it: a direction d (one of the 8
 * neighbours) such that at every pixel p of the cluster one image shows what the other shows at p + d — an edge or a
 * stroke moved by one pixel the same way all along. `largestUnshifted` is the largest cluster no single move explains.
 * Measured with Debian bookworm's fig2dev 3.2.8b / Ghostscript 10.0.0 against the shipped figures: libgcrypt 1.10.1's
 * two figures 0 (31 and 95 clusters, each one move), GnuPG 2.2.40's card-architecture figure 6 (one cluster of 124: a
 * word's i-dots one row higher beside strokes one column over); one 12-point digit of fips-fsm.fig replaced (2→3, 1→7,
 * 8→3, 6→8, 10→16, 5→6, 4→1) 9 to 20.
 */
import { inflateSync } from 'node:zlib';

export interface PngImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel, row by row. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ALLOWED = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
/** Largest image decoded (pixels). */
export const MAX_PIXELS = 16 * 1024 * 1024;

let crcTable: Uint32Array | undefined;
function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The image, or undefined when it is not a plain PNG this reads (see the module comment). */
export function decodePng(buf: Buffer): PngImage | undefined {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) return undefined;
  let i = 8;
  let ihdr: Buffer | undefined;
  let plte: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (i < buf.length) {
    if (i + 12 > buf.length) return undefined;
    const n = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    if (i + 12 + n > buf.length || !ALLOWED.has(type)) return undefined;
    if (crc32(buf.subarray(i + 4, i + 8 + n)) !== buf.readUInt32BE(i + 8 + n)) return undefined;
    const data = buf.subarray(i + 8, i + 8 + n);
    if (type === 'IHDR') { if (ihdr || i !== 8) return undefined; ihdr = data; }
    else if (!ihdr) return undefined;
    else if (type === 'PLTE') plte = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    i += 12 + n;
    if (type === 'IEND') { ended = true; break; }
  }
  if (!ended || i !== buf.length || !ihdr || ihdr.length !== 13 || !idat.length) return undefined;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const depth = ihdr[8]!;
  const type = ihdr[9]!;
  const channels = CHANNELS[type];
  if (!channels || ihdr[10] !== 0 || ihdr[11] !== 0 || ihdr[12] !== 0) return undefined;
  if (!width || !height || width * height > MAX_PIXELS) return undefined;
  if (![1, 2, 4, 8].includes(depth) || (depth < 8 && type !== 0 && type !== 3)) return undefined;
  if (type === 3 && (!plte || plte.length % 3 !== 0)) return undefined;
  const bitsPerPixel = depth * channels;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height + 1 });
  } catch {
    return undefined;
  }
  if (raw.length !== (stride + 1) * height) return undefined;
  const rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    if (filter > 4) return undefined;
    const line = new Uint8Array(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? line[x - bpp]! : 0;
      const b = prev[x]!;
      const c = x >= bpp ? prev[x - bpp]! : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = (line[x]! + pred) & 0xff;
    }
    prev = line;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      if (depth < 8) {
        const bit = x * depth;
        const v = (line[bit >> 3]! >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
        if (type === 3) {
          if (v * 3 + 2 >= plte!.length) return undefined;
          rgba[o] = plte![v * 3]!; rgba[o + 1] = plte![v * 3 + 1]!; rgba[o + 2] = plte![v * 3 + 2]!;
          rgba[o + 3] = trns && v < trns.length ? trns[v]! : 255;
        } else {
          const g = Math.round((v * 255) / ((1 << depth) - 1));
          rgba[o] = rgba[o + 1] = rgba[o + 2] = g; rgba[o + 3] = 255;
        }
        continue;
      }
      const s = x * channels;
      if (type === 3) {
        const v = line[s]!;
        if (v * 3 + 2 >= plte!.length) return undefined;
        rgba[o] = plte![v * 3]!; rgba[o + 1] = plte![v * 3 + 1]!; rgba[o + 2] = plte![v * 3 + 2]!;
        rgba[o + 3] = trns && v < trns.length ? trns[v]! : 255;
      } else if (type === 0 || type === 4) {
        rgba[o] = rgba[o + 1] = rgba[o + 2] = line[s]!; rgba[o + 3] = type === 4 ? line[s + 1]! : 255;
      } else {
        rgba[o] = line[s]!; rgba[o + 1] = line[s + 1]!; rgba[o + 2] = line[s + 2]!; rgba[o + 3] = type === 6 ? line[s + 3]! : 255;
      }
    }
  }
  return { width, height, rgba };
}

export interface RenderingDiff {
  /** Pixels whose colour differs. */
  differing: number;
  /** Of those, pixels not on an edge (see the module comment). */
  offEdge: number;
  /** Pixels of the largest cluster of differing pixels that no single one-pixel move explains (module comment). */
  largestUnshifted: number;
  total: number;
}

/** Differing pixels at most this far apart (in rows and in columns) form one cluster. */
const CLUSTER_REACH = 2;
const MOVES: readonly (readonly [number, number])[] = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];

/** How two images of the same size differ; undefined when their sizes differ. */
export function renderingDiff(a: PngImage, b: PngImage): RenderingDiff | undefined {
  if (a.width !== b.width || a.height !== b.height) return undefined;
  const { width: w, height: h } = a;
  const px = (img: Uint8Array, x: number, y: number) => {
    const o = (y * w + x) * 4;
    return ((img[o]! << 24) | (img[o + 1]! << 16) | (img[o + 2]! << 8) | img[o + 3]!) >>> 0;
  };
  const hasNear = (img: Uint8Array, x: number, y: number, colour: number) => {
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        if ((!dx && !dy) || x + dx < 0 || y + dy < 0 || x + dx >= w || y + dy >= h) continue;
        if (px(img, x + dx, y + dy) === colour) return true;
      }
    return false;
  };
  let differing = 0;
  let offEdge = 0;
  const differs = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const ca = px(a.rgba, x, y);
      const cb = px(b.rgba, x, y);
      if (ca === cb) continue;
      differing++;
      differs[y * w + x] = 1;
      if (!(hasNear(a.rgba, x, y, cb) && hasNear(b.rgba, x, y, ca))) offEdge++;
    }
  const at = (img: Uint8Array, x: number, y: number) => (x < 0 || y < 0 || x >= w || y >= h ? -1 : px(img, x, y));
  /** One image shows at every pixel of the cluster what the other shows one move away. */
  const oneMove = (cluster: number[]) =>
    MOVES.some(([dx, dy]) =>
      [[a.rgba, b.rgba], [b.rgba, a.rgba]].some(([p, q]) => cluster.every((i) => px(p!, i % w, Math.floor(i / w)) === at(q!, (i % w) + dx, Math.floor(i / w) + dy))));
  let largestUnshifted = 0;
  const seen = new Uint8Array(w * h);
  for (let start = 0; start < w * h && differing; start++) {
    if (!differs[start] || seen[start]) continue;
    const cluster: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      cluster.push(i);
      const x = i % w, y = Math.floor(i / w);
      for (let dy = -CLUSTER_REACH; dy <= CLUSTER_REACH; dy++)
        for (let dx = -CLUSTER_REACH; dx <= CLUSTER_REACH; dx++) {
          const X = x + dx, Y = y + dy;
          if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
          const j = Y * w + X;
          if (differs[j] && !seen[j]) { seen[j] = 1; stack.push(j); }
        }
    }
    if (cluster.length > largestUnshifted && !oneMove(cluster)) largestUnshifted = cluster.length;
  }
  return { differing, offEdge, largestUnshifted, total: w * h };
}
