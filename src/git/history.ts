/**
 * The compared revision's history, read lazily for classifiers that trace a file to `git log`
 * (THANKS from the authors, a ChangeLog or NEWS rendered from the commit messages). Each read is
 * bounded; a failure makes the classifier undecided, never the run.
 */
import { runGit, runGitText } from './run.js';

export interface HistoryCommit {
  oid: string;
  /** Author name and email with the revision's .mailmap applied (what `%aN`/`%aE` print). */
  author: string;
  email: string;
  /** Author date, YYYY-MM-DD in the author's zone. */
  date: string;
  subject: string;
}

export interface HistoryRange {
  /** The nearest tag before the revision (`git describe --tags --abbrev=0 REV^`); absent when none. */
  previousTag?: string;
  /** Commits in previousTag..revision without merges, newest first (at most MAX_RANGE). */
  commits: HistoryCommit[];
  truncated: boolean;
}

export interface HistoryAccess {
  /** The commits between the previous tag and the revision (touching `dir` when given). */
  range(dir?: string): Promise<HistoryRange>;
  /** Every author and committer name and email up to the revision, raw and mailmapped. */
  authors(): Promise<{ names: ReadonlySet<string>; emails: ReadonlySet<string> }>;
  /** The last commit up to the revision that touched any of `paths`: its id, author and committer dates (YYYY-MM-DD). */
  lastChange(paths: readonly string[]): Promise<{ oid: string; authorDate: string; commitDate: string } | undefined>;
  /** The trimmed, non-blank lines of every commit message since a date (YYYY-MM-DD), up to the revision,
   *  and a `commit <id>` line for each of those commits. */
  messageLines(since?: string): Promise<ReadonlySet<string>>;
  /**
   * Every commit message since a date (YYYY-MM-DD), up to the revision, as refilled text: each paragraph (lines
   * between blank lines) and each whole message with its lines joined and runs of blanks made one space — what a
   * ChangeLog writer that re-wraps messages (git2cl, Mercurial's changelog template `desc|fill68`) started from.
   */
  messageParagraphs?(since?: string): Promise<ReadonlySet<string>>;
  /** The full message of a commit the revision reaches (`git log -1 --format=%B`), undefined for any other. */
  message?(oid: string): Promise<string | undefined>;
  /** How many commits the revision reaches (`git rev-list --count`: what `git log --oneline | wc -l` prints). */
  commitCount(): Promise<number | undefined>;
  /**
   * Every path a commit up to the revision added, modified or deleted (`git log --name-only --no-renames`): what the
   * STATUS<TAB>PATH lines of a `git log --name-status` ChangeLog may name. Empty when the history cannot be listed.
   */
  touchedPaths?(): Promise<ReadonlySet<string>>;
  /**
   * The commits the revision reaches whose id starts with `abbrev` (4 to 40 hex digits), each with
   * `git describe --abbrev=40 --match 'v*'` of it (what gnulib's git-version-gen runs, unabbreviated).
   */
  describeAncestors?(abbrev: string): Promise<{ oid: string; describe: string }[]>;
  /**
   * Which of these blob ids the revision, the branches or the tags reach (`git rev-list --objects`): not
   * merely the object store, which also holds pull requests' objects (a forge mirror's refs/pull/*).
   */
  hasBlobs?(oids: readonly string[]): Promise<Set<string>>;
  /** Whether the tag exists in the repository, and whether the revision reaches its commit. */
  tagRelation?(tag: string): Promise<'reached' | 'other-branch' | 'absent'>;
  /** How many commits the revision is past a tag it reaches (`git rev-list --count TAG..REV`: the N of `git describe`'s TAG-N-gID). */
  distance?(tag: string): Promise<number | undefined>;
}

const MAX_RANGE = 5000;
const MAX_LOG_BYTES = 96 * 1024 * 1024;

