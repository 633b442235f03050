import { EngineError } from '../../core/errors.js';
import { compileHl7Path, parseHl7 } from '../hl7v2/index.js';

const MSA_1 = compileHl7Path('MSA-1');
const MSA_2 = compileHl7Path('MSA-2');
const ERR_8 = compileHl7Path('ERR[*]-8');

/**
 * Pure: what an ACK means for the message it answers (AA/CA ok; AE/CE retry or reject as the
 * sender is configured; AR/CR reject). Shared by the MLLP destination and the late replies an MLLP
 * source sends, so the two judge an ACK the same way.
 */
export function judgeAck(
  ack: Buffer,
  sentControlId: string,
  config: { readonly onApplicationError: 'retry' | 'reject' },
): string {
  let code: string | undefined;
  let answered: string | undefined;
  let reason: string;
  try {
    const msg = parseHl7(ack);
    code = MSA_1.first(msg);
    answered = MSA_2.first(msg);
    reason = ERR_8.values(msg).join('; ');
  } catch {
    throw new EngineError('DEST_NO_ACK', 'the answer was not an HL7 ACK', { retry: 'ambiguous' });
  }
  if (answered !== sentControlId) {
    throw new EngineError(
      'DEST_NO_ACK',
      `the ACK answers ${answered ?? 'nothing'}, not ${sentControlId}`,
    );
  }
  switch (code) {
    case 'AA':
    case 'CA':
      return code;
    case 'AE':
    case 'CE':
      throw new EngineError(
        'DEST_REJECTED',
        `the receiver answered ${code}${reason === '' ? '' : `: ${reason}`}`,
        {
          retry: config.onApplicationError === 'retry' ? 'transient' : 'permanent',
          at: 'MSA-1',
        },
      );
    case 'AR':
    case 'CR':
      throw new EngineError(
        'DEST_REJECTED',
        `the receiver answered ${code}${reason === '' ? '' : `: ${reason}`}`,
        { at: 'MSA-1' },
      );
    default:
      throw new EngineError('DEST_NO_ACK', `MSA-1 "${code ?? ''}" is not an acknowledgement code`, {
        at: 'MSA-1',
      });
  }
}
