/** Base class of every error this package throws, so callers can tell tool trouble from bugs. */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** A name that is not in the tool registry. */
export class UnknownToolError extends ToolError {
  override name = 'UnknownToolError';
  readonly tool: string;

  constructor(tool: string, known: readonly string[]) {
    super(`unknown tool "${tool}"; the pinned tools are: ${known.join(', ')}`);
    this.tool = tool;
  }
}

/** What one missing tool needs: its pinned version and the command that installs it. */
export interface MissingTool {
  readonly name: string;
  readonly version: string;
  /** Why each binary that was found does not count (wrong version, no stamp, ...). */
  readonly rejected: readonly string[];
}

/** The shell command that installs the given tools into the cache. */
export function installCommand(names: readonly string[]): string {
  return ['node scripts/src/install-tools.ts', ...names].join(' ');
}

/**
 * No binary of a pinned tool at its pinned version: neither a finished build in the cache nor
 * a binary on PATH that reports that version. The message names each tool, its version, what
 * was found instead, and the command that installs it.
 */
export class ToolMissingError extends ToolError {
  override name = 'ToolMissingError';
  readonly missing: readonly MissingTool[];
  readonly installCommand: string;

  constructor(missing: readonly MissingTool[]) {
    const names = missing.map((m) => m.name);
    const command = installCommand(names);
    const lines = missing.map((m) => {
      const rejected = m.rejected.length > 0 ? ` (${m.rejected.join('; ')})` : '';
      return `${m.name} ${m.version} is not installed${rejected}`;
    });
    super(`${lines.join('\n')}\ninstall with: ${command}`);
    this.missing = missing;
    this.installCommand = command;
  }
}

/** A build recipe failed; the log file holds the full output, `logTail` its last lines. */
export class ToolBuildError extends ToolError {
  override name = 'ToolBuildError';
  readonly tool: string;
  readonly version: string;
  readonly logFile: string;
  readonly logTail: string;

  constructor(tool: string, version: string, reason: string, logFile: string, logTail: string) {
    super(`building ${tool} ${version} failed: ${reason} (log: ${logFile})`);
    this.tool = tool;
    this.version = version;
    this.logFile = logFile;
    this.logTail = logTail;
  }
}
