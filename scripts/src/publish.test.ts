import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFresh, folderBase, main, strayPaths, type DistRead, type PublishSteps } from './publish.ts';
import { listFiles } from '@ztp/compiler';

/**
 * Publishes from a real copy of this repository (its committed sources, compiled with its own
 * CLI) into a temporary git repository with a bare remote, as CI does on main.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IDENTITY = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };
const BRANCH = 'ztp-bundles';

let tmp: string;
let repo: string;
let remote: string;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: IDENTITY })).stdout;
}

async function gitMaybe(cwd: string, ...args: string[]): Promise<string | undefined> {
  const r = await execa('git', args, { cwd, env: IDENTITY, reject: false });
  return r.exitCode === 0 ? r.stdout : undefined;
}

async function compile(): Promise<void> {
  await execa(process.execPath, [join(repo, 'packages/cli/src/bin.ts'), 'compile'], { cwd: repo });
}

/** Runs `publish.ts` as CI does, in a child process: exit code and output. */
async function publishCli(...args: string[]) {
  const r = await execa(process.execPath, [join(ROOT, 'scripts/src/publish.ts'), ...args], { cwd: repo, env: IDENTITY, reject: false });
  return { code: r.exitCode, out: r.stdout, err: r.stderr };
}

/** Runs publish in this process, with steps replaced. */
async function publishIn(steps: PublishSteps, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: repo }, steps);
  return { code, out: out.join(''), err: err.join('') };
}

