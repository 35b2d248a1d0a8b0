/**
 * The one shell tokenizer (src/util/shell-tokens.ts) and its readers: classify/shell-subset.ts `tokens`,
 * regenerate/post-edit.ts `shellTokens`, regenerate/makeinfo.ts `shellWords` (and make-replay.ts's recipe check). Before the merge the three read
 * braces, newlines, `&&` and double quotes each its own way; each such input is a case here, with what each
 * reader now makes of it.
 */
import { describe, expect, it } from 'vitest';
import { literalWord, shellTokens, ShellSyntaxError, tryShellTokens, type ShellSeg, type ShellToken } from '../../src/util/shell-tokens.js';
import { evaluateRecipe, tokens } from '../../src/classify/shell-subset.js';
import { shellTokens as postEditTokens } from '../../src/regenerate/post-edit.js';
import { shellWords } from '../../src/regenerate/makeinfo.js';
import { checkRecipe } from '../../src/regenerate/make-replay.js';

const t = (text: string, quote: '' | "'" | '"' | '\\' = '') => ({ kind: 'text' as const, text, quote });
const w = (...word: ShellSeg[]): ShellToken => ({ word });

describe('shellTokens', () => {
  it('words, quotes and escapes as segments', () => {
    expect(shellTokens(`a 'b c' "d $X \${Y} \\" \\q" e\\ f \`cmd x\` '' ""`)).toEqual([
      w(t('a')),
      w(t('b c', "'")),
      w(t('d ', '"'), { kind: 'var', name: 'X', quoted: true }, t(' ', '"'), { kind: 'var', name: 'Y', quoted: true }, t(' ', '"'), t('"', '\\'), t(' \\q', '"')),
      w(t('e'), t(' ', '\\'), t('f')),
      w({ kind: 'sub', command: 'cmd x', quoted: false }),
      w(t('', "'")),
      w(t('', '"')),
    ]);
    expect(shellTokens('a"b"c')).toEqual([w(t('a'), t('b', '"'), t('c'))]);
  });

  it('operators, longest first; a backslash-newline is no token', () => {
    const ops = (s: string) => shellTokens(s).map((x) => ('op' in x ? x.op : literalWord(x.word)));
    expect(ops('a;b;;c&&d||e|f&g>h>>i<j(k)')).toEqual(['a', ';', 'b', ';;', 'c', '&&', 'd', '||', 'e', '|', 'f', '&', 'g', '>', 'h', '>>', 'i', '<', 'j', '(', 'k', ')']);
    expect(ops('a \\\n b')).toEqual(['a', 'b']);
    expect(ops("'a \\\n b'")).toEqual(['a \\\n b']);
  });

  it('refuses what the grammar does not read, naming it', () => {
    for (const [src, why] of [
      ['echo "a', 'unclosed double quote'],
      ["echo 'a", 'unclosed quote'],
      ['echo `a', 'unclosed backquote'],
      ['echo ${a', 'unclosed ${'],
      ['echo ${a:-b}', '${a:-b}'],
      ['echo $(date)', '$( at 5'],
      ['echo $@', '$@ at 5'],
      ['cat <<EOF', 'here-document <<'],
      ['cat 0<<EOF', 'here-document <<'],
      ['echo a\\', 'backslash at the end'],
    ]) {
      expect(() => shellTokens(src!), src).toThrow(ShellSyntaxError);
      expect(() => shellTokens(src!), src).toThrow(why!);
      expect(tryShellTokens(src!)).toBeUndefined();
    }
    expect(literalWord([t('a'), t('b', "'")])).toBe('ab');
    expect(literalWord([t('a'), { kind: 'var', name: 'X', quoted: false }])).toBeUndefined();
  });

  it('a file descriptor before a redirection belongs to it; a comment runs to the end of the line', () => {
    expect(shellTokens('echo a 2>/dev/null 1>>log 0<in')).toEqual([w(t('echo')), w(t('a')), { op: '>', fd: 2 }, w(t('/dev/null')), { op: '>>', fd: 1 }, w(t('log')), { op: '<', fd: 0 }, w(t('in'))]);
    expect(shellTokens('echo a2>b')).toEqual([w(t('echo')), w(t('a2')), { op: '>' }, w(t('b'))]);
    expect(tokens("echo a 2>/dev/null > '$@'")).toBeUndefined(); // was echo a 2 (to $@)
    expect(() => postEditTokens('sed s/a/b/ f 2>/dev/null')).toThrow('redirection 2>');
    expect(shellTokens("echo a # b 'c\necho d#e")).toEqual([w(t('echo')), w(t('a')), { op: '\n' }, w(t('echo')), w(t('d#e'))]);
  });

  // The differences the three readers had before the merge, one input each.
  it('braces: operators only as a whole unquoted word', () => {
    expect(shellTokens("{ echo a; } '{' a{b}")).toEqual([{ op: '{' }, w(t('echo')), w(t('a')), { op: ';' }, { op: '}' }, w(t('{', "'")), w(t('a{b}'))]);
    expect(tokens('{ echo a; }')).toEqual([{ op: '{' }, { w: 'echo' }, { w: 'a' }, { op: ';' }, { op: '}' }]);
    expect(tokens('a{b}')).toEqual([{ w: 'a{b}' }]); // was op, word, op
    expect(() => postEditTokens('{ echo a; }')).toThrow('operator {'); // was a command named {
    expect(shellWords('makeinfo a{b}')).toBeUndefined();
    expect(shellWords("makeinfo 'a{b}'")).toEqual(['makeinfo', 'a{b}']);
  });

  it('newlines: a token of their own, a command separator', () => {
    expect(shellTokens('echo a\necho b')).toEqual([w(t('echo')), w(t('a')), { op: '\n' }, w(t('echo')), w(t('b'))]);
    expect(tokens('echo a\necho b')).toEqual([{ w: 'echo' }, { w: 'a' }, { op: ';' }, { w: 'echo' }, { w: 'b' }]); // was one command, echo a echo b
    expect(postEditTokens('echo a\necho b')).toEqual([{ word: [{ text: 'echo', quoted: false }] }, { word: [{ text: 'a', quoted: false }] }, { op: ';' }, { word: [{ text: 'echo', quoted: false }] }, { word: [{ text: 'b', quoted: false }] }]);
    expect(shellWords('makeinfo a\n-o b')).toBeUndefined(); // was four words
  });

  it('&&: one operator', () => {
    expect(tokens('echo a && echo b')).toEqual([{ w: 'echo' }, { w: 'a' }, { op: '&&' }, { w: 'echo' }, { w: 'b' }]); // was the word &&
    expect(postEditTokens('a && b').map((x) => ('op' in x ? x.op : '.'))).toEqual(['.', '&&', '.']);
    expect(shellWords('makeinfo a && b')).toBeUndefined();
    expect(() => postEditTokens('a & b')).toThrow('operator &');
  });

  it('double quotes: text, escapes and expansions', () => {
    expect(tokens('echo "a b" \'c\'')).toEqual([{ w: 'echo' }, { w: 'a b' }, { w: 'c' }]); // was refused
    expect(tokens('echo "$x"')).toBeUndefined();
    expect(tokens('echo "`x`"')).toBeUndefined();
    expect(postEditTokens('"a\\$b$c"')).toEqual([{ word: [{ text: 'a', quoted: true }, { text: '$', quoted: true }, { text: 'b', quoted: true }, { var: 'c', quoted: true }] }]);
    expect(shellWords('makeinfo "a b"')).toEqual(['makeinfo', 'a b']);
    expect(shellWords('makeinfo "a\\b"')).toBeUndefined();
    expect(shellWords('makeinfo "$a"')).toBeUndefined();
  });
});

