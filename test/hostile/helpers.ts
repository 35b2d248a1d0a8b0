/**
 * Shared fixtures for the hostile-input suite: a small real git repository tagged v1.0, a builder for
 * `hello-1.0/…` tarballs from raw entries, a hand-written zip writer, and a runner for the built CLI
 * (dist/cli.js) that returns exit code, stdout, stderr and the parsed JSON report.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { expect } from 'vitest';
import { rawTar, rawTarEntry, type RawEntryOptions } from '../helpers/archives.js';
import { makeRepo, type RepoBuilder } from '../helpers/git.js';
import { codeDoc } from '../../src/core/codes.js';
import type { FindingCode } from '../../src/core/findings.js';

export const ROOT = resolve(__dirname, '../..');
/** The built CLI; DISTDIFF_CLI points at another build (e.g. a private one while dist/ is being rebuilt). */
export const CLI = process.env.DISTDIFF_CLI ?? join(ROOT, 'dist', 'cli.js');

export const PREFIX = 'hello-1.0';
export const LONG_PATH = `deep/${'d'.repeat(60)}/${'f'.repeat(60)}.txt`;

/** The files of the tagged commit (path → [content, executable]). */
export const FILES: Record<string, [string, boolean]> = {
  'README': ['hello\n', false],
  'configure': ['#!/bin/sh\necho configuring\n', true],
  'src/main.c': ['int main(void) { return 0; }\n', false],
  [LONG_PATH]: ['long\n', false],
};

export interface Fixture {
  repo: RepoBuilder;
  commit: string;
}

/** A work-tree repository with FILES committed and tagged v1.0 (lightweight). */
export function makeFixtureRepo(dir: string): Fixture {
  const repo = makeRepo(dir);
  const files: Record<string, { content: string; executable: boolean }> = {};
  for (const [p, [content, executable]] of Object.entries(FILES)) files[p] = { content, executable };
  const commit = repo.commit(files, 'release 1.0');
  repo.tag('v1.0');
  return { repo, commit };
}

/** Raw tar entry under the prefix (handles names longer than 100 bytes with a GNU 'L' record). */
export function entry(name: string | Buffer, content: string | Buffer = '', o: RawEntryOptions = {}): Buffer {
  const nb = typeof name === 'string' ? Buffer.from(name) : name;
  if (nb.length <= 100) return rawTarEntry(nb, content, o);
  const long = rawTarEntry('././@LongLink', Buffer.concat([nb, Buffer.alloc(1)]), { type: 'L', magic: 'gnu' });
  return Buffer.concat([long, rawTarEntry(nb.subarray(0, 100), content, { ...o, magic: 'gnu' })]);
}

/** The clean release's entries: the prefix directory and every tracked file with its mode. */
export function baseEntries(skip: string[] = []): Buffer[] {
  const out = [rawTarEntry(`${PREFIX}/`, '', { type: '5' })];
  for (const [p, [content, exe]] of Object.entries(FILES)) {
    if (skip.includes(p)) continue;
    out.push(entry(`${PREFIX}/${p}`, content, { mode: exe ? 0o755 : 0o644 }));
  }
  return out;
}

/** Write a `hello-1.0` tar: the clean entries (minus `skip`) followed by `extra`. */
export function writePkgTar(file: string, extra: Buffer[] = [], skip: string[] = []): string {
  writeFileSync(file, rawTar(...baseEntries(skip), ...extra));
  return file;
}

// ---------------------------------------------------------------- zip, by hand

export interface ZipMember {
  name: string | Buffer;
  data?: Buffer | string;
  /** Name written in the central directory when it should disagree with the local header. */
  cdName?: string | Buffer;
  /** Uncompressed size written in the central directory when it should disagree. */
  cdSize?: number;
  /** Unix mode in the external attributes (default regular file 0644; 0o120777 for a symlink). */
  mode?: number;
}

