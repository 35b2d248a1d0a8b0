/**
 * Decompression of the raw input into a tar byte stream, hashing the raw bytes (sha256) on the way.
 *
 * Chosen on measurements (RESEARCH.md "Measured"): xz, zstd and bzip2 run as child processes (`xz -T2 -dc`
 * decodes in parallel with our hashing on the main thread); gzip runs in-process with zlib. When a
 * system tool is missing, a pure-JS fallback decodes in-process. Nothing but these decompressors is
 * ever spawned.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DistdiffError } from '../core/errors.js';
import type { Compression } from '../core/types.js';

const READ_CHUNK = 1 << 20;

export interface DecodeOptions {
  /** false: never spawn system decompressors, use the in-process fallbacks (tests, sandboxes). Default true. */
  systemDecoders?: boolean;
  /** A decompressor child that produces no output for this long is killed (default 120 s). */
  stallMs?: number;
  /**
   * false: read a child decoder's output from the pipe node gives it (a fresh 64 KiB Buffer per read) instead of
   * one reused buffer (see decoderSocket). Default true; the fallback when the socket cannot be made.
   */
  reuseReadBuffer?: boolean;
}

/**
 * The whole environment of a decompressor: PATH to find it and the C locale. Nothing else — XZ_OPT,
 * XZ_DEFAULTS, ZSTD_CLEVEL, BZIP2/BZIP … would change what is decoded (BZIP2=<file> makes bzip2 decode
 * another file; XZ_OPT=--single-stream hides trailing data).
 */
export function decoderEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}

export interface DecodedStream {
  /** How the stream is decoded, e.g. "xz -T2 (system)", "zlib", "fallback: fzstd (zstd not found)". */
  decoder: string;
  /**
   * The same bytes pushed to `onChunk` as they arrive ('data' events: far cheaper per chunk than async
   * iteration). Resolves at the end; rejects with the mapped decoder error, or with what `onChunk` threw
   * (no further chunk is delivered then; call abort()). Call it once.
   */
  consume: Consume;
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
  /**
   * Every chunk is a view of one read buffer, overwritten once `onChunk` returns (stableChunks is false): what
   * must outlive the call is copied (FileSink.release, EntryCollector.scratch).
   */
  reusedChunks?: boolean;
}

