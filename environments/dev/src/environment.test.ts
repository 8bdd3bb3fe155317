import { describeEnvironmentBundle } from '@ztp/verify/testing';
import env from './environment.ts';

describeEnvironmentBundle(env, import.meta.url);
