import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { listFiles } from '@ztp/compiler';
import { requireTools } from '@ztp/tools';
import { COMMAND_NAMES, loadCommands, main } from './main.ts';
import type { Io } from './io.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BIN = join(REPO, 'packages', 'cli', 'src', 'bin.ts');
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

/** A copy of the repository's environments in a temporary folder, sharing node_modules. */
function scratchRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ztp-cli-'));
  temps.push(dir);
  cpSync(join(REPO, 'environments'), join(dir, 'environments'), { recursive: true, filter: (p) => !p.includes('__golden__') });
  for (const f of ['nx.json', 'ztp.config.json', 'package.json']) cpSync(join(REPO, f), join(dir, f));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function captureIo(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, stdout, stderr };
}

/** Runs the real `ztp` binary: environment files are loaded by Node itself, as users run it. */
async function ztp(cwd: string, ...args: string[]) {
  const r = await execa('node', [BIN, ...args], { cwd, reject: false });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('ztp CLI', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo(REPO);
    expect(await main(['help'], io)).toBe(0);
    expect(io.stdout.join('')).toMatch(/^  compile +compile environments/m);
    expect(await main(['compile', '--help'], io)).toBe(0);
    expect(io.stdout.join('')).toContain('--check');
  });

  it('registers every command under its own name, and help lists them in that order', async () => {
    const commands = await loadCommands();
    expect(commands.map((c) => c.name)).toEqual([...COMMAND_NAMES]);
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    const io = captureIo(REPO);
    expect(await main(['help'], io)).toBe(0);
    expect([...io.stdout.join('').matchAll(/^  (\S+) /gm)].map((m) => m[1])).toEqual([...COMMAND_NAMES, 'help']);
  });

  it('loads only what compiling needs: no other command, no engine, no cluster code', async () => {
    const dir = scratchRepo();
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      "import { registerHooks } from 'node:module';\nconst urls = [];\nregisterHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });\nprocess.on('exit', () => process.stderr.write(urls.join('\\n')));\n",
    );
    // a real compile of the example environments (production and staging use the admission policies)
    const r = await execa('node', ['--import', hook, BIN, 'compile'], { cwd: dir, reject: false });
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
    const loaded = r.stderr.split('\n');
    expect(loaded.some((u) => u.endsWith('/commands/compile.ts'))).toBe(true);
    expect(loaded.some((u) => u.includes('/policies/pod-security/'))).toBe(true);
    const unneeded = /\/commands\/(?!compile\.ts)[\w-]+\.ts$|\/@kubernetes\/client-node\/|\/local-cluster\/src\/(?!shared\.ts)|\/admission\/src\/(engines|proof)\/|\/node_modules\/execa\//;
    expect(loaded.filter((u) => unneeded.test(u))).toEqual([]);
  });

  it('exits 2 on usage errors, without a stack trace', async () => {
    for (const argv of [['frobnicate'], ['compile', '--bogus'], ['compile', 'nope'], ['help', 'nope']]) {
      const io = captureIo(REPO);
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(/^error: /);
      expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /);
    }
  });

  it('never replaces a folder holding what ztp did not write: the environments, another argocd folder, its own bundles', async () => {
    const repo = scratchRepo();
    const snapshotOf = (dir: string) => new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    // --out at the environments: each bundle folder would replace an environment's sources
    const sources = snapshotOf(join(repo, 'environments'));
    const intoSources = await ztp(repo, 'compile', '--out', join(repo, 'environments'));
    expect(intoSources.code).toBe(2);
    expect(intoSources.stderr).toMatch(/nothing was written: \S*environments\/dev holds files ztp did not write \(package\.json, src/);
    expect(snapshotOf(join(repo, 'environments'))).toEqual(sources);
    // an argocd folder beside --out that holds another tool's files
    const out = join(repo, 'site', 'bundles');
    mkdirSync(join(repo, 'site', 'argocd'), { recursive: true });
    writeFileSync(join(repo, 'site', 'argocd', 'root-app.yaml'), 'kind: Application\n');
    const beside = await ztp(repo, 'compile', '--out', out);
    expect(beside.code).toBe(2);
    expect(beside.stderr).toMatch(/site\/argocd holds files ztp did not write \(root-app\.yaml\)/);
    expect(existsSync(out)).toBe(false);
    // --out at the ApplicationSet's own folder: it would replace the bundles just written
    const clash = await ztp(repo, 'compile', '--out', join(repo, 'x', 'argocd'));
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("would overwrite each other; choose another --out");
    // over its own previous output: as usual
    rmSync(join(repo, 'site', 'argocd', 'root-app.yaml'));
    expect((await ztp(repo, 'compile', '--out', out)).code).toBe(0);
    expect((await ztp(repo, 'compile', '--out', out)).code).toBe(0);
    expect(readdirSync(join(repo, 'site', 'argocd'))).toEqual(['applicationset.yaml']);
    // a folder that cannot be written: said as such, with what was written, never as a ztp bug
    writeFileSync(join(repo, 'a-file'), '');
    const unwritable = await ztp(repo, 'compile', '--out', join(repo, 'a-file', 'bundles'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^error: could not write dev to \S*a-file\/bundles\/dev \(.*\); nothing was written$/m);
    expect(unwritable.stderr).not.toContain('bug in ztp');
  });

  it('compiles, then --check passes; a hand edit makes --check exit 1 naming the file', async () => {
    const repo = scratchRepo();
    const first = await ztp(repo, 'compile', '--json');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout) as { ok: boolean; bundles: { environment: string }[] };
    expect(result.bundles.map((b) => b.environment)).toEqual(['dev', 'production', 'staging']);
    expect((await ztp(repo, 'compile', '--check')).code).toBe(0);
    const file = join(repo, 'dist', 'bundles', 'production', 'network', 'networkpolicy-production-ztp-default-deny.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Egress', 'Ingress'));
    const check = await ztp(repo, 'compile', '--check');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('~ network/networkpolicy-production-ztp-default-deny.yaml');
  });

  it('leaves every previous bundle untouched when an environment has bad input, and names file and object', async () => {
    const repo = scratchRepo();
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const before = snapshot(join(repo, 'dist'));
    const envFile = join(repo, 'environments', 'staging', 'src', 'environment.ts');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace("ports: ['postgres']", "ports: ['postgress' as 'postgres']"));
    const r = await ztp(repo, 'compile');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: environments\/staging\/src\/environment\.ts:\d+: flow staging\/api-server -> staging\/database: port "postgress" is not a port of staging\/database/m);
    expect(r.stderr).toContain('nothing was written');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(join(repo, 'dist'))).toEqual(before);
  });

  it('reports an environment file that does not load, or exports something else, by file', async () => {
    const repo = scratchRepo();
    writeFileSync(join(repo, 'environments', 'dev', 'src', 'environment.ts'), 'export default 42;\n');
    const r = await ztp(repo, 'compile');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('environments/dev/src/environment.ts: environment dev: must export defineEnvironment({...}) as its default export');
    writeFileSync(join(repo, 'environments', 'dev', 'src', 'environment.ts'), 'export default {;\n');
    const s = await ztp(repo, 'compile');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/environments\/dev\/src\/environment\.ts: environment dev: could not be loaded: .+/);
    expect(s.stderr).not.toMatch(/\n\s+at /);
    // something that only looks like an environment
    writeFileSync(join(repo, 'environments', 'dev', 'src', 'environment.ts'), "export default { type: 'environment' };\n");
    const t = await ztp(repo, 'compile');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('environment dev: must export defineEnvironment({...}) as its default export');
  });

  it('reports a ztp.config.json that is no object, or has a misspelt setting, by file', async () => {
    const repo = scratchRepo();
    for (const [text, message] of [
      ['null', 'must be an object like {"gitops": {"repoURL"'],
      ['{"gitops": {"repoURL": "https://x.example/p.git", "projet": "secure"}}', "gitops has no setting 'projet' (misspelt?)"],
    ] as const) {
      writeFileSync(join(repo, 'ztp.config.json'), text);
      const r = await ztp(repo, 'compile');
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toContain(message);
      expect(r.stderr, text).not.toMatch(/\n\s+at /);
    }
  });

  it('writes byte-identical bundles from separate processes', async () => {
    const a = scratchRepo();
    const b = scratchRepo();
    expect((await ztp(a, 'compile')).code).toBe(0);
    expect((await ztp(join(b, 'environments', 'dev'), 'compile')).code).toBe(0);
    expect(snapshot(join(b, 'dist'))).toEqual(snapshot(join(a, 'dist')));
    // Compiling one environment rewrites its bundle to the same bytes and leaves the others alone.
    expect((await ztp(b, 'compile', 'production')).code).toBe(0);
    expect(snapshot(join(b, 'dist'))).toEqual(snapshot(join(a, 'dist')));
    expect((await ztp(a, 'compile', '--out')).code).toBe(2);
  });

  it('verify proves the examples, and fails a bundle with a removed or an extra allow, naming the cell', async () => {
    const repo = scratchRepo();
    const ok = await ztp(repo, 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^production: verified: \d+ of \d+ checks as declared$/m);
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const bundles = join(repo, 'dist', 'bundles');
    const db = join(bundles, 'production', 'network', 'networkpolicy-production-ztp-database-ingress.yaml');
    writeFileSync(db, readFileSync(db, 'utf8').replace('port: 5432', 'port: 5433'));
    const removed = await ztp(repo, 'verify', '--dir', bundles, 'production', '--junit', join(repo, 'verify.xml'));
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain('FAIL production: production/api-server[Deployment] => production/database[Deployment]:5432/TCP: declared allowed by environments/production/src/environment.ts:');
    expect(removed.stdout).toContain('bundle says dropped');
    // and the edited file is named: the bytes are not the ones the compiler wrote
    expect(removed.stdout).toContain('FAIL production: bundle integrity: network/networkpolicy-production-ztp-database-ingress.yaml does not match its sha256 in manifest.json (edited after compiling)');
    expect(readFileSync(join(repo, 'verify.xml'), 'utf8')).toMatch(/<testsuites name="ztp verify" tests="\d+" failures="[1-9]/);
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const extra = join(bundles, 'staging', 'network', 'oops.yaml');
    writeFileSync(extra, 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: oops, namespace: staging}\nspec: {podSelector: {}, ingress: [{}], policyTypes: [Ingress]}\n');
    const kust = join(bundles, 'staging', 'kustomization.yaml');
    writeFileSync(kust, readFileSync(kust, 'utf8') + '  - network/oops.yaml\n');
    const added = await ztp(repo, 'verify', '--dir', bundles, '-o', 'json');
    expect(added.code).toBe(1);
    const report = JSON.parse(added.stdout) as { environment: string; ok: boolean; failures: { id: string; expected: string; observed: string }[] }[];
    expect(report.find((r) => r.environment === 'production')?.ok).toBe(true);
    const staging = report.find((r) => r.environment === 'staging');
    expect(staging?.failures.some((f) => f.id === 'ztp-verify-outsider/ztp-outsider[Deployment] => staging/database[Deployment]:5432/TCP' && f.expected === 'denied' && f.observed === 'allowed')).toBe(true);
    expect((staging as unknown as { integrity: string[] }).integrity).toEqual([
      'network/oops.yaml is not listed in manifest.json (an object the compiler did not emit)',
      "kustomization.yaml does not list exactly the manifest's objects; extra: network/oops.yaml",
    ]);
    // a listed file gone: named, not proven, and no crash
    rmSync(join(bundles, 'staging', 'kustomization.yaml').replace('kustomization.yaml', 'network/oops.yaml'));
    const db2 = readFileSync(kust, 'utf8').split('\n').find((l) => l.includes('networkpolicy-staging-'))!.trim().slice(2);
    rmSync(join(bundles, 'staging', db2));
    const gone = await ztp(repo, 'verify', '--dir', bundles, 'staging');
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain(`FAIL staging: bundle integrity: ${db2} is listed in manifest.json but missing`);
    expect(gone.stdout).toMatch(/FAIL staging: bundle integrity: not proven: the bundle cannot be read \(kustomization.yaml lists \S+, which is not in the bundle\)/);
    expect(gone.stdout).toMatch(/^staging: NOT verified: 0 of 0 checks as declared$/m);
    // bytes as compiled: whole, and proven
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const clean = await ztp(repo, 'verify', '--dir', bundles, '-o', 'json');
    expect(clean.code).toBe(0);
    expect((JSON.parse(clean.stdout) as { integrity: string[] }[]).every((r) => r.integrity.length === 0)).toBe(true);
  });

  it('analyze judges one connection through every layer, and lists a bundle\'s connections', async () => {
    const repo = scratchRepo();
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const bundle = join(repo, 'dist', 'bundles', 'production');
    const allowed = await ztp(repo, 'analyze', bundle, '--src', 'production/api-server', '--dst', 'production/database', '--port', '5432');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/^production\/api-server\[Deployment\] => production\/database\[Deployment\] : TCP 5432: allowed$/m);
    expect(allowed.stdout).toContain('AuthorizationPolicy production/ztp-database rules[0]');
    const denied = await ztp(repo, 'analyze', bundle, '--src', 'production/frontend', '--dst', 'production/api-server', '--port', '8080', '--method', 'DELETE', '--path', '/api/x');
    expect(denied.stdout).toMatch(/: http-403$/m);
    const list = await ztp(repo, 'analyze', join(repo, 'dist', 'bundles', 'staging'), '-o', 'json');
    const conns = JSON.parse(list.stdout) as { src: string; dst: string; conn: string }[];
    expect(conns).toContainEqual({ src: 'staging/api-server[Deployment]', dst: 'staging/database[Deployment]', conn: 'TCP 5432' });
    expect(conns.some((c) => c.src === 'staging/frontend[Deployment]' && c.dst === 'staging/database[Deployment]')).toBe(false);
    expect((await ztp(repo, 'analyze', bundle, '--src', 'nope/x', '--dst', 'production/database', '--port', '1')).code).toBe(2);
  });

  it('diff names the connections and flows a change opens and closes', async () => {
    const repo = scratchRepo();
    expect((await ztp(repo, 'compile', '--out', join(repo, 'base'))).code).toBe(0);
    const envFile = join(repo, 'environments', 'staging', 'src', 'environment.ts');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace("flow({ from: apiServer, to: database, ports: ['postgres'] }),", "flow({ from: [apiServer, frontend], to: database, ports: ['postgres'] }),"));
    expect((await ztp(repo, 'compile')).code).toBe(0);
    const d = await ztp(repo, 'diff', 'base', 'dist/bundles');
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/^staging: changed, [1-9]\d* opened, 0 closed$/m);
    expect(d.stdout).toContain('  + flow staging/frontend -> staging/database:5432/TCP');
    expect(d.stdout).toContain('  + staging/frontend[Deployment] => staging/database[Deployment]:5432/TCP');
    expect(d.stdout).toMatch(/^production: unchanged, 0 opened, 0 closed$/m);
    const back = await ztp(repo, 'diff', 'dist/bundles', 'base', '-o', 'json');
    const parsed = JSON.parse(back.stdout) as { environment: string; closed: string[] }[];
    expect(parsed.find((e) => e.environment === 'staging')?.closed).toContain('staging/frontend[Deployment] => staging/database[Deployment]:5432/TCP');
  });

  it('diff compiles a git ref with its own ztp', async () => {
    const r = await ztp(REPO, 'diff', 'HEAD', 'HEAD', '-o', 'md');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^#### production \(unchanged\): 0 opened, 0 closed$/m);
    expect((await ztp(REPO, 'diff', 'no-such-ref-anywhere', 'HEAD')).code).toBe(2);
  });

  it('report renders the review report of a change, with the hidden marker and the opened connection', async () => {
    const repo = scratchRepo();
    expect((await ztp(repo, 'compile', '--out', join(repo, 'base'))).code).toBe(0);
    const envFile = join(repo, 'environments', 'staging', 'src', 'environment.ts');
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace("flow({ from: apiServer, to: database, ports: ['postgres'] }),", "flow({ from: [apiServer, frontend], to: database, ports: ['postgres'] }),"));
    const r = await ztp(repo, 'report', '--base', 'base');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<!-- ztp-report -->')).toBe(true);
    expect(r.stdout).toContain('staging/frontend[Deployment] => staging/database[Deployment]:5432/TCP');
    expect(r.stdout).toContain('<details>');
    expect((await ztp(repo, 'report')).code).toBe(2);
  });

  it('test proves the admission rules of an environment on every engine, with a verdict matrix and JUnit', async (ctx) => {
    const missing = await requireTools(['kyverno', 'gator', 'conftest', 'opa', 'kyverno-json', 'etcd', 'kube-apiserver']);
    if (missing) {
      console.log(missing);
      ctx.skip();
    }
    const junit = join(mkdtempSync(join(tmpdir(), 'ztp-test-')), 'admission.xml');
    temps.push(dirname(junit));
    const r = await ztp(REPO, 'test', 'staging', '--junit', junit);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^environment staging: \d+ examples x 8 engines$/m);
    expect(r.stdout).toMatch(/^pod-security-baseline\/privileged \S+ +deny +ok +ok +ok +ok +ok +ok +ok +ok/m);
    expect(r.stdout).toContain('admission proof: every example as promised on every engine that ran');
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite');
    expect((await ztp(REPO, 'test', 'no-such-module')).code).toBe(2);
  }, 300_000);

  it('test --dir proves what a bundle on disk ships: an edited rule fails, even with its hashes recomputed', async (ctx) => {
    const missing = await requireTools(['gator', 'conftest', 'opa', 'kyverno-json']);
    if (missing) {
      // outside CI only (under CI requireTools throws): the printed line says which engine is missing
      console.log(missing);
      ctx.skip();
    }
    const out = mkdtempSync(join(tmpdir(), 'ztp-shipped-'));
    temps.push(out);
    expect((await ztp(REPO, 'compile', 'staging', '--out', out)).code).toBe(0);
    const good = await ztp(REPO, 'test', 'staging', '--dir', out);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^environment staging as shipped: \d+ examples x 4 engines$/m);
    expect(good.stdout).toContain('admission proof: every example as promised on every engine that ran (environment staging as shipped: 4 of 4 engines ran)');
    // the privileged rule's Rego made to never hold, and manifest.json's hashes made to match
    const file = join(out, 'staging', 'admission', 'constrainttemplate-ztppodsecuritybaselineprivileged.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(/(violation contains \{"msg": msg\} if \{\n)/g, '$1                false\n'));
    const edited = await ztp(REPO, 'test', 'staging', '--dir', out);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^FAIL bundle integrity: .*constrainttemplate-ztppodsecuritybaselineprivileged\.yaml/m);
    const manifestPath = join(out, 'staging', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { objects: { file: string; sha256: string }[] };
    for (const o of manifest.objects) o.sha256 = createHash('sha256').update(readFileSync(join(out, 'staging', o.file))).digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    const rehashed = await ztp(REPO, 'test', 'staging', '--dir', out);
    expect(rehashed.code).toBe(1);
    expect(rehashed.stdout).not.toContain('bundle integrity');
    expect(rehashed.stdout).toMatch(/^FAIL gatekeeper allowed Pod\/container \(pod-security-baseline\/privileged example container\), expected deny$/m);
    expect((await ztp(REPO, 'test', 'nowhere', '--dir', out)).code).toBe(2);
  }, 300_000);

  it('test proves nothing, and says so with exit 2, when no engine is installed (outside CI)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ztp-no-tools-'));
    temps.push(empty);
    const r = await execa('node', [BIN, 'test', 'image-tags'], { cwd: REPO, reject: false, env: { CI: '', ZTP_TOOLS_DIR: empty } });
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^  opa: not run, because opa \S+ is not installed/m);
    expect(r.stdout).toMatch(/^admission proof NOT RUN: no engine ran for image-tags \(environment production\)/m);
    expect(r.stdout).not.toContain('every example as promised');
  });

  it('admission evaluate gives per object and engine the verdict and messages', async (ctx) => {
    const missing = await requireTools(['conftest', 'opa']);
    if (missing) {
      console.log(missing);
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'ztp-eval-'));
    temps.push(dir);
    writeFileSync(join(dir, 'privileged.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/a:1\n    securityContext: {privileged: true}\n');
    writeFileSync(join(dir, 'plain.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: x}\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/a:1\n');
    const r = await ztp(REPO, 'admission', 'evaluate', '--profile', 'baseline', '--engine', 'conftest', '--json', dir);
    expect(r.code).toBe(1);
    const records = JSON.parse(r.stdout) as { object: string; engine: string; allowed: boolean; messages: string[] }[];
    expect(records.find((x) => x.object === 'Pod/x/bad')).toMatchObject({ engine: 'conftest', allowed: false });
    expect(records.find((x) => x.object === 'Pod/x/bad')?.messages.join('\n')).toMatch(/pod-security-baseline\/privileged/);
    expect(records.find((x) => x.object === 'Pod/x/good')).toMatchObject({ allowed: true, messages: [] });
    const ok = await ztp(REPO, 'admission', 'evaluate', '--profile', 'baseline', '--engine', 'opa', join(dir, 'plain.yaml'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^allowed opa +Pod\/x\/good/m);
    expect((await ztp(REPO, 'admission', 'evaluate', '--profile', 'nope', dir)).code).toBe(2);
  });

  it('admission evaluate judges the items of a List one by one (kyverno-json alone would match no rule on the List) and names what it skips', async (ctx) => {
    const missing = await requireTools(['kyverno-json']);
    if (missing) {
      // outside CI only (under CI requireTools throws): the printed line says which engine is missing
      console.log(missing);
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'ztp-eval-list-'));
    temps.push(dir);
    writeFileSync(
      join(dir, 'list.yaml'),
      'apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: sneaky, namespace: x}\n  spec:\n    hostNetwork: true\n    containers:\n    - {name: c, image: registry.example.com/a:1}\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    );
    // kyverno-json matches on kinds: a List would match no rule, so only unpacking finds the Pod
    const r = await ztp(REPO, 'admission', 'evaluate', '--profile', 'baseline', '--engine', 'kyverno-json', '--json', dir);
    expect(r.code).toBe(1);
    const records = JSON.parse(r.stdout) as { object: string; allowed: boolean; messages: string[] }[];
    expect(records.map((x) => [x.object, x.allowed])).toEqual([['Pod/x/sneaky', false]]);
    expect(r.stderr).toMatch(/skipped, not Kubernetes objects \(no kind or metadata\): \S*list\.yaml #1/);
  });
});
