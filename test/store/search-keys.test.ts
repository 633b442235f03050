import { expect } from 'chai';
import { hashSearchValue } from '../../src/store/search-keys.js';
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
});
