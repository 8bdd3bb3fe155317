import { parse } from 'yaml';
import { proveShipped, type K8sObject } from '@ztp/admission';
import { compileEnvironment } from '@ztp/compiler';
import { loadAllEnvironments } from '../../cli/src/environments.ts';
const { all } = await loadAllEnvironments('/work/main');
for (const env of all) {
  if (env.admission.length === 0) continue;
  const bundle = compileEnvironment(env, '/work/main');
  const manifest = JSON.parse(bundle.files.get('manifest.json')!) as { objects: { file: string; layer: string }[] };
  const objects = manifest.objects.filter((o) => o.layer === 'admission').map((o) => parse(bundle.files.get(o.file)!) as K8sObject);
  const files = [...bundle.files].filter(([f]) => f.startsWith('admission/scan/')).map(([f, content]) => ({ path: f.slice('admission/scan/'.length), content }));
  const t = Date.now();
  const m = await proveShipped(env.admission, { objects, files }, { environment: env.name, enforcement: env.enforcement, namespaces: env.namespaces.map((n) => n.name), forms: env.admissionForms });
  console.log(env.name, Date.now() - t, 'ms', m.engines.map((e) => `${e.engine}:${e.status}${e.reason ? ' ' + e.reason : ''}`).join(', '), 'cells', m.cells.length, 'failures', m.failures.length);
  for (const f of m.failures.slice(0, 10)) console.log('  ', f.kind, f.text.slice(0, 300));
}
