/** `$name` templates (SPEC T-1, T-2; DESIGN D-1, D-2). Nothing here throws. */
export { templateRefs, type TemplateRef } from './template-refs.js';
export { renderTemplate, type RenderOptions } from './render-template.js';
export { shellQuote } from './shell-quote.js';
export { renderValue } from './render-value.js';