/** A stored (method 0) zip with Unix "made by", written byte by byte. */
export function handZip(members: ZipMember[]): Buffer {
  const locals: Buffer[] = [];
  const cds: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = typeof m.name === 'string' ? Buffer.from(m.name) : m.name;
    const data = m.data === undefined ? Buffer.alloc(0) : typeof m.data === 'string' ? Buffer.from(m.data) : m.data;
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(10, 4);
    lh.writeUInt16LE(0, 6);
    lh.writeUInt16LE(0, 8);
    lh.writeUInt32LE(0, 10);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(data.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, data);
    const cdName = m.cdName === undefined ? name : typeof m.cdName === 'string' ? Buffer.from(m.cdName) : m.cdName;
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4);
    cd.writeUInt16LE(10, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt32LE(0, 12);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(m.cdSize ?? data.length, 20);
    cd.writeUInt32LE(m.cdSize ?? data.length, 24);
    cd.writeUInt16LE(cdName.length, 28);
    cd.writeUInt16LE(0, 30);
    cd.writeUInt16LE(0, 32);
    cd.writeUInt16LE(0, 34);
    cd.writeUInt16LE(0, 36);
    const isDir = name[name.length - 1] === 0x2f;
    cd.writeUInt32LE(((m.mode ?? (isDir ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    cds.push(cd, cdName);
    offset += 30 + name.length + data.length;
  }
  const cdBuf = Buffer.concat(cds);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cdBuf.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBuf, eocd]);
}

/** The clean release as zip members (prefix directory + tracked files). */
export function baseZipMembers(): ZipMember[] {
  const out: ZipMember[] = [{ name: `${PREFIX}/` }];
  for (const [p, [content, exe]] of Object.entries(FILES)) out.push({ name: `${PREFIX}/${p}`, data: content, mode: exe ? 0o100755 : 0o100644 });
  return out;
}

// ---------------------------------------------------------------- the CLI

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed JSON report when stdout holds one. */
  json?: Report;
}

export interface ReportFinding {
  code: string;
  severity: string;
  path: string;
  evidence?: Record<string, unknown>;
  severityReason?: { reason: string; default: string };
  diff?: { tarballOid?: string; gitOid?: string; unified?: string };
}

export interface Report {
  verdict: string;
  findings: ReportFinding[];
  notes: Array<Record<string, unknown>>;
  inputs: { tarball: Record<string, unknown>; revision: Record<string, unknown>; repo: Record<string, unknown> };
  counts: Record<string, unknown>;
}

/** Run dist/cli.js (asynchronously, so servers in this process keep answering). */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; json?: boolean } = {}): Promise<CliRun> {
  const full = opts.json === false ? args : [...args, '--format', 'json'];
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [CLI, ...full],
      { cwd: opts.cwd ?? ROOT, env: opts.env ?? { ...process.env, NO_COLOR: '1', DISTDIFF_DEBUG: '' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        const r: CliRun = { code, stdout, stderr };
        if (stdout.trim().startsWith('{')) r.json = JSON.parse(stdout) as Report;
        resolvePromise(r);
      },
    );
  });
}

/**
 * Exit 2, exactly one line on stderr naming the input and the problem, no stack trace; stdout holds nothing,
 * or (--format json) only the JSON error object with verdict "error", never a report.
 */
export function expectError(r: CliRun, input: string, problem: RegExp): void {
  if (r.stdout !== '') {
    const parsed = JSON.parse(r.stdout) as { verdict?: string; findings?: unknown; error?: { input?: string } };
    expect(parsed.verdict).toBe('error');
    expect(parsed.findings).toBeUndefined();
  }
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  const line = r.stderr.trimEnd();
  const head = `distdiff: ${input}: `;
  expect(line.startsWith(head), `stderr ${JSON.stringify(line)} should start with ${JSON.stringify(head)}`).toBe(true);
  expect(line.slice(head.length)).toMatch(problem);
  expect(r.code).toBe(2);
}

export type Expected = [code: string, severity: string, path: string];

/** The report's findings as [code, severity, path], sorted. */
export function findingTriples(r: CliRun): Expected[] {
  expect(r.stderr).toBe('');
  expect(r.json, `no JSON report; stderr: ${r.stderr}`).toBeDefined();
  return r.json!.findings.map((f): Expected => [f.code, f.severity, f.path]).sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
}

/** Exactly these findings (order free), and the exit code and verdict that follow from them (high or worse → 1). */
export function expectFindings(r: CliRun, expected: Expected[]): void {
  const sorted = [...expected].sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
  expect(findingTriples(r)).toEqual(sorted);
  const failing = expected.some(([, s]) => s === 'high' || s === 'critical');
  expect(r.code).toBe(failing ? 1 : 0);
  const allExplained = expected.every(([code]) => codeDoc(code as FindingCode).explained);
  expect(r.json!.verdict).toBe(expected.length === 0 ? 'identical' : failing ? 'different' : allExplained ? 'explained' : 'review');
}

export function finding(r: CliRun, code: string, path: string): ReportFinding {
  const f = r.json?.findings.find((x) => x.code === code && x.path === path);
  expect(f, `${code} at ${path}`).toBeDefined();
  return f!;
}
