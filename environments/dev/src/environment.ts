import { defineEnvironment, flow, fromNamespace, workload } from '@ztp/model';
import { istioMesh } from '@ztp/policy-mesh';
import { kubeDns } from '@ztp/policy-network-baseline';

const frontend = workload({
  namespace: 'dev',
  name: 'frontend',
  ports: { http: { port: 8080, appProtocol: 'http' } },
});

const apiServer = workload({
  namespace: 'dev',
  name: 'api-server',
  // Metrics are scraped in plaintext, so mTLS is off on that port and Cilium enforces its HTTP rule.
  ports: { http: { port: 8080, appProtocol: 'http' }, metrics: { port: 9090, appProtocol: 'http', mtls: 'DISABLE' } },
});

const database = workload({
  namespace: 'dev',
  name: 'database',
  ports: { postgres: { port: 5432 } },
});

/** Dev: the mesh is being rolled out (phase 2, PERMISSIVE mTLS) and nothing is enforced at admission yet. */
export default defineEnvironment({
  name: 'dev',
  cni: 'cilium',
  mesh: istioMesh({ mode: 'istio-sidecar', mtls: 'PERMISSIVE' }),
  dns: kubeDns(),
  enforcement: 'audit',
  phase: 2,
  namespaces: ['dev'],
  workloads: [frontend, apiServer, database],
  flows: [
    flow({ from: fromNamespace('istio-ingress'), to: frontend, ports: ['http'] }),
    flow({ from: frontend, to: apiServer, ports: ['http'], http: [{ paths: ['/api/*', '/healthz'] }] }),
    flow({ from: fromNamespace('monitoring'), to: apiServer, ports: ['metrics'], http: [{ methods: ['GET'], paths: ['/metrics'] }], l7: 'cilium' }),
    flow({ from: apiServer, to: database, ports: ['postgres'] }),
  ],
});
