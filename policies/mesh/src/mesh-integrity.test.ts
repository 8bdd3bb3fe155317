import { describeModuleProof } from '@ztp/admission/testing';
import { meshIntegrity } from './mesh-integrity.ts';

describeModuleProof('mesh-integrity', [meshIntegrity()]);
