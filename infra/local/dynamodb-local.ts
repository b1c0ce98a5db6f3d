// DynamoDB Local (AWS's Java emulator) as a child process that cannot outlive this one, listening on 127.0.0.1 only.
//
// DynamoDB Local has no option for its listening address and by itself listens on every interface (with -sharedDb
// and no authentication: anyone on the network could read and write the tables). It is started through a small
// launcher (java.ts, LOOPBACK_LAUNCHER_SOURCE) that binds its Jetty connector to 127.0.0.1; start-up waits for the
// launcher to report the address, and fails if it reports another.
//
// Java is started by a tiny `sh` watchdog that holds the read end of a pipe from Node on fd 3. When Node exits for
// any reason (normal exit, crash, SIGKILL) the kernel closes the write end, `read` sees EOF and the watchdog kills
// Java. stop() closes the pipe on purpose, which takes the same path, and waits for both processes to exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { findDynamoDbLocalDir, findJava, LOOPBACK_LAUNCHER_CLASS, loopbackLauncherDir } from './java';
import { freePort } from './ports';

/** The only address DynamoDB Local listens on. */
export const DYNAMODB_LOCAL_ADDRESS = '127.0.0.1';

export interface DynamoDbLocalOptions {
  /** Port on which DynamoDB Local listens on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Persist tables in this directory (-dbPath); default in memory. */
  dbPath?: string;
  /** Extra JVM options; default favours start-up time (C1 only, serial GC): about 1.3 s instead of 2.5 s here. */
  jvmOptions?: string[];
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Where it listens, as the launcher reported it after binding: always DYNAMODB_LOCAL_ADDRESS. */
  address: string;
  /** Java's pid (for diagnostics and tests). */
  pid: number;
  stop(): Promise<void>;
}

export const DEFAULT_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

// fd 3 is the pipe from Node; Java gets neither it nor stdin.
const WATCHDOG = [
  '"$@" 3<&- </dev/null &',
  'c=$!',
  'echo "satmon-java-pid $c"',
  '( while read -r _ <&3; do :; done; kill $c 2>/dev/null ) &',
  'w=$!',
  'exec 3<&-',
  'wait $c',
  'rc=$?',
  'kill $w 2>/dev/null',
  'exit $rc',
].join('\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Whether a process exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = findJava();
  const dir = findDynamoDbLocalDir();
  const launcher = await loopbackLauncherDir(java, dir);
  const port = opts.port ?? (await freePort());
  const storage = opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory'];
  if (opts.dbPath) mkdirSync(opts.dbPath, { recursive: true });
  const javaArgs = [
    ...(opts.jvmOptions ?? DEFAULT_JVM_OPTIONS),
    // An IPv4 socket for 127.0.0.1 (Java would otherwise bind ::ffff:127.0.0.1 on an IPv6 socket: also loopback only).
    '-Djava.net.preferIPv4Stack=true',
    `-Dsatmon.bindAddress=${DYNAMODB_LOCAL_ADDRESS}`,
    `-Djava.library.path=${dir}/DynamoDBLocal_lib`,
    // The jar's manifest Class-Path still brings in DynamoDBLocal_lib/ (relative to the jar) and log4j2.xml.
    '-cp', [launcher, path.join(dir, 'DynamoDBLocal.jar')].join(path.delimiter),
    LOOPBACK_LAUNCHER_CLASS,
    ...storage, '-sharedDb', '-disableTelemetry', '-port', String(port),
  ];

  // stdio: 0 ignored, 1/2 piped for diagnostics, 3 = the lifeline pipe (Node writes nothing, only closes it).
  const child = spawn('sh', ['-c', WATCHDOG, 'satmon-dynamodb-local', java, ...javaArgs], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const lifeline = child.stdio[3] as NodeJS.WritableStream & { destroy(): void };
  const log: string[] = [];
  let javaPid = 0;
  let listening: string | undefined;
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      const m = /^satmon-java-pid (\d+)/.exec(line);
      const l = /^satmon-listening (\S+):(\d+)/.exec(line);
      if (m) javaPid = Number(m[1]);
      else if (l) listening = l[1];
      else if (line.trim()) log.push(line);
    }
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  // Belt and braces for a normal exit: kill Java synchronously (the lifeline also fires, a moment later).
  const onExit = () => {
    if (javaPid) {
      try {
        process.kill(javaPid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return exited(child);
    stopped = true;
    lifeline.destroy();
    const done = exited(child);
    // Unref'd: a pending timer would keep a finished CLI process alive for the whole 5 s.
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000).unref());
    if ((await Promise.race([done, timeout])) === 'timeout') {
      if (javaPid && pidAlive(javaPid)) process.kill(javaPid, 'SIGKILL');
      child.kill('SIGKILL');
      await done;
    }
    process.off('exit', onExit);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited during start-up (code ${child.exitCode ?? child.signalCode}):\n${log.join('\n')}`);
      }
      let answered = false;
      try {
        await probe.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(2_000) });
        answered = true;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within the start timeout: ${(e as Error).message}\n${log.join('\n')}`);
      }
      // Answering is not enough: the launcher must have reported the address it bound (it does right after start).
      if (answered && listening !== undefined) break;
      if (answered && Date.now() > deadline) throw new Error(`DynamoDB Local answered on ${endpoint} but its launcher did not report its address:\n${log.join('\n')}`);
      await sleep(answered ? 10 : 50);
    }
  } catch (e) {
    await stop();
    throw e;
  } finally {
    probe.destroy();
  }
  while (!javaPid) await sleep(5); // the pid line precedes Java's output
  if (listening !== DYNAMODB_LOCAL_ADDRESS) {
    await stop();
    throw new Error(`DynamoDB Local listens on ${listening}, not ${DYNAMODB_LOCAL_ADDRESS}; stopped`);
  }
  return { endpoint, port, address: listening, pid: javaPid, stop };
}
