/**
 * automake writes the dirstamp rules of LIBOBJS sources in a subdirectory (`lib/x.$(OBJEXT):
 * lib/$(am__dirstamp)`, one `.lo` twin each) by iterating a perl hash (`foreach my $iter (keys %libsources)`
 * in automake 1.16's handle_LIBOBJS), and perl randomises hash order per process: two runs of the same
 * automake on the same tree may order those lines differently (libtool 2.4.7's lt__argz / lt__strl /
 * lt__dirent). Such lines are prerequisite-only make rules whose order means nothing to make, so the
 * comparison accepts them in any order within their run of consecutive dirstamp rules — nothing else may
 * differ, and the evidence says how many lines were reordered. The same holds for the empty rules automake
 * writes for a conditionally defined target under the other conditions (EMPTY_CONDITIONAL_RULE). Pure.
 */
import type { Normalisation } from '../core/regeneration.js';

const DIRSTAMP_RULE = /^[^\s:#=]+\.(?:\$\(OBJEXT\)|lo): [^\s:#=]*\$\(am__dirstamp\)$/;
/**
 * The empty rules automake writes, under the conditions where a user's conditionally defined target is not
 * defined (`@A_FALSE@@B_FALSE@uninstall-local:`), one per target, also in hash order (gettext 0.21's intl/
 * Makefile.in: uninstall-local and install-data-local in either order between automake runs).
 */
const EMPTY_CONDITIONAL_RULE = /^(?:@[A-Za-z0-9_]+@)+[^\s:#=@]+:$/;
const ruleClass = (l: string) => (DIRSTAMP_RULE.test(l) ? 1 : EMPTY_CONDITIONAL_RULE.test(l) ? 2 : 0);

/** Each maximal run of consecutive rule lines of one class sorted; every other line as it is. */
function canonical(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const c = ruleClass(lines[i]!);
    if (!c) {
      out.push(lines[i++]!);
      continue;
    }
    let j = i;
    while (j < lines.length && ruleClass(lines[j]!) === c) j++;
    out.push(...lines.slice(i, j).sort());
    i = j;
  }
  return out;
}

/**
 * When `regenerated` and `shipped` differ only in the order of dirstamp rules within their runs: the
 * normalisation to list; otherwise undefined.
 */
export function sameUpToRuleOrder(regenerated: string, shipped: string): Normalisation | undefined {
  if (regenerated === shipped) return undefined;
  const a = regenerated.split('\n');
  const b = shipped.split('\n');
  if (a.length !== b.length) return undefined;
  const ca = canonical(a);
  const cb = canonical(b);
  if (ca.some((l, i) => l !== cb[i])) return undefined;
  const moved = a.filter((l, i) => l !== b[i]).length;
  return { kind: 'automake-rule-order', args: { lines: moved } };
}
