/**
 * The ztp probe agent: the one program every probe workload runs, in a kind pod or in a local
 * network namespace. It only uses Node's standard library, so the image is `node` plus this file.
 *
 *   node agent.ts serve --tcp 8080,9090 --udp 53 [--name NAME] [--dns PORT --dns-answer IP]
 *                       [--l7 PORT=METHOD:PATH ...] [--control SOCKET]
 *       Serves HTTP on every TCP port (any method, any path: 200 and a small JSON body), echoes
 *       UDP datagrams, and (with --dns) answers every DNS A query with --dns-answer. `--l7`
 *       emulates an L7 enforcer on a port (local tests only: a request no rule admits gets 403
 *       "Access denied", as Cilium's proxy answers). With --control, it also listens on a Unix
 *       socket for probes to make from where it runs (its network namespace): each connection
 *       sends one JSON array of `probe` arguments and gets the result line back, as `probe`
 *       prints it, without starting a process per probe (local runs only: a file-system socket
 *       reaches into a network namespace). Prints one `{"ready":true,...}` line once every
 *       socket is bound; exits 0 on SIGTERM or SIGINT.
 *
 *   node agent.ts probe tcp|http|udp --host HOST --port PORT [--method M --path P] [--timeout-ms N]
 *   node agent.ts probe dns --name NAME [--server IP] [--port 53] [--timeout-ms N]
 *       Makes one attempt and prints one JSON line with what happened (`AgentResult`): whether
 *       it got through, and if not, in which phase and with which error code or HTTP status. It
 *       does not judge; the runner classifies (`classify` in ../outcome.ts). Exit 0 when a result
 *       was printed, 2 on a usage error.
 *
 *   node agent.ts check --tcp 8080 --udp 53
 *       Exit 0 when every TCP port accepts on loopback (a readiness probe).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, isIPv6 } from 'node:net';

/** What one probe attempt printed (one JSON line). */
export interface AgentResult {
  readonly probe: 'tcp' | 'http' | 'udp' | 'dns';
  /** The connection was made (tcp), a response came (http: any status; udp: the echo), the name resolved (dns). */
  readonly ok: boolean;
  /** Where it stopped when not ok: connecting, waiting for the response, resolving a name. */
  readonly phase?: 'connect' | 'response' | 'resolve';
  /** The error code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`, c-ares `ETIMEOUT`...). */
  readonly code?: string;
  /** HTTP status, for http probes that got a response. */
  readonly status?: number;
  /** The first bytes of the HTTP body or the UDP echo. */
  readonly body?: string;
  /** Addresses a dns probe resolved. */
  readonly addresses?: readonly string[];
  readonly ms: number;
}

type Flags = Map<string, string[]>;

function parseFlags(args: readonly string[]): { positionals: string[]; flags: Flags } {
  const flags: Flags = new Map();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const [key, value] = eq > 0 ? [a.slice(2, eq), a.slice(eq + 1)] : [a.slice(2), args[++i] ?? ''];
      flags.set(key, [...(flags.get(key) ?? []), value]);
    } else positionals.push(a);
  }
  return { positionals, flags };
}

const one = (f: Flags, k: string): string | undefined => f.get(k)?.at(-1);
const ports = (f: Flags, k: string): number[] =>
  (f.get(k) ?? [])
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '')
    .map(Number);

class UsageError extends Error {}

