/**
 * The one HL7 field-name dictionary: names of the segments ers-bridge meets, as HL7 v2.5.1 spells
 * them (chapters 2, 3, 4, 7, 9, 10, 11). `ers-bridge hl7 inspect` prints them as they are; the
 * dashboard's raw view shows them in sentence case on hover. Unknown segments and fields have no
 * name. Where v2.4 (what most PAS send) differs in a way a reader meets:
 * - PID-2 is "Patient ID (External ID)" in v2.4; v2.5 keeps the field only for compatibility.
 * - ERR has one field in v2.4 (ERR-1, Error Code and Location); ERR-2 to ERR-8 are v2.5, so a
 *   v2.4 receiver's reason is in ERR-1 or MSA-3 rather than ERR-8.
 * - MSA-3 (Text Message) and MSA-6 (Error Condition) are deprecated in v2.5 but v2.4 systems fill
 *   them.
 * - OBR-13 is "Relevant Clinical Info." in v2.4.
 */
export const SEGMENT_NAMES: Readonly<Record<string, string>> = {
  MSH: 'Message Header',
  EVN: 'Event Type',
  PID: 'Patient Identification',
  PD1: 'Patient Additional Demographic',
  PV1: 'Patient Visit',
  RF1: 'Referral Information',
  PRD: 'Provider Data',
  ORC: 'Common Order',
  DG1: 'Diagnosis',
  OBR: 'Observation Request',
  OBX: 'Observation/Result',
  NTE: 'Notes and Comments',
  SCH: 'Scheduling Activity Information',
  RGS: 'Resource Group',
  AIS: 'Appointment Information - Service',
  AIG: 'Appointment Information - General Resource',
  AIL: 'Appointment Information - Location Resource',
  AIP: 'Appointment Information - Personnel Resource',
  TXA: 'Transcription Document Header',
  MSA: 'Message Acknowledgment',
  ERR: 'Error',
  FHS: 'File Header',
  FTS: 'File Trailer',
  BHS: 'Batch Header',
  BTS: 'Batch Trailer',
};

const names = (list: string): readonly string[] => list.split('|');

