#!/usr/bin/env node
// Synthetic dataset generator for scripts/bench. Streams to stdout, never touches the disk itself.
//
//   node scripts/bench-gen.mjs tar         --kind tiny|tree --files N [--prefix DIR/]
//   node scripts/bench-gen.mjs fast-import --kind tiny|tree --files N [--tag v1]
//   node scripts/bench-gen.mjs fast-import --kind small --tag v1      (a 5-file repo)
//
// The same (kind, index) always yields the same path and bytes, so a tar and a fast-import stream
// made with the same arguments describe the same tree. Content is pseudo-random hex text so that
// compressed archives stay well below distdiff's decompression-ratio limit.
import process from 'node:process';

const args = process.argv.slice(2);
const mode = args.shift();
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const kind = opt('kind', 'tiny');
const files = Number(opt('files', '1000'));
const prefix = opt('prefix', '');
const tag = opt('tag', 'v1');
const MTIME = 1704067200; // 2024-01-01T00:00:00Z, fixed

if (!['tar', 'fast-import'].includes(mode) || !['tiny', 'tree', 'small'].includes(kind) || !(files >= 0)) {
  process.stderr.write('usage: bench-gen.mjs tar|fast-import --kind tiny|tree|small --files N [--prefix P] [--tag T]\n');
  process.exit(2);
}

// xorshift32: deterministic per-file stream
function rng(seed) {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}
const HEX = '0123456789abcdef';
function hexLine(r, len) {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX[r() & 15];
  return s + '\n';
}

/** @returns {{path: string, data: Buffer}} */
function file(i) {
  const r = rng(i + 1);
  if (kind === 'tiny') {
    // 1M tiny files: ~40-70 bytes each, 1000 per directory
    return { path: `d${String(Math.floor(i / 1000)).padStart(4, '0')}/f${i}.txt`, data: Buffer.from(`file ${i} ` + hexLine(r, 32 + (r() % 32))) };
  }
  if (kind === 'small') {
    return { path: ['README', 'Makefile', 'src/main.c', 'src/util.c', 'docs/notes.txt'][i], data: Buffer.from(`small ${i}\n` + hexLine(r, 60)) };
  }
  // tree: 200 .. ~4000 bytes of 64-char lines, 1000 files per directory, two levels
  const size = 200 + (r() % 3800);
  let s = `/* file ${i} */\n`;
  while (s.length < size) s += hexLine(r, 63);
  return { path: `src/m${Math.floor(i / 10000)}/d${Math.floor(i / 1000) % 10}/f${i}.c`, data: Buffer.from(s) };
}
const count = kind === 'small' ? 5 : files;

// ---- output with backpressure, in ~4 MB chunks
const out = process.stdout;
let chunks = [];
let pending = 0;
async function emit(buf) {
  chunks.push(buf);
  pending += buf.length;
  if (pending >= 4 << 20) await flush();
}
async function flush() {
  if (!pending) return;
  const b = Buffer.concat(chunks, pending);
  chunks = [];
  pending = 0;
  if (!out.write(b)) await new Promise((res) => out.once('drain', res));
}

// ---- ustar
function octal(n, width) {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}
function header(name, size, type, mode) {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`path too long for plain ustar: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(MTIME, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

async function tar() {
  const seenDirs = new Set();
  if (prefix) await emit(header(prefix, 0, '5', 0o755));
  for (let i = 0; i < count; i++) {
    const { path, data } = file(i);
    // directory entries, as real release tarballs have them
    const parts = path.split('/');
    for (let d = 1; d < parts.length; d++) {
      const dir = parts.slice(0, d).join('/') + '/';
      if (!seenDirs.has(dir)) {
        seenDirs.add(dir);
        await emit(header(prefix + dir, 0, '5', 0o755));
      }
    }
    await emit(header(prefix + path, data.length, '0', 0o644));
    await emit(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) await emit(Buffer.alloc(pad));
  }
  await emit(Buffer.alloc(1024));
  await flush();
}

async function fastImport() {
  const who = `Bench <bench@example.invalid> ${MTIME} +0000`;
  const msg = `synthetic ${kind} tree, ${count} files\n`;
  await emit(Buffer.from(`commit refs/heads/main\nmark :1\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(msg)}\n${msg}`));
  for (let i = 0; i < count; i++) {
    const { path, data } = file(i);
    await emit(Buffer.from(`M 100644 inline ${path}\ndata ${data.length}\n`));
    await emit(data);
    await emit(Buffer.from('\n'));
  }
  const tmsg = `${tag}\n`;
  await emit(Buffer.from(`\ntag ${tag}\nfrom :1\ntagger ${who}\ndata ${Buffer.byteLength(tmsg)}\n${tmsg}\n`));
  await flush();
}

await (mode === 'tar' ? tar() : fastImport());
