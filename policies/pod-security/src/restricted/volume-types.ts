import { allow, deny, spec, validationRule, violation } from '@ztp/admission';
import { RESTRICTED_VOLUME_SOURCES } from '../baseline/values.ts';
import { restrictedPod } from './common.ts';

const withVolume = (name: string, volume: Record<string, unknown>) => restrictedPod(name, { pod: { volumes: [{ name: 'v', ...volume }] } });

/**
 * Restricted `restrictedVolumes` (replaces baseline hostPathVolumes): every volume must use one of
 * the allowed inline sources. A volume that sets none of them (hostPath, nfs, ..., or no source at
 * all) is forbidden.
 */
export const volumeTypes = validationRule({
  id: 'volume-types',
  title: 'Volume types: only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes',
  message: 'restricted volume types: volumes must be configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret',
  target: { kind: 'pods' },
  violations: [violation(spec.some('volumes', 'v', (v) => RESTRICTED_VOLUME_SOURCES.map((source) => v.field(source).unset())))],
  examples: [
    allow('no-volumes', restrictedPod('no-volumes')),
    ...RESTRICTED_VOLUME_SOURCES.map((source) => allow(`${source.toLowerCase()}`, withVolume(`${source.toLowerCase()}`, { [source]: {} }))),
    deny('host-path', withVolume('host-path', { hostPath: { path: '/' } })),
    deny('nfs', withVolume('nfs', { nfs: { server: 'nfs.example.com', path: '/' } })),
    deny('git-repo', withVolume('git-repo', { gitRepo: { repository: 'https://example.com/repo.git' } })),
    deny('no-source', withVolume('no-source', {}), { note: 'PSA counts a volume with no known source as "unknown" and forbids it' }),
  ],
});
