/** A request an operation builder produces: what the transport sends (path below the STU3 base). */
export interface OperationRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: Record<string, unknown>;
  /** Raw bytes (A020 upload) instead of a FHIR body. */
  readonly bytes?: { data: Buffer; contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** What the answer is: a FHIR resource, or binary content (PDF, attachment). */
  readonly expect: 'fhir' | 'binary' | 'none';
}
