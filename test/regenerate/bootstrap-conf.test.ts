/**
 * bootstrap.conf read as data (src/regenerate/bootstrap-conf.ts): the post-import hook's script commands with
 * bootstrap's variables expanded, the gnulib-tool command line of the two modelled bootstraps, and every
 * shell construct that makes a value unknown instead of guessed.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapInvocation, bootstrapKind, confAssignments, hookVariables, postImportHook } from '../../src/regenerate/bootstrap-conf.js';

// shaped like bison 3.8.2's (gnulib's bootstrap)
const GNULIB_CONF = `# bootstrap.conf
gnulib_modules='
  argmatch array-list
  non-recursive-gnulib-prefix-hack
'
checkout_only_file=README-hacking.md
XGETTEXT_OPTIONS=$XGETTEXT_OPTIONS'\\\\\\
 --from-code=UTF-8\\\\\\
'
gnulib_tool_option_extras='--symlink --conditional-dependencies --makefile-name=gnulib.mk --po-base=gnulib-po --po-domain=bison'

bootstrap_post_import_hook()
{
  # Massage lib/gnulib.mk before using it later in the bootstrapping process.
  build-aux/prefix-gnulib-mk --lib-name="$gnulib_name" "lib/$gnulib_mk"
  # Ensure that ChangeLog exists, for automake.
  test -f ChangeLog || touch ChangeLog
}

bootstrap_epilogue()
{
  perl -pi -e "s/\\@PACKAGE\\@/$package/g" README-release
}
`;
const GNULIB_BOOTSTRAP = 'gnulib_tool_option_extras=\n  $gnulib_tool $gnulib_tool_options --import $gnulib_modules \\\n';

// shaped like libtool 2.5.4's (gnulib-modules/bootstrap)
const GLMOD_CONF = `: "\${MAKE=make}"
local_gl_path=gl:gl-mod/bootstrap
gnulib_tool_options=$gnulib_tool_options"
        --avoid=dummy
        --libtool
        --macro-prefix=GL
        --with-tests --tests-base=gnulib-tests
"
gnulib_modules='
        announce-gen
        bootstrap
'
LIBTOOLIZE=true
libtool_prep ()
{
    $debug_cmd
    gnulib_modules=evil
}
`;
const GLMOD_BOOTSTRAP = 'func_require_gnulib_tool_base_options ()\n gnulib_tool_all_options="$gnulib_tool_options $gnulib_tool_option_extras"\n';
const CONFIGURE_AC = 'AC_INIT([GNU Bison], [3.8.2])\nAC_CONFIG_AUX_DIR([build-aux])\nAC_CONFIG_MACRO_DIRS([m4])\n';

describe('bootstrap.conf as data', () => {
  it('assignments: quoted values over several lines, $self appends, a value needing the shell is unknown', () => {
    const a = confAssignments(GLMOD_CONF, new Map([['gnulib_tool_options', '--x']]));
    expect(a.get('local_gl_path')).toBe('gl:gl-mod/bootstrap');
    expect(a.get('gnulib_tool_options')!.split(/\s+/).filter(Boolean)).toEqual(['--x', '--avoid=dummy', '--libtool', '--macro-prefix=GL', '--with-tests', '--tests-base=gnulib-tests']);
    // the assignment inside a function body is not a top-level one
    expect(a.get('gnulib_modules')!.trim().split(/\s+/)).toEqual(['announce-gen', 'bootstrap']);
    expect(confAssignments('a=$(cat /etc/passwd)\nb=`id`\nc=$unknown\nd=ok\n')).toEqual(new Map([['a', undefined], ['b', undefined], ['c', undefined], ['d', 'ok']]));
  });

  it("post-import hook: a script with literal arguments is run with bootstrap's variables; other lines are listed, not run", () => {
    const vars = hookVariables(['--lib=libbison', '--source-base=lib', '--makefile-name=gnulib.mk'], GNULIB_CONF);
    expect(postImportHook(GNULIB_CONF, vars)).toEqual([
      { run: true, argv: ['build-aux/prefix-gnulib-mk', '--lib-name=libbison', 'lib/gnulib.mk'], line: 'build-aux/prefix-gnulib-mk --lib-name="$gnulib_name" "lib/$gnulib_mk"' },
      { run: false, line: 'test -f ChangeLog || touch ChangeLog', why: 'compound' },
    ]);
    expect(postImportHook('x=1\n', vars)).toBeUndefined();
  });

  it('post-import hook: a script outside the project, a command substitution, an unknown variable are not run', () => {
    const conf = 'bootstrap_post_import_hook() {\n  /tmp/evil lib/gnulib.mk\n  ../up/x\n  build-aux/x "$(curl x)"\n  build-aux/y $nope\n  sh -c "build-aux/z"\n}\n';
    expect(postImportHook(conf, new Map())!.map((c) => [c.run, c.run ? c.argv : c.why])).toEqual([
      [false, 'not-a-script'],
      [false, 'not-a-script'],
      [false, 'needs-shell'],
      [false, 'needs-shell'],
      [false, 'not-a-script'],
    ]);
  });

  it("gnulib's bootstrap: the command line it builds (defaults, --lib from AC_INIT, extras without --symlink)", () => {
    expect(bootstrapKind(GNULIB_BOOTSTRAP)).toBe('gnulib');
    expect(bootstrapInvocation(GNULIB_CONF, GNULIB_BOOTSTRAP, CONFIGURE_AC)).toEqual({
      kind: 'gnulib',
      args: ['--aux-dir=build-aux', '--doc-base=doc', '--lib=libbison', '--m4-base=m4/', '--source-base=lib/', '--tests-base=tests', '--local-dir=gl', '--conditional-dependencies', '--makefile-name=gnulib.mk', '--po-base=gnulib-po', '--po-domain=bison', 'argmatch', 'array-list', 'non-recursive-gnulib-prefix-hack'],
    });
  });

  it("gnulib-modules/bootstrap (libtool's): options, configure.ac's aux and macro dirs, local_gl_path, tests", () => {
    expect(bootstrapKind(GLMOD_BOOTSTRAP)).toBe('gnulib-modules');
    expect(bootstrapInvocation(GLMOD_CONF, GLMOD_BOOTSTRAP, CONFIGURE_AC)).toEqual({
      kind: 'gnulib-modules',
      args: ['--avoid=dummy', '--libtool', '--macro-prefix=GL', '--with-tests', '--tests-base=gnulib-tests', '--aux-dir=build-aux', '--m4-base=m4', '--local-dir=gl', '--local-dir=gl-mod/bootstrap', 'announce-gen', 'bootstrap'],
    });
  });

  it('not built: an unknown bootstrap, no modules, or modules that need the shell', () => {
    expect(bootstrapInvocation(GLMOD_CONF, '#!/bin/sh\nautoreconf -fi\n', CONFIGURE_AC)).toBeUndefined();
    expect(bootstrapInvocation('gnulib_tool_options=--libtool\n', GLMOD_BOOTSTRAP, CONFIGURE_AC)).toBeUndefined();
    expect(bootstrapInvocation('gnulib_modules="$(cat modules.txt)"\n', GNULIB_BOOTSTRAP, CONFIGURE_AC)).toBeUndefined();
  });
});

describe('stale gnulib-tool scratch trees', () => {
  it('swept: ours, older than the wall deadline, owner gone; kept: fresh, owner alive, other names', async () => {
    const { mkdirSync, utimesSync, writeFileSync, existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../helpers/tmp.js');
    const { sweepStaleGnulibScratch } = await import('../../src/regenerate/gnulib-tool.js');
    const tmp = tempDir();
    const old = (Date.now() - 2 * 3_600_000) / 1000;
    const make = (name: string, owner: number | undefined, age: number | undefined) => {
      const d = join(tmp, name);
      mkdirSync(join(d, 'project'), { recursive: true });
      if (owner !== undefined) writeFileSync(join(d, '.owner'), `${owner}\n`);
      if (age !== undefined) utimesSync(d, age, age);
      return d;
    };
    const dead = make('distdiff-gnulib-dead', 2 ** 22 + 7, old); // above Linux's pid_max default: no such process
    const noOwner = make('distdiff-gnulib-noowner', undefined, old);
    const alive = make('distdiff-gnulib-alive', process.pid, old);
    const fresh = make('distdiff-gnulib-fresh', 2 ** 22 + 7, undefined);
    const other = make('distdiff-regen-old', undefined, old);
    expect(sweepStaleGnulibScratch(tmp).sort()).toEqual([dead, noOwner].sort());
    expect([dead, noOwner, alive, fresh, other].map((d) => existsSync(d))).toEqual([false, false, true, true, true]);
  });
});
