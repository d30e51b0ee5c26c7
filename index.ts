/** The embedded API: `import { … } from 'stepwise'`. */
export { IR_VERSION } from './compiler/ir.js';
export type { CompiledFlow, CompiledStep } from './compiler/ir.js';
export type { Diagnostic } from './compiler/diagnostic.js';
