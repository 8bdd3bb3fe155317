import { defineEnvironment, egress, flow, fromNamespace, secret, toFqdn, workload } from '@ztp/model';
import { noMesh } from '@ztp/policy-mesh';
import { kubeDns } from '@ztp/policy-network-baseline';
import { podSecurity } from '@ztp/policy-pod-security';
import { allowedRegistries, imageTags } from '@ztp/policy-supply-chain';
import { zeroTrustBrief } from '@ztp/policy-zero-trust-brief';

const frontend = workload({
  namespace: 'staging',
  name: 'frontend',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: ['registry.example.com/shop/frontend:1.9.0-rc.1'],
});

const apiServer = workload({
  namespace: 'staging',
  name: 'api-server',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: ['registry.example.com/shop/api-server:3.3.0-rc.2'],
});

const database = workload({
  namespace: 'staging',
  name: 'database',
  ports: { postgres: { port: 5432 } },
  images: ['registry.example.com/shop/postgres:16.4'],
});

/** Staging: the shop without the inference tier, no mesh (SPIFFE certificates instead), L7 rules by Cilium. */
export default defineEnvironment({
  name: 'staging',
  cni: 'cilium',
  mesh: noMesh(),
  certificates: { issuer: { kind: 'ClusterIssuer', name: 'spiffe-ca' }, duration: '1h', renewBefore: '30m' },
  dns: kubeDns(),
  enforcement: 'enforce',
  phase: 3,
  namespaces: ['staging'],
  workloads: [frontend, apiServer, database],
  flows: [
    flow({ from: fromNamespace('ingress-nginx'), to: frontend, ports: ['http'], description: 'public traffic, through the ingress controller' }),
    flow({ from: frontend, to: apiServer, ports: ['http'], http: [{ methods: ['GET', 'POST'], paths: ['/api/*'] }] }),
    flow({ from: apiServer, to: database, ports: ['postgres'] }),
  ],
  egress: [egress({ from: apiServer, to: toFqdn('payments.sandbox.example.com'), ports: [443], description: 'payment provider sandbox' })],
  secrets: [
    // Vault's database engine creates a PostgreSQL user per credential (a member of shop_app, which
    // holds the grants) and ends its sessions and drops it when the lease is revoked or expires.
    // The operator configures the connection database/config/staging-postgres with this role allowed.
    secret({
      workload: apiServer,
      name: 'db-credentials',
      kind: 'dynamic',
      path: 'database/creds/api-server',
      ttl: '30m',
      database: {
        connection: 'staging-postgres',
        creationStatements: [`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE shop_app;`],
        revocationStatements: [`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}';`, `DROP ROLE IF EXISTS "{{name}}";`],
      },
    }),
    // A KV v2 entry, by its plain path (ztp grants secret/data/... in the policy).
    secret({ workload: frontend, name: 'session-key', kind: 'static', path: 'secret/staging/frontend/session', keys: ['key'] }),
  ],
  vault: { server: 'https://vault.vault.svc:8200' },
  admission: [podSecurity('baseline'), zeroTrustBrief(), allowedRegistries({ registries: ['registry.example.com/'] }), imageTags()],
  // Staging's clusters run Gatekeeper.
  admissionForms: ['gatekeeper'],
});
