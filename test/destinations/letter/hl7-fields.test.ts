import { expect } from 'chai';
import {
  compileFields,
  fieldsFromHl7,
  formatHl7Time,
} from '../../../src/destinations/letter/index.js';
import { EngineError } from '../../../src/core/errors.js';

const SIU = [
  'MSH|^~\\&|PAS|RXX01|ERS-BRIDGE|RXX01|20261125091500||SIU^S12^SIU_S12|PAS0000200|P|2.5|||AL|NE|GBR|UNICODE UTF-8',
  'SCH|1||||||||||^^^202612151040|||||||||||||||BOOKED',
  'PID|1||9912003888^^^NHS^NH||Prŵst^Siân^Llŷr^^Ms||19610314|F|||12 Ffordd Łŵyd^^Caernarfon^^LL55 1AB',
  'AIP|1||C1234567^ap Ŵyn^Rhodri^^^Dr',
].join('\r');

describe('letter destination: letter data from the inbound HL7', () => {
  it('joins several paths with a space and prints HL7 timestamps as UK dates and times', () => {
    const fields = compileFields({
      'patient.name': ['PID-5.2', 'PID-5.1'],
      'patient.nhsNumber': 'PID-3[CX.5=NH].1',
      'appointment.date': { path: 'SCH-11.4', format: 'date' },
      'appointment.time': { path: 'SCH-11.4', format: 'time' },
      'appointment.clinician': ['AIP-3.6', 'AIP-3.3', 'AIP-3.2'],
      'appointment.room': 'AIL-3.1',
    });
    expect(fieldsFromHl7(fields, Buffer.from(SIU))).to.deep.equal({
      patient: { name: 'Siân Prŵst', nhsNumber: '9912003888' },
      appointment: {
        date: 'Tuesday 15 December 2026',
        time: '10:40',
        clinician: 'Dr Rhodri ap Ŵyn',
      },
    });
  });

  it('reads nothing from a body that is not HL7', () => {
    const fields = compileFields({ 'patient.name': 'PID-5.2' });
    expect(fieldsFromHl7(fields, Buffer.from('{"patient":{}}'))).to.deep.equal({});
  });

  it('refuses the channel when a field names a malformed HL7 path', () => {
    expect(() => compileFields({ 'patient.name': 'PID-5..2' }))
      .to.throw(EngineError, /fields\.patient\.name/)
      .with.property('code', 'CONFIG_INVALID');
  });

  it('prints a date with no time as the date alone in datetime format', () => {
    expect(formatHl7Time('20261215', 'datetime')).to.equal('Tuesday 15 December 2026');
    expect(formatHl7Time('202612151040+0000', 'datetime')).to.equal(
      'Tuesday 15 December 2026 at 10:40',
    );
  });
});
