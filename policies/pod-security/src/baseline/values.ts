/**
 * The allowed values of the Pod Security Standards as of Kubernetes v1.37, from
 * k8s.io/pod-security-admission `policy/check_*.go` (the latest version of each check).
 */

/** Capabilities baseline lets containers add (check `capabilities_baseline`). */
export const BASELINE_CAPABILITIES = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
] as const;

/** SELinux types baseline allows; `''` stands for an unset type (check `seLinuxOptions`, v1.31+). */
export const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'] as const;

/** Seccomp profile types both levels allow (checks `seccompProfile_baseline` and `_restricted`). */
export const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'] as const;

/** AppArmor profile types baseline allows (check `appArmorProfile`). */
export const APPARMOR_TYPES = ['RuntimeDefault', 'Localhost'] as const;

/** The prefix of the deprecated per-container AppArmor annotations. */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Safe sysctls (check `sysctls`, v1.37). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
] as const;

/** Inline volume sources restricted allows (check `restrictedVolumes`). */
export const RESTRICTED_VOLUME_SOURCES = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret',
] as const;
