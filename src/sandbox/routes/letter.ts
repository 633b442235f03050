import { Router } from 'express';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { renderLetter } from '../../letters/index.js';
import { PRIORITY_DISPLAY, type Priority } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { clinicalSummaryPdf, pdfName } from '../clinical-pdf.js';
import { SandboxError } from '../outcome.js';
import { findReferral } from './respond.js';
import type { Referral, SandboxState } from '../state.js';
import { letterDate, NOT_RECORDED, SANDBOX_LETTERHEAD } from '../letter-text.js';

const TEMPLATES = join(import.meta.dirname, '..', '..', '..', 'mappings', 'letters');

/** The sandbox's stand-in for e-RS's own patient letter data (its seed holds no names). */
function letterData(state: SandboxState, r: Referral, now: Date): Record<string, unknown> {
  const services = r.serviceIds.map((id) => state.services.get(id)).filter((s) => s !== undefined);
  return {
    organisation: { ...SANDBOX_LETTERHEAD, signatory: 'e-RS sandbox' },
    patient: {
      name: 'Sandbox Patient',
      address1: '1 Test Street',
      town: 'Leeds',
      postcode: 'LS1 1AA',
      nhsNumber: r.nhsNumber.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3'),
    },
    referrer: { name: 'Dr Sandbox Referrer' },
    bookingLine: '0345 608 8888',
    referral: {
      ubrn: r.ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3'),
      password: createHash('sha256').update(r.ubrn).digest('hex').slice(0, 8),
      specialty: services[0]?.specialty || NOT_RECORDED,
      service: services[0]?.name ?? '',
      priority: PRIORITY_DISPLAY[r.priority as Priority],
      sentOn: letterDate(now),
      bookBy: letterDate(new Date(now.getTime() + 14 * 86_400_000)),
      triageDays: r.priority === 'ROUTINE' ? 40 : r.priority === 'URGENT' ? 5 : 2,
    },
    services: services.map((s) => ({
      name: s.name,
      address: `ODS ${s.ods}`,
      phone: '0345 608 8888',
    })),
  };
}

/** A019: the patient letter as a PDF; e-RS refuses it for booked or finished referrals. */
export function letterRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.generatePatientLetter',
    allow(state, [ROLE.RC, ROLE.RCA]),
    async (req, res) => {
      const referral = findReferral(state, String(req.params['ubrn']));
      const template =
        referral.state === 'NOT_BOOKED'
          ? 'appointment-request'
          : referral.state === 'AWAITING_TRIAGE'
            ? 'triage-summary'
            : undefined;
      if (template === undefined)
        throw new SandboxError(
          422,
          'INVALID_REQUEST_STATE',
          `no patient letter for a referral that is ${referral.state}`,
        );
      const now = new Date();
      const pdf = await renderLetter(
        join(TEMPLATES, `${template}.yaml`),
        letterData(state, referral, now),
        { now },
      );
      const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
      res
        .status(200)
        .type('application/pdf')
        .set(
          'Content-Disposition',
          `attachment; filename="${referral.ubrn}_${template === 'triage-summary' ? 'Triage_Summary' : 'Appointment_Request'}_${stamp}.pdf"`,
        )
        .send(pdf);
    },
  );
  // A007: the provider's Clinical Information Summary; e-RS has none before a letter is attached.
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.generateCRI',
    allow(state, [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA, ROLE.APP]),
    async (req, res) => {
      const referral = findReferral(state, String(req.params['ubrn']));
      if (referral.letters.length === 0)
        throw new SandboxError(
          422,
          'NO_CLINICAL_INFO',
          `referral ${referral.ubrn} has no clinical information yet`,
        );
      const now = new Date();
      const pdf = await clinicalSummaryPdf(state, {
        ubrn: referral.ubrn,
        nhsNumber: referral.nhsNumber,
        priority: referral.priority,
        serviceId: referral.appointment?.serviceId ?? referral.serviceIds[0] ?? '',
        status: referral.state,
        notes: 'The referral letter is attached: see the files below.',
        files: [...referral.letters, ...referral.otherFiles],
        now,
      });
      res
        .status(200)
        .type('application/pdf')
        .set(
          'Content-Disposition',
          `attachment; filename="${pdfName(referral.ubrn, 'Clinical_Information_Summary', now)}"`,
        )
        .send(pdf);
    },
  );
  return r;
}
