import { describe, expect, it } from 'vitest';
import type { Rule } from './ast.ts';
import { allow, deny, meta, PODS, someContainer, spec, validationRule, violation } from './build.ts';
import { checkModule, checkRule } from './check.ts';
import { interpret } from './interpret.ts';
import { pod, workload } from './objects.ts';

const base = { id: 'r', title: 't', message: 'm', target: PODS, examples: [] };

describe('checkRule', () => {
  it('accepts a well-formed rule', () => {
    expect(() => checkRule(validationRule({ ...base, violations: [violation(spec.field('hostPID').isTrue())] }))).not.toThrow();
  });

  it('refuses an atom that reads a variable of another level', () => {
    const rule: Rule = validationRule({ ...base, violations: [violation(someContainer('c', () => [spec.field('hostPID').isTrue()]))] });
    expect(() => checkRule(rule)).toThrow(/must read c/);
  });

  it('refuses reserved and duplicate variable names, bad ids and duplicate examples', () => {
    expect(() => checkRule(validationRule({ ...base, violations: [violation(someContainer('input', (c) => [c.field('image').set()]))] }))).toThrow(/not a usable variable name/);
    expect(() => checkRule(validationRule({ ...base, id: 'Bad_Id', violations: [violation(spec.field('hostPID').isTrue())] }))).toThrow(/DNS label/);
    expect(() =>
      checkRule(validationRule({ ...base, violations: [violation(spec.field('hostPID').isTrue())], examples: [allow('a', pod('a')), deny('a', pod('a'))] })),
    ).toThrow(/listed twice/);
    expect(() => checkModule({ id: 'm', description: 'd', rules: [validationRule({ ...base, violations: [violation(spec.field('hostPID').isTrue())] }), validationRule({ ...base, violations: [violation(spec.field('hostPID').isTrue())] })] })).toThrow(/listed twice/);
  });

  it('refuses objects rules that read the pod', () => {
    expect(() => checkRule(validationRule({ ...base, target: { kind: 'objects', resources: [] }, violations: [violation(meta.field('name').set())] }))).toThrow();
  });
});

describe('interpret', () => {
  const hostPid = validationRule({ ...base, violations: [violation(spec.field('hostPID').isTrue())] });
  it('reads the pod template of workloads and the job template of cronjobs', () => {
    expect(interpret(hostPid, workload('Deployment', pod('d', { hostPID: true }))).allowed).toBe(false);
    expect(interpret(hostPid, workload('CronJob', pod('c', { hostPID: true }))).allowed).toBe(false);
    expect(interpret(hostPid, workload('Job', pod('j'))).allowed).toBe(true);
  });
  it('leaves kinds outside the target alone', () => {
    expect(interpret(hostPid, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { hostPID: true } }).allowed).toBe(true);
  });
});
