// The launcher that binds DynamoDB Local to 127.0.0.1: compiled once and cached, concurrent starts agree, and a
// Java without a compiler gets an error that says what to install. (test/integration/local-bind.test.ts checks
// where the started server really listens.)
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findDynamoDbLocalDir, findJava, LOOPBACK_LAUNCHER_CLASS, loopbackLauncherDir } from '../../../../infra/local/java';

const work = mkdtempSync(path.join(tmpdir(), 'satmon-java-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('loopbackLauncherDir', () => {
  it('compiles once per source into the cache; concurrent callers get the same directory', async () => {
    const java = findJava();
    const dir = findDynamoDbLocalDir();
    const cache = path.join(work, 'cache');
    const [a, b] = await Promise.all([loopbackLauncherDir(java, dir, cache), loopbackLauncherDir(java, dir, cache)]);
    expect(a).toBe(b);
    const cls = path.join(a, `${LOOPBACK_LAUNCHER_CLASS}.class`);
    expect(existsSync(cls)).toBe(true);
    const mtime = statSync(cls).mtimeMs;
    expect(await loopbackLauncherDir(java, dir, cache)).toBe(a);
    expect(statSync(cls).mtimeMs).toBe(mtime);
    // The loser's compile directory is gone: only the final one stays.
    expect(readdirSync(cache)).toEqual([path.basename(a)]);
  });

  it('says what to install when the Java has no compiler module', async () => {
    const fake = path.join(work, 'java-without-compiler');
    writeFileSync(fake, '#!/bin/sh\necho "Error occurred during initialization of boot layer" >&2\necho "java.lang.module.FindException: Module jdk.compiler not found" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const cache = path.join(work, 'cache-fake');
    await expect(loopbackLauncherDir(fake, findDynamoDbLocalDir(), cache)).rejects.toThrow(/no option to listen on 127\.0\.0\.1[\s\S]*no compiler module, jdk\.compiler[\s\S]*openjdk-17-jre-headless/);
    expect(readdirSync(cache)).toEqual([]); // nothing half-built left behind
  });
});
