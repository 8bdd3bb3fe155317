/**
 * Publishes each environment's compiled bundle where Argo CD reads it: the folder `<path>/<env>`
 * of the branch `revision` (both from `ztp.config.json`), plus the ApplicationSet at
 * `argocd/applicationset.yaml` when every environment is published.
 *
 *   node scripts/src/publish.ts [env...] [--push] [--remote NAME] [--dist DIR] [--root DIR] [--allow-dirty] [--allow-rollback]
 *
 * It refuses (exit 1, nothing committed) unless every bundle it would publish
 *   - is fresh: the bytes read from dist, once, are exactly what the source compiles to now
 *     (compiled in this process, so the bytes checked are the bytes committed);
 *   - is whole: every file is listed in `manifest.json` with its sha256, and `kustomization.yaml`
 *     is exactly the one the compiler writes for the manifest's objects (no other kustomize field,
 *     such as `patches`, can ride along);
 *   - is proven: `verifyBundle` on the very bytes that are committed (checked again, blob by blob,
 *     after staging) finds the bundle allows exactly its declared intent;
 * and the source tree is clean (the commit message names the source commit, so the bundle must be
 * that commit's), unless `--allow-dirty`; and the source commit is not older than the one whose
 * bundles the branch holds (the `Ztp-Source-Commit` trailer of its newest publish commit: refused
 * when the source is its ancestor, or when a shallow clone cannot tell), so re-running an old job
 * cannot roll the clusters back, unless `--allow-rollback`. A commit of another line of history
 * (neither contains the other, e.g. a feature branch published and then squash-merged) is
 * published, and the commit message names what it replaced.
 *
 * The branch holds only what ztp publishes: `argocd/applicationset.yaml` and the folders
 * `<path>/<env>` of the repository's environments (and, on a partial publish, the folders of stale
 * environments, which a full publish prunes). Anything else on the previous tip, such as a file
 * committed by hand (another Application in `argocd/`, a root `.gitattributes`), is removed and
 * reported, so a publish commits even when the bundles did not change.
 *
 * Git runs in a temporary worktree on the publish branch; the caller's working tree, index and
 * HEAD are never touched. The commit names the source commit; when the branch already holds
 * exactly these files nothing is committed. Without `--push` the commit goes to the local branch
 * only; with it, the commit is made on the remote's tip and pushed (never forced).
 *
 * Exit codes: 0 published or already up to date, 1 refused or push rejected, 2 usage error.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { compileEnvironments, discoverEnvironments, findRoot, listFiles, loadEnvironment, loadGitOpsSettings, type CompiledRepository } from '@ztp/compiler';
import { checkIntegrity, verifyBundle } from '@ztp/verify';

/** Where the ApplicationSet goes on the publish branch. */
export const APPLICATION_SET_PATH = 'argocd/applicationset.yaml';

/** How many failing connections a refusal names (the rest are counted). */
const PROOF_FAILURES_SHOWN = 5;

/** What to publish, and how. */
export interface PublishOptions {
  /** The policy repository (its git work tree). */
  readonly root: string;
  /** Environments to publish; empty: every environment of the repository (and prune the others). */
  readonly environments: readonly string[];
  /** Push the commit to `remote` (the commit is then made on the remote's tip). */
  readonly push: boolean;
  readonly remote: string;
  /** The compile output folder holding `bundles/<env>` and `argocd/` (default `<root>/dist`). */
  readonly dist: string;
  /** Publish even if the source tree has uncommitted changes. */
  readonly allowDirty: boolean;
  /** Publish even if the branch holds the bundles of a commit the source commit does not contain (or that is not in this clone). */
  readonly allowRollback: boolean;
}

