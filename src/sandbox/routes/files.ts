import { SandboxError } from '../outcome.js';
import type { SandboxState } from '../state.js';
import type { Parameter } from './parameters.js';

interface DocumentReferenceBody {
  resourceType?: string;
  status?: string;
  description?: string;
  type?: { coding?: { code?: string }[] };
  content?: { attachment?: { url?: string } }[];
}

/**
 * The files a provider attaches to A026/A027/A028 (`guidanceAttachmentFile`,
 * `reviewAttachmentFile`): DocumentReferences of the expected type, status current, pointing at
 * unlinked uploads of that UBRN, with distinct file names (ENDPOINTS.md §5).
 */
export function attachedFiles(
  state: SandboxState,
  params: Parameter[],
  options: { name: string; type: string; ubrn: string },
): string[] {
  const ids = params
    .filter((p) => p.name === options.name)
    .map((p, n) => {
      const at = `parameter ${options.name}[${n}]`;
      const doc = p['resource'] as DocumentReferenceBody | undefined;
      if (doc?.resourceType !== 'DocumentReference')
        throw new SandboxError(422, 'INVALID_FHIR_STRUCTURE', `${at} must be a DocumentReference`);
      const type = doc.type?.coding?.[0]?.code;
      if (type !== options.type)
        throw new SandboxError(
          422,
          'INAPPROPRIATE_VALUE',
          `${at}: type must be ${options.type}, not ${type ?? '(none)'}`,
        );
      if (doc.status !== 'current')
        throw new SandboxError(422, 'INAPPROPRIATE_VALUE', `${at}: status must be current`);
      if ((doc.description ?? '').length > 200)
        throw new SandboxError(422, 'INVALID_VALUE', `${at}: description is longer than 200`);
      const url = doc.content?.[0]?.attachment?.url ?? '';
      const id = /^Binary\/(.+)$/.exec(url)?.[1];
      if (id === undefined)
        throw new SandboxError(
          422,
          'MISSING_VALUE',
          `${at}: content.attachment.url must be Binary/<id>`,
        );
      const file = state.binaries.get(id);
      if (!file || (file.intendedUbrn !== undefined && file.intendedUbrn !== options.ubrn))
        throw new SandboxError(
          422,
          'REFERENCE_NOT_FOUND',
          `${at}: no file Binary/${id} uploaded for ${options.ubrn}`,
        );
      if (file.linkedTo !== undefined)
        throw new SandboxError(422, 'INVALID_STATE', `${at}: Binary/${id} is already attached`);
      return id;
    });
  const names = ids.map((id) => state.binaries.get(id)?.fileName ?? id);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new SandboxError(422, 'DUPLICATE_FILENAME', `file name ${repeated} is given twice`);
  return ids;
}

/** Marks checked files as attached to a request, with the type they were attached as. */
export function linkFiles(
  state: SandboxState,
  ids: readonly string[],
  options: { ubrn: string; type: string; params: Parameter[]; name: string },
): void {
  const docs = options.params.filter((p) => p.name === options.name);
  ids.forEach((id, n) => {
    const file = state.binaries.get(id);
    if (!file) return;
    file.linkedTo = options.ubrn;
    file.type = options.type;
    const description = (docs[n]?.['resource'] as DocumentReferenceBody | undefined)?.description;
    if (description !== undefined) file.description = description;
  });
}
