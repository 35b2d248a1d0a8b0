/**
 * Where gnulib-tool put gnulib's files in a release (pure). gnulib-tool copies each file a module lists to a
 * destination chosen by its directory in gnulib — lib/ → the source base, m4/ → the m4 base, build-aux/ →
 * the aux dir, doc/ → the doc base, tests/ and tests=lib/ → the tests base, top/ → the top directory — and
 * records what it did in the generated `<m4base>/gnulib-comp.m4`: the bases (`gl_m4_base='…'`,
 * `gl_source_base='…'` for the library, then for the tests) and every gnulib file it copied
 * (`gl_FILE_LIST`). `<m4base>/gnulib-cache.m4`, when shipped, adds the aux dir, doc base and --lgpl.
 *
 * These files come from the tarball and prove nothing by themselves: they only say which pinned gnulib file
 * a tarball file is to be compared with. The comparison (src/classify/submodule-copy.ts) is the proof.
 */

export interface GnulibLayout {
  /** The directory gnulib-tool ran in, '' or with a trailing slash ('gettext-tools/'). */
  dir: string;
  /** The generated file the layout was read from. */
  from: string;
  sourceBase: string;
  m4Base: string;
  testsBase?: string;
  auxDir: string;
  docBase: string;
  /** gnulib files gnulib-tool copied (gl_FILE_LIST), 'tests=lib/…' entries as written; empty when not listed. */
  files: ReadonlySet<string>;
  /** gnulib-tool's --local-dir(s), relative to `dir`: tracked overrides and .diff patches (gnulib-cache.m4's
   * gl_LOCAL_DIR, else bootstrap's default `gl`). */
  localDirs: string[];
  /** --lgpl as gnulib-cache.m4 records it: 'none' (GPL), 'yes', '2', '3', '3orGPLv2'; undefined when unknown. */
  lgpl?: string;
}

/** Normalise a relative path: drop '.' segments, resolve '..' ('' for the top; undefined when it leaves it). */
export function normalisePath(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

const join = (...parts: string[]) => normalisePath(parts.join('/'));

/** A layout from a shipped gnulib-comp.m4 (`path`, `text`) and, when shipped, the gnulib-cache.m4 next to it. */
export function parseGnulibComp(path: string, text: string, cache?: string): GnulibLayout | undefined {
  const m4Base = /gl_m4_base='([^'\n]*)'/.exec(text)?.[1];
  const bases = [...text.matchAll(/gl_source_base='([^'\n]*)'/g)].map((m) => m[1]!);
  if (m4Base === undefined || !bases.length) return undefined;
  const m4Dir = normalisePath(m4Base);
  const suffix = `${m4Dir ? `${m4Dir}/` : ''}gnulib-comp.m4`;
  if (m4Dir === undefined || !(path === suffix || path.endsWith(`/${suffix}`))) return undefined;
  const dir = path.slice(0, path.length - suffix.length);
  const files = new Set<string>();
  const list = /AC_DEFUN\(\[gl_FILE_LIST\], \[\n([\s\S]*?)\n\]\)/.exec(text);
  if (list) for (const l of list[1]!.split('\n')) if (l.trim()) files.add(l.trim());
  const fromCache = (re: RegExp) => (cache ? re.exec(cache)?.[1] : undefined);
  const lgplMacro = cache ? /^gl_LGPL(?:\(\[([^\]]*)\]\))?/m.exec(cache) : null;
  return {
    dir,
    from: path,
    sourceBase: bases[0]!,
    m4Base,
    ...(bases[1] !== undefined ? { testsBase: bases[1] } : {}),
    auxDir: fromCache(/^#\s+--aux-dir=(\S+)/m) ?? 'build-aux',
    docBase: fromCache(/^gl_DOC_BASE\(\[([^\]]*)\]\)/m) ?? 'doc',
    files,
    localDirs: (fromCache(/^gl_LOCAL_DIR\(\[([^\]]*)\]\)/m) ?? (cache ? '' : 'gl')).split(':').filter(Boolean),
    ...(cache ? { lgpl: lgplMacro ? lgplMacro[1] || 'yes' : 'none' } : {}),
  };
}

/** One gnulib file a tarball path may be the copy of: `listed` as gnulib-tool wrote it in gl_FILE_LIST. */
export interface GnulibSource {
  /** The file in gnulib's tree. */
  file: string;
  /** As gl_FILE_LIST spells it ('tests=lib/x.c' for a library file copied into the tests base). */
  listed: string;
}

/**
 * The gnulib files `path` (a tarball path) can be the copy of under `layout`, most specific first. When the
 * layout lists files, only listed ones; otherwise every mapping (the content comparison decides).
 */
export function gnulibSources(layout: GnulibLayout, path: string): GnulibSource[] {
  const out: GnulibSource[] = [];
  const under = (base: string | undefined, gnulibDirs: string[]) => {
    if (base === undefined) return;
    // a base that climbs out of the directory ('../build-aux') is resolved against it
    const full = join(layout.dir, base);
    const prefix = full === undefined ? undefined : full ? `${full}/` : '';
    if (prefix === undefined || !path.startsWith(prefix)) return;
    const rest = path.slice(prefix.length);
    for (const d of gnulibDirs) out.push({ file: d === 'tests=lib' ? `lib/${rest}` : `${d}/${rest}`, listed: `${d}/${rest}` });
  };
  under(layout.sourceBase, ['lib']);
  under(layout.m4Base, ['m4']);
  under(layout.testsBase, ['tests', 'tests=lib']);
  under(layout.auxDir, ['build-aux']);
  under(layout.docBase, ['doc']);
  const rel = path.startsWith(layout.dir) ? path.slice(layout.dir.length) : undefined;
  if (rel !== undefined && !rel.includes('/')) out.push({ file: `top/${rel}`, listed: `top/${rel}` });
  if (!layout.files.size) return out;
  return out.filter((s) => layout.files.has(s.listed) || s.listed === 'm4/gnulib-tool.m4');
}
