import type { K8sObject } from '../object.ts';

/** Where Argo CD reads the published bundles. Set in `ztp.config.json` at the repository root. */
export interface GitOpsSettings {
  /** Git repository Argo CD clones. */
  readonly repoURL: string;
  /** Branch (or tag) the bundles are published to. @default 'ztp-bundles' */
  readonly revision: string;
  /** Folder on that branch that holds one folder per environment. @default 'bundles' */
  readonly path: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace: string;
  /** Argo CD project of the generated Applications. @default 'default' */
  readonly project: string;
}

/** One generated Application: an environment's bundle synced to its cluster. */
export interface ApplicationTarget {
  readonly environment: string;
  /** The Argo CD cluster name (`in-cluster` for the cluster Argo CD runs in). */
  readonly cluster: string;
}

/**
 * The ApplicationSet over the published bundles: one Application per environment, syncing
 * `<path>/<environment>` to the environment's cluster, with pruning and self-heal so drift is undone.
 */
export function emitApplicationSet(gitops: GitOpsSettings, targets: readonly ApplicationTarget[]): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'ztp-bundles', namespace: gitops.argocdNamespace, labels: { 'app.kubernetes.io/managed-by': 'ztp' } },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: [...targets].sort((a, b) => (a.environment < b.environment ? -1 : 1)).map((t) => ({ environment: t.environment, cluster: t.cluster })) } }],
      template: {
        metadata: { name: 'ztp-{{.environment}}', labels: { 'app.kubernetes.io/managed-by': 'ztp', 'ztp.dev/environment': '{{.environment}}' } },
        spec: {
          project: gitops.project,
          source: { repoURL: gitops.repoURL, targetRevision: gitops.revision, path: `${gitops.path}/{{.environment}}` },
          destination: { name: '{{.cluster}}' },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'RespectIgnoreDifferences=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
        },
      },
    },
  };
}
