/**
 * Autotest test suites (`tests/testsuite`) and the files their rule depends on (`tests/package.m4`),
 * made again in the sandbox by the rule the tag's Makefile.am (or a fragment it includes) writes for them —
 * never the shipped Makefile.in's, which is an output under test.
 *
 *   which files   a tarball-only file stamped "Generated from X by GNU Autoconf V" (what autom4te's autotest
 *                 language writes) that a rule of the Makefile.am in its directory or above makes, and the
 *                 tarball-only prerequisites of that rule that a rule of the same Makefile.am makes
 *                 (package.m4: `echo 'm4_define([AT_PACKAGE_NAME], [$(PACKAGE_NAME)])'` …)
 *   values        make's built-ins, the Makefile.am's own variables, and configure's AC_INIT values
 *                 (PACKAGE_NAME, _TARNAME, _VERSION, _STRING, _BUGREPORT, _URL) traced from configure.ac by
 *                 autom4te without aclocal.m4 (so they rest on configure.ac and the files its m4_esyscmd
 *                 reads, e.g. .tarball-version, not on an unproved aclocal.m4)
 *   run           each recipe line with /bin/sh -c in the sandbox, in the Makefile.am's directory, with the
 *                 autoconf of the testsuite's stamped version first on PATH (autom4te)
 *   compare       byte for byte with the shipped file; a rule that uses a variable nothing here defines and
 *                 does not reproduce is "not regenerated" (named), not a mismatch
 */
import { existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { HashAlgo, TreeEntry } from '../core/types.js';
import { blobId } from '../scan/blob-id.js';
import { builtinVars, MakeExpandError, parseMakefileAm, resolveRule, type Makefile as ParsedMakefileAm, type ResolvedRule } from '../util/makefile.js';
import type { CommandFailure, Normalisation, ProcedureStep, RegenSkip, RegenSkipArgs } from '../core/regeneration.js';
import { commandFailure, runSandboxed, type SandboxLimits } from './sandbox.js';
import { findTools } from './toolchain.js';
import type { RegenInput, RegeneratedOutput, Tool } from './types.js';

/** "# Generated from local.at by GNU Autoconf 2.71." — autom4te's autotest language. */
export function autotestVersion(head: string): string | undefined {
  const m = /^#! ?\/bin\/sh\n# Generated from \S+ by GNU Autoconf (\d+(?:\.\d+)+[a-z]?(?:-[\w.]+)?)\.\n/.exec(head);
  return m?.[1];
}

const PACKAGE_VARS = ['NAME', 'TARNAME', 'VERSION', 'STRING', 'BUGREPORT', 'URL'] as const;

/** configure's AC_INIT values from `autom4te --trace=m4_define:$1=$2` output (the last definition wins). */
export function packageValues(trace: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of trace.split('\n')) {
    const m = /^AC_PACKAGE_(NAME|TARNAME|VERSION|STRING|BUGREPORT|URL)=(.*)$/.exec(line);
    if (m) out.set(`PACKAGE_${m[1]}`, m[2]!);
  }
  return out;
}

/** The trace format of AC_SUBST calls: one line per call whose value fits on it (a multi-line value has no end mark). */
export const SUBST_TRACE = '--trace=AC_SUBST:@@AC_SUBST@@$1=$2@@END@@';

/**
 * configure.ac's `AC_SUBST([NAME], VALUE)` calls whose value is a literal, from a trace in SUBST_TRACE's format:
 * configure assigns `NAME=VALUE` and config.status substitutes `@NAME@` with it. Kept only when VALUE is a plain
 * word (letters, digits, `. , : + / _ -`) or one single-quoted string, every call of NAME gives the same value, and
 * configure.ac (`acText`) assigns NAME nowhere else (`NAME=`): gdbm 1.23's
 * `AC_SUBST([GDBM_VERSION_MAJOR], _GDBM_VERSION_MAJOR)` traces as 1. Any other value is left out (its `@NAME@`
 * stays, and a rule using it is not regenerated).
 */
