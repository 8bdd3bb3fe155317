import type { IR, IRWorkload } from '../ir.ts';
import { emitted, ztpLabels, type Emitted } from '../object.ts';

/** Name of the Secret holding a workload's SPIFFE certificate. */
export function svidSecretName(w: IRWorkload): string {
  return `${w.name}-svid`;
}

/**
 * Without a mesh, each workload still gets a verifiable identity: a short-lived cert-manager
 * Certificate whose only SAN is its SPIFFE ID, for mutual TLS between applications.
 */
export function emitCertificates(ir: IR): Emitted[] {
  const certs = ir.env.certificates;
  if (!ir.layers.has('mesh') || ir.env.mesh.mode !== 'none' || certs === undefined) return [];
  return ir.workloads.map((w) =>
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
}
