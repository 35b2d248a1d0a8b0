/**
 * The one here-document reader (src/classify/heredoc.ts readShell) that script-heredoc.ts scriptHeredocs and
 * npm-heredoc.ts heredocWrites filter. Checked against the real shell: each script here is run by bash in a temporary
 * directory and the files it writes are compared with what the readers say it writes — the `<<` of a here-string, of
 * a quoted string and of an arithmetic shift opens nothing, and a `cat >F <<W` line inside another here-document's
 * body is data, not a write (the twin: bash writes no such file, and the readers list none).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readShell } from '../../src/classify/heredoc.js';
import { scriptHeredocs } from '../../src/classify/script-heredoc.js';
import { heredocWrites } from '../../src/profiles/npm-heredoc.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('distdiff-heredoc-');

/** Runs `script` with bash in a fresh directory; the directory. */
function runBash(name: string, script: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.sh'), script);
  execFileSync('bash', ['./run.sh'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

const SCRIPT = `#!/bin/bash
read -r first <<< "a <<EOF b"
n=$((1 << 3))
echo "see <<NOT here" >/dev/null
eval 'cat <<_E_ >/dev/null
quoted
_E_'
sed -e s/x/y/ >/dev/null <<OTHER
cat > evil.txt <<X
payload
X
OTHER
cat > out/version.h <<'EOF'
#define V "$n"
EOF
cat <<-END >out/tabs.txt
\tindented
\tEND
`;

describe('readShell: here-documents as the shell reads them', () => {
  it('lists the openers bash honours and skips the bodies; the files the readers report are the bytes bash writes', () => {
    const dir = runBash('main', SCRIPT.replace('#!/bin/bash\n', '#!/bin/bash\nmkdir -p out\n'));
    const r = readShell(SCRIPT);
    expect(r.complete).toBe(true);
    expect(r.heredocs.map((h) => [h.line, h.catTarget, h.word, h.dash])).toEqual([
      [8, undefined, 'OTHER', false],
      [13, 'out/version.h', "'EOF'", false],
      [16, 'out/tabs.txt', 'END', true],
    ]);
    const writes = heredocWrites(SCRIPT);
    expect([...writes.keys()]).toEqual(['out/version.h', 'out/tabs.txt']);
    for (const [path, body] of writes) expect(readFileSync(join(dir, path), 'latin1')).toBe(body);
    expect(scriptHeredocs(SCRIPT).map((h) => [h.path, h.line, h.expands])).toEqual([['out/version.h', 13, false]]);
    // the twin: the `cat > evil.txt` line is another command's here-document body — bash writes no evil.txt, the readers list none
    expect(existsSync(join(dir, 'evil.txt'))).toBe(false);
    expect([...writes.keys(), ...scriptHeredocs(SCRIPT).map((h) => h.path)]).not.toContain('evil.txt');
  });

  it('stops at a here-document it cannot follow: nothing after it, and incomplete', () => {
    const r = readShell('cat >a.txt <<EOF\na\nEOF\ncat <<NOEND\nb\ncat >c.txt <<EOF\nc\nEOF\n');
    expect(r.complete).toBe(false);
    expect(r.heredocs.map((h) => h.catTarget)).toEqual(['a.txt']);
    expect(heredocWrites('cat >a.txt <<EOF\na\nEOF\ncat <<NOEND\nb\n').size).toBe(0);
    expect(readShell('cat <<$X\nb\n$X\n').complete).toBe(false);
  });

  it('joins continued lines into one command, numbered by its first line; a comment is no command', () => {
    const r = readShell('# cat > x <<EOF\ntouch \\\n  a.txt\ncat >b.txt <<EOF\nb\nEOF\n');
    expect(r.commands.map((c) => [c.line, c.text.trim()])).toEqual([[2, 'touch   a.txt'], [4, 'cat >b.txt <<EOF']]);
  });
});
