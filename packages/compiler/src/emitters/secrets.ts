import { parseDuration, formatDuration, secretStoreName, svidSecretName, type Secret, type VaultSettings } from '@ztp/model';
import { originOf, type IR, type IRWorkload } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { certificatesIssued } from './certificates.ts';
import { secretMountGuard } from './secret-mounts.ts';

/**
 * The Vault Kubernetes-auth role a workload logs in as, and the name of its Vault policy: one per
 * workload, bound to its service account. Environment, namespace and workload names are DNS
 * labels, so the dots make it unambiguous, and `ztp.<env>.` marks what `ztp vault apply` manages.
 */
export function vaultRoleName(env: string, w: IRWorkload): string {
  return `${vaultNamePrefix(env)}${w.namespace}.${w.name}`;
}

/** The prefix of every Vault policy and role name of environment `env`. */
export function vaultNamePrefix(env: string): string {
  return `ztp.${env}.`;
}

/** @default 'vault' */
export function vaultAudience(vault: VaultSettings): string {
  return vault.audience ?? 'vault';
}

/** @default 'kubernetes' */
export function kubernetesAuthMount(vault: VaultSettings): string {
  return vault.kubernetesAuthMount ?? 'kubernetes';
}

/** The HTTP method a VaultDynamicSecret uses for the first capability it can: read GET, update or create POST, list LIST. */
export function generatorMethod(s: Secret): 'GET' | 'POST' | 'LIST' {
  if (s.capabilities.includes('read')) return 'GET';
  if (s.capabilities.includes('update') || s.capabilities.includes('create')) return 'POST';
  return 'LIST';
}

/** A static secret's plain KV v2 path `<mount>/<key>`, split at the first `/`. */
export function splitKvPath(path: string): { mount: string; key: string } {
  const i = path.indexOf('/');
  return i < 0 ? { mount: path, key: '' } : { mount: path.slice(0, i), key: path.slice(i + 1) };
}

/** How often a dynamic credential is re-read: half its TTL, so it is renewed well before it ends. */
export function refreshInterval(ttl: string): string {
  const seconds = parseDuration(ttl);
  if (seconds === undefined) throw new Error(`internal: unvalidated ttl ${ttl}`);
  return formatDuration(Math.floor(seconds / 2));
}

const GENERATORS = 'generators.external-secrets.io/v1alpha1';

/**
 * External Secrets objects per declared secret. Static secrets: a SecretStore per (workload,
 * KV mount) that logs in to Vault as the workload's own service account, and an ExternalSecret
 * reading the plain KV v2 key. Dynamic secrets: a VaultDynamicSecret generator (same login) and an
 * ExternalSecret that reads it every half TTL. The login uses a token External Secrets requests
 * for the workload's service account with the Vault audience only. And one
 * ValidatingAdmissionPolicy so that no pod mounts a secret its service account did not declare.
 * Stores are per workload rather than per namespace: a namespace's store could only log in as one
 * service account, and every other workload there would read with its rights.
 */
export function emitSecrets(ir: IR): Emitted[] {
  if (!ir.layers.has('secrets')) return [];
  const env = ir.env.name;
  const vault = ir.env.vault;
  const out: Emitted[] = [];
  const byWorkload = new Map<IRWorkload, Secret[]>();
  const w = (s: Secret) => ir.workloads.find((x) => x.source === s.workload) as IRWorkload;
  for (const s of ir.env.secrets) byWorkload.set(w(s), [...(byWorkload.get(w(s)) ?? []), s]);

  if (vault !== undefined) {
    for (const [wl, secrets] of [...byWorkload].sort((a, b) => (a[0].id < b[0].id ? -1 : 1))) {
      const auth = { kubernetes: { mountPath: kubernetesAuthMount(vault), role: vaultRoleName(env, wl), serviceAccountRef: { name: wl.serviceAccount, audiences: [vaultAudience(vault)] } } };
      const object = (apiVersion: string, kind: string, name: string, spec: Record<string, unknown>, s: Secret) =>
        emitted('secrets', { apiVersion, kind, metadata: { name, namespace: wl.namespace, labels: ztpLabels(env) }, spec }, [wl.origin, originOf(s.at, ir.root)]);
      const externalSecret = (s: Secret, spec: Record<string, unknown>) =>
        object('external-secrets.io/v1', 'ExternalSecret', s.name, { refreshPolicy: 'Periodic', target: { name: s.name, creationPolicy: 'Owner', deletionPolicy: 'Delete' }, ...spec }, s);
      const stores = new Set<string>();
      for (const s of [...secrets].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (s.kind === 'dynamic') {
          const gen = `ztp-${s.name}`;
          out.push(object(GENERATORS, 'VaultDynamicSecret', gen, { path: s.path, method: generatorMethod(s), resultType: 'Data', provider: { server: vault.server, auth } }, s));
          out.push(externalSecret(s, { refreshInterval: refreshInterval(s.ttl ?? ''), dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATORS, kind: 'VaultDynamicSecret', name: gen } } }] }));
          continue;
        }
        const { mount, key } = splitKvPath(s.path);
        // one per (workload, mount); validation refuses two mounts that would share a name
        const store = secretStoreName(wl.name, mount);
        if (!stores.has(store)) {
          stores.add(store);
          out.push(object('external-secrets.io/v1', 'SecretStore', store, { provider: { vault: { server: vault.server, path: mount, version: 'v2', auth } } }, s));
        }
        const data = s.keys === undefined ? { dataFrom: [{ extract: { key } }] } : { data: [...s.keys].sort().map((k) => ({ secretKey: k, remoteRef: { key, property: k } })) };
        out.push(externalSecret(s, { refreshInterval: '1h', secretStoreRef: { name: store, kind: 'SecretStore' }, ...data }));
      }
    }
  }
  out.push(...secretMountPolicy(ir, byWorkload));
  return out;
}

/** The secret-mount policy of the secrets layer: a pod may reference only the secrets declared for its service account (and its SPIFFE certificate's). */
function secretMountPolicy(ir: IR, byWorkload: Map<IRWorkload, Secret[]>): Emitted[] {
  const certs = certificatesIssued(ir);
  const allowed = ir.workloads.flatMap((w) => [...(byWorkload.get(w) ?? []).map((s) => s.name), ...(certs ? [svidSecretName(w)] : [])].map((name) => `${w.namespace}/${w.serviceAccount}/${name}`));
  return secretMountGuard(ir, { name: `ztp-${ir.env.name}-secret-mounts`, layer: 'secrets', allowed, what: 'a secret', why: `that ztp environment ${ir.env.name} does not declare for that service account` });
}
