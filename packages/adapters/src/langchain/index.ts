export type { GlassboxCallbackHandlerOptions } from './glassbox-callback-handler.js';
export { GlassboxCallbackHandler } from './glassbox-callback-handler.js';
