/**
 * A whole piece of text that is a date and nothing else, as release tools print one: `date` and ctime
 * ("Mon Aug 16 08:52:18 2021", "Sun 29 Aug 2021 08:37:50 PM UTC", "Mon, 12 Dec 2022 18:29:04 +0000"), ISO 8601
 * ("2021-08-16", "2021-08-16T08:52:18Z"), and the written forms ("16 August 2021", "August 16, 2021", "Mon May  2 2022",
 * "June 2021", "16/08/2021"). `Date.parse` alone is no such check: V8 skips words before a date and parenthesised text
 * after it, so "Download http://evil.example/x 16 Aug 2021" and "16 August 2021 (run curl … | sh)" parse as that day
 * (red team 19: a latex2man .TH date field and a configure @DATE@ value took a sentence that way).
 */
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const WEEKDAY = String.raw`(?:(?:Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)\.?,?\s+)?`;
const DAY = String.raw`\d{1,2}(?:st|nd|rd|th)?`;
const TIME = String.raw`\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AP]M)?`;
const ZONE = String.raw`(?:Z|UTC|GMT|[A-Z]{3,4}|[+-]\d{2}:?\d{2})`;
const AFTER = String.raw`(?:\s+${TIME}(?:\s*${ZONE})?)?`;
const SHAPES = [
  String.raw`\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[T ]${TIME}(?:\s?${ZONE})?)?`,
  String.raw`\d{4}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[12]\d|3[01])`,
  String.raw`${WEEKDAY}${DAY}\s+${MONTH}\s+\d{4}${AFTER}`,
  String.raw`${WEEKDAY}${MONTH}\s+${DAY},?\s+\d{4}${AFTER}`,
  String.raw`${WEEKDAY}${MONTH}\s+${DAY}\s+${TIME}(?:\s+${ZONE})?\s+\d{4}`,
  String.raw`${MONTH}\s+\d{4}`,
  String.raw`\d{1,2}[./]\d{1,2}[./]\d{4}`,
];
const WHOLE = new RegExp(`^(?:${SHAPES.join('|')})$`, 'i');

/** The time `text` names when the whole text is one date (see the header), else NaN. */
export function dateTextMs(text: string): number {
  if (text.length > 64 || !WHOLE.test(text)) return NaN;
  // ctime's zone before the year ("Thu Aug 16 09:44:45 MDT 2007") and ordinals are not Date.parse's
  return Date.parse(text.replace(/(\d)(?:st|nd|rd|th)\b/i, '$1').replace(/\s+[A-Z]{3,4}(?=\s+\d{4}$)/, ''));
}
