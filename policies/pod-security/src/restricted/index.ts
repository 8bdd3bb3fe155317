import type { ValidationRule } from '@ztp/admission/rule';
import { BASELINE_RULES } from '../baseline/index.ts';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';
import { capabilitiesRestricted } from './capabilities.ts';
import { procMountRestricted } from './proc-mount.ts';
import { runAsNonRoot } from './run-as-non-root.ts';
import { runAsUser } from './run-as-user.ts';
import { seccompRestricted } from './seccomp.ts';
import { volumeTypes } from './volume-types.ts';

export { allowPrivilegeEscalation, capabilitiesRestricted, procMountRestricted, runAsNonRoot, runAsUser, seccompRestricted, volumeTypes };

/** Baseline checks that restricted replaces (upstream `OverrideCheckIDs`), by rule id. */
const OVERRIDDEN: Readonly<Record<string, ValidationRule>> = {
  'host-path-volumes': volumeTypes,
  capabilities: capabilitiesRestricted,
  seccomp: seccompRestricted,
  'proc-mount': procMountRestricted,
};

/**
 * Every check of the restricted level: the baseline checks, with the four that restricted
 * overrides replaced in place, then the checks restricted adds.
 */
export const RESTRICTED_RULES: readonly ValidationRule[] = [
  ...BASELINE_RULES.map((rule) => OVERRIDDEN[rule.id] ?? rule),
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
];
