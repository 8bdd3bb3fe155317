/**
 * Generated pods for the PodSecurity reference test. MUTATIONS lists every value tried for every
 * Pod Security control; a pod is a plain or a restricted-ready pod with some of them, each at a
 * random place (which container, pod or container level). `singleMutationPlans` gives each value
 * once on a restricted-ready pod (and the values a user namespace relaxes once more inside
 * one), so every value meets both levels' boundary in every run;
 * `podPlans` draws random combinations of one to three. `validPod` then keeps the object one a
 * real apiserver accepts (its own validation runs before admission, and an invalid pod gets no
 * PodSecurity verdict at all). Pure.
 */
import fc from 'fast-check';
import type { K8sObject } from '@ztp/admission/rule';
import { BASELINE_CAPABILITIES, SAFE_SYSCTLS } from '../baseline/values.ts';

type Json = Record<string, any>;

/** Where a securityContext field goes: the pod, or the n-th container (regular, then init). */
type Where = { readonly pod: true } | { readonly container: number };

/** One change to one Pod Security control. */
export type Mutation =
  | { readonly control: 'hostNamespace'; readonly field: 'hostNetwork' | 'hostPID' | 'hostIPC'; readonly value: boolean }
  | { readonly control: 'hostUsers'; readonly value: boolean }
  | { readonly control: 'privileged'; readonly container: number; readonly value: boolean }
  | { readonly control: 'capabilities'; readonly container: number; readonly add?: readonly string[]; readonly drop?: readonly string[] }
  | { readonly control: 'hostPort'; readonly container: number; readonly hostPort: number | 'same' }
  | { readonly control: 'volume'; readonly source: string }
  | { readonly control: 'procMount'; readonly container: number; readonly value: 'Default' | 'Unmasked' }
  | { readonly control: 'seccomp'; readonly where: Where; readonly type: string | undefined }
  | { readonly control: 'appArmor'; readonly where: Where; readonly type: string | undefined }
  | { readonly control: 'appArmorAnnotation'; readonly container: number; readonly value: string }
  | { readonly control: 'seLinux'; readonly where: Where; readonly field: 'type' | 'user' | 'role' | 'level'; readonly value: string }
  | { readonly control: 'sysctls'; readonly names: readonly string[] }
  | { readonly control: 'runAsNonRoot'; readonly where: Where; readonly value: boolean | undefined }
  | { readonly control: 'runAsUser'; readonly where: Where; readonly value: number }
  | { readonly control: 'allowPrivilegeEscalation'; readonly container: number; readonly value: boolean | undefined }
  | { readonly control: 'probe'; readonly container: number; readonly probe: 'livenessProbe' | 'readinessProbe' | 'startupProbe'; readonly handler: 'httpGet' | 'tcpSocket'; readonly host: string | undefined }
  | { readonly control: 'lifecycle'; readonly container: number; readonly hook: 'postStart' | 'preStop'; readonly handler: 'httpGet' | 'tcpSocket'; readonly host: string | undefined }
  | { readonly control: 'os'; readonly name: 'linux' | 'windows' }
  | { readonly control: 'hostProcess'; readonly where: Where; readonly value: boolean };

/** What a generated pod is built from. */
export interface PodPlan {
  readonly base: 'plain' | 'restricted';
  readonly containers: number;
  readonly initContainers: number;
  /** Init containers that are sidecars (`restartPolicy: Always`), by index. */
  readonly sidecars: readonly boolean[];
  readonly mutations: readonly Mutation[];
}

/** The sysctls baseline allows from v1.37 on only (k8s.io/pod-security-admission check_sysctls.go). */
export const V1_37_SYSCTLS = ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] as const;

const V1_35_SAFE = SAFE_SYSCTLS.filter((s) => !(V1_37_SYSCTLS as readonly string[]).includes(s));
const UNSAFE_SYSCTLS = ['kernel.msgmax', 'net.core.somaxconn', 'kernel.sem', 'vm.swappiness'];
const CAPABILITIES = [...BASELINE_CAPABILITIES, 'NET_RAW', 'SYS_ADMIN', 'CAP_SYS_ADMIN', 'NET_ADMIN', 'SYS_TIME', 'ALL', 'CAP_CHOWN', 'chown'];
const DROPS = ['ALL', 'NET_RAW', 'all', 'CHOWN'];
const HOSTS = [undefined, '', 'bad.host', '127.0.0.1'];

