import { createHash } from 'node:crypto';
import type { MessageStore } from '../../core/store-types.js';
import { EngineError } from '../../core/errors.js';
import type { ErsClient } from '../client.js';
import { ErsError } from '../ers-error.js';
import { referrerLetters, versionOf, type LinkedFile } from './referral-letters.js';

export interface UploadFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly dataBase64: string;
  /** Shown with the letter in e-RS (≤ 200 characters); the file name when absent. */
  readonly description?: string;
}

export interface UploadAndLinkInput {
  readonly ubrn: string;
  readonly files: readonly UploadFile[];
  /** When the documents were indexed (DocumentReference.indexed), ISO 8601 with offset. */
  readonly indexed: string;
  /** Keep letters already on the referral (A012 replaces the whole set). Default true. */
  readonly keepExisting?: boolean;
}

export type UploadProgress =
  | { readonly step: 'uploaded'; readonly index: number; readonly attachmentUrl: string }
  | { readonly step: 'linked'; readonly version: string };

export interface UploadAndLinkOptions {
  readonly store: Pick<MessageStore, 'getCheckpoint' | 'setCheckpoint' | 'deleteCheckpoint'>;
  /** Unique per piece of work (e.g. `ers-upload:<message id>`): where progress is kept. */
  readonly key: string;
  readonly signal?: AbortSignal;
  /** Called after each durable step (progress displays; tests stop the process here). */
  readonly onProgress?: (event: UploadProgress) => void | Promise<void>;
}

export interface UploadAndLinkResult {
  readonly ubrn: string;
  readonly version: string;
  readonly attachmentUrls: readonly string[];
  /** Uploads made by this run (fewer than the files when a previous run got part way). */
  readonly uploadedNow: number;
}

/** What is kept between runs under `key`. */
export interface UploadCheckpoint {
  readonly fingerprint: string;
  readonly uploaded: readonly (string | null)[];
  readonly phase: 'uploading' | 'linking' | 'done';
  readonly version?: string;
}

/** Pure: identifies the work, so a checkpoint is only reused for the same referral and files. */
export function uploadFingerprint(input: UploadAndLinkInput): string {
  const h = createHash('sha256').update(input.ubrn);
  for (const f of input.files) h.update(`\0${f.fileName}\0${f.contentType}\0${f.dataBase64}`);
  return h.digest('hex');
}

/** Pure: the checkpoint to continue from (a fresh one when none or another work's). */
export function resumePoint(saved: unknown, fingerprint: string, count: number): UploadCheckpoint {
  const s = saved as Partial<UploadCheckpoint> | undefined;
  if (s?.fingerprint === fingerprint && Array.isArray(s.uploaded) && s.uploaded.length === count)
    return s as UploadCheckpoint;
  return { fingerprint, uploaded: Array.from({ length: count }, () => null), phase: 'uploading' };
}

/** Pure: the letter set A012 should send — what stays, plus the new files not yet on it. */
export function letterSet(
  existing: readonly LinkedFile[],
  added: readonly LinkedFile[],
  keepExisting: boolean,
): LinkedFile[] {
  const kept = keepExisting ? existing : [];
  const urls = new Set(kept.map((f) => f.url));
  return [...kept, ...added.filter((f) => !urls.has(f.url))];
}

/**
 * An upload whose answer was lost may have stored a file, but an unlinked file changes nothing
 * on the referral and e-RS purges it: uploading again is safe, so the flow is retried instead of
 * waiting for review.
 */
function unlinkedUploadIsRetryable(error: unknown): unknown {
  if (!(error instanceof ErsError) || error.retry !== 'ambiguous') return error;
  return new ErsError('ERS_UNAVAILABLE', `${error.message}; the upload is repeated on retry`, {
    retry: 'transient',
    cause: error,
    ...(error.status === undefined ? {} : { status: error.status }),
  });
}

/**
 * Uploads several files (A020, each with the referral's UBRN) then links them in one A012.
 * Each finished upload is checkpointed before the next starts, so a run after a crash uploads
 * only what is missing; an upload in flight at the crash may be repeated (e-RS purges unlinked
 * files). Before linking, the referral is read (A005): its version, its current letters (kept,
 * since A012 replaces the set) and whether an earlier run already linked ours (then done).
 */
export async function uploadAndLink(
  client: ErsClient,
  input: UploadAndLinkInput,
  options: UploadAndLinkOptions,
): Promise<UploadAndLinkResult> {
  if (input.files.length === 0)
    throw new EngineError('ERS_INVALID_INPUT', 'upload and link needs at least one file', {
      at: 'files',
    });
  const uploads = input.files.map((f) => ({
    fileName: f.fileName,
    contentType: f.contentType,
    dataBase64: f.dataBase64,
    ubrn: input.ubrn,
  }));
  // Every file is checked before the first is sent: all or nothing at validation.
  for (const u of uploads) client.prepare('A020', u);
  const fingerprint = uploadFingerprint(input);
  let point = resumePoint(
    await options.store.getCheckpoint(options.key),
    fingerprint,
    uploads.length,
  );
  const save = async (next: UploadCheckpoint): Promise<void> => {
    point = next;
    await options.store.setCheckpoint(options.key, next);
  };
  const signal = options.signal ? { signal: options.signal } : {};
  let uploadedNow = 0;
  for (const [index, upload] of uploads.entries()) {
    if (point.uploaded[index]) continue;
    const result = await client.execute('A020', upload, signal).catch((error: unknown) => {
      throw unlinkedUploadIsRetryable(error);
    });
    const url = result.output['attachmentUrl'];
    if (url === undefined)
      throw new EngineError(
        'ERS_OUTCOME_UNKNOWN',
        `A020 ${upload.fileName}: no Location in the answer`,
      );
    uploadedNow++;
    await save({ ...point, uploaded: point.uploaded.map((u, i) => (i === index ? url : u)) });
    await options.onProgress?.({ step: 'uploaded', index, attachmentUrl: url });
  }
  const urls = point.uploaded.filter((u): u is string => typeof u === 'string');
  if (point.phase === 'done' && point.version !== undefined)
    return { ubrn: input.ubrn, version: point.version, attachmentUrls: urls, uploadedNow };
  await save({ ...point, phase: 'linking' });
  const referral = (await client.execute('A005', { ubrn: input.ubrn }, signal)).resource;
  const existing = referrerLetters(referral);
  let version = versionOf(referral);
  if (version === undefined)
    throw new EngineError('ERS_OUTCOME_UNKNOWN', `A005 ${input.ubrn}: no version in the answer`);
  const onReferral = new Set(existing.map((f) => f.url));
  if (!urls.every((u) => onReferral.has(u))) {
    const added = urls.map((url, i) => ({
      url,
      description: (
        input.files[i]?.description ??
        input.files[i]?.fileName ??
        'Referral letter'
      ).slice(0, 200),
    }));
    const linked = await client.execute(
      'A012',
      {
        ubrn: input.ubrn,
        version,
        files: letterSet(existing, added, input.keepExisting ?? true),
        indexed: input.indexed,
      },
      signal,
    );
    version = linked.output['version'] ?? version;
  }
  await save({ ...point, phase: 'done', version });
  await options.onProgress?.({ step: 'linked', version });
  return { ubrn: input.ubrn, version, attachmentUrls: urls, uploadedNow };
}
