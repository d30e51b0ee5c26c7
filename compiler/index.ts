/**
 * The compiler's public API (DESIGN §1: load → build → check → lower). Every entry point
 * returns data and never throws.
 */
export { compileFile, compileSource, type CompileOptions, type CompileResult } from './compile-entry.js';
export { resolveFlowRef, findProjectDir } from './resolve-flow-ref.js';
export { compileKit } from './compile-kit.js';
export { flowJsonSchema } from './flow-schema.js';
export { toMermaid, toDot } from './diagram.js';
export { CODES } from './codes.js';
export { hashFlow } from './lower-flow.js';
export type { CompiledFlow } from './ir.js';
export type { Diagnostic } from './diagnostic.js';
