import { describeModuleProof } from '@ztp/admission/testing';
import { KINDS, requiredLabels } from './index.ts';

const modules = [requiredLabels({ labels: [{ key: 'app.kubernetes.io/name' }, { key: 'owner', allowedRegex: '^[a-z]+$', exampleValue: 'team' }] }), requiredLabels({ id: 'namespace-labels', kinds: [KINDS.Namespace], labels: [{ key: 'owner', allowedRegex: '^[a-z]+$', exampleValue: 'team' }] }), requiredLabels({ id: 'pod-labels', on: 'pod', labels: [{ key: 'app' }, { key: 'tier', allowedRegex: '^(web|db)$', exampleValue: 'web' }] })];

describeModuleProof('labels', modules);
