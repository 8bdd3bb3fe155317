/** The HTTP endpoint of the metrics: `GET /metrics` on a loopback address by default. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderMetrics, type MetricsState } from './metrics.ts';

/** Where the metrics are served. @default 127.0.0.1:9477 (loopback only: expose it on purpose, e.g. 0.0.0.0:9477) */
export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9477';

/** `host:port` (IPv6 as `[::1]:port`); port 0 picks a free one. A bad address throws. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`'${address}' is not host:port (e.g. ${DEFAULT_METRICS_ADDRESS})`);
  return { host: (m[1] ?? m[2])!, port };
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `state()` at `/metrics`. */
export async function serveMetrics(address: string, state: () => MetricsState): Promise<MetricsServer> {
  const { host, port } = parseAddress(address);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : renderMetrics(state()));
      return;
    }
    if (path === '/' || path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ztp compliance: metrics at /metrics\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shown}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
