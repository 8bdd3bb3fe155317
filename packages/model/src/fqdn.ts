import { getDomain } from 'tldts';

/**
 * Why a wildcard DNS name would allow egress to hosts of anybody, or `undefined`. Cilium's
 * `matchPattern` reads `*.suffix` as any one label before `suffix`: under a public suffix (`co.uk`,
 * and the Public Suffix List's private section, such as `github.io` or `s3.amazonaws.com`, whose
 * subdomains belong to different owners) that is every domain anyone registers there.
 */
export function publicWildcardProblem(fqdn: string): string | undefined {
  if (!fqdn.startsWith('*.')) return undefined;
  const suffix = fqdn.slice(2);
  // a registrable domain inside `suffix` (or `suffix` itself): it has one owner
  if (getDomain(suffix, { allowPrivateDomains: true }) !== null) return undefined;
  return `"${fqdn}" matches every domain registered under the public suffix "${suffix}" (anyone can register one there); name the hosts, or use a wildcard under a domain of your own (e.g. *.example.${suffix})`;
}