/** Restricted volume sources and some others, each as a valid volume source. */
export const VOLUME_SOURCES: Readonly<Record<string, Json>> = {
  configMap: { configMap: { name: 'settings' } },
  csi: { csi: { driver: 'csi.example.com' } },
  downwardAPI: { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
  emptyDir: { emptyDir: {} },
  ephemeral: { ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
  image: { image: { reference: 'registry.k8s.io/pause' } },
  persistentVolumeClaim: { persistentVolumeClaim: { claimName: 'data' } },
  projected: { projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
  secret: { secret: { secretName: 'credentials' } },
  hostPath: { hostPath: { path: '/var/run' } },
  nfs: { nfs: { server: 'nfs.example.com', path: '/export' } },
  gitRepo: { gitRepo: { repository: 'https://example.com/repo.git' } },
  iscsi: { iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } },
  flexVolume: { flexVolume: { driver: 'example.com/driver' } },
  cephfs: { cephfs: { monitors: ['10.0.0.1:6789'] } },
};

const POD: Where = { pod: true };
const FIRST = 0;
/** Pod level and container level, for the fields both have. */
const BOTH: readonly Where[] = [POD, { container: FIRST }];

/**
 * Every value tried for every control, once, on the pod or its first container; a generated pod
 * gets some of them, each placed at random (`placed`).
 */
export const MUTATIONS: readonly Mutation[] = [
  ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).flatMap((field) => [true, false].map((value) => ({ control: 'hostNamespace' as const, field, value }))),
  ...[true, false].map((value) => ({ control: 'hostUsers' as const, value })),
  ...[true, false].map((value) => ({ control: 'privileged' as const, container: FIRST, value })),
  ...CAPABILITIES.map((c) => ({ control: 'capabilities' as const, container: FIRST, add: [c], drop: ['ALL'] })),
  ...DROPS.map((d) => ({ control: 'capabilities' as const, container: FIRST, drop: [d] })),
  ...([0, 9443, 'same'] as const).map((hostPort) => ({ control: 'hostPort' as const, container: FIRST, hostPort })),
  ...Object.keys(VOLUME_SOURCES).map((source) => ({ control: 'volume' as const, source })),
  ...(['Default', 'Unmasked'] as const).map((value) => ({ control: 'procMount' as const, container: FIRST, value })),
  ...BOTH.flatMap((where) => [undefined, 'RuntimeDefault', 'Localhost', 'Unconfined'].map((type) => ({ control: 'seccomp' as const, where, type }))),
  ...BOTH.flatMap((where) => [undefined, 'RuntimeDefault', 'Localhost', 'Unconfined'].map((type) => ({ control: 'appArmor' as const, where, type }))),
  ...['runtime/default', 'localhost/custom', 'unconfined'].map((value) => ({ control: 'appArmorAnnotation' as const, container: FIRST, value })),
  ...BOTH.flatMap((where) =>
    [
      ...['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t', 'unconfined_t'].map((value) => ({ field: 'type' as const, value })),
      ...['', 'sysadm_u'].map((value) => ({ field: 'user' as const, value })),
      ...['', 'sysadm_r'].map((value) => ({ field: 'role' as const, value })),
      { field: 'level' as const, value: 's0:c123,c456' },
    ].map(({ field, value }) => ({ control: 'seLinux' as const, where, field, value })),
  ),
  ...[...V1_35_SAFE, ...V1_37_SYSCTLS, ...UNSAFE_SYSCTLS].map((name) => ({ control: 'sysctls' as const, names: [name] })),
  ...BOTH.flatMap((where) => [true, false, undefined].map((value) => ({ control: 'runAsNonRoot' as const, where, value }))),
  ...BOTH.flatMap((where) => [0, 1000].map((value) => ({ control: 'runAsUser' as const, where, value }))),
  ...[true, false, undefined].map((value) => ({ control: 'allowPrivilegeEscalation' as const, container: FIRST, value })),
  ...(['livenessProbe', 'readinessProbe', 'startupProbe'] as const).flatMap((probe) =>
    (['httpGet', 'tcpSocket'] as const).flatMap((handler) => HOSTS.map((host) => ({ control: 'probe' as const, container: FIRST, probe, handler, host }))),
  ),
  ...(['postStart', 'preStop'] as const).flatMap((hook) =>
    (['httpGet', 'tcpSocket'] as const).flatMap((handler) => HOSTS.map((host) => ({ control: 'lifecycle' as const, container: FIRST, hook, handler, host }))),
  ),
  ...(['linux', 'windows'] as const).map((name) => ({ control: 'os' as const, name })),
  ...BOTH.flatMap((where) => [true, false].map((value) => ({ control: 'hostProcess' as const, where, value }))),
];

/**
 * The checks a user namespace (`hostUsers: false`) relaxes (runAsNonRoot, runAsUser, baseline
 * procMount): each of their values once more inside one.
 */
export const IN_USER_NAMESPACE: readonly Mutation[] = MUTATIONS.filter((m) => m.control === 'runAsNonRoot' || m.control === 'runAsUser' || m.control === 'procMount');
const USER_NAMESPACE: Mutation = { control: 'hostUsers', value: false };

/** Random numbers a mutation is placed with. */
interface Placement {
  readonly container: number;
  /** Pod level instead of a container, for fields both have. */
  readonly atPod: boolean;
  readonly probe: 'livenessProbe' | 'readinessProbe' | 'startupProbe';
  readonly hook: 'postStart' | 'preStop';
}

const placements = (containers: number): fc.Arbitrary<Placement> =>
  fc.record({
    container: fc.nat({ max: containers - 1 }),
    atPod: fc.boolean(),
    probe: fc.constantFrom('livenessProbe' as const, 'readinessProbe' as const, 'startupProbe' as const),
    hook: fc.constantFrom('postStart' as const, 'preStop' as const),
  });

/**
 * The mutation at a random place: which container and, unless `keepLevel`, pod or container
 * level and which probe or hook.
 */
function placed(m: Mutation, p: Placement, keepLevel = false): Mutation {
  const out: Record<string, unknown> = { ...m };
  if ('container' in m) out['container'] = p.container;
  if ('where' in m) out['where'] = (keepLevel ? 'pod' in m.where : p.atPod) ? POD : { container: p.container };
  if (m.control === 'probe' && !keepLevel) out['probe'] = p.probe;
  if (m.control === 'lifecycle' && !keepLevel) out['hook'] = p.hook;
  return out as Mutation;
}

function shape(extra: { base?: 'plain' | 'restricted' } = {}) {
  return fc.record({
    base: extra.base === undefined ? fc.oneof({ arbitrary: fc.constant('plain' as const), weight: 2 }, { arbitrary: fc.constant('restricted' as const), weight: 3 }) : fc.constant(extra.base),
    containers: fc.integer({ min: 1, max: 2 }),
    initContainers: fc.integer({ min: 0, max: 1 }),
  });
}

function withSidecars(initContainers: number) {
  return fc.array(fc.boolean(), { minLength: initContainers, maxLength: initContainers });
}

/** How many mutations a random pod gets: mostly one or two, so most pods sit near a check's boundary. */
const mutationCount = fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, { arbitrary: fc.constant(2), weight: 4 }, { arbitrary: fc.constant(3), weight: 2 });

