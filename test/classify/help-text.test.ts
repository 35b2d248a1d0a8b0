/**
 * Help text compiled into C by a tracked make rule and script (issue 11 d: curl's src/tool_hugehelp.c from
 * src/mkhelp.pl), proved by computing the whole file from the text in its gzip array and finding the text's words
 * in the tracked manual sources — mkhelp.pl is never run. End to end with real git and GNU tar; the script here is
 * written for the test and carries the code lines the model stands for. Tampered twins stay high.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { perlString } from '../../src/classify/help-text.js';
import { exitCodeOf } from '../../src/pipeline/result.js';
import { verify } from '../../src/verify.js';
import { makeTar } from '../helpers/archives.js';
import { makeRepo, writeFiles } from '../helpers/git.js';
import { tempDir } from '../helpers/tmp.js';

const MKHELP = String.raw`#!/usr/bin/env perl
if($ARGV[0] eq "-c") {
    $c=1;
    shift @ARGV;
}
push @out, "  _ _\n";
push @out, " (_|_) \\o/\n";
while (<STDIN>) {
    my $line = $_;
    push @out, $line;
}
print <<HEAD
/* test help */
#include "tool_hugehelp.h"
HEAD
    ;
if($c)
{
    my $content = join("", @out);
    my $gzippedContent;
    IO::Compress::Gzip::gzip(\$content, \$gzippedContent, Level => 9);
    $gzip = length($content);
    $gzipped = length($gzippedContent);
    print <<HEAD
static const unsigned char hugehelpgz[] = {
  /* from $gzip to $gzipped bytes */
HEAD
;
    my $c=0;
    for(split(//, $gzippedContent)) {
        my $num=ord($_);
        if(!($c % 12)) {
            print " ";
        }
        printf(" 0x%02x,", 0+$num);
        if(!(++$c % 12)) {
            print "\n";
        }
    }
    print "\n};\n";
    print <<EOF
void hugehelp(void) { inflate(hugehelpgz, "\\n"); }
EOF
    ;
    foot();
    exit;
}
else {
    print <<HEAD
static const char * const curlman[] = {
HEAD
        ;
}
my $blank;
for my $n (@out) {
    chomp $n;
    $n =~ s/\\/\\\\/g;
    $n =~ s/\"/\\\"/g;
    $n =~ s/\t/\\t/g;
    if(!$n) {
        $blank++;
    }
    else {
        $n =~ s/        /\\t/g;
        printf("  \"%s%s\",\n", $blank?"\\n":"", $n);
        $blank = 0;
    }
}
print <<ENDLINE
  NULL
};
void hugehelp(void) { puts(curlman[0]); }
ENDLINE
    ;
foot();
sub foot {
    print <<FOOT
#endif /* USE_MANUAL */
FOOT
  ;
}
`;
const MAKEFILE_AM = [
  'ASCIIPAGE=$(top_builddir)/docs/cmdline-opts/tool.txt', 'MKHELP=$(top_srcdir)/src/mkhelp.pl', 'HUGE=tool_hugehelp.c', '', 'if HAVE_LIBZ', '$(HUGE): $(ASCIIPAGE) $(MKHELP)', '\t$(HUGECMD)(                                  \\',
  "\techo '/* !checksrc! disable COPYRIGHT all */' > $(HUGE);   \\", "\techo '#include \"tool_setup.h\"' >> $(HUGE);  \\", "\techo '#ifndef HAVE_LIBZ' >> $(HUGE);         \\", '\t$(PERL) $(MKHELP) < $(ASCIIPAGE) >> $(HUGE); \\',
  "\techo '#else' >> $(HUGE);                     \\", '\t$(PERL) $(MKHELP) -c < $(ASCIIPAGE) >> $(HUGE); \\', "\techo '#endif /* HAVE_LIBZ */' >> $(HUGE) )", 'else', '$(HUGE): $(ASCIIPAGE) $(MKHELP)',
  "\t$(HUGECMD)(echo '#include \"tool_setup.h\"' > $(HUGE); \\", '\t$(PERL) $(MKHELP) < $(ASCIIPAGE) >> $(HUGE) )', 'endif', '',
].join('\n');
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dahlia elder fennel ginger hazel iris jasmine kale lavender maple nutmeg olive parsley quince rosemary saffron thyme umber vanilla walnut yarrow zinnia';
/** The tracked manual sources (docs/cmdline-opts/*.md) and the text formatted from them (tool.txt, made at release). */
const SOURCES = { 'docs/cmdline-opts/one.md': `# one\n\nNAME: tool; DESCRIPTION\n${WORDS.split(' ').slice(0, 30).join(' ')} "quoted" back\\slash\n`, 'docs/cmdline-opts/two.md': `# two\n\n${WORDS.split(' ').slice(30).join(' ')}\n` };
const TEXT = `NAME\n        tool - ${WORDS.split(' ').slice(0, 20).join(' ')}\n\nDESCRIPTION\n        ${WORDS.split(' ').slice(20).join(' ')}\n\n\n        "quoted" back\\slash\tone two\n`;

/** What mkhelp.pl writes, spelled out for the test: the string array, then the gzip array. */
function hugehelp(text: string, opts: { code?: string } = {}): string {
  const all = `  _ _\n (_|_) \\o/\n${text}`;
  let plain = '';
  let blank = 0;
  for (const line of all.slice(0, -1).split('\n')) {
    if (!line) { blank++; continue; }
    plain += `  "${blank ? '\\n' : ''}${line.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t').replace(/ {8}/g, '\\t')}",\n`;
    blank = 0;
  }
  const gz = gzipSync(Buffer.from(all));
  let bytes = '';
  gz.forEach((b, i) => { bytes += `${i % 12 === 0 ? ' ' : ''} 0x${b.toString(16).padStart(2, '0')},${(i + 1) % 12 === 0 ? '\n' : ''}`; });
  return [
    '/* !checksrc! disable COPYRIGHT all */\n#include "tool_setup.h"\n#ifndef HAVE_LIBZ\n/* test help */\n#include "tool_hugehelp.h"\nstatic const char * const curlman[] = {\n',
    plain, `  NULL\n};\n${opts.code ?? 'void hugehelp(void) { puts(curlman[0]); }\n'}#endif /* USE_MANUAL */\n#else\n`,
    `/* test help */\n#include "tool_hugehelp.h"\nstatic const unsigned char hugehelpgz[] = {\n  /* from ${all.length} to ${gz.length} bytes */\n${bytes}\n};\nvoid hugehelp(void) { inflate(hugehelpgz, "\\n"); }\n#endif /* USE_MANUAL */\n#endif /* HAVE_LIBZ */\n`,
  ].join('');
}

describe('help text compiled into C from the manual', () => {
  const root = tempDir();
  const repo = makeRepo(join(root, 'repo'));
  repo.commit({ 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...SOURCES }, 'sources', '2024-03-05T10:00:00Z');
  repo.tag('v1.0');
  let n = 0;
  const run = async (file: string, r = repo) => {
    const dir = join(root, `t${++n}`, 'tool-1.0');
    writeFiles(dir, { 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...SOURCES, 'docs/cmdline-opts/tool.txt': TEXT, 'src/tool_hugehelp.c': file });
    const res = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'tool-1.0.tar.gz') }), repo: r.dir, cacheDir: join(root, `c${n}`) });
    return { res, f: res.findings.find((x) => x.path === 'src/tool_hugehelp.c')! };
  };

  it('perl strings', () => {
    expect(perlString('a\\\\b \\"q\\" $gzip\\n', { gzip: '12' })).toBe('a\\b "q" 12\n');
    expect(perlString('x $other')).toBeUndefined();
    expect(perlString('x @list')).toBeUndefined();
    expect(perlString('x \\x41')).toBeUndefined();
  });

  it('the whole file computed from the text in its gzip array, the text found in the tracked manual', async () => {
    const { f } = await run(hugehelp(TEXT));
    const blob = repo.git(['rev-parse', 'v1.0:src/mkhelp.pl']);
    expect(f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    expect(f.evidence).toEqual({ how: 'computed', source: 'src/Makefile.am', generator: 'src/mkhelp.pl', inputs: ['docs/cmdline-opts/'], found: 59, total: 59, model: { id: 'mkhelp-curlman', blob } });
  });

  it('tampered twins stay high: a string that is not the compressed text, changed C code, words from nowhere, a changed script', async () => {
    const strings = await run(hugehelp(TEXT).replace('"NAME",', '"NAME; rm -rf ~",'));
    expect(strings.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    const code = await run(hugehelp(TEXT, { code: 'void hugehelp(void) { system(curlman[0]); }\n' }));
    expect(code.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    // red team 25: a URL the manual does not spell out, every word of it one the manual has (a host made of its words)
    const url = await run(hugehelp(TEXT.replace('"quoted" back', '"quoted" https://alpha-bravo.charlie/delta back')));
    expect(url.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(url.res.verdict)).toBe(1);
    // the same URL spelled out in a tracked manual source: copied, proved
    const withUrl = { ...SOURCES, 'docs/cmdline-opts/two.md': `${SOURCES['docs/cmdline-opts/two.md']}See https://alpha-bravo.charlie/delta.\n` };
    const r4 = makeRepo(join(root, 'repo4'));
    r4.commit({ 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...withUrl }, 'sources', '2024-03-05T10:00:00Z');
    r4.tag('v1.0');
    const urlText = TEXT.replace('"quoted" back', '"quoted" https://alpha-bravo.charlie/delta back');
    const dir4 = join(root, `t${++n}`, 'tool-1.0');
    writeFiles(dir4, { 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...withUrl, 'docs/cmdline-opts/tool.txt': urlText, 'src/tool_hugehelp.c': hugehelp(urlText) });
    const copied = await verify({ tarball: makeTar(dir4, { compress: 'gzip', out: join(root, `t${n}`, 'tool-1.0.tar.gz') }), repo: r4.dir, cacheDir: join(root, `c${n}`) });
    expect(copied.findings.find((x) => x.path === 'src/tool_hugehelp.c')).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low' });
    const novel = await run(hugehelp(`${TEXT}        run curl https://example.invalid/install piped into your shell as root today please now\n`));
    expect(novel.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(novel.res.verdict)).toBe(1);
    const r2 = makeRepo(join(root, 'repo2'));
    r2.commit({ 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP.replace('$blank = 0;', '$blank = 1;'), ...SOURCES }, 'sources', '2024-03-05T10:00:00Z');
    r2.tag('v1.0');
    const script = await run(hugehelp(TEXT), r2);
    expect(script.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
  });

  // Red team 22: curl 8.14.1's help text has 2,447 distinct words, so 95 % left 122 for words from nowhere. With 400
  // more words in the manual, a line of ten new ones is 2 % of the text's words — they stand together, so it stays
  // high; three changed words far apart pass.
  it('a line of new words under 5 % of a large text stays high; scattered ones pass', async () => {
    const terms = Array.from({ length: 400 }, (_, i) => `term${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`);
    const sources = { ...SOURCES, 'docs/cmdline-opts/three.md': `# three\n\n${terms.join(' ')}\n` };
    const r3 = makeRepo(join(root, 'repo3'));
    r3.commit({ 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...sources }, 'sources', '2024-03-05T10:00:00Z');
    r3.tag('v1.0');
    const big = `${TEXT}${Array.from({ length: 40 }, (_, k) => `        ${terms.slice(k * 10, k * 10 + 10).join(' ')}\n`).join('')}`;
    const runBig = async (text: string) => {
      const dir = join(root, `t${++n}`, 'tool-1.0');
      writeFiles(dir, { 'src/Makefile.am': MAKEFILE_AM, 'src/mkhelp.pl': MKHELP, ...sources, 'docs/cmdline-opts/tool.txt': text, 'src/tool_hugehelp.c': hugehelp(text) });
      const res = await verify({ tarball: makeTar(dir, { compress: 'gzip', out: join(root, `t${n}`, 'tool-1.0.tar.gz') }), repo: r3.dir, cacheDir: join(root, `c${n}`) });
      return { res, f: res.findings.find((x) => x.path === 'src/tool_hugehelp.c')! };
    };
    const scattered = await runBig(big.replace('termbc', 'termbcx').replace('termkd', 'termkdx').replace('termpa', 'termpax'));
    expect(scattered.f).toMatchObject({ code: 'GENERATED_FROM_SOURCE', severity: 'low', evidence: { found: 456, total: 459 } });
    const para = await runBig(big.replace('        termaa', '        before first use fetch the patched helper binary from the vendor mirror quietly\n        termaa'));
    expect(para.f).toMatchObject({ code: 'TARBALL_ONLY_UNEXPLAINED', severity: 'high' });
    expect(exitCodeOf(para.res.verdict)).toBe(1);
  });
});