export const TOOLS: Record<Exclude<Compression, 'none' | 'gzip'>, { cmd: string; args: string[]; label: string }> = {
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
function trySpawn(cmd: string, args: string[], stdin: number, stdout?: Socket): Promise<ChildProcessByStdio<null, Readable, Readable> | undefined> {
  return new Promise((resolve, reject) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      // With `stdout` (a socket) the child's stdout is a duplicate of it and child.stdout is null.
      child = spawn(cmd, args, { stdio: [stdin, stdout ?? 'pipe', 'pipe'], env: decoderEnv(), cwd: '/' }) as ChildProcessByStdio<null, Readable, Readable>;
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

/**
 * DecodedStream.consume. `pause()` stops the flow of chunks until `resume()` (the consumer holds more than
 * it wants to; a paused child decoder is not "stalled"); both are no-ops once the stream is over.
 */
export interface Consume {
  (onChunk: (chunk: Buffer) => void): Promise<void>;
  pause?(): void;
  resume?(): void;
}

/** Decoded bytes held while nobody consumes yet; past this the source is paused. */
const EARLY_QUEUE = 8 * 1024 * 1024;

/**
 * `consume` over a readable (see DecodedStream.consume). It listens from the start: a child's stdout that
 * nobody reads when the child exits is drained and lost (node resumes untouched stdio streams), and the
 * caller may still be waiting for something else when a small archive is already decoded. Chunks that
 * arrive before `consume` is called are queued (the source pauses past EARLY_QUEUE).
 */
export function consumer(src: Readable, mapErr: (e: unknown) => unknown): Consume {
  const c = consumerOf(src, mapErr, false);
  src.on('data', c.push);
  return c.consume;
}

/**
 * consumer()'s state over `src` ('end', 'error', pause/resume) with the chunks pushed by the caller; `copyEarly`:
 * a queued chunk is copied (it is a view of a reused buffer).
 */
function consumerOf(src: Readable, mapErr: (e: unknown) => unknown, copyEarly: boolean): { consume: Consume; push: (c: Buffer) => void } {
  const queue: Buffer[] = [];
  let held = false;
  let queued = 0;
  let sink: ((chunk: Buffer) => void) | undefined;
  let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let ended = false;
  let stopped = false;
  let failure: unknown;
  const stop = (e: unknown) => {
    if (stopped) return;
    stopped = true;
    queue.length = 0;
    failure = e;
    settle?.reject(e);
  };
  const deliver = (c: Buffer) => {
    try {
      sink!(c);
    } catch (e) {
      stop(e);
    }
  };
  const push = (c: Buffer) => {
    if (stopped) return;
    if (sink) deliver(c);
    else {
      queue.push(copyEarly ? Buffer.from(c) : c);
      queued += c.length;
      if (queued > EARLY_QUEUE) src.pause();
    }
  };
  src.once('end', () => {
    ended = true;
    if (!stopped && sink) settle?.resolve();
  });
  src.once('error', (e) => stop(mapErr(e)));
  const consume: Consume = (onChunk) =>
    new Promise<void>((resolve, reject) => {
      if (sink) throw new Error('consume called twice');
      settle = { resolve, reject };
      sink = onChunk;
      if (stopped) {
        reject(failure);
        return;
      }
      for (const c of queue.splice(0)) {
        deliver(c);
        if (stopped) return;
      }
      queued = 0;
      if (ended) resolve();
      else if (!held) src.resume();
    });
  consume.pause = () => {
    held = true;
    src.pause();
  };
  consume.resume = () => {
    if (!held) return;
    held = false;
    if (sink && !stopped && !ended) src.resume();
  };
  return { consume, push };
}

/** Bytes of the one buffer a child decoder's output is read into (decoderSocket). */
const REUSED_READ = 1 << 20;

/** The longest Unix socket path used: sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, NUL included. */
const SOCKET_PATH_MAX = 103;

/**
 * A child decoder's output through a connected pair of Unix sockets: `writer` becomes the child's stdout,
 * `reader` is read by node into ONE reused buffer of REUSED_READ bytes (`onread`; each read is handed to
 * `onChunk` as a view of it). The pipe node gives a child instead is read into a fresh 64 KiB Buffer per read —
 * ≈ 21,000 for the kernel .tar.zst, all of it external memory to V8, whose pressure starts storms of full
 * collections (docs/bench-results.md, tenth and eleventh rounds). node makes no anonymous pipe or socket pair,
 * so the pair comes from a socket listening in a private temporary directory (mkdtemp, mode 0700), closed and
 * removed once its one connection is accepted. Undefined when that fails (e.g. a temporary directory whose
 * path is too long for a socket address, SOCKET_PATH_MAX): the caller reads the pipe.
 */
async function decoderSocket(onChunk: (view: Buffer) => void): Promise<{ reader: Socket; writer: Socket } | undefined> {
  let dir: string | undefined;
  let server: Server | undefined;
  let reader: Socket | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'distdiff-decode-'));
    const path = join(dir, 'out');
    // libuv cuts a path longer than a socket address holds short without an error (binding elsewhere).
    if (Buffer.byteLength(path) > SOCKET_PATH_MAX) return undefined;
    const srv = (server = createServer({ pauseOnConnect: true }));
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(path, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    const accepted = new Promise<Socket>((resolve, reject) => {
      srv.once('connection', resolve);
      srv.once('error', reject);
    });
    accepted.catch(() => {});
    const onread = {
      buffer: Buffer.allocUnsafeSlow(REUSED_READ),
      callback: (n: number, buf: Uint8Array) => {
        onChunk((buf as Buffer).subarray(0, n));
        return true;
      },
    };
    const rd = (reader = connect({ path, onread }));
    await new Promise<void>((resolve, reject) => {
      rd.once('error', reject);
      rd.once('connect', () => {
        rd.off('error', reject);
        resolve();
      });
    });
    const writer = await accepted;
    return { reader: rd, writer };
  } catch {
    reader?.destroy();
    return undefined;
  } finally {
    server?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Settles when `stream` ends (or fails, with `mapErr` applied); never an unhandled rejection on its own.
 * A stream destroyed without an error (abort()) emits neither 'end' nor 'error', only 'close': that
 * rejects too, or whoever awaits `done` after an abort would wait forever (and node, with nothing left to
 * do, would exit 0 with no output).
 */
export function ended(stream: NodeJS.ReadableStream, mapErr: (e: unknown) => unknown): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', (e) => reject(mapErr(e)));
    stream.on('close', () => reject(mapErr(new Error('decoding stopped before the end of the stream'))));
  });
  done.catch(() => {});
  return done;
}

