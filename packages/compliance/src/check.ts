/**
 * One compliance check: the cluster read (or an informer snapshot), the bundle objects' server
 * forms, the running pods evaluated, then each environment judged.
 */
import type { AdmissionModule, EngineName } from '@ztp/admission';
import { objectKey, type BundleSpec } from './bundle.ts';
import { ServerForms } from './forms.ts';
import { heldKeys, judgeEnvironment, kindKey, type ComparableForm, type LiveKind } from './judge.ts';
import type { ClusterClient } from './kube.ts';
import { DEFAULT_POD_ENGINE, PodJudge } from './pods.ts';
import { objectsOf, planReads, readSnapshot, type ReadPlan, type Snapshot } from './read.ts';
import type { ComplianceReport, EnvironmentCompliance } from './report.ts';

/** An environment to check: its bundle, and its admission modules (or why they are not known). */
export interface EnvironmentToCheck {
  readonly spec: BundleSpec;
  /** The environment's admission modules; a string says why they could not be loaded. */
  readonly modules: readonly AdmissionModule[] | string;
}

export interface CheckerOptions {
  readonly client: ClusterClient;
  readonly environments: readonly EnvironmentToCheck[];
  /** The engine running pods are evaluated with. @default opa */
  readonly engine?: EngineName | undefined;
  /** The clock (tests). @default Date.now */
  readonly now?: () => number;
}

/** Checks a set of environments against one cluster, as often as asked (the plan, server forms and pod verdicts are kept). */
export class ComplianceChecker {
  readonly client: ClusterClient;
  readonly environments: readonly EnvironmentToCheck[];
  readonly engine: EngineName;
  readonly #forms: ServerForms;
  readonly #pods = new Map<string, PodJudge>();
  readonly #now: () => number;
  #plan: Promise<ReadPlan> | undefined;

  constructor(options: CheckerOptions) {
    this.client = options.client;
    this.environments = options.environments;
    this.engine = options.engine ?? DEFAULT_POD_ENGINE;
    this.#forms = new ServerForms(options.client);
    this.#now = options.now ?? Date.now;
    for (const e of options.environments) if (typeof e.modules !== 'string') this.#pods.set(e.spec.environment, new PodJudge(e.modules, this.engine));
  }

  /** What to read (from API discovery, once). */
  plan(): Promise<ReadPlan> {
    if (this.#plan === undefined) {
      this.#plan = planReads(this.client, this.environments.map((e) => e.spec));
      this.#plan.catch(() => (this.#plan = undefined));
    }
    return this.#plan;
  }

  /** Checks once; `snapshot` (from informers) instead of reading the cluster now. */
  async check(snapshot?: Snapshot): Promise<ComplianceReport> {
    const plan = await this.plan();
    const checkedAt = new Date(this.#now()).toISOString();
    const live = snapshot ?? (await readSnapshot(this.client, plan));
    const liveKind = (r: (typeof plan.policyResources)[number]): LiveKind => ({ resource: r, objects: objectsOf(live, r) });
    const bundleKinds = new Map([...plan.bundleKinds].map(([k, r]) => [k, r === undefined ? undefined : liveKind(r)] as const));
    const policyKinds = plan.policyResources.map(liveKind);
    const namespaces = new Set(objectsOf(live, plan.namespaceResource).map((n) => n.metadata.name));
    const networkPolicies = objectsOf(live, plan.networkPolicyResource);
    const held = heldKeys(this.environments.map((e) => e.spec));
    const pods = objectsOf(live, plan.podResource);
    const reports = plan.reports === undefined ? undefined : { api: plan.reports.api, objects: objectsOf(live, plan.reports.resource) };

    const results: EnvironmentCompliance[] = [];
    for (const { spec, modules } of this.environments) {
      const forms = new Map<string, ComparableForm>();
      for (const m of spec.objects) {
        const { apiVersion, kind, metadata } = m.object;
        const kindLive = bundleKinds.get(kindKey(apiVersion, kind));
        if (kindLive === undefined) continue;
        const key = objectKey(apiVersion, kind, metadata.name, metadata.namespace);
        if (!kindLive.objects.some((o) => objectKey(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace) === key)) continue;
        forms.set(key, await this.#forms.form(kindLive.resource, m.object));
      }
      const mine = pods.filter((p) => p.metadata.namespace !== undefined && spec.namespaces.includes(p.metadata.namespace));
      const judge = this.#pods.get(spec.environment);
      const podResult =
        judge === undefined
          ? { evaluated: 0, violations: [], incomplete: typeof modules === 'string' ? modules : 'its admission modules are not known' }
          : await judge.judge(mine);
      results.push(judgeEnvironment({ spec, bundleKinds, policyKinds, namespaces, networkPolicies, forms, held, pods: podResult, engine: this.engine, reports }));
    }
    return { context: this.client.context, server: this.client.server, checkedAt, environments: results };
  }
}
