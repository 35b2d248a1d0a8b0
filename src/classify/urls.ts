/**
 * URL hosts in text: a changed host is never a harmless edit (a "version bump" that moves a download
 * to another server). Shared by the classifiers that accept edits to text files.
 */
const URL = /\b(?:https?|ftp|git|ssh|rsync):\/\/(?:[^\s/@'"<>()]*@)?([A-Za-z0-9.-]+)/gi;

/** The lower-cased hosts of every URL in `text`. */
export function urlHosts(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(URL)) out.add(m[1]!.toLowerCase().replace(/\.$/, ''));
  return out;
}

/** Hosts in `text` that `known` lacks. */
export function newHosts(text: string, known: ReadonlySet<string>): string[] {
  return [...urlHosts(text)].filter((h) => !known.has(h));
}
