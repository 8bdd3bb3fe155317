import { svidSecretName } from '@ztp/model';
import type { IR } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';
import { secretMountGuard } from './secret-mounts.ts';

/** Whether the bundle issues SPIFFE certificates: no mesh, certificates configured, and the mesh layer on. */
export function certificatesIssued(ir: IR): boolean {
  return ir.layers.has('mesh') && ir.env.mesh.mode === 'none' && ir.env.certificates !== undefined;
}

/**
 * Without a mesh, each workload still gets a verifiable identity: a short-lived cert-manager
 * Certificate whose only SAN is its SPIFFE ID, for mutual TLS between applications. Its Secret
 * holds the private key, so a guard comes with it from the first phase that issues it: a pod may
 * reference a workload's certificate Secret only through that workload's service account (the
 * secrets layer's policy, from phase 3, also refuses every undeclared secret).
 */
export function emitCertificates(ir: IR): Emitted[] {
  const certs = ir.env.certificates;
  if (!certificatesIssued(ir) || certs === undefined) return [];
  const guard = secretMountGuard(ir, {
    name: `ztp-${ir.env.name}-svid-mounts`,
    layer: 'mesh',
    allowed: ir.workloads.map((w) => `${w.namespace}/${w.serviceAccount}/${svidSecretName(w)}`),
    guarded: ir.workloads.map((w) => `${w.namespace}/${svidSecretName(w)}`),
    what: "another workload's SPIFFE certificate Secret",
    why: `(ztp environment ${ir.env.name} lets only a workload's own service account use its certificate)`,
  });
  const certificates = ir.workloads.map((w) =>
    emitted(
      'mesh',
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: `ztp-${w.name}-svid`, namespace: w.namespace, labels: ztpLabels(ir.env.name) },
        spec: {
          secretName: svidSecretName(w),
          uris: [w.spiffeId],
          duration: certs.duration,
          renewBefore: certs.renewBefore,
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          // ECDSA keys sign; they do not encipher keys, so 'key encipherment' is left out.
          usages: ['digital signature', 'server auth', 'client auth'],
          issuerRef: { kind: certs.issuer.kind, name: certs.issuer.name, group: certs.issuer.group ?? 'cert-manager.io' },
        },
      },
      [w.origin, ir.envOrigin],
    ),
  );
  return [...certificates, ...guard];
}
