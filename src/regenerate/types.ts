/**
 * The regeneration report shared by the regeneration stage (./regenerate.ts), the classifiers and the
 * provenance post pass. Types only.
 */
import type { Construct, GeneratorStep } from '../core/findings.js';
import type { MakeReplayEvidence } from '../core/findings.js';
import type { AutoconfOnly, NotReplayed, Normalisation, ProcedureStep, RegenCause, RegenSkip } from '../core/regeneration.js';
import type { GeneratorVersions } from './detect.js';

export interface Tool {
  name: 'autoconf' | 'automake' | 'libtool' | 'gettext';
  version: string;
  /** 'system': /usr/bin; 'cache': a toolchain built by `distdiff toolchain add`. */
  origin: 'system' | 'cache';
  /** Install prefix of a cached toolchain (mounted read-only in the sandbox, its bin/ first on PATH). */
  prefix?: string;
  /** A cached release built with these upstream commits applied (`toolchain add FILE --backport`), full ids in order. */
  backports?: string[];
  /** A cached distribution's binary package of the release (`toolchain add autoconf_2.69-14_all.deb`): its name and version. */
  package?: { name: string; version: string };
}
export type ToolName = Tool['name'];

export type RegenerateMode = 'auto' | 'off' | 'require';
export const REGENERATE_MODES: readonly RegenerateMode[] = ['auto', 'off', 'require'];

export interface RegenInput {
  path: string;
  origin: 'git' | 'tarball' | 'regenerated' | 'aclocal-copy';
  /** origin 'aclocal-copy': the copied file (./aclocal-copies.ts). */
  copy?: AclocalCopy;
}

export interface RegeneratedOutput {
  path: string;
  /** autotest: an autotest suite made by its Makefile.am rule (autom4te); make-rule: a file that rule needs (package.m4). */
  step: GeneratorStep;
  /** The generator package and version that ran (automake for aclocal/automake, autoconf for autoconf/autoheader, libtool for libtoolize). */
  tool: ToolName | 'make';
  version: string;
  toolOrigin: 'system' | 'cache';
  status: 'reproduced' | 'differs' | 'not-produced';
  /** step make-replay: the replayed rule (./make-replay.ts) — its makefile and line, target, directory, commands, the tools that ran and their versions, and how the run failed when it did. */
  replay?: MakeReplayEvidence;
  /** The regenerated content, kept only when it differs (for the diff). */
  regenerated?: Buffer;
  /** The files this output is generated from. */
  inputs: RegenInput[];
  /** How the output was produced beyond the plain step (never silent): typed steps, worded by core/wording.ts. */
  procedureSteps: ProcedureStep[];
  /** Normalisations applied before comparing (none for most outputs: they are compared byte for byte). */
  normalisationSteps: Normalisation[];
}

export interface RegenerationReport {
  status: 'done' | 'off' | 'not-applicable' | 'unavailable' | 'failed';
  /** Why regeneration did not happen or failed (status done: the part that failed). */
  cause?: RegenCause;
  /** An autoconf-only run (automake's version unavailable): why, and how many Makefile.in keep their label. */
  autoconfOnly?: AutoconfOnly;
  /** Outputs that were planned but not made, each with its cause. */
  skips?: RegenSkip[];
  versions?: GeneratorVersions;
  tools: Tool[];
  outputs: Map<string, RegeneratedOutput>;
  /** Tarball-only files a tracked make rule writes whose rule is not replayed (./make-replay.ts), and why. */
  notReplayed?: NotReplayed[];
  /** Scratch files written as empty placeholders (content not available, not build-affecting). */
  placeholders: number;
  ms: number;
}

/** One third-party macro copy split out of a shipped aclocal.m4 (see aclocal-copies.ts). */
export interface AclocalCopy {
  /** File name: the upstream file it matches, else a name its header gives, else "unnamed-N.m4". */
  name: string;
  /** Byte offset of the copy in aclocal.m4 (1-based line for the reader). */
  line: number;
  bytes: number;
  /** The copy's text (judged by src/classify/aclocal-copy.ts). */
  content?: string;
  /** The upstream file it is byte for byte (project and first release tag). */
  upstream?: { project: string; tag?: string; commit?: string };
  /** Not an upstream copy: whether the database knows files of this name (then no version of it matches). */
  nameKnown?: boolean;
  /** Suspicious constructs in a copy that is not an upstream copy (line numbers within the copy). */
  constructs?: Construct[];
}
