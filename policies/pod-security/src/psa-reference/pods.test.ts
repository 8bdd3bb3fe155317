import { describe, expect, it } from 'vitest';
import { buildPod, MUTATIONS, singleMutationPlans } from './pods.ts';

describe('generated pods', () => {
  it('try every control, each value once on its own, and are deterministic for a seed', () => {
    expect([...new Set(MUTATIONS.map((m) => m.control))].sort()).toEqual(
      [
        'hostNamespace', 'hostUsers', 'privileged', 'capabilities', 'hostPort', 'volume', 'procMount', 'seccomp', 'appArmor', 'appArmorAnnotation', 'seLinux',
        'sysctls', 'runAsNonRoot', 'runAsUser', 'allowPrivilegeEscalation', 'probe', 'lifecycle', 'os', 'hostProcess',
      ].sort(),
    );
    const plans = singleMutationPlans(7);
    expect(plans.length).toBeGreaterThan(MUTATIONS.length);
    expect(plans.slice(0, MUTATIONS.length).every((p, i) => p.mutations.length === 1 && p.mutations[0]!.control === MUTATIONS[i]!.control)).toBe(true);
    expect(JSON.stringify(singleMutationPlans(7).map((p, i) => buildPod(p, `p${i}`)))).toBe(JSON.stringify(plans.map((p, i) => buildPod(p, `p${i}`))));
  });
});