/** Random plans: a plain or restricted-ready pod with 1-3 mutations drawn from MUTATIONS, placed at random. */
export const podPlans: fc.Arbitrary<PodPlan> = shape().chain(({ base, containers, initContainers }) =>
  mutationCount.chain((n) =>
    fc.record({
      base: fc.constant(base),
      containers: fc.constant(containers),
      initContainers: fc.constant(initContainers),
      sidecars: withSidecars(initContainers),
      mutations: fc.array(fc.tuple(fc.constantFrom(...MUTATIONS), placements(containers + initContainers)).map(([m, p]) => placed(m, p)), { minLength: n, maxLength: n }),
    }),
  ),
);

/**
 * One plan per entry of MUTATIONS, and per entry of IN_USER_NAMESPACE inside a user namespace,
 * on a restricted-ready pod (which baseline allows too), each in a container picked from `seed`:
 * every value of every control meets both levels' boundary in every run, whatever the random
 * plans draw.
 */
export function singleMutationPlans(seed: number): PodPlan[] {
  const lists: Mutation[][] = [...MUTATIONS.map((m) => [m]), ...IN_USER_NAMESPACE.map((m) => [USER_NAMESPACE, m])];
  const shapes = fc.sample(
    shape({ base: 'restricted' }).chain((s) => fc.record({ shape: fc.constant(s), sidecars: withSidecars(s.initContainers), placement: placements(s.containers + s.initContainers) })),
    { seed, numRuns: lists.length },
  );
  return lists.map((list, i) => {
    const { shape: s, sidecars, placement } = shapes[i]!;
    return { ...s, sidecars, mutations: list.map((m) => placed(m, placement, true)) };
  });
}