function int(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, not ${value}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// serve

interface L7Rule {
  readonly method: string;
  readonly path: string;
}

function l7Admits(rules: readonly L7Rule[], method: string, path: string): boolean {
  return rules.some((r) => (r.method === '*' || r.method === method) && (r.path.endsWith('/*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path));
}

/** A DNS answer to `query`: every A question answered with `answer`, anything else NOTIMP. */
export function dnsResponse(query: Buffer, answer: string | undefined): Buffer | undefined {
  if (query.length < 12) return undefined;
  const qdcount = query.readUInt16BE(4);
  if (qdcount !== 1) return undefined;
  let off = 12;
  while (off < query.length && query[off] !== 0) off += (query[off] ?? 0) + 1;
  const questionEnd = off + 5;
  if (questionEnd > query.length) return undefined;
  const qtype = query.readUInt16BE(off + 1);
  const header = Buffer.from(query.subarray(0, 12));
  const question = query.subarray(12, questionEnd);
  const octets = answer?.split('.').map(Number);
  const canAnswer = qtype === 1 && octets?.length === 4 && octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255);
  header.writeUInt16BE(0x8000 | 0x0400 | (query.readUInt16BE(2) & 0x0100) | (canAnswer ? 0 : answer === undefined ? 5 : 0), 2); // QR, AA, RD copied; REFUSED without an answer
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(canAnswer ? 1 : 0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  if (!canAnswer) return Buffer.concat([header, question]);
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
  rr.writeUInt16BE(1, 2); // A
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(5, 6); // TTL
  rr.writeUInt16BE(4, 10);
  octets!.forEach((o, i) => rr.writeUInt8(o, 12 + i));
  return Buffer.concat([header, question, rr]);
}

async function serve(flags: Flags): Promise<void> {
  const name = one(flags, 'name') ?? 'probe';
  const tcp = ports(flags, 'tcp');
  const dnsPorts = ports(flags, 'dns');
  const udp = ports(flags, 'udp').filter((p) => !dnsPorts.includes(p));
  const dnsAnswer = one(flags, 'dns-answer');
  const host = one(flags, 'bind') ?? '0.0.0.0';
  const l7 = new Map<number, L7Rule[]>();
  for (const spec of flags.get('l7') ?? []) {
    const m = /^(\d+)=([A-Z*]+):(\/.*)$/.exec(spec);
    if (m === null) throw new UsageError(`--l7 must be PORT=METHOD:PATH, not ${spec}`);
    const port = Number(m[1]);
    l7.set(port, [...(l7.get(port) ?? []), { method: m[2] ?? '*', path: m[3] ?? '/' }]);
  }
  const closers: (() => void)[] = [];
  for (const port of tcp) {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const rules = l7.get(port);
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      req.resume();
      if (rules !== undefined && !l7Admits(rules, method, path)) {
        res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' });
        res.end('Access denied\r\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ agent: 'ztp-probe', name, port, method, path }));
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, ipv6Only: false }, () => resolve());
    });
    closers.push(() => server.close());
  }
  const bindUdp = async (port: number, onMessage: (socket: UdpSocket, msg: Buffer, rinfo: { address: string; port: number }) => void) => {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only: false });
    socket.on('message', (msg, rinfo) => onMessage(socket, msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => resolve());
    });
    closers.push(() => socket.close());
  };
  for (const port of udp) await bindUdp(port, (s, msg, r) => s.send(Buffer.concat([Buffer.from(`ztp-probe ${name} ${port} `), msg.subarray(0, 64)]), r.port, r.address));
  for (const port of dnsPorts)
    await bindUdp(port, (s, msg, r) => {
      const reply = dnsResponse(msg, dnsAnswer);
      if (reply !== undefined) s.send(reply, r.port, r.address);
    });
  const control = one(flags, 'control');
  if (control !== undefined) {
    const server = createNetServer((conn) => {
      let input = '';
      conn.setEncoding('utf8');
      conn.on('data', (chunk: string) => {
        input += chunk;
        const end = input.indexOf('\n');
        if (end < 0) return;
        void (async () => {
          let line: string;
          try {
            const args = JSON.parse(input.slice(0, end)) as string[];
            const parsed = parseFlags(args);
            line = JSON.stringify(await probe(parsed.positionals[0], parsed.flags));
          } catch (e) {
            line = JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
          }
          conn.end(`${line}\n`);
        })();
      });
      conn.on('error', () => conn.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(control, () => resolve());
    });
    closers.push(() => server.close());
  }
  const stop = () => {
    for (const close of closers) close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ready: true, name, tcp, udp, dns: dnsPorts, pid: process.pid })}\n`);
}

// ---------------------------------------------------------------------------------------------
// probe

function errCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

function probeTcp(host: string, port: number, timeoutMs: number, started: number): Promise<AgentResult> {
  return new Promise((resolve) => {
    let connected = false;
    const done = (r: Omit<AgentResult, 'ms' | 'probe'>) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ probe: 'tcp', ...r, ms: Date.now() - started });
    };
    const socket = connect({ host, port });
    const timer = setTimeout(() => (connected ? done({ ok: true }) : done({ ok: false, phase: 'connect', code: 'ETIMEDOUT' })), timeoutMs);
    socket.on('connect', () => {
      connected = true;
      // A short grace: a proxy that accepts and then resets (mesh authorization) shows here.
      setTimeout(() => done({ ok: true }), Math.min(200, Math.max(0, timeoutMs - (Date.now() - started))));
    });
    socket.on('error', (e) => done({ ok: false, phase: connected ? 'response' : 'connect', code: errCode(e) }));
  });
}

function probeHttp(host: string, port: number, method: string, path: string, timeoutMs: number, started: number): Promise<AgentResult> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const done = (r: Omit<AgentResult, 'ms' | 'probe'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ probe: 'http', ...r, ms: Date.now() - started });
    };
    const req = request({ host, port, method, path, agent: false, headers: { connection: 'close', 'user-agent': 'ztp-probe' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 200) chunks.push(c);
        size += c.length;
      });
      const finish = () => done({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 200) });
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('socket', (s) => s.on('connect', () => (connected = true)));
    req.on('error', (e) => done({ ok: false, phase: connected ? 'response' : 'connect', code: errCode(e) }));
    const timer = setTimeout(() => done({ ok: false, phase: connected ? 'response' : 'connect', code: 'ETIMEDOUT' }), timeoutMs);
    req.end();
  });
}

function probeUdp(host: string, port: number, timeoutMs: number, started: number): Promise<AgentResult> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    let settled = false;
    const done = (r: Omit<AgentResult, 'ms' | 'probe'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(resend);
      socket.close();
      resolve({ probe: 'udp', ...r, ms: Date.now() - started });
    };
    const timer = setTimeout(() => done({ ok: false, phase: 'response', code: 'ETIMEDOUT' }), timeoutMs);
    const payload = Buffer.from('ztp-probe');
    // Datagrams may be lost: send again every 300ms until the echo or the timeout.
    const resend = setInterval(() => socket.send(payload), 300);
    socket.on('message', (msg) => done({ ok: true, body: msg.toString('utf8').slice(0, 200) }));
    socket.on('error', (e) => done({ ok: false, phase: 'response', code: errCode(e) }));
    socket.connect(port, host, () => socket.send(payload));
  });
}

async function probeDns(name: string, server: string | undefined, port: number, timeoutMs: number, started: number): Promise<AgentResult> {
  const resolver = new Resolver({ timeout: Math.max(100, Math.floor(timeoutMs / 2)), tries: 2 });
  if (server !== undefined) resolver.setServers([isIPv6(server) ? `[${server}]:${port}` : `${server}:${port}`]);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AgentResult>((resolve) => {
    timer = setTimeout(() => {
      resolver.cancel();
      resolve({ probe: 'dns', ok: false, phase: 'resolve', code: 'ETIMEOUT', ms: Date.now() - started });
    }, timeoutMs);
  });
  const attempt = resolver.resolve4(name).then(
    (addresses): AgentResult => ({ probe: 'dns', ok: true, addresses, ms: Date.now() - started }),
    (e: unknown): AgentResult => ({ probe: 'dns', ok: false, phase: 'resolve', code: errCode(e), ms: Date.now() - started }),
  );
  const result = await Promise.race([attempt, deadline]);
  clearTimeout(timer);
  return result;
}

async function probe(kind: string | undefined, flags: Flags): Promise<AgentResult> {
  const started = Date.now();
  if (kind !== 'tcp' && kind !== 'udp' && kind !== 'http' && kind !== 'dns') throw new UsageError(`probe kind must be tcp, http, udp or dns, not ${kind ?? '(none)'}`);
  const timeoutMs = int(one(flags, 'timeout-ms'), 'timeout-ms', 2000);
  if (kind === 'dns') return probeDns(one(flags, 'name') ?? '', one(flags, 'server'), int(one(flags, 'port'), 'port', 53), timeoutMs, started);
  const host = one(flags, 'host');
  if (host === undefined) throw new UsageError('--host is required');
  const port = int(one(flags, 'port'), 'port');
  if (kind === 'tcp') return probeTcp(host, port, timeoutMs, started);
  if (kind === 'udp') return probeUdp(host, port, timeoutMs, started);
  return probeHttp(host, port, one(flags, 'method') ?? 'GET', one(flags, 'path') ?? '/', timeoutMs, started);
}

async function check(flags: Flags): Promise<boolean> {
  const results = await Promise.all(ports(flags, 'tcp').map((p) => probeTcp('127.0.0.1', p, 1000, Date.now())));
  return results.every((r) => r.ok);
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { positionals, flags } = parseFlags(rest);
  try {
    if (command === 'serve') {
      await serve(flags);
      return -1; // keeps running
    }
    if (command === 'probe') {
      process.stdout.write(`${JSON.stringify(await probe(positionals[0], flags))}\n`);
      return 0;
    }
    if (command === 'check') return (await check(flags)) ? 0 : 1;
    throw new UsageError('usage: agent.ts serve|probe|check ... (see the comment at the top of agent.ts)');
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
}