/** History access over a repository; every answer is computed once. */
export function gitHistory(gitDir: string, commit: string): HistoryAccess {
  let mailmap: Promise<string[]> | undefined;
  const mailmapArgs = () =>
    (mailmap ??= runGitText(gitDir, ['cat-file', '-e', `${commit}:.mailmap`]).then(
      () => ['-c', `mailmap.blob=${commit}:.mailmap`],
      () => ['-c', 'mailmap.blob='],
    ));
  let previous: Promise<string> | undefined;
  const ranges = new Map<string, Promise<HistoryRange>>();
  let authors: Promise<{ names: Set<string>; emails: Set<string> }> | undefined;
  const messages = new Map<string, Promise<Set<string>>>();
  const paragraphs = new Map<string, Promise<Set<string>>>();
  let count: Promise<number | undefined> | undefined;
  let ancestors: Promise<string[]> | undefined;
  let touched: Promise<Set<string>> | undefined;
  return {
    touchedPaths: () =>
      (touched ??= runGit(gitDir, ['-c', 'core.quotePath=false', 'log', '--format=', '--name-only', '--no-renames', '-z', commit, '--'], { maxBuffer: MAX_LOG_BYTES }).then(
        (b) => new Set(b.toString('utf8').split('\0').map((p) => p.replace(/^\n+/, '')).filter(Boolean)),
        () => new Set<string>(),
      )),
    describeAncestors: async (abbrev) => {
      if (!/^[0-9a-f]{4,40}$/.test(abbrev)) return [];
      const all = await (ancestors ??= runGit(gitDir, ['rev-list', commit], { maxBuffer: MAX_LOG_BYTES }).then(
        (b) => b.toString('latin1').split('\n').filter(Boolean),
        () => [],
      ));
      const out: { oid: string; describe: string }[] = [];
      for (const oid of all.filter((o) => o.startsWith(abbrev)).slice(0, 8)) {
        const describe = await runGitText(gitDir, ['describe', '--abbrev=40', '--match', 'v*', oid]).catch(() => '');
        if (describe) out.push({ oid, describe });
      }
      return out;
    },
    hasBlobs: async (oids) => {
      // Blobs the revision, the branches or the tags reach — not any object of the store: a clone of a forge
      // mirror also holds every pull request's objects (refs/pull/*), which anyone can push. (Maintenance
      // branches count: gettext 0.23.1's archive.dir.tar holds 32 blobs only its release branches reach.)
      const wanted = new Set(oids.filter((o) => /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(o)));
      if (!wanted.size) return new Set();
      // Read once (one id a line, 41 bytes an object); a history too large to list fails closed (nothing known).
      const out = await runGit(gitDir, ['rev-list', '--objects', '--no-object-names', '--missing=allow-any', '--branches', '--tags', commit], { maxBuffer: MAX_LOG_BYTES }).catch(() => Buffer.alloc(0));
      const found = new Set<string>();
      for (const l of out.toString('latin1').split('\n')) if (wanted.has(l)) found.add(l);
      return found;
    },
    tagRelation: async (tag) => {
      if (!/^[\w.+-]+$/.test(tag)) return 'absent';
      const exists = await runGitText(gitDir, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]).then(
        (t) => t !== '',
        () => false,
      );
      if (!exists) return 'absent';
      return runGitText(gitDir, ['merge-base', '--is-ancestor', `refs/tags/${tag}`, commit]).then(
        () => 'reached' as const,
        () => 'other-branch' as const,
      );
    },
    distance: async (tag) => {
      if (!/^[\w.+-]+$/.test(tag)) return undefined;
      const reached = await runGitText(gitDir, ['merge-base', '--is-ancestor', `refs/tags/${tag}`, commit]).then(() => true, () => false);
      if (!reached) return undefined;
      const n = await runGitText(gitDir, ['rev-list', '--count', `refs/tags/${tag}..${commit}`]).catch(() => '');
      return /^\d+$/.test(n.trim()) ? Number(n.trim()) : undefined;
    },
    message: async (oid) => {
      if (!/^[0-9a-f]{40}$/.test(oid)) return undefined;
      const reached = await runGitText(gitDir, ['merge-base', '--is-ancestor', oid, commit]).then(() => true, () => false);
      if (!reached) return undefined;
      const out = await runGit(gitDir, ['log', '-1', '--format=%B', oid]).catch(() => undefined);
      return out?.toString('utf8');
    },
    commitCount: () => (count ??= runGitText(gitDir, ['rev-list', '--count', commit]).then((t) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : undefined), () => undefined)),
    range: (dir) => {
      const key = dir ?? '';
      let p = ranges.get(key);
      if (!p) {
        p = (async () => {
          const previousTag = await (previous ??= runGitText(gitDir, ['describe', '--tags', '--abbrev=0', `${commit}^`]).catch(() => ''));
          const spec = previousTag ? [`refs/tags/${previousTag}..${commit}`] : [commit];
          const out = await runGit(gitDir, [...(await mailmapArgs()), 'log', '--no-merges', `--max-count=${MAX_RANGE + 1}`, '--date=short', '--format=%H%x00%aN%x00%aE%x00%ad%x00%s%x1e', ...spec, '--', ...(dir ? [`:(literal)${dir}`] : [])], { maxBuffer: MAX_LOG_BYTES });
          const commits: HistoryCommit[] = [];
          for (const rec of out.toString('utf8').split('\x1e')) {
            const [oid, author, email, date, subject] = rec.replace(/^\n/, '').split('\0');
            if (!oid || subject === undefined) continue;
            commits.push({ oid, author: author!, email: email!, date: date!, subject });
          }
          const truncated = commits.length > MAX_RANGE;
          return { ...(previousTag ? { previousTag } : {}), commits: commits.slice(0, MAX_RANGE), truncated };
        })();
        ranges.set(key, p);
      }
      return p;
    },
    authors: () =>
      (authors ??= (async () => {
        // Committers too: a log script may head each entry with the committer (curl's and libssh2's git2news:
        // "GitHub (26 May 2021)" over "- [Will Cosgrove brought this change]").
        const out = await runGit(gitDir, [...(await mailmapArgs()), 'log', '--format=%aN%x00%aE%x00%an%x00%ae%x00%cN%x00%cE%x00%cn%x00%ce', commit, '--'], { maxBuffer: MAX_LOG_BYTES });
        const names = new Set<string>();
        const emails = new Set<string>();
        for (const line of out.toString('utf8').split('\n')) {
          const [n1, e1, n2, e2, n3, e3, n4, e4] = line.split('\0');
          for (const n of [n1, n2, n3, n4]) if (n) names.add(n.trim().toLowerCase());
          for (const e of [e1, e2, e3, e4]) if (e) emails.add(e.trim().toLowerCase());
        }
        return { names, emails };
      })()),
    lastChange: async (paths) => {
      if (!paths.length) return undefined;
      const out = await runGitText(gitDir, ['log', '-1', '--format=%H%x00%ad%x00%cd', '--date=short', commit, '--', ...paths.map((p) => `:(literal)${p}`)]).catch(() => '');
      const [oid, authorDate, commitDate] = out.split('\0');
      return oid && authorDate && commitDate ? { oid, authorDate, commitDate } : undefined;
    },
    messageParagraphs: (since) => {
      const key = since ?? '';
      let p = paragraphs.get(key);
      if (!p) {
        p = (async () => {
          const out = await runGit(gitDir, ['log', '--format=%B%x1e', ...(since ? [`--since=${since}`] : []), commit, '--'], { maxBuffer: MAX_LOG_BYTES });
          const set = new Set<string>();
          for (const message of out.toString('utf8').split('\x1e')) {
            const whole = normaliseLine(message);
            if (whole) set.add(whole);
            for (const para of message.split(/\n[ \t]*\n/)) {
              const t = normaliseLine(para);
              if (t) set.add(t);
            }
          }
          return set;
        })();
        paragraphs.set(key, p);
      }
      return p;
    },
    messageLines: (since) => {
      const key = since ?? '';
      let p = messages.get(key);
      if (!p) {
        p = (async () => {
          const out = await runGit(gitDir, ['log', '--format=commit %H%n%B%x1e', ...(since ? [`--since=${since}`] : []), commit, '--'], { maxBuffer: MAX_LOG_BYTES });
          const lines = new Set<string>();
          for (const l of out.toString('utf8').split('\n')) {
            const t = normaliseLine(l.replace(/\x1e/g, ''));
            if (t) lines.add(t);
          }
          return lines;
        })();
        messages.set(key, p);
      }
      return p;
    },
  };
}

/** A line as compared across git log and a rendered file: trimmed, inner whitespace collapsed. */
export function normaliseLine(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}
