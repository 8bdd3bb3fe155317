import type { KubeObject } from './rest.ts';

/*
 * Gatekeeper has no CRD for constraints: its controller creates one per ConstraintTemplate
 * (`<kind lowercased>.constraints.gatekeeper.sh`) when the template is installed. A local
 * apiserver runs no Gatekeeper, so this makes the same CRD from the template, as Gatekeeper's
 * constraint framework does (`crds.CreateSchema`): `spec.match` with the admission target's match
 * schema, `spec.enforcementAction`, and `spec.parameters` with the template's own
 * `openAPIV3Schema`; `status` is left open. Served as v1beta1 (storage), v1alpha1 and v1.
 */

const strings = { type: 'array', items: { type: 'string' } };
const labelSelector = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: { type: 'object', properties: { key: { type: 'string' }, operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: strings } },
    },
  },
};

/** The match schema of Gatekeeper's `admission.k8s.gatekeeper.sh` target. */
const MATCH = {
  type: 'object',
  properties: {
    kinds: { type: 'array', items: { type: 'object', properties: { apiGroups: strings, kinds: strings } } },
    scope: { type: 'string', enum: ['*', 'Cluster', 'Namespaced'] },
    namespaces: strings,
    excludedNamespaces: strings,
    labelSelector,
    namespaceSelector: labelSelector,
    name: { type: 'string' },
    source: { type: 'string', enum: ['All', 'Generated', 'Original'] },
  },
};

/** The constraint CRD Gatekeeper would create for `template`, or undefined when it names no kind. */
export function constraintCrd(template: KubeObject): KubeObject | undefined {
  const spec = template['spec'] as { crd?: { spec?: { names?: { kind?: string }; validation?: { openAPIV3Schema?: Record<string, unknown> } } } } | undefined;
  const kind = spec?.crd?.spec?.names?.kind;
  if (kind === undefined) return undefined;
  const plural = kind.toLowerCase();
  const parameters = spec?.crd?.spec?.validation?.openAPIV3Schema;
  const schema = {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 63 } } },
      spec: {
        type: 'object',
        properties: {
          match: MATCH,
          enforcementAction: { type: 'string' },
          scopedEnforcementActions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          ...(parameters === undefined ? {} : { parameters }),
        },
      },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  const version = (name: string, storage: boolean) => ({ name, served: true, storage, schema: { openAPIV3Schema: schema }, subresources: { status: {} } });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.constraints.gatekeeper.sh`, labels: { 'gatekeeper.sh/constraint': 'yes' } },
    spec: {
      group: 'constraints.gatekeeper.sh',
      scope: 'Cluster',
      names: { kind, listKind: `${kind}List`, plural, singular: plural, categories: ['constraint', 'constraints'] },
      versions: [version('v1beta1', true), version('v1alpha1', false), version('v1', false)],
    },
  };
}
