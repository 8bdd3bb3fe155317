import { allow, deny, spec, validationRule, violation, withWorkloads } from '@ztp/admission/rule';
import { RESTRICTED_VOLUME_SOURCES } from '../baseline/values.ts';
import { restrictedPod } from './common.ts';

const withVolume = (name: string, volume: Record<string, unknown>) => restrictedPod(name, { pod: { volumes: [{ name: 'v', ...volume }] } });

/** A valid volume source of each allowed kind (the apiserver refuses them without these fields). */
const ALLOWED_SOURCE: Readonly<Record<(typeof RESTRICTED_VOLUME_SOURCES)[number], Record<string, unknown>>> = {
  configMap: { name: 'settings' },
  csi: { driver: 'csi.example.com' },
  downwardAPI: {},
  emptyDir: {},
  ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
  image: { reference: 'registry.k8s.io/pause' },
  persistentVolumeClaim: { claimName: 'data' },
  projected: {},
  secret: { secretName: 'credentials' },
};

/**
 * Restricted `restrictedVolumes` (replaces baseline hostPathVolumes): every volume must use one of
 * the allowed inline sources. A volume that sets none of them (hostPath, nfs, ..., or no source at
 * all) is forbidden. A volume with no source at all is not an example: the apiserver defaults it to
 * an emptyDir before admission (SetDefaults_Volume), so on a cluster it is allowed; the offline
 * engines, reading the manifest as written, forbid it like PSA's check does an "unknown" volume.
 */
export const volumeTypes = validationRule({
  id: 'volume-types',
  title: 'Volume types: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes',
  message: 'restricted volume types: volumes must be configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret',
  target: { kind: 'pods' },
  violations: [violation(spec.some('volumes', 'v', (v) => RESTRICTED_VOLUME_SOURCES.map((source) => v.field(source).unset())))],
  examples: withWorkloads([
    allow('no-volumes', restrictedPod('no-volumes')),
    ...RESTRICTED_VOLUME_SOURCES.map((source) => allow(`${source.toLowerCase()}`, withVolume(`${source.toLowerCase()}`, { [source]: ALLOWED_SOURCE[source] }))),
    deny('host-path', withVolume('host-path', { hostPath: { path: '/' } })),
    deny('nfs', withVolume('nfs', { nfs: { server: 'nfs.example.com', path: '/' } })),
    deny('git-repo', withVolume('git-repo', { gitRepo: { repository: 'https://example.com/repo.git' } })),
    deny('flex-volume', withVolume('flex-volume', { flexVolume: { driver: 'example.com/driver' } }), {
      note: 'a source neither restricted nor the rule names: the rule allows listed sources only (PSA counts any other as forbidden)',
    }),
  ]),
});
