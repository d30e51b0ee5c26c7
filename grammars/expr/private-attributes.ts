/**
 * Attribute names no expression may use (SPEC S-1, DESIGN §4): anything `_`-prefixed
 * (Python dunders) and the names that reach JavaScript internals. Checked at parse time
 * and again at evaluation time.
 */
export const FORBIDDEN_ATTRIBUTES: ReadonlySet<string> = new Set(['constructor', 'prototype', '__proto__']);
export const isPrivateAttribute = (name: string): boolean => name.startsWith('_') || FORBIDDEN_ATTRIBUTES.has(name);
