/**
 * Real OpenPGP keys and signatures made by the gpg CLI in a throw-away GNUPGHOME (no passphrase),
 * for signature tests. The agent started for the home is killed after the test file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { gitEnv } from './git.js';

export interface GpgHome {
  home: string;
  run(args: string[], input?: string): Buffer;
  /** Generates a signing key; returns its fingerprint. `fakedTime` = gpg --faked-system-time (YYYYMMDDThhmmss). */
  genKey(uid: string, algo?: string, expire?: string, fakedTime?: string): string;
  /** Writes `gpg --export` of the given fingerprints (binary, or armored) to `file`. */
  exportKeys(file: string, fprs: string[], armor?: boolean): string;
  /** Detached signature of `file` by `fpr`, written to `out`. */
  sign(file: string, fpr: string, out: string, opts?: { armor?: boolean; digest?: string; fakedTime?: string }): string;
}

export function makeGpgHome(dir: string): GpgHome {
  const home = join(dir, 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const run = (args: string[], input?: string) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GNUPGHOME: home },
    });
  afterAll(() => {
    try {
      execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
    } catch {
      // no agent running
    }
  });
  return {
    home,
    run,
    genKey(uid, algo = 'ed25519', expire = '0', fakedTime) {
      run([...(fakedTime ? ['--faked-system-time', fakedTime] : []), '--quick-gen-key', uid, algo, 'sign', expire]);
      const out = run(['--with-colons', '--list-keys', uid]).toString();
      const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(out);
      if (!fpr) throw new Error(`no fingerprint for ${uid}`);
      return fpr[1]!;
    },
    exportKeys(file, fprs, armor = false) {
      writeFileSync(file, run([...(armor ? ['--armor'] : []), '--export', ...fprs]));
      return file;
    },
    sign(file, fpr, out, opts = {}) {
      run([
        ...(opts.fakedTime ? ['--faked-system-time', opts.fakedTime] : []),
        '--yes',
        '--local-user',
        fpr,
        ...(opts.digest ? ['--digest-algo', opts.digest] : []),
        ...(opts.armor ? ['--armor'] : []),
        '--output',
        out,
        '--detach-sign',
        file,
      ]);
      return out;
    },
  };
}

/** `git tag -s` in `repoDir` with the key `fpr` of `gpg`. */
export function signedTag(repoDir: string, gpg: GpgHome, fpr: string, name: string, message = `release ${name}`, target = 'HEAD'): void {
  execFileSync('git', ['-c', `gpg.program=gpg`, '-c', `user.signingkey=${fpr}`, 'tag', '-s', '-m', message, name, target], {
    cwd: repoDir,
    env: { ...gitEnv(), GNUPGHOME: gpg.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
