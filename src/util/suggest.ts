/**
 * "Did you mean": the closest known option to a mistyped one (Damerau-Levenshtein distance, at most a
 * third of the name's length), and the --format a command line asked for before it was parsed (so that an
 * error while parsing can still be reported as JSON).
 */

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = editDistance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return best !== undefined && bestD > 0 && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** yargs' strict-mode message ("Unknown argument: fial-on" / "Unknown arguments: a, b") with suggestions. */
export function unknownOptionMessage(msg: string, known: readonly string[]): string | undefined {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return undefined;
  // yargs lists a kebab-case option twice (fial-on, fialOn): keep one spelling
  const names = [...new Set(m[1]!.split(',').map((s) => s.trim().replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).filter(Boolean))];
  return names
    .map((n) => {
      const bare = n.replace(/^-+/, '');
      const opt = bare.length === 1 ? `-${bare}` : `--${bare}`;
      const hit = closest(bare, known);
      return hit ? `unknown option ${opt}; did you mean --${hit}?` : `unknown option ${opt}`;
    })
    .join('; ');
}

/** The report format named on a command line (--format json, --format=json, -f json, -fjson), unparsed. */
export function requestedFormat(argv: readonly string[]): string | undefined {
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--format' || a === '-f') format = argv[i + 1];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (/^-f[a-z]/.test(a)) format = a.slice(2);
  }
  return format;
}
