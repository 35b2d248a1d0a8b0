/**
 * PNG figures a tracked make rule draws with fig2dev from a tracked xfig drawing (libgcrypt 1.10.1's doc/fips-fsm.png
 * and doc/libgcrypt-modules.png, GnuPG 2.2.40's doc/gnupg-card-architecture.png: the suffix rule `.fig.png:` of
 * doc/Makefile.am running ``fig2dev -L png `test -f '$<' || echo '$(srcdir)/'`$< $@``), drawn again in the sandbox by
 * the system's packaged fig2dev (which runs the system's Ghostscript). A post pass:
 *  - the rule: a rule of the tracked Makefile.am (else GNUmakefile, Makefile, Makefile.in; with the fragments it
 *    includes: src/classify/makefile-rules.ts, shared with docbook-rendered) of the figure's directory, the suffix
 *    rule `.fig.png:` with STEM.fig tracked beside the figure, or an explicit target naming the figure with the tracked
 *    STEM.fig among its prerequisites — or such an explicit rule of a directory above, naming both by their paths from
 *    there (hwloc 2.9.0's doc/Makefile.am: `images/diagram.png: $(srcdir)/images/diagram.fig`); its recipe one line
 *    running fig2dev — `fig2dev`, or `$(FIG2DEV)` when the makefile does not set FIG2DEV and a tracked configure.ac or
 *    .m4 file finds it as fig2dev (AC_PATH_TOOL([FIG2DEV], [fig2dev]): named in the evidence) — with `-L png`, at most
 *    the magnification/border options `-m N`/`-b N`, and the input (`$<`, automake's srcdir idiom, the source's name)
 *    and the output (`$@`, the figure's name); besides it only `$(MKDIR_P) DIR`/`mkdir -p DIR` of the figure's directory
 *    and the guard `@if test "x$(FIG2DEV)" = "x"; then echo "…"; exit 1; fi`: anything else is not run;
 *  - the run: only the tracked drawing in the scratch tree, fig2dev with those options in the figure's directory;
 *  - the comparison: byte for byte, or else pixel by pixel (./png-pixels.ts): both plain PNGs (no chunk but IHDR,
 *    PLTE, tRNS, IDAT, IEND: no text or private chunk), the same size, at most 0.1 % of the pixels differing and every
 *    differing pixel on a stroke's edge — each image has the other's colour among its 8 neighbours there: text
 *    rasterised by another Ghostscript/font set, one pixel wider or narrower. Measured (docgen22) with Debian
 *    bookworm's fig2dev 3.2.8b / Ghostscript 10.0.0: libgcrypt's two figures 55 of 355,488 and 123 of 180,486 pixels,
 *    GnuPG's 302 of 464,312, all on edges; xfig label edits at the drawings' 20-point size (`Public-Key` → `Public-Kez`)
 *    change 8 to 42 pixels off any edge; and no cluster of differing pixels that one single one-pixel move does not
 *    explain larger than 6 pixels (GnuPG's figure: 6; one 12-point digit of fips-fsm.fig replaced: 9 to 20 — `2` → `3`
 *    and `6` → `8` change 9 and 21 pixels, every one on an edge, which the edge rule alone let through).
 * A figure that passes becomes GENERATED_FROM_SOURCE (how figure: the drawing, the rule, the tool and the pixel counts);
 * anything else keeps its finding. Not caught: changes of at most 6 pixels a cluster (a dot, a one-pixel stroke moved)
 * — the pixel budget bounds what such a figure can carry, not what it shows; the 6-pixel limit is measured on three
 * figures of one Ghostscript (margin 6 → 9).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseOf, dirOf } from '../classify/paths.js';
import type { ClassifyContext, PostPass } from '../classify/types.js';
import type { Finding } from '../core/findings.js';
import { makeFinding } from '../core/severity.js';
import { makefilesAbove } from '../classify/makefile-rules.js';
import { readRegular, shape } from './generators.js';
import { decodePng, renderingDiff } from './png-pixels.js';
import { probeSandbox, runSandboxed, SYSTEM_PATH, which } from './sandbox.js';

const MAX_MAKEFILE = 1024 * 1024;
const MAX_FIG = 4 * 1024 * 1024;
/** At most this share of the pixels may differ (and each on an edge). */
export const MAX_DIFFERING_SHARE = 0.001;
/**
 * At most this many pixels in a cluster no single one-pixel move explains (./png-pixels.ts): GnuPG 2.2.40's figure
 * needs 6; one 12-point digit replaced in fips-fsm.fig gives 9 to 20.
 */
export const MAX_UNSHIFTED_CLUSTER = 6;
/** automake's idiom for a suffix rule's input: the file in the build tree, else in srcdir. */
const SRCDIR_IDIOM = "`test -f '$<' || echo '$(srcdir)/'`$<";

