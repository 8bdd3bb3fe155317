import { chmod, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildContext, BuildRecipe } from './types.ts';

/*
 * Build recipes. Every engine is built from source with the Go toolchain, fetching modules
 * through the Go module proxy (the only source of Go code reachable here). The builder
 * (build.ts) gives each recipe a Go environment whose module and build caches are shared by
 * all builds, so later builds reuse earlier downloads; recipes always pass `-trimpath` and
 * write the binary to `ctx.binDir`.
 */

/** `-ldflags` for a build: `-X importpath.name=value` pairs derived from the pinned version. */
export type LinkerFlags = (ctx: BuildContext) => readonly string[];

function buildFlags(ctx: BuildContext, ldflags: LinkerFlags | undefined): string[] {
  const flags = ['-trimpath'];
  const x = ldflags?.(ctx) ?? [];
  if (x.length > 0) flags.push(`-ldflags=${x.join(' ')}`);
  return flags;
}

/**
 * `go install <pkg>@<version>` with GOBIN set to the tool's bin directory. The binary is named
 * after the last element of the package path; `rename` is needed when the tool's binary name
 * differs from it.
 */
export function goInstall(pkg: string, options: { ldflags?: LinkerFlags } = {}): BuildRecipe {
  return {
    summary: `go install -trimpath ${pkg}@<version>`,
    async build(ctx) {
      await ctx.go(['install', ...buildFlags(ctx, options.ldflags), `${pkg}@${ctx.moduleVersion}`], {
        cwd: ctx.workDir,
      });
    },
  };
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else if (entry.isFile()) await chmod(path, 0o644);
  }
}

/**
 * For modules that `go install` cannot fetch (for instance when the proxy refuses their version
 * list): `go mod download -json <module>@<version>`, copy its source (`Dir`) to a writable
 * scratch directory, and `go build -o <bin> <pkg>` there.
 */
export function goBuildFromModuleSource(
  module: string,
  pkg: string,
  options: { ldflags?: LinkerFlags } = {},
): BuildRecipe {
  return {
    summary: `go mod download -json ${module}@<version>; cp -r <Dir> <tmp>; cd <tmp> && go build -trimpath -o <bin> ${pkg}`,
    async build(ctx) {
      const json = await ctx.go(['mod', 'download', '-json', `${module}@${ctx.moduleVersion}`], {
        cwd: ctx.workDir,
        capture: true,
      });
      const info = JSON.parse(json) as { Dir?: string; Error?: string };
      if (info.Error) throw new Error(`go mod download: ${info.Error}`);
      if (!info.Dir) throw new Error(`go mod download printed no Dir for ${module}@${ctx.moduleVersion}`);
      const src = join(ctx.workDir, 'src');
      await cp(info.Dir, src, { recursive: true });
      await makeWritable(src);
      await ctx.go(['build', ...buildFlags(ctx, options.ldflags), '-o', join(ctx.binDir, ctx.tool.binary), pkg], {
        cwd: src,
      });
    },
  };
}

/**
 * For tools whose module needs `replace` directives that `go install` ignores: a throwaway
 * module (`go mod init tmp`) holding the replaces, `go get -tool <pkg>@<version>`, then
 * `go build -o <bin> <pkg>`. `replace` maps old module paths to `new@version`.
 */
export function goBuildInToolModule(
  pkg: string,
  options: { replace?: Readonly<Record<string, string>>; ldflags?: LinkerFlags } = {},
): BuildRecipe {
  const replaces = Object.entries(options.replace ?? {});
  const replaceSummary = replaces.map(([from, to]) => `go mod edit -replace ${from}=${to}; `).join('');
  return {
    summary: `go mod init tmp; ${replaceSummary}go get -tool ${pkg}@<version>; go build -trimpath -o <bin> ${pkg}`,
    async build(ctx) {
      const mod = join(ctx.workDir, 'mod');
      await mkdir(mod, { recursive: true });
      await ctx.go(['mod', 'init', 'tmp'], { cwd: mod });
      for (const [from, to] of replaces) {
        await ctx.go(['mod', 'edit', `-replace=${from}=${to}`], { cwd: mod });
      }
      await ctx.go(['get', '-tool', `${pkg}@${ctx.moduleVersion}`], { cwd: mod });
      await ctx.go(['build', ...buildFlags(ctx, options.ldflags), '-o', join(ctx.binDir, ctx.tool.binary), pkg], {
        cwd: mod,
      });
    },
  };
}

/**
 * For a component of k8s.io/kubernetes itself (kube-apiserver). Kubernetes' go.mod replaces its
 * ~30 staging modules (`k8s.io/api`, `k8s.io/apiserver`, ...) with local directories that a
 * downloaded module does not have, so a plain `go install` cannot build it. This reads that
 * go.mod, replaces every staging module with its published release (`v0.<minor>.<patch>` for
 * kubernetes `v1.<minor>.<patch>`) in a throwaway module, `go get -tool`s the package and builds
 * it with `CGO_ENABLED=0` (the builder's default) and `ldflags`.
 */
export function goBuildKubernetesComponent(pkg: string, options: { ldflags?: LinkerFlags } = {}): BuildRecipe {
  const module = 'k8s.io/kubernetes';
  return {
    summary:
      `go mod init tmp; for each ./staging replace in ${module}@<version>'s go.mod: ` +
      `go mod edit -replace <staging module>=<staging module>@v0.<minor>.<patch>; go get -tool ${pkg}@<version>; go build -trimpath -o <bin> ${pkg}`,
    async build(ctx) {
      const mod = join(ctx.workDir, 'mod');
      await mkdir(mod, { recursive: true });
      const json = await ctx.go(['mod', 'download', '-json', `${module}@${ctx.moduleVersion}`], { cwd: ctx.workDir, capture: true });
      const info = JSON.parse(json) as { GoMod?: string; Error?: string };
      if (info.Error) throw new Error(`go mod download: ${info.Error}`);
      if (!info.GoMod) throw new Error(`go mod download printed no GoMod for ${module}@${ctx.moduleVersion}`);
      const staging = stagingModules(await readFile(info.GoMod, 'utf8'));
      if (staging.length < 10) throw new Error(`expected kubernetes' go.mod to replace its staging modules, found ${staging.length}`);
      const published = ctx.moduleVersion.replace(/^v1\./, 'v0.');
      await ctx.go(['mod', 'init', 'tmp'], { cwd: mod });
      await ctx.go(['mod', 'edit', ...staging.map((m) => `-replace=${m}=${m}@${published}`)], { cwd: mod });
      await ctx.go(['get', '-tool', `${pkg}@${ctx.moduleVersion}`], { cwd: mod });
      await ctx.go(['build', ...buildFlags(ctx, options.ldflags), '-o', join(ctx.binDir, ctx.tool.binary), pkg], { cwd: mod });
    },
  };
}

/** The module paths a go.mod replaces with `./staging/...` directories, sorted. */
export function stagingModules(goMod: string): string[] {
  const found = new Set<string>();
  for (const match of goMod.matchAll(/^[ \t]*(?:replace[ \t]+)?([^\s()]+)(?:[ \t]+v\S+)?[ \t]+=>[ \t]+\.\/staging\/\S+[ \t]*$/gm)) {
    found.add(match[1]!);
  }
  return [...found].sort();
}
