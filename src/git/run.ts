/**
 * The ONLY way distdiff runs git. Every invocation gets a scrubbed environment and configuration overrides
 * that keep a repository's own config (and the user's) from running anything: no hooks, no fsmonitor, no
 * credential helpers or prompts, no ssh command from config, no ext::/fd:: transports, no submodule recursion,
 * no pager, no background maintenance.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DistdiffError } from '../core/errors.js';

const FALSE_BIN = existsSync('/bin/false') ? '/bin/false' : '/usr/bin/false';
const TRUE_BIN = existsSync('/bin/true') ? '/bin/true' : '/usr/bin/true';

/** The transports a repository URL may use; everything else (ext::, fd::, remote helpers) is refused. */
export const ALLOWED_PROTOCOLS = 'https:http:ssh:git:file';

/** Environment variables passed through from the caller (everything else, notably every GIT_*, is dropped). */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'USER',
  'LOGNAME',
  'SSH_AUTH_SOCK',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SYSTEMROOT',
];

export const SSH_COMMAND = 'ssh -o BatchMode=yes -o ConnectTimeout=30';

/** A clean environment for git: nothing from the caller's GIT_* leaks in (GIT_DIR, GIT_CONFIG_PARAMETERS …). */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of PASS_THROUGH) if (process.env[k] !== undefined) env[k] = process.env[k];
  Object.assign(env, {
    LC_ALL: 'C',
    LANG: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: FALSE_BIN,
    SSH_ASKPASS: FALSE_BIN,
    SSH_ASKPASS_REQUIRE: 'never',
    GIT_SSH_COMMAND: SSH_COMMAND,
    GIT_SSH_VARIANT: 'ssh',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    GIT_EDITOR: FALSE_BIN,
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_ADVICE: '0',
    // A missing object is an error, never a fetch: a partial clone's promisor remote (its url, uploadpack,
    // proxy …) comes from the repository's own config.
    GIT_NO_LAZY_FETCH: '1',
    // Beats every protocol.*.allow a config may set (git: "overriding any existing configuration").
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    // Set but empty: git then ignores core.gitProxy (a first-match-wins list that -c cannot override).
    GIT_PROXY_COMMAND: '',
  });
  Object.assign(env, extra);
  return env;
}

