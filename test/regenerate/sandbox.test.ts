/**
 * The sandbox holds: m4 that runs shell commands through esyscmd (evaluated by the real autoconf inside the
 * sandbox) cannot write outside the scratch tree, cannot read the home directory or other host files, and
 * cannot reach a listener on 127.0.0.1. Controls show that each attempt does work when run directly, so the
 * assertions can fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSandbox, runSandboxed, type SandboxAvailable } from '../../src/regenerate/sandbox.js';
import { regenCauseText } from '../../src/core/wording.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-sandbox-');
const outside = join(root, 'outside');
const secret = join(root, 'secret.txt');
let sandbox: SandboxAvailable;
let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  mkdirSync(outside);
  writeFileSync(secret, 'TOP-SECRET-VALUE\n');
  const p = await probeSandbox();
  if (!p.ok) throw new Error(`the sandbox tests need bubblewrap: ${regenCauseText(p.cause)} (scripts/install-system-deps.sh installs it)`);
  sandbox = p;
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function scratchWith(files: Record<string, string>): string {
  const dir = join(root, `scratch-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
  return dir;
}

const ac = (body: string) => `AC_INIT([evil], [1.0])\n${body}\nAC_OUTPUT\n`;

describe('sandbox', () => {
  it('runs autoconf; esyscmd cannot write outside the scratch tree', async () => {
    const tmpMarker = `/tmp/distdiff-sandbox-pwned-${process.pid}`;
    const scratch = scratchWith({
      'configure.ac': ac(`m4_esyscmd([touch inside-ok; echo x > ${outside}/pwned; echo x > ${tmpMarker}; echo x > ../escaped; echo x > /usr/pwned-${process.pid}; echo x > ${homedir()}/pwned-${process.pid}])`),
    });
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['autoconf', '-f'] });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(scratch, 'configure'))).toBe(true);
    expect(existsSync(join(scratch, 'inside-ok'))).toBe(true); // the esyscmd did run
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
    expect(existsSync(tmpMarker)).toBe(false);
    expect(existsSync(join(root, 'escaped'))).toBe(false);
    expect(existsSync(`/usr/pwned-${process.pid}`)).toBe(false);
    expect(existsSync(join(homedir(), `pwned-${process.pid}`))).toBe(false);
    // Control: the same command outside the sandbox does write.
    execFileSync('/bin/sh', ['-c', `echo x > ${outside}/control`]);
    expect(existsSync(join(outside, 'control'))).toBe(true);
  });

  it('esyscmd cannot read the home directory or files outside the tree', async () => {
    const scratch = scratchWith({
      'configure.ac': ac(`LEAK="m4_esyscmd([echo BEGIN; cat ${secret} 2>&1; ls -A ${homedir()} 2>&1; ls /work /home /root /var 2>&1; echo END])"`),
    });
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['autoconf', '-f'] });
    expect(r.code, r.stderr).toBe(0);
    const configure = readFileSync(join(scratch, 'configure'), 'utf8');
    const leak = /BEGIN([\s\S]*?)END/.exec(configure)?.[1] ?? '';
    expect(leak).toContain('No such file or directory');
    expect(leak).not.toContain('TOP-SECRET-VALUE');
    expect(configure).not.toContain('TOP-SECRET-VALUE');
    // Nothing of the home directory is listed: every ls failed.
    for (const line of leak.split('\n').filter((l) => l.trim())) expect(line).toMatch(/No such file or directory|^\s*$/);
    // Control: the file is readable outside the sandbox.
    expect(readFileSync(secret, 'utf8')).toContain('TOP-SECRET-VALUE');
  });

  it('esyscmd cannot open a socket to a listener on 127.0.0.1', async () => {
    const connect = `bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}' 2>&1; perl -MIO::Socket::INET -e 'IO::Socket::INET->new(PeerAddr => "127.0.0.1:${port}") or print "perl: no connection\\n"'`;
    const scratch = scratchWith({ 'configure.ac': ac(`NET="m4_esyscmd([echo BEGIN; ${connect}; echo END])"`) });
    const before = connections;
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['autoconf', '-f'] });
    expect(r.code, r.stderr).toBe(0);
    const configure = readFileSync(join(scratch, 'configure'), 'utf8');
    expect(configure).toMatch(/BEGIN[\s\S]*perl: no connection[\s\S]*END/);
    await new Promise((res) => setTimeout(res, 200));
    expect(connections).toBe(before);
    // Control: the same bash command outside the sandbox reaches the listener.
    execFileSync('bash', ['-c', `echo hi > /dev/tcp/127.0.0.1/${port}`]);
    for (let i = 0; i < 50 && connections === before; i++) await new Promise((res) => setTimeout(res, 20));
    expect(connections).toBe(before + 1);
  });

  it('sees a cleared environment and runs unprivileged', async () => {
    const scratch = scratchWith({});
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['/bin/sh', '-c', 'env | sort; id -u; cat /proc/self/status | grep CapEff'], env: {} });
    expect(r.code, r.stderr).toBe(0);
    const vars = r.stdout.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect(vars.sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'PWD', 'TMPDIR', 'TZ'].sort());
    expect(r.stdout).toContain('\n65534\n');
    expect(r.stdout).toMatch(/CapEff:\s+0+\n/);
  });

  it('kills a command at the wall-clock deadline', async () => {
    const scratch = scratchWith({});
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['/bin/sh', '-c', 'sleep 30'], limits: { wallMs: 300 } });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
  });

  it('enforces the CPU time limit', async () => {
    const scratch = scratchWith({});
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['/bin/sh', '-c', 'while :; do :; done'], limits: { cpuSeconds: 1, wallMs: 20_000 } });
    expect(r.timedOut).toBe(false);
    expect(r.code === 0).toBe(false); // SIGXCPU ends the loop long before the deadline
  });

  it('enforces the file size limit', async () => {
    const scratch = scratchWith({});
    const r = await runSandboxed(sandbox.bwrap, { scratch, argv: ['/bin/sh', '-c', 'head -c 3000000 /dev/zero > big'], limits: { fileBytes: 1024 * 1024 } });
    expect(r.code).not.toBe(0);
    expect(readFileSync(join(scratch, 'big')).length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('reports what is missing when bubblewrap is not on PATH', async () => {
    const p = await probeSandbox('/nonexistent-bin');
    expect(p).toEqual({ ok: false, cause: { kind: 'bwrap-missing', args: {} } });
    if (p.ok) throw new Error('unreachable');
    expect(regenCauseText(p.cause)).toBe('bubblewrap (bwrap) is not installed or not on PATH (Debian package bubblewrap)');
  });
});
