/** Repository URLs as package metadata writes them (npm package.json, the npm registry, PKG-INFO). */

/** Repository URL as written in package.json / PKG-INFO, made usable: `github:a/b` and `a/b` shorthands, `git+https://`. */
export function normaliseRepoUrl(url: string): string {
  let u = url.trim();
  const short = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(u);
  if (short) return `https://${short[1]}.${short[1] === 'bitbucket' ? 'org' : 'com'}/${short[2]}.git`;
  if (/^[\w.-]+\/[\w.-]+$/.test(u)) return `https://github.com/${u}.git`;
  u = u.replace(/^git\+/, '');
  return u;
}
