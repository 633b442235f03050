import { channel } from 'node:diagnostics_channel';

/**
 * A diagnostics channel that says each time an operation's logical inputs are validated against
 * its schema or built into a FHIR request. It carries the operation id only, never the inputs.
 * Publishing costs nothing without a subscriber; tests subscribe to prove a message's e-RS input
 * is validated and built once (issue 17).
 */
export const ERS_INPUT_TRACE = 'ers-bridge:ers-input';

export interface ErsInputTraceEvent {
  readonly step: 'validate' | 'build';
  readonly operation: string;
}

const trace = channel(ERS_INPUT_TRACE);

export function traceErsInput(event: ErsInputTraceEvent): void {
  if (trace.hasSubscribers) trace.publish(event);
}
