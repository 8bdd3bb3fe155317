/**
 * @ztp/model: the typed zero-trust model. An environment file builds its intent with these
 * functions; `validateEnvironment` checks what the types cannot.
 */
export { defineEnvironment, type Environment, type EnvironmentProps, type NamespaceProps } from './environment.ts';
export { workload, workloadId, svidSecretName, portOf, type Workload, type WorkloadProps, type Port, type PortProps, type Protocol, type AppProtocol, type MtlsMode, type ApiPermission } from './workload.ts';
export { flow, flowId, sourceId, fromNamespace, fromCidr, type Flow, type FlowProps, type FlowSource, type NamespaceSource, type CidrSource, type HttpRule, type HttpMethod, type L7Enforcer } from './flow.ts';
export { egress, egressId, toCidr, toFqdn, type Egress, type EgressProps, type EgressPort, type CidrDestination, type FqdnDestination } from './egress.ts';
export { secret, databaseRoleOf, secretStoreName, parseDuration, formatDuration, type DatabaseRole, type DatabaseRoleProps, type Secret, type SecretProps, type VaultCapability } from './secret.ts';
export { runtime, type Runtime, type RuntimeProps } from './runtime.ts';
export { AUDIT_LEVELS, type AuditRule, type AuditSettings } from './audit.ts';
export { LAYERS, layersForPhase, type Layer, type RolloutPhase, type MeshSettings, type DnsSettings, type CertificateSettings, type VaultSettings } from './settings.ts';
export { validateEnvironment, validateEnvironments, effectiveMtls, l7EnforcerOf } from './validate.ts';
export { InputError, formatProblem, type Problem } from './errors.ts';
export { parseCidr, cidrContains, cidrKey, compareCidrs, type Cidr } from './cidr.ts';
export type { SourceLocation } from './source.ts';
export { checkDnsLabel, checkDnsSubdomain, checkLabelKey, checkLabelValue, checkPortName } from './names.ts';
export type { AdmissionModule } from '@ztp/admission';
