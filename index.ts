/**
 * The embedded API (DESIGN §6): `import { compileFile, openStepwise } from 'stepwise'`.
 * Compile a flow, then run it on the same durable runtime the CLI uses:
 *
 *   const { flow, diagnostics } = compileFile('flows/review.flow.yaml');
 *   if (!flow) throw new Error(diagnostics.map((d) => d.message).join('\n'));
 *   const sw = openStepwise({ projectDir: process.cwd() });
 *   const job = sw.createJob(flow, { inputs: { topic: 'x' } });
 *   sw.startJob(job.id);
 *   const outcome = await sw.waitForJob(job.id);
 */
export { IR_VERSION } from './compiler/ir.js';
export type { CompiledFlow, CompiledStep } from './compiler/ir.js';
export type { Diagnostic } from './compiler/diagnostic.js';
export { compileFile, compileSource, resolveFlowRef, flowJsonSchema } from './compiler/index.js';
export type { CompileResult, CompileOptions } from './compiler/index.js';
export { openStepwise } from './runtime/index.js';
export type * from './runtime/index.js';
