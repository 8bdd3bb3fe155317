import { defineEnvironment, egress, flow, fromNamespace, runtime, secret, toCidr, workload } from '@ztp/model';
import { istioMesh } from '@ztp/policy-mesh';
import { requiredLabels } from '@ztp/policy-labels';
import { kubeDns } from '@ztp/policy-network-baseline';
import { podSecurity } from '@ztp/policy-pod-security';
import { allowedRegistries, imageTags } from '@ztp/policy-supply-chain';
import { zeroTrustBrief } from '@ztp/policy-zero-trust-brief';

/** Private and link-local ranges: "outbound" means the Internet, never the cluster or the cloud metadata service. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

const frontend = workload({
  namespace: 'production',
  name: 'frontend',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: ['registry.example.com/shop/frontend:1.8.2'],
});

const apiServer = workload({
  namespace: 'production',
  name: 'api-server',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: ['registry.example.com/shop/api-server:3.2.0'],
});

const database = workload({
  namespace: 'production',
  name: 'database',
  ports: { postgres: { port: 5432 } },
  images: ['registry.example.com/shop/postgres:16.4'],
});

const modelServer = workload({
  namespace: 'ai-inference',
  name: 'model-server',
  ports: { grpc: { port: 9000, appProtocol: 'grpc' } },
  images: ['registry.example.com/ml/model-server:2.1.0'],
});

export default defineEnvironment({
  name: 'production',
  cni: 'cilium',
  mesh: istioMesh({ mode: 'istio-sidecar', mtls: 'STRICT' }),
  dns: kubeDns(),
  enforcement: 'enforce',
  phase: 4,
  namespaces: ['production', 'ai-inference'],
  workloads: [frontend, apiServer, database, modelServer],
  flows: [
    flow({ from: fromNamespace('istio-ingress'), to: frontend, ports: ['http'], description: 'public traffic, through the Istio ingress gateway' }),
    flow({ from: frontend, to: apiServer, ports: ['http'], http: [{ methods: ['GET', 'POST'], paths: ['/api/*'] }] }),
    flow({ from: apiServer, to: database, ports: ['postgres'] }),
    flow({ from: apiServer, to: modelServer, ports: ['grpc'], http: [{ methods: ['POST'], paths: ['/inference.v1.Predictor/*'] }] }),
  ],
  egress: [
    egress({
      from: fromNamespace('ai-inference'),
      to: toCidr('0.0.0.0/0', PRIVATE),
      ports: [443, 8080],
      description: 'model downloads and the inference provider; nothing else leaves ai-inference',
    }),
  ],
  secrets: [
    // Vault's database engine creates a PostgreSQL user per credential (a member of shop_app, which
    // holds the grants) and ends its sessions and drops it when the lease is revoked or expires.
    // The operator configures the connection database/config/production-postgres with this role allowed.
    secret({
      workload: apiServer,
      name: 'db-credentials',
      kind: 'dynamic',
      path: 'database/creds/api-server',
      ttl: '1h',
      database: {
        connection: 'production-postgres',
        creationStatements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE shop_app;`],
        revocationStatements: [`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`, `DROP ROLE IF EXISTS "{{name}}";`],
      },
    }),
    // A KV v2 entry, by its plain path (ztp grants secret/data/... in the policy).
    secret({ workload: frontend, name: 'session-key', kind: 'static', path: 'secret/production/frontend/session', keys: ['key'] }),
  ],
  vault: { server: 'https://vault.vault.svc:8200' },
  runtime: [runtime({ namespace: 'ai-inference', outboundPorts: [443, 8080] })],
  admission: [
    podSecurity('restricted'),
    zeroTrustBrief(),
    allowedRegistries({ registries: ['registry.example.com/'] }),
    imageTags(),
    requiredLabels({ labels: [{ key: 'app.kubernetes.io/name' }], on: 'pod' }),
  ],
  // Kyverno's CEL ValidatingPolicy, and the native ValidatingAdmissionPolicy where a rule fits it.
  admissionForms: ['kyverno', 'native'],
});
