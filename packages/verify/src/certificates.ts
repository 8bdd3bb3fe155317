/**
 * The SPIFFE certificates a bundle asks cert-manager for (without a mesh), proven against the
 * declared workloads: a certificate is an identity, and cert-manager's default approver signs
 * whatever a Certificate asks for. Each workload gets exactly one, for its own SPIFFE ID only
 * (`spiffe://<trust domain>/ns/<namespace>/sa/<service account>`), written to its own Secret, not
 * a CA, with no other name (DNS, IP, email, URI, common name) and only the usages of a TLS leaf.
 * Pure.
 */
import { svidSecretName } from '@ztp/model';
import type { BundleManifest } from './bundle-manifest.ts';

/** One finding, or a confirmation, about a Certificate (`ok` false for a finding). */
export interface CertificateCheck {
  readonly id: string;
  readonly ok: boolean;
  readonly problem?: string;
}

/** The usages a workload's leaf certificate may have (`key encipherment` is for RSA keys). */
const LEAF_USAGES = new Set(['digital signature', 'key encipherment', 'server auth', 'client auth']);
/** Fields that would put another name into the certificate, or make it something else. */
const OTHER_NAMES = ['dnsNames', 'ipAddresses', 'emailAddresses', 'commonName', 'otherNames', 'literalSubject', 'subject'];

type Obj = Record<string, unknown>;

function isCertificate(o: Obj): boolean {
  return o.kind === 'Certificate' && String(o.apiVersion).startsWith('cert-manager.io/');
}

/** The Certificate checks of a bundle: one per Certificate, and one per workload that has none while others do. */
export function certificateChecks(m: BundleManifest, objects: readonly Obj[]): CertificateCheck[] {
  const certs = objects.filter(isCertificate);
  if (certs.length === 0) return [];
  const out: CertificateCheck[] = [];
  const issued = new Map<string, number>();
  for (const c of certs) {
    const meta = (c.metadata ?? {}) as { name?: string; namespace?: string };
    const spec = (c.spec ?? {}) as Obj;
    const id = `[identity] Certificate ${meta.namespace ?? 'default'}/${meta.name ?? ''}`;
    const problems: string[] = [];
    const w = m.workloads.find((x) => x.namespace === meta.namespace && spec.secretName === svidSecretName(x));
    if (w === undefined) {
      problems.push(`its Secret ${String(spec.secretName)} is no declared workload's certificate Secret`);
    } else {
      issued.set(w.id, (issued.get(w.id) ?? 0) + 1);
      const own = `spiffe://${m.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
      const uris = Array.isArray(spec.uris) ? spec.uris : [];
      if (uris.length !== 1 || uris[0] !== own) problems.push(`uris ${JSON.stringify(uris)} must be exactly [${own}], ${w.id}'s own SPIFFE ID`);
    }
    for (const f of OTHER_NAMES) if (spec[f] !== undefined) problems.push(`${f} adds a name (or subject) besides the SPIFFE ID`);
    if (spec.isCA === true) problems.push('isCA makes it a CA that could sign any identity');
    const usages = Array.isArray(spec.usages) ? spec.usages.map(String) : [];
    for (const u of usages) if (!LEAF_USAGES.has(u)) problems.push(`usage "${u}" is not one of a TLS leaf's (${[...LEAF_USAGES].join(', ')})`);
    out.push(problems.length === 0 ? { id: `${id}: ${w!.id}'s own SPIFFE ID only`, ok: true } : { id, ok: false, problem: problems.join('; ') });
  }
  for (const w of m.workloads) {
    const n = issued.get(w.id) ?? 0;
    if (n !== 1) out.push({ id: `[identity] ${w.id}`, ok: false, problem: n === 0 ? 'no Certificate issues its SPIFFE certificate, while others are issued' : `${n} Certificates write its certificate Secret` });
  }
  return out;
}
