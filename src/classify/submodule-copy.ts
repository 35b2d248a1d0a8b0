/**
 * Copies of a pinned submodule's files (issue 11 a). The compared revision pins a submodule (gnulib) at a
 * commit; src/acquire/submodule.ts read that commit's tree. A tarball file is judged against the file it was
 * copied from:
 *
 *   under the submodule's path   the same relative path in the pinned tree;
 *   where gnulib-tool put it     the layout of a shipped gnulib-comp.m4 (src/classify/gnulib-layout.ts)
 *                                maps it back to the gnulib file (lib/ → source base, m4/, build-aux/,
 *                                tests/ and tests=lib/ → tests base, doc/, top/ → top), listed in gl_FILE_LIST.
 *
 * Equal blob ids, or equal after one of gnulib-tool's listed rewrites (src/classify/gnulib-rewrite.ts, only
 * those the pinned gnulib-tool performs): SUBMODULE_COPY (info). Anything else differing stays a finding,
 * SUBMODULE_COPY_MODIFIED (high; the suspicious-construct pass raises it to critical when the file carries
 * constructs), with the diff pinned → tarball — unless the blob is a known upstream version of the same file
 * (the blob index then explains it: the release was made with another gnulib than the tag pins).
 *
 * gnulib-tool's own outputs (gnulib-comp.m4, gnulib-cache.m4, the gnulib.mk / Makefile.gnulib it writes into
 * the source and tests bases) are not copies: recognised by their generated-file header and their place in the
 * layout, they are proved by running the pinned gnulib's gnulib-tool again in the sandbox with the invocation
 * the release records (src/regenerate/gnulib-tool.ts, once per layout): equal bytes → GENERATED_BY_AUTOTOOLS
 * with proof { proved: true, method: 'gnulib-tool' }; other bytes → REGENERATION_MISMATCH; not run (no pinned
 * gnulib — also without any submodule —, no sandbox, --no-regenerate, failed, refused invocation) → the label
 * with proof { proved: false, cause gnulib-tool-label + miss }, which UNPROVED_BUILD_OUTPUTS gates.
 */
import type { Finding, GnulibLocal, SubmoduleRewrite } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import type { PathDiff } from '../core/types.js';
import { contentDiff } from '../compare/content-diff.js';
import type { PinnedSubmodule } from '../acquire/submodule.js';
import { isBuildAffecting } from './build-affecting.js';
import { applyLocalDiff } from './gnulib-local.js';
import { applyRewrites, availableRewrites, bootstrapMarks, markHeader, rewriteCandidates } from './gnulib-rewrite.js';
import { bootstrapFiles, COPY_FILE_SCRIPTS, copyFileCalls, destinationOf, gnulibSources, parseGnulibComp, type GnulibLayout } from './gnulib-layout.js';
import { bootstrapHookPerlEdits, generatorSource, sedInPlaceEdits } from './produced.js';
import { parseSed, runSed } from './shell-subset.js';
import type { Classifier, ClassifyContext } from './types.js';
import type { GnulibToolMiss } from '../core/regeneration.js';
import { checkInvocation, recordedInvocation, runGnulibTool } from '../regenerate/gnulib-tool.js';
import { bootstrapInvocation, bootstrapPackage, hookVariables, postImportHook, type HookCommand } from '../regenerate/bootstrap-conf.js';
import { mismatchFinding } from '../regenerate/provenance.js';
import { bundledBlobIndex, type BlobIndex } from './upstream-blobs.js';
import { admits } from './precheck.js';

/** Files of the pinned gnulib tree whose text holds gnulib-tool's sed scripts (the shell and Python versions). */
const TOOL_FILES = ['gnulib-tool', 'gnulib-tool.sh', 'pygnulib/GLImport.py', 'pygnulib/GLTestDir.py', 'pygnulib/constants.py'];

interface Layout {
  layout: GnulibLayout;
  sub: PinnedSubmodule;
  /** What bootstrap copies from gnulib itself: destination → gnulib file. */
  bootstrap: Map<string, string>;
}

interface State {
  /** Every layout read from a shipped gnulib-comp.m4 (with or without a pinned gnulib). */
  parsed: GnulibLayout[];
  /** Each layout with each pinned gnulib. */
  layouts: Layout[];
  rewrites: Map<PinnedSubmodule, Promise<Set<SubmoduleRewrite>>>;
  /** Per tarball path, how it compares with the pinned files it maps to (memoised: a generated file's source asks too). */
  matches: Map<string, Promise<Match>>;
  /** Where gnulib-tool put each listed gnulib file: destination → the pinned file (gperf/bison sources). */
  destinations?: Map<string, { sub: PinnedSubmodule; file: string }>;
  /** `gnulib-tool --copy-file` calls of tracked scripts: destination → gnulib file. */
  copied: Map<string, string>;
  /** The pinned gnulib's gnulib-tool run per layout (memoised: every output of the layout asks). */
  runs: Map<GnulibLayout, Promise<LayoutRun>>;
  /** Whether the tracked bootstrap marks the files it copies (cp_mark_as_generated). */
  marks?: Promise<boolean>;
  /** In-place sed edits of tracked bootstrap scripts, by edited path (read once). */
  edits?: Promise<Map<string, ScriptEdit>>;
}

