/**
 * Property names of `props` that the builder does not know. TypeScript refuses them in object
 * literals, but JavaScript, casts and spreads get through: a misspelt `htpp` on a flow would
 * otherwise drop its HTTP restriction silently and allow more than declared. Validation reports them.
 */
export function unknownKeys(props: object, known: readonly string[]): string[] {
  return Object.keys(props).filter((k) => !known.includes(k)).sort();
}
