/**
 * Decompression of the raw input into a tar byte stream, hashing the raw bytes (sha256) on the way.
 *
 * Chosen on measurements (RESEARCH.md "Measured"): xz, zstd and bzip2 run as child processes (`xz -T2 -dc`
 * decodes in parallel with our hashing on the main thread); gzip runs in-process with zlib. When a
 * system tool is missing, a pure-JS fallback decodes in-process. Nothing but these decompressors is
 * ever spawned.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';
import type { Compression } from '../core/types.js';

const READ_CHUNK = 1 << 20;

export interface DecodeOptions {
  /** false: never spawn system decompressors, use the in-process fallbacks (tests, sandboxes). Default true. */
  systemDecoders?: boolean;
}

export interface DecodedStream {
  /** How the stream is decoded, e.g. "xz -T2 (system)", "zlib", "fallback: fzstd (zstd not found)". */
  decoder: string;
  /** Decoded bytes. Iteration throws a DistdiffError when the decoder fails. */
  chunks: AsyncIterable<Buffer>;
  /**
   * The same bytes pushed to `onChunk` as they arrive ('data' events: far cheaper per chunk than async
   * iteration). Resolves at the end; rejects with the mapped decoder error, or with what `onChunk` threw
   * (no further chunk is delivered then; call abort()). Use either this or `chunks`, once.
   */
  consume(onChunk: (chunk: Buffer) => void): Promise<void>;
  /** Settles when decoding is over: rejects with a DistdiffError naming the input when it failed. */
  done: Promise<void>;
  /** Raw input bytes read so far. */
  readonly inputBytes: number;
  /** sha256 of the raw input (valid once `done` resolved). */
  sha256(): string;
  /** Stop everything (kills the child, closes the file). */
  abort(): void;
  /** The producer never reuses a chunk's memory after handing it out (so chunks may be referenced later). */
  stableChunks: boolean;
}

const TOOLS: Record<Exclude<Compression, 'none' | 'gzip'>, { cmd: string; args: string[]; label: string }> = {
  xz: { cmd: 'xz', args: ['-T2', '-dc'], label: 'xz -T2 (system)' },
  zstd: { cmd: 'zstd', args: ['-dcq'], label: 'zstd (system)' },
  bzip2: { cmd: 'bzip2', args: ['-dc'], label: 'bzip2 (system)' },
};

const FORMAT_NAME: Record<Compression, string> = { none: 'tar', gzip: 'gzip', xz: 'xz', bzip2: 'bzip2', zstd: 'zstd' };

export function corruptError(input: string, compression: Compression, why?: string): DistdiffError {
  return new DistdiffError(
    'archive',
    input,
    `${FORMAT_NAME[compression]} data is corrupt or truncated${why ? ` (${why})` : ''}`,
    'the download may be incomplete or damaged; fetch it again and check its checksum',
  );
}

function readError(input: string, e: unknown): DistdiffError {
  const msg = e instanceof Error ? e.message : String(e);
  return new DistdiffError('archive', input, `cannot read the file: ${msg}`, 'check the path and permissions');
}

/** Start a child decompressor; resolves undefined when the command does not exist. */
function trySpawn(cmd: string, args: string[]): Promise<ChildProcessWithoutNullStreams | undefined> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    const onError = (e: NodeJS.ErrnoException) => {
      child.off('spawn', onSpawn);
      if (e.code === 'ENOENT') resolve(undefined);
      else reject(e);
    };
    const onSpawn = () => {
      child.off('error', onError);
      resolve(child);
    };
    child.once('error', onError);
    child.once('spawn', onSpawn);
  });
}

/** `consume` over a readable: see DecodedStream.consume. */
function consumer(src: Readable, mapErr: (e: unknown) => unknown): (onChunk: (chunk: Buffer) => void) => Promise<void> {
  return (onChunk) =>
    new Promise<void>((resolve, reject) => {
      let stopped = false;
      const fail = (e: unknown) => {
        if (stopped) return;
        stopped = true;
        reject(e);
      };
      src.on('data', (c: Buffer) => {
        if (stopped) return;
        try {
          onChunk(c);
        } catch (e) {
          fail(e);
        }
      });
      src.once('end', () => {
        if (!stopped) resolve();
      });
      src.once('error', (e) => fail(mapErr(e)));
    });
}

