/**
 * The fields of pods that rules may read, as TypeScript shapes. They exist only for typing: a rule
 * that names a field not listed here does not compile. Lists are leaves for `field()` (test them
 * with `contains`) and ranges for `each()`.
 */

export interface SeccompProfileShape {
  type: string;
  localhostProfile: string;
}

export interface AppArmorProfileShape {
  type: string;
  localhostProfile: string;
}

export interface SELinuxOptionsShape {
  type: string;
  user: string;
  role: string;
  level: string;
}

export interface WindowsOptionsShape {
  hostProcess: boolean;
  runAsUserName: string;
  gmsaCredentialSpecName: string;
}

export interface SysctlShape {
  name: string;
  value: string;
}

export interface PodSecurityContextShape {
  runAsNonRoot: boolean;
  runAsUser: number;
  runAsGroup: number;
  fsGroup: number;
  supplementalGroups: number[];
  seccompProfile: SeccompProfileShape;
  appArmorProfile: AppArmorProfileShape;
  seLinuxOptions: SELinuxOptionsShape;
  windowsOptions: WindowsOptionsShape;
  sysctls: SysctlShape[];
}

export interface CapabilitiesShape {
  add: string[];
  drop: string[];
}

export interface ContainerSecurityContextShape {
  privileged: boolean;
  allowPrivilegeEscalation: boolean;
  runAsNonRoot: boolean;
  runAsUser: number;
  runAsGroup: number;
  readOnlyRootFilesystem: boolean;
  procMount: string;
  capabilities: CapabilitiesShape;
  seccompProfile: SeccompProfileShape;
  appArmorProfile: AppArmorProfileShape;
  seLinuxOptions: SELinuxOptionsShape;
  windowsOptions: WindowsOptionsShape;
}

export interface HostActionShape {
  host: string;
  port: number | string;
}

export interface ProbeShape {
  httpGet: HostActionShape;
  tcpSocket: HostActionShape;
}

export interface LifecycleShape {
  postStart: ProbeShape;
  preStop: ProbeShape;
}

export interface ContainerPortShape {
  name: string;
  containerPort: number;
  hostPort: number;
  protocol: string;
}

export interface ContainerShape {
  name: string;
  image: string;
  imagePullPolicy: string;
  securityContext: ContainerSecurityContextShape;
  ports: ContainerPortShape[];
  livenessProbe: ProbeShape;
  readinessProbe: ProbeShape;
  startupProbe: ProbeShape;
  lifecycle: LifecycleShape;
}

/** Every volume source the Pod API knows; a rule tests which ones are set. */
export interface VolumeShape {
  name: string;
  hostPath: object;
  emptyDir: object;
  gcePersistentDisk: object;
  awsElasticBlockStore: object;
  gitRepo: object;
  secret: object;
  nfs: object;
  iscsi: object;
  glusterfs: object;
  persistentVolumeClaim: object;
  rbd: object;
  flexVolume: object;
  cinder: object;
  cephfs: object;
  flocker: object;
  downwardAPI: object;
  fc: object;
  azureFile: object;
  configMap: object;
  vsphereVolume: object;
  quobyte: object;
  azureDisk: object;
  photonPersistentDisk: object;
  projected: object;
  portworxVolume: object;
  scaleIO: object;
  storageos: object;
  csi: object;
  ephemeral: object;
  image: ImageVolumeShape;
}

/** An OCI image or artifact mounted as a volume (`volumes[].image`): pulled from a registry like a container image. */
export interface ImageVolumeShape {
  reference: string;
  pullPolicy: string;
}

export interface PodOsShape {
  name: string;
}

export interface PodSpecShape {
  hostNetwork: boolean;
  hostPID: boolean;
  hostIPC: boolean;
  hostUsers: boolean;
  os: PodOsShape;
  securityContext: PodSecurityContextShape;
  volumes: VolumeShape[];
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
}

export interface MetadataShape {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ObjectShape {
  apiVersion: string;
  kind: string;
  metadata: MetadataShape;
}

/** A map entry while iterating with `entries()`. */
export interface EntryShape {
  key: string;
  value: string;
}

type Leaf = string | number | boolean | readonly unknown[] | Record<string, string>;

/** Dotted paths into a shape: `securityContext.seccompProfile.type`. Lists and maps end a path. */
export type Paths<T> = {
  [K in keyof T & string]: T[K] extends Leaf ? K : T[K] extends object ? K | `${K}.${Paths<T[K]>}` : K;
}[keyof T & string];

/** The value type at a dotted path. */
export type PathValue<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? K extends keyof T
    ? PathValue<T[K], Rest>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** The paths whose value is a list. */
export type ListPaths<T> = { [P in Paths<T>]: PathValue<T, P> extends readonly unknown[] ? P : never }[Paths<T>];

/** The paths whose value is a string map (labels, annotations). */
export type MapPaths<T> = { [P in Paths<T>]: PathValue<T, P> extends Record<string, string> ? P : never }[Paths<T>];