const inDir = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export interface FigRule {
  /** `FILE:LINE` of the rule. */
  rule: string;
  /** The rule, and for `$(FIG2DEV)` the configure line that finds fig2dev. */
  inputs: string[];
  /** The recipe line as written. */
  command: string;
  /** The tracked drawing. */
  source: string;
  /** fig2dev's options besides `-L png`, as the recipe writes them. */
  options: string[];
}

/**
 * fig2dev's options of a recipe line (`-L png` required; `-m N`, `-b N` kept), when its other words are only the
 * input (`$<`, the srcdir idiom, the source's name) and the output (`$@`, the figure's name); else undefined.
 */
export function fig2devOptions(line: string, sourceName: string, figureName: string): string[] | undefined {
  const m = /^\s*[@-]*\s*(?:fig2dev|\$\(FIG2DEV\)|\$\{FIG2DEV\})\s+(.*)$/.exec(line.split(SRCDIR_IDIOM).join('$<'));
  if (!m) return undefined;
  const words = m[1]!.trim().split(/\s+/);
  const options: string[] = [];
  let lang = false;
  let input = false;
  let output = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-L' && words[i + 1] === 'png' && !lang) { lang = true; i++; continue; }
    if (w === '-Lpng' && !lang) { lang = true; continue; }
    if ((w === '-m' || w === '-b') && /^\d+(?:\.\d+)?$/.test(words[i + 1] ?? '')) { options.push(w, words[i + 1]!); i++; continue; }
    if (!input && (w === '$<' || w === sourceName || w === `$(srcdir)/${sourceName}`)) { input = true; continue; }
    if (input && !output && (w === '$@' || w === figureName)) { output = true; continue; }
    return undefined;
  }
  return lang && input && output ? options : undefined;
}

/**
 * hwloc's guard before the drawing: `@if test "x$(FIG2DEV)" = "x"; then echo "ERROR: …"; exit 1; fi` (configure found no
 * fig2dev) — a message (no quote, backquote, `$` but `$@`, backslash) and nothing else.
 */
const GUARD = /^\s*@?\s*if\s+test\s+"x\$\(FIG2DEV\)"\s*=\s*"x";\s*then\s+echo\s+"[^"`$\\]*(?:\$@[^"`$\\]*)*";\s*exit\s+1;\s*fi\s*$/;
/** configure's search for the program `$(FIG2DEV)` names (AC_PATH_PROG/AC_PATH_TOOL/AC_CHECK_PROG … fig2dev). */
const FIG2DEV_CHECK = /AC_(?:PATH|CHECK)_(?:PROGS?|TOOLS?)\(\s*\[?FIG2DEV\]?\s*,\s*\[?fig2dev\]?\s*[,)]/;
const MAX_CONFIG_FILES = 400;

/** `FILE:LINE` of the tracked configure.ac/configure.in or .m4 line that sets FIG2DEV to the fig2dev program found. */
async function fig2devCheck(ctx: ClassifyContext): Promise<string | undefined> {
  const files = [...ctx.gitPaths].filter((p) => /(?:^|\/)configure\.(?:ac|in)$|\.m4$/.test(p)).sort().slice(0, MAX_CONFIG_FILES);
  for (const f of files) {
    const b = await ctx.content.git(f);
    if (!b || b.length > MAX_MAKEFILE || !b.includes('FIG2DEV')) continue;
    const at = b.toString('utf8').split('\n').findIndex((l) => FIG2DEV_CHECK.test(l));
    if (at >= 0) return `${f}:${at + 1}`;
  }
  return undefined;
}

/**
 * The tracked rule drawing `path` (a .png) with fig2dev from a tracked .fig (see the module comment): in a makefile of
 * the figure's directory, or of a directory above it whose explicit target names the figure by its path from there
 * (hwloc 2.9.0's doc/Makefile.am: `images/diagram.png: $(srcdir)/images/diagram.fig`, recipe `$(MKDIR_P) images`, a
 * guard, `$(FIG2DEV) -m 1.5 -L png $< $@`).
 */