/** Wrap an async iterable so that any error it throws becomes `mapErr(e)`. */
async function* mapErrors(src: AsyncIterable<Buffer>, mapErr: (e: unknown) => unknown): AsyncGenerator<Buffer> {
  try {
    for await (const c of src) yield c as Buffer;
  } catch (e) {
    throw mapErr(e);
  }
}

export async function openDecoded(path: string, compression: Compression, opts: DecodeOptions = {}): Promise<DecodedStream> {
  // Start the decoder before opening the file: the file stream starts flowing as soon as it is hashed.
  let child: ChildProcessWithoutNullStreams | undefined;
  let fb: Fallback | undefined;
  const tool = compression === 'none' || compression === 'gzip' ? undefined : TOOLS[compression];
  if (tool) {
    if (opts.systemDecoders !== false) {
      try {
        child = await trySpawn(tool.cmd, tool.args);
      } catch (e) {
        throw new DistdiffError('archive', path, `cannot start ${tool.cmd}: ${e instanceof Error ? e.message : String(e)}`, `install ${tool.cmd} or check its permissions`);
      }
    }
    if (!child) fb = await fallbackDecoder(compression as 'xz' | 'zstd' | 'bzip2');
  }
  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  const sha = createHash('sha256');
  let inputBytes = 0;
  let fileError: DistdiffError | undefined;
  file.on('data', (c) => {
    inputBytes += c.length;
    sha.update(c as Buffer);
  });
  file.on('error', (e) => {
    fileError ??= readError(path, e);
  });
  let digest: string | undefined;
  const base = {
    get inputBytes() {
      return inputBytes;
    },
    sha256() {
      digest ??= sha.digest('hex');
      return digest;
    },
  };

  if (compression === 'none') {
    const done = new Promise<void>((resolve, reject) => {
      file.on('end', resolve);
      file.on('error', (e) => reject(readError(path, e)));
    });
    done.catch(() => {});
    const out = file.pipe(new PassThrough({ highWaterMark: READ_CHUNK }));
    file.on('error', (e) => out.destroy(readError(path, e)));
    const mapErr = (e: unknown) => (e instanceof DistdiffError ? e : readError(path, e));
    return {
      ...base,
      get inputBytes() {
        return inputBytes;
      },
      decoder: 'none',
      stableChunks: true,
      chunks: mapErrors(out as AsyncIterable<Buffer>, mapErr),
      consume: consumer(out, mapErr),
      done,
      abort: () => file.destroy(),
    };
  }

  if (compression === 'gzip') {
    const gunzip = createGunzip({ chunkSize: READ_CHUNK });
    file.pipe(gunzip);
    file.on('error', (e) => gunzip.destroy(readError(path, e)));
    const mapErr = (e: unknown) => (e instanceof DistdiffError ? e : corruptError(path, 'gzip', e instanceof Error ? e.message : String(e)));
    const done = new Promise<void>((resolve, reject) => {
      gunzip.on('end', resolve);
      gunzip.on('error', (e) => reject(mapErr(e)));
    });
    done.catch(() => {});
    return {
      ...base,
      get inputBytes() {
        return inputBytes;
      },
      decoder: 'zlib',
      stableChunks: true,
      chunks: mapErrors(gunzip as AsyncIterable<Buffer>, mapErr),
      consume: consumer(gunzip, mapErr),
      done,
      abort: () => {
        file.destroy();
        gunzip.destroy();
      },
    };
  }

  if (!child) {
    const why = opts.systemDecoders === false ? 'system decoders disabled' : `${tool!.cmd} not found`;
    const hashed = new PassThrough({ highWaterMark: READ_CHUNK });
    file.pipe(hashed);
    const out = fb!.decode(hashed);
    const mapErr = (e: unknown) =>
      e instanceof DistdiffError ? e : fileError ?? corruptError(path, compression, e instanceof Error ? e.message : String(e));
    const done = new Promise<void>((resolve, reject) => {
      out.on('end', resolve);
      out.on('error', (e) => reject(mapErr(e)));
    });
    done.catch(() => {});
    return {
      ...base,
      get inputBytes() {
        return inputBytes;
      },
      decoder: `fallback: ${fb!.name} (${why})`,
      stableChunks: false,
      chunks: mapErrors(out as AsyncIterable<Buffer>, mapErr),
      consume: consumer(out, mapErr),
      done,
      abort: () => {
        file.destroy();
        out.destroy();
      },
    };
  }

  const proc = child;
  const t = tool!;
  const childErr = (e: unknown) => (e instanceof DistdiffError ? e : corruptError(path, compression, String(e)));
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
  });
  proc.stdin.on('error', () => {
    /* EPIPE when the decoder stops early: its exit status tells what happened */
  });
  file.pipe(proc.stdin);
  let aborted = false;
  const done = new Promise<void>((resolve, reject) => {
    proc.on('close', (code, signal) => {
      if (fileError) reject(fileError);
      else if (code === 0) resolve();
      else if (aborted) reject(new DistdiffError('archive', path, `${t.cmd} was stopped`, ''));
      else {
        const line = stderr
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)[0];
        reject(corruptError(path, compression, line ? line.replace(/^[^:]*\(stdin\):\s*/, '').replace(/^\w+:\s*/, `${t.cmd}: `) : signal ? `${t.cmd} killed by ${signal}` : `${t.cmd} exited with status ${code}`));
      }
    });
  });
  done.catch(() => {});
  return {
    ...base,
    get inputBytes() {
      return inputBytes;
    },
    decoder: t.label,
    stableChunks: true,
    chunks: mapErrors(proc.stdout as AsyncIterable<Buffer>, childErr),
    consume: consumer(proc.stdout, childErr),
    done,
    abort: () => {
      aborted = true;
      file.destroy();
      proc.kill('SIGTERM');
    },
  };
}

