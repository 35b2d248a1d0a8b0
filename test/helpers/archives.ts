/**
 * Archives built by the real tools (GNU tar, gzip, xz, bzip2, zstd, zip) and hand-written raw tar
 * headers for hostile cases.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

export type Compress = 'none' | 'gzip' | 'xz' | 'bzip2' | 'zstd';
export type TarFormat = 'gnu' | 'pax' | 'ustar' | 'v7' | 'oldgnu' | 'posix';

export interface MakeTarOptions {
  compress?: Compress;
  format?: TarFormat;
  /** Output path (default: next to `dir`, named after it). */
  out?: string;
  /** Archive `dir`'s contents as './…' (true) or under its own name as a top-level prefix (false, default). */
  flat?: boolean;
  /** Extra GNU tar arguments placed before the member list (e.g. ['--hard-dereference'] or ['-P']). */
  args?: string[];
  /** Members to archive (default: the directory itself, or '.' when flat). */
  members?: string[];
}

const COMPRESSOR: Record<Exclude<Compress, 'none'>, { cmd: string; args: string[]; ext: string }> = {
  gzip: { cmd: 'gzip', args: ['-n', '-c'], ext: '.gz' },
  xz: { cmd: 'xz', args: ['-c', '-T1'], ext: '.xz' },
  bzip2: { cmd: 'bzip2', args: ['-c'], ext: '.bz2' },
  zstd: { cmd: 'zstd', args: ['-q', '-c'], ext: '.zst' },
};

/** Compress a file with the real tool; returns the output path. */
export function compressFile(file: string, compress: Exclude<Compress, 'none'>, out?: string): string {
  const c = COMPRESSOR[compress];
  const data = execFileSync(c.cmd, [...c.args, file], { maxBuffer: 1 << 30 });
  const dest = out ?? file + c.ext;
  writeFileSync(dest, data);
  return dest;
}

/** Build a tar (optionally compressed) of `dir` with GNU tar, deterministic metadata. Returns its path. */
export function makeTar(dir: string, opts: MakeTarOptions = {}): string {
  const format = opts.format ?? 'gnu';
  const compress = opts.compress ?? 'none';
  const tarPath = opts.out && compress === 'none' ? opts.out : join(dirname(dir), `${basename(dir)}-${format}-${Date.now()}-${Math.random().toString(36).slice(2)}.tar`);
  const cwd = opts.flat ? dir : dirname(dir);
  const members = opts.members ?? (opts.flat ? ['.'] : [basename(dir)]);
  execFileSync(
    'tar',
    [`--format=${format}`, '--sort=name', '--mtime=@1700000000', '--owner=0', '--group=0', '--numeric-owner', ...(opts.args ?? []), '-cf', tarPath, '-C', cwd, ...members],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (compress === 'none') return tarPath;
  return compressFile(tarPath, compress, opts.out);
}

/** Append members to an existing uncompressed tar with `tar -r` (duplicates are appended, not replaced). */
export function appendTar(tarPath: string, cwd: string, members: string[], format: TarFormat = 'gnu'): void {
  execFileSync('tar', [`--format=${format}`, '--mtime=@1700000000', '-rf', tarPath, '-C', cwd, ...members], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Zip `dir` with Info-ZIP (symlinks stored as links, no extra attributes). Returns the zip path. */
export function makeZip(dir: string, opts: { out?: string; flat?: boolean } = {}): string {
  const out = opts.out ?? join(dirname(dir), `${basename(dir)}-${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  const cwd = opts.flat ? dir : dirname(dir);
  execFileSync('zip', ['-q', '-r', '-y', '-X', out, opts.flat ? '.' : basename(dir)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return out;
}

let sha256Repo: string | undefined;

/** `git hash-object` of a file (sha1, or sha256 through a throw-away sha256 repository). */
export function gitHashObject(file: string, algo: 'sha1' | 'sha256' = 'sha1'): string {
  if (algo === 'sha1') return execFileSync('git', ['hash-object', '--no-filters', file], { encoding: 'utf8' }).trim();
  if (!sha256Repo) {
    sha256Repo = mkdtempSync(join(tmpdir(), 'distdiff-sha256-'));
    execFileSync('git', ['init', '-q', '--bare', '--object-format=sha256', sha256Repo]);
  }
  return execFileSync('git', ['--git-dir', sha256Repo, 'hash-object', '--no-filters', '--stdin'], { input: readFileSync(file), encoding: 'utf8' }).trim();
}

export interface RawEntryOptions {
  /** Type flag character: '0' file (default), '1' hardlink, '2' symlink, '3' char dev, '5' dir, '6' fifo, 'x' pax, 'g' pax global, 'L' GNU long name, 'S' sparse … */
  type?: string;
  linkname?: string | Buffer;
  mode?: number;
  /** Size written in the header (default: content length). */
  size?: number;
  /** 'ustar' (POSIX "ustar\0" + "00", default) or 'gnu' ("ustar  \0"). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** Corrupt the checksum field after computing it. */
  badChecksum?: boolean;
}

function putOctal(b: Buffer, off: number, len: number, v: number): void {
  b.write(v.toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1');
}

/** One tar header block for `name` (≤ 100 bytes) with a correct checksum. */
export function rawTarHeader(name: string | Buffer, size: number, o: RawEntryOptions = {}): Buffer {
  const h = Buffer.alloc(512);
  const nb = typeof name === 'string' ? Buffer.from(name) : name;
  if (nb.length > 100) throw new Error('rawTarHeader: name longer than 100 bytes; use a pax or L entry');
  nb.copy(h, 0);
  putOctal(h, 100, 8, o.mode ?? (o.type === '5' ? 0o755 : 0o644));
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 1700000000);
  h.write(o.type ?? '0', 156, 1, 'latin1');
  if (o.linkname !== undefined) (typeof o.linkname === 'string' ? Buffer.from(o.linkname) : o.linkname).copy(h, 157);
  const magic = o.magic ?? 'ustar';
  if (magic === 'ustar') h.write('ustar\u000000', 257, 8, 'latin1');
  else if (magic === 'gnu') h.write('ustar  \u0000', 257, 8, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  if (o.badChecksum) h[148] = h[148] === 0x30 ? 0x31 : 0x30;
  return h;
}

/** A complete entry: header, content, zero padding to the next 512-byte boundary. */
export function rawTarEntry(name: string | Buffer, content: string | Buffer = '', o: RawEntryOptions = {}): Buffer {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([rawTarHeader(name, o.size ?? data.length, o), data, Buffer.alloc(pad)]);
}

/** A pax extended header entry ('x', or 'g' for global) with the given records. */
export function rawPaxEntry(records: Record<string, string | Buffer>, global = false): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(records)) {
    const body = Buffer.concat([Buffer.from(` ${k}=`), typeof v === 'string' ? Buffer.from(v) : v, Buffer.from('\n')]);
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(Buffer.concat([Buffer.from(String(len)), body]));
  }
  return rawTarEntry(global ? 'pax_global_header' : 'PaxHeader', Buffer.concat(parts), { type: global ? 'g' : 'x' });
}

/** The end-of-archive marker: two zero blocks. */
export const TAR_END = Buffer.alloc(1024);

/** A whole tar from raw entries plus the end-of-archive marker. */
export function rawTar(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, TAR_END]);
}
