import { expect } from 'chai';
import { hashSearchValue, learnedSearchKeys } from '../../src/store/search-keys.js';
import { pgTextQuery, textTerms } from '../../src/store/filter-sql.js';
import { hashIdentifier } from '../../src/sources/mllp/index.js';
import { nhsNumberHash } from '../../src/admin/service/message-query.js';

describe('store: search-key hashing', () => {
  it('hashes an NHS number the same however it is written', () => {
    const plain = hashSearchValue('9912003888');
    expect(hashSearchValue('991 200 3888')).to.equal(plain);
    expect(hashSearchValue('991-200-3888')).to.equal(plain);
    expect(plain)
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.include('9912003888');
  });

  it('gives the MLLP source and the admin search the same hash, so a stored number is found', () => {
    expect(hashIdentifier('991-200-3888')).to.equal(nhsNumberHash('991 200 3888'));
  });

  it('learns UBRNs from results, request paths, mapped input and a failed request only', () => {
    expect(
      learnedSearchKeys({
        searchKeys: { nhsNumberHash: 'h' },
        destinationResults: {
          ers: { output: { ubrn: '000000090000' }, request: { path: '/ReferralRequest/$ers.x' } },
          then: { request: { path: '/ReferralRequest/000000090001/$ers.generateCRI' } },
          file: { output: { ubrn: 'not-a-ubrn' } },
        },
        mappedInput: { input: { ubrn: '000000090002' } },
        outboundRequest: { path: '/ReferralRequest/000000090000' },
      }),
    ).to.deep.equal([
      ['nhsNumberHash', 'h'],
      ['ubrn', '000000090000'],
      ['ubrn', '000000090001'],
      ['ubrn', '000000090002'],
    ]);
    expect(learnedSearchKeys(undefined)).to.deep.equal([]);
  });

  it('cuts free text into words as the stores tokenize bodies', () => {
    expect(textTerms('SVC-00123, Smith|John')).to.deep.equal(['svc', '00123', 'smith', 'john']);
    expect(pgTextQuery('Zoë o’neil')).to.equal("'zo' & '303' & '253' & 'o' & 'neil'");
    expect(pgTextQuery('|^~')).to.equal('');
  });
});
