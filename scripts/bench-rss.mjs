#!/usr/bin/env node
// Run a command and sample /proc every 50 ms for the peak resident memory summed over the command and
// all its descendants (node + its xz/gzip/git children). Prints "<wall seconds> <peak KB>" on stdout.
// The command's own stdout is discarded, its stderr passed through. Exit code: the command's.
//   node scripts/bench-rss.mjs CMD [ARGS...]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const [cmd, ...rest] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: bench-rss.mjs CMD [ARGS...]\n');
  process.exit(2);
}
const PAGE_KB = 4; // x86-64/arm64 Debian default page size

function children(pid) {
  const out = [];
  let tasks;
  try {
    tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return out;
  }
  for (const c of tasks.split(' ')) if (c.trim()) out.push(Number(c));
  return out;
}
function rssKb(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}
function treeKb(root) {
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    sum += rssKb(p);
    stack.push(...children(p));
  }
  return sum;
}

const t0 = process.hrtime.bigint();
const child = spawn(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'] });
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, treeKb(child.pid));
}, 50);
child.on('exit', (code, signal) => {
  clearInterval(timer);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${wall.toFixed(2)} ${peak}\n`);
  process.exit(code ?? (signal ? 128 : 1));
});
