/**
 * gnulib-tool's own outputs (m4/gnulib-comp.m4, the gnulib.mk / Makefile.am it writes into the source and
 * tests bases, a gnulib-cache.m4 git does not track) proved by running gnulib-tool again: the gnulib-tool of
 * the gnulib commit the release pins (a submodule or bootstrap.conf's GNULIB_REVISION, read from OUR clone of
 * gnulib, never from the tarball), in the bubblewrap sandbox, on a scratch project holding only what the
 * revision tracks that gnulib-tool reads (configure.ac, the Makefile.am files, the --local-dir directories), with the invocation
 * gnulib-tool itself recorded in the release.
 *
 * The invocation is tarball data (gnulib-cache.m4's "Specification in the form of a command-line invocation",
 * or the "Reproduce by:" block of a gnulib-tool makefile). It is treated as data, not code: only gnulib-tool's
 * known layout options are accepted, every module must be a module of the pinned gnulib (or of a tracked
 * --local-dir), and every directory must be relative and stay inside the project (a --local-dir is read from
 * the scratch project, which holds tracked files only). Anything else refuses the run (the outputs stay unproved and fail the gate). What gnulib-tool
 * then writes comes from the pinned gnulib and the tracked tree only; equal bytes prove the shipped file.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { normalisePath } from '../classify/paths.js';
import type { GnulibToolMiss } from '../core/regeneration.js';
import { commandFailure, probeSandbox, runSandboxed, which } from './sandbox.js';

/** The pinned gnulib as the run needs it: its tree (path → blob id), its executable files and a reader. */
export interface GnulibTree {
  files: ReadonlyMap<string, string>;
  executable?: ReadonlySet<string>;
  read(path: string): Promise<Buffer | undefined>;
}

/** The directories of gnulib a gnulib-tool --import reads (the rest — ChangeLog, doc sources of the manual … — it does not). */
const GNULIB_PARTS = /^(?:gnulib-tool(?:\.sh|\.py)?|\.gnulib-tool\.py|pygnulib\/.*|modules\/.*|lib\/.*|m4\/.*|build-aux\/.*|doc\/.*|tests\/.*|top\/.*|config\/.*)$/;

/** gnulib-tool --import options that only say where files go and which variant of them is wanted (value options). */
const VALUE_OPTIONS = new Set([
  '--lib', '--source-base', '--m4-base', '--po-base', '--doc-base', '--tests-base', '--aux-dir', '--makefile-name', '--tests-makefile-name',
  '--macro-prefix', '--po-domain', '--witness-c-macro', '--lgpl', '--local-dir', '--avoid', '--vc-files',
]);
/** …and flags. */
const FLAG_OPTIONS = new Set([
  '--with-tests', '--with-obsolete', '--with-c++-tests', '--with-longrunning-tests', '--with-privileged-tests', '--with-unportable-tests', '--with-all-tests',
  '--without-tests', '--without-c++-tests', '--without-longrunning-tests', '--without-privileged-tests', '--without-unportable-tests',
  '--libtool', '--no-libtool', '--conditional-dependencies', '--no-conditional-dependencies', '--automake-subdir', '--automake-subdir-tests',
  '--gnu-make', '--lgpl', '--vc-files', '--no-vc-files', '--single-configure',
]);
/** Value options naming a directory of the project. */
const DIR_OPTIONS = new Set(['--source-base', '--m4-base', '--po-base', '--doc-base', '--tests-base', '--aux-dir', '--local-dir']);

/** The `gnulib-tool --import …` invocation recorded in a gnulib-tool output (its arguments after --import), or undefined. */
export function recordedInvocation(text: string): string[] | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#\s*gnulib-tool --import(?:\s|$)/.test(l));
  if (start < 0) return undefined;
  const words: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith('#')) break;
    const body = l.replace(/^#\s*/, '');
    const more = /\\\s*$/.test(body);
    words.push(...body.replace(/\\\s*$/, '').split(/\s+/).filter(Boolean));
    if (!more) break;
  }
  if (words[0] !== 'gnulib-tool' || words[1] !== '--import') return undefined;
  return words.slice(2);
}

