import { Router, type NextFunction, type Request, type Response } from 'express';
import { SandboxError } from '../outcome.js';

/**
 * Endpoints e-RS no longer serves. The DSTU2 versions of A004–A008 (legacy `{ers-api}/v1/…`,
 * ENDPOINTS.md §3) are deprecated: 410 Gone naming the STU3 replacement. A009, A017 and A018 were
 * retired with no published path, so the sandbox's 404 names them instead.
 */
const DSTU2: readonly (readonly [string, string, string, string])[] = [
  ['get', '/v1/ValueSet/:id', 'A004', 'GET /STU3/v1/CodeSystem/{type}'],
  ['get', '/v1/ReferralRequest/:id', 'A005', 'GET /STU3/v1/ReferralRequest/{ubrn}'],
  [
    'get',
    '/v1/Binary/\\$ers.generateCRI',
    'A007',
    'POST /STU3/v1/ReferralRequest/{ubrn}/$ers.generateCRI',
  ],
  ['get', '/v1/Binary/:id', 'A006', 'GET /STU3/v1/Binary/{id}'],
  [
    'post',
    '/v1/ReferralRequest/\\$ers.fetchworklist',
    'A008',
    'POST /STU3/v1/ReferralRequest/$ers.fetchworklist',
  ],
];

export const RETIRED_NOTE =
  'A009 generic service search (retired Oct 2019), A017 defer (alpha, merged into A016 Dec 2020) and A018 re-book (alpha, retired Jun 2020) are no longer available';

export function retiredRoutes(): Router {
  const r = Router();
  for (const [method, path, id, replacement] of DSTU2) {
    const gone = (_req: Request, _res: Response, next: NextFunction): void => {
      next(
        new SandboxError(
          410,
          'SANDBOX_ERROR',
          `${id} DSTU2 is deprecated and not served; use the STU3 endpoint ${replacement}`,
          'not-supported',
        ),
      );
    };
    if (method === 'get') r.get(path, gone);
    else r.post(path, gone);
  }
  return r;
}

/** Still served, but deprecated on the NHS API platform: say so in a Warning header (RFC 7234). */
export function deprecatedOnPlatform(note: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (res.locals['flavour'] === 'platform')
      res.set('Warning', `299 - "${note}"`).set('Deprecation', 'true');
    next();
  };
}
