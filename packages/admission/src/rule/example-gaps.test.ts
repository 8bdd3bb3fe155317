import { describe, expect, it } from 'vitest';
import { allow, deny, invalidOnCluster, meta, PODS, someContainer, spec, validationRule, violation } from './build.ts';
import { kindsWithoutDenyExample, misjudgedExamples, unpinnedClauses } from './interpret.ts';
import { container, pod, withWorkloads, workload, WORKLOAD_KINDS } from './objects.ts';
import type { Example } from './ast.ts';

const base = { id: 'r', title: 't', message: 'm', target: PODS };
const hostClauses = [violation(spec.field('hostPID').isTrue()), violation(spec.field('hostIPC').isTrue())];
const moduleOf = (examples: Example[]) => ({ id: 'm', description: 'd', rules: [validationRule({ ...base, violations: hostClauses, examples })] });

describe('unpinnedClauses', () => {
  it('names a clause that no deny example rests on alone, with module, rule and index', () => {
    const gaps = unpinnedClauses(moduleOf([deny('pid', pod('pid', { hostPID: true }))]));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/^m\/r clause 2 of 2 \(spec\.hostIPC == true\): no deny example rests on this clause alone; add a deny example/);
  });

  it('does not count an example that another clause also denies', () => {
    expect(unpinnedClauses(moduleOf([deny('pid', pod('pid', { hostPID: true })), deny('both', pod('both', { hostPID: true, hostIPC: true }))]))).toEqual([
      expect.stringMatching(/^m\/r clause 2 of 2/),
    ]);
  });

  it('is satisfied by one deny example per clause that only that clause denies', () => {
    expect(unpinnedClauses(moduleOf([deny('pid', pod('pid', { hostPID: true })), deny('ipc', pod('ipc', { hostIPC: true }))]))).toEqual([]);
  });

  it('describes clauses under exists and map entries', () => {
    const rule = validationRule({
      ...base,
      violations: [violation(someContainer('c', (c) => [c.field('securityContext.privileged').isTrue()])), violation(meta.field('annotations').hasKey('x'))],
      examples: [],
    });
    expect(unpinnedClauses({ id: 'm', description: 'd', rules: [rule] })).toEqual([
      expect.stringContaining('clause 1 of 2 (some c in containers: c.securityContext.privileged == true)'),
      expect.stringContaining('clause 2 of 2 (meta.annotations has key "x")'),
    ]);
  });
});

describe('withWorkloads and kindsWithoutDenyExample', () => {
  const examples = [allow('plain', pod('plain')), deny('pid', pod('pid', { hostPID: true })), deny('ipc', pod('ipc', { hostIPC: true }))];

  it('wraps the first Pod deny example in each workload kind, with its message', () => {
    const out = withWorkloads([...examples.slice(0, 2).map((e) => (e.verdict === 'deny' ? { ...e, message: 'PID' } : e)), examples[2]!]);
    const added = out.slice(3);
    expect(added.map((e) => e.name)).toEqual(WORKLOAD_KINDS.map((k) => `${k.toLowerCase()}-pid`));
    expect(added.map((e) => e.object.kind)).toEqual([...WORKLOAD_KINDS]);
    expect(added.every((e) => e.verdict === 'deny' && e.message === 'PID')).toBe(true);
    expect(added.find((e) => e.object.kind === 'ReplicaSet')!.object).toEqual(workload('ReplicaSet', pod('replicaset-pid', { hostPID: true })));
    const rule = validationRule({ ...base, violations: hostClauses, examples: out });
    expect(misjudgedExamples([rule])).toEqual([]);
    expect(kindsWithoutDenyExample({ id: 'm', description: 'd', rules: [rule] })).toEqual([]);
  });

  it('leaves alone the kinds a deny example already has, and skips pods no template can hold', () => {
    const ephemeral = deny('debug', pod('debug', { containers: [container('c')], ephemeralContainers: [container('e')], hostPID: true }));
    const always = deny('always', pod('always', { hostPID: true, restartPolicy: 'Always' }));
    const out = withWorkloads([ephemeral, always, deny('never', pod('never', { hostPID: true, restartPolicy: 'Never' })), deny('job', workload('Job', pod('job', { hostPID: true })))]);
    expect(out.slice(4).map((e) => e.name)).toEqual(['deployment-always', 'statefulset-always', 'daemonset-always', 'replicaset-always', 'cronjob-never']);
  });

  it('prefers a pod the apiserver accepts, and marks a wrapped invalid pod invalid too', () => {
    const invalid = invalidOnCluster(deny('bad', pod('bad', { hostPID: true }), { note: 'refused' }));
    expect(withWorkloads([invalid, deny('ok', pod('ok', { hostPID: true }))])[2]!.name).toBe('deployment-ok');
    const wrapped = withWorkloads([invalid])[1]!;
    expect(wrapped).toMatchObject({ name: 'deployment-bad', invalidOnCluster: true });
    expect(wrapped.note).toContain('refused');
  });

  it('refuses to add an example under a name that is taken', () => {
    expect(() => withWorkloads([deny('pid', pod('pid', { hostPID: true })), allow('deployment-pid', pod('deployment-pid'))])).toThrow(/deployment-pid/);
  });

  it('names the kinds a pods rule has no deny example of', () => {
    expect(kindsWithoutDenyExample(moduleOf(examples))).toEqual([
      'm/r: no deny example of kind Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob; list the rule\'s examples through withWorkloads(...) (it wraps the first Pod deny example in each workload kind the examples lack) or add one per kind by hand',
    ]);
  });
});
