// formats/xml: XML file drops (xml2js), refusing DOCTYPE and entities, optionally split by element.
import { Builder, parseStringPromise } from 'xml2js';
import { EngineError } from '../../core/errors.js';

/**
 * Refuses a document that declares a DOCTYPE or entities before any parser sees it: xml2js does
 * not expand external entities, but no drop of ours needs them, and refusing says so plainly.
 */
export function assertNoDoctype(text: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new EngineError(
      'FORMAT_XML_FORBIDDEN',
      'XML with a DOCTYPE or entity declarations is refused',
      { at: 'prolog' },
    );
  }
}

/** One message of an XML drop: its text, and its parsed form (xml2js, `explicitArray`). */
export interface XmlPart {
  readonly text: string;
  readonly node: unknown;
}

/** The document as one message, or one message per `splitElement` child of the root. */
export async function splitXml(text: string, splitElement: string | undefined): Promise<XmlPart[]> {
  assertNoDoctype(text);
  let doc: Record<string, unknown>;
  try {
    doc = (await parseStringPromise(text, { explicitArray: true })) as Record<string, unknown>;
  } catch (error) {
    throw new EngineError(
      'FORMAT_UNPARSEABLE',
      `not well-formed XML: ${(error as Error).message.split('\n')[0] ?? ''}`,
      { cause: error },
    );
  }
  if (splitElement === undefined) return [{ text, node: doc }];
  const [rootName, root] = Object.entries(doc)[0] ?? [];
  const items = (root as Record<string, unknown[]> | undefined)?.[splitElement] ?? [];
  if (rootName === undefined || items.length === 0) {
    throw new EngineError(
      'FORMAT_UNPARSEABLE',
      `no <${splitElement}> elements under the root element`,
      { at: splitElement },
    );
  }
  const builder = new Builder({ headless: true });
  return items.map((item) => ({
    text: builder.buildObject({ [splitElement]: item }),
    node: { [splitElement]: [item] },
  }));
}
