/**
 * Authenticity options through the whole pipeline (verify()) and the built CLI: a signed release made
 * by the real tools (git tag -s, git archive | gzip -n, gpg --detach-sign, sha256sum), served from 127.0.0.1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { verify, type VerifyOptions } from '../../src/verify.js';
import { makeRepo } from '../helpers/git.js';
import { makeGpgHome, signedTag, type GpgHome } from '../helpers/gpg.js';
import { startHttpServer, type TestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('distdiff-auth-');
const cache = join(dir, 'cache');
let gpg: GpgHome;
let alice: string;
let mallory: string;
let repoDir: string;
let commit: string;
const tarball = join(dir, 'hello-1.0.tar.gz');
let sha: string;
let keyring: string;
let server: TestServer;

beforeAll(async () => {
  gpg = makeGpgHome(dir);
  alice = gpg.genKey('Alice Release <alice@example.org>');
  mallory = gpg.genKey('Mallory <mallory@example.org>');
  keyring = gpg.exportKeys(join(dir, 'alice.asc'), [alice], true);
  const r = makeRepo(join(dir, 'hello'));
  repoDir = r.dir;
  commit = r.commit({ 'hello.c': 'int main(void) { return 0; }\n', 'README': 'hello\n' });
  signedTag(repoDir, gpg, alice, 'v1.0');
  r.tag('v1.0-unsigned', { message: 'not signed' });
  const tar = execFileSync('git', ['archive', '--format=tar', '--prefix=hello-1.0/', 'v1.0'], { cwd: repoDir });
  writeFileSync(tarball, execFileSync('gzip', ['-n', '-9'], { input: tar }));
  gpg.sign(tarball, alice, `${tarball}.sig`);
  gpg.sign(tarball, alice, `${tarball}.asc`, { armor: true });
  gpg.sign(tarball, mallory, join(dir, 'mallory.sig'));
  execFileSync('sh', ['-c', 'sha256sum hello-1.0.tar.gz > SHA256SUMS && sha256sum --tag hello-1.0.tar.gz > BSD.sums'], { cwd: dir });
  sha = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').slice(0, 64);
  server = await startHttpServer({
    'hello-1.0.tar.gz': readFileSync(tarball),
    'hello-1.0.tar.gz.sig': readFileSync(`${tarball}.sig`),
    SHA256SUMS: readFileSync(join(dir, 'SHA256SUMS')),
  });
});
afterAll(() => server?.close());

const run = (o: Partial<VerifyOptions>) => verify({ tarball, repo: repoDir, tag: 'v1.0', cacheDir: cache, ...o });

describe('--signature / --keyring', () => {
  it('valid binary signature: reported in inputs.signature and the text report', async () => {
    const r = await run({ signature: `${tarball}.sig`, keyring });
    expect(r.verdict).toBe('identical');
    expect(r.inputs.signature).toMatchObject({ status: 'valid', fingerprint: alice, userId: 'Alice Release <alice@example.org>', source: `${tarball}.sig`, keyring });
    const text = renderText(r);
    expect(text).toContain(`  signature VALID by ${alice} Alice Release <alice@example.org>, made `);
    expect(text).toContain(
      'The signature proves that Alice Release <alice@example.org> released these exact bytes, not that they match git (xz 5.6.1 was validly signed); this report compares the content.',
    );
  });

  it('armored signature, and a signature and archive downloaded from 127.0.0.1', async () => {
    expect((await run({ signature: `${tarball}.asc`, keyring })).inputs.signature?.status).toBe('valid');
    const r = await run({ tarball: `${server.base}/files/hello-1.0.tar.gz`, signature: `${server.base}/files/hello-1.0.tar.gz.sig`, keyring });
    expect(r.inputs.signature).toMatchObject({ status: 'valid', fingerprint: alice });
  });

  it('a tampered archive stops with a checksum error naming the signer', async () => {
    const bad = join(dir, 'bad', 'hello-1.0.tar.gz');
    execFileSync('mkdir', ['-p', join(dir, 'bad')]);
    const bytes = readFileSync(tarball);
    bytes[bytes.length - 20] ^= 0xff;
    writeFileSync(bad, bytes);
    await expect(run({ tarball: bad, signature: `${tarball}.sig`, keyring })).rejects.toMatchObject({
      kind: 'checksum',
      input: `${tarball}.sig`,
      message: `BAD signature from key ${alice} (Alice Release <alice@example.org>): the bytes are not what the key holder signed`,
      hint: 'do not use this archive',
    });
  });

  it('a signature by a key outside the keyring stops; so do missing --keyring and a directory', async () => {
    await expect(run({ signature: join(dir, 'mallory.sig'), keyring })).rejects.toMatchObject({
      kind: 'checksum',
      message: `signed by key id ${mallory.slice(-16)} that is not in the keyring`,
    });
    await expect(run({ signature: `${tarball}.sig` })).rejects.toMatchObject({ kind: 'usage', message: 'a signature check needs the signer keys' });
    await expect(run({ keyring })).rejects.toMatchObject({ kind: 'usage', message: 'nothing to verify with the keyring' });
    await expect(run({ tarball: repoDir, signature: `${tarball}.sig`, keyring })).rejects.toMatchObject({ kind: 'usage' });
  });
});

describe('--verify-tag', () => {
  it('valid signed tag: inputs.tagSignature', async () => {
    const r = await run({ verifyTag: true, keyring });
    expect(r.inputs.tagSignature).toMatchObject({ status: 'valid', source: 'tag v1.0', fingerprint: alice });
    expect(renderText(r)).toContain(`  tag sig   VALID by ${alice} Alice Release <alice@example.org>`);
  });

  it('unsigned tag and a commit instead of a tag stop', async () => {
    await expect(run({ tag: 'v1.0-unsigned', verifyTag: true, keyring })).rejects.toMatchObject({
      kind: 'checksum',
      input: 'tag v1.0-unsigned',
      message: 'annotated tag v1.0-unsigned carries no signature',
    });
    await expect(run({ tag: undefined, commit, verifyTag: true, keyring })).rejects.toMatchObject({ kind: 'usage', input: '--verify-tag' });
  });
});

describe('--checksums', () => {
  it('GNU and BSD files, local and over HTTP: the pin is applied and reported', async () => {
    const r = await run({ checksums: join(dir, 'SHA256SUMS') });
    expect(r.inputs.checksums).toEqual({ source: join(dir, 'SHA256SUMS'), name: 'hello-1.0.tar.gz', line: 1, sha256: sha });
    expect(r.notes).toContainEqual({ code: 'SHA256_VERIFIED', sha256: sha });
    expect(renderText(r)).toContain(`  checksums hello-1.0.tar.gz listed in ${join(dir, 'SHA256SUMS')} (line 1)`);
    expect((await run({ checksums: join(dir, 'BSD.sums') })).inputs.checksums?.sha256).toBe(sha);
    const u = await run({ tarball: `${server.base}/files/hello-1.0.tar.gz`, checksums: `${server.base}/files/SHA256SUMS` });
    expect(u.inputs.checksums?.sha256).toBe(sha);
  });

  it('missing entry, mismatch, and disagreement with --sha256 stop with exit-2 errors', async () => {
    const other = join(dir, 'OTHER.sums');
    writeFileSync(other, `${sha}  hello-1.1.tar.gz\n`);
    await expect(run({ checksums: other })).rejects.toMatchObject({ kind: 'checksum', input: other, message: 'no sha256 entry for hello-1.0.tar.gz' });
    const wrong = join(dir, 'WRONG.sums');
    writeFileSync(wrong, `${'0'.repeat(64)}  hello-1.0.tar.gz\n`);
    await expect(run({ checksums: wrong })).rejects.toMatchObject({
      kind: 'checksum',
      input: tarball,
      message: `sha256 is ${sha}, expected ${'0'.repeat(64)} (${wrong} line 1)`,
    });
    await expect(run({ checksums: join(dir, 'SHA256SUMS'), sha256: 'f'.repeat(64) })).rejects.toMatchObject({ kind: 'checksum', input: join(dir, 'SHA256SUMS') });
    // Over HTTP the download itself is refused and nothing is kept.
    await expect(run({ tarball: `${server.base}/files/hello-1.0.tar.gz`, checksums: wrong })).rejects.toMatchObject({ kind: 'checksum' });
  });
});

describe('CLI', () => {
  const cli = resolve(__dirname, '../../dist/cli.js');
  const cliRun = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });

  it('exit 0 with a valid signature, exit 2 with one line for a bad one', () => {
    // Never a silent skip: `npm test` builds dist/ first; running this file alone needs `npm run build`.
    expect(existsSync(cli), `${cli} is missing: run \`npm run build\` first (npm test does)`).toBe(true);
    const ok = cliRun([tarball, '--repo', repoDir, '--tag', 'v1.0', '--cache-dir', cache, '--signature', `${tarball}.sig`, '--keyring', keyring, '--verify-tag', '--format', 'json']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.inputs.signature.status).toBe('valid');
    expect(j.inputs.tagSignature.status).toBe('valid');
    const bad = cliRun([tarball, '--repo', repoDir, '--tag', 'v1.0', '--cache-dir', cache, '--signature', join(dir, 'mallory.sig'), '--keyring', keyring]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      `distdiff: ${join(dir, 'mallory.sig')}: signed by key id ${mallory.slice(-16)} that is not in the keyring; add the signer key to --keyring only if you trust it\n`,
    );
  });
});
