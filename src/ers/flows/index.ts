// ers/flows: composite e-RS flows the mappings call — multi-file upload+link (resumable), create+letter, book by slot rule.
export {
  uploadAndLink,
  uploadFingerprint,
  resumePoint,
  letterSet,
  type UploadFile,
  type UploadAndLinkInput,
  type UploadAndLinkOptions,
  type UploadAndLinkResult,
  type UploadProgress,
  type UploadCheckpoint,
} from './upload-and-link.js';
export {
  createReferralWithLetter,
  type ReferralWithLetter,
  type ReferralWithLetterOptions,
} from './referral-with-letter.js';
export {
  bookBySlotRule,
  chooseSlot,
  freeSlotsOf,
  type SlotRule,
  type FreeSlot,
  type BookByRuleInput,
  type BookByRuleOptions,
  type Booked,
} from './book-by-rule.js';
export { referrerLetters, versionOf, type LinkedFile } from './referral-letters.js';
export { cancelBookedAppointment, type CancelAppointmentInput } from './cancel-appointment.js';