/** `-c` overrides placed before every git subcommand. Command-line config beats the repository's config. */
export const HARDEN_ARGS: string[] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['core.untrackedCache', 'false'],
  ['core.sshCommand', SSH_COMMAND],
  ['core.askPass', FALSE_BIN],
  ['core.autocrlf', 'false'],
  ['core.attributesFile', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.alternateRefsCommand', TRUE_BIN],
  ['credential.helper', ''],
  ['protocol.allow', 'never'],
  ['protocol.https.allow', 'always'],
  ['protocol.http.allow', 'always'],
  ['protocol.ssh.allow', 'always'],
  ['protocol.git.allow', 'always'],
  ['protocol.file.allow', 'always'],
  ['protocol.ext.allow', 'never'],
  ['protocol.fd.allow', 'never'],
  ['submodule.recurse', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['log.showSignature', 'false'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['fetch.writeCommitGraph', 'false'],
  ['safe.bareRepository', 'all'],
].flatMap(([k, v]) => ['-c', `${k}=${v}`]);

export interface RunGitOptions {
  input?: Buffer | string;
  /** Largest stdout accepted (default 512 MiB); more is an error. */
  maxBuffer?: number;
  /** Extra environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  cwd?: string;
  /** Extra global options placed before the subcommand (e.g. --literal-pathspecs). */
  globalArgs?: string[];
  /** Input label for error messages (defaults to gitDir). */
  label?: string;
}

/** A failed git command. `exitCode` and `stderr` let callers tell "not found" from real failures. */
export class GitCommandError extends DistdiffError {
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(input: string, problem: string, hint: string, exitCode: number | null, stderr: string) {
    super('git', input, problem, hint);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Names shown for git dirs in errors (a borrowing repository in the cache is named by the input it borrows from). */
const LABELS = new Map<string, string>();

/** Errors about `gitDir` name `input` instead of the directory. */
export function labelGitDir(gitDir: string, input: string): void {
  LABELS.set(gitDir, input);
}

/** The one error for an object the repository should have and does not (a partial or damaged clone). */
export function missingObjectError(input: string, oid: string, exitCode: number | null = null, stderr = '', path?: string): GitCommandError {
  // Name the file when it is known (a bare mirror without its large blobs says which one), and what to run.
  const what = path === undefined ? `object ${oid}` : `object ${oid} (${JSON.stringify(path).slice(1, -1)})`;
  return new GitCommandError(input, `repository is incomplete: ${what} missing`, 'fetch the missing objects (git fetch --refetch) or pass a full clone', exitCode, stderr);
}

/** git's ways of saying an object is missing; the id is the last hex run of the line. */
const MISSING_OBJECT =
  /(unable to read(?: tree| sha1 file of [^\n]*?)?|could not read|missing (?:blob|tree|commit|tag) object|bad object|could not fetch|lazy fetching disabled|invalid object|corrupt object|cannot read)[^\n]*?\b([0-9a-f]{40}|[0-9a-f]{64})\b/i;

/** Full argv for git (without the leading "git"). */
export function gitArgv(gitDir: string, args: string[], globalArgs: string[] = []): string[] {
  return [...(gitDir ? [`--git-dir=${gitDir}`] : []), ...HARDEN_ARGS, ...globalArgs, ...args];
}

function firstLine(s: string): string {
  for (const line of s.split('\n')) {
    const t = line.replace(/^(fatal|error):\s*/, '').trim();
    if (t && !t.startsWith('warning:') && !t.startsWith('hint:')) return t.slice(0, 300);
  }
  return '';
}

/**
 * Run `git <hardening> <args>` against `gitDir` ('' when there is no repository yet, e.g. clone).
 * Resolves with stdout; rejects with a GitCommandError (kind 'git') carrying git's first stderr line.
 */
export function runGit(gitDir: string, args: string[], opts: RunGitOptions = {}): Promise<Buffer> {
  const maxBuffer = opts.maxBuffer ?? 512 * 1024 * 1024;
  const label = opts.label ?? LABELS.get(gitDir) ?? (gitDir || args.join(' '));
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn('git', gitArgv(gitDir, args, opts.globalArgs), {
        env: gitEnv(opts.env),
        cwd: opts.cwd ?? '/',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      reject(new GitCommandError(label, `cannot run git: ${(e as Error).message}`, 'install git 2.25 or newer', null, ''));
      return;
    }
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    let overflow = false;
    child.stdout.on('data', (c: Buffer) => {
      if (overflow) return;
      outLen += c.length;
      if (outLen > maxBuffer) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 64 * 1024) err += c.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      reject(
        new GitCommandError(label, missing ? 'git is not installed or not on PATH' : `cannot run git: ${e.message}`, 'install git 2.25 or newer', null, ''),
      );
    });
    child.on('close', (code, signal) => {
      if (overflow) {
        reject(new GitCommandError(label, `git ${args[0]} produced more than ${maxBuffer} bytes`, 'the repository is too large for this operation', code, err));
      } else if (code === 0) {
        resolve(Buffer.concat(out));
      } else if (MISSING_OBJECT.test(err)) {
        reject(missingObjectError(label, MISSING_OBJECT.exec(err)![2]!, code, err));
      } else {
        const why = firstLine(err) || (signal ? `killed by ${signal}` : `exit code ${code}`);
        reject(new GitCommandError(label, `git ${args[0]} failed: ${why}`, '', code, err));
      }
    });
    // A child that exits early closes stdin: ignore EPIPE, the exit code tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** runGit, stdout as trimmed UTF-8 text. */
export async function runGitText(gitDir: string, args: string[], opts: RunGitOptions = {}): Promise<string> {
  return (await runGit(gitDir, args, opts)).toString('utf8').trim();
}
