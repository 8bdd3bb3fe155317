import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { PROBE_BASE_IMAGE, PROBE_IMAGE_REPOSITORY } from '../pins.ts';

/** The folder the probe image is built from (the agent and its Dockerfile). */
export const AGENT_DIR = fileURLToPath(new URL('../agent/', import.meta.url));

const tail = (s: string, lines = 3) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/legacy builder is deprecated|buildx|docs\.docker\.com\/go\/buildx/i.test(l))
    .slice(-lines)
    .join(' | ');

/** Whether the Docker daemon answers, or why not. */
export async function dockerUnavailable(): Promise<string | undefined> {
  const r = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 20_000 });
  if (r.failed && (r as { code?: string }).code === 'ENOENT') return 'Docker is not installed (the docker command is missing)';
  if (r.exitCode !== 0) return `the Docker daemon is not reachable (docker info: ${tail(String(r.stderr || r.message), 1)})`;
  return undefined;
}

/** Whether an image is in the local Docker image store. */
export async function imagePresent(ref: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', ref], { reject: false })).exitCode === 0;
}

/** Pulls an image unless it is present; returns why it cannot be had, or undefined. */
export async function ensureImage(ref: string): Promise<string | undefined> {
  if (await imagePresent(ref)) return undefined;
  const r = await execa('docker', ['pull', ref], { reject: false, timeout: 600_000 });
  return r.exitCode === 0 ? undefined : `docker pull ${ref} failed: ${tail(String(r.stderr || r.message))}`;
}

/** The probe image's tag: a hash of what goes into it, so a changed agent is a new image. */
export function probeImageRef(base: string = PROBE_BASE_IMAGE): string {
  const h = createHash('sha256');
  for (const f of ['Dockerfile', 'agent.ts']) h.update(readFileSync(`${AGENT_DIR}${f}`));
  h.update(base);
  return `${PROBE_IMAGE_REPOSITORY}:${h.digest('hex').slice(0, 12)}`;
}

/** Builds the probe image (unless present); returns why it could not be built, or undefined. */
export async function buildProbeImage(ref: string, base: string = PROBE_BASE_IMAGE): Promise<string | undefined> {
  if (await imagePresent(ref)) return undefined;
  const r = await execa('docker', ['build', '--build-arg', `BASE=${base}`, '-t', ref, AGENT_DIR], { reject: false, timeout: 600_000 });
  return r.exitCode === 0 ? undefined : `docker build of the probe image failed (base image ${base}): ${tail(String(r.stderr || r.message))}`;
}
