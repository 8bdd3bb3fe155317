/**
 * `npm test`: type-checks the whole repository, then runs every test in one Vitest run (engines
 * must be installed: `.ci/run` does it, or `node scripts/src/install-tools.ts`). Exits non-zero
 * if either fails. Extra arguments go to Vitest (e.g. `npm test -- packages/model`).
 */
import { execa } from 'execa';

const args = process.argv.slice(2);
const typecheck = await execa('tsc', ['-p', 'tsconfig.json', '--noEmit'], { preferLocal: true, stdio: 'inherit', reject: false });
if (typecheck.exitCode !== 0) {
  process.stderr.write('type check failed\n');
  process.exit(typecheck.exitCode ?? 1);
}
const tests = await execa('vitest', ['run', ...args], { preferLocal: true, stdio: 'inherit', reject: false });
process.exit(tests.exitCode ?? 1);
