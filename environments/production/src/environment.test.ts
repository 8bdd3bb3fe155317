import { describeEnvironmentBundle } from '@ztp/compiler/testing';
import env from './environment.ts';

describeEnvironmentBundle(env, import.meta.url);