export function substLiterals(trace: string, acText: string): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const line of trace.split('\n')) {
    const m = /^@@AC_SUBST@@([A-Za-z_]\w*)=(.*)@@END@@$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    const q = /^'([^']*)'$/.exec(raw);
    const v = q ? q[1]! : /^[\w.,:+/-]+$/.test(raw) ? raw : null;
    const prev = seen.get(m[1]!);
    seen.set(m[1]!, prev === undefined || prev === v ? v : null);
  }
  const out = new Map<string, string>();
  for (const [n, v] of seen) if (v !== null && !/^PACKAGE_/.test(n) && !new RegExp(`(?:^|[^\\w$])${n}=`, 'm').test(acText)) out.set(n, v);
  return out;
}

/** The substitutions configure always makes in a Makefile besides AC_INIT's: the directories (made relative by make's built-ins). */
const DIR_SUBSTS = new Set(['srcdir', 'top_srcdir', 'builddir', 'top_builddir']);

/**
 * A Makefile.am as config.status turns it into a Makefile, for the substitutions known here: `@PACKAGE_NAME@` …
 * (AC_INIT's values, which configure always substitutes) become their traced value and `@srcdir@` … the
 * directory variables, and `substs` (configure.ac's literal AC_SUBST values, `substLiterals`: gdbm 1.23's
 * `@GDBM_VERSION_MAJOR@`) theirs; any other `@NAME@` is left as written and `leftSubsts` names it, so a rule
 * that then does not reproduce is "not regenerated", never a mismatch. The package.m4 rule some projects write
 * with `@PACKAGE_NAME@` where the autoconf manual writes `$(PACKAGE_NAME)` (gdbm, cpio, cflow, tar).
 */
export function configStatusSubst(text: string, values: ReadonlyMap<string, string>, substs: ReadonlyMap<string, string> = new Map()): string {
  return text.replace(/@([A-Za-z_][A-Za-z0-9_]*)@/g, (m, n: string) => (/^PACKAGE_/.test(n) && values.has(n) ? values.get(n)! : substs.has(n) ? substs.get(n)! : DIR_SUBSTS.has(n) ? `$(${n})` : m));
}

/** The `@NAME@` substitutions a recipe still holds after configStatusSubst (written `@NAME@`). */
export function leftSubsts(commands: readonly string[]): string[] {
  return [...new Set(commands.flatMap((c) => [...c.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)@/g)].map((m) => m[0])))].sort();
}

export interface AutotestPlan {
  /** Repository path of the output. */
  path: string;
  step: 'autotest' | 'make-rule';
  /** autotest: the autoconf version its stamp names. */
  version?: string;
  /** The Makefile.am whose rule makes it. */
  am: string;
  rule?: ResolvedRule;
  /** Why it cannot be made (no rule, a rule that cannot be expanded). */
  problem?: string;
}

export interface AutotestArgs {
  bwrap: string;
  /** Host path of the scratch tree (at /build in the sandbox). */
  scratch: string;
  /** The configure directory ('' for the top) and its configure.ac. */
  dir: string;
  ac: string;
  algo: HashAlgo;
  /** configure.ac and the files its m4_esyscmd calls read: what AC_INIT's values rest on. */
  acInputs: string[];
  /** The autoconf that ran configure's regeneration (for the AC_INIT trace). */
  autoconf: Tool;
  cacheDir: string;
  tarballOnly: ReadonlyMap<string, TreeEntry>;
  tarball: (path: string) => Buffer | undefined;
  /** Where each scratch file came from (updated: planned outputs are removed from the tree). */
  origin: Map<string, RegenInput['origin']>;
  outputs: Set<string>;
  limits?: Partial<SandboxLimits>;
  /** `autoconf` is a final release standing in for the stamped test release (regenerate.ts): suites stamped `stamped` are made with it. */
  standIn?: { stamped: string; used: string };
}

export interface AutotestResult {
  outputs: RegeneratedOutput[];
  /** Each testsuite (or prerequisite) that was not made, and why. */
  skips: RegenSkip[];
  tools: Tool[];
}

