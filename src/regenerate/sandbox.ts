/**
 * The bubblewrap sandbox the generators run in. autoconf, aclocal, autoheader and automake evaluate m4
 * taken from the repository and the tarball (`esyscmd`/`m4_syscmd` run shell commands), so they never
 * run outside it:
 *
 *   - every namespace unshared (`--unshare-all`): no network (a fresh, unconfigured loopback), own pids;
 *   - a minimal read-only root: /usr (with the merged-/usr symlinks), the few /etc files the tools need
 *     (dynamic loader cache, alternatives, perl's configuration) and the read-only toolchain prefixes;
 *     home directories, caches, /work, /root, /home, /var … are simply absent;
 *   - the scratch tree is the only writable host path, mounted at a fixed path (/build);
 *     /tmp is a size-limited tmpfs;
 *   - all capabilities dropped, an unprivileged uid inside, `--die-with-parent`, `--new-session`;
 *   - CPU time, address space and file size limits (`ulimit` inside) and a wall-clock deadline (the
 *     sandbox is killed; the pid namespace takes every descendant with it);
 *   - a cleared environment: PATH, LC_ALL=C, TZ=UTC0, HOME=/tmp only.
 *
 * If bubblewrap is missing or cannot start, `probeSandbox` says why, and callers must not run the
 * generators at all: there is no unsandboxed fallback.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, posix, relative } from 'node:path';
import type { CommandFailure, RegenCause } from '../core/regeneration.js';

/** Where the scratch tree appears inside the sandbox. */
export const SANDBOX_ROOT = '/build';

export interface SandboxLimits {
  /** Wall-clock deadline for one command, ms. */
  wallMs: number;
  /** CPU seconds (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Address space, bytes (RLIMIT_AS). */
  memoryBytes: number;
  /** Largest file a command may write, bytes (RLIMIT_FSIZE). */
  fileBytes: number;
  /** Size of the /tmp tmpfs, bytes. */
  tmpBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  wallMs: 120_000,
  cpuSeconds: 120,
  memoryBytes: 4 * 1024 ** 3,
  fileBytes: 256 * 1024 ** 2,
  tmpBytes: 256 * 1024 ** 2,
};

export interface SandboxAvailable {
  ok: true;
  bwrap: string;
  version: string;
}
export interface SandboxMissing {
  ok: false;
  /** What is missing or failing (typed; core/wording.ts words it for the report). */
  cause: Extract<RegenCause, { kind: 'bwrap-missing' | 'no-shell' | 'sandbox-refused' | 'bwrap-error' }>;
}
export type SandboxProbe = SandboxAvailable | SandboxMissing;

