#!/usr/bin/env node
// Makes a fresh clone ready for `npm start` / `npm test`, with nothing installed by hand:
// - dependencies: `npm ci` when node_modules is missing or older than package-lock.json (npm ci's `prepare`
//   step then compiles the CLI and the local runner, scripts/build.mjs);
// - Java 17 for DynamoDB Local (both commands) and Debian's chromium for the browser tests (`test`): found, or
//   installed with apt-get when running as root, or else a one-line message saying what to install.
// Plain Node, no dependencies: it runs before node_modules exists.
//
//   node scripts/ensure-env.mjs start|test
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const purpose = process.argv[2];
if (purpose !== 'start' && purpose !== 'test') {
  process.stderr.write('usage: node scripts/ensure-env.mjs start|test\n');
  process.exit(2);
}

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
const works = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error && r.status === 0;
};
const fail = (msg) => {
  process.stderr.write(`${msg}\n`);
  process.exit(1);
};

// 1. Dependencies. npm keeps its view of node_modules in node_modules/.package-lock.json, written by every install.
const lock = path.join(root, 'package-lock.json');
const installed = path.join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  process.stdout.write(`${existsSync(installed) ? 'package-lock.json changed' : 'first run'}: installing dependencies (npm ci) ...\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = run(npm, ['ci', '--no-audit', '--no-fund']);
  if (r.status !== 0) fail('npm ci failed (see above); fix it and run the command again');
}

// 2. System packages: Java for DynamoDB Local; chromium for the browser tests.
const chromium = process.env.SATMON_CHROMIUM ?? '/usr/bin/chromium';
const missing = [];
if (!works(process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java', ['-version'])) {
  missing.push({ pkg: 'openjdk-17-jre-headless', what: 'Java 17 (DynamoDB Local)' });
}
if (purpose === 'test' && !existsSync(chromium)) missing.push({ pkg: 'chromium', what: `chromium at ${chromium} (browser tests)` });
if (missing.length > 0) {
  const pkgs = missing.map((m) => m.pkg);
  const what = missing.map((m) => m.what).join(' and ');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!asRoot || !works('apt-get', ['--version'])) {
    fail(`npm ${purpose} needs ${what}: install them with \`sudo apt-get install -y ${pkgs.join(' ')}\` (Debian/Ubuntu), then run it again`);
  }
  process.stdout.write(`installing ${what} with apt-get ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = run('apt-get', ['update', '-qq'], { env });
  const install = update.status === 0 ? run('apt-get', ['install', '-y', '-qq', ...pkgs], { env, stdio: ['ignore', 'ignore', 'inherit'] }) : update;
  if (install.status !== 0) fail(`apt-get could not install ${pkgs.join(' ')} (see above)`);
}