const readText = (scratch: string, rel: string): string | undefined => {
  try {
    const full = join(scratch, rel);
    if (!lstatSync(full).isFile()) return undefined;
    return readFileSync(full, 'latin1');
  } catch {
    return undefined;
  }
};

/** Makefile.am files from `dir` up to the configure directory `top`, nearest first. */
function makefileAmsAbove(dir: string, top: string): string[] {
  const out: string[] = [];
  let d = dir;
  for (;;) {
    out.push(d ? `${d}/Makefile.am` : 'Makefile.am');
    if (d === top || !d) break;
    d = posix.dirname(d) === '.' ? '' : posix.dirname(d);
    if (top && !(d === top || d.startsWith(`${top}/`))) break;
  }
  return out;
}

/**
 * Run recipe lines as make would (each with /bin/sh -c, stopping at the first failure) in the sandbox, in `dir`
 * of the scratch tree; `toolchains` first on PATH, `readOnly` host paths mounted (a git view). Also used by
 * ./make-replay.ts.
 */
export async function runMakeCommands(a: { bwrap: string; scratch: string; limits?: Partial<SandboxLimits> }, dir: string, commands: readonly string[], toolchains: string[], readOnly: string[] = []): Promise<CommandFailure | undefined> {
  const r = await runSandboxed(a.bwrap, {
    scratch: a.scratch,
    ...(dir ? { cwd: dir } : {}),
    argv: ['/bin/sh', '-c', 'for l in "$@"; do /bin/sh -c "$l" || exit $?; done', 'make-rule', ...commands],
    toolchains,
    ...(readOnly.length ? { readOnly } : {}),
    ...(a.limits ? { limits: a.limits } : {}),
  });
  if (r.code === 0) return undefined;
  return commandFailure(r, 2, 300);
}

const runRecipe = (a: AutotestArgs, am: ParsedMakefileAm, rule: ResolvedRule, tool: Tool | undefined): Promise<CommandFailure | undefined> => runMakeCommands(a, am.dir, rule.commands, tool?.prefix ? [tool.prefix] : []);

/**
 * The AC_INIT values configure substitutes, traced in the sandbox: without aclocal.m4 first (they then
 * rest on configure.ac alone); when configure.ac needs aclocal.m4's macros before AC_INIT (libtool's
 * m4_defn([LT_CONFIG_LTDL_DIR])), with it — aclocal.m4 is then an input of what is made from them.
 */
async function traceAcInit(a: AutotestArgs): Promise<{ values: Map<string, string>; substs?: Map<string, string>; withAclocal?: boolean; problem?: Omit<RegenSkipArgs['ac-init-untraced'], 'path'> }> {
  let last: string | undefined;
  for (const language of ['Autoconf-without-aclocal-m4', 'Autoconf']) {
    const r = await runSandboxed(a.bwrap, {
      scratch: a.scratch,
      ...(a.dir ? { cwd: a.dir } : {}),
      // Every m4_define is traced; only AC_PACKAGE_* lines come back (the output is bounded).
      // (and AC_SUBST calls, for the @NAME@ substitutions of configure.ac's literal values: substLiterals)
      argv: ['/bin/sh', '-c', 'autom4te "--language=$3" "$2" "$4" "$1" >/tmp/trace && grep -E "^(AC_PACKAGE_|@@AC_SUBST@@)" /tmp/trace', 'trace', posix.basename(a.ac), '--trace=m4_define:$1=$2', language, SUBST_TRACE],
      toolchains: a.autoconf.prefix ? [a.autoconf.prefix] : [],
      ...(a.limits ? { limits: a.limits } : {}),
    });
    const values = packageValues(r.stdout);
    if (r.code === 0 && values.has('PACKAGE_NAME') && values.has('PACKAGE_VERSION')) return { values, substs: substLiterals(r.stdout, readText(a.scratch, a.ac) ?? ''), ...(language === 'Autoconf' ? { withAclocal: true } : {}) };
    last = r.code !== 0 ? (r.stderr.trim().split('\n').filter((l) => !/warning|expanded from|the top level/.test(l))[0] ?? '').slice(0, 200) : undefined;
  }
  return { values: new Map(), problem: { ac: a.ac, ...(last !== undefined ? { stderr: last } : {}) } };
}

