/**
 * A generated test index (libarchive's list.h, made by `cat test_*.c | grep '^DEFINE_TEST'`), end to end
 * with real git and GNU tar: explained line by line; one novel line (a test no tracked source defines, an
 * #include, code after a registration) keeps it high.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkTestIndex } from '../../src/classify/test-index.js';
import { writeFiles } from '../helpers/git.js';
import { releaseFixture } from '../helpers/release-fixture.js';

const SOURCES = {
  'test/test_read.c': '#include "test.h"\n\nDEFINE_TEST(test_read)\n{\n\tassert(1);\n}\n\nDEFINE_TEST(test_read_twice)\n{\n\tassert(2);\n}\n',
  'test/test_write.c': '#include "test.h"\n/* DEFINE_TEST(test_commented) is not a test */\nDEFINE_TEST(test_write)\n{\n\tassert(3);\n}\n',
  'test/main.c': '#include "test.h"\n#define DEFINE_TEST(n) void n(void);\n#include "list.h"\nint main(void) { return 0; }\n',
  'test/test.h': '#define DEFINE_TEST(n) void n(void)\n',
  'test/Makefile.am': "list.h: $(srcdir)/test_*.c\n\tcat $(srcdir)/test_*.c | grep '^DEFINE_TEST' > list.h\n",
};

describe('generated test index (list.h)', () => {
  const { verifyTree } = releaseFixture(SOURCES, { name: 'proj', subject: 'tests' });
  const verifyWith = async (edit?: (list: string) => string) => {
    const r = await verifyTree({}, {
      // The release's own rule, run on the release tree.
      prepare: (dir) => {
        const list = execFileSync('sh', ['-c', "cat test/test_*.c | grep '^DEFINE_TEST'"], { cwd: dir, encoding: 'utf8' });
        writeFiles(dir, { 'test/list.h': edit ? edit(list) : list });
      },
    });
    return { r, f: r.findings.find((x) => x.path === 'test/list.h')! };
  };

  it('every line traced to a tracked test source: explained, the gate passes', async () => {
    const { r, f } = await verifyWith();
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(f.evidence).toEqual({ how: 'index', source: 'test/*.c', generator: 'DEFINE_TEST', found: 3, total: 3, files: 2, missing: 0 });
    expect(r.verdict).not.toBe('different');
  });

  it('one novel line keeps it high', async () => {
    for (const edit of [
      (l: string) => `${l}DEFINE_TEST(test_payload)\n`, // no tracked source defines it
      (l: string) => `#include "payload.h"\n${l}`,
      (l: string) => l.replace('DEFINE_TEST(test_write)', 'DEFINE_TEST(test_write) system("sh -c id");'),
      (l: string) => `${l}DEFINE_TEST(test_commented)\n`, // only inside a comment in the sources
    ]) {
      const { r, f } = await verifyWith(edit);
      expect(f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
      expect(r.verdict).toBe('different');
    }
  });

  it('checkTestIndex', () => {
    const src = new Map(Object.entries({ 'a.c': 'DEFINE_TEST(a)\nDEFINE_TEST(b)\n', 'b.c': 'DEFINE_TEST(c)\r\n' }));
    expect(checkTestIndex('/* generated */\n\nDEFINE_TEST(a)\nDEFINE_TEST(c)\n', src)).toEqual({ macro: 'DEFINE_TEST', lines: 2, files: 2, missing: 1 });
    expect(checkTestIndex('\n/* nothing */\n', src)).toBeUndefined();
    expect(checkTestIndex('DEFINE_TEST(a)\nOTHER_TEST(b)\n', new Map([['a.c', 'DEFINE_TEST(a)\nOTHER_TEST(b)\n']]))).toBeUndefined(); // one macro only
    expect(checkTestIndex('DEFINE_TEST(a) ;\n', src)).toBeUndefined(); // not verbatim
  });
});