/** What happened. */
export interface PublishResult {
  readonly status: 'published' | 'unchanged' | 'refused' | 'rejected';
  readonly branch: string;
  readonly sourceCommit?: string;
  /** The new commit on the publish branch. */
  readonly commit?: string;
  /** Environments whose folder changed (and `argocd` for the ApplicationSet, `-<env>` for pruned). */
  readonly changed: readonly string[];
  /** Paths of the previous tip that ztp does not publish, removed by this commit. */
  readonly removed: readonly string[];
  readonly pushed: boolean;
  /** Why it refused, or progress lines. */
  readonly messages: readonly string[];
}

/** What publish read from dist, once: the bundles by environment, and the ApplicationSet when every environment is published. */
export interface DistRead {
  readonly bundles: ReadonlyMap<string, Files>;
  readonly applicationSet: Buffer | undefined;
}

/** The checks that need the real compiler; tests replace them. */
export interface PublishSteps {
  /** Problems if the bytes read are not exactly what the source compiles to now. */
  readonly checkFresh: (root: string, read: DistRead) => Promise<string[]>;
}

type Files = ReadonlyMap<string, Buffer>;

const USAGE = 'usage: node scripts/src/publish.ts [env...] [--push] [--remote NAME] [--dist DIR] [--root DIR] [--allow-dirty] [--allow-rollback]';

/** The trailer naming the source commit of a publish commit. */
const SOURCE_TRAILER = 'Ztp-Source-Commit';

/** `gitops.path` as a folder inside the branch: no leading `./` or `/`, no trailing `/`, `` for the top. */
export function folderBase(path: string): string {
  const p = posix.normalize(path).replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

/**
 * The paths of a branch tree that ztp does not publish: all but `argocd/applicationset.yaml`, the
 * files inside `<base>/<env>/` for the repository's `environments`, and the files inside a folder
 * `<base>/<d>/` that holds a `manifest.json` (a stale environment's bundle, which a full publish
 * prunes and a partial one keeps). Nothing else under `argocd/` is ztp's, whatever the base.
 */
export function strayPaths(paths: readonly string[], base: string, environments: readonly string[]): string[] {
  const under = base === '' ? '' : `${base}/`;
  const folders = new Set(environments.map((env) => `${under}${env}/`));
  for (const p of paths) {
    const parts = p.startsWith(under) ? p.slice(under.length).split('/') : [];
    if (parts.length === 2 && parts[1] === 'manifest.json') folders.add(`${under}${parts[0]}/`);
  }
  const owned = (p: string) => p === APPLICATION_SET_PATH || (!p.startsWith('argocd/') && [...folders].some((f) => p.startsWith(f)));
  return paths.filter((p) => !owned(p));
}

/** Runs git in `cwd`, byte-exact (no line-ending conversion); returns stdout, trimmed. */
async function git(cwd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await execa('git', ['-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false', ...args], { cwd, input, stripFinalNewline: true });
  return r.stdout;
}

/** Like `git`, but `undefined` instead of throwing when git fails. */
async function gitMaybe(cwd: string, args: readonly string[]): Promise<string | undefined> {
  const r = await execa('git', args, { cwd, reject: false, stripFinalNewline: true });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/**
 * The source compiled in this process, compared with the bytes publish read: every bundle (its
 * set of files and each file's bytes) and the ApplicationSet. Problems name what differs, as
 * `ztp compile --check` does.
 */
export async function compileFresh(root: string, read: DistRead): Promise<string[]> {
  let compiled: CompiledRepository;
  try {
    const all: Awaited<ReturnType<typeof loadEnvironment>>[] = [];
    for (const s of discoverEnvironments(root)) all.push(await loadEnvironment(s));
    compiled = compileEnvironments(all.filter((e) => read.bundles.has(e.name)), root, loadGitOpsSettings(root), all);
  } catch (e) {
    return [`the source does not compile, so dist cannot be its bundles; fix it and run 'ztp compile':\n${(e as Error).message}`];
  }
  const problems: string[] = [];
  const compare = (name: string, expected: ReadonlyMap<string, string>, actual: Files) => {
    const lines = [
      ...[...expected.keys()].filter((f) => !actual.has(f)).map((f) => `  + ${f}`),
      ...[...actual.keys()].filter((f) => !expected.has(f)).map((f) => `  - ${f}`),
      ...[...expected].filter(([f, text]) => actual.has(f) && !Buffer.from(text).equals(actual.get(f)!)).map(([f]) => `  ~ ${f}`),
    ];
    if (lines.length > 0) problems.push(`out of date: ${name} (dist is not what the source compiles to now; run 'ztp compile' on the source commit)\n${lines.join('\n')}`);
  };
  for (const b of compiled.bundles) compare(b.environment, b.files, read.bundles.get(b.environment) ?? new Map());
  if (read.applicationSet !== undefined) compare('argocd', new Map([['applicationset.yaml', compiled.applicationSet]]), new Map([['applicationset.yaml', read.applicationSet]]));
  return problems;
}

/** Every file of a bundle folder, as bytes. */
function readFolder(dir: string): Files {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f))] as const));
}


