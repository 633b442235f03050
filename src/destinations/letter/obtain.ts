import { EngineError } from '../../core/errors.js';
import type { DestinationContext } from '../../core/plugins.js';
import { ErsError } from '../../ers/ers-error.js';
import { renderTemplate, type LetterTemplate } from '../../letters/index.js';
import type { LetterSource } from './schema.js';

/** e-RS codes meaning "e-RS will not produce this letter" (ENDPOINTS.md A019): booked, cancelled
 * or otherwise past the point of choosing (INVALID_REQUEST_STATE), or the patient has no access
 * code to book with (NO_ACCESS_CODE). Anything else is a real failure, not a reason to go local. */
export const ERS_CANNOT_PRODUCE = ['INVALID_REQUEST_STATE', 'NO_ACCESS_CODE'] as const;

export interface ObtainedLetter {
  readonly pdf: Buffer;
  readonly source: 'ers' | 'local';
  /** e-RS's file name (Content-Disposition) when e-RS produced it. */
  readonly ersFileName?: string;
  /** Why the local template was used although e-RS was asked first. */
  readonly fallback?: string;
  readonly transactionId?: string;
}

export interface ObtainOptions {
  readonly source: LetterSource;
  readonly ubrn: string;
  readonly data: Record<string, unknown>;
  readonly template: (() => Promise<LetterTemplate>) | undefined;
  readonly ctx: Pick<DestinationContext, 'services' | 'signal' | 'now'>;
}

/** The letter's PDF from e-RS (A019) or the local template, as the configured source says. */
export async function obtainLetter(o: ObtainOptions): Promise<ObtainedLetter> {
  switch (o.source) {
    case 'local':
      return renderLocal(o);
    case 'ers':
      return fromErs(o);
    case 'ers-then-local':
      try {
        return await fromErs(o);
      } catch (error) {
        const code = cannotProduce(error);
        if (code === undefined) throw error;
        return { ...(await renderLocal(o)), fallback: code };
      }
    default:
      return o.source satisfies never;
  }
}

function cannotProduce(error: unknown): string | undefined {
  if (!(error instanceof ErsError)) return undefined;
  return error.ersCodes.find((c) => (ERS_CANNOT_PRODUCE as readonly string[]).includes(c));
}

async function renderLocal(o: ObtainOptions): Promise<ObtainedLetter> {
  if (o.template === undefined)
    throw new EngineError('CONFIG_INVALID', 'the letter destination has no local template');
  const template = await o.template();
  const pdf = await renderTemplate(template, o.data, { now: new Date(o.ctx.now) });
  return { pdf, source: 'local' };
}

async function fromErs(o: ObtainOptions): Promise<ObtainedLetter> {
  const client = o.ctx.services.ers;
  if (!client)
    throw new EngineError(
      'ERS_UNAVAILABLE',
      'e-RS is not configured: enable the sandbox or set settings.ers.baseUrl and auth',
    );
  let result;
  try {
    result = await client.execute('A019', { ubrn: o.ubrn }, { signal: o.ctx.signal });
  } catch (error) {
    // A019 only renders a letter; it changes nothing in e-RS, so an unanswered call is safe to
    // repeat and is retried instead of waiting for review.
    if (error instanceof EngineError && error.retry === 'ambiguous')
      throw new EngineError(error.code, error.message, {
        context: error.context,
        retry: 'transient',
        cause: error,
      });
    throw error;
  }
  if (result.bytes === undefined || result.bytes.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw new EngineError('LETTER_ERS_NOT_PDF', 'A019 answered without a PDF', {
      context: { status: result.status, transactionId: result.transactionId },
    });
  return {
    pdf: result.bytes,
    source: 'ers',
    ...(result.output['fileName'] === undefined ? {} : { ersFileName: result.output['fileName'] }),
    ...(result.transactionId === undefined ? {} : { transactionId: result.transactionId }),
  };
}
