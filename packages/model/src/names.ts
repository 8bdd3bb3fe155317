/**
 * Kubernetes naming rules, as the apiserver enforces them (k8s.io/apimachinery/pkg/util/validation).
 * Each returns `undefined` when the value is valid, or a sentence that says what is wrong.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A DNS-1123 label: namespaces, workload names, port-free object names. */
export function checkDnsLabel(value: string): string | undefined {
  // (a number or anything else from JavaScript or a cast: the regex would read it as its text)
  if (typeof value !== 'string') return `${JSON.stringify(value) ?? String(value)} is not a string; a name is a DNS-1123 label`;
  if (value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
    return `"${value}" is not a valid DNS-1123 label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A DNS-1123 subdomain: service account names, label key prefixes, FQDNs. */
export function checkDnsSubdomain(value: string): string | undefined {
  if (typeof value !== 'string') return `${JSON.stringify(value) ?? String(value)} is not a string; a name is a DNS-1123 subdomain`;
  if (value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return `"${value}" is not a valid DNS-1123 subdomain: use at most 253 lower-case letters, digits, '-' and '.', each part starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A label key: optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function checkLabelKey(key: string): string | undefined {
  if (typeof key !== 'string') return `label key ${JSON.stringify(key) ?? String(key)} is not a string`;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && checkDnsSubdomain(prefix) !== undefined) {
    return `label key "${key}" has an invalid prefix "${prefix}": it must be a DNS-1123 subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key "${key}" is invalid: the name part must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A label value: empty, or at most 63 letters, digits, '-', '_', '.', alphanumeric at both ends. */
export function checkLabelValue(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return `label value "${value}" is invalid: use at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A container port name (IANA_SVC_NAME): 1-15 characters, at least one letter, no '--'. */
export function checkPortName(name: string): string | undefined {
  if (name.length === 0 || name.length > 15 || !IANA_SVC_NAME.test(name) || name.includes('--') || !/[a-z]/.test(name)) {
    return `port name "${name}" is invalid: use 1-15 lower-case letters, digits and '-', with at least one letter, no '--', and a letter or digit at both ends`;
  }
  return undefined;
}

/** A port number 1-65535. */
export function checkPortNumber(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} is not an integer from 1 to 65535`;
  return undefined;
}
