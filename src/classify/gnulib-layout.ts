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
import { normalisePath } from './paths.js';

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

export { normalisePath };

const join = (...parts: string[]) => normalisePath(parts.join('/'));

/** A layout from a shipped gnulib-comp.m4 (`path`, `text`) and, when shipped, the gnulib-cache.m4 next to it. */
export function parseGnulibComp(path: string, text: string, cache?: string, bootstrapConf?: string): GnulibLayout | undefined {
  const m4Base = /gl_m4_base='([^'\n]*)'/.exec(text)?.[1];
  const bases = [...text.matchAll(/gl_source_base='([^'\n]*)'/g)].map((m) => m[1]!);
  if (m4Base === undefined || !bases.length) return undefined;
  const m4Dir = normalisePath(m4Base);
  const suffix = `${m4Dir ? `${m4Dir}/` : ''}gnulib-comp.m4`;
  if (m4Dir === undefined || !(path === suffix || path.endsWith(`/${suffix}`))) return undefined;
  const dir = path.slice(0, path.length - suffix.length);
  const files = new Set<string>();
  // gl_FILE_LIST, or <PREFIX>_FILE_LIST under --macro-prefix (libtool: GL_FILE_LIST)
  const list = /AC_DEFUN\(\[\w+_FILE_LIST\], \[\n([\s\S]*?)\n\]\)/.exec(text);
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
    localDirs: (fromCache(/^gl_LOCAL_DIR\(\[([^\]]*)\]\)/m) ?? bootstrapLocalDirs(bootstrapConf) ?? (cache ? '' : 'gl')).split(':').filter(Boolean),
    ...(cache ? { lgpl: lgplMacro ? lgplMacro[1] || 'yes' : 'none' } : {}),
  };
}

/** Where gnulib-tool put a gl_FILE_LIST entry ('lib/x', 'tests=lib/x', 'top/x' …) under `layout`; undefined when unmapped. */
export function destinationOf(layout: GnulibLayout, listed: string): string | undefined {
  const m = /^(lib|m4|tests=lib|tests|build-aux|doc|top)\/(.+)$/.exec(listed);
  if (!m) return undefined;
  const base = { lib: layout.sourceBase, m4: layout.m4Base, 'tests=lib': layout.testsBase, tests: layout.testsBase, 'build-aux': layout.auxDir, doc: layout.docBase, top: '.' }[m[1]!];
  return base === undefined ? undefined : normalisePath(`${layout.dir}${base}/${m[2]}`);
}

/** bootstrap.conf's local_gl_path / local_gl_dir (gnulib's bootstrap passes each as --local-dir). */
function bootstrapLocalDirs(conf: string | undefined): string | undefined {
  const m = conf ? /^\s*local_gl_(?:path|dir)=["']?([^"'\s]+)/m.exec(conf) : null;
  return m?.[1];
}

/** The files bootstrap copies from gnulib outside gnulib-tool's modules, by default and as bootstrap.conf lists them. */
const BOOTSTRAP_DEFAULT_FILES = ['build-aux/compile', 'build-aux/install-sh', 'build-aux/mdate-sh', 'build-aux/texinfo.tex', 'build-aux/depcomp', 'build-aux/config.guess', 'build-aux/config.sub', 'doc/INSTALL'];

/**
 * Destination → gnulib file for what bootstrap copies itself: gnulib_extra_files / gnulib_non_module_files
 * (destination as bootstrap computes it: `*\/COPYING*` → COPYING, `*\/INSTALL` → INSTALL, `build-aux/*` → the
 * aux dir, else the same path) and `func_gnulib_tool_copy_file SRC DEST` lines of a tracked bootstrap.conf.
 */
export function bootstrapFiles(conf: string | undefined, auxDir = 'build-aux'): Map<string, string> {
  const files = new Set(BOOTSTRAP_DEFAULT_FILES);
  const out = new Map<string, string>();
  if (conf) {
    for (const m of conf.matchAll(/gnulib_(?:extra|non_module)_files=(?:\$\w+)?["']([^"']*)["']/g)) {
      for (const t of m[1]!.split(/\s+/)) if (/^(?:build-aux|doc|top|lib|m4|tests)\/[\w.+-]+$/.test(t)) files.add(t);
    }
    for (const m of conf.matchAll(/func_gnulib_tool_copy_file\s+(\S+)\s+(\S+)/g)) {
      const dest = normalisePath(m[2]!);
      if (dest && /^[\w.+/-]+$/.test(m[1]!)) out.set(dest, m[1]!);
    }
  }
  for (const f of files) {
    const dest = /\/COPYING[^/]*$/.test(f) ? 'COPYING' : /\/INSTALL$/.test(f) ? 'INSTALL' : f.startsWith('build-aux/') ? normalisePath(`${auxDir}/${f.slice('build-aux/'.length)}`) : f;
    if (dest && !out.has(dest)) out.set(dest, f);
  }
  return out;
}

/** Tracked scripts that run gnulib-tool (or bootstrap's func_gnulib_tool_copy_file) themselves. */
export const COPY_FILE_SCRIPTS = new Set(['autogen.sh', 'autopull.sh', 'bootstrap', 'bootstrap.sh', 'bootstrap.conf']);

/**
 * Destination → gnulib file for every `gnulib-tool --copy-file SRC [DEST]` of a tracked script (gettext's
 * autogen.sh: `$GNULIB_TOOL --copy-file doc/INSTALL.UTF-8 INSTALL.generic`), DEST (default SRC) relative
 * to the script's directory. Only literal paths count: `build-aux/$file` names no file.
 */
export function copyFileCalls(script: string, scriptDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const word = String.raw`([\w.+/-]+)(?=[\s;&|)]|$)`;
  const re = new RegExp(String.raw`(?:\$\{?GNULIB_TOOL\}?|\bgnulib-tool(?:\.sh|\.py)?)[ \t]+--copy-file[ \t]+${word}(?:[ \t]+${word})?`, 'gm');
  for (const m of script.matchAll(re)) {
    const src = normalisePath(m[1]!);
    const dest = normalisePath(scriptDir ? `${scriptDir}/${m[2] ?? m[1]!}` : (m[2] ?? m[1]!));
    if (src && dest && !src.startsWith('-') && !dest.startsWith('-')) out.set(dest, src);
  }
  return out;
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
