/**
 * Whether a path can influence what a build produces or runs: build scripts, macros, makefiles,
 * package manifests with scripts. Used to raise the severity of unexplained changes.
 */
// Names whose extension BUILD_EXT matches (configure.ac, configure.in, aclocal.m4, Makefile.in, Makefile.am,
// binding.gyp, build.ninja, ltmain.sh, Makefile.in.in, build.sh, autogen.sh, install.sh, Makefile.PL, Build.PL,
// gnulib-cache.m4, tap-driver.sh) are not listed: the regex answers for them, and an entry here could never
// change the answer (mutation testing showed it; test/classify/fallback-exact.test.ts checks every one).
const BUILD_NAMES = new Set([
  'configure', 'makefile', 'gnumakefile', 'cmakelists.txt', 'meson.build', 'meson_options.txt', 'meson.options',
  'setup.py', 'setup.cfg', 'pyproject.toml', 'build.rs', 'cargo.toml', 'package.json', 'build.gradle',
  'build.gradle.kts', 'pom.xml', 'sconstruct', 'sconscript', 'wscript', 'justfile',
  'config.status', 'libtool', 'install-sh', 'depcomp', 'missing', 'compile', 'test-driver',
  'ar-lib', 'ylwrap', 'config.guess', 'config.sub', 'config.rpath', 'mkinstalldirs', 'py-compile',
  'bootstrap', 'conanfile.py', 'rakefile',
  'gradlew', 'build.xml', 'bootstrap.conf', 'build.zig', 'module.bazel', 'build.bazel',
  'workspace.bazel', 'mdate-sh', 'libtoolize',
]);

const BUILD_EXT = /\.(m4|ac|am|in|mk|mak|cmake|sh|bash|ksh|zsh|bat|cmd|ps1|gyp|gypi|ninja|sed|awk|pl|pm)$/i;

export function isBuildAffecting(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (BUILD_NAMES.has(lower)) return true;
  if (BUILD_EXT.test(lower)) return true;
  // Makefile variants: Makefile.dist, makefile.vc, GNUmakefile.local …
  if (/^(?:gnu)?makefile\.[\w.-]+$/.test(lower)) return true;
  // debian/rules is a makefile run at package build time.
  if (/(?:^|\/)debian\/rules$/.test(path)) return true;
  if (/^(build-aux|m4|autotools|cmake)\//i.test(path)) return true;
  return false;
}

/**
 * Source and object files a compiler, interpreter or loader picks up by their name (Go compiles every .go
 * file of a package, Python imports every .py of a package and runs every .pth at start-up).
 */
const CODE_EXT = /\.(?:c|h|cc|cpp|cxx|c\+\+|hh|hpp|hxx|inc|s|asm|m|mm|go|rs|py|pyx|pxd|pyi|pth|js|mjs|cjs|ts|mts|cts|jsx|tsx|node|wasm|so|dylib|dll|a|o|java|kt|kts|scala|groovy|rb|php|lua|tcl|r|swift|zig|nim|d|cs|fs|vb|el|lisp|scm|clj|ex|exs|erl|hs|ml|mli)$/i;

export function isCodePath(path: string): boolean {
  return CODE_EXT.test(path);
}
