import { EXTENSION } from '../systems.js';

interface Ext {
  url?: string;
  valueIdentifier?: { value?: string };
  valueCodeableConcept?: { coding?: { code?: string }[] };
}

/**
 * Pure: what A015 needs from the referral (A005): its priority (`appointmentType`) and the
 * commissioning-rule organisation (`NHSD-eRS-Comm-Rule-Org`), both required by the spec.
 */
export function slotSearchFacts(referral: unknown): {
  priority?: string;
  commissioningRuleOrg?: string;
} {
  const ext = (referral as { extension?: Ext[] } | undefined)?.extension ?? [];
  const priority = ext.find((e) => e.url === EXTENSION.referralPriority)?.valueCodeableConcept
    ?.coding?.[0]?.code;
  const org = ext.find((e) => e.url === EXTENSION.commissioningRuleOrg)?.valueIdentifier?.value;
  return {
    ...(priority ? { priority } : {}),
    ...(org ? { commissioningRuleOrg: org } : {}),
  };
}
