/**
 * Well-formedness of rules and modules: names every engine accepts, atoms that read only the
 * variable of their own level (so every form can place them), unique example names.
 */
import type { AdmissionModule } from '../contract.ts';
import type { Condition, ImageSignatureRule, Rule, Source } from './ast.ts';

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const VAR_NAME = /^[a-z][a-zA-Z0-9]{0,30}$/;
/** Names that would clash with Rego, CEL or JMESPath words or with the emitters' own variables. */
const RESERVED = new Set([
  'spec', 'meta', 'object', 'obj', 'input', 'data', 'msg', 'lib', 'some', 'in', 'if', 'every', 'not', 'contains',
  'default', 'else', 'with', 'as', 'import', 'package', 'true', 'false', 'null', 'variables', 'params', 'request',
  'oldObject', 'namespaceObject', 'authorizer', 'key', 'value', 'has', 'all', 'exists', 'map', 'filter', 'size',
  'type', 'string', 'int', 'list', 'dyn', 'break', 'const', 'continue', 'for', 'function', 'let', 'loop', 'package',
  'return', 'var', 'void', 'while', 'namespace', 'self',
]);

/** A rule problem, naming the module and rule. */
export class RuleError extends Error {
  override readonly name = 'RuleError';
}

function checkSource(source: Source, allowed: ReadonlySet<string>, where: string): void {
  if (source.kind === 'containers') {
    if (!allowed.has('spec')) throw new RuleError(`${where}: containers can only be ranged over at the top of a clause of a pods rule`);
    return;
  }
  if (!allowed.has(source.of.var)) {
    throw new RuleError(`${where}: ${source.kind} of '${source.of.var}' reads a variable not bound at this level (${[...allowed].join(', ')})`);
  }
}

function checkConditions(conditions: readonly Condition[], allowed: ReadonlySet<string>, bound: ReadonlySet<string>, where: string): void {
  if (conditions.length === 0) throw new RuleError(`${where}: a clause or exists needs at least one condition`);
  for (const c of conditions) {
    if (c.kind === 'atom') {
      if (!allowed.has(c.ref.var)) {
        throw new RuleError(`${where}: atom on '${c.ref.var}.${c.ref.path.join('.')}' must read ${[...allowed].join(' or ')}`);
      }
      continue;
    }
    if (!VAR_NAME.test(c.var) || RESERVED.has(c.var)) throw new RuleError(`${where}: '${c.var}' is not a usable variable name`);
    if (bound.has(c.var)) throw new RuleError(`${where}: '${c.var}' is already bound`);
    checkSource(c.source, allowed, where);
    checkConditions(c.where, new Set([c.var]), new Set([...bound, c.var]), where);
  }
}

/**
 * An image glob names its registry host first (a name with a dot or a port, or `localhost`), so it
 * can never be read as a Docker Hub short name, and uses no glob syntax but a final `*`.
 */
const IMAGE_GLOB = /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|[a-z0-9.-]+:[0-9]+)(:[0-9]+)?\/[A-Za-z0-9._/:@-]*\*?$/;

function checkImageSignature(rule: ImageSignatureRule, where: string): void {
  if (rule.images.length === 0) throw new RuleError(`${where}: no images to verify`);
  for (const glob of rule.images) {
    if (!IMAGE_GLOB.test(glob)) throw new RuleError(`${where}: image reference '${glob}' must start with a registry host and end in '/*' or name one image (e.g. registry.example.com/shop/*)`);
  }
  if (rule.signers.length === 0) throw new RuleError(`${where}: no trusted signers`);
  for (const s of rule.signers) {
    if (s.kind === 'key' && !/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n?$/.test(s.publicKey)) {
      throw new RuleError(`${where}: a signer's public key is not a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)`);
    }
    if (s.kind === 'keyless' && (!/^https:\/\/\S+$/.test(s.issuer) || s.subject.trim() === '')) {
      throw new RuleError(`${where}: a keyless signer needs an https issuer URL and a subject (got '${s.issuer}', '${s.subject}')`);
    }
    // The forms must agree: the ImageValidatingPolicy matches issuer and subject exactly, the legacy
    // ClusterPolicy as wildcard patterns (`*`, `?`), so a `*` would trust more there than here.
    if (s.kind === 'keyless' && /[*?]/.test(s.issuer + s.subject)) {
      throw new RuleError(`${where}: a keyless signer's issuer and subject are matched exactly; '*' and '?' would be wildcards in Kyverno's legacy form (got '${s.issuer}', '${s.subject}'): name one identity per signer`);
    }
  }
}

/** Throws RuleError when the rule is not well formed. */
export function checkRule(rule: Rule, where = rule.id): void {
  if (!DNS_LABEL.test(rule.id)) throw new RuleError(`${where}: rule id '${rule.id}' is not a DNS label`);
  if (rule.message.trim() === '') throw new RuleError(`${where}: empty message`);
  const names = new Set<string>();
  for (const example of rule.examples) {
    if (!DNS_LABEL.test(example.name)) throw new RuleError(`${where}: example name '${example.name}' is not a DNS label`);
    if (names.has(example.name)) throw new RuleError(`${where}: example '${example.name}' is listed twice`);
    names.add(example.name);
  }
  if (rule.kind === 'image-signature') return checkImageSignature(rule, where);
  if (rule.violations.length === 0) throw new RuleError(`${where}: a rule needs at least one violation clause`);
  const roots = new Set(rule.target.kind === 'pods' ? ['spec', 'meta', 'object'] : ['object']);
  if (rule.target.kind === 'objects' && rule.target.resources.length === 0) throw new RuleError(`${where}: no kinds to apply to`);
  rule.violations.forEach((clause, i) => checkConditions(clause.when, roots, roots, `${where} clause ${i + 1}`));
}

/** Throws RuleError when the module or one of its rules is not well formed. */
export function checkModule(module: AdmissionModule): void {
  if (!DNS_LABEL.test(module.id)) throw new RuleError(`module id '${module.id}' is not a DNS label`);
  const ids = new Set<string>();
  for (const rule of module.rules ?? []) {
    if (ids.has(rule.id)) throw new RuleError(`${module.id}: rule '${rule.id}' is listed twice`);
    ids.add(rule.id);
    checkRule(rule, `${module.id}/${rule.id}`);
  }
}