/** A tracked script's `sed … < P > T && mv T P` edit of a copy gnulib-tool placed (libunistring's autogen.sh). */
interface ScriptEdit {
  script: string;
  line: number;
  /** perl for a bootstrap.conf hook's `perl -pi -e` (bootstrapHookPerlEdits); sed otherwise. */
  tool?: 'perl';
  cmds: NonNullable<ReturnType<typeof parseSed>>;
}

/** gnulib-tool run again for one layout: what it wrote (paths relative to the top), or why it did not run. */
type LayoutRun = { ok: true; sub: PinnedSubmodule; source: string; args: string[]; files: Map<string, Buffer>; hook?: { source: string; commands: string[][] } } | { ok: false; miss: GnulibToolMiss };

/** The outcome of comparing a tarball file with the pinned files it maps to. */
type Match =
  | { kind: 'none' }
  | { kind: 'copy'; c: Candidate; rewrites: SubmoduleRewrite[]; edited?: { script: string; line: number; tool?: 'perl' } }
  | { kind: 'differs'; strict: Candidate[]; best?: { c: Candidate; pinned: Buffer; ids: SubmoduleRewrite[]; edited?: { script: string; line: number; tool?: 'perl' } } };

const isGnulib = (s: PinnedSubmodule) => s.files.has('gnulib-tool') && [...s.files.keys()].some((p) => p.startsWith('modules/'));

async function text(ctx: ClassifyContext, path: string): Promise<string | undefined> {
  const b = ctx.content.tarball(path) ?? (ctx.gitPaths.has(path) ? await ctx.content.git(path) : undefined);
  return b?.toString('latin1');
}