export async function openDecoded(path: string, compression: Compression, opts: DecodeOptions = {}): Promise<DecodedStream> {
  // Start the decoder before opening the file: the file stream starts flowing as soon as it is hashed.
  // The decoder reads the file itself (its stdin is the file); the raw bytes are hashed here from a read
  // stream of their own, so they do not pass through this process twice.
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let fb: Fallback | undefined;
  // The child's output read into one reused buffer (decoderSocket); `push` is set once a consumer exists.
  let sock: { reader: Socket; writer: Socket } | undefined;
  let push: ((view: Buffer) => void) | undefined;
  let sockConsume: Consume | undefined;
  let onRead: (() => void) | undefined;
  const childErr = (e: unknown) => (e instanceof DistdiffError ? e : corruptError(path, compression, String(e)));
  const tool = compression === 'none' || compression === 'gzip' ? undefined : TOOLS[compression];
  if (tool) {
    if (opts.systemDecoders !== false) {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (e) {
        throw readError(path, e);
      }
      try {
        if (opts.reuseReadBuffer !== false) {
          sock = await decoderSocket((view) => {
            onRead?.();
            push!(view);
          });
          // Before the child exists (nothing can be read before it writes).
          if (sock) ({ push, consume: sockConsume } = consumerOf(sock.reader, childErr, true));
        }
        child = await trySpawn(tool.cmd, tool.args, fd, sock?.writer);
      } catch (e) {
        sock?.reader.destroy();
        throw new DistdiffError('archive', path, `cannot start ${tool.cmd}: ${e instanceof Error ? e.message : String(e)}`, `install ${tool.cmd} or check its permissions`);
      } finally {
        closeSync(fd);
        // The child holds its own copy of the writing end: the reader sees the end of the stream when it exits.
        sock?.writer.destroy();
      }
      if (!child) {
        sock?.reader.destroy();
        sock = undefined;
        sockConsume = undefined;
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
    const done = ended(file, (e) => readError(path, e));
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
    const done = ended(gunzip, mapErr);
    return {
      ...base,
      get inputBytes() {
        return inputBytes;
      },
      decoder: 'zlib',
      stableChunks: true,
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
    const done = ended(out, mapErr);
    return {
      ...base,
      get inputBytes() {
        return inputBytes;
      },
      decoder: `fallback: ${fb!.name} (${why})`,
      stableChunks: false,
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
  // What the decoder's output is read from: the socket (one reused buffer) or the child's stdout pipe.
  const out: Readable = sock ? sock.reader : proc.stdout;
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    if (stderr.length < 4096) stderr += s;
  });
  const hashed = new Promise<void>((resolve) => {
    file.on('end', resolve);
    file.on('close', resolve);
  });
  let aborted = false;
  // Deadline: a child that goes `stallMs` without output (while its output is being read) is killed, and
  // both the consumer and `done` fail with that reason instead of waiting forever.
  const stallMs = opts.stallMs ?? 120_000;
  let stalled: DistdiffError | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const rearm = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (out.isPaused()) return rearm(); // nobody reads yet: not the decoder's fault
      stalled = new DistdiffError(
        'archive',
        path,
        `${t.cmd} produced no output for ${Math.round(stallMs / 100) / 10} s and was stopped`,
        'the decompressor hung; raise --decoder-timeout if the machine is very busy',
      );
      proc.kill('SIGKILL');
      out.destroy(stalled);
    }, stallMs);
    watchdog.unref?.();
  };
  rearm();
  // Each chunk pushes the deadline back by refreshing the one timer (no new timer per read).
  let consume: Consume;
  if (sockConsume) {
    onRead = () => watchdog?.refresh();
    consume = sockConsume;
  } else {
    proc.stdout.on('data', () => watchdog?.refresh());
    consume = consumer(proc.stdout, childErr);
  }
  const done = new Promise<void>((resolve, reject) => {
    proc.on('close', (code, signal) => {
      if (watchdog) clearTimeout(watchdog);
      if (stalled) reject(stalled);
      else if (fileError) reject(fileError);
      else if (code === 0) hashed.then(() => (fileError ? reject(fileError) : resolve()));
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
    stableChunks: !sock,
    reusedChunks: sock !== undefined,
    consume,
    done,
    abort: () => {
      aborted = true;
      file.destroy();
      proc.kill('SIGTERM');
    },
  };
}

// ---- pure-JS fallbacks, used only when the system tool is missing ----

export interface Fallback {
  name: string;
  decode(src: Readable): Readable;
}

export async function fallbackDecoder(c: 'xz' | 'zstd' | 'bzip2'): Promise<Fallback> {
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
