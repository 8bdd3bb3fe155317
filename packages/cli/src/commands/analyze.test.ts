import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEnvironment, writeTreeAtomically } from '@ztp/compiler';
import { defineEnvironment, flow, workload } from '@ztp/model';
import type { Io } from '../io.ts';
import { runAnalyze } from './analyze.ts';

describe('ztp analyze on a bundle', () => {
  it("judges with the bundle's trust domain and mesh root, as the compiler wrote them", async () => {
    const api = workload({ namespace: 'shop', name: 'api', ports: { http: { port: 8080, appProtocol: 'http' } } });
    const web = workload({ namespace: 'shop', name: 'web' });
    const env = defineEnvironment({
      name: 'corp',
      trustDomain: 'corp.example',
      cni: 'cilium',
      mesh: { mode: 'istio-sidecar', mtls: 'STRICT', istiodNamespace: 'istio', istiodLabels: { app: 'istiod' } },
      dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 },
      enforcement: 'enforce',
      phase: 2,
      namespaces: ['shop'],
      workloads: [api, web],
      flows: [flow({ from: web, to: api, ports: ['http'] })],
    });
    const dir = mkdtempSync(join(tmpdir(), 'ztp-analyze-'));
    try {
      const files = new Map(compileEnvironment(env, '/repo').files);
      const judged = async (name: string) => {
        const bundle = join(dir, name);
        writeTreeAtomically(bundle, files);
        const out: string[] = [];
        const io: Io = { out: (t) => out.push(t), err: () => {}, cwd: dir };
        expect(await runAnalyze([bundle, '--src', 'shop/web', '--dst', 'shop/api', '--port', '8080'], io)).toBe(0);
        return out.join('\n');
      };
      // the AuthorizationPolicy names principals of corp.example: read as cluster.local, it would refuse
      expect(await judged('corp')).toMatch(/^shop\/web\[Deployment\] => shop\/api\[Deployment\] : TCP 8080: allowed$/m);
      // a DENY in istiod's namespace, the mesh root, applies to every workload
      files.set('mesh/deny.yaml', 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: deny, namespace: istio}\nspec: {action: DENY, rules: [{}]}\n');
      files.set('kustomization.yaml', `${files.get('kustomization.yaml') ?? ''}  - mesh/deny.yaml\n`);
      const denied = await judged('corp-denied');
      expect(denied).toMatch(/: TCP 8080: connection-reset$/m);
      expect(denied).toContain('AuthorizationPolicy istio/deny');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
