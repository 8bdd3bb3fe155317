/**
 * A real OCI registry, images and cosign signatures for the signed-image proof, all on this
 * machine: go-containerregistry's in-memory `registry` listening on 127.0.0.1 only (on a port the
 * kernel picks), small images pushed with `crane append`, key pairs made with `cosign
 * generate-key-pair` and signatures with `cosign sign` (no transparency log: nothing leaves the
 * machine). Test helpers only; nothing here is emitted into a bundle.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { requireTools, resolveTool } from '@ztp/tools';
import { execa, type ResultPromise } from 'execa';

/** The tools of the signed-image proof, as @ztp/tools names them. */
export const SIGNATURE_TOOLS = ['registry', 'crane', 'cosign', 'kyverno'] as const;
export type SignatureTool = (typeof SIGNATURE_TOOLS)[number];

/**
 * The paths of the signed-image proof's tools, or why they are missing (under CI a missing tool
 * throws instead: the proof must run there).
 */
export async function signatureTools(): Promise<{ readonly skip: string } | { readonly paths: Readonly<Record<SignatureTool, string>> }> {
  const skip = await requireTools(SIGNATURE_TOOLS);
  if (skip !== undefined) return { skip };
  const entries = await Promise.all(SIGNATURE_TOOLS.map(async (t) => [t, await resolveTool(t)] as const));
  return { paths: Object.fromEntries(entries) as Record<SignatureTool, string> };
}

/** A running registry: address it as `host` (`127.0.0.1:<port>`). */
export interface LocalRegistry {
  readonly host: string;
  /** Stops the registry process (and waits for it to exit). */
  stop(): Promise<void>;
}

/** An image pushed to a registry. */
export interface PushedImage {
  /** `<host>/<repository>:<tag>`. */
  readonly tag: string;
  /** `sha256:<hex>`. */
  readonly digest: string;
  /** `<host>/<repository>@<digest>`. */
  readonly byDigest: string;
}

/** A cosign key pair on disk. */
export interface KeyPair {
  /** Path of the encrypted private key. */
  readonly privateKey: string;
  /** PEM public key. */
  readonly publicKey: string;
  /** Path of the public key. */
  readonly publicKeyFile: string;
  /** The password the private key is encrypted with. */
  readonly password: string;
}

/**
 * Starts `registry -port 0` (it listens on localhost only) and waits for the port it prints.
 * Throws, after stopping it, when it does not come up within `timeoutMs`.
 */
export async function startLocalRegistry(binary: string, timeoutMs = 15_000): Promise<LocalRegistry> {
  const child: ResultPromise = execa(binary, ['-port', '0'], { reject: false, stdin: 'ignore', buffer: false });
  let exited = false;
  const done = child.then(() => {
    exited = true;
  });
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await done;
  };
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`registry printed no port within ${timeoutMs} ms: ${seen.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving on port (\d+)/.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    void child.then((r) => {
      clearTimeout(timer);
      // A no-op once the port was seen.
      reject(new Error(`registry exited (${r.exitCode ?? r.signal}) before serving: ${seen.slice(-500)}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { host: `127.0.0.1:${port}`, stop };
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Pushes a one-layer image whose only file holds `content` (different content, different digest)
 * to `<host>/<repository>:<tag>` with `crane append`, and returns its digest.
 */
export async function pushImage(crane: string, workDir: string, ref: { host: string; repository: string; tag: string }, content: string): Promise<PushedImage> {
  const name = `${ref.repository.replaceAll('/', '_')}-${ref.tag}`;
  const files = join(workDir, name);
  await mkdir(files, { recursive: true });
  await writeFile(join(files, 'content.txt'), content);
  const layer = join(workDir, `${name}.tar`);
  await execa('tar', ['-C', files, '-cf', layer, 'content.txt'], { stdin: 'ignore' });
  const tag = `${ref.host}/${ref.repository}:${ref.tag}`;
  await execa(crane, ['append', '--insecure', '-f', layer, '-t', tag], { stdin: 'ignore' });
  const digest = (await execa(crane, ['digest', '--insecure', tag], { stdin: 'ignore' })).stdout.trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`crane digest printed ${digest} for ${tag}`);
  return { tag, digest, byDigest: `${ref.host}/${ref.repository}@${digest}` };
}

/** The environment cosign runs in: its own HOME (no user configuration, no cached trust roots). */
function cosignEnv(home: string, password: string): Record<string, string> {
  return { HOME: home, COSIGN_PASSWORD: password, PATH: process.env['PATH'] ?? '' };
}

/** `cosign generate-key-pair` into `dir` (as `<name>.key` and `<name>.pub`). */
export async function generateKeyPair(cosign: string, dir: string, name: string, password = 'ztp-test-only'): Promise<KeyPair> {
  await mkdir(dir, { recursive: true });
  const prefix = join(dir, name);
  await execa(cosign, ['generate-key-pair', '--output-key-prefix', prefix], { env: cosignEnv(dir, password), extendEnv: false, stdin: 'ignore' });
  return { privateKey: `${prefix}.key`, publicKey: await readFile(`${prefix}.pub`, 'utf8'), publicKeyFile: `${prefix}.pub`, password };
}

/**
 * Signs an image (by digest) with `cosign sign`: the classic signature format (a
 * `sha256-<hex>.sig` tag next to the image), no transparency-log upload.
 */
export async function signImage(cosign: string, key: KeyPair, byDigest: string, home: string): Promise<void> {
  await mkdir(home, { recursive: true });
  await execa(cosign, ['sign', '--key', key.privateKey, '--tlog-upload=false', '--allow-insecure-registry', '-y', byDigest], {
    env: cosignEnv(home, key.password),
    extendEnv: false,
    stdin: 'ignore',
  });
}

/** Whether `cosign verify` accepts the image's signature with the public key (no transparency log). */
export async function cosignVerifies(cosign: string, key: KeyPair, ref: string, home: string): Promise<boolean> {
  await mkdir(home, { recursive: true });
  const r = await execa(cosign, ['verify', '--key', key.publicKeyFile, '--insecure-ignore-tlog', '--allow-insecure-registry', ref], {
    env: cosignEnv(home, key.password),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  return r.exitCode === 0;
}