/** A relative directory that stays inside the project, normalised ('' for the top), or undefined. */
function insideDir(d: string): string | undefined {
  if (d.startsWith('/') || d.includes('\\') || /[\0\n$`]/.test(d)) return undefined;
  const parts: string[] = [];
  for (const s of d.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') return undefined;
    parts.push(s);
  }
  return parts.join('/');
}

export type InvocationCheck = { ok: true; args: string[]; localDirs: string[] } | { ok: false; miss: Extract<GnulibToolMiss, { kind: 'invocation-refused' }> };

/** `base` (relative to the directory `dir`, '' or 'sub/') resolved against it, normalised, or undefined when it leaves the project top. */
function insideTop(dir: string, base: string): string | undefined {
  if (base.startsWith('/') || base.includes('\\') || /[\0\n$`]/.test(base)) return undefined;
  return normalisePath(`${dir}${dir && !dir.endsWith('/') ? '/' : ''}${base}`);
}

/**
 * Accept a recorded invocation as data: known options only, modules of the pinned gnulib or of a tracked local
 * dir, directories inside the project, local dirs tracked. `dir` is the directory gnulib-tool wrote into ('' or
 * 'sub/', passed as --dir): the bases are relative to it and may climb out of it (gettext's
 * `--aux-dir=../../build-aux`) but not out of the project top; local dirs are relative to the top (where
 * gnulib-tool runs). `tracked` the revision's paths.
 */
