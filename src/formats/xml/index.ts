// formats/xml: the one XML parser (xml2js) behind a DOCTYPE/entity guard; XML drops split by element.
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

/**
 * The one way into XML: refuses a DOCTYPE or entities, then parses with xml2js (`explicitArray`:
 * every child is an array, attributes under `$`, text under `_`). A document that is not
 * well-formed is FORMAT_UNPARSEABLE.
 */
export async function parseXml(text: string): Promise<unknown> {
  assertNoDoctype(text);
  try {
    return (await parseStringPromise(text, { explicitArray: true })) as unknown;
  } catch (error) {
    throw new EngineError(
      'FORMAT_UNPARSEABLE',
      `not well-formed XML: ${(error as Error).message.split('\n')[0] ?? ''}`,
      { cause: error },
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
  const doc = (await parseXml(text)) as Record<string, unknown>;
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
