import type { ValidationRule } from '@ztp/admission/rule';
import { appArmor } from './apparmor.ts';
import { capabilities } from './capabilities.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPathVolumes } from './host-path-volumes.ts';
import { hostPorts } from './host-ports.ts';
import { hostProbes } from './host-probes.ts';
import { hostProcess } from './host-process.ts';
import { privileged } from './privileged.ts';
import { procMount } from './proc-mount.ts';
import { seccomp } from './seccomp.ts';
import { seLinux } from './selinux.ts';
import { sysctls } from './sysctls.ts';

export { appArmor, capabilities, hostNamespaces, hostPathVolumes, hostPorts, hostProbes, hostProcess, privileged, procMount, seccomp, seLinux, sysctls };

/** Every check of the baseline level, in the order of the Pod Security Standards page. */
export const BASELINE_RULES: readonly ValidationRule[] = [
  hostProcess,
  hostNamespaces,
  privileged,
  capabilities,
  hostPathVolumes,
  hostPorts,
  appArmor,
  seLinux,
  procMount,
  seccomp,
  sysctls,
  hostProbes,
];
