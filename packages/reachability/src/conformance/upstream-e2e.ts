/**
 * The upstream Kubernetes NetworkPolicy e2e cases (`netpol-upstream-e2e/cases.json`) as
 * manifests and truth tables: namespaces x, y, z; pods a, b, c labelled `pod=<name>` with
 * IP 10.244.<namespace index+1>.<pod index+10> and one named container port per probed
 * (port, protocol); each step's expectations start from all-allowed and apply
 * `[from, to, allowed]` in order.
 */
import { isProtocol } from '../ports.ts';
import type { Protocol } from '../ports.ts';

/** One `[from, to, allowed]` expectation; from/to are `*`, a namespace, or `ns/pod`. */
export type Expectation = readonly [from: string, to: string, allowed: boolean];

/** A step: the policies in force and the expectations per `PROTOCOL/PORT`. */
export interface E2eStep {
  readonly policies: readonly Record<string, unknown>[];
  readonly expect: Readonly<Record<string, readonly Expectation[]>>;
}

/** One case of the suite. */
export interface E2eCase {
  readonly id: string;
  readonly title: string;
  readonly ports: readonly number[];
  readonly protocols: readonly string[];
  readonly steps: readonly E2eStep[];
  readonly note?: string;
}

/** The file's shape. */
export interface E2eSuite {
  readonly model: { readonly namespaces: readonly string[]; readonly pods: readonly string[] };
  readonly cases: readonly E2eCase[];
}

/** The IP of pod `pod` in namespace `ns`. */
export function e2ePodIp(suite: E2eSuite, ns: string, pod: string): string {
  const n = suite.model.namespaces.indexOf(ns);
  const p = suite.model.pods.indexOf(pod);
  if (n < 0 || p < 0) throw new Error(`unknown pod ${ns}/${pod}`);
  return `10.244.${n + 1}.${p + 10}`;
}

/** Namespaces and pods of the model, with container ports for the case's probes. */
export function e2eManifests(suite: E2eSuite, testCase: E2eCase): Record<string, unknown>[] {
  const ports = testCase.protocols.flatMap((protocol) =>
    testCase.ports.map((port) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol })),
  );
  const objects: Record<string, unknown>[] = [];
  for (const ns of suite.model.namespaces) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
    for (const pod of suite.model.pods) {
      const ip = e2ePodIp(suite, ns, pod);
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: ns, labels: { pod } },
        spec: { containers: ports.map((p) => ({ name: `c-${p.name}`, image: 'agnhost', ports: [p] })) },
        status: { podIP: ip, podIPs: [{ ip }] },
      });
    }
  }
  return objects;
}

/** Replaces `${IP(ns/pod)}` placeholders in a policy. */
export function substituteIps(suite: E2eSuite, policy: Record<string, unknown>): Record<string, unknown> {
  const text = JSON.stringify(policy).replace(/\$\{IP\(([^/)]+)\/([^)]+)\)\}/g, (_m, ns: string, pod: string) =>
    e2ePodIp(suite, ns, pod),
  );
  return JSON.parse(text) as Record<string, unknown>;
}

function matches(pattern: string, ns: string, pod: string): boolean {
  return pattern === '*' || pattern === ns || pattern === `${ns}/${pod}`;
}

/** The expected truth table: `ns/pod->ns/pod` to allowed, every ordered pair of distinct pods. */
export function expectedTable(suite: E2eSuite, expectations: readonly Expectation[]): Map<string, boolean> {
  const all = suite.model.namespaces.flatMap((ns) => suite.model.pods.map((pod) => ({ ns, pod })));
  const table = new Map<string, boolean>();
  for (const s of all) {
    for (const d of all) {
      if (s === d) continue;
      let allowed = true;
      for (const [from, to, value] of expectations) {
        if (matches(from, s.ns, s.pod) && matches(to, d.ns, d.pod)) allowed = value;
      }
      table.set(`${s.ns}/${s.pod}->${d.ns}/${d.pod}`, allowed);
    }
  }
  return table;
}

/** Splits `TCP/80` into a protocol and a port. */
export function parseProbe(probe: string): { protocol: Protocol; port: number } {
  const [protocol, port] = probe.split('/');
  if (!isProtocol(protocol) || port === undefined || !/^[0-9]+$/.test(port)) throw new Error(`bad probe ${probe}`);
  return { protocol, port: Number(port) };
}
