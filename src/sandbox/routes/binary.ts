import express, { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { MAX_UPLOAD_BYTES, UPLOAD_MIME_TYPES } from '../../ers/operations/index.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { SandboxError } from '../outcome.js';
import type { SandboxState } from '../state.js';

/** A020 upload (raw bytes, 5 MB, mime table, file-name rules) and A006 retrieve. */
export function binaryRoutes(state: SandboxState): Router {
  const r = Router();
  const roles = [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA];
  r.post(
    '/Binary',
    allow(state, roles),
    express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES + 1024 }),
    (req, res) => {
      const fileName = req.get('nhsd-ers-file-name') ?? req.get('x-ers-xapi-meta-file_name');
      if (!fileName)
        throw new SandboxError(400, 'MISSING_HEADER', 'NHSD-eRS-File-Name header is required');
      if (fileName.length > 255)
        throw new SandboxError(422, 'INVALID_VALUE', 'file name is longer than 255 characters');
      const contentType = (req.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
      const extensions = UPLOAD_MIME_TYPES[contentType];
      if (!extensions)
        throw new SandboxError(422, 'INVALID_CODE', `content type ${contentType} is not accepted`);
      const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
      if (!extensions.includes(ext))
        throw new SandboxError(
          422,
          'CONFLICTING_VALUES',
          `file extension .${ext} does not match ${contentType}`,
        );
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (data.length === 0 || data.length > MAX_UPLOAD_BYTES)
        throw new SandboxError(
          422,
          'FILE_SIZE_ERROR',
          `file is ${data.length} bytes; it must be 1 byte to 5 MB`,
        );
      const intendedUbrn =
        req.get('nhsd-ers-referral-id') ?? req.get('x-ers-xapi-meta-intended_ubrn');
      const id = randomUUID();
      state.binaries.set(id, {
        id,
        fileName,
        contentType,
        data,
        intendedUbrn,
        linkedTo: undefined,
        addedAt: new Date().toISOString(),
        addedBy: (res.locals['caller'] as Caller).user,
      });
      res.status(201).set('Location', `Binary/${id}`).end();
    },
  );
  r.get('/Binary/:id', allow(state, [...roles, ROLE.APP]), (req, res) => {
    const file = state.binaries.get(String(req.params['id']));
    if (!file)
      throw new SandboxError(
        404,
        'REFERENCE_NOT_FOUND',
        `no file Binary/${String(req.params['id'])}`,
      );
    // Platform virus scanning: a file not yet clean cannot be downloaded (ENDPOINTS.md §5 A006).
    if (file.availability !== undefined && file.availability !== 'AVAILABLE')
      throw new SandboxError(
        422,
        file.availability,
        `file Binary/${file.id} is ${file.availability}`,
      );
    if (file.data.length > MAX_UPLOAD_BYTES)
      throw new SandboxError(
        422,
        'FILE_SIZE_ERROR',
        'files over 5 MB are downloaded with A042 (R4)',
      );
    res
      .status(200)
      .type(file.contentType)
      .set('Content-Disposition', `attachment; filename="${file.fileName}"`)
      .send(file.data);
  });
  return r;
}
