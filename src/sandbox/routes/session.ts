import { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { SandboxError } from '../outcome.js';
import type { SandboxState } from '../state.js';

const TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';
/** The roles the sandbox's smartcard user holds (shape of A001_Response). */
const ORGS = [
  { orgIdentifier: 'R69', orgName: 'SANDBOX NHS TRUST' },
  // The organisation of the official A001/A002 examples.
  { orgIdentifier: 'R01', orgName: 'NHST_X3' },
];
const PERMISSIONS = ORGS.flatMap((org) =>
  [
    'REFERRING_CLINICIAN',
    'REFERRING_CLINICIAN_ADMIN',
    'SERVICE_PROVIDER_CLINICIAN',
    'SERVICE_PROVIDER_CLINICIAN_ADMIN',
    'SERVICE_PROVIDER_ADMIN',
  ].map((businessFunction) => ({ businessFunction, ...org })),
);

/** A001 create, A002 select role, A003 delete professional session (classic surface only). */
export function sessionRoutes(state: SandboxState): Router {
  const r = Router();
  const view = (key: string, token: string, permission: unknown) => ({
    typeInfo: TYPE_INFO,
    id: key,
    token,
    user: {
      identifier: '021600556514',
      firstName: 'Sandbox',
      lastName: 'Clinician',
      middleName: null,
      permissions: PERMISSIONS,
    },
    permission,
  });
  r.post('/v1/ProfessionalSession', (req, res) => {
    const asid = req.get('xapi_asid');
    if (!asid)
      throw new SandboxError(403, 'NO_ACCESS', 'XAPI_ASID header is required', 'forbidden');
    const body = req.body as { typeInfo?: string; token?: string } | undefined;
    if (body?.typeInfo !== TYPE_INFO || !body.token)
      throw new SandboxError(422, 'MISSING_VALUE', 'typeInfo and token are required');
    const key = `pro-xapi-session_${randomUUID()}`;
    state.sessions.set(key, { key, asid, permission: null });
    res.status(201).json(view(key, body.token, null));
  });
  r.put('/v1/ProfessionalSession/:key', (req, res) => {
    const session = state.sessions.get(req.params['key']);
    if (!session || req.get('http_x_session_key') !== session.key)
      throw new SandboxError(401, 'NO_ACCESS', 'no such session', 'login');
    const body = req.body as
      | { token?: string; permission?: { businessFunction?: string; orgIdentifier?: string } }
      | undefined;
    const wanted = PERMISSIONS.find(
      (p) =>
        p.businessFunction === body?.permission?.businessFunction &&
        p.orgIdentifier === body.permission.orgIdentifier,
    );
    if (!wanted)
      throw new SandboxError(
        403,
        'FORBIDDEN',
        'the user does not hold that role at that organisation',
        'forbidden',
      );
    session.permission = {
      businessFunction: wanted.businessFunction,
      orgIdentifier: wanted.orgIdentifier,
    };
    res.status(200).json(view(session.key, body?.token ?? '', wanted));
  });
  r.delete('/v1/ProfessionalSession/:key', (req, res) => {
    if (!state.sessions.delete(req.params['key']))
      throw new SandboxError(401, 'NO_ACCESS', 'no such session', 'login');
    res.status(204).end();
  });
  return r;
}
