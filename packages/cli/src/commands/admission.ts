import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINES, evaluate, type AdmissionModule, type EngineName, type EvaluateRecord, type K8sObject } from '@ztp/admission';
import { podSecurity } from '@ztp/policy-pod-security';
import { readManifestDocuments } from '@ztp/reachability';
import type { Command } from '../command.ts';
import { loadAllEnvironments } from '../environments.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import type { Io } from '../io.ts';

export const ADMISSION_HELP = `Usage: ztp admission evaluate --profile <baseline|restricted|module-id> [--engine <name|all>] [--json] <file|dir...>

Evaluates any objects (YAML or JSON files, folders) against an admission profile with one engine or
all of them, and prints, per object and engine, allowed or denied with the violation messages. The
items of a List are judged one by one, as kubectl creates them; documents that are not Kubernetes
objects (no kind or metadata) are named on stderr and skipped.
--profile: 'baseline' or 'restricted' (the Pod Security Standards), or the id of an admission
module one of the environments lists (e.g. allowed-registries). --engine: ${ENGINES.join(', ')}, or all
(default). --json prints a list of {file, object, engine, allowed, messages}.

Exit 0 when every engine admits every object, 1 when any denies one, 2 on usage errors.
`;

async function profileModules(profile: string, io: Io, root: string | undefined): Promise<AdmissionModule[]> {
  if (profile === 'baseline' || profile === 'restricted') return [podSecurity(profile)];
  const { all } = await loadAllEnvironments(io.cwd, root);
  const found = all.flatMap((e) => e.admission.filter((m) => m.id === profile));
  if (found.length === 0) throw new UsageError(`unknown profile '${profile}': use baseline, restricted, or a module id (${[...new Set(all.flatMap((e) => e.admission.map((m) => m.id)))].sort().join(', ')})`);
  return [found[0] as AdmissionModule];
}

function isObject(o: unknown): o is K8sObject {
  return typeof o === 'object' && o !== null && typeof (o as { kind?: unknown }).kind === 'string' && typeof (o as { metadata?: unknown }).metadata === 'object';
}

/**
 * The objects a document holds as `kubectl apply` creates them: the items of a List (any document
 * whose `items` is a list, nested Lists unpacked too), otherwise the document itself. A List
 * is never an object to judge: a violating Pod inside one is what the cluster would create.
 */
function heldObjects(doc: unknown, where: string): { object: unknown; where: string }[] {
  const items = typeof doc === 'object' && doc !== null ? (doc as { items?: unknown }).items : undefined;
  if (!Array.isArray(items)) return [{ object: doc, where }];
  const kind = (doc as { kind?: unknown }).kind;
  // a document that names a kind of its own and also has items: judged as itself too
  const itself = typeof kind === 'string' && !kind.endsWith('List') ? [{ object: doc, where }] : [];
  return [...itself, ...items.flatMap((item, i) => heldObjects(item, `${where} items[${i}]`))];
}

export async function runAdmission(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'evaluate') throw new UsageError(`ztp admission takes the subcommand 'evaluate'`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: { profile: { type: 'string' }, engine: { type: 'string', default: 'all' }, json: { type: 'boolean', default: false }, root: { type: 'string' } },
  });
  if (values.profile === undefined) throw new UsageError('--profile is required');
  if (positionals.length === 0) throw new UsageError('name at least one file or folder of objects to evaluate');
  const engines: EngineName[] = values.engine === 'all' ? [...ENGINES] : ENGINES.includes(values.engine as EngineName) ? [values.engine as EngineName] : [];
  if (engines.length === 0) throw new UsageError(`--engine must be all or one of ${ENGINES.join(', ')}`);
  const modules = await profileModules(values.profile, io, values.root);
  const docs = readManifestDocuments(positionals.map((p) => resolve(io.cwd, p)));
  const objects: { file: string; object: K8sObject }[] = [];
  const notObjects: string[] = [];
  for (const d of docs) {
    const where = `${d.origin?.file ?? ''}${d.origin?.index !== undefined ? ` #${d.origin.index}` : ''}`;
    for (const o of heldObjects(d.object, where)) {
      if (o.object === null || o.object === undefined) continue; // an empty document
      if (isObject(o.object)) objects.push({ file: d.origin?.file ?? '', object: o.object });
      else notObjects.push(o.where);
    }
  }
  // said, never dropped in silence (a kustomization.yaml in a folder is one)
  if (notObjects.length > 0) io.err(`skipped, not Kubernetes objects (no kind or metadata): ${notObjects.join(', ')}`);
  if (objects.length === 0) throw new UsageError('no Kubernetes objects found in the given files');
  const records: EvaluateRecord[] = [];
  for (const engine of engines) {
    try {
      records.push(...(await evaluate(objects, { profile: modules, engine })));
    } catch (e) {
      // A missing or failing engine: say which and why; this is not a verdict.
      throw new UsageError(`engine ${engine} could not evaluate: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (values.json) io.out(JSON.stringify(records, null, 2));
  else {
    for (const r of records) {
      io.out(`${r.allowed ? 'allowed' : 'DENIED '} ${r.engine.padEnd(14)} ${r.object} (${r.file})`);
      for (const m of r.messages) io.out(`    ${m}`);
    }
  }
  return records.every((r) => r.allowed) ? EXIT.ok : EXIT.failure;
}

export const admissionCommand: Command = { name: 'admission', summary: 'evaluate objects against an admission profile on any engine (evaluate --profile ...)', help: ADMISSION_HELP, run: runAdmission };
