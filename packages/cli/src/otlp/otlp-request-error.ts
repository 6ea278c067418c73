/** The HTTP status an OTLP request is refused with: malformed (400), too large (413), unsupported type (415). */
export type OtlpRequestStatus = 400 | 413 | 415;

/** A refused OTLP/HTTP request; `message` says what is wrong and where, for the response body. */
export class OtlpRequestError extends Error {
  override readonly name = 'OtlpRequestError';
  readonly status: OtlpRequestStatus;

  constructor(status: OtlpRequestStatus, message: string) {
    super(message);
    this.status = status;
  }
}
