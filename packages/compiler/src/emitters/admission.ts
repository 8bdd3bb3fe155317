// the emitters only (the package's index also brings the engine adapters, which compile never runs)
import { emitAdmission } from '@ztp/admission/emit';
import type { BundleFile } from '@ztp/admission';
import type { IR } from '../ir.ts';
import { emitted, type Emitted } from '../object.ts';

/** The admission layer: every chosen engine's form of the environment's policy modules. */
export function emitAdmissionLayer(ir: IR): { objects: Emitted[]; files: BundleFile[] } {
  if (!ir.layers.has('admission') || ir.env.admission.length === 0) return { objects: [], files: [] };
  const out = emitAdmission(ir.env.admission, {
    environment: ir.env.name,
    enforcement: ir.env.enforcement,
    namespaces: ir.namespaces.map((n) => n.name),
    forms: ir.env.admissionForms,
  });
  return { objects: out.objects.map((o) => emitted('admission', o, [ir.envOrigin])), files: out.files };
}
