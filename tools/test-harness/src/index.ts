// Test helpers shared by the Glassbox packages' suites. `@glassbox/core`, `@glassbox/exporters` and
// `@glassbox/fake-llm` resolve through the vitest aliases and tsconfig paths, not as workspace
// dependencies: core's own tests use this package, and pnpm refuses a workspace dependency cycle.
export { expectConfigError } from './config-error.js';
export type { GlassboxSetup } from './glassbox.js';
export { jsonAttr, onlySpan, parentId, resetOtelGlobals, setupGlassbox } from './glassbox.js';
export { glassboxWarnings } from './warnings.js';
