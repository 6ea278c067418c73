import { type Context, context, createContextKey } from '@opentelemetry/api';

/** Context key of a per-span `captureContent` override; spans started inside inherit it. */
export const CAPTURE_CONTENT_KEY = createContextKey('glassbox.capture-content');

/** The `captureContent` override in force in a context (a span's option, inherited), if any. */
export function contentOverrideIn(ctx: Context = context.active()): boolean | undefined {
  const override = ctx.getValue(CAPTURE_CONTENT_KEY);
  return typeof override === 'boolean' ? override : undefined;
}
