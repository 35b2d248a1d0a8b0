/**
 * Credentials in URLs never reach a report, an error line or the terminal: the userinfo of every URL
 * (`https://user:token@host/` → `https://***@host/`) and the values of query parameters whose names look
 * secret (token, key, sig, signature, password, secret, credential, auth, X-Amz-*, X-Goog-* …) are
 * replaced by `***`. Works on any text: every URL found in it is redacted, the rest is left as it is.
 */

/** scheme://[userinfo@]rest — stops at whitespace, quotes and brackets (how URLs end inside messages). */
const URL_IN_TEXT = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s'"<>()`]*)/g;

/** Query parameter names whose values are secrets. */
const SECRET_PARAM =
  /^(?:x-(?:amz|goog)-.*|(?:.*[_.-])?(?:token|key|sig|signature|password|passwd|pwd|pass|secret|credential|credentials|auth|authorization|session|jwt|apikey|sas|code))$/i;

export const REDACTED = '***';

function redactOne(scheme: string, rest: string): string {
  // Userinfo: everything before the last '@' of the authority (the part before the first '/', '?' or '#').
  const authEnd = rest.search(/[/?#]/);
  const authority = authEnd < 0 ? rest : rest.slice(0, authEnd);
  const at = authority.lastIndexOf('@');
  let out = at >= 0 ? `${REDACTED}@${rest.slice(at + 1)}` : rest;
  const q = out.indexOf('?');
  if (q >= 0) {
    const hash = out.indexOf('#', q);
    const query = out.slice(q + 1, hash < 0 ? undefined : hash);
    const redacted = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        let name = pair.slice(0, eq);
        try {
          name = decodeURIComponent(name.replace(/\+/g, ' '));
        } catch {
          /* keep it raw */
        }
        return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
      })
      .join('&');
    out = `${out.slice(0, q + 1)}${redacted}${hash < 0 ? '' : out.slice(hash)}`;
  }
  return scheme + out;
}

/** `text` with every URL's userinfo and secret-looking query values replaced by ***. */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (_m, scheme: string, rest: string) => redactOne(scheme, rest));
}
