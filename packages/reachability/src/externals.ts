/**
 * External peers for a connlist, like netpol-analyzer: the address space cut into the disjoint
 * ranges induced by the ipBlocks of ingress rules (sources) and of egress rules (destinations).
 */
import type { Engine } from './engine.ts';
import { disjointRanges, IpSet, parseCidr, parseIp } from './ip.ts';
import type { IpFamily, IpRange } from './ip.ts';
import type { PolicyRule, Resources } from './model.ts';

/** Which families to list external peers for. `auto`: IPv4, plus IPv6 when any ipBlock or pod IP is IPv6. */
export type FamilyChoice = 'auto' | readonly IpFamily[];

/** Every ipBlock (cidr minus except, as ranges) of the given rules. */
function blockRanges(rules: readonly PolicyRule[]): IpRange[] {
  return rules.flatMap((rule) =>
    rule.peers === 'all'
      ? []
      : rule.peers.flatMap((peer) =>
          peer.type === 'ipBlock'
            ? [...IpSet.of([parseCidr(peer.cidr)!]).subtract(IpSet.of(peer.except.map((e) => parseCidr(e)!))).ranges]
            : [],
        ),
  );
}

function ingressBlocks(resources: Resources): IpRange[] {
  return resources.networkPolicies.flatMap((p) => blockRanges(p.ingress));
}

function egressBlocks(resources: Resources): IpRange[] {
  return resources.networkPolicies.flatMap((p) => blockRanges(p.egress));
}

/** The families whose external ranges appear in a connlist. */
export function externalFamilies(engine: Engine, choice: FamilyChoice = 'auto'): IpFamily[] {
  if (choice !== 'auto') return [...choice];
  const resources = engine.resources;
  const v6 =
    [...ingressBlocks(resources), ...egressBlocks(resources)].some((r) => r.family === 6) ||
    resources.workloads.some((w) => w.pods.some((p) => p.ips.some((ip) => parseIp(ip)?.family === 6)));
  return v6 ? [4, 6] : [4];
}

/**
 * Source-side and destination-side external ranges: every ipBlock of every ingress (egress)
 * rule, whatever the policy's types (as netpol-analyzer does), cuts the address space.
 */
export function externalRanges(engine: Engine, families: readonly IpFamily[]): { sources: IpRange[]; destinations: IpRange[] } {
  return {
    sources: disjointRanges(ingressBlocks(engine.resources), families),
    destinations: disjointRanges(egressBlocks(engine.resources), families),
  };
}
