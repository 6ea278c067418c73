import type { Redactor } from './capture/redact.js';

/** The capture rules in force: whether content leaves the process, how long a value may be, what is redacted. */
export interface CaptureSettings {
  readonly captureContent: boolean;
  readonly maxValueLength: number;
  readonly redactor: Redactor | undefined;
}