/**
 * Plan (which files, which rules) and run. Planned outputs are removed from the scratch tree first, so
 * the shipped copies never feed their own regeneration.
 */
export async function regenerateAutotest(a: AutotestArgs): Promise<AutotestResult> {
  const result: AutotestResult = { outputs: [], skips: [], tools: [] };
  // A suite's stamp names its autoconf. A suite beyond the content-retention budget (bison's is 18 MB) is
  // found by name; its rule must then run autom4te, configure's autoconf version is used, and the
  // comparison is by blob id.
  const suites: { path: string; version: string; stamped: boolean }[] = [];
  for (const [path, e] of a.tarballOnly) {
    if (e.type !== 'file' || a.outputs.has(path)) continue;
    if (a.dir && !path.startsWith(`${a.dir}/`)) continue;
    const content = a.tarball(path);
    const version = content ? autotestVersion(content.subarray(0, 512).toString('latin1')) : undefined;
    if (version) suites.push({ path, version, stamped: true });
    else if (!content && posix.basename(path) === 'testsuite') suites.push({ path, version: a.autoconf.version, stamped: false });
  }
  if (!suites.length) return result;
  suites.sort((x, y) => (x.path < y.path ? -1 : 1));

  const traced = await traceAcInit(a);
  const substs = traced.substs ?? new Map<string, string>();
  // (configure's AC_SUBST values are make variables of the Makefile too, as automake declares them)
  const values = new Map([...traced.values, ...substs]);
  const amCache = new Map<string, ParsedMakefileAm>();
  /** `file\0NAME`: the AC_SUBST values substituted in each makefile read (named in the evidence). */
  const substituted = new Set<string>();
  const parsed = (amPath: string) => {
    let p = amCache.get(amPath);
    if (!p) {
      p = parseMakefileAm(amPath, (f) => {
        const t = a.origin.get(f) === 'git' ? readText(a.scratch, f) : undefined;
        if (t === undefined) return t;
        for (const m of t.matchAll(/@([A-Za-z_][A-Za-z0-9_]*)@/g)) if (substs.has(m[1]!)) substituted.add(`${f}\0${m[1]!}`);
        return configStatusSubst(t, values, substs);
      });
      amCache.set(amPath, p);
    }
    return p;
  };
  const planFor = (path: string): { am: ParsedMakefileAm; rule: ResolvedRule } | { problem: RegenSkip } => {
    const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
    for (const amPath of makefileAmsAbove(dir, a.dir)) {
      if (a.origin.get(amPath) !== 'git') continue;
      const am = parsed(amPath);
      const topRel = posix.relative(am.dir || '.', a.dir || '.') || '.';
      const vals = new Map([...builtinVars(topRel), ...values]);
      try {
        const rule = resolveRule(am, path, vals);
        if (rule) return { am, rule };
      } catch (e) {
        if (e instanceof MakeExpandError) return { problem: { kind: 'rule-not-expandable', args: { path, am: amPath, error: e.message } } };
        throw e;
      }
    }
    return { problem: { kind: 'no-rule', args: { path } } };
  };

  const autoconfTools = new Map<string, Tool[]>();
  for (const s of suites) {
    const plan = planFor(s.path);
    if ('problem' in plan) {
      result.skips.push(plan.problem);
      continue;
    }
    if (!/\bautom4te\b/.test(plan.rule.commands.join('\n'))) {
      result.skips.push({ kind: 'rule-without-autom4te', args: { path: s.path, file: plan.rule.rule.file } });
      continue;
    }
    let tools = autoconfTools.get(s.version);
    if (!tools) autoconfTools.set(s.version, (tools = await findTools('autoconf', s.version, a.cacheDir)));
    const standIn = !tools.length && a.standIn?.stamped === s.version && a.autoconf.version === a.standIn.used ? a.standIn : undefined;
    if (standIn) tools = [a.autoconf];
    if (!tools.length) {
      result.skips.push({ kind: 'autoconf-missing', args: { path: s.path, version: s.version } });
      continue;
    }
    // Prerequisites made by a rule of their own (package.m4): made first, from configure's values.
    const madeFirst: RegeneratedOutput[] = [];
    for (const pre of plan.rule.prereqs) {
      if (!a.tarballOnly.has(pre) || a.outputs.has(pre) || pre === s.path) continue;
      const sub = planFor(pre);
      if ('problem' in sub) continue; // a plain tarball input, judged by its own finding
      if (traced.problem && sub.rule.rule.recipe.some((l) => /\bPACKAGE_/.test(l))) {
        result.skips.push({ kind: 'ac-init-untraced', args: { path: pre, ...traced.problem } });
        continue;
      }
      rmSync(join(a.scratch, pre), { force: true });
      a.origin.delete(pre);
      a.outputs.add(pre);
      const failure = await runRecipe(a, sub.am, sub.rule, undefined);
      const usedSubsts = [...substs].filter(([n]) => sub.am.files.some((f) => substituted.has(`${f}\0${n}`))).map(([name, value]) => ({ name, value }));
      const traceStep: ProcedureStep = {
        kind: 'ac-init-traced',
        args: {
          ac: a.ac,
          version: a.autoconf.version,
          withAclocal: !!traced.withAclocal,
          values: PACKAGE_VARS.map((v) => ({ name: `PACKAGE_${v}`, value: values.get(`PACKAGE_${v}`) ?? '' })),
          ...(usedSubsts.length ? { substs: usedSubsts } : {}),
        },
      };
      const out = recordOutput(a, pre, 'make-rule', a.autoconf, sub, [...a.acInputs, ...(traced.withAclocal ? [posix.join(a.dir, 'aclocal.m4')] : [])], traced.problem ? [] : [traceStep]);
      const unknown = [...sub.rule.undefinedVars, ...leftSubsts(sub.rule.commands)];
      if (failure || (out.status !== 'reproduced' && unknown.length)) {
        result.skips.push(failure ? { kind: 'rule-failed', args: { path: pre, file: sub.rule.rule.file, failure } } : { kind: 'undefined-vars', args: { path: pre, vars: unknown } });
        // Put the shipped copy back: the testsuite is then made from it (a tarball input).
        const shipped = a.tarball(pre);
        if (shipped) writeFileSync(join(a.scratch, pre), shipped);
        a.origin.set(pre, 'tarball');
        a.outputs.delete(pre);
        continue;
      }
      madeFirst.push(out);
    }
    result.outputs.push(...madeFirst);
    rmSync(join(a.scratch, s.path), { force: true });
    a.origin.delete(s.path);
    a.outputs.add(s.path);
    let kept: RegeneratedOutput | undefined;
    let failure: CommandFailure | undefined;
    for (const tool of tools) {
      failure = await runRecipe(a, plan.am, plan.rule, tool);
      const out = recordOutput(a, s.path, 'autotest', tool, plan, [...plan.rule.prereqs], [...(s.stamped ? [] : [{ kind: 'suite-by-blob-id' as const, args: { version: s.version, algo: a.algo } }]), ...(standIn ? [{ kind: 'autoconf-substitute' as const, args: standIn }] : [])], standIn);
      if (!failure && (!kept || out.status === 'reproduced')) kept = out;
      if (kept?.status === 'reproduced') break;
      rmSync(join(a.scratch, s.path), { force: true });
    }
    const unknown = [...plan.rule.undefinedVars, ...leftSubsts(plan.rule.commands)];
    if (!kept || (kept.status !== 'reproduced' && unknown.length)) {
      result.skips.push(failure ? { kind: 'rule-failed', args: { path: s.path, file: plan.rule.rule.file, failure } } : { kind: 'undefined-vars', args: { path: s.path, vars: unknown } });
      a.outputs.delete(s.path);
      continue;
    }
    result.outputs.push(kept);
    const ran = tools.find((t) => t.version === kept.version && t.origin === kept.toolOrigin);
    if (ran && !result.tools.some((t) => t.name === ran.name && t.version === ran.version && t.origin === ran.origin)) result.tools.push(ran);
  }
  return result;
}

