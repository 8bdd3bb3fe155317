export { CrdRegistry, crdsDir } from './crds.ts';
export { unknownFields, type StructuralSchema } from './schema-walk.ts';