export async function figRule(path: string, ctx: ClassifyContext): Promise<FigRule | undefined> {
  const dir = dirOf(path);
  const base = baseOf(path);
  if (!/\.png$/.test(base)) return undefined;
  const stem = base.slice(0, -4);
  const source = inDir(dir, `${stem}.fig`);
  if (!ctx.gitPaths.has(source)) return undefined;
  for await (const { sub, mk } of makefilesAbove(path, ctx)) {
    const up = sub !== '';
    const target = inDir(sub, base);
    const sourceName = inDir(sub, `${stem}.fig`);
    for (const r of mk.rules) {
      const suffix = !up && r.targets.length === 1 && r.targets[0] === '.fig.png' && r.prerequisites.length === 0;
      const explicit = r.targets.includes(target) && r.prerequisites.some((q) => q === sourceName || q === `$(srcdir)/${sourceName}`);
      if (!suffix && !explicit) continue;
      const draws = r.recipeLines.filter((l) => !(sub && new RegExp(`^\\s*@?\\s*(?:\\$\\(MKDIR_P\\)|mkdir -p)\\s+${sub.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`).test(l)) && !GUARD.test(l));
      if (draws.length !== 1) continue;
      const command = draws[0]!;
      const options = fig2devOptions(command, sourceName, target);
      if (!options) continue;
      const inputs = [`${r.file}:${r.line}`];
      if (/FIG2DEV/.test(command)) {
        // the variable is configure's fig2dev, not a command the makefile spells
        if (mk.vars.has('FIG2DEV')) continue;
        const check = await fig2devCheck(ctx);
        if (!check) continue;
        inputs.push(check);
      }
      return { rule: inputs[0]!, inputs, command: command.trim(), source, options };
    }
  }
  return undefined;
}

let versionP: Promise<string | undefined> | undefined;
function fig2devVersion(): Promise<string | undefined> {
  versionP ??= (() => {
    const bin = which('fig2dev', SYSTEM_PATH);
    return bin
      ? new Promise<string | undefined>((resolve) => execFile(bin, ['-V'], { timeout: 20_000, env: { PATH: SYSTEM_PATH, LC_ALL: 'C' } }, (err, out) => resolve(err ? undefined : /fig2dev Version (\S+)/.exec(out)?.[1])))
      : Promise.resolve(undefined);
  })();
  return versionP;
}

async function draw(bwrap: string, job: FigRule, path: string, ctx: ClassifyContext): Promise<Buffer | undefined> {
  const fig = await ctx.content.git(job.source);
  if (!fig || fig.length > MAX_FIG) return undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'distdiff-fig2dev-'));
  try {
    const dir = dirOf(path);
    mkdirSync(join(scratch, dir), { recursive: true });
    writeFileSync(join(scratch, job.source), fig);
    const argv = ['fig2dev', '-L', 'png', ...job.options, baseOf(job.source), baseOf(path)];
    const r = await runSandboxed(bwrap, { scratch, argv, ...(dir ? { cwd: dir } : {}), env: { LC_ALL: 'C', TZ: 'UTC' }, limits: { wallMs: 60_000, cpuSeconds: 60 } });
    return r.code === 0 ? readRegular(join(scratch, path)) : undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The rendering's pixel counts when `shipped` is `drawn` or the same picture rasterised otherwise (module comment). */
export function sameFigure(drawn: Buffer, shipped: Buffer): { differing: number; total: number } | undefined {
  const a = decodePng(drawn);
  const b = decodePng(shipped);
  if (!a || !b) return undefined;
  if (drawn.equals(shipped)) return { differing: 0, total: a.width * a.height };
  const d = renderingDiff(a, b);
  if (!d || d.offEdge > 0 || d.differing > d.total * MAX_DIFFERING_SHARE || d.largestUnshifted > MAX_UNSHIFTED_CLUSTER) return undefined;
  return { differing: d.differing, total: d.total };
}

/** Replaces the findings of PNG figures a tracked fig2dev rule draws (see the module comment). */
export async function fig2devFindings(findings: Finding[], ctx: ClassifyContext): Promise<Finding[]> {
  const candidate = (f: Finding) => (f.code === 'TARBALL_ONLY_UNEXPLAINED' || f.code === 'GENERATED_DOCS') && /\.png$/.test(f.path) && !ctx.gitPaths.has(f.path);
  if (!findings.some(candidate) || !ctx.regeneration || ctx.regeneration.status === 'off' || ctx.noGenerators) return findings;
  const jobs: [number, FigRule][] = [];
  for (const [i, f] of findings.entries()) {
    if (!candidate(f)) continue;
    const rule = await figRule(f.path, ctx);
    if (rule) jobs.push([i, rule]);
  }
  if (!jobs.length) return findings;
  const version = await fig2devVersion();
  if (!version) return findings;
  const sandbox = await probeSandbox();
  if (!sandbox.ok) return findings;
  const out = [...findings];
  for (const [i, job] of jobs) {
    const f = out[i]!;
    const shipped = ctx.content.tarball(f.path);
    if (!shipped) continue;
    const drawn = await draw(sandbox.bwrap, job, f.path, ctx);
    const same = drawn && sameFigure(drawn, shipped);
    if (!same) continue;
    out[i] = { ...makeFinding('GENERATED_FROM_SOURCE', f.path, { how: 'figure', source: job.source, generator: `fig2dev ${version}`, inputs: job.inputs, pixels: same }), ...shape(f) } as Finding;
  }
  return out;
}

export const fig2devPostPass: PostPass = { id: 'fig2dev', run: fig2devFindings };
