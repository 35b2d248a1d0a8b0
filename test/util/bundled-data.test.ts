import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DistdiffError } from '../../src/core/errors.js';
import { lazyJson } from '../../src/util/bundled-data.js';

const dir = mkdtempSync(join(tmpdir(), 'distdiff-bundled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazyJson (bundled data/*.json)', () => {
  it('reads the file once, on first use, and builds the value from it', () => {
    const p = join(dir, 'ok.json');
    writeFileSync(p, '{"n": 2}');
    let built = 0;
    const load = lazyJson(pathToFileURL(p), (raw: { n: number }) => (built++, raw.n * 21), 'test corpus', 'rebuild it');
    expect(built).toBe(0);
    expect(load()).toBe(42);
    writeFileSync(p, '{"n": 3}');
    expect(load()).toBe(42);
    expect(built).toBe(1);
  });

  it('is null when the file is absent (the check that needs it is skipped)', () => {
    expect(lazyJson(pathToFileURL(join(dir, 'absent.json')), () => 1, 'test corpus', 'rebuild it')()).toBeNull();
  });

  it('a corrupt file is a config error naming the file, the data and the remedy', () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{"n": ');
    const load = lazyJson(pathToFileURL(p), () => 1, 'test corpus', 'rebuild it with scripts/x.mjs');
    const err = (() => { try { load(); } catch (e) { return e; } })() as DistdiffError;
    expect(err).toBeInstanceOf(DistdiffError);
    expect(err.kind).toBe('config');
    expect(err.oneLine()).toMatch(/^file:\/\/.*bad\.json: corrupt test corpus: .+; rebuild it with scripts\/x\.mjs$/);
  });

  it('an error the builder raises as a DistdiffError (an unsupported schema) passes through unchanged', () => {
    const p = join(dir, 'schema.json');
    writeFileSync(p, '{}');
    const mine = new DistdiffError('config', 'test corpus', 'unsupported schema 9', 'rebuild it');
    expect(() => lazyJson(pathToFileURL(p), () => { throw mine; }, 'test corpus', 'x')()).toThrow(mine);
  });
});
