/** The real `npm pack` (scripts never run) into `dest`, with its own npm cache; returns the tarball path. */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function npmPack(dir: string, dest: string, npmCache: string): string {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dest, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: npmCache, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  return join(dest, (JSON.parse(out) as { filename: string }[])[0]!.filename);
}
