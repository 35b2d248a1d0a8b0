/**
 * Shared English for whole results, beside the code registry (codes.ts holds each finding code's title,
 * description and message): the verdict line, a note's line, a revision-chain step's line, the closing
 * authenticity line. Every
 * renderer words results through these and formatFinding, so no renderer imports another. Output is raw:
 * each renderer escapes what came from the input for its own medium.
 */
import type { Finding, SeverityReason } from './findings.js';
import type { ChainStep, ChainStepArgs, ChainStepJson, ChainStepKind, NeighbourhoodStart, Note, NoteJson, SubmoduleMiss, VerifyResult } from './result.js';
import { SEVERITIES } from './types.js';

export { formatFinding } from './codes.js';

type Paint = (s: string) => string;
const none: Paint = (s) => s;

/** How the revision was chosen, when it is not a plain matching tag: shown at the end of the verdict line. */
export function revisionHow(r: VerifyResult): string {
  const rev = r.inputs.revision;
  switch (rev.how) {
    case 'metadata':
      return rev.tag ? '' : " (untagged: commit from the archive's metadata)";
    case 'nearest':
      return ` (guessed: nearest commit${rev.distance !== undefined ? `, ${rev.distance} differing paths` : ''})`;
    case 'commit':
      return ' (commit given, no tag)';
    default:
      return '';
  }
}

/** The first line of every report: verdict, difference counts, severities, how the revision was chosen. `c` colours it (text renderer). */
export function verdictLine(r: VerifyResult, c: { bold: Paint; boldRed: Paint; green: Paint; yellow: Paint } = { bold: none, boldRed: none, green: none, yellow: none }): string {
  return verdictOnly(r, c) + revisionHow(r);
}

function verdictOnly(r: VerifyResult, c: { bold: Paint; boldRed: Paint; green: Paint; yellow: Paint }): string {
  const k = r.counts;
  const parts = [`${k.tarballOnly} tarball-only`, `${k.gitOnly} git-only`, `${k.changed} changed`];
  if (k.anomalies) parts.push(`${k.anomalies} archive anomalies`);
  const sev = SEVERITIES.filter((s) => s !== 'info' && k.bySeverity[s] > 0).map((s) => `${k.bySeverity[s]} ${s}`);
  switch (r.verdict) {
    case 'identical':
      return c.green(c.bold(`IDENTICAL: all ${k.identical} files match git`));
    case 'explained':
      return c.green(c.bold(`EXPLAINED: ${parts.join(', ')}`)) + ` — every difference explained${sev.length ? ` (${sev.join(', ')})` : ''}`;
    case 'review':
      return (
        c.yellow(c.bold(`REVIEW: ${parts.join(', ')}`)) +
        ` — ${k.unexplained} unexplained, none at or above ${r.failOn}${sev.length ? ` (${sev.join(', ')})` : ''}`
      );
    case 'different':
      return c.boldRed(`DIFFERENT: ${parts.join(', ')}`) + ` — ${sev.join(', ')}`;
  }
}

/** The closing line: what the authenticity checks that ran do and do not prove. */
export function authenticityLine(r: VerifyResult): string {
  const s = r.inputs.signature;
  const t = r.inputs.tagSignature;
  if (s) {
    const who = s.userId ?? s.fingerprint ?? 'the key holder';
    return `The signature proves that ${who} released these exact bytes, not that they match git (xz 5.6.1 was validly signed); this report compares the content.`;
  }
  if (t) return `The tag signature proves who tagged commit ${r.inputs.revision.commit.slice(0, 12)}, not that the archive matches it; this report compares the content.`;
  if (r.inputs.checksums) return 'The checksum proves the archive is the file the checksums file lists, not who made it nor that it matches git; this report compares the content.';
  return 'A valid signature or checksum proves who published the archive, not that it matches git; this report compares the content.';
}

