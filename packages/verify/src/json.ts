/** Reading objects parsed from a bundle's YAML, whose shape nothing has checked. */

/** A parsed object. */
export type Json = Record<string, unknown>;

/** Whether a value is an object (not null, not an array). */
export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value as a list: itself when it is an array, else empty. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The strings of a list value. */
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');
