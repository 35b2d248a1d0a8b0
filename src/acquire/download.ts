/**
 * HTTP(S) download of a release archive into the cache, hashing the bytes as they arrive.
 *
 * Guarantees:
 * - only http: and https: are ever requested; plain http only for loopback hosts or with `allowHttp`;
 *   every redirect hop is checked again (no scheme change to ftp:/file:, no https→http downgrade
 *   unless `allowHttp`), at most 5 redirects, loops refused;
 * - the bytes go to a temp file next to `dest` and are renamed onto `dest` only when the body is
 *   complete (Content-Length honoured, chunked terminator seen) and, when pinned, the sha256 matches;
 *   on any failure the temp file is deleted, so `dest` existing means "complete and verified";
 * - `Accept-Encoding: identity` is sent. If a server applies `Content-Encoding: gzip` anyway (a common
 *   misconfiguration for `.tar.gz` files), the entity is stored AS SENT, never decoded: that is what
 *   `curl -O` / `wget` store and what the published checksums are computed over, so the sha256 is
 *   comparable with theirs. The archive scanner sniffs the format from the bytes, so nothing is lost;
 * - no bytes for `limits.timeoutMs` (while connecting, waiting for headers or reading the body) →
 *   'network' error; a body slower than `limits.minRate` bytes/s over any `timeoutMs` window (a server
 *   that drips a byte now and then, re-arming the stall timer forever) → 'network' error; Content-Length above `limits.maxDownload` is refused before reading, and a body
 *   that grows past it anyway (chunked, no length) is aborted → 'limit' error;
 * - proxy environment variables are ignored (direct connections only).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
// node:http and node:https load when a download starts (≈ 7 ms of CPU that a run on a local archive never needs).
import type { ClientRequest, IncomingMessage } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DistdiffError, isDistdiffError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { trustedDir } from '../util/safe-fs.js';

export interface DownloadProgress {
  /** Bytes received so far. */
  bytes: number;
  /** Content-Length, when the server sent one. */
  total?: number;
  /** Milliseconds since the download started (including connection and redirects). */
  elapsedMs: number;
}

export interface DownloadOptions {
  /** `minRate` defaults to DEFAULT_LIMITS.minRate. */
  limits: Pick<Limits, 'maxDownload' | 'timeoutMs'> & Partial<Pick<Limits, 'minRate'>>;
  /** Accept plain http for non-loopback hosts and https→http redirects. */
  allowHttp?: boolean;
  /** Lower- or upper-case hex; a mismatch deletes the file and throws 'checksum'. */
  expectedSha256?: string;
  /** Called after every received chunk, with non-decreasing `bytes`. */
  progress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Extra trusted CA certificate(s) (PEM) for https, e.g. a private mirror or a test server. */
  ca?: string | Buffer | Array<string | Buffer>;
}

export interface DownloadResult {
  sha256: string;
  size: number;
  /** The URL the body was finally read from, after redirects. */
  finalUrl: string;
}

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = 'distdiff';

/** 127.0.0.0/8, ::1 and `localhost` (as the WHATWG URL parser normalises them). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[/, '').replace(/\]$/, '').replace(/\.$/, '');
  if (h === 'localhost' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** Validates and lower-cases a sha256 pin. */
export function normaliseSha256(value: string, input: string): string {
  const v = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(v)) {
    throw new DistdiffError('usage', input, `'${value}' is not a sha256 (64 hex digits)`, 'pass the full sha256 of the archive');
  }
  return v;
}

function parseHttpUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DistdiffError('usage', url, 'not a valid URL', 'check the URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new DistdiffError('usage', url, `unsupported URL scheme ${u.protocol}`, 'only http and https URLs are downloaded');
  }
  u.hash = '';
  return u;
}

/** Throws the documented 'usage' error for plain http to a non-loopback host without allowHttp. */
export function checkPlainHttp(url: string, allowHttp: boolean | undefined): void {
  const u = parseHttpUrl(url);
  if (u.protocol === 'http:' && !allowHttp && !isLoopbackHost(u.hostname)) {
    throw new DistdiffError('usage', url, 'plain http is not verified in transit', 'use https or pass --allow-http');
  }
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : String(Number(s.toFixed(1)));
}

/** Maps a socket/TLS error to a one-line 'network' error. */
function networkError(url: string, host: string, e: unknown): DistdiffError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const msg = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'ECONNREFUSED':
      return new DistdiffError('network', url, `cannot connect to ${host}: connection refused`, 'check the URL and that the server is up');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DistdiffError('network', url, `host ${host} not found`, 'check the URL and your network');
    case 'ECONNRESET':
      return new DistdiffError('network', url, `connection to ${host} reset`, 'retry the download');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new DistdiffError('network', url, `cannot reach ${host} (${code})`, 'check your network');
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new DistdiffError('network', url, `TLS certificate of ${host} not trusted (${code})`, 'the server identity could not be verified; do not download from it');
  }
  return new DistdiffError('network', url, `request to ${host} failed: ${msg}${code && !msg.includes(code) ? ` (${code})` : ''}`, 'retry the download');
}

