import { describeModuleProof } from '@ztp/admission/testing';
import { zeroTrustBrief } from './index.ts';

const modules = [zeroTrustBrief()];

describeModuleProof('zero-trust-brief', modules);
