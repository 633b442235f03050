import { expect } from 'chai';
import { fieldName, FIELD_NAMES, SEGMENT_NAMES } from '../../../src/formats/hl7v2/index.js';
import { hoverName } from '../../../src/admin/service/hl7-view.js';

describe('hl7v2: the one field-name dictionary (v2.5.1 names)', () => {
  it('names fields by 1-based position, v2.5.1 spelling', () => {
    expect(fieldName('MSH', 10)).to.equal('Message Control ID');
    expect(fieldName('PID', 2)).to.equal('Patient ID');
    expect(fieldName('ORC', 1)).to.equal('Order Control');
    expect(fieldName('OBR', 13)).to.equal('Relevant Clinical Information');
    expect(fieldName('PID', 99)).to.equal(undefined);
    expect(fieldName('ZZZ', 1)).to.equal(undefined);
  });

  it('has a segment name for every segment it names fields of', () => {
    const unnamed = Object.keys(FIELD_NAMES).filter((s) => SEGMENT_NAMES[s] === undefined);
    expect(unnamed).to.deep.equal([]);
  });

  it('shows names on the dashboard in sentence case, acronyms kept', () => {
    expect(hoverName('MSH', 10)).to.equal('Message control ID');
    expect(hoverName('MSH', 7)).to.equal('Date/time of message');
    expect(hoverName('ERR', 3)).to.equal('HL7 error code');
    expect(hoverName('PID', 19)).to.equal('SSN number');
    expect(hoverName('PV1', 13)).to.equal('Re-admission indicator');
    expect(hoverName('ZZZ', 1)).to.equal(undefined);
  });
});