function parseContentLength(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Downloads `url` to `dest` (parent directories are created). Returns the sha256 and size of the
 * stored bytes and the final URL. Errors are DistdiffError with kind usage/network/download/limit/checksum;
 * `dest` is never left partial.
 */
export async function download(url: string, dest: string, opts: DownloadOptions): Promise<DownloadResult> {
  const started = Date.now();
  const [{ default: http }, { default: https }] = await Promise.all([import('node:http'), import('node:https')]);
  const expected = opts.expectedSha256 !== undefined ? normaliseSha256(opts.expectedSha256, url) : undefined;
  checkPlainHttp(url, opts.allowHttp);
  let current = parseHttpUrl(url);
  const { maxDownload, timeoutMs } = opts.limits;
  const minRate = opts.limits.minRate ?? DEFAULT_LIMITS.minRate;

  // Shared failure state: the first failure wins; timers and abort signals destroy the live request.
  let failure: unknown;
  let req: ClientRequest | undefined;
  let res: IncomingMessage | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Body bytes counted per timeoutMs window, against minRate.
  let rateTimer: NodeJS.Timeout | undefined;
  let windowBytes = 0;
  const fail = (e: unknown) => {
    if (failure === undefined) failure = e;
    const err = e instanceof Error ? e : new Error(String(e));
    res?.destroy(err);
    req?.destroy(err);
  };
  const disarmStall = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const disarm = () => {
    disarmStall();
    if (rateTimer) clearInterval(rateTimer);
    rateTimer = undefined;
  };
  const watchRate = () => {
    if (minRate <= 0 || rateTimer) return;
    windowBytes = 0;
    const need = Math.ceil((minRate * timeoutMs) / 1000);
    let first = true;
    rateTimer = setInterval(() => {
      // The first window is a grace period (connection ramp-up; a body that stops at once is the stall
      // timer's), and a window with no bytes at all is the stall timer's to report ("no data for …").
      if (!first && windowBytes > 0 && windowBytes < need) {
        fail(
          new DistdiffError(
            'network',
            url,
            `download slower than ${minRate} bytes/s (${windowBytes} bytes in ${seconds(timeoutMs)} s)`,
            'the server is too slow or dripping data; retry later, or lower --min-rate',
          ),
        );
      }
      first = false;
      windowBytes = 0;
    }, timeoutMs);
  };
  const arm = () => {
    disarmStall();
    timer = setTimeout(
      () => fail(new DistdiffError('network', url, `no data for ${seconds(timeoutMs)} s`, 'the server stopped sending; retry later or raise --timeout')),
      timeoutMs,
    );
  };
  const onAbort = () => fail(new DistdiffError('download', url, 'download cancelled', ''));
  if (opts.signal?.aborted) throw new DistdiffError('download', url, 'download cancelled', '');
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const request = (target: URL) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const mod = target.protocol === 'https:' ? https : http;
      const r = mod.request(target, {
        method: 'GET',
        agent: false,
        headers: { 'accept-encoding': 'identity', accept: '*/*', 'user-agent': USER_AGENT },
        ...(target.protocol === 'https:' && opts.ca !== undefined ? { ca: opts.ca } : {}),
      });
      req = r;
      res = undefined;
      arm();
      r.on('response', (m) => {
        res = m;
        arm();
        resolve(m);
      });
      r.on('error', (e) => reject(failure ?? networkError(url, target.host, e)));
      r.end();
    });

  const visited = new Set<string>([current.href]);
  let redirects = 0;
  try {
    for (;;) {
      const response = await request(current);
      const status = response.statusCode ?? 0;
      if (REDIRECT_STATUSES.has(status)) {
        const location = response.headers.location;
        response.resume();
        response.destroy();
        if (!location) throw new DistdiffError('download', url, `HTTP ${status} redirect without a Location header`, 'the server is misconfigured');
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          throw new DistdiffError('download', url, `redirect to an invalid URL '${location}'`, 'the server is misconfigured');
        }
        next.hash = '';
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new DistdiffError('download', url, `redirect to ${next.protocol} URL ${next.href} refused`, 'only http and https redirects are followed');
        }
        if (next.protocol === 'http:' && !opts.allowHttp) {
          if (current.protocol === 'https:') {
            throw new DistdiffError('download', url, `redirect from https to plain http ${next.href} refused`, 'use an https mirror or pass --allow-http');
          }
          if (!isLoopbackHost(next.hostname)) {
            throw new DistdiffError('download', url, `redirect to plain http ${next.href} refused: plain http is not verified in transit`, 'use https or pass --allow-http');
          }
        }
        if (visited.has(next.href)) {
          throw new DistdiffError('download', url, `redirect loop at ${next.href}`, 'the server is misconfigured');
        }
        if (redirects >= MAX_REDIRECTS) {
          throw new DistdiffError('download', url, `too many redirects (more than ${MAX_REDIRECTS})`, 'use the final URL of the file');
        }
        redirects++;
        visited.add(next.href);
        current = next;
        continue;
      }
      if (status < 200 || status > 299) {
        response.resume();
        response.destroy();
        const from = current.href !== parseHttpUrl(url).href ? ` from ${current.href}` : '';
        throw new DistdiffError(
          'download',
          url,
          `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}${from}`,
          status === 404 || status === 410 ? 'check the URL' : 'the server refused the download; retry later',
        );
      }
      const result = await receiveBody(response);
      return { ...result, finalUrl: current.href };
    }
  } catch (e) {
    throw failure ?? e;
  } finally {
    disarm();
    opts.signal?.removeEventListener('abort', onAbort);
    req?.destroy();
  }

  async function receiveBody(response: IncomingMessage): Promise<Omit<DownloadResult, 'finalUrl'>> {
    const total = parseContentLength(response.headers['content-length']);
    const limitError = (what: string) =>
      new DistdiffError('limit', url, `${what} exceeds the download limit of ${maxDownload} bytes`, 'raise --max-download if you trust this source');
    if (total !== undefined && total > maxDownload) {
      response.destroy();
      throw limitError(`Content-Length ${total}`);
    }
    // Read the body from now on, before anything is awaited: a server that sends and closes at once would
    // otherwise leave a destroyed response whose buffered bytes are lost ("closed after 0 bytes"). The
    // buffer ends when the response ends, fails or closes; completeness is checked after the pipeline.
    const body = new PassThrough({ highWaterMark: 1 << 20 });
    let bodyEnded = false;
    const endBody = () => {
      if (!bodyEnded) {
        bodyEnded = true;
        body.end();
      }
    };
    response.once('end', endBody);
    response.once('error', endBody);
    response.once('close', endBody);
    response.pipe(body, { end: false });
    try {
      await mkdir(dirname(dest), { recursive: true });
    } catch (e) {
      response.destroy();
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new DistdiffError('download', url, `cannot create ${dirname(dest)}: ${code}`, 'check the cache directory');
    }
    try {
      // Not a planted link to somewhere else, not writable by other users.
      trustedDir(dirname(dest), { create: false });
    } catch (e) {
      response.destroy();
      throw e;
    }
    const tmp = join(dirname(dest), `.part-${randomBytes(6).toString('hex')}-${basename(dest)}`);
    const hash = createHash('sha256');
    let bytes = 0;
    watchRate();
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > maxDownload) {
          const err = limitError('body');
          fail(err);
          cb(err);
          return;
        }
        hash.update(chunk);
        windowBytes += chunk.length;
        arm();
        if (opts.progress) {
          try {
            opts.progress({ bytes, total, elapsedMs: Date.now() - started });
          } catch (e) {
            fail(e);
            cb(e as Error);
            return;
          }
        }
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx', mode: 0o644 }));
      disarm();
      if (failure !== undefined) throw failure;
      if (!response.complete || (total !== undefined && bytes !== total)) throw new Error('incomplete');
    } catch (e) {
      disarm();
      await unlink(tmp).catch(() => undefined);
      if (failure !== undefined) throw failure;
      if (isDistdiffError(e)) throw e;
      const code = (e as NodeJS.ErrnoException | undefined)?.code;
      if (code && /^E(NOSPC|ACCES|PERM|ROFS|DQUOT|EXIST)$/.test(code)) {
        throw new DistdiffError('download', url, `cannot write ${tmp}: ${code}`, 'check the cache directory');
      }
      throw new DistdiffError(
        'download',
        url,
        total !== undefined
          ? `connection closed after ${bytes} of ${total} bytes`
          : `connection closed after ${bytes} bytes, before the end of the body`,
        'the transfer is incomplete; retry the download',
      );
    }
    const sha256 = hash.digest('hex');
    if (expected !== undefined && sha256 !== expected) {
      await unlink(tmp).catch(() => undefined);
      throw new DistdiffError('checksum', url, `sha256 is ${sha256}, expected ${expected}`, 'the file is not the one you pinned; do not use it');
    }
    try {
      await rename(tmp, dest);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new DistdiffError('download', url, `cannot store the download as ${dest}: ${(e as Error).message}`, 'check the cache directory');
    }
    return { sha256, size: bytes };
  }
}