function restrictedContext(): Json {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
}

function context(target: Json): Json {
  target['securityContext'] ??= {};
  return target['securityContext'];
}

/** The pod a plan describes, then made valid (`validPod`). */
export function buildPod(plan: PodPlan, name: string): K8sObject {
  const restricted = plan.base === 'restricted';
  const make = (n: string, extra: Json = {}): Json => ({ name: n, image: 'registry.k8s.io/pause', ...(restricted ? { securityContext: restrictedContext() } : {}), ...extra });
  const containers = Array.from({ length: plan.containers }, (_, i) => make(`c${i}`, { ports: [{ containerPort: 8080 + i }] }));
  const initContainers = Array.from({ length: plan.initContainers }, (_, i) => make(`i${i}`, plan.sidecars[i] ? { restartPolicy: 'Always' } : {}));
  const all = [...containers, ...initContainers];
  const spec: Json = { containers, ...(initContainers.length > 0 ? { initContainers } : {}) };
  if (restricted) spec['securityContext'] = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const annotations: Record<string, string> = {};
  const volumes: Json[] = [];
  const target = (w: Where): Json => ('pod' in w ? context(spec) : context(all[w.container]!));

  for (const m of plan.mutations) {
    switch (m.control) {
      case 'hostNamespace':
        spec[m.field] = m.value;
        break;
      case 'hostUsers':
        spec['hostUsers'] = m.value;
        break;
      case 'privileged':
        context(all[m.container]!)['privileged'] = m.value;
        break;
      case 'capabilities': {
        const caps: Json = {};
        if (m.add !== undefined) caps['add'] = [...m.add];
        if (m.drop !== undefined) caps['drop'] = [...m.drop];
        context(all[m.container]!)['capabilities'] = caps;
        break;
      }
      case 'hostPort': {
        const c = all[m.container]!;
        const port = 9000 + m.container;
        c['ports'] = [{ containerPort: port, hostPort: m.hostPort === 'same' ? port : m.hostPort === 0 ? 0 : m.hostPort + m.container }];
        break;
      }
      case 'volume':
        volumes.push({ name: `v${volumes.length}`, ...structuredClone(VOLUME_SOURCES[m.source]!) });
        break;
      case 'procMount':
        context(all[m.container]!)['procMount'] = m.value;
        break;
      case 'seccomp':
        if (m.type === undefined) delete target(m.where)['seccompProfile'];
        else target(m.where)['seccompProfile'] = m.type === 'Localhost' ? { type: m.type, localhostProfile: 'profile.json' } : { type: m.type };
        break;
      case 'appArmor':
        if (m.type === undefined) delete target(m.where)['appArmorProfile'];
        else target(m.where)['appArmorProfile'] = m.type === 'Localhost' ? { type: m.type, localhostProfile: 'custom' } : { type: m.type };
        break;
      case 'appArmorAnnotation':
        annotations[`container.apparmor.security.beta.kubernetes.io/${all[m.container]!['name']}`] = m.value;
        break;
      case 'seLinux': {
        const t = target(m.where);
        t['seLinuxOptions'] = { ...(t['seLinuxOptions'] ?? {}), [m.field]: m.value };
        break;
      }
      case 'sysctls':
        context(spec)['sysctls'] = m.names.map((n) => ({ name: n, value: '1' }));
        break;
      case 'runAsNonRoot':
        if (m.value === undefined) delete target(m.where)['runAsNonRoot'];
        else target(m.where)['runAsNonRoot'] = m.value;
        break;
      case 'runAsUser':
        target(m.where)['runAsUser'] = m.value;
        break;
      case 'allowPrivilegeEscalation':
        if (m.value === undefined) delete context(all[m.container]!)['allowPrivilegeEscalation'];
        else context(all[m.container]!)['allowPrivilegeEscalation'] = m.value;
        break;
      case 'probe':
        all[m.container]![m.probe] = { [m.handler]: { port: 8080, ...(m.host === undefined ? {} : { host: m.host }) } };
        break;
      case 'lifecycle': {
        const c = all[m.container]!;
        c['lifecycle'] = { ...(c['lifecycle'] ?? {}), [m.hook]: { [m.handler]: { port: 8080, ...(m.host === undefined ? {} : { host: m.host }) } } };
        break;
      }
      case 'os':
        spec['os'] = { name: m.name };
        break;
      case 'hostProcess':
        target(m.where)['windowsOptions'] = { hostProcess: m.value };
        break;
    }
  }
  if (volumes.length > 0) spec['volumes'] = volumes;
  const metadata = Object.keys(annotations).length > 0 ? { name, annotations } : { name };
  return validPod({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
}

/** Pod securityContext fields a Windows pod may not set. */
const LINUX_POD = ['seccompProfile', 'appArmorProfile', 'seLinuxOptions', 'sysctls', 'fsGroup', 'fsGroupChangePolicy', 'runAsUser', 'runAsGroup', 'supplementalGroups', 'supplementalGroupsPolicy'];
/** Container securityContext fields a Windows pod may not set. */
const LINUX_CONTAINER = ['seccompProfile', 'appArmorProfile', 'seLinuxOptions', 'capabilities', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'readOnlyRootFilesystem', 'runAsUser', 'runAsGroup'];
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function drop(object: Json | undefined, fields: readonly string[]): void {
  if (object === undefined) return;
  for (const f of fields) delete object[f];
}

function isNetSysctl(name: string): boolean {
  return name.startsWith('net.');
}

function isIpcSysctl(name: string): boolean {
  return name.startsWith('kernel.shm') || name.startsWith('kernel.msg') || name === 'kernel.sem' || name.startsWith('fs.mqueue.');
}

function annotationOf(profile: Json | undefined): string | undefined {
  if (profile === undefined) return undefined;
  if (profile['type'] === 'RuntimeDefault') return 'runtime/default';
  if (profile['type'] === 'Unconfined') return 'unconfined';
  return `localhost/${profile['localhostProfile']}`;
}

/**
 * The pod, changed where the apiserver's own validation would refuse it: each rule below is one
 * the apiserver enforces on create (k8s.io/kubernetes pkg/apis/core/validation).
 */
export function validPod(pod: K8sObject): K8sObject {
  const out = structuredClone(pod) as Json;
  const spec: Json = out['spec'];
  const containers: Json[] = spec['containers'];
  const inits: Json[] = spec['initContainers'] ?? [];
  const all = [...containers, ...inits];
  const podContext: Json | undefined = spec['securityContext'];
  const os = spec['os']?.['name'];

  // HostProcess: Windows only, needs hostNetwork, and every container is one if any is.
  const hostProcess = podContext?.['windowsOptions']?.['hostProcess'] === true || all.some((c) => c['securityContext']?.['windowsOptions']?.['hostProcess'] === true);
  if (hostProcess && os !== 'linux') {
    spec['hostNetwork'] = true;
    if (podContext?.['windowsOptions']?.['hostProcess'] === true) {
      for (const c of all) if (c['securityContext']?.['windowsOptions'] !== undefined) delete c['securityContext']['windowsOptions']['hostProcess'];
    } else {
      // Set on the containers, all of them.
      if (podContext?.['windowsOptions'] !== undefined) delete podContext['windowsOptions']['hostProcess'];
      for (const c of all) context(c)['windowsOptions'] = { ...(c['securityContext']['windowsOptions'] ?? {}), hostProcess: true };
    }
  }
  // Windows pods: no Linux-only security fields, no user namespaces, no host PID or IPC namespace, no AppArmor annotations.
  if (os === 'windows') {
    drop(spec['securityContext'], LINUX_POD);
    for (const c of all) drop(c['securityContext'], LINUX_CONTAINER);
    drop(spec, ['hostUsers', 'hostPID', 'hostIPC', 'shareProcessNamespace']);
    const annotations = out['metadata']['annotations'];
    if (annotations !== undefined) for (const key of Object.keys(annotations)) if (key.startsWith(APPARMOR_PREFIX)) delete annotations[key];
  }
  // Linux pods: no windowsOptions.
  if (os === 'linux') {
    drop(spec['securityContext'], ['windowsOptions']);
    for (const c of all) drop(c['securityContext'], ['windowsOptions']);
  }
  // User namespaces: not with host namespaces.
  if (spec['hostUsers'] === false && (spec['hostNetwork'] === true || spec['hostPID'] === true || spec['hostIPC'] === true)) delete spec['hostUsers'];
  // procMount Unmasked: only in a user namespace.
  for (const c of all) if (c['securityContext']?.['procMount'] === 'Unmasked' && spec['hostUsers'] !== false) c['securityContext']['procMount'] = 'Default';
  // allowPrivilegeEscalation false: not with privileged, nor with CAP_SYS_ADMIN added.
  for (const c of all) {
    const sc = c['securityContext'];
    if (sc?.['allowPrivilegeEscalation'] !== false) continue;
    if (sc['privileged'] === true) delete sc['allowPrivilegeEscalation'];
    else if ((sc['capabilities']?.['add'] ?? []).includes('CAP_SYS_ADMIN')) delete sc['allowPrivilegeEscalation'];
  }
  // Host ports: equal to the container port on the host network; unique per pod.
  const seen = new Set<number>();
  for (const c of all) {
    for (const p of c['ports'] ?? []) {
      if (spec['hostNetwork'] === true && p['hostPort'] !== undefined && p['hostPort'] !== 0) p['hostPort'] = p['containerPort'];
      if (p['hostPort'] !== undefined && p['hostPort'] !== 0) {
        if (seen.has(p['hostPort'])) delete p['hostPort'];
        else seen.add(p['hostPort']);
      }
    }
  }
  // Probes and lifecycle hooks: not on init containers unless they are sidecars.
  for (const c of inits) if (c['restartPolicy'] !== 'Always') drop(c, ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']);
  // Sysctls: no network ones on the host network, no IPC ones with the host IPC namespace.
  if (Array.isArray(podContext?.['sysctls'])) {
    podContext['sysctls'] = podContext['sysctls'].filter((s: Json) => !(spec['hostNetwork'] === true && isNetSysctl(s['name'])) && !(spec['hostIPC'] === true && isIpcSysctl(s['name'])));
    if (podContext['sysctls'].length === 0) delete podContext['sysctls'];
  }
  // AppArmor annotations: only for containers of the pod, and equal to the container's field (or the pod's) where one is set.
  const annotations: Record<string, string> | undefined = out['metadata']['annotations'];
  if (annotations !== undefined) {
    for (const key of Object.keys(annotations)) {
      if (!key.startsWith(APPARMOR_PREFIX)) continue;
      const c = all.find((x) => x['name'] === key.slice(APPARMOR_PREFIX.length));
      const field = annotationOf(c?.['securityContext']?.['appArmorProfile'] ?? spec['securityContext']?.['appArmorProfile']);
      if (c === undefined) delete annotations[key];
      else if (field !== undefined) annotations[key] = field;
    }
    if (Object.keys(annotations).length === 0) delete out['metadata']['annotations'];
  }
  return out as K8sObject;
}
