import { expect } from 'vitest';
import { DistdiffError } from '../../src/core/errors.js';

/** Awaits a promise that must reject with a DistdiffError, and returns that error. */
export async function failure(p: Promise<unknown>): Promise<DistdiffError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DistdiffError);
  return e as DistdiffError;
}
