/** Environment variables as the package reads them (defaults to `process.env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * How to learn the version of a binary by running it: `args` are passed to the binary, and
 * `pattern` is matched against its combined stdout and stderr; its first group is the version.
 */
export interface VersionCommand {
  readonly kind: 'command';
  readonly args: readonly string[];
  readonly pattern: RegExp;
}

/**
 * For a tool with no usable version command: only a build of ours counts, whose stamp file
 * records the version. `probe` (a command and a pattern its output must match) proves that the
 * binary runs at all.
 */
export interface VersionStamp {
  readonly kind: 'stamp';
  readonly probe: { readonly args: readonly string[]; readonly pattern: RegExp };
}

export type VersionCheck = VersionCommand | VersionStamp;

/** Options for one process a recipe runs. */
export interface RunOptions {
  readonly cwd?: string;
  /** Return stdout instead of only streaming it to the log. */
  readonly capture?: boolean;
}

/** What a recipe gets to build one tool. */
export interface BuildContext {
  readonly tool: ToolSpec;
  /** The pinned version as a Go module version (always with a leading `v`). */
  readonly moduleVersion: string;
  /** The directory the binary must be written to, as `<binDir>/<tool.binary>`. */
  readonly binDir: string;
  /** A fresh, writable scratch directory, removed after the build. */
  readonly workDir: string;
  /** Runs the Go toolchain with the shared cache environment (GOMODCACHE, GOCACHE, ...). */
  go(args: readonly string[], options?: RunOptions): Promise<string>;
  /** Runs any command; output goes to the build log. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<string>;
}

export interface BuildRecipe {
  /** The commands the recipe runs, for people (shown in status output and the build log). */
  readonly summary: string;
  build(ctx: BuildContext): Promise<void>;
}

/** One pinned external tool. */
export interface ToolSpec {
  /** Registry key and the name used on the command line (`install-tools.ts <name>`). */
  readonly name: string;
  /** The pinned version, spelled as the tool itself reports it (`1.22.3`, `v1.19.1`). */
  readonly version: string;
  /** File name of the executable. */
  readonly binary: string;
  readonly description: string;
  readonly check: VersionCheck;
  readonly recipe: BuildRecipe;
}
