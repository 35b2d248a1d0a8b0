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
