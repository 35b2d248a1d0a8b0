/**
 * A real HTTP(S) server on 127.0.0.1 (port 0) with fixture routes for download tests.
 *
 *   /files/<name>              the bytes with Content-Length
 *   /chunked/<name>            the bytes, chunked (no Content-Length), in 16 KiB writes
 *   /gzip-encoded/<name>       the bytes as stored, with Content-Encoding: gzip (a misconfigured server)
 *   /redirect/<n>/<name>       n+1 redirects ending at /files/<name> (302 → … → /files/<name>)
 *   /loop/a, /loop/b           redirect to each other
 *   /redirect-to?to=<url>      302 to an arbitrary Location (ftp:, file:, http:, relative …)
 *   /status/<code>             that status, short body
 *   /truncated                 Content-Length 1000, 400 bytes, then the socket is destroyed
 *   /truncated-chunked         chunked, 400 bytes, then the socket is destroyed (no terminating chunk)
 *   /stall                     Content-Length 1000, 100 bytes, then nothing
 *   /stall-headers             never answers
 *   /declared-huge?len=<n>     Content-Length n, 10 bytes, then nothing
 *   /endless-chunked           chunked 64 KiB writes until the client goes away (capped at 256 MiB)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  port: number;
  requests: RecordedRequest[];
  /** Served by /files/, /chunked/, /gzip-encoded/; may be changed between requests. */
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** A self-signed EC certificate for 127.0.0.1/localhost, generated with the openssl CLI into `dir`. */
export function makeSelfSignedCert(dir: string): TlsMaterial {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export async function startHttpServer(files: Record<string, Buffer> = {}, tls?: TlsMaterial): Promise<TestServer> {
  const store = new Map(Object.entries(files));
  const requests: RecordedRequest[] = [];

  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    requests.push({ path: req.url ?? '/', headers: req.headers });
    const parts = path.split('/').filter(Boolean);
    const file = (name: string | undefined) => (name !== undefined ? store.get(decodeURIComponent(name)) : undefined);
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    };
    const redirect = (location: string) => {
      res.writeHead(302, { location, 'content-length': '0' });
      res.end();
    };

    switch (parts[0]) {
      case 'files': {
        const body = file(parts[1]);
        if (!body) return notFound();
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
        return res.end(body);
      }
      case 'chunked': {
        const body = file(parts[1]);
        if (!body) return notFound();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let i = 0; i < body.length; i += 16384) res.write(body.subarray(i, i + 16384));
        return res.end();
      }
      case 'gzip-encoded': {
        const body = file(parts[1]);
        if (!body) return notFound();
        res.writeHead(200, {
          'content-type': 'application/x-tar',
          'content-encoding': 'gzip',
          'content-length': String(body.length),
        });
        return res.end(body);
      }
      case 'redirect': {
        const n = Number(parts[1]);
        const name = parts[2] ?? '';
        return redirect(n > 0 ? `/redirect/${n - 1}/${name}` : `/files/${name}`);
      }
      case 'loop':
        return redirect(parts[1] === 'a' ? '/loop/b' : '/loop/a');
      case 'redirect-to':
        return redirect(url.searchParams.get('to') ?? '/');
      case 'status': {
        const code = Number(parts[1]);
        res.writeHead(code, { 'content-type': 'text/plain' });
        return res.end(`status ${code}\n`);
      }
      case 'truncated':
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(400, 0x61));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      case 'truncated-chunked':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(400, 0x61));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      case 'stall':
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(100, 0x62));
        return; // never ends; closed by close()
      case 'stall-headers':
        return; // never answers
      case 'declared-huge':
        res.writeHead(200, { 'content-length': url.searchParams.get('len') ?? String(2 ** 40) });
        res.write(Buffer.alloc(10, 0x63));
        return;
      case 'endless-chunked': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(65536, 0x64);
        let sent = 0;
        const pump = () => {
          while (!res.destroyed && sent < 256 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        res.on('close', () => undefined);
        return pump();
      }
      default:
        return notFound();
    }
  };

  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    files: store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