/** Index 0 is field 1. */
export const FIELD_NAMES: Readonly<Record<string, readonly string[]>> = {
  MSH: names(
    'Field Separator|Encoding Characters|Sending Application|Sending Facility|Receiving Application|Receiving Facility|Date/Time of Message|Security|Message Type|Message Control ID|Processing ID|Version ID|Sequence Number|Continuation Pointer|Accept Acknowledgment Type|Application Acknowledgment Type|Country Code|Character Set|Principal Language of Message',
  ),
  EVN: names(
    'Event Type Code|Recorded Date/Time|Date/Time Planned Event|Event Reason Code|Operator ID|Event Occurred|Event Facility',
  ),
  PID: names(
    'Set ID|Patient ID|Patient Identifier List|Alternate Patient ID|Patient Name|Mother’s Maiden Name|Date/Time of Birth|Administrative Sex|Patient Alias|Race|Patient Address|County Code|Phone Number - Home|Phone Number - Business|Primary Language|Marital Status|Religion|Patient Account Number|SSN Number|Driver’s License Number|Mother’s Identifier|Ethnic Group|Birth Place|Multiple Birth Indicator|Birth Order|Citizenship|Veterans Military Status|Nationality|Patient Death Date and Time|Patient Death Indicator|Identity Unknown Indicator|Identity Reliability Code',
  ),
  PD1: names(
    'Living Dependency|Living Arrangement|Patient Primary Facility|Patient Primary Care Provider|Student Indicator|Handicap|Living Will Code|Organ Donor Code|Separate Bill|Duplicate Patient|Publicity Code|Protection Indicator',
  ),
  PV1: names(
    'Set ID|Patient Class|Assigned Patient Location|Admission Type|Preadmit Number|Prior Patient Location|Attending Doctor|Referring Doctor|Consulting Doctor|Hospital Service|Temporary Location|Preadmit Test Indicator|Re-admission Indicator|Admit Source|Ambulatory Status|VIP Indicator|Admitting Doctor|Patient Type|Visit Number',
  ),
  RF1: names(
    'Referral Status|Referral Priority|Referral Type|Referral Disposition|Referral Category|Originating Referral Identifier|Effective Date|Expiration Date|Process Date|Referral Reason|External Referral Identifier',
  ),
  PRD: names(
    'Provider Role|Provider Name|Provider Address|Provider Location|Provider Communication Information|Preferred Method of Contact|Provider Identifiers|Effective Start Date of Provider Role|Effective End Date of Provider Role',
  ),
  ORC: names(
    'Order Control|Placer Order Number|Filler Order Number|Placer Group Number|Order Status|Response Flag|Quantity/Timing|Parent|Date/Time of Transaction|Entered By|Verified By|Ordering Provider|Enterer’s Location|Call Back Phone Number|Order Effective Date/Time|Order Control Code Reason|Entering Organization',
  ),
  DG1: names(
    'Set ID|Diagnosis Coding Method|Diagnosis Code|Diagnosis Description|Diagnosis Date/Time|Diagnosis Type',
  ),
  OBR: names(
    'Set ID|Placer Order Number|Filler Order Number|Universal Service Identifier|Priority|Requested Date/Time|Observation Date/Time|Observation End Date/Time|Collection Volume|Collector Identifier|Specimen Action Code|Danger Code|Relevant Clinical Information|Specimen Received Date/Time|Specimen Source|Ordering Provider',
  ),
  OBX: names(
    'Set ID|Value Type|Observation Identifier|Observation Sub-ID|Observation Value|Units|References Range|Abnormal Flags|Probability|Nature of Abnormal Test|Observation Result Status|Effective Date of Reference Range|User Defined Access Checks|Date/Time of the Observation|Producer’s ID|Responsible Observer|Observation Method',
  ),
  NTE: names('Set ID|Source of Comment|Comment|Comment Type'),
  SCH: names(
    'Placer Appointment ID|Filler Appointment ID|Occurrence Number|Placer Group Number|Schedule ID|Event Reason|Appointment Reason|Appointment Type|Appointment Duration|Appointment Duration Units|Appointment Timing Quantity|Placer Contact Person|Placer Contact Phone Number|Placer Contact Address|Placer Contact Location|Filler Contact Person|Filler Contact Phone Number|Filler Contact Address|Filler Contact Location|Entered By Person|Entered By Phone Number|Entered By Location|Parent Placer Appointment ID|Parent Filler Appointment ID|Filler Status Code',
  ),
  RGS: names('Set ID|Segment Action Code|Resource Group ID'),
  AIS: names(
    'Set ID|Segment Action Code|Universal Service Identifier|Start Date/Time|Start Date/Time Offset|Start Date/Time Offset Units|Duration|Duration Units|Allow Substitution Code|Filler Status Code',
  ),
  AIG: names(
    'Set ID|Segment Action Code|Resource ID|Resource Type|Resource Group|Resource Quantity',
  ),
  AIL: names('Set ID|Segment Action Code|Location Resource ID|Location Type|Location Group'),
  TXA: names(
    'Set ID|Document Type|Document Content Presentation|Activity Date/Time|Primary Activity Provider|Origination Date/Time|Transcription Date/Time|Edit Date/Time|Originator Code/Name|Assigned Document Authenticator|Transcriptionist Code/Name|Unique Document Number|Parent Document Number|Placer Order Number|Filler Order Number|Unique Document File Name|Document Completion Status|Document Confidentiality Status|Document Availability Status',
  ),
  MSA: names(
    'Acknowledgment Code|Message Control ID|Text Message|Expected Sequence Number|Delayed Acknowledgment Type|Error Condition',
  ),
  ERR: names(
    'Error Code and Location|Error Location|HL7 Error Code|Severity|Application Error Code|Application Error Parameter|Diagnostic Information|User Message',
  ),
};

/** The v2.5.1 name of a field (1-based), or undefined when the dictionary does not know it. */
export function fieldName(segment: string, field: number): string | undefined {
  return FIELD_NAMES[segment]?.[field - 1];
}