export function checkInvocation(args: readonly string[], source: string, gnulib: GnulibTree, dir: string, tracked: { has(path: string): boolean }, localBase = ''): InvocationCheck {
  const refuse = (arg: string, why: 'option' | 'module' | 'directory' | 'local-dir' | 'target') => ({ ok: false as const, miss: { kind: 'invocation-refused' as const, source, arg, why } });
  const out: string[] = [];
  const localDirs: string[] = [];
  const modules: string[] = [];
  for (const a of args) {
    if (!a.startsWith('--')) {
      modules.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    const value = eq < 0 ? undefined : a.slice(eq + 1);
    // gnulib-tool before gnulib 55c6f22b80 (2015-11-21) recorded its target directory in every invocation it
    // wrote (`--dir=.` when run at the top); the run names the directory itself, so a recorded --dir is
    // accepted only when it is the directory the outputs were written into (relative to where it ran), and
    // dropped — the pinned gnulib-tool, run there, records it again the way it did.
    if (name === '--dir' && value !== undefined) {
      if (insideDir(value) !== (localBase ? '' : dir.replace(/\/$/, ''))) return refuse(a, 'target');
      continue;
    }
    if (value === undefined ? !FLAG_OPTIONS.has(name) : !VALUE_OPTIONS.has(name)) return refuse(a, 'option');
    if (value !== undefined && DIR_OPTIONS.has(name)) {
      // local dirs are relative to where gnulib-tool runs (`localBase`: the top, or the dir itself), kept top-relative here
      const d = name === '--local-dir' ? (localBase ? insideTop(localBase, value) : insideDir(value)) : insideTop(dir, value) !== undefined ? value : undefined;
      if (d === undefined) return refuse(a, 'directory');
      // A local dir the revision does not track (bootstrap passes --local-dir=gl whether or not gl/ exists) is
      // empty in the scratch project: only tracked files are ever there.
      if (name === '--local-dir') {
        if (!d) return refuse(a, 'local-dir');
        localDirs.push(d);
      }
    } else if (value !== undefined && !/^[A-Za-z0-9_.+\/=-]*$/.test(value)) return refuse(a, 'option');
    out.push(a);
  }
  for (const m of modules) {
    const known = /^[A-Za-z0-9_.+\/-]+$/.test(m) && !m.split('/').includes('..') && (gnulib.files.has(`modules/${m}`) || localDirs.some((d) => tracked.has(`${d}/modules/${m}`)));
    if (!known) return refuse(m, 'module');
    out.push(m);
  }
  return { ok: true, args: out, localDirs };
}

/** A post-import hook command as run after gnulib-tool (bootstrap.conf's `bootstrap_post_import_hook`): argv[0] a script of the scratch project. */
export type HookRun = { argv: string[]; ran: boolean };

export type GnulibToolRun = { ok: true; files: Map<string, Buffer>; hook: HookRun[]; cached: boolean } | { ok: false; miss: GnulibToolMiss };

/** Scratch directories of the runs in progress (removed on a signal by removeGnulibScratch, called by the CLI). */
const LIVE = new Set<string>();
const PREFIX = 'distdiff-gnulib-';
/** The sandbox's wall deadline for one gnulib-tool run: a scratch directory older than this is no run's any more. */
const WALL_MS = 1_800_000;
let swept = false;

/** Remove the scratch directories of the gnulib-tool runs in progress (synchronous: called from a signal handler). */
export function removeGnulibScratch(): void {
  for (const d of LIVE) rmSync(d, { recursive: true, force: true });
  LIVE.clear();
}

/**
 * Remove what killed runs left behind: /tmp/distdiff-gnulib-* owned by this user, older than the wall deadline,
 * whose owner process (recorded in `.owner`) is gone. Once per process, before the first run.
 */
export function sweepStaleGnulibScratch(dir = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let uid: number;
  try {
    uid = userInfo().uid;
  } catch {
    return removed;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (!n.startsWith(PREFIX)) continue;
    const p = join(dir, n);
    try {
      const st = lstatSync(p);
      if (!st.isDirectory() || st.uid !== uid || now - st.mtimeMs < WALL_MS) continue;
      const owner = Number(readFileSync(join(p, '.owner'), 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && existsSync(`/proc/${owner}`) && statSync(`/proc/${owner}`).uid === uid && !LIVE.has(p)) {
        // the owner may still run (a pid can be reused, but then we keep a directory rather than break a run)
        continue;
      }
    } catch {
      // no .owner (not written yet, or not ours): judged by age and owner only
    }
    if (LIVE.has(p)) continue;
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

/** The sandbox's PATH (src/regenerate/sandbox.ts, no toolchains): where gnulib-tool finds python3 and perl. */
const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The files of the pinned gnulib a run reads, with their blob ids and modes (what gnulib-tool is and reads). */
function gnulibParts(gnulib: GnulibTree): [string, string, boolean][] {
  return [...gnulib.files]
    .filter(([p, oid]) => GNULIB_PARTS.test(p) && !!oid)
    .map(([p, oid]) => [p, oid, gnulib.executable?.has(p) ?? false] as [string, string, boolean])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The cache key of a run: everything that determines what it writes — the pinned gnulib's files gnulib-tool
 * reads and gnulib-tool itself (blob ids and modes), the exact arguments, the hook commands, every file of the
 * scratch project (hashed), the outputs read back, and which implementations the sandbox can pick (python3
 * present or not, perl for a hook script).
 */
export function gnulibRunKey(opts: { gnulib: GnulibTree; project: ReadonlyMap<string, Buffer>; args: readonly string[]; dir?: string; cwd?: string; hook?: readonly string[][]; outputs: readonly string[] }): string {
  const h = createHash('sha256');
  const project = [...opts.project].map(([p, b]) => [p, createHash('sha256').update(b).digest('hex')]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  h.update(JSON.stringify({
    v: 1,
    gnulib: gnulibParts(opts.gnulib),
    args: opts.args,
    ...(opts.dir ? { dir: opts.dir } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    hook: opts.hook ?? [],
    project,
    outputs: opts.outputs,
    // gnulib-tool's wrapper picks the Python implementation when python3 is on the sandbox's PATH
    python3: which('python3', SANDBOX_PATH) ?? '',
    perl: which('perl', SANDBOX_PATH) ?? '',
  }));
  return h.digest('hex');
}

interface CachedRun {
  key: string;
  files: Record<string, string>;
  hook: HookRun[];
}

function readCache(dir: string | undefined, key: string): { files: Map<string, Buffer>; hook: HookRun[] } | undefined {
  if (!dir) return undefined;
  try {
    const c = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as CachedRun;
    if (c.key !== key) return undefined;
    return { files: new Map(Object.entries(c.files).map(([p, b]) => [p, Buffer.from(b, 'base64')])), hook: c.hook };
  } catch {
    return undefined;
  }
}

function writeCache(dir: string | undefined, key: string, files: ReadonlyMap<string, Buffer>, hook: HookRun[]): void {
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
    const body: CachedRun = { key, files: Object.fromEntries([...files].map(([p, b]) => [p, b.toString('base64')])), hook };
    const tmp = join(dir, `.${key}.${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(tmp, JSON.stringify(body));
    renameSync(tmp, join(dir, `${key}.json`));
  } catch {
    // a cache that cannot be written only costs time
  }
}

/**
 * Run the pinned gnulib's gnulib-tool --import with `args` (and `--dir=dir` when the outputs go into a
 * subdirectory) at the top of a scratch project made of `project` (path → content, relative to the top), then the post-import hook's scripts (`hook`, each argv[0] a
 * script of the scratch project after gnulib-tool: tracked, or written by gnulib-tool from the pinned gnulib),
 * in the same sandbox, and read back `outputs` (same relative paths; absent when not written). With `cacheDir`,
 * a run whose key (gnulibRunKey) was seen returns the stored outputs without running.
 */
export async function runGnulibTool(opts: { gnulib: GnulibTree; project: ReadonlyMap<string, Buffer>; args: readonly string[]; dir?: string; cwd?: string; hook?: readonly string[][]; outputs: readonly string[]; path?: string; cacheDir?: string }): Promise<GnulibToolRun> {
  // a hit needs no sandbox: the stored outputs are what the same run wrote
  const key = gnulibRunKey(opts);
  const hit = readCache(opts.cacheDir, key);
  if (hit) return { ok: true, files: hit.files, hook: hit.hook, cached: true };
  const sandbox = await probeSandbox(opts.path);
  if (!sandbox.ok) return { ok: false, miss: { kind: 'sandbox-unavailable', cause: sandbox.cause } };
  if (!swept) {
    swept = true;
    sweepStaleGnulibScratch();
  }
  const top = mkdtempSync(join(tmpdir(), PREFIX));
  LIVE.add(top);
  try {
    writeFileSync(join(top, '.owner'), `${process.pid}\n`);
    const gl = join(top, 'gnulib');
    const scratch = join(top, 'project');
    mkdirSync(scratch, { recursive: true });
    for (const [p, oid] of opts.gnulib.files) {
      if (!GNULIB_PARTS.test(p) || !oid) continue;
      const b = await opts.gnulib.read(p);
      if (!b) continue; // a file over the retain limit: gnulib-tool fails if it needs it, and says so
      const to = join(gl, p);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, b, { mode: opts.gnulib.executable?.has(p) ? 0o755 : 0o644 });
    }
    if (!existsSync(join(gl, 'gnulib-tool'))) return { ok: false, miss: { kind: 'failed', failure: { timedOut: false, exit: 'unknown', stderr: 'the pinned gnulib has no gnulib-tool' } } };
    for (const [p, b] of opts.project) {
      const to = join(scratch, p);
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, b);
    }
    const argv = [`${gl}/gnulib-tool`, '--import', '--no-changelog', ...(opts.dir ? [`--dir=${opts.dir.replace(/\/$/, '')}`] : []), ...opts.args];
    // The CPU limit bounds the work (the shell implementation: ~3 min CPU for coreutils' 290 modules); the wall
    // deadline is generous so that a loaded machine does not turn a proof into a failure (11 min wall at load 22).
    const limits = { wallMs: WALL_MS, cpuSeconds: 600 };
    const run = await runSandboxed(sandbox.bwrap, { scratch, argv, readOnly: [gl], limits, ...(opts.cwd ? { cwd: opts.cwd.replace(/\/$/, '') } : {}) });
    if (run.code !== 0 || run.timedOut) return { ok: false, miss: { kind: 'failed', failure: commandFailure(run) } };
    const hook: HookRun[] = [];
    for (const h of opts.hook ?? []) {
      const script = join(scratch, h[0]!);
      // the script is the tag's (placed in the project) or what gnulib-tool just wrote from the pinned gnulib
      let isFile = false;
      try {
        isFile = lstatSync(script).isFile();
      } catch {
        // not there: bootstrap would have failed here; not run, and the comparison says the rest
      }
      if (!isFile) {
        hook.push({ argv: h, ran: false });
        continue;
      }
      chmodSync(script, 0o755);
      const r = await runSandboxed(sandbox.bwrap, { scratch, argv: [`./${h[0]}`, ...h.slice(1)], readOnly: [gl], limits });
      if (r.code !== 0 || r.timedOut) return { ok: false, miss: { kind: 'failed', failure: commandFailure(r) } };
      hook.push({ argv: h, ran: true });
    }
    const files = new Map<string, Buffer>();
    for (const o of opts.outputs) {
      try {
        files.set(o, readFileSync(join(scratch, o)));
      } catch {
        // not written
      }
    }
    writeCache(opts.cacheDir, key, files, hook);
    return { ok: true, files, hook, cached: false };
  } finally {
    rmSync(top, { recursive: true, force: true });
    LIVE.delete(top);
  }
}
