/**
 * `distdiff batch` end to end with the built CLI over real repositories, bundles and tarballs: verdicts per
 * release, isolated failures, bad manifest lines, resume (also after SIGKILL), shards and merge.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/batch/manifest.js';
import { shardOf } from '../../src/batch/shard.js';
import { tempDir } from '../helpers/tmp.js';
import { buildBatchFixture, type BatchFixture } from './fixture.js';
import { cli, comparable, readSummary, root, runCli } from './helpers.js';


describe('distdiff batch', () => {
  const tmp = tempDir('distdiff-batch-');
  let fx: BatchFixture;
  const cache = join(tmp, 'cache');
  beforeAll(() => {
    fx = buildBatchFixture(join(tmp, 'fx'), { repos: 2, versions: 3 });
  });

  it('verifies every release in worker processes: one row and one JSON report each, failures isolated', () => {
    const out = join(tmp, 'out1');
    const r = runCli(['batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache]);
    expect(r.code).toBe(1); // one altered release per repository fails its gate
    const rows = readSummary(out);
    expect(rows.map((x) => x.id)).toEqual(fx.releases.map((x) => x.id));
    expect(Object.fromEntries(rows.map((x) => [x.id, x.status]))).toEqual(Object.fromEntries(fx.releases.map((x) => [x.id, x.expect])));
    for (const row of rows) {
      if (row.status === 'error') {
        expect(row.exitCode).toBe(2);
        expect(row.error!.kind).toBe('revision');
        expect(row.error!.message).toContain('v9.9');
        expect(row.report).toBeUndefined();
      } else {
        expect(row.exitCode).toBe(row.status === 'failed' ? 1 : 0);
        const report = JSON.parse(readFileSync(join(out, row.report!), 'utf8'));
        expect(report.schemaVersion).toBe(1);
        expect(report.verdict).toBe(row.verdict);
        expect(row.key.commit).toBe(report.inputs.revision.commit);
        expect(row.key.sha256).toBe(report.inputs.tarball.sha256);
      }
    }
    expect(rows.find((x) => x.id === 'proj0-altered')!.verdict).toBe('different');
    expect(r.stderr).toContain(`${fx.releases.length} release(s): 6 passed, 2 failed, 2 error(s), 0 already done`);
    // One clone per bundle repository in the shared cache.
    expect(readdirSync(join(cache, 'repos')).filter((n) => n.startsWith('proj1'))).toHaveLength(1);
  });

  it('a rerun skips what is done and re-verifies error rows and changed archives', () => {
    const out = join(tmp, 'out1');
    const before = readSummary(out);
    // The archive of one release changes on disk: its recorded sha256 no longer holds.
    const rel = fx.releases.find((x) => x.id === 'proj0-1.1')!;
    const other = fx.releases.find((x) => x.id === 'proj0-1.2')!;
    const saved = readFileSync(rel.tarball);
    writeFileSync(rel.tarball, readFileSync(other.tarball));
    try {
      const r = runCli(['batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('5 passed, 3 failed, 2 error(s), 7 already done');
      const after = readSummary(out);
      const changed = after.filter((x, i) => x.finishedAt !== before[i]!.finishedAt).map((x) => x.id).sort();
      expect(changed).toEqual(['proj0-1.1', 'proj0-missing-tag', 'proj1-missing-tag']);
      expect(after.find((x) => x.id === 'proj0-1.1')!.status).toBe('failed');
    } finally {
      writeFileSync(rel.tarball, saved);
    }
  });

  it('draws a progress line on a terminal (done, failed, rate, ETA) instead of one line per release', () => {
    // script(1) gives the batch a pseudo-terminal as stderr.
    const out = join(tmp, 'out-tty');
    const cmd = [process.execPath, cli, 'batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache].map((a) => `'${a}'`).join(' ');
    const p = spawnSync('script', ['-qec', `${cmd} 2>&1`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '100' }, timeout: 300_000 });
    expect(p.status).toBe(1);
    const frames = p.stdout.split('\r').map((f) => f.trim()).filter((f) => f.startsWith('['));
    expect(frames[0]).toMatch(/^\[ +\]  0\/10 done, 0 failed  --\/min ETA --:--$/);
    expect(frames.at(-1)).toMatch(/^\[=+\] 10\/10 done, 4 failed  \d+\.\d\/min ETA 0:00/);
    expect(p.stdout).not.toContain('distdiff batch: proj0-1.1: IDENTICAL');
    expect(p.stdout).toContain('distdiff batch: 10 release(s): 6 passed, 2 failed, 2 error(s), 0 already done');
  });

  it('reports bad manifest lines with their line numbers and verifies the rest (CSV)', () => {
    const dir = fx.dir;
    const csv = join(dir, 'mixed.csv');
    writeFileSync(
      csv,
      [
        'id,tarball,repo,tag',
        `a,tarballs/proj0-1.1.tar.gz,repos/proj0,v1.1`,
        `b,tarballs/proj0-1.2.tar.gz`,
        `"c,d",tarballs/proj0-1.2.tar.gz,repos/proj0,v1.2`,
        `e,"tarballs/proj0-1.3.tar.gz,repos/proj0,v1.3`,
        `a,tarballs/proj0-1.3.tar.gz,repos/proj0,v1.3`,
        `f,"tarballs/proj0-1.3.tar.gz",repos/proj0,v1.3`,
      ].join('\n') + '\n',
    );
    const out = join(tmp, 'out-csv');
    const r = runCli(['batch', csv, '--out', out, '--jobs', '1', '--cache-dir', cache]);
    expect(r.code).toBe(1);
    const bad = r.stderr.split('\n').filter((l) => l.includes('line skipped'));
    expect(bad).toEqual([
      `distdiff batch: ${csv}:3: 2 fields, the header has 4; line skipped`,
      `distdiff batch: ${csv}:4: id "c,d" must be 1-128 characters of A-Z a-z 0-9 . _ - (it names files); line skipped`,
      `distdiff batch: ${csv}:5: unterminated quoted field; line skipped`,
      `distdiff batch: ${csv}:6: id "a" already used on line 2; line skipped`,
    ]);
    expect(readSummary(out).map((x) => [x.id, x.status])).toEqual([
      ['a', 'passed'],
      ['f', 'passed'],
    ]);
    expect(readFileSync(join(out, 'manifest-errors.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('batch errors exit 2 with one line', () => {
    const r = runCli(['batch', join(tmp, 'nope.jsonl'), '--out', join(tmp, 'o2'), '--cache-dir', cache]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`distdiff: ${join(tmp, 'nope.jsonl')}: manifest not found; give a JSONL or CSV file, one release per line\n`);
    const s = runCli(['batch', fx.manifest, '--out', join(tmp, 'o2'), '--shard', '4/4', '--cache-dir', cache]);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe('distdiff: --shard 4/4: shard index must be 0 … 3; index from 0 to N-1, N at least 1\n');
    const l = runCli(['batch', fx.manifest, '--out', join(tmp, 'o2'), '--cache-dir', cache], {
      SLURM_ARRAY_TASK_ID: '3',
      SLURM_ARRAY_TASK_COUNT: '3',
      SLURM_ARRAY_TASK_MIN: '1',
      SLURM_ARRAY_TASK_MAX: '7',
      SLURM_ARRAY_TASK_STEP: '1',
    });
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/^distdiff: Slurm job array: array ids 1…7 with step 1 are not 3 evenly spaced ids .*; submit a range/);
  });

  it('a missing or broken worker file: exit 2 with one line naming it, no hang, no row (tsc build and bundle)', () => {
    // An installation without its worker.js: a copy of dist/ beside links to the package's data and modules.
    const inst = join(tmp, 'install');
    cpSync(join(root, 'dist'), join(inst, 'dist'), { recursive: true });
    for (const f of ['data', 'node_modules', 'package.json']) symlinkSync(join(root, f), join(inst, f));
    for (const dir of ['batch', 'bundle']) {
      const entry = join(inst, 'dist', dir === 'batch' ? 'cli.js' : 'bundle/cli.js');
      const worker = join(inst, 'dist', dir, 'worker.js');
      expect(existsSync(worker)).toBe(true);
      rmSync(worker);
      const started = Date.now();
      const out = join(tmp, `o-noworker-${dir}`);
      const r = runCli(['batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache], { DISTDIFF_CLI: entry });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(`distdiff: ${worker}: the batch worker file is missing; reinstall distdiff (from a checkout: npm run build)\n`);
      expect(existsSync(join(out, 'summary.jsonl'))).toBe(false);
      // A worker that dies before it is ready (here: it throws as it loads) stops the pool instead of being restarted for ever.
      writeFileSync(worker, "throw new Error('cannot load the verifier');\n");
      const bad = join(tmp, `o-badworker-${dir}`);
      const b = runCli(['batch', fx.manifest, '--out', bad, '--jobs', '2', '--cache-dir', cache], { DISTDIFF_CLI: entry });
      expect(b.code, b.stderr).toBe(2);
      expect(b.stderr).toBe(`distdiff: ${worker}: a batch worker ended with exit code 1 before it was ready (Error: cannot load the verifier); reinstall distdiff (from a checkout: npm run build)\n`);
      expect(existsSync(join(bad, 'summary.jsonl'))).toBe(false);
      expect(Date.now() - started).toBeLessThan(120_000);
    }
  });

  it('shards from --shard and from a Slurm step array cover every row once; merge equals the single run', () => {
    expect(runCli(['batch', fx.manifest, '--out', join(tmp, 'local'), '--jobs', '2', '--cache-dir', cache]).code).toBe(1);
    const single = readSummary(join(tmp, 'local'));
    const a = runCli(['batch', fx.manifest, '--out', join(tmp, 'sh0'), '--shard', '0/2', '--jobs', '1', '--cache-dir', cache]);
    // --array=10-12:2 task 12 is the second of two shards.
    const b = runCli(['batch', fx.manifest, '--out', join(tmp, 'sh1'), '--jobs', '1', '--cache-dir', cache], {
      SLURM_ARRAY_TASK_ID: '12',
      SLURM_ARRAY_TASK_COUNT: '2',
      SLURM_ARRAY_TASK_MIN: '10',
      SLURM_ARRAY_TASK_MAX: '12',
      SLURM_ARRAY_TASK_STEP: '2',
    });
    expect([a.code, b.code]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(b.stderr).toContain('(shard 1/2 from slurm)');
    const s0 = readSummary(join(tmp, 'sh0'));
    const s1 = readSummary(join(tmp, 'sh1'));
    expect(s0.length + s1.length).toBe(single.length);
    // Each shard holds exactly the rows whose identity hashes to it (the identity holds the fixture's temp
    // paths, so the split differs between runs; one shard may even be empty).
    const manifest = parseManifest(readFileSync(fx.manifest, 'utf8'), { name: fx.manifest, baseDir: dirname(fx.manifest) });
    const expectedIds = (i: number) => manifest.rows.filter((r) => shardOf(r.identity, 2) === i).map((r) => r.id).sort();
    expect(s0.map((x) => x.id).sort()).toEqual(expectedIds(0));
    expect(s1.map((x) => x.id).sort()).toEqual(expectedIds(1));
    const m = runCli(['batch', 'merge', join(tmp, 'sh0'), join(tmp, 'sh1'), '--out', join(tmp, 'merged')]);
    expect(m.code).toBe(1);
    expect(readSummary(join(tmp, 'merged')).map(comparable)).toEqual(single.map(comparable));
    for (const row of readSummary(join(tmp, 'merged'))) if (row.report) expect(existsSync(join(tmp, 'merged', row.report))).toBe(true);
    // The same shards from a Kubernetes Indexed Job and a Cloud Run job environment.
    const k = runCli(['batch', fx.manifest, '--out', join(tmp, 'k8s'), '--jobs', '1', '--cache-dir', cache], { JOB_COMPLETION_INDEX: '0', DISTDIFF_SHARD_COUNT: '2' });
    expect(k.stderr).toContain('(shard 0/2 from kubernetes)');
    expect(readSummary(join(tmp, 'k8s')).map((x) => x.id)).toEqual(s0.map((x) => x.id));
    const c = runCli(['batch', fx.manifest, '--out', join(tmp, 'cloudrun'), '--jobs', '1', '--cache-dir', cache], { CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '2' });
    expect(c.stderr).toContain('(shard 1/2 from cloud-run)');
    expect(readSummary(join(tmp, 'cloudrun')).map((x) => x.id)).toEqual(s1.map((x) => x.id));
  }, 240_000); // six batch runs (single, --shard, Slurm, merge, Kubernetes, Cloud Run): past 60 s on a loaded 2-core machine

  it('a batch killed with SIGKILL resumes with no corrupt or duplicated rows', async () => {
    const out = join(tmp, 'killed');
    const cache2 = join(tmp, 'cache-killed');
    const child = spawn(process.execPath, [cli, 'batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache2], { detached: true, stdio: 'ignore' });
    // Kill the whole process group (batch and its workers) once some rows, not all, are done.
    await new Promise<void>((res, rej) => {
      const t = setInterval(() => {
        const n = existsSync(join(out, 'rows')) ? readdirSync(join(out, 'rows')).filter((f) => f.endsWith('.json')).length : 0;
        if (n >= 2) {
          clearInterval(t);
          process.kill(-child.pid!, 'SIGKILL');
          res();
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(t);
        rej(new Error('batch finished before it could be killed'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    const doneBefore = readdirSync(join(out, 'rows')).filter((f) => f.endsWith('.json'));
    expect(doneBefore.length).toBeLessThan(fx.releases.length);
    expect(existsSync(join(out, 'summary.jsonl'))).toBe(false);
    const r = runCli(['batch', fx.manifest, '--out', out, '--jobs', '2', '--cache-dir', cache2]);
    expect(r.code).toBe(1);
    const rows = readSummary(out);
    expect(rows.map((x) => x.id)).toEqual(fx.releases.map((x) => x.id));
    expect(Object.fromEntries(rows.map((x) => [x.id, x.status]))).toEqual(Object.fromEntries(fx.releases.map((x) => [x.id, x.expect])));
    const doneIds = doneBefore.map((f) => f.replace(/\.json$/, ''));
    const doneErrors = rows.filter((x) => doneIds.includes(x.id) && x.status === 'error').length;
    expect(r.stderr).toContain(`${doneIds.length - doneErrors} already done`);
    for (const dir of ['rows', 'results']) {
      for (const f of readdirSync(join(out, dir))) {
        expect(f).toMatch(/^[A-Za-z0-9._-]+\.json$/);
        expect(() => JSON.parse(readFileSync(join(out, dir, f), 'utf8'))).not.toThrow();
      }
    }
    expect(readdirSync(join(out, 'rows'))).toHaveLength(fx.releases.length);
  });
});
