// Finding Java and the DynamoDB Local jar shipped in node_modules/amplify-dynamodb-simulator, and the small launcher
// that makes DynamoDB Local listen on 127.0.0.1 only.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadGroup, type EnvMap } from '../../shared/config';
import { packageRoot } from './package-root';

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

/** Main class of LOOPBACK_LAUNCHER_SOURCE. */
export const LOOPBACK_LAUNCHER_CLASS = 'SatmonDynamoDbLocal';

/**
 * DynamoDB Local (1.25.1 here) has no option for its listening address: its -help lists -port but no host, and
 * its DynamoDBProxyServer builds Jetty's `new Server(port)`, whose connector listens on every interface. This
 * launcher builds the same server from the same command line (ServerRunner.createServerFromCommandLineArgs, the
 * entry AWS documents for embedding DynamoDB Local), sets the address on that connector before it starts, and
 * exits with an error instead of starting if it cannot (another DynamoDB Local version, another connector).
 */
export const LOOPBACK_LAUNCHER_SOURCE = `import java.lang.reflect.Field;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public final class ${LOOPBACK_LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("satmon.bindAddress", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's Jetty server has no connector");
    for (Connector c : connectors) {
      if (!(c instanceof ServerConnector)) throw new IllegalStateException("unexpected Jetty connector " + c);
      ((ServerConnector) c).setHost(host);
    }
    proxy.start();
    for (Connector c : connectors) {
      ServerConnector sc = (ServerConnector) c;
      System.out.println("satmon-listening " + sc.getHost() + ":" + sc.getLocalPort());
    }
  }
}
`;

const run = promisify(execFile);

/** Compile directories a killed process left behind (older than ten minutes). */
function removeStaleWork(base: string): void {
  for (const name of readdirSync(base)) {
    if (!name.includes('.tmp-')) continue;
    const p = path.join(base, name);
    if (Date.now() - (statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(p, { recursive: true, force: true });
  }
}

/**
 * The directory holding the compiled launcher: compiled once per launcher source into
 * node_modules/.cache/satmon/ (a private temporary directory if that is not writable), by the compiler module of
 * the same Java (`java -m jdk.compiler/...`; Debian's openjdk-17-jre-headless ships it, no JDK needed), for Java 11+.
 * Processes starting at once compile side by side and the first rename wins.
 */
export async function loopbackLauncherDir(
  java: string,
  dynamodbLocalDir: string,
  cacheRoot = path.join(packageRoot(import.meta.dirname), 'node_modules', '.cache', 'satmon', 'dynamodb-local-launcher'),
): Promise<string> {
  const hash = createHash('sha256').update(LOOPBACK_LAUNCHER_SOURCE).digest('hex').slice(0, 16);
  let base = cacheRoot;
  const final = path.join(base, hash);
  if (existsSync(path.join(final, `${LOOPBACK_LAUNCHER_CLASS}.class`))) return final;
  let work: string;
  try {
    mkdirSync(base, { recursive: true });
    removeStaleWork(base);
    work = mkdtempSync(path.join(base, `${hash}.tmp-`));
  } catch {
    base = '';
    work = mkdtempSync(path.join(tmpdir(), 'satmon-dynamodb-launcher-'));
    const dir = work;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const src = path.join(work, `${LOOPBACK_LAUNCHER_CLASS}.java`);
  writeFileSync(src, LOOPBACK_LAUNCHER_SOURCE);
  const args = ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '11', '-nowarn', '-d', work, '-cp', path.join(dynamodbLocalDir, 'DynamoDBLocal.jar'), src];
  try {
    await run(java, args, { timeout: 120_000 });
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    const err = e as { stderr?: string; message: string };
    const detail = (err.stderr || err.message).trim().split('\n').slice(0, 8).join('\n');
    const missing = /jdk\.compiler|Module .* not found|FindException/.test(detail);
    throw new Error(
      `DynamoDB Local has no option to listen on 127.0.0.1 only, so it is started through a small launcher that sets the ` +
        `address; compiling it with ${java} failed${missing ? ' (this Java has no compiler module, jdk.compiler)' : ''}:\n${detail}\n` +
        'Use a JDK, or Debian\'s openjdk-17-jre-headless (it includes jdk.compiler); SATMON_JAVA or JAVA_HOME selects it.',
    );
  }
  if (!base) return work; // not cached: compiled for this process only
  try {
    renameSync(work, final);
  } catch {
    rmSync(work, { recursive: true, force: true }); // another process won; its launcher is the same source
  }
  return final;
}