describe('the echo/cat/sed evaluator on the shared tokens', () => {
  const read = async (f: string) => (f === 'f' ? 'x\n' : undefined);
  it('a redirection binds to one pipeline: a top-level list is not evaluated', async () => {
    expect(await evaluateRecipe("{ echo a; cat f; } > '$@'", read)).toEqual({ text: 'a\nx\n', inputs: ['f'] });
    expect(await evaluateRecipe('echo "a  b" > \'$@\'', read)).toEqual({ text: 'a  b\n', inputs: [] });
    // sh writes only b's output to $@: the evaluator used to claim both.
    expect(await evaluateRecipe("echo a; echo b > '$@'", read)).toBeUndefined();
    expect(await evaluateRecipe("echo a\necho b > '$@'", read)).toBeUndefined();
    expect(await evaluateRecipe("echo a && echo b > '$@'", read)).toBeUndefined();
  });
  it('a plain `< FILE` after a command is its standard input, an input of the result; another file descriptor or no file is not evaluated', async () => {
    expect(await evaluateRecipe("sed -e 's/x/y/' < f > '$@'", read)).toEqual({ text: 'y\n', inputs: ['f'] });
    expect(await evaluateRecipe("cat < f | sed -e 's/x/z/' > '$@'", read)).toEqual({ text: 'z\n', inputs: ['f'] });
    expect(await evaluateRecipe("cat < g > '$@'", read)).toBeUndefined();
    expect(await evaluateRecipe("cat 0< f > '$@'", read)).toBeUndefined();
    expect(await evaluateRecipe("cat < > '$@'", read)).toBeUndefined();
  });
});

describe("the replay's recipe check on the shared tokens (as with post-edit's before)", () => {
  const check = (cmd: string) => checkRecipe([cmd], 'out.h', () => undefined);
  it('braces as keywords, >> and 2> as redirections, newlines as separators; & refused, a plain < FILE read', () => {
    expect(check('{ echo a; echo b; } > out.h')).toEqual({ tools: new Set(), asksGit: false });
    expect(check('echo a >> out.h\ncat out.h 2>/dev/null | tr a b > out.h')).toEqual({ tools: new Set(['cat', 'tr']), asksGit: false });
    expect(check('echo a # > /etc/passwd')).toEqual({ tools: new Set(), asksGit: false }); // a comment: nothing is written there
    expect(check('echo a > /etc/passwd')).toMatchObject({ kind: 'redirect' });
    expect(check('echo a & echo b')).toMatchObject({ kind: 'syntax', args: { construct: 'tokenizer', text: 'operator &' } });
    expect(check('tr a b < in > out.h')).toEqual({ tools: new Set(['tr']), asksGit: false, reads: new Set(['in']) });
    expect(check('tr a b <& 0 > out.h')).toMatchObject({ kind: 'redirect', args: { target: '&' } });
  });
});