export interface SandboxRun {
  /** Exit status; null when killed. */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface SandboxCommand {
  /** Host directory mounted read-write at SANDBOX_ROOT. */
  scratch: string;
  /** Command and arguments, run with SANDBOX_ROOT (or `cwd` below it) as working directory. */
  argv: string[];
  /** Working directory relative to SANDBOX_ROOT. */
  cwd?: string;
  /** Extra environment (on top of the minimal one). */
  env?: Record<string, string>;
  /** Host directories mounted read-only at the same path (toolchain prefixes); their bin/ go first on PATH. */
  toolchains?: string[];
  /** Host directories mounted read-only at the same path (data for the command, not on PATH). */
  readOnly?: string[];
  /** Host directories mounted read-write at the same path (only for building a toolchain). */
  writable?: string[];
  /**
   * Host paths mounted at another absolute path (`at`, checked by foreignMountPoint: outside everything the sandbox
   * itself mounts) — a generator's output records the absolute paths it ran with (gperf's banner and `#line`s:
   * `/Users/akim/src/gnu/bison/lib/x.gperf`), so the run must see its input and itself there. With `cwdAt`, the
   * command runs in that absolute directory instead of below SANDBOX_ROOT.
   */
  mounts?: { host: string; at: string; writable?: boolean }[];
  cwdAt?: string;
  limits?: Partial<SandboxLimits>;
}

/** Top directories the sandbox mounts or the host's own system lives in: never a place for a foreign mount. */
const RESERVED_TOPS = new Set(['usr', 'bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin', 'etc', 'dev', 'proc', 'sys', 'run', 'tmp', 'var', 'root', 'home', 'opt', 'srv', 'mnt', 'media', 'boot', 'build', 'nix', 'snap']);

/**
 * Whether `at` may be a foreign mount point (SandboxCommand.mounts): an absolute path of at least two plain segments
 * (letters, digits, `._+-`; no `.`/`..`, no empty segment) whose top directory is none the sandbox uses or a system
 * keeps (/usr, /etc, /tmp, /home, /root …, SANDBOX_ROOT) — a path a macOS or remote build machine wrote
 * (`/Users/…`, `/Applications/…`), which only exists inside the sandbox's empty root.
 */
export function foreignMountPoint(at: string): boolean {
  if (!at.startsWith('/')) return false;
  const segs = at.slice(1).split('/');
  if (segs.length < 2 || segs.some((x) => !/^[\w.+-]+$/.test(x) || x === '.' || x === '..')) return false;
  return !RESERVED_TOPS.has(segs[0]!.toLowerCase()) && `/${segs[0]}` !== SANDBOX_ROOT;
}

/** How a sandboxed command failed (for a cause or a skip): deadline or exit status, and the end of its stderr (`lines` last lines, at most `max` characters). */
export function commandFailure(r: SandboxRun, lines = 2, max = 400): CommandFailure {
  const all = r.stderr.trim().split('\n');
  const tail = all.slice(-lines);
  // the first line that says error, when the tail has none (a compiler's `fatal error: X.h: No such file or directory`
  // three lines above its closing `compilation terminated.`)
  const error = tail.some((l) => /\berror\b/i.test(l)) ? undefined : all.find((l) => /\berror\b/i.test(l));
  return { timedOut: r.timedOut, exit: r.code ?? r.signal ?? 'unknown', stderr: [...(error ? [error.trim()] : []), ...tail].join(' | ').slice(0, max) };
}

/** A sandboxed command that failed, thrown by the generator runs and caught where the cause is recorded. */
export class SandboxCommandError extends Error {
  constructor(readonly failure: CommandFailure) {
    super('sandboxed command failed');
  }
}

/** Find an executable on PATH (no shell, no spawn). */
/** The directories the sandbox sees as its PATH (besides toolchain prefixes): system tools must live here, and a
 * generator of the system is looked up there (never on the user's PATH). */
export const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/** A generator the system has, and the version it reports (both undefined when the system lacks it). */
export async function systemTool<V>(name: string, versionOf: (bin: string) => Promise<V | undefined>): Promise<{ bin?: string; version?: V }> {
  const bin = which(name, SYSTEM_PATH);
  return { bin, version: bin ? await versionOf(bin) : undefined };
}

/** A tracked file's text (latin1), undefined for a path the tree does not track. */
export function trackedText(tracked: ReadonlySet<string>, read: (path: string) => Promise<Buffer | undefined>): (path: string) => Promise<string | undefined> {
  return async (p) => (tracked.has(p) ? (await read(p))?.toString('latin1') : undefined);
}

export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (!lstatSync(p).isDirectory()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Paths of the host root the sandbox sees (read-only), besides /usr. */
const ETC_FILES = ['/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives', '/etc/perl', '/etc/localtime'];

const MAX_OUTPUT = 64 * 1024;

function bwrapArgs(cmd: SandboxCommand, limits: SandboxLimits): string[] {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop', 'ALL',
    '--uid', '65534',
    '--gid', '65534',
    '--hostname', 'sandbox',
    '--ro-bind', '/usr', '/usr',
  ];
  for (const link of ['bin', 'lib', 'lib32', 'lib64', 'libx32', 'sbin']) {
    const p = `/${link}`;
    if (!existsSync(p)) continue;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) args.push('--symlink', `usr/${link}`, p);
    else args.push('--ro-bind', p, p);
  }
  for (const p of ETC_FILES) args.push('--ro-bind-try', p, p);
  args.push('--dev', '/dev', '--proc', '/proc');
  args.push('--size', String(limits.tmpBytes), '--tmpfs', '/tmp');
  // A read-only path inside the scratch tree (the git view's `.git`, ./git-view.ts) is mounted read-only at its
  // place in the tree, after the tree itself; every other one at its own path.
  const scratchPrefix = cmd.scratch.replace(/\/+$/, '') + '/';
  const inside = (cmd.readOnly ?? []).filter((t) => t.startsWith(scratchPrefix) && !t.slice(scratchPrefix.length).split('/').includes('..'));
  for (const t of [...(cmd.toolchains ?? []), ...(cmd.readOnly ?? [])]) if (!inside.includes(t)) args.push('--ro-bind', t, t);
  for (const w of cmd.writable ?? []) args.push('--bind', w, w);
  args.push('--bind', cmd.scratch, SANDBOX_ROOT);
  for (const t of inside) args.push('--ro-bind', t, `${SANDBOX_ROOT}/${t.slice(scratchPrefix.length)}`);
  const taken = [...(cmd.toolchains ?? []), ...(cmd.readOnly ?? []), ...(cmd.writable ?? [])];
  for (const m of cmd.mounts ?? []) {
    // checked again here: a mount point over or under anything the sandbox mounts is refused outright
    if (!foreignMountPoint(m.at) || taken.some((t) => t === m.at || t.startsWith(`${m.at}/`) || m.at.startsWith(`${t}/`))) throw new Error(`sandbox: refused mount point ${m.at}`);
    args.push(m.writable ? '--bind' : '--ro-bind', m.host, m.at);
  }
  if (cmd.cwdAt !== undefined && !(cmd.mounts ?? []).some((m) => cmd.cwdAt === m.at || cmd.cwdAt!.startsWith(`${m.at}/`))) throw new Error(`sandbox: refused working directory ${cmd.cwdAt}`);
  args.push('--chdir', cmd.cwdAt ?? (cmd.cwd ? `${SANDBOX_ROOT}/${cmd.cwd}` : SANDBOX_ROOT));
  args.push('--clearenv');
  const path = [...(cmd.toolchains ?? []).map((t) => `${t}/bin`), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  const env: Record<string, string> = { PATH: path, LC_ALL: 'C', LANG: 'C', TZ: 'UTC0', HOME: '/tmp', TMPDIR: '/tmp', ...cmd.env };
  for (const [k, v] of Object.entries(env)) args.push('--setenv', k, v);
  // Limits are set by the shell inside, then the command replaces it.
  const kb = (n: number) => String(Math.max(1, Math.floor(n / 1024)));
  const ulimits = `ulimit -t ${limits.cpuSeconds} && ulimit -v ${kb(limits.memoryBytes)} && ulimit -f ${Math.max(1, Math.floor(limits.fileBytes / 512))} && exec "$@"`;
  args.push('--', '/bin/sh', '-c', ulimits, 'sandbox', ...cmd.argv);
  return args;
}

/** Run one command in the sandbox. Never throws for the command's own failure; rejects only if bwrap cannot be spawned. */
export function runSandboxed(bwrap: string, cmd: SandboxCommand): Promise<SandboxRun> {
  const limits: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...cmd.limits };
  return new Promise((resolve, reject) => {
    const child = spawn(bwrap, bwrapArgs(cmd, limits), { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
    let stdout = '';
    let stderr = '';
    const keep = (acc: string, chunk: Buffer) => {
      const s = acc + chunk.toString('utf8');
      return s.length > MAX_OUTPUT ? s.slice(s.length - MAX_OUTPUT) : s;
    };
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.wallMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

let probed: Promise<SandboxProbe> | undefined;
let probedPath: string | undefined;

/**
 * Can the sandbox start here? Looks bubblewrap up on PATH and runs `true` inside it once per PATH
 * (cached). A failure names what is missing.
 */
export function probeSandbox(path = process.env.PATH ?? ''): Promise<SandboxProbe> {
  if (probed && probedPath === path) return probed;
  probedPath = path;
  probed = (async (): Promise<SandboxProbe> => {
    const bwrap = which('bwrap', path);
    if (!bwrap) return { ok: false, cause: { kind: 'bwrap-missing', args: {} } };
    if (!existsSync('/usr/bin/env') || !existsSync('/bin/sh')) return { ok: false, cause: { kind: 'no-shell', args: {} } };
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const scratch = mkdtempSync(join(tmpdir(), 'distdiff-probe-'));
    try {
      const version = await new Promise<string>((resolve) => {
        const c = spawn(bwrap, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'], env: {} });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.on('error', () => resolve(''));
        c.on('close', () => resolve(out.trim().replace(/^bubblewrap\s*/, '')));
      });
      const r = await runSandboxed(bwrap, { scratch, argv: ['/bin/sh', '-c', 'touch probe && echo ok'], limits: { wallMs: 15_000 } });
      if (r.code !== 0 || r.stdout.trim() !== 'ok' || !existsSync(join(scratch, 'probe'))) {
        return { ok: false, cause: { kind: 'sandbox-refused', args: { stderr: r.stderr.trim().split('\n').pop() ?? '', exit: r.code ?? r.signal ?? 'unknown' } } };
      }
      return { ok: true, bwrap, version: version || 'unknown' };
    } catch (e) {
      return { ok: false, cause: { kind: 'bwrap-error', args: { error: e instanceof Error ? e.message : String(e) } } };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  })();
  return probed;
}

/**
 * Copy tracked files into a scratch tree for a sandboxed rerun: each path `keep` admits, read by `read`, written under
 * `tree` at its repository path, until the copied bytes would pass `maxBytes` (the rest is left out: the rerun then
 * lacks them and its outputs differ or are not written, never a wrong proof).
 */
export async function writeTrackedTree(tree: string, paths: Iterable<string>, keep: (path: string) => boolean, read: (path: string) => Promise<Buffer | undefined>, maxBytes: number): Promise<void> {
  let size = 0;
  for (const p of paths) {
    if (!keep(p)) continue;
    const b = await read(p);
    if (!b) continue;
    size += b.length;
    if (size > maxBytes) break;
    mkdirSync(join(tree, posix.dirname(p)), { recursive: true });
    writeFileSync(join(tree, p), b);
  }
}

/** The regular files under `dir` (a scratch tree after a sandboxed run), as paths relative to `root`. */
export function listFiles(dir: string, root = dir, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    if (st.isDirectory()) listFiles(p, root, out);
    else if (st.isFile()) out.push(relative(root, p));
  }
  return out;
}