const tip = (ref: string) => gitMaybe(repo, 'rev-parse', '--verify', '--quiet', ref);
const remoteTip = () => gitMaybe(remote, 'rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`);

/** The files of a commit's tree. */
const treeFiles = async (commit: string) => (await git(repo, 'ls-tree', '-r', '--name-only', commit)).split('\n').filter(Boolean);

/**
 * A commit made by hand on the branch, as someone with push access could: `files` added to the
 * remote's tip (`message` may carry a forged trailer), pushed, and the local branch moved to it.
 */
async function commitByHand(files: Record<string, string>, message = 'by hand'): Promise<string> {
  const parent = (await remoteTip()) ?? '';
  const env = { ...IDENTITY, GIT_INDEX_FILE: join(tmp, 'hand-index') };
  await execa('git', ['read-tree', parent], { cwd: repo, env });
  for (const [path, text] of Object.entries(files)) {
    const blob = (await execa('git', ['hash-object', '-w', '--stdin'], { cwd: repo, env, input: text })).stdout;
    await execa('git', ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { cwd: repo, env });
  }
  const tree = (await execa('git', ['write-tree'], { cwd: repo, env })).stdout;
  rmSync(join(tmp, 'hand-index'));
  const commit = (await execa('git', ['commit-tree', tree, '-p', parent, '-m', message], { cwd: repo, env })).stdout;
  await git(repo, 'push', '--quiet', 'origin', `${commit}:refs/heads/${BRANCH}`);
  await git(repo, 'update-ref', `refs/heads/${BRANCH}`, commit);
  return commit;
}

/** The caller's side: HEAD, index and working tree exactly as before, no worktree left behind. */
async function callerState() {
  return { head: await git(repo, 'rev-parse', 'HEAD'), status: await git(repo, 'status', '--porcelain', '--ignored=no'), worktrees: await git(repo, 'worktree', 'list', '--porcelain') };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ztp-publish-test-'));
  repo = join(tmp, 'policies');
  remote = join(tmp, 'remote.git');
  mkdirSync(repo);
  await execa('sh', ['-c', 'git -C "$1" archive HEAD | tar -x -C "$2"', 'sh', ROOT, repo]);
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  await git(tmp, 'init', '--quiet', '--bare', remote);
  await git(repo, 'init', '--quiet', '-b', 'main');
  await git(repo, 'add', '--all');
  await git(repo, 'commit', '--quiet', '-m', 'policies');
  await git(repo, 'remote', 'add', 'origin', remote);
  await compile();
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('publish', () => {
  let first: string;

  it('commits every bundle and the ApplicationSet to the branch, naming the source commit, without touching the caller', async () => {
    const before = await callerState();
    const source = before.head;
    const r = await publishCli();
    expect(r.code, r.err).toBe(0);
    first = (await tip(`refs/heads/${BRANCH}`)) ?? '';
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(repo, 'rev-list', '--count', BRANCH)).toBe('1');
    const message = await git(repo, 'log', '-1', '--format=%B', BRANCH);
    expect(message).toContain(`ztp: publish bundles of ${source.slice(0, 12)}`);
    expect(message).toContain(`Ztp-Source-Commit: ${source}`);
    expect(message).toMatch(/^dev: \d+ checks as declared \(changed\)$/m);
    // Exactly the compiled bytes, where the ApplicationSet says Argo CD reads them.
    const files = (await git(repo, 'ls-tree', '-r', '--name-only', BRANCH)).split('\n');
    expect(files).toContain('bundles/dev/manifest.json');
    expect(files).toContain('argocd/applicationset.yaml');
    expect(files.every((f) => f.startsWith('bundles/') || f === 'argocd/applicationset.yaml')).toBe(true);
    const appset = readFileSync(join(repo, 'dist/argocd/applicationset.yaml'), 'utf8');
    expect(appset).toContain(`targetRevision: ${BRANCH}`);
    expect(appset).toContain('path: bundles/{{.environment}}');
    for (const f of ['bundles/dev/kustomization.yaml', 'bundles/production/manifest.json', 'argocd/applicationset.yaml']) {
      expect(await git(repo, 'show', `${BRANCH}:${f}`), f).toBe(readFileSync(join(repo, 'dist', f), 'utf8').replace(/\n$/, ''));
    }
    expect(await callerState()).toEqual(before);
    expect(await remoteTip()).toBeUndefined();
  });

  it('makes no commit when the branch already holds the same bundles', async () => {
    const r = await publishCli();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${BRANCH} already holds these bundles; nothing to commit`);
    expect(await tip(`refs/heads/${BRANCH}`)).toBe(first);
  });

  it('pushes only when asked, creating the remote branch', async () => {
    const r = await publishCli('--push');
    expect(r.code, r.err).toBe(0);
    // The remote had no branch: the first pushed commit starts it (the local-only one is replaced).
    const pushed = await remoteTip();
    expect(pushed).toMatch(/^[0-9a-f]{40}$/);
    expect(await tip(`refs/heads/${BRANCH}`)).toBe(pushed);
    expect(await git(remote, 'rev-parse', `${pushed}^{tree}`)).toBe(await git(repo, 'rev-parse', `${first}^{tree}`));
    const again = await publishCli('--push');
    expect(again.code, again.err).toBe(0);
    expect(await remoteTip()).toBe(pushed);
  });

  it('refuses a stale dist: the source changed and was not compiled', async () => {
    const envFile = join(repo, 'environments/dev/src/environment.ts');
    const text = readFileSync(envFile, 'utf8');
    expect(text).toContain('port: 5432');
    writeFileSync(envFile, text.replace('port: 5432', 'port: 5433'));
    await git(repo, 'commit', '--quiet', '-am', 'dev: database on 5433');
    const tipBefore = await tip(`refs/heads/${BRANCH}`);
    const r = await publishCli('--push');
    expect(r.code).toBe(1);
    expect(r.err).toContain('refused to publish to ztp-bundles; nothing was committed');
    expect(r.err).toContain('out of date: dev');
    expect(await tip(`refs/heads/${BRANCH}`)).toBe(tipBefore);
    expect(await remoteTip()).toBe(tipBefore);
  });

  it('publishes a changed bundle as one commit naming the new source commit', async () => {
    await compile();
    const source = await git(repo, 'rev-parse', 'HEAD');
    const parent = await remoteTip();
    const r = await publishCli('--push');
    expect(r.code, r.err).toBe(0);
    const commit = await remoteTip();
    expect(commit).not.toBe(parent);
    expect(await git(repo, 'rev-parse', `${commit}^`)).toBe(parent);
    expect(await git(repo, 'log', '-1', '--format=%s', commit ?? '')).toBe(`ztp: publish bundles of ${source.slice(0, 12)}`);
    expect((await git(repo, 'log', '-1', '--format=%(trailers:key=Ztp-Source-Commit,valueonly)', commit ?? '')).trim()).toBe(source);
    const changed = (await git(repo, 'diff', '--name-only', parent ?? '', commit ?? '')).split('\n');
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((f) => f.startsWith('bundles/dev/'))).toBe(true);
    expect(await git(repo, 'show', `${commit}:bundles/dev/manifest.json`)).toContain('"port":5433');
  });

  it('refuses a bundle with an extra allow-all NetworkPolicy, listed or not, with exit 1 and nothing committed', async () => {
    const dev = join(repo, 'dist/bundles/dev');
    const kustomization = readFileSync(join(dev, 'kustomization.yaml'), 'utf8');
    const allowAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: dev\nspec:\n  podSelector: {}\n  ingress:\n    - {}\n  policyTypes:\n    - Ingress\n';
    writeFileSync(join(dev, 'network/networkpolicy-dev-allow-all.yaml'), allowAll);
    const tipBefore = await tip(`refs/heads/${BRANCH}`);
    try {
      const unlisted = await publishCli('--push');
      expect(unlisted.code).toBe(1);
      expect(unlisted.err).toContain('dev: network/networkpolicy-dev-allow-all.yaml is not listed in manifest.json');
      writeFileSync(join(dev, 'kustomization.yaml'), kustomization.replace('resources:\n', 'resources:\n  - network/networkpolicy-dev-allow-all.yaml\n'));
      const listed = await publishCli('--push');
      expect(listed.code).toBe(1);
      expect(listed.err).toMatch(/dev fails verification: \d+ of \d+ checks differ from the declared intent:\n\s+.+ => dev\/[a-z-]+\[Deployment\]:\d+\/TCP.*: declared denied.*, bundle says allowed\n\s+.*allow by NetworkPolicy dev\/allow-all/);
      expect(listed.err).toMatch(/… and \d+ more \('ztp verify dev --dir dist\/bundles' lists them all\)/);
      expect(await tip(`refs/heads/${BRANCH}`)).toBe(tipBefore);
      expect(await remoteTip()).toBe(tipBefore);
    } finally {
      rmSync(join(dev, 'network/networkpolicy-dev-allow-all.yaml'));
      writeFileSync(join(dev, 'kustomization.yaml'), kustomization);
    }
  });

  it('refuses by its own proof: a consistent bundle that allows more than declared fails verifyBundle alone', async () => {
    // The allow-all written as the compiler would (listed in the kustomization and the manifest,
    // with its hash), and the freshness check passed: only the proof stands in the way.
    const dev = join(repo, 'dist/bundles/dev');
    const saved = new Map(['kustomization.yaml', 'manifest.json'].map((f) => [f, readFileSync(join(dev, f), 'utf8')]));
    const file = 'network/networkpolicy-dev-allow-all.yaml';
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-all\n  namespace: dev\nspec:\n  podSelector: {}\n  ingress:\n    - {}\n  policyTypes:\n    - Ingress\n';
    const manifest = JSON.parse(saved.get('manifest.json') ?? '') as { objects: object[] };
    manifest.objects.push({ file, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'dev', name: 'allow-all', layer: 'network', syncWave: 0, sha256: createHash('sha256').update(text).digest('hex'), sources: [] });
    writeFileSync(join(dev, file), text);
    writeFileSync(join(dev, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(dev, 'kustomization.yaml'), (saved.get('kustomization.yaml') ?? '').replace('resources:\n', `resources:\n  - ${file}\n`));
    const tipBefore = await tip(`refs/heads/${BRANCH}`);
    try {
      const r = await publishIn({ checkFresh: async () => [] });
      expect(r.code).toBe(1);
      expect(r.err).not.toContain('not listed');
      expect(r.err).not.toContain('sha256');
      expect(r.err).toMatch(/dev fails verification/);
      expect(r.err).toMatch(/=> dev\/[a-z-]+\[Deployment\]:\d+\/TCP/);
      expect(await tip(`refs/heads/${BRANCH}`)).toBe(tipBefore);
    } finally {
      rmSync(join(dev, file));
      for (const [f, t] of saved) writeFileSync(join(dev, f), t);
    }
  });

  it('refuses uncommitted source changes unless --allow-dirty', async () => {
    const note = join(repo, 'environments/dev/NOTES.md');
    writeFileSync(note, 'scratch\n');
    try {
      const r = await publishIn({ checkFresh: async () => [] });
      expect(r.code).toBe(1);
      expect(r.err).toContain('the source tree has uncommitted changes');
      expect(r.err).toContain('environments/dev/NOTES.md');
      const allowed = await publishIn({ checkFresh: async () => [] }, '--allow-dirty');
      expect(allowed.code, allowed.err).toBe(0);
      expect(allowed.out).toContain('already holds these bundles');
    } finally {
      rmSync(note);
    }
  });

  it('exits 2 on a usage error', async () => {
    const r = await publishIn({ checkFresh: async () => [] }, 'no-such-env');
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown environment no-such-env');
    expect((await publishIn({ checkFresh: async () => [] }, '--bogus')).code).toBe(2);
  });

  it('checks freshness on the very bytes it read from dist, compiling the source in process', async () => {
    const environments = readdirSync(join(repo, 'dist/bundles')).sort();
    expect(environments).toContain('dev');
    const read = new Map(environments.map((env) => {
      const dir = join(repo, 'dist/bundles', env);
      return [env, new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f))] as const))] as const;
    }));
    const applicationSet = readFileSync(join(repo, 'dist/argocd/applicationset.yaml'));
    expect(await compileFresh(repo, { bundles: read, applicationSet })).toEqual([]);
    // one byte changed in what was read (as if dist changed after a separate check had looked at it)
    const dev = new Map(read.get('dev'));
    const file = [...dev.keys()].find((f) => f.startsWith('network/'))!;
    dev.set(file, Buffer.concat([dev.get(file)!, Buffer.from('# edited\n')]));
    const stale = await compileFresh(repo, { bundles: new Map([...read, ['dev', dev]]), applicationSet: Buffer.from('x') });
    expect(stale).toHaveLength(2);
    expect(stale[0]).toContain(`out of date: dev`);
    expect(stale[0]).toContain(`  ~ ${file}`);
    expect(stale[1]).toContain('out of date: argocd');
    // and publish hands the step exactly the bytes it commits
    let seen: DistRead | undefined;
    const r = await publishIn({ checkFresh: async (_root, got) => ((seen = got), []) });
    expect(r.code, r.err).toBe(0);
    expect([...(seen?.bundles.keys() ?? [])].sort()).toEqual(environments);
    for (const [env, files] of read) for (const [f, bytes] of files) expect(seen?.bundles.get(env)?.get(f)?.equals(bytes), `${env}/${f}`).toBe(true);
  });

  it('removes what ztp does not publish, committed by hand on the branch, even when the bundles did not change', async () => {
    const published = (await remoteTip()) ?? '';
    const publishedFiles = await treeFiles(published);
    const rogue = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: rogue\n  namespace: argocd\n';
    await commitByHand({
      'argocd/extra-app.yaml': rogue,
      'bundles/rogue/kustomization.yaml': 'resources:\n  - https://example.com/anything.yaml\n',
      '.gitattributes': '* text eol=crlf\n',
      'bundles/retired/manifest.json': '{}\n',
      'bundles/retired/networkpolicy.yaml': 'kind: NetworkPolicy\n',
      'bundles/production/NOTES.md': 'scratch\n',
    });
    const strays = ['.gitattributes', 'argocd/extra-app.yaml', 'bundles/rogue/kustomization.yaml'];
    // A partial publish keeps the other environments' folders and a stale environment's, and nothing else.
    const partial = await publishCli('--push', 'dev');
    expect(partial.code, partial.err).toBe(0);
    expect(partial.out).not.toContain('nothing to commit');
    for (const p of strays) expect(partial.out).toContain(`${p}: removed (not published by ztp)`);
    const afterPartial = (await remoteTip()) ?? '';
    const message = await git(repo, 'log', '-1', '--format=%B', afterPartial);
    for (const p of strays) expect(message).toContain(`${p}: removed (not published by ztp)`);
    const kept = await treeFiles(afterPartial);
    for (const p of strays) expect(kept).not.toContain(p);
    expect(kept).toEqual(expect.arrayContaining(['bundles/retired/manifest.json', 'bundles/retired/networkpolicy.yaml', 'bundles/production/NOTES.md', 'argocd/applicationset.yaml']));
    // A full publish replaces every environment's folder and prunes the stale one: exactly what was published before.
    const full = await publishCli('--push');
    expect(full.code, full.err).toBe(0);
    expect(full.out).toContain('retired: removed (no longer an environment)');
    const afterFull = (await remoteTip()) ?? '';
    expect(await git(repo, 'rev-parse', `${afterFull}^{tree}`)).toBe(await git(repo, 'rev-parse', `${published}^{tree}`));
    expect(await treeFiles(afterFull)).toEqual(publishedFiles);
  });

  it('refuses to publish a commit older than the one the branch holds, unless --allow-rollback', async () => {
    const newer = await git(repo, 'rev-parse', 'HEAD');
    const older = await git(repo, 'rev-parse', 'HEAD^');
    const held = (await remoteTip()) ?? '';
    expect((await git(repo, 'log', '-1', '--format=%(trailers:key=Ztp-Source-Commit,valueonly)', held)).trim()).toBe(newer);
    try {
      // an old CI job run again: the older commit checked out and compiled, its bundles fresh and proven
      await git(repo, 'checkout', '--quiet', '--detach', older);
      await compile();
      const r = await publishCli('--push');
      expect(r.code).toBe(1);
      expect(r.err).toContain('nothing was committed');
      expect(r.err).toContain(`HEAD (${older.slice(0, 12)}) is older than what ztp-bundles has held (the bundles of ${newer.slice(0, 12)}, a later commit)`);
      expect(r.err).toContain('revert the change on main');
      expect(r.err).toContain('--allow-rollback');
      expect(r.err).not.toContain('out of date');
      expect(await remoteTip()).toBe(held);
      expect(await tip(`refs/heads/${BRANCH}`)).toBe(held);
      // asked for: the older bundles are published, and the commit says it rolled back
      const allowed = await publishCli('--push', '--allow-rollback');
      expect(allowed.code, allowed.err).toBe(0);
      const rolledBack = (await remoteTip()) ?? '';
      expect(rolledBack).not.toBe(held);
      expect(await git(repo, 'show', `${rolledBack}:bundles/dev/manifest.json`)).toContain('"port":5432');
      expect((await git(repo, 'log', '-1', '--format=%(trailers:key=Ztp-Source-Commit,valueonly)', rolledBack)).trim()).toBe(older);
      expect(await git(repo, 'log', '-1', '--format=%B', rolledBack)).toContain(`rolled back (--allow-rollback): ztp-bundles held the bundles of ${newer}, later than ${older.slice(0, 12)}`);
      // the old job run again after that: still older than what the branch has held
      const again = await publishCli('--push');
      expect(again.code, again.err).toBe(0);
      expect(again.out).toContain('already holds these bundles');
    } finally {
      await git(repo, 'checkout', '--quiet', 'main');
      await compile();
    }
    // a descendant of the commit the branch holds publishes as usual
    const forward = await publishCli('--push');
    expect(forward.code, forward.err).toBe(0);
    expect((await git(repo, 'log', '-1', '--format=%(trailers:key=Ztp-Source-Commit,valueonly)', (await remoteTip()) ?? '')).trim()).toBe(newer);
    expect(await git(repo, 'show', `${await remoteTip()}:bundles/dev/manifest.json`)).toContain('"port":5433');
  });

  it('publishes over a commit of another line of history, naming it; refuses when a shallow clone cannot tell, saying to fetch the history', async () => {
    // a commit on no branch of this full clone (a feature branch published, then squash-merged and deleted): no rollback of this line
    const other = 'e'.repeat(40);
    const feature = await commitByHand({}, `ztp: publish bundles of eeeeeeeeeeee\n\nZtp-Source-Commit: ${other}\n`);
    const over = await publishCli('--push');
    expect(over.code, over.err).toBe(0);
    const replaced = (await remoteTip()) ?? '';
    expect(await git(repo, 'rev-parse', `${replaced}^`)).toBe(feature);
    expect(await git(repo, 'log', '-1', '--format=%B', replaced)).toContain(`replaces the bundles of ${other}, a commit of another line of history`);
    // in a shallow clone, a commit it lacks may be a later one of its own line: refused
    const unknown = 'f'.repeat(40);
    const forged = await commitByHand({}, `ztp: publish bundles of ffffffffffff\n\nZtp-Source-Commit: ${unknown}\n`);
    const shallowFile = join(repo, '.git', 'shallow');
    writeFileSync(shallowFile, `${await git(repo, 'rev-parse', 'HEAD')}\n`);
    let r: Awaited<ReturnType<typeof publishCli>>;
    let allowed: Awaited<ReturnType<typeof publishCli>>;
    let heldMeanwhile: string | undefined;
    try {
      expect(await git(repo, 'rev-parse', '--is-shallow-repository')).toBe('true');
      r = await publishCli('--push');
      heldMeanwhile = await remoteTip();
      // allowed, it commits even with the same bundles, so the branch names the commit it now holds
      allowed = await publishCli('--push', '--allow-rollback');
    } finally {
      rmSync(shallowFile, { force: true });
    }
    expect(r.code).toBe(1);
    expect(r.err).toContain(`ztp-bundles holds the bundles of ${unknown} (its Ztp-Source-Commit), which is not in this shallow clone`);
    expect(r.err).toContain("fetch the history ('fetch-depth: 0' in actions/checkout, or 'git fetch --unshallow'), or pass --allow-rollback");
    expect(heldMeanwhile).toBe(forged);
    expect(allowed.code, allowed.err).toBe(0);
    const fixed = (await remoteTip()) ?? '';
    expect(await git(repo, 'rev-parse', `${fixed}^`)).toBe(forged);
    expect(await git(repo, 'rev-parse', `${fixed}^{tree}`)).toBe(await git(repo, 'rev-parse', `${forged}^{tree}`));
    expect((await git(repo, 'log', '-1', '--format=%(trailers:key=Ztp-Source-Commit,valueonly)', fixed)).trim()).toBe(await git(repo, 'rev-parse', 'HEAD'));
    const again = await publishCli('--push');
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('already holds these bundles');
  });

  it('leaves no worktree and no temporary folder behind', async () => {
    expect((await git(repo, 'worktree', 'list')).split('\n')).toHaveLength(1);
    const admin = join(repo, '.git', 'worktrees');
    expect(existsSync(admin) ? readdirSync(admin) : []).toEqual([]);
  });
});


describe('strayPaths', () => {
  const tree = ['argocd/applicationset.yaml', 'argocd/extra-app.yaml', '.gitattributes', 'README.md', 'bundles/dev/manifest.json', 'bundles/dev/network/a.yaml', 'bundles/old/manifest.json', 'bundles/old/x.yaml', 'bundles/rogue/kustomization.yaml', 'bundles/kustomization.yaml', 'bundles/dev', 'other/dev/x.yaml'];

  it('keeps the ApplicationSet, the environments\' folders and stale bundles (a manifest.json), and nothing else', () => {
    expect(strayPaths(tree, 'bundles', ['dev', 'production'])).toEqual(['argocd/extra-app.yaml', '.gitattributes', 'README.md', 'bundles/rogue/kustomization.yaml', 'bundles/kustomization.yaml', 'bundles/dev', 'other/dev/x.yaml']);
  });

  it('never keeps anything else under argocd/, even as a stale bundle at the top of the branch', () => {
    const top = ['argocd/applicationset.yaml', 'argocd/manifest.json', 'argocd/extra-app.yaml', 'dev/manifest.json', 'old/manifest.json', 'old/x.yaml', '.gitattributes', 'rogue/kustomization.yaml'];
    expect(strayPaths(top, '', ['dev', 'argocd'])).toEqual(['argocd/manifest.json', 'argocd/extra-app.yaml', '.gitattributes', 'rogue/kustomization.yaml']);
  });
});

describe('folderBase', () => {
  it('normalises gitops.path to a folder inside the branch', () => {
    expect(folderBase('bundles')).toBe('bundles');
    expect(folderBase('./clusters/bundles/')).toBe('clusters/bundles');
    expect(folderBase('/bundles')).toBe('bundles');
    expect(folderBase('.')).toBe('');
  });
});
