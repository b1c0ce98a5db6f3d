// Finding Java and the DynamoDB Local jar shipped in node_modules/amplify-dynamodb-simulator.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadGroup, type EnvMap } from '../../shared/config';

export const JAVA_INSTALL_HINT =
  'Install Java 17 with `sudo apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu), or set JAVA_HOME to a JDK/JRE 11+.';

/**
 * The java executable to run: $SATMON_JAVA, $JAVA_HOME/bin/java, or `java` on PATH. Throws with an install hint.
 * `env` (default: this process's) is also the environment the candidates are tried in.
 */
export function findJava(env?: EnvMap): string {
  const { java, javaHome } = loadGroup('java', env);
  const candidates = [java, javaHome && path.join(javaHome, 'bin', 'java'), 'java'].filter((c): c is string => !!c);
  for (const bin of candidates) {
    const r = spawnSync(bin, ['-version'], { stdio: 'ignore', timeout: 15_000, ...(env ? { env: { ...env } } : {}) });
    if (!r.error && r.status === 0) return bin;
  }
  throw new Error(`DynamoDB Local needs Java, and none was found (tried ${candidates.join(', ')}). ${JAVA_INSTALL_HINT}`);
}

function findFile(dir: string, name: string, depth: number): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (entries.includes(name)) return path.join(dir, name);
  if (depth === 0) return undefined;
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = path.join(dir, e);
    if (statSync(p, { throwIfNoEntry: false })?.isDirectory()) {
      const hit = findFile(p, name, depth - 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Directory holding DynamoDBLocal.jar and DynamoDBLocal_lib/ ($SATMON_DYNAMODB_LOCAL_DIR overrides the search). */
export function findDynamoDbLocalDir(env?: EnvMap): string {
  const d = loadGroup('java', env).dynamodbLocalDir;
  if (d) {
    if (!existsSync(path.join(d, 'DynamoDBLocal.jar'))) throw new Error(`SATMON_DYNAMODB_LOCAL_DIR=${d} has no DynamoDBLocal.jar`);
    return d;
  }
  let pkgDir: string;
  try {
    pkgDir = path.dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json'));
  } catch {
    throw new Error('DynamoDB Local not found: the dev dependency amplify-dynamodb-simulator is not installed (run npm install).');
  }
  const jar = findFile(pkgDir, 'DynamoDBLocal.jar', 3);
  if (!jar) throw new Error(`DynamoDBLocal.jar not found under ${pkgDir}`);
  return path.dirname(jar);
}
