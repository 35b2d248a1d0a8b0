/**
 * The stage marks behind DISTDIFF_TIMELINE (src/util/timeline.ts, README "Performance"): nothing is recorded
 * while the timeline is off; once on, each mark has its label, wall time and CPU time, and formatTimeline
 * prints the steps between marks. The CLI run on the sample prints the pipeline's marks in order, only when asked.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { enableTimeline, formatTimeline, mark, timelineMarks } from '../../src/util/timeline.js';

const root = resolve(__dirname, '../..');

describe('timeline marks', () => {
  it('records nothing while off; then label, wall and CPU per mark, and the step between marks', () => {
    mark('before');
    expect(timelineMarks()).toEqual([]);
    let cpu = 10;
    enableTimeline(() => (cpu += 5));
    mark('a');
    mark('b');
    const [a, b] = timelineMarks();
    expect([a!.label, a!.cpuMs, b!.label, b!.cpuMs]).toEqual(['a', 15, 'b', 20]);
    expect(b!.ms).toBeGreaterThanOrEqual(a!.ms);
    const lines = formatTimeline([
      { label: 'start', ms: 100, cpuMs: 50 },
      { label: 'scan done', ms: 1600.25, cpuMs: 1250 },
    ]);
    expect(lines).toEqual(['   100.0 ms  cpu     50 ms                            start', '  1600.3 ms  cpu   1250 ms  +1500.3 ms (cpu +1200)    scan done']);
  });

  it('the CLI prints the pipeline marks on stderr with DISTDIFF_TIMELINE=1, in order, and nothing without it', () => {
    const cache = tempDir();
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'samples/hello-1.0.tar.gz', '--repo', 'samples/hello.bundle', '--cache-dir', cache, '--format', 'json', '--no-regenerate'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DISTDIFF_TIMELINE: '', ...env },
        timeout: 60_000,
      });
    expect(run({}).stderr).toBe(''); // the first run clones the bundle into the cache; the next two find it there
    const timed = run({ DISTDIFF_TIMELINE: '1' });
    const plain = run({});
    expect(plain.stderr).toBe('');
    expect(timed.status).toBe(plain.status);
    expect(timed.stdout).toBe(plain.stdout);
    // The label is the last column (after two spaces or more); every line is a timeline line.
    const lines = timed.stderr.split('\n').filter(Boolean);
    expect(lines.every((l) => /^distdiff: timeline +[\d.]+ ms {2}cpu +\d+ ms {2}/.test(l))).toBe(true);
    const labels = lines.map((l) => l.split(/ {2,}/).pop());
    // git's ids may come before or after the last decoded chunk of so small an archive: checked apart.
    const ids = labels.indexOf("scan: git's blob ids known");
    expect(ids).toBeGreaterThan(labels.indexOf('scan: decoder started'));
    expect(ids).toBeLessThan(labels.indexOf('verify: scan done'));
    expect(labels.filter((l) => l !== "scan: git's blob ids known")).toEqual([
      'cli: modules loaded',
      'verify: start',
      'verify: inputs acquired',
      'scan: decoder started',
      'scan: first decoded chunk',
      'scan: last decoded chunk',
      'scan: decoder done',
      'scan: entries collected',
      'verify: scan done',
      'verify: revision resolved',
      'verify: git side listed',
      'verify: submodules',
      'explain: compared',
      'explain: regeneration started or skipped',
      'explain: classified',
      'explain: regeneration report',
      'explain: post passes',
      'verify: explained',
      'cli: report written',
    ]);
  });
});