/** Whether the bundle allows exactly its declared intent, judged on these bytes. Problems, if any. */
export function checkProof(environment: string, files: Files): { problems: string[]; summary: string } {
  const texts = new Map([...files].map(([f, b]) => [f, b.toString('utf8')] as const));
  try {
    const report = verifyBundle({ files: texts });
    if (report.ok) return { problems: [], summary: `${report.checks.length} checks as declared` };
    const shown = report.failures.slice(0, PROOF_FAILURES_SHOWN);
    const lines = shown.map((f) => `${f.id}: declared ${f.expected}, bundle says ${f.observed}${f.decidedBy.length ? `\n  ${f.decidedBy.join('\n  ')}` : ''}`);
    const more = report.failures.length - shown.length;
    if (more > 0) lines.push(`… and ${more} more ('ztp verify ${environment} --dir dist/bundles' lists them all)`);
    return { problems: [`${environment} fails verification: ${report.failures.length} of ${report.checks.length} checks differ from the declared intent:\n${lines.join('\n')}`], summary: 'not proven' };
  } catch (e) {
    return { problems: [`${environment} cannot be verified: ${(e as Error).message}`], summary: 'not proven' };
  }
}

/** The commit to build on: the remote's tip when pushing, else the local branch, else its remote-tracking ref. */
async function baseCommit(root: string, remote: string, branch: string, push: boolean): Promise<string | undefined> {
  if (push) {
    const heads = await git(root, ['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
    if (heads === '') return undefined;
    await git(root, ['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
    return git(root, ['rev-parse', '--verify', `refs/remotes/${remote}/${branch}^{commit}`]);
  }
  return (await gitMaybe(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])) ?? (await gitMaybe(root, ['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${branch}^{commit}`]));
}

/** How many of the branch's latest publishes the rollback check compares the source with. */
const PUBLISHES_COMPARED = 50;

/**
 * The source commits whose bundles the branch held, newest first (the trailers of the publish
 * commits at or below `tip`, first parents, the latest {@link PUBLISHES_COMPARED}), each once.
 */
async function publishedSources(root: string, tip: string): Promise<string[]> {
  const value = await git(root, ['log', '--first-parent', `-${PUBLISHES_COMPARED}`, `--grep=^${SOURCE_TRAILER}: `, `--format=%(trailers:key=${SOURCE_TRAILER},valueonly)`, tip]);
  return [...new Set(value.split('\n').map((l) => l.trim()).filter(Boolean))];
}

/**
 * How the source commit stands to the commits whose bundles the branch held: `older` (an ancestor
 * of one of them: publishing would roll the clusters back), `unknown`
 * (the latest is not in this shallow clone, so publish cannot tell), or `diverged` (the latest is of
 * another line of history, e.g. a feature branch published, then squash-merged into main under
 * another sha: no rollback of anything published from this line, and the commit message says what
 * it replaced).
 */
interface Lineage {
  readonly previous: string;
  readonly relation: 'older' | 'unknown' | 'diverged';
}

async function isAncestor(root: string, a: string, b: string): Promise<boolean> {
  const r = await execa('git', ['merge-base', '--is-ancestor', a, b], { cwd: root, reject: false });
  if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`git merge-base --is-ancestor ${a} ${b} failed: ${r.stderr.trim()}`);
  return r.exitCode === 0;
}

/** The lineage of `source` against what the branch at `tip` held; `undefined` when it is the latest or newer (or nothing was published). */
async function lineageOf(root: string, tip: string, source: string): Promise<Lineage | undefined> {
  const published = await publishedSources(root, tip);
  const latest = published[0];
  if (latest === undefined || latest === source) return undefined;
  const present = new Map<string, boolean>();
  const inClone = async (c: string) => {
    let p = present.get(c);
    if (p === undefined) present.set(c, (p = /^[0-9a-f]{4,64}$/i.test(c) && (await gitMaybe(root, ['cat-file', '-e', `${c}^{commit}`])) !== undefined));
    return p;
  };
  // older than something published: an ancestor of it (this source published again after a
  // deliberate rollback is no ancestor of what replaced it, so it publishes)
  for (const previous of published) {
    if (previous !== source && (await inClone(previous)) && (await isAncestor(root, source, previous))) return { previous, relation: 'older' };
  }
  if (await inClone(latest)) return (await isAncestor(root, latest, source)) ? undefined : { previous: latest, relation: 'diverged' };
  // a full clone holds every commit of every branch: one it lacks is on none of them
  const shallow = (await gitMaybe(root, ['rev-parse', '--is-shallow-repository'])) === 'true';
  return { previous: latest, relation: shallow ? 'unknown' : 'diverged' };
}

/** The refusal for a rollback (or a lineage publish cannot tell), saying how to roll back properly or to fetch what is missing. */
function rollbackRefusal(branch: string, source: string, r: Lineage): string {
  const head = `HEAD (${source.slice(0, 12)})`;
  if (r.relation === 'unknown') {
    return `${branch} holds the bundles of ${r.previous} (its ${SOURCE_TRAILER}), which is not in this shallow clone, so publish cannot tell whether ${head} is older; fetch the history ('fetch-depth: 0' in actions/checkout, or 'git fetch --unshallow'), or pass --allow-rollback to publish anyway`;
  }
  return `${head} is older than what ${branch} has held (the bundles of ${r.previous.slice(0, 12)}, a later commit): publishing would roll the clusters back to older bundles (an old job run again?). To roll back, revert the change on main and publish that; to publish this commit anyway, pass --allow-rollback`;
}

/** A git identity for the commit when neither the environment nor git's config has one. */
async function identity(root: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (!process.env.GIT_AUTHOR_NAME && !process.env.GIT_COMMITTER_NAME && (await gitMaybe(root, ['config', 'user.name'])) === undefined) {
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = 'ztp publish';
  }
  if (!process.env.GIT_AUTHOR_EMAIL && !process.env.GIT_COMMITTER_EMAIL && (await gitMaybe(root, ['config', 'user.email'])) === undefined) {
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = 'ztp-publish@localhost';
  }
  return env;
}

/** The commit message: the source commit in the subject, per-environment results, and a trailer. */
export function commitMessage(source: string, lines: readonly string[]): string {
  const run = process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID ? `\nPublished by ${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}\n` : '';
  return `ztp: publish bundles of ${source.slice(0, 12)}\n\nCompiled and verified from source commit ${source}.\n\n${lines.join('\n')}\n${run}\n${SOURCE_TRAILER}: ${source}\n`;
}

/**
 * Publishes the compiled bundles (see the file comment). Never throws for a refused bundle: the
 * result says why. Throws for git failures other than a rejected push.
 */
export async function publish(o: PublishOptions, steps: PublishSteps = { checkFresh: compileFresh }): Promise<PublishResult> {
  const gitops = loadGitOpsSettings(o.root);
  const branch = gitops.revision;
  const base = folderBase(gitops.path);
  const refused = (messages: string[], sourceCommit?: string): PublishResult => ({ status: 'refused', branch, sourceCommit, changed: [], removed: [], pushed: false, messages });

  const all = discoverEnvironments(o.root).map((s) => s.name);
  const unknown = o.environments.filter((e) => !all.includes(e));
  if (unknown.length > 0) throw new UsageError(`unknown environment ${unknown.join(', ')}; the repository has ${all.join(', ')}`);
  const chosen = o.environments.length === 0 ? all : [...new Set(o.environments)].sort();
  const everything = o.environments.length === 0;
  const folderOf = (env: string) => (base === '' ? env : `${base}/${env}`);
  if (base === 'argocd' || base.startsWith('argocd/') || (base === '' && chosen.includes('argocd'))) {
    throw new UsageError(`gitops.path '${gitops.path}' puts bundles where ${APPLICATION_SET_PATH} goes; choose another path in ztp.config.json`);
  }

  const sourceCommit = await git(o.root, ['rev-parse', '--verify', 'HEAD^{commit}']);
  const problems: string[] = [];
  if (!o.allowDirty) {
    const dirty = await git(o.root, ['status', '--porcelain', '--untracked-files=normal']);
    if (dirty !== '') problems.push(`the source tree has uncommitted changes, so the bundles may not be those of ${sourceCommit.slice(0, 12)} (commit them, or --allow-dirty):\n${dirty}`);
  }

  // dist is read once: these bytes are checked for freshness, integrity and proof, and committed
  const bundles = new Map<string, Files>();
  const lines: string[] = [];
  for (const env of chosen) {
    const dir = join(o.dist, 'bundles', env);
    if (!existsSync(join(dir, 'manifest.json'))) {
      problems.push(`${env}: no compiled bundle in ${dir}; run 'ztp compile'`);
      continue;
    }
    const files = readFolder(dir);
    const integrity = checkIntegrity(env, files).map((p) => `${env}: ${p}`);
    const proof = checkProof(env, files);
    problems.push(...integrity, ...proof.problems);
    bundles.set(env, files);
    lines.push(`${env}: ${proof.summary}`);
  }
  const appsetFile = join(o.dist, 'argocd', 'applicationset.yaml');
  const appset = everything && existsSync(appsetFile) ? readFileSync(appsetFile) : undefined;
  if (everything && appset === undefined) problems.push(`${appsetFile} is missing; run 'ztp compile' with no environment arguments`);
  if (bundles.size === chosen.length) problems.push(...(await steps.checkFresh(o.root, { bundles, applicationSet: appset })));
  if (problems.length > 0) return refused(problems, sourceCommit);

  const checkedOut = (await git(o.root, ['worktree', 'list', '--porcelain'])).split('\n').some((l) => l === `branch refs/heads/${branch}`);
  if (checkedOut) return refused([`branch ${branch} is checked out in a worktree; publishing would move it under that checkout`], sourceCommit);

  const localBefore = await gitMaybe(o.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  const parent = await baseCommit(o.root, o.remote, branch, o.push);
  const lineage = parent === undefined ? undefined : await lineageOf(o.root, parent, sourceCommit);
  if (lineage !== undefined && lineage.relation !== 'diverged' && !o.allowRollback) return refused([rollbackRefusal(branch, sourceCommit, lineage)], sourceCommit);
  // an allowed rollback, or a commit of another line of history: committed even with the same bundles, so the branch names the commit it now holds
  const replaces = lineage;
  const tmp = mkdtempSync(join(tmpdir(), 'ztp-publish-'));
  const work = join(tmp, 'worktree');
  try {
    if (parent !== undefined) await git(o.root, ['worktree', 'add', '--quiet', '--detach', work, parent]);
    else {
      await git(o.root, ['worktree', 'add', '--quiet', '--detach', '--no-checkout', work, sourceCommit]);
      await git(work, ['read-tree', '--empty']);
    }
    // Only what ztp publishes stays: anything else on the tip (committed by hand) is removed first.
    const removed = strayPaths((await git(work, ['ls-files', '-z'])).split('\0').filter(Boolean), base, all);
    if (removed.length > 0) {
      await git(work, ['update-index', '--force-remove', '-z', '--stdin'], removed.join('\0'));
      for (const p of removed) rmSync(join(work, p), { recursive: true, force: true });
    }
    // Lay the bundles out exactly: each published folder replaced, stale environments pruned.
    const written: string[] = [];
    const pruned: string[] = [];
    if (everything && existsSync(join(work, base))) {
      for (const d of readdirSync(join(work, base), { withFileTypes: true })) {
        if (d.isDirectory() && !chosen.includes(d.name) && existsSync(join(work, base, d.name, 'manifest.json'))) {
          rmSync(join(work, base, d.name), { recursive: true, force: true });
          pruned.push(d.name);
        }
      }
    }
    for (const [env, files] of bundles) {
      const folder = join(work, folderOf(env));
      rmSync(folder, { recursive: true, force: true });
      for (const [f, bytes] of files) {
        mkdirSync(dirname(join(folder, f)), { recursive: true });
        writeFileSync(join(folder, f), bytes);
        written.push(`${folderOf(env)}/${f}`);
      }
    }
    if (appset !== undefined) {
      mkdirSync(join(work, dirname(APPLICATION_SET_PATH)), { recursive: true });
      writeFileSync(join(work, APPLICATION_SET_PATH), appset);
      written.push(APPLICATION_SET_PATH);
    }
    const paths = [...new Set([...chosen.map(folderOf), ...pruned.map(folderOf), ...(appset ? [APPLICATION_SET_PATH] : [])])];
    await git(work, ['add', '--all', '--force', '--', ...paths]);

    // The committed blobs must be the verified bytes (no filter or attribute may change them).
    const staged = new Map(
      (await git(work, ['ls-files', '--stage', '--', ...paths]))
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(l.indexOf('\t') + 1), l.split(' ')[1] ?? ''] as const),
    );
    const raw = (await git(work, ['hash-object', '--no-filters', '--stdin-paths'], written.map((w) => join(work, w)).join('\n'))).split('\n');
    const mismatched = written.filter((w, i) => staged.get(w) !== raw[i]);
    const unexpected = [...staged.keys()].filter((s) => !written.includes(s));
    if (mismatched.length + unexpected.length > 0) {
      return refused([`the staged files are not the verified bytes: ${[...mismatched, ...unexpected].join(', ')}`], sourceCommit);
    }

    const tree = await git(work, ['write-tree']);
    const before = parent === undefined ? await git(work, ['hash-object', '-t', 'tree', '--stdin'], '') : await git(work, ['rev-parse', `${parent}^{tree}`]);
    const changedPaths = (await git(work, ['diff-tree', '-r', '--name-only', before, tree])).split('\n').filter(Boolean);
    const changed = [
      ...chosen.filter((env) => changedPaths.some((p) => p.startsWith(`${folderOf(env)}/`))),
      ...(changedPaths.includes(APPLICATION_SET_PATH) ? ['argocd'] : []),
      ...pruned.map((env) => `-${env}`),
    ];
    if (tree === before && replaces === undefined) {
      if (parent !== undefined && o.push && localBefore !== parent) await git(o.root, ['update-ref', `refs/heads/${branch}`, parent, localBefore ?? '']);
      return { status: 'unchanged', branch, sourceCommit, commit: parent, changed: [], removed: [], pushed: false, messages: [...lines, `${branch} already holds these bundles; nothing to commit`] };
    }
    const report = [
      ...lines.map((l) => `${l}${changed.includes(l.split(':')[0] ?? '') ? ' (changed)' : ''}`),
      ...(changed.includes('argocd') ? [`${APPLICATION_SET_PATH}: changed`] : []),
      ...pruned.map((env) => `${env}: removed (no longer an environment)`),
      ...removed.map((p) => `${p}: removed (not published by ztp)`),
      ...(replaces === undefined
        ? []
        : replaces.relation === 'diverged'
          ? [`replaces the bundles of ${replaces.previous}, a commit of another line of history (${sourceCommit.slice(0, 12)} neither contains it nor is older: a feature branch published, then merged under another sha?)`]
          : [`rolled back (--allow-rollback): ${branch} held the bundles of ${replaces.previous}, ${replaces.relation === 'older' ? `later than ${sourceCommit.slice(0, 12)}` : 'not in the publishing clone'}`]),
    ];
    const message = commitMessage(sourceCommit, report);
    const commit = await execa('git', ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'], { cwd: work, input: message, env: await identity(o.root), stripFinalNewline: true }).then((r) => r.stdout);
    await git(o.root, ['update-ref', '-m', `ztp publish from ${sourceCommit.slice(0, 12)}`, `refs/heads/${branch}`, commit, localBefore ?? '']);
    const messages = [...report, `committed ${commit.slice(0, 12)} to ${branch} from source ${sourceCommit.slice(0, 12)}`];
    if (!o.push) return { status: 'published', branch, sourceCommit, commit, changed, removed, pushed: false, messages };
    const pushed = await execa('git', ['push', '--quiet', o.remote, `${commit}:refs/heads/${branch}`], { cwd: o.root, reject: false });
    if (pushed.exitCode !== 0) {
      return { status: 'rejected', branch, sourceCommit, commit, changed, removed, pushed: false, messages: [...messages, `push to ${o.remote} ${branch} was rejected (did someone else publish meanwhile? run again):\n${pushed.stderr.trim()}`] };
    }
    await gitMaybe(o.root, ['update-ref', `refs/remotes/${o.remote}/${branch}`, commit]);
    return { status: 'published', branch, sourceCommit, commit, changed, removed, pushed: true, messages: [...messages, `pushed to ${o.remote} ${branch}`] };
  } finally {
    await gitMaybe(o.root, ['worktree', 'remove', '--force', work]);
    rmSync(tmp, { recursive: true, force: true });
    await gitMaybe(o.root, ['worktree', 'prune']);
  }
}

/** A usage error: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where the command writes. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

/** Runs the command line; returns the exit code. */
export async function main(args: readonly string[], io: Io, steps?: PublishSteps): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        push: { type: 'boolean', default: false },
        remote: { type: 'string', default: 'origin' },
        dist: { type: 'string' },
        root: { type: 'string' },
        'allow-dirty': { type: 'boolean', default: false },
        'allow-rollback': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      io.out(`${USAGE}\n`);
      return 0;
    }
    const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
    const dist = values.dist ? resolve(io.cwd, values.dist) : join(root, 'dist');
    const r = await publish({ root, environments: positionals, push: values.push, remote: values.remote, dist, allowDirty: values['allow-dirty'], allowRollback: values['allow-rollback'] }, steps);
    if (r.status === 'refused') {
      io.err(`refused to publish to ${r.branch}; nothing was committed:\n${r.messages.map((m) => `  ${m.replace(/\n/g, '\n    ')}`).join('\n')}\n`);
      return 1;
    }
    io.out(`${r.messages.join('\n')}\n`);
    return r.status === 'rejected' ? 1 : 0;
  } catch (e) {
    const name = (e as Error).name;
    const usage = name === 'UsageError' || name === 'InputError' || (e instanceof TypeError && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));
    io.err(`${usage ? 'error' : 'publish failed'}: ${(e as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    return usage ? 2 : 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd() });
}
