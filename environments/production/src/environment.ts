import { defineEnvironment, egress, flow, fromNamespace, runtime, secret, toCidr, workload } from '@ztp/model';
import { istioMesh, meshIntegrity } from '@ztp/policy-mesh';
import { requiredLabels } from '@ztp/policy-labels';
import { kubeDns } from '@ztp/policy-network-baseline';
import { podSecurity } from '@ztp/policy-pod-security';
import { allowedRegistries, imageDigests, imageTags, signedImages } from '@ztp/policy-supply-chain';
import { zeroTrustBrief } from '@ztp/policy-zero-trust-brief';

/** Private and link-local ranges: "outbound" means the Internet, never the cluster or the cloud metadata service. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];

/*
 * The images are examples: their digests are placeholders. A real environment pins the digests its
 * builds pushed (and signed), e.g. `crane digest registry.example.com/shop/frontend:1.8.2`.
 */
const image = (name: string, tag: string, placeholderDigit: string) => `registry.example.com/${name}:${tag}@sha256:${placeholderDigit.repeat(64)}`;

/**
 * EXAMPLE KEY, not a real release key: its private half was thrown away, so nothing is signed
 * with it. Replace it with the public half of your release signing key (`cosign public-key`).
 */
const EXAMPLE_RELEASE_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEj61g605yeumYnPmgVxEdE7yfirYM
9u9ChjI6HQw2Ml66v42W6VxNPfPjXbTaumWXWeeECFsVW/XIrzpmjmQDGg==
-----END PUBLIC KEY-----
`;

/** EXAMPLE keyless identity: the CI workflow that would sign the model images (replace with yours). */
const EXAMPLE_ML_RELEASE_WORKFLOW = {
  issuer: 'https://token.actions.githubusercontent.com',
  subject: 'https://github.com/example-org/model-server/.github/workflows/release.yaml@refs/heads/main',
};

const frontend = workload({
  namespace: 'production',
  name: 'frontend',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: [image('shop/frontend', '1.8.2', '1')],
});

const apiServer = workload({
  namespace: 'production',
  name: 'api-server',
  ports: { http: { port: 8080, appProtocol: 'http' } },
  images: [image('shop/api-server', '3.2.0', '2')],
  // leader election: its own Lease only (create cannot be limited by name)
  apiAccess: [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: ['api-server-leader'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  ],
});

const database = workload({
  namespace: 'production',
  name: 'database',
  ports: { postgres: { port: 5432 } },
  images: [image('shop/postgres', '16.4', '3')],
});

const modelServer = workload({
  namespace: 'ai-inference',
  name: 'model-server',
  ports: { grpc: { port: 9000, appProtocol: 'grpc' } },
  images: [image('ml/model-server', '2.1.0', '4')],
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
    // Only signed images, pinned by digest: shop images signed with the release key, model images
    // by the ML release workflow (keyless). Kyverno verifies the signatures; every form checks the
    // registries and the digests.
    imageDigests(),
    signedImages({
      trust: [
        { name: 'release', registries: ['registry.example.com/shop/'], keys: [EXAMPLE_RELEASE_KEY] },
        { name: 'ml-release', registries: ['registry.example.com/ml/'], keyless: [EXAMPLE_ML_RELEASE_WORKFLOW] },
      ],
    }),
    requiredLabels({ labels: [{ key: 'app.kubernetes.io/name' }], on: 'pod' }),
    // No pod may leave the mesh or take traffic past its sidecar (that would bypass mTLS and the
    // AuthorizationPolicies proven here).
    meshIntegrity(),
  ],
  // Kyverno's CEL ValidatingPolicy, and the native ValidatingAdmissionPolicy where a rule fits it.
  admissionForms: ['kyverno', 'native'],
});