async function buildState(ctx: ClassifyContext): Promise<State> {
  const gnulibs = (ctx.submodules ?? []).filter(isGnulib);
  const layouts: Layout[] = [];
  const parsed: GnulibLayout[] = [];
  {
    const comps = [...ctx.tarballPaths].filter((p) => p === 'gnulib-comp.m4' || p.endsWith('/gnulib-comp.m4')).sort();
    for (const p of comps) {
      const t = await text(ctx, p);
      if (!t) continue;
      const dir = p.slice(0, p.length - 'gnulib-comp.m4'.length);
      const cache = await text(ctx, `${dir}gnulib-cache.m4`);
      const top = p.includes('/') ? undefined : '';
      const conf = (await text(ctx, `${top ?? ''}bootstrap.conf`)) ?? (await text(ctx, 'bootstrap.conf'));
      const layout = parseGnulibComp(p, t, cache, conf);
      if (!layout) continue;
      parsed.push(layout);
      const bootstrap = layout.dir === '' ? bootstrapFiles(conf, layout.auxDir) : new Map<string, string>();
      // Several gnulib submodules are rare; each layout is tried with each (the content decides).
      for (const sub of gnulibs) layouts.push({ layout, sub, bootstrap });
    }
  }
  const copied = new Map<string, string>();
  if (gnulibs.length) {
    for (const p of [...ctx.gitPaths].filter((x) => COPY_FILE_SCRIPTS.has(x.slice(x.lastIndexOf('/') + 1))).sort()) {
      const t = (await ctx.content.git(p))?.toString('latin1');
      if (t) for (const [dest, src] of copyFileCalls(t, p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')) if (!copied.has(dest)) copied.set(dest, src);
    }
  }
  return { parsed, layouts, rewrites: new Map(), matches: new Map(), copied, runs: new Map() };
}

const STATES = new WeakMap<ClassifyContext, Promise<State>>();
function stateOf(ctx: ClassifyContext): Promise<State> {
  let s = STATES.get(ctx);
  if (!s) STATES.set(ctx, (s = buildState(ctx)));
  return s;
}

function rewritesOf(state: State, sub: PinnedSubmodule): Promise<Set<SubmoduleRewrite>> {
  let r = state.rewrites.get(sub);
  if (!r) {
    r = Promise.all(TOOL_FILES.map((f) => sub.read(f))).then((bufs) => availableRewrites(bufs.map((b) => b?.toString('latin1') ?? '').join('\n')));
    state.rewrites.set(sub, r);
  }
  return r;
}

/** Whether the tag's tracked top-level bootstrap defines the old gnulib bootstrap's cp_mark_as_generated (read once). */
function marksOf(state: State, ctx: ClassifyContext): Promise<boolean> {
  return (state.marks ??= (async () => {
    if (!ctx.gitPaths.has('bootstrap')) return false;
    const b = await ctx.content.git('bootstrap');
    return !!b && b.length < 1024 * 1024 && bootstrapMarks(b.toString('latin1'));
  })());
}

/**
 * The in-place sed edits (produced.ts sedInPlaceEdits) of the tag's tracked import scripts (autogen.sh, bootstrap,
 * bootstrap.conf …, at any depth), by the path each edits; a path two lines edit is left out (their order and
 * conditions are not modelled), as is an edit whose expressions are outside the sed subset (shell-subset.ts).
 */
function editsOf(state: State, ctx: ClassifyContext): Promise<Map<string, ScriptEdit>> {
  return (state.edits ??= (async () => {
    const out = new Map<string, ScriptEdit>();
    const twice = new Set<string>();
    for (const path of [...ctx.gitPaths].filter((q) => COPY_FILE_SCRIPTS.has(q.slice(q.lastIndexOf('/') + 1))).sort()) {
      const b = await ctx.content.git(path);
      if (!b || b.length > 1024 * 1024 || b.subarray(0, 8192).includes(0)) continue;
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const script = b.toString('latin1');
      // the top bootstrap.conf's after-import hooks may also edit with perl, `$package` as the tracked bootstrap sets it
      const hookEdits = path === 'bootstrap.conf' ? bootstrapHookPerlEdits(script, await bootstrapVars(ctx)) : [];
      for (const e of [...sedInPlaceEdits(script, dir), ...hookEdits]) {
        const cmds = parseSed(e.exprs.join('\n'));
        if (out.has(e.path) || twice.has(e.path)) {
          out.delete(e.path);
          twice.add(e.path);
          continue;
        }
        if (cmds) out.set(e.path, { script: path, line: e.line, cmds, ...(hookEdits.includes(e) ? { tool: 'perl' as const } : {}) });
        else twice.add(e.path);
      }
    }
    return out;
  })());
}

/** The variables gnulib's bootstrap has set when it calls bootstrap.conf's hooks: `package` (bootstrapPackage), if known. */
async function bootstrapVars(ctx: ClassifyContext): Promise<Map<string, string>> {
  const gitText = async (p: string) => (ctx.gitPaths.has(p) ? (await ctx.content.git(p))?.toString('latin1') : undefined);
  const pkg = bootstrapPackage(await gitText('bootstrap'), await gitText('configure.ac'));
  return new Map(pkg ? [['package', pkg]] : []);
}

/** --lgpl as gnulib-cache.m4 records it narrows the license rewrite to the one gnulib-tool applied. */
function lgplAllows(layout: GnulibLayout | undefined, ids: readonly SubmoduleRewrite[]): boolean {
  const lic = ids.find((i) => i.startsWith('license-'));
  if (!lic || layout?.lgpl === undefined) return true;
  const want = layout.lgpl === 'none' ? 'license-gpl' : layout.lgpl === '2' ? 'license-lgpl2' : layout.lgpl === 'yes' || layout.lgpl === '3' ? 'license-lgpl' : layout.lgpl === '3orGPLv2' ? 'license-lgpl3orgpl2' : undefined;
  return lic === want;
}

interface Candidate {
  sub: PinnedSubmodule;
  file: string;
  listed: string;
  via: 'path' | 'gnulib-tool' | 'bootstrap';
  layout?: GnulibLayout;
  /** A difference is a finding (gnulib-tool listed the file, or a tracked local file names it); otherwise only a match counts. */
  strict: boolean;
  /** gnulib-tool's local override or patch, tracked in git. */
  local?: GnulibLocal;
}

/**
 * gnulib-tool's func_lookup_file: the first local dir holding the file overrides gnulib's, then every local
 * dir's `.diff` for it is applied, in order.
 */
function localOf(layout: GnulibLayout, file: string, gitPaths: ReadonlySet<string>): GnulibLocal | undefined {
  const bases = layout.localDirs.map((d) => normaliseDir(`${layout.dir}${d}`));
  const override = bases.map((b) => `${b}${file}`).find((p) => gitPaths.has(p));
  const patches = bases.map((b) => `${b}${file}.diff`).filter((p) => gitPaths.has(p));
  return override || patches.length ? { ...(override ? { override } : {}), patches } : undefined;
}

/** The content gnulib-tool copied for a candidate, before its sed rewrites. */
async function sourceOf(c: Candidate, ctx: ClassifyContext): Promise<Buffer | undefined> {
  const base = c.local?.override ? await ctx.content.git(c.local.override) : await c.sub.read(c.file);
  let text = base?.toString('latin1');
  for (const p of c.local?.patches ?? []) {
    const patch = await ctx.content.git(p);
    text = text !== undefined && patch ? applyLocalDiff(text, patch.toString('latin1')) : undefined;
  }
  return text === undefined ? undefined : Buffer.from(text, 'latin1');
}

function candidates(state: State, ctx: ClassifyContext, path: string): Candidate[] {
  const out: Candidate[] = [];
  for (const sub of ctx.submodules ?? []) {
    if (path.startsWith(`${sub.path}/`)) {
      const rel = path.slice(sub.path.length + 1);
      if (sub.files.has(rel)) out.push({ sub, file: rel, listed: rel, via: 'path', strict: true });
    }
  }
  const plain: Candidate[] = [];
  for (const { layout, sub, bootstrap } of state.layouts) {
    for (const s of gnulibSources(layout, path)) {
      const listed = layout.files.has(s.listed);
      // a local dir that is itself a pinned submodule (libtool's gl-mod/bootstrap): its tree holds the file
      for (const d of layout.localDirs) {
        const base = normaliseDir(`${layout.dir}${d}`).replace(/\/$/, '');
        const modules = (ctx.submodules ?? []).find((m) => m.path === base);
        if (modules?.files.has(s.file)) out.push({ sub: modules, file: s.file, listed: s.listed, via: 'gnulib-tool', layout, strict: listed });
      }
      const local = localOf(layout, s.file, ctx.gitPaths);
      if (local && (local.override || sub.files.has(s.file))) out.push({ sub, file: s.file, listed: s.listed, via: 'gnulib-tool', layout, local: local!, strict: true });
      if (sub.files.has(s.file)) plain.push({ sub, file: s.file, listed: s.listed, via: 'gnulib-tool', layout, strict: listed });
    }
    const extra = bootstrap.get(path);
    if (extra && sub.files.has(extra)) {
      // bootstrap copies it with `gnulib-tool --copy-file`, which honours the --local-dir overrides and .diff patches
      // (enchant 2.8.2's INSTALL: gnulib's doc/INSTALL with the tracked gl/doc/INSTALL.diff applied)
      const local = localOf(layout, extra, ctx.gitPaths);
      if (local) out.push({ sub, file: extra, listed: extra, via: 'bootstrap', layout, local, strict: false });
      plain.push({ sub, file: extra, listed: extra, via: 'bootstrap', layout, strict: false });
    }
  }
  // a tracked script's `gnulib-tool --copy-file` (gettext's INSTALL.generic): as a bootstrap copy, only a match counts
  const copiedFrom = state.copied.get(path);
  if (copiedFrom) for (const sub of (ctx.submodules ?? []).filter(isGnulib)) if (sub.files.has(copiedFrom)) plain.push({ sub, file: copiedFrom, listed: copiedFrom, via: 'bootstrap', strict: false });
  // tracked local overrides and patches first: gnulib-tool used them in place of the plain file
  return [...out, ...plain];
}

// ---------------------------------------------------------------------------------------------
// gnulib-tool's generated files

const GENERATED_HEADER = /DO NOT EDIT! GENERATED AUTOMATICALLY!/;
/** The makefiles gnulib-tool writes into its source and tests bases (--makefile-name, or the default Makefile.am). */
const GNULIB_TOOL_MAKEFILES: ReadonlySet<string> = new Set(['gnulib.mk', 'Makefile.gnulib', 'Makefile.am', 'Makefile.in.in']);
/** Names of the files gnulib-tool writes (as opposed to copies). */
const GNULIB_TOOL_OUTPUT_NAMES: ReadonlySet<string> = new Set(['gnulib-comp.m4', 'gnulib-cache.m4', ...GNULIB_TOOL_MAKEFILES]);
const BY_GNULIB_TOOL = /Generated by gnulib-tool\./;

/** gnulib-tool's own output at `path` in one of the layouts, with the tracked file it was generated from. */
function generatedOutput(state: State, path: string, head: string, gitPaths: ReadonlySet<string>): { source?: string; layout: GnulibLayout } | undefined {
  if (!BY_GNULIB_TOOL.test(head)) return undefined;
  for (const layout of state.parsed) {
    const m4 = layout.from.slice(0, -'gnulib-comp.m4'.length);
    const cache = `${m4}gnulib-cache.m4`;
    // gnulib-cache.m4 says "Generated by gnulib-tool." only; the others also carry the DO NOT EDIT header
    if (path !== cache && !GENERATED_HEADER.test(head)) continue;
    const tracked = gitPaths.has(cache) ? cache : gitPaths.has(`${layout.dir}bootstrap.conf`) ? `${layout.dir}bootstrap.conf` : gitPaths.has('bootstrap.conf') ? 'bootstrap.conf' : undefined;
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dirOfPath = path.slice(0, path.lastIndexOf('/') + 1);
    const inBase = (b: string | undefined) => b !== undefined && dirOfPath === `${normaliseDir(layout.dir + b)}`;
    const ok =
      path === layout.from ||
      path === cache ||
      (GNULIB_TOOL_MAKEFILES.has(base) && (inBase(layout.sourceBase) || inBase(layout.testsBase)));
    if (ok) return { ...(tracked ? { source: tracked } : {}), layout };
  }
  return undefined;
}

/** What gnulib-tool writes for a layout besides copies, relative to the directory it ran in. */
function layoutOutputs(layout: GnulibLayout): string[] {
  const m4 = normaliseDir(layout.m4Base);
  const out = [`${m4}gnulib-comp.m4`, `${m4}gnulib-cache.m4`];
  for (const b of [layout.sourceBase, layout.testsBase]) {
    if (b === undefined) continue;
    for (const name of GNULIB_TOOL_MAKEFILES) out.push(`${normaliseDir(b)}${name}`);
  }
  return [...new Set(out)];
}

/** The tracked file of the revision at `path`, as text (undefined when not tracked). */
async function tracked(ctx: ClassifyContext, path: string): Promise<string | undefined> {
  return ctx.gitPaths.has(path) ? (await ctx.content.git(path))?.toString('latin1') : undefined;
}

/**
 * Run the pinned gnulib's gnulib-tool for `layout` (src/regenerate/gnulib-tool.ts): the invocation recorded in
 * the layout's gnulib-cache.m4 or in a gnulib-tool makefile it wrote, checked as data — or, when the release
 * records none, the command line the tag's bootstrap builds from its bootstrap.conf (src/regenerate/
 * bootstrap-conf.ts); then the post-import hook of the tag's bootstrap.conf, when the tag's bootstrap calls one
 * (its script commands only, in the same sandbox). The scratch project holds the revision's configure.ac, its
 * Makefile.am files, the tracked files of the local dirs (a local dir that is a pinned submodule: its pinned
 * tree) and the tracked scripts the hook runs.
 */
async function runLayout(state: State, ctx: ClassifyContext, layout: GnulibLayout): Promise<LayoutRun> {
  if (ctx.noGenerators) return { ok: false, miss: { kind: 'regeneration-off' } };
  const subs = state.layouts.filter((l) => l.layout === layout).map((l) => l.sub);
  const outputs = layoutOutputs(layout);
  const confPath = `${layout.dir}bootstrap.conf`;
  const conf = await tracked(ctx, confPath);
  const script = await tracked(ctx, `${layout.dir}bootstrap`);
  let recorded: { source: string; args: string[] } | undefined;
  for (const rel of outputs) {
    const t = await text(ctx, `${layout.dir}${rel}`);
    const args = t !== undefined ? recordedInvocation(t) : undefined;
    if (args) {
      recorded = { source: `${layout.dir}${rel}`, args };
      break;
    }
  }
  if (!recorded && conf !== undefined) {
    const configureAc = (await tracked(ctx, `${layout.dir}configure.ac`)) ?? (await tracked(ctx, `${layout.dir}configure.in`)) ?? '';
    const built = bootstrapInvocation(conf, script, configureAc);
    if (built) recorded = { source: confPath, args: built.args };
  }
  if (!recorded) return { ok: false, miss: { kind: 'no-invocation' } };
  // the hook of gnulib's bootstrap, when the tag's bootstrap calls it
  // (bootstrap runs it where it ran gnulib-tool: the top of the project, so only for the top layout)
  const hookCmds = !layout.dir && conf !== undefined && script !== undefined && /\bbootstrap_post_import_hook\b/.test(script) ? postImportHook(conf, hookVariables(recorded.args, conf)) : undefined;
  const hook = (hookCmds ?? []).filter((c): c is Extract<HookCommand, { run: true }> => c.run).map((c) => c.argv);
  const localTree = (d: string) => (ctx.submodules ?? []).find((m) => m.path === normaliseDir(d).replace(/\/$/, ''));
  // gnulib-tool runs at the top with --dir=<layout dir> (gettext's autogen.sh does: its bases climb out of the
  // dir, `--aux-dir=../../build-aux`); its local dirs are then relative to the top. gnulib-cache.m4's
  // gl_LOCAL_DIR says where they are from the dir (the command line in its comment keeps them as they were
  // typed, relative to wherever gnulib-tool ran), so in a subdirectory they are taken from there.
  // …unless gnulib-tool ran in the dir itself (libtextstyle's autogen.sh: its gnulib-comp.m4 says "invoked from
  // ./configure.ac"): then it runs there, with the local dirs as recorded (relative to the dir).
  const comp = await text(ctx, layout.from);
  const inDir = !!layout.dir && comp !== undefined && /^# This macro should be invoked from \.\/configure\.ac,/m.test(comp);
  const recordedLocal = recorded.args.filter((a) => a.startsWith('--local-dir='));
  if (inDir) {
    // as recorded
  } else if (layout.dir && recordedLocal.length && recordedLocal.length === layout.localDirs.length) {
    let i = 0;
    const top = layout.localDirs.map((d) => normaliseDir(`${layout.dir}${d}`).replace(/\/$/, ''));
    recorded = { ...recorded, args: recorded.args.map((a) => (a.startsWith('--local-dir=') ? `--local-dir=${top[i++]}` : a)) };
  } else if (layout.dir && recordedLocal.length) {
    recorded = { ...recorded, args: recorded.args.map((a) => (a.startsWith('--local-dir=') ? `--local-dir=${normaliseDir(`${layout.dir}${a.slice('--local-dir='.length)}`).replace(/\/$/, '')}` : a)) };
  }
  const args = recorded.args;
  let last: LayoutRun = { ok: false, miss: { kind: 'no-pinned-gnulib' } };
  for (const sub of subs) {
    const known = {
      has: (p: string) => {
        if (ctx.gitPaths.has(p)) return true;
        const m = (ctx.submodules ?? []).find((s) => p.startsWith(`${s.path}/`));
        return !!m && m.files.has(p.slice(m.path.length + 1));
      },
    };
    const checked = checkInvocation(args, recorded.source, sub, layout.dir, known, inDir ? layout.dir : '');
    if (!checked.ok) return { ok: false, miss: checked.miss };
    const project = new Map<string, Buffer>();
    const hookScripts = new Set(hook.map((h) => `${layout.dir}${h[0]}`));
    for (const p of ctx.gitPaths) {
      const rel = p.startsWith(layout.dir) ? p.slice(layout.dir.length) : undefined;
      // configure.ac, the Makefile.am files of the dir (gnulib-tool reads the source base's for the library's
      // install location under --makefile-name), the local dirs and the hook's tracked scripts: the tracked files read
      const read = (rel !== undefined && (rel === 'configure.ac' || rel === 'configure.in' || rel === 'Makefile.am' || rel.endsWith('/Makefile.am'))) || checked.localDirs.some((d) => p.startsWith(`${d}/`)) || hookScripts.has(p);
      if (!read) continue;
      const b = await ctx.content.git(p);
      if (b) project.set(p, b);
    }
    for (const d of checked.localDirs) {
      const m = localTree(d);
      if (!m || m === sub) continue;
      for (const [f, oid] of m.files) {
        if (!oid) continue;
        const b = await m.read(f);
        if (b) project.set(`${normaliseDir(d)}${f}`, b);
      }
    }
    const run = await runGnulibTool({ gnulib: sub, project, args: checked.args, ...(inDir ? { cwd: layout.dir } : { dir: layout.dir }), hook, outputs: outputs.map((o) => `${layout.dir}${o}`), ...(ctx.gnulibToolCache ? { cacheDir: ctx.gnulibToolCache } : {}) });
    if (run.ok) {
      const files = run.files;
      const ran = run.hook.filter((h) => h.ran).map((h) => h.argv);
      return { ok: true, sub, source: recorded.source, args: layout.dir && !inDir ? [`--dir=${layout.dir.replace(/\/$/, '')}`, ...checked.args] : checked.args, files, ...(ran.length ? { hook: { source: confPath, commands: ran } } : {}) };
    }
    last = run;
    if (run.miss.kind === 'sandbox-unavailable') break;
  }
  return last;
}

function runOf(state: State, ctx: ClassifyContext, layout: GnulibLayout): Promise<LayoutRun> {
  let r = state.runs.get(layout);
  if (!r) state.runs.set(layout, (r = runLayout(state, ctx, layout)));
  return r;
}

function normaliseDir(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.length ? `${parts.join('/')}/` : '';
}

// ---------------------------------------------------------------------------------------------

/** Compare a tarball file with the pinned files it maps to (memoised per path). */
function matchOf(state: State, ctx: ClassifyContext, path: string, oid: string): Promise<Match> {
  let m = state.matches.get(path);
  if (!m) state.matches.set(path, (m = computeMatch(state, ctx, path, oid)));
  return m;
}

async function computeMatch(state: State, ctx: ClassifyContext, path: string, oid: string): Promise<Match> {
  const cands = candidates(state, ctx, path);
  if (!cands.length) return { kind: 'none' };
  for (const c of cands) if (!c.local && c.sub.files.get(c.file) === oid) return { kind: 'copy', c, rewrites: [] };
  const shipped = ctx.content.tarball(path);
  // The tracked bootstrap's cp_mark_as_generated header, when it has that function (a file it copies as it is: '').
  const mark = (await marksOf(state, ctx)) ? markHeader(path) : '';
  // A tracked import script's in-place sed of this path, run after gnulib-tool placed it.
  const edit = (await editsOf(state, ctx)).get(path);
  const edited = edit ? { script: edit.script, line: edit.line, ...(edit.tool ? { tool: edit.tool } : {}) } : undefined;
  // The closest variant (pinned file, or after the rewrites that bring it closest) is what a diff shows.
  let best: { c: Candidate; pinned: Buffer; ids: SubmoduleRewrite[]; lines: number; edited?: { script: string; line: number; tool?: 'perl' } } | undefined;
  for (const c of cands) {
    const pinned = await sourceOf(c, ctx);
    if (!pinned || !shipped) continue;
    const original = pinned.toString('latin1');
    const want = shipped.toString('latin1');
    const variants: SubmoduleRewrite[][] = [[], ...rewriteCandidates(c.listed, await rewritesOf(state, c.sub)).filter((ids) => lgplAllows(c.layout, ids))];
    for (const ids of variants) {
      const got = ids.length ? applyRewrites(original, ids) : original;
      if (got === want) return { kind: 'copy', c, rewrites: ids };
      if (mark && c.via === 'gnulib-tool' && mark + got === want) return { kind: 'copy', c, rewrites: [...ids, 'bootstrap-mark'] };
      const after = edit && c.via === 'gnulib-tool' ? runSed(edit.cmds, false, got) : undefined;
      if (after !== undefined && after === want) return { kind: 'copy', c, rewrites: ids, edited: edited! };
      if (!c.strict) continue;
      const shown = after ?? got;
      const d = contentDiff(path, Buffer.from(shown, 'latin1'), shipped, {}, { timeoutMs: 1000, maxBytes: 1 });
      const lines = d.kind === 'text' ? (d.added ?? 0) + (d.removed ?? 0) : Number.MAX_SAFE_INTEGER;
      if (!best || lines < best.lines) best = { c, pinned: Buffer.from(shown, 'latin1'), ids, lines, ...(after !== undefined ? { edited: edited! } : {}) };
    }
  }
  return { kind: 'differs', strict: cands.filter((c) => c.strict), ...(best ? { best } : {}) };
}

/** Destination → pinned file for every file gl_FILE_LIST lists (where gnulib-tool put it). */
function destinationsOf(state: State): Map<string, { sub: PinnedSubmodule; file: string }> {
  if (state.destinations) return state.destinations;
  const out = new Map<string, { sub: PinnedSubmodule; file: string }>();
  for (const { layout, sub } of state.layouts) {
    for (const listed of layout.files) {
      const dest = destinationOf(layout, listed);
      const file = listed.replace(/^tests=lib\//, 'lib/');
      if (dest && sub.files.has(file) && !out.has(dest)) out.set(dest, { sub, file });
    }
  }
  return (state.destinations = out);
}

/**
 * A gperf / bison output (its header names the source) of a gnulib source: the named source is shipped and a
 * proved copy of the pinned file, or not shipped and gnulib-tool's layout puts that pinned file there.
 */
async function generatedFromPinned(state: State, ctx: ClassifyContext, path: string, content: Buffer): Promise<Finding | undefined> {
  const dests = destinationsOf(state);
  // gperf run by its full path (`Command-line: /usr/bin/gperf …`, bison 3.8.2's) is still gperf
  const head = content.subarray(0, 8192).toString('latin1').replace(/^(\/\* Command-line: )\S*\/gperf /m, '$1gperf ');
  const made = generatorSource(path, head, new Set(dests.keys()));
  // a free-form banner is no gperf/bison header (see generatorSource): not proved here
  if (!made || made.banner) return undefined;
  const placed = dests.get(made.source)!;
  const shipped = ctx.diffs.find((d) => d.path === made.source && d.status === 'tarball-only')?.tarball?.oid;
  if (shipped !== undefined) {
    const m = await matchOf(state, ctx, made.source, shipped);
    if (m.kind !== 'copy') return undefined;
  } else if (ctx.tarballPaths.has(made.source)) return undefined; // shipped but not a tarball-only file: not ours to judge
  return makeFinding('GENERATED_FROM_SOURCE', path, {
    how: 'generator',
    source: made.source,
    generator: made.generator,
    sourceCopy: { submodule: placed.sub.name, commit: placed.sub.commit, file: placed.file },
  });
}

/** The differences classify() can decide at all (the registry skips the rest without calling it). */
const candidate: NonNullable<Classifier['candidate']> = (diff) => diff.tarball?.type === 'file' && diff.tarball.oid !== undefined && !diff.copyOf && (diff.status === 'changed' ? diff.changes?.includes('content') === true : diff.status === 'tarball-only');

export function createSubmoduleCopyClassifier(index: () => BlobIndex | null = bundledBlobIndex): Classifier {
  return {
    id: 'submodule-copy',
    candidate,
    async classify(diff: PathDiff, ctx: ClassifyContext): Promise<Finding | undefined> {
      if (!admits(candidate, diff)) return undefined;
      // Without a pinned submodule only gnulib-tool's own outputs are ours (labelled, not proved: no gnulib to run).
      if (!ctx.submodules?.length && !GNULIB_TOOL_OUTPUT_NAMES.has(diff.path.slice(diff.path.lastIndexOf('/') + 1))) return undefined;
      const t = diff.tarball;
      if (t?.type !== 'file' || t.oid === undefined || diff.copyOf) return undefined;
      if (diff.status === 'changed' ? !diff.changes?.includes('content') : diff.status !== 'tarball-only') return undefined;
      const state = await stateOf(ctx);
      // No pinned file to compare with: gnulib-tool's generated files and gperf/bison outputs of pinned sources.
      const unmapped = async (): Promise<Finding | undefined> => {
        if (diff.status !== 'tarball-only' || !state.parsed.length) return undefined;
        const content = ctx.content.tarball(diff.path);
        // gperf / bison output whose header names a gnulib source: shipped and proved a copy, or placed by the layout
        const made = content && !content.includes(0) ? await generatedFromPinned(state, ctx, diff.path, content) : undefined;
        if (made) return made;
        const head = content?.subarray(0, 2048).toString('latin1');
        const gen = head !== undefined ? generatedOutput(state, diff.path, head, ctx.gitPaths) : undefined;
        if (!gen) return undefined;
        const run = await runOf(state, ctx, gen.layout);
        const label = (miss: GnulibToolMiss) =>
          makeFinding('GENERATED_BY_AUTOTOOLS', diff.path, {
            tool: 'gnulib-tool',
            ...(gen.source ? { source: gen.source } : {}),
            proof: { proved: false, method: 'label', cause: { kind: 'gnulib-tool-label', args: { layoutFrom: gen.layout.from, miss } } },
          });
        if (!run.ok) return label(run.miss);
        const written = run.files.get(diff.path);
        // the tracked bootstrap's cp_mark_as_generated put its header before what gnulib-tool wrote (cflow 1.7's m4/gnulib-comp.m4)
        const mark = written && content && !written.equals(content) && (await marksOf(state, ctx)) ? markHeader(diff.path) : '';
        if (written && content && (written.equals(content) || (mark && Buffer.concat([Buffer.from(mark, 'latin1'), written]).equals(content)))) {
          return makeFinding('GENERATED_BY_AUTOTOOLS', diff.path, {
            tool: 'gnulib-tool',
            ...(gen.source ? { source: gen.source } : {}),
            proof: { proved: true, method: 'gnulib-tool', submodule: run.sub.name, commit: run.sub.commit, invocation: { source: run.source, args: run.args }, ...(run.hook ? { hook: run.hook } : {}), ...(mark ? { marked: true } : {}) },
          });
        }
        return mismatchFinding(diff.path, written, content, {
          step: 'gnulib-tool',
          tool: 'gnulib-tool',
          version: `${run.sub.name} ${run.sub.commit.slice(0, 12)}`,
          produced: written !== undefined,
          inputs: [{ path: run.source, origin: ctx.gitPaths.has(run.source) ? 'git' : 'tarball' }],
          procedureSteps: [],
          normalisationSteps: [],
        });
      };
      const m = await matchOf(state, ctx, diff.path, t.oid);
      if (m.kind === 'copy') {
        const { c, rewrites } = m;
        return makeFinding('SUBMODULE_COPY', diff.path, { submodule: c.sub.name, commit: c.sub.commit, file: c.file, via: c.via, rewrites, ...(c.local ? { local: c.local } : {}), ...(m.edited ? { edited: m.edited } : {}) });
      }
      // Only a file gnulib-tool says it copied (or a tracked local file names) is a finding when it differs;
      // an unlisted mapping or a bootstrap-copied file with other upstreams (install-sh …) is left to the others.
      if (m.kind === 'none' || !m.strict.length) return unmapped();
      const shipped = ctx.content.tarball(diff.path);
      const best = m.best;
      const strict = m.strict;
      // Another version of the same upstream file: the release used another gnulib; the blob index explains it.
      const known = index()?.lookup(t.oid);
      if (known && known.path.slice(known.path.lastIndexOf('/') + 1) === diff.path.slice(diff.path.lastIndexOf('/') + 1)) return undefined;
      const c = best?.c ?? strict[0]!;
      const left = `${c.local?.override ?? `${c.sub.name} ${c.sub.commit.slice(0, 12)} ${c.file}`}${c.local?.patches.length ? ` + ${c.local.patches.join(' + ')}` : ''}`;
      const diffOut = contentDiff(diff.path, best?.pinned, shipped, { gitOid: c.sub.files.get(c.file), tarballOid: t.oid, tarballSize: t.size }, { labels: [`${left}${best?.ids.length ? ` after ${best.ids.join(', ')}` : ''}${best?.edited ? ` + ${best.edited.script}:${best.edited.line} ${best.edited.tool ?? 'sed'}` : ''}`, 'tarball'] });
      const differing = diffOut.kind === 'text' ? (diffOut.added ?? 0) + (diffOut.removed ?? 0) : 0;
      return makeFinding(
        'SUBMODULE_COPY_MODIFIED',
        diff.path,
        { submodule: c.sub.name, commit: c.sub.commit, file: c.file, via: c.via, differingLines: differing, buildAffecting: isBuildAffecting(diff.path), ...(c.local ? { local: c.local } : {}), ...(best?.edited ? { edited: best.edited } : {}) },
        { diff: diffOut },
      );
    },
  };
}

export const submoduleCopyClassifier: Classifier = createSubmoduleCopyClassifier();
