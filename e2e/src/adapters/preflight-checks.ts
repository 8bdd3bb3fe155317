import { installCommand, locateTool, type ToolSpec } from '@ztp/tools';
import type { Requirement } from '../preflight.ts';
import { dockerUnavailable, ensureImage, buildProbeImage } from './docker.ts';

async function tool(spec: ToolSpec, fix: string): Promise<{ requirement: Requirement; path?: string }> {
  const s = await locateTool(spec);
  if (s.path !== undefined) return { requirement: { name: `${spec.name} ${spec.version}`, ok: true, detail: `${s.path} (${s.source})` }, path: s.path };
  return { requirement: { name: `${spec.name} ${spec.version}`, ok: false, detail: `not installed${s.rejected.length ? ` (${s.rejected.join('; ')})` : ''}`, fix } };
}

/** What the preflight found, and the paths of the tools when present. */
export interface PreflightResult {
  readonly requirements: readonly Requirement[];
  readonly kind?: string;
  readonly helm?: string;
}

/**
 * Checks, in order and without creating anything on a cluster: the Docker daemon, kind and Helm
 * at their pinned versions, then (with Docker and Helm) the images: the kind node image, the
 * images of the pinned Cilium chart (rendered with `renderImages`), and the probe image (built
 * from `src/agent/`). Images are pulled or built into the local Docker store, ready for `kind load`.
 */
export async function runPreflight(o: { kind: ToolSpec; helm: ToolSpec; nodeImage: string; probeImage: string; probeBase?: string; renderImages: (helm: string) => Promise<string[] | { error: string }> }): Promise<PreflightResult> {
  const reqs: Requirement[] = [];
  const docker = await dockerUnavailable();
  reqs.push({ name: 'Docker', ok: docker === undefined, detail: docker ?? 'the daemon answers', fix: 'install Docker (apt-get install docker.io) and start it (dockerd, or systemctl start docker)' });
  const kind = await tool(o.kind, installCommand(['kind']));
  const helm = await tool(o.helm, 'node e2e/src/cli.ts install-tools');
  reqs.push(kind.requirement, helm.requirement);
  if (docker === undefined) {
    const node = await ensureImage(o.nodeImage);
    reqs.push({ name: 'kind node image', ok: node === undefined, detail: node ?? o.nodeImage, fix: `docker pull ${o.nodeImage} (needs access to the registry)` });
    if (helm.path !== undefined) {
      const images = await o.renderImages(helm.path);
      if (!Array.isArray(images)) reqs.push({ name: 'Cilium chart', ok: false, detail: images.error, fix: 'needs access to the Cilium Helm repository' });
      else {
        const failed: string[] = [];
        for (const image of images) {
          const why = await ensureImage(image);
          if (why !== undefined) failed.push(why);
        }
        reqs.push({ name: 'Cilium images', ok: failed.length === 0, detail: failed.length === 0 ? images.join(', ') : failed.join('; '), fix: 'needs access to quay.io (or pre-pull the images listed)' });
      }
    }
    const probe = await buildProbeImage(o.probeImage, o.probeBase);
    reqs.push({ name: 'probe image', ok: probe === undefined, detail: probe ?? o.probeImage, fix: `docker build needs its base image (${o.probeBase ?? 'node:24-alpine'}) from its registry, or pre-pulled; --probe-base IMAGE uses another image with Node 24` });
  }
  return { requirements: reqs, ...(kind.path ? { kind: kind.path } : {}), ...(helm.path ? { helm: helm.path } : {}) };
}
