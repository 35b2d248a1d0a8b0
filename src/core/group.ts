/**
 * One bound for long lists of findings in every human report (text, Markdown, HTML): up to GROUP_LIMIT
 * findings of a severity are listed one by one; beyond, one line per finding code and directory, largest
 * group first, at most GROUP_LINES lines. The JSON and SARIF reports always carry every finding.
 */
import type { Finding, FindingCode } from './findings.js';

/** Findings of one severity listed one by one up to this many; beyond, grouped by code and directory. */
export const GROUP_LIMIT = 25;
/** Code-and-directory lines shown for a long group. */
export const GROUP_LINES = 30;

export interface FindingGroup {
  code: FindingCode;
  /** The directory with a trailing slash, './' for the top. */
  dir: string;
  findings: Finding[];
}

export type Bounded = { kind: 'all'; findings: readonly Finding[] } | { kind: 'grouped'; groups: FindingGroup[]; more: number };

/** `findings` as the reports show them: all of them, or grouped by code and directory when there are many. */
export function boundFindings(findings: readonly Finding[], all = false): Bounded {
  if (all || findings.length <= GROUP_LIMIT) return { kind: 'all', findings };
  const byKey = new Map<string, FindingGroup>();
  for (const f of findings) {
    const dir = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/') + 1) : './';
    const key = `${f.code}\u0000${dir}`;
    const g = byKey.get(key);
    if (g) g.findings.push(f);
    else byKey.set(key, { code: f.code, dir, findings: [f] });
  }
  const groups = [...byKey.entries()]
    .sort(([ka, a], [kb, b]) => b.findings.length - a.findings.length || ka.localeCompare(kb))
    .map(([, g]) => g);
  return { kind: 'grouped', groups: groups.slice(0, GROUP_LINES), more: Math.max(0, groups.length - GROUP_LINES) };
}

/** A group member's name relative to the group's directory. */
export const inGroup = (g: FindingGroup, f: Finding): string => (g.dir === './' ? f.path : f.path.slice(g.dir.length));
