export type { AiSdkSpanProcessorOptions } from './ai-sdk-span-processor.js';
export { aiSdkSpanProcessor } from './ai-sdk-span-processor.js';
export type { GlassboxTelemetry, GlassboxTelemetryOptions } from './glassbox-telemetry.js';
export { glassboxTelemetry } from './glassbox-telemetry.js';