/**
 * A suite made with a final release standing in for its stamped test release: the lines that differ must differ only in
 * `GNU Autoconf <used>` where the shipped file says `GNU Autoconf <stamped>` (its header). The regenerated text with
 * those written back, and the count; undefined when anything else differs.
 */
export function standInVersionLines(regenerated: string, shipped: string, standIn: { stamped: string; used: string }): { text: string; lines: number } | undefined {
  const made = regenerated.split('\n');
  const ship = shipped.split('\n');
  if (made.length !== ship.length) return undefined;
  const from = `GNU Autoconf ${standIn.used}`;
  const to = `GNU Autoconf ${standIn.stamped}`;
  let lines = 0;
  for (let i = 0; i < made.length; i++) {
    if (made[i] === ship[i]) continue;
    const at = made[i]!.indexOf(from);
    if (at < 0 || made[i]!.indexOf(from, at + 1) >= 0) return undefined;
    const fixed = made[i]!.slice(0, at) + to + made[i]!.slice(at + from.length);
    if (fixed !== ship[i]) return undefined;
    made[i] = fixed;
    lines++;
  }
  return lines ? { text: made.join('\n'), lines } : undefined;
}

function recordOutput(a: AutotestArgs, path: string, step: 'autotest' | 'make-rule', tool: Tool, plan: { am: ParsedMakefileAm; rule: ResolvedRule }, inputPaths: string[], extraProcedure: ProcedureStep[], standIn?: { stamped: string; used: string }): RegeneratedOutput {
  const full = join(a.scratch, path);
  let regenerated: Buffer | undefined;
  try {
    if (existsSync(full) && lstatSync(full).isFile()) regenerated = readFileSync(full);
  } catch {
    regenerated = undefined;
  }
  const shipped = a.tarball(path);
  const oid = a.tarballOnly.get(path)?.oid;
  const same = (b: Buffer) => (shipped ? b.equals(shipped) : oid !== undefined && blobId(a.algo, b) === oid);
  let status: RegeneratedOutput['status'] = !regenerated ? 'not-produced' : same(regenerated) ? 'reproduced' : 'differs';
  const normalisationSteps: Normalisation[] = [];
  if (status === 'differs' && standIn && shipped) {
    const back = standInVersionLines(regenerated!.toString('latin1'), shipped.toString('latin1'), standIn);
    if (back && Buffer.from(back.text, 'latin1').equals(shipped)) {
      status = 'reproduced';
      normalisationSteps.push({ kind: 'autoconf-version-line', args: { ...standIn, lines: back.lines } });
    }
  }
  const seen = new Set<string>();
  const inputs: RegenInput[] = [];
  for (const p of [...plan.am.files, ...inputPaths]) {
    if (seen.has(p) || p === path) continue;
    seen.add(p);
    const o = a.origin.get(p) ?? (a.outputs.has(p) ? 'regenerated' : undefined);
    if (o) inputs.push({ path: p, origin: o });
  }
  inputs.sort((x, y) => (x.path < y.path ? -1 : 1));
  // The rule's command lines are data (as make runs them); the steps are worded by core/wording.ts.
  const procedureSteps: ProcedureStep[] = [
    { kind: 'make-rule', args: { file: plan.rule.rule.file, target: plan.rule.target, dir: plan.am.dir, commands: plan.rule.commands } },
    ...(plan.rule.undefinedVars.length ? [{ kind: 'undefined-empty' as const, args: { vars: plan.rule.undefinedVars } }] : []),
    ...extraProcedure,
  ];
  return { path, step, tool: 'autoconf', version: tool.version, toolOrigin: tool.origin, status, ...(status === 'differs' ? { regenerated } : {}), inputs, procedureSteps, normalisationSteps };
}
