#!/usr/bin/env node
// V8 keeps the modules it compiled on disk (the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1
// turns it off), so the next `ztp` skips compiling them again. It must be on before the rest is
// imported, hence the dynamic import.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./run.ts');
