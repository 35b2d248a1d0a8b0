/**
 * Streamed reports (util/json-stream.ts): the pieces joined are byte for byte what the in-memory
 * renderers (JSON.stringify(…, null, 2)) produce — for arbitrary JSON values, for a sample result, and for
 * a real run of the CLI (stdout and --output) on a release with enough findings to span many 64 KB blocks.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks, LazyJsonArray } from '../../src/util/json-stream.js';
import { FORMATS, redactInputs, render, renderStream, streamReport } from '../../src/render/index.js';
import { renderJson, streamJson } from '../../src/render/json.js';
import { renderSarif, streamSarif } from '../../src/render/sarif.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleResult } from './sarif.test.js';

const join_ = (it: Iterable<string>) => [...it].join('');

describe('jsonChunks', () => {
  it('equals JSON.stringify(v, null, 2) for arbitrary values at every walking depth', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: false, withNullPrototype: true, maxDepth: 5 }), fc.integer({ min: 0, max: 6 }), (v, depth) => {
        expect(join_(jsonChunks(v, depth))).toBe(JSON.stringify(v, null, 2) ?? '');
      }),
      { numRuns: 400 },
    );
  });

  it('skips undefined, functions and symbols as JSON.stringify does; honours toJSON', () => {
    const v = {
      a: undefined,
      f: () => 1,
      s: Symbol('x'),
      list: [undefined, () => 1, Symbol('y'), 1, { d: new Date(0) }],
      nested: { toJSON: () => ({ replaced: [1, 2] }) },
      gone: { toJSON: () => undefined },
      empty: {},
      none: [],
    };
    for (let depth = 0; depth < 5; depth++) expect(join_(jsonChunks(v, depth))).toBe(JSON.stringify(v, null, 2));
  });

  it('a LazyJsonArray is written like the array it stands for, making each element once', () => {
    let made = 0;
    const lazy = new LazyJsonArray(3, (i) => {
      made++;
      return { i, deep: { list: [i, i + 1] } };
    });
    const expected = JSON.stringify({ results: lazy.toJSON() }, null, 2);
    made = 0;
    for (let depth = 0; depth < 5; depth++) expect(join_(jsonChunks({ results: lazy }, depth))).toBe(expected);
    expect(made).toBe(3 * 5);
    expect(join_(jsonChunks({ results: new LazyJsonArray(0, () => 1) }))).toBe(JSON.stringify({ results: [] }, null, 2));
  });
});

describe('streamed reports', () => {
  it('JSON and SARIF of a sample result equal the in-memory renderers', () => {
    const r = sampleResult();
    expect(join_(streamJson(r))).toBe(renderJson(r));
    expect(join_(streamSarif(r))).toBe(renderSarif(r));
    expect(join_(renderStream(r, 'json'))).toBe(renderJson(redactInputs(r)));
    expect(join_(renderStream(r, 'sarif'))).toBe(renderSarif(redactInputs(r)));
  });

  it("the CLI's streamReport (only the format's renderer loaded) gives render()'s bytes in every format", async () => {
    const r = sampleResult();
    for (const format of FORMATS) {
      for (const opts of [{}, { color: true, verbose: true }]) {
        // (JSON and SARIF pieces are made once, as they are read: one stream per comparison)
        expect([format, join_(await streamReport(r, format, opts))]).toEqual([format, render(r, format, opts)]);
        expect([format, join_(await streamReport(r, format, opts))]).toEqual([format, join_(renderStream(r, format, opts))]);
      }
    }
  });

  it('a real run with 3,000 tarball-only files: CLI stdout and --output equal renderJson/renderSarif of verify()', async () => {
    const dir = tempDir();
    const repo = makeRepo(join(dir, 'repo'));
    repo.commit({ 'README': 'many files\n' });
    repo.tag('v1.0');
    const rel = join(dir, 'many-1.0');
    mkdirSync(join(rel, 'd'), { recursive: true });
    writeFileSync(join(rel, 'README'), 'many files\n');
    for (let i = 0; i < 3000; i++) writeFileSync(join(rel, 'd', `f${String(i).padStart(5, '0')}.txt`), `file ${i}\n`);
    const tar = makeTar(rel, { compress: 'gzip', out: join(dir, 'many-1.0.tar.gz') });
    const cache = join(dir, 'cache');
    const result = await verify({ tarball: tar, repo: repo.dir, tag: 'v1.0', cacheDir: cache });
    expect(result.findings).toHaveLength(3000);
    const cli = resolve(__dirname, '../../dist/cli.js');
    for (const format of ['json', 'sarif'] as const) {
      const expected = (format === 'json' ? renderJson : renderSarif)(redactInputs(result));
      expect(expected.length).toBeGreaterThan(10 * 65536);
      const args = [cli, tar, '--repo', repo.dir, '--tag', 'v1.0', '--cache-dir', cache, '--format', format];
      const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(out.status).toBe(1);
      expect(out.stdout).toBe(expected);
      const file = join(dir, `report.${format}`);
      const toFile = spawnSync(process.execPath, [...args, '--output', file], { encoding: 'utf8' });
      expect(toFile.status).toBe(1);
      expect(readFileSync(file, 'utf8')).toBe(expected);
    }
    // five runs of the CLI and one of verify(): 14 s on a quiet machine, 107 s at load 30
  }, 300_000);
});
