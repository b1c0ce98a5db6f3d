// The embedded stack listens on loopback only: DynamoDB Local (through its launcher: it has no address option of
// its own), s3rver and the dashboard server. Checked where the kernel says the sockets listen (/proc/net/tcp and
// tcp6, Linux), which socket belongs to which process, and by connecting from this machine's other addresses.
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../infra/local/api-server';
import { DYNAMODB_LOCAL_ADDRESS } from '../../infra/local/dynamodb-local';
import { startLocalStack, type LocalStack } from '../../infra/local/stack';

interface Listener { address: string; port: number; inode: string }

/** IPv4 in /proc/net/tcp: 8 hex digits, the address's bytes in host (little-endian) order. */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

/** IPv6 in /proc/net/tcp6: four 32-bit words, each in host order; rendered as 8 groups (no :: compression). */
function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) for (const i of [3, 2, 1, 0]) bytes.push(parseInt(hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2), 16));
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** Every TCP socket in LISTEN state (st 0A) in this network namespace. */
function listeners(): Listener[] {
  const out: Listener[] = [];
  for (const [file, decode] of [['/proc/net/tcp', ipv4], ['/proc/net/tcp6', ipv6]] as const) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const [addr, port] = f[1]!.split(':') as [string, string];
      out.push({ address: decode(addr), port: parseInt(port, 16), inode: f[9]! });
    }
  }
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', '0:0:0:0:0:0:0:1', '0:0:0:0:0:ffff:7f00:1']);

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** This machine's addresses other than loopback (and IPv6 link-local, which needs a scope). */
function otherAddresses(): string[] {
  return Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80'))).map((a) => a!.address);
}

function tryConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2_000 });
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('timeout', () => (s.destroy(), resolve('ETIMEDOUT')));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe.skipIf(process.platform !== 'linux')('the local stack listens on 127.0.0.1 only', () => {
  let stack: LocalStack;
  let api: ApiServer;
  let site: string;
  const port = (endpoint: string) => Number(new URL(endpoint).port);

  beforeAll(async () => {
    stack = await startLocalStack({ routeEvents: false });
    site = mkdtempSync(path.join(tmpdir(), 'satmon-bind-site-'));
    writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>app</title>');
    api = await startApiServer({ staticDir: site, handler: async () => ({ statusCode: 200, body: '{}' }) });
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  it('reads listening addresses correctly (a server on every interface is seen as such)', async () => {
    const wide: Server = createServer();
    await new Promise<void>((r) => wide.listen(0, '0.0.0.0', r));
    try {
      const p = (wide.address() as { port: number }).port;
      expect(listeners().filter((l) => l.port === p).map((l) => l.address)).toEqual(['0.0.0.0']);
    } finally {
      await new Promise((r) => wide.close(r));
    }
  });

  it('DynamoDB Local: one socket, on 127.0.0.1, held by its Java process', () => {
    const p = port(stack.endpoints.dynamodb);
    const mine = listeners().filter((l) => l.port === p);
    expect(mine.map((l) => l.address)).toEqual([DYNAMODB_LOCAL_ADDRESS]);
    expect(socketInodes(stack.dynamodbPid).has(mine[0]!.inode)).toBe(true);
  });

  it('s3rver and the dashboard server: loopback only, in this process', () => {
    const inodes = socketInodes(process.pid);
    for (const [name, p] of [['s3rver', port(stack.endpoints.s3)], ['dashboard', api.port]] as const) {
      const mine = listeners().filter((l) => l.port === p);
      expect(mine.length, name).toBeGreaterThan(0);
      for (const l of mine) {
        expect(LOOPBACK.has(l.address), `${name} on ${l.address}`).toBe(true);
        expect(inodes.has(l.inode), name).toBe(true);
      }
    }
  });

  it("refuses connections to this machine's other addresses, accepts them on 127.0.0.1", async () => {
    const ports = { dynamodb: port(stack.endpoints.dynamodb), s3: port(stack.endpoints.s3), dashboard: api.port };
    const others = otherAddresses();
    if (others.length === 0) console.log('[local-bind] no non-loopback address on this machine: only /proc checked');
    for (const [name, p] of Object.entries(ports)) {
      expect(await tryConnect('127.0.0.1', p), name).toBe('connected');
      for (const host of others) expect(await tryConnect(host, p), `${name} via ${host}`).not.toBe('connected');
    }
  });
});