// ---- pure-JS fallbacks, used only when the system tool is missing ----

interface Fallback {
  name: string;
  decode(src: Readable): Readable;
}

async function fallbackDecoder(c: 'xz' | 'zstd' | 'bzip2'): Promise<Fallback> {
  if (c === 'zstd') {
    const { Decompress } = await import('fzstd');
    return {
      name: 'fzstd',
      decode(src) {
        const out = new PassThrough({ highWaterMark: READ_CHUNK });
        const d = new Decompress((chunk: Uint8Array) => {
          if (!out.write(Buffer.from(chunk))) src.pause();
        });
        out.on('drain', () => src.resume());
        src.on('data', (c: Buffer) => {
          try {
            d.push(c);
          } catch (e) {
            src.destroy();
            out.destroy(e as Error);
          }
        });
        src.on('end', () => {
          try {
            d.push(new Uint8Array(0), true);
            out.end();
          } catch (e) {
            out.destroy(e as Error);
          }
        });
        src.on('error', (e) => out.destroy(e));
        return out;
      },
    };
  }
  if (c === 'xz') {
    const xzMod = (await import('xz-decompress')) as unknown as { XzReadableStream?: unknown; default?: { XzReadableStream: unknown } };
    const XzReadableStream = (xzMod.XzReadableStream ?? xzMod.default!.XzReadableStream) as new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
    return {
      name: 'xz-decompress',
      decode(src) {
        const web = Readable.toWeb(src) as unknown as ReadableStream<Uint8Array>;
        return Readable.fromWeb(new XzReadableStream(web) as never);
      },
    };
  }
  // No type declarations ship with unbzip2-stream: a non-literal specifier keeps it untyped.
  const bzName = 'unbzip2-stream';
  const { default: bunzip } = (await import(bzName)) as { default: () => NodeJS.ReadWriteStream };
  return {
    name: 'unbzip2-stream',
    decode(src) {
      // unbzip2-stream is a classic `through` stream: pipe it into a PassThrough to get a modern Readable.
      const t = bunzip();
      const out = new PassThrough({ highWaterMark: READ_CHUNK });
      src.on('error', (e) => out.destroy(e));
      t.on('error', (e: Error) => out.destroy(e));
      src.pipe(t).pipe(out);
      return out;
    },
  };
}
