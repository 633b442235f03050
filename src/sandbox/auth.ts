import type { NextFunction, Request, Response } from 'express';
import { SandboxError } from './outcome.js';
import type { SandboxState } from './state.js';

/** Short role names of the catalogue (ENDPOINTS.md §3) → business functions. */
export const ROLE = {
  RC: 'REFERRING_CLINICIAN',
  RCA: 'REFERRING_CLINICIAN_ADMIN',
  SPC: 'SERVICE_PROVIDER_CLINICIAN',
  SPCA: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
  SPA: 'SERVICE_PROVIDER_ADMIN',
  /** Not a business function: the sandbox's marker for an application-restricted caller. */
  APP: 'APPLICATION_RESTRICTED',
} as const;

export interface Caller {
  readonly flavour: 'classic' | 'platform';
  readonly businessFunction: string;
  readonly ods: string;
  /** SDS user id of the person at the keyboard (the sandbox's one smartcard user, or the OBO id). */
  readonly user: string;
}

export const SANDBOX_USER = '021600556514';

/**
 * Who is calling. Platform paths need a bearer token and the NHSD-eRS-* context headers; classic
 * paths need XAPI_ASID and the key of a session whose role was selected with A002.
 */
export function identify(state: SandboxState, req: Request, flavour: Caller['flavour']): Caller {
  if (flavour === 'platform') {
    const auth = req.get('authorization') ?? '';
    if (!/^Bearer \S+/.test(auth))
      throw new SandboxError(401, 'NO_ACCESS', 'Invalid access token', 'login');
    const businessFunction = req.get('nhsd-ers-business-function');
    const odsHeader = req.get('nhsd-end-user-organisation-ods');
    const oboHeader = req.get('nhsd-ers-on-behalf-of-user-id');
    // Application-restricted (signed-JWT) tokens carry no user context headers (§2.2): the
    // caller is the application, allowed only on the endpoints the catalogue opens to it.
    if (!businessFunction && !odsHeader && !oboHeader)
      return { flavour, businessFunction: ROLE.APP, ods: 'R69', user: SANDBOX_USER };
    if (!businessFunction)
      throw new SandboxError(
        400,
        'MISSING_HEADER',
        'NHSD-eRS-Business-Function header is required',
      );
    if (businessFunction.endsWith('_AUTHORISED_APPLICATION')) {
      throw new SandboxError(
        403,
        'NO_ACCESS',
        `${businessFunction} is not allowed on a user-restricted call`,
        'forbidden',
      );
    }
    const ods = req.get('nhsd-end-user-organisation-ods');
    if (!ods)
      throw new SandboxError(
        400,
        'MISSING_HEADER',
        'NHSD-End-User-Organisation-ODS header is required',
      );
    const obo = req.get('nhsd-ers-on-behalf-of-user-id');
    if (businessFunction === ROLE.SPCA && !obo)
      throw new SandboxError(
        403,
        'NO_ACCESS',
        'SPCA must act on behalf of a clinician (NHSD-eRS-On-Behalf-Of-User-ID)',
        'forbidden',
      );
    if (businessFunction !== ROLE.SPCA && obo)
      throw new SandboxError(
        403,
        'NO_ACCESS',
        'NHSD-eRS-On-Behalf-Of-User-ID is only for SPCA',
        'forbidden',
      );
    return { flavour, businessFunction, ods, user: obo ?? SANDBOX_USER };
  }
  const asid = req.get('xapi_asid');
  if (!asid) throw new SandboxError(403, 'NO_ACCESS', 'XAPI_ASID header is required', 'forbidden');
  const key = req.get('http_x_session_key');
  const session = key === undefined ? undefined : state.sessions.get(key);
  if (!session)
    throw new SandboxError(
      401,
      'NO_ACCESS',
      'no such professional session (HTTP_X_SESSION_KEY)',
      'login',
    );
  if (!session.permission)
    throw new SandboxError(403, 'NO_ACCESS', 'select a role with A002 before calling', 'forbidden');
  return {
    flavour,
    businessFunction: session.permission.businessFunction,
    ods: session.permission.orgIdentifier,
    user: SANDBOX_USER,
  };
}

/** Express middleware: the caller must hold one of `roles`. */
export function allow(state: SandboxState, roles: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const flavour = (res.locals['flavour'] as Caller['flavour'] | undefined) ?? 'platform';
    const caller = identify(state, req, flavour);
    if (caller.businessFunction === ROLE.APP && !roles.includes(ROLE.APP))
      throw new SandboxError(
        403,
        'NO_ACCESS',
        'application-restricted access is not allowed on this endpoint; use a user-restricted token',
        'forbidden',
      );
    if (!roles.includes(caller.businessFunction)) {
      throw new SandboxError(
        403,
        'FORBIDDEN',
        `business function ${caller.businessFunction} may not call this endpoint`,
        'forbidden',
      );
    }
    res.locals['caller'] = caller;
    next();
  };
}
