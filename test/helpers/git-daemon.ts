/**
 * `git daemon` on 127.0.0.1 (a free port, never a fixed one) serving every repository under a directory, for
 * tests of git:// clones and fetches.
 */
import { spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { gitEnv } from './git.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.connect(port, '127.0.0.1');
  });
}

export interface GitDaemon {
  port: number;
  stop(): Promise<void>;
}

/** Serve `base` (git://127.0.0.1:PORT/<name>.git for each bare repository in it) until stop(). */
export async function startGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  const daemon = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, base], { env: gitEnv(), stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return {
    port,
    async stop() {
      if (daemon.exitCode !== null) return;
      const done = new Promise((r) => daemon.once('exit', r));
      daemon.kill('SIGTERM');
      await done;
    },
  };
}
