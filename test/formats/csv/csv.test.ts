import { expect } from 'chai';
import { Readable } from 'node:stream';
import {
  errorReportCsv,
  firstCsvReadError,
  streamCsvRows,
  type CsvOptions,
} from '../../../src/formats/csv/index.js';
import { EngineError } from '../../../src/core/errors.js';

const options: CsvOptions = { delimiter: ',', quote: '"', encoding: 'utf8', expectedColumns: [] };

describe('formats/csv: problems carry their catalogue codes', () => {
  it('raises FORMAT_CSV_ROW naming the row and line of a broken quote, without its content', async () => {
    const text = 'nhs_number,priority\r\n9912003896,R\r\n9462979626,"U"X\r\n9434765919,R\r\n';
    const error = await firstCsvReadError(Readable.from([text]), options);
    expect(error).to.be.instanceOf(EngineError);
    expect(error?.code).to.equal('FORMAT_CSV_ROW');
    expect(error?.message).to.match(
      /^row 2 \(line 3\): a quoted field goes on after its closing quote/,
    );
    expect(error?.message).to.not.include('9462979626');
    let thrown: unknown;
    try {
      await streamCsvRows(Readable.from([text]), { ...options, batchSize: 100 }, () =>
        Promise.resolve(),
      );
    } catch (e) {
      thrown = e;
    }
    expect((thrown as EngineError).code).to.equal('FORMAT_CSV_ROW');
  });

  it('finds no read error in a well-quoted file', async () => {
    const text = 'a,b\r\n"x, with comma","say ""hi"""\r\n';
    expect(await firstCsvReadError(Readable.from([text]), options)).to.equal(null);
  });

  it('codes header and row problems and writes the code before the reason', async () => {
    const header = await streamCsvRows(
      Readable.from(['a,b\r\n1,2\r\n']),
      { ...options, expectedColumns: ['nhs_number'], batchSize: 10 },
      () => Promise.resolve(),
    );
    expect(header.problems[0]?.code).to.equal('FORMAT_CSV_HEADER');
    const row = await streamCsvRows(
      Readable.from(['a,b\r\n1\r\n']),
      { ...options, batchSize: 10 },
      () => Promise.resolve(),
    );
    expect(row.problems[0]?.code).to.equal('FORMAT_CSV_ROW');
    expect(errorReportCsv([...header.problems, ...row.problems]).split('\r\n')).to.deep.equal([
      'row,column,value,reason',
      'header,nhs_number,,FORMAT_CSV_HEADER: expected column is missing from the header',
      '1,,1,"FORMAT_CSV_ROW: has 1 fields, the header has 2"',
      '',
    ]);
  });
});