/** A note's line (raw: escape what came from the input). */
export function noteText(n: Note): string {
  switch (n.code) {
    case 'PREFIX_STRIPPED':
      return `top-level directory ${n.prefix}/ stripped`;
    case 'DECODER_FALLBACK':
      return `decoded with ${n.decoder}; install the system tool for speed`;
    case 'CONTENT_NOT_RETAINED':
      return `${n.files} changed file(s) too large to keep in memory: compared by hash only`;
    case 'PAX_COMMIT':
      return `archive header names commit ${n.commit}${n.matches ? ' (matches)' : ' (does NOT match the revision)'}`;
    case 'SHA256_VERIFIED':
      return `sha256 matches the pinned value`;
    case 'POLICY_LOADED':
      return `policy ${n.path}: ${n.allowances} allowance(s)`;
    case 'POST_PASS_FAILED':
      return `check ${n.pass} failed (${n.error}): the findings are reported without it — read the files it covers yourself`;
    case 'REGENERATION':
      return n.status === 'done'
        ? `regenerated ${n.outputs} autotools output(s) in the sandbox with ${n.tools.join(', ')}: ${n.reproduced} reproduced byte for byte (${n.seconds} s)${n.partial ? `; ${n.partial}` : ''}${n.skipped?.length ? `; ${n.skipped.join('; ')}` : ''}`
        : n.status === 'off'
          ? 'regeneration off (--no-regenerate): generated files are labelled, not proved'
          : `regeneration ${n.status}: ${n.reason ?? 'unknown reason'}; generated files are labelled, not proved`;
    case 'SUBMODULE_PINNED':
      return `${n.pinnedBy ? `${n.name} pinned by bootstrap.conf's GNULIB_REVISION` : `submodule ${n.name} (${n.path}/) pinned`} at ${n.commit.slice(0, 12)}: ${n.files} files read from ${n.repo}; the tarball's copies are compared with that tree`;
    case 'SUBMODULE_UNAVAILABLE': {
      const reason = submoduleMissText(n);
      return n.commit ? `submodule ${n.name} (${n.path}/) pinned at ${n.commit.slice(0, 12)} not available: ${reason}; its copies are judged without it` : `--submodule ${n.name}: ${reason}`;
    }
  }
}

const SEVERITY_REASON_TEXT: Record<SeverityReason, string> = {
  'build-affecting': 'the file affects the build',
  'suspicious-constructs': 'it carries suspicious build constructs',
  'flagged-macro': 'it carries the expansion of an m4 file rated critical',
  'flagged-input': 'it reproduces only from an input flagged at this severity',
  'unverified-content': 'the tarball ships files here that no git side verifies',
  'local-copy-only': 'it equals only a copy on this machine, no recorded upstream version',
  'normalised-match': 'it equals upstream only after comments and whitespace are normalised',
  'directory-source': 'only its source directory is tracked: no file-to-file evidence',
};

/** Why a finding is not at its code's default severity (raw), or undefined when it is. */
export function severityReasonText(f: Finding): string | undefined {
  const r = f.severityReason;
  if (!r) return undefined;
  return `${f.allowed ? f.allowed.originalSeverity : f.severity}, not the default ${r.default}: ${r.reason} (${SEVERITY_REASON_TEXT[r.reason]})`;
}

const neighbourhoodStart = (f: NeighbourhoodStart): string =>
  [f.higherTag !== undefined ? `tag ${f.higherTag}` : '', f.lowerTag !== undefined ? `after tag ${f.lowerTag}` : '', f.heads ? `${f.heads} branch head(s)` : '']
    .filter(Boolean)
    .join(', ');

/** Each kind of revision-chain step, worded from its arguments; `satisfies`: a kind without wording is a type error. */
export const CHAIN_STEP_WORDING = {
  'tag-given': (a) => `--tag ${a.tag} → ${a.commit}`,
  'commit-given': (a) => `--commit ${a.commit}`,
  'tag-names-other-version': (a) => `--tag ${a.tag} names version ${a.tagVersion}, the archive's name ${a.archiveVersion}`,
  'metadata-names': (a) => `${a.source} names ${a.commit}${a.inRepo ? '' : ' (not in the repository)'}`,
  'metadata-missing': (a) => `${a.source} names ${a.commit}, which the repository does not have`,
  'metadata-chosen': (a) => `${a.sources.join(', ')} → ${a.commit}`,
  'file-chosen': (a) => `${a.source} (${a.path}) → ${a.commit}`,
  'file-names': (a) => `${a.source} (${a.path}) names ${a.commit}`,
  'tag-found': (a) => `tag ${a.tag} → ${a.commit}${a.also ? ` (also ${a.also.join(', ')})` : ''}`,
  'tag-other-commit': (a) => `tag ${a.tag} → ${a.commit}, the archive names ${a.archiveCommit}`,
  'no-version': () => 'cannot infer the release version from the archive name',
  'no-tag-matches': (a) => `no tag matches version ${a.version} (${a.tags} tag(s) in ${a.repo})`,
  'nearest-commit': (a) => `${a.commit} differs in ${a.distance} path(s); best of ${a.searched} commit(s) from ${neighbourhoodStart(a.from)}`,
  'tag-moved': (a) => `tag ${a.tag} was ${a.previous} in the cache`,
  'tag-unchanged': (a) => `tag ${a.tag} unchanged since the cached clone`,
} satisfies { [K in ChainStepKind]: (args: ChainStepArgs[K]) => string };

/**
 * A revision-chain step's line (raw: escape what came from the input). A step read back from a report
 * written before steps were typed (schema 1 JSON with only `detail`) keeps its detail.
 */
export function chainStepText(s: ChainStep): string {
  const word = (CHAIN_STEP_WORDING as Record<string, ((a: unknown) => string) | undefined>)[s.kind];
  return word ? word(s.args) : String((s as Partial<ChainStepJson>).detail ?? '');
}

/** A chain step for the JSON report: kind and arguments, and `detail` worded here (schema 1 readers expect it). */
export function chainStepJson(s: ChainStep): ChainStepJson {
  return { ...s, detail: chainStepText(s) };
}

type SubmoduleNote = Extract<Note, { code: 'SUBMODULE_UNAVAILABLE' }>;

/** Why a submodule was not read, each cause worded from its arguments; `satisfies`: a cause without wording is a type error. */
const SUBMODULE_MISS_WORDING = {
  'pin-not-commit': (c) => `bootstrap.conf's GNULIB_REVISION=${c.revision} is not a full commit id, so it pins no gnulib version`,
  'no-url': () => '.gitmodules names no URL for it; pass --submodule',
  'relative-url': (c, n) => `${c.url}: relative URL ${c.url} and --repo is not a URL; pass --submodule ${n.name}=REPO`,
  'local-url': (c, n) => `${c.url}: a local path in .gitmodules is not followed; pass --submodule ${n.name}=REPO`,
  'invalid-url': (c, n) => `${c.url}: ${c.error}; pass --submodule ${n.name}=REPO`,
  unreachable: (c) => `${c.repo}: ${c.error}`,
  'commit-missing': (c, n) => `${c.repo} lacks commit ${n.commit.slice(0, 12)} (${c.error})`,
  'not-pinned': () => 'the compared revision pins no such submodule',
} satisfies { [K in SubmoduleMiss['kind']]: (cause: Extract<SubmoduleMiss, { kind: K }>, note: SubmoduleNote) => string };

/** The reason line of a SUBMODULE_UNAVAILABLE note (raw). A note read back from an older report (only `reason`) keeps it. */
export function submoduleMissText(n: SubmoduleNote): string {
  const word = n.cause ? (SUBMODULE_MISS_WORDING as Record<string, ((c: unknown, n: SubmoduleNote) => string) | undefined>)[n.cause.kind] : undefined;
  return word ? word(n.cause, n) : String((n as { reason?: unknown }).reason ?? '');
}

/** A note for the JSON report: SUBMODULE_UNAVAILABLE gets its `reason` line (schema 1 readers expect it). */
export function noteJson(n: Note): NoteJson {
  return n.code === 'SUBMODULE_UNAVAILABLE' ? { ...n, reason: submoduleMissText(n) } : n;
}
