/**
 * A million stored messages for the search bench, made and loaded straight into each store's
 * tables (multi-row INSERTs in large transactions, NOT through the engine or `append`): the
 * bench measures reads, and a million durable appends would take most of an hour. The schema
 * is the store's own (opened once so its migrations run); the rows are what the sources and the
 * engine write: HL7 and CSV bodies, search keys, file records, statuses, times a month long.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { hashSearchValue } from '../../src/store/search-keys.js';

/** Deterministic pseudo-random numbers (mulberry32), so both stores get the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ro', 'sa', 'ti', 'vu', 'wen', 'dor', 'bel', 'har'];
/** 10,000 made-up surnames, each on ~90 of the million messages; SMITH on one in ten. */
export const surname = (n: number): string =>
  `${SYLLABLES[n % 12]}${SYLLABLES[Math.floor(n / 12) % 12]}${SYLLABLES[Math.floor(n / 144) % 12]}${Math.floor(n / 1728)}`.toUpperCase();
const FIRST = ['JOHN', 'MARY', 'AMIR', 'SIAN', 'OLU', 'WEI', 'ANNA', 'RAJ'];

export const PATIENTS = 200_000;
export const FILE_ROWS = 1000;
export const DAY = 86_400_000;

export interface SearchRow {
  readonly channel: string;
  readonly sender: string;
  readonly controlId: string;
  readonly contentType: string;
  readonly raw: Buffer;
  readonly orderingKey: string;
  readonly messageType: string;
  readonly sourceMeta: string;
  readonly searchKeys: Record<string, string>;
  readonly status: string;
  readonly receivedAt: number;
  readonly errorCode: string | null;
}

export const ubrnOf = (i: number): string => String(100_000_000_000 + i).padStart(12, '0');
export const nhsOf = (patient: number): string => String(9_000_000_000 + patient);
export const fileOf = (i: number): string =>
  `extract-${String(Math.floor(i / FILE_ROWS)).padStart(5, '0')}.csv`;

/** Message `i` of `total`: 60% HL7 REF^I12 (0.1% ADT^A31), 30% CSV rows, 10% MDM^T02. */
export function makeRow(i: number, total: number, start: number, rnd: () => number): SearchRow {
  const patient = Math.floor(rnd() * PATIENTS);
  const nhs = nhsOf(patient);
  const nhsHash = hashSearchValue(nhs);
  const name = rnd() < 0.1 ? 'SMITH' : surname(Math.floor(rnd() * 10_000));
  const first = FIRST[Math.floor(rnd() * FIRST.length)] ?? 'JOHN';
  const ubrn = ubrnOf(i);
  const u = rnd();
  const status = u < 0.95 ? 'SENT' : u < 0.98 ? 'ERROR' : u < 0.99 ? 'DEAD' : 'QUEUED';
  const receivedAt = start + Math.floor((i / total) * 30 * DAY);
  const kind = i % 10;
  const base = {
    orderingKey: nhsHash.slice(0, 32),
    searchKeys: { ubrn, nhsNumberHash: nhsHash },
    status,
    receivedAt,
    errorCode: status === 'ERROR' || status === 'DEAD' ? 'ERS_VALIDATION' : null,
  };
  if (kind < 3) {
    return {
      ...base,
      channel: 'csv-referrals',
      sender: 'drop/referrals',
      controlId: `sha:${i}`,
      contentType: 'text/csv',
      raw: Buffer.from(
        `${nhs},R,SVC-00123,300,CLINIC-TYPE-2,LOCREF-${i},20261125,${name} ${first}`,
      ),
      messageType: 'csv-row',
      sourceMeta: JSON.stringify({ file: fileOf(i), sha256: 'sha', row: (i % FILE_ROWS) + 1 }),
    };
  }
  const type = kind === 9 ? 'MDM^T02' : rnd() < 0.001 ? 'ADT^A31' : 'REF^I12';
  const body = [
    `MSH|^~\\&|PAS|RX1|ERS|NHS|20261125120000||${type}|MSG${i}|P|2.4`,
    `EVN|${type.slice(4)}|20261125120000`,
    `PID|1||${nhs}^^^NHS^NH~H${patient}^^^RX1^MR||${name}^${first}^^^MR||19600101|F|||1 HIGH STREET^^LEEDS^^LS1 1AA`,
    `PV1|1|O|CARDIO^^^RX1||||C1234567^CONSULTANT^ALAN`,
    `RF1|A|R|CARD^Cardiology|||${ubrn}|20261125`,
    `PRD|RP|GP^REFERRER|SURGERY^1 ROAD^LEEDS|G1234567`,
    `OBX|1|TX|NOTE^Clinical note||Chest pain on exertion for three weeks, referred for assessment.`,
  ].join('\r');
  return {
    ...base,
    channel: kind === 9 ? 'letters-pas' : 'pas-inbound',
    sender: 'PAS^RX1',
    controlId: `MSG${i}`,
    contentType: 'application/hl7-v2',
    raw: Buffer.from(body),
    messageType: type,
    sourceMeta: JSON.stringify({ remote: '10.0.0.7' }),
  };
}

/** Rows in batches, the same sequence for every store. */
export function* batches(total: number, size: number, start: number): Generator<SearchRow[]> {
  const rnd = random(19);
  for (let from = 0; from < total; from += size) {
    const batch: SearchRow[] = [];
    for (let i = from; i < Math.min(total, from + size); i++)
      batch.push(makeRow(i, total, start, rnd));
    yield batch;
  }
}

/** Loads into a migrated SQLite store file, then fills its free-text index as the writer thread
 * does after commits (decision 175), so the timed searches do not wait for it. */
export function loadSqlite(file: string, total: number, start: number): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO messages (id, channel, sender, control_id, content_type, raw, ordering_key,
       message_type, source_meta, search_keys, status, received_at, updated_at, error_code,
       content_hash, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  );
  const key = db.prepare('INSERT INTO message_search (name, value, message_id) VALUES (?, ?, ?)');
  let id = 0;
  const load = db.transaction((rows: SearchRow[]) => {
    for (const r of rows) {
      id++;
      insert.run(
        id,
        r.channel,
        r.sender,
        r.controlId,
        r.contentType,
        r.raw,
        r.orderingKey,
        r.messageType,
        r.sourceMeta,
        JSON.stringify(r.searchKeys),
        r.status,
        r.receivedAt,
        r.receivedAt,
        r.errorCode,
        null,
      );
      for (const [name, value] of Object.entries(r.searchKeys)) key.run(name, value, id);
    }
  });
  for (const rows of batches(total, 20_000, start)) load(rows);
  db.exec(`INSERT INTO message_text (rowid, body)
      SELECT id, CAST(substr(raw, 1, 65536) AS TEXT) FROM messages WHERE raw IS NOT NULL;
    UPDATE message_text_progress SET indexed_to = (SELECT MAX(id) FROM messages);`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The search indexes of migration 3, dropped for the load and built after it (faster). */
const PG_SEARCH_INDEXES = ['messages_type', 'messages_file', 'messages_received', 'messages_text'];

/** Loads into a migrated PostgreSQL store database; returns the index build time in ms. */
export async function loadPostgres(url: string, total: number, start: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: defs } = await client.query<{ indexdef: string }>(
      'SELECT indexdef FROM pg_indexes WHERE indexname = ANY($1)',
      [PG_SEARCH_INDEXES],
    );
    for (const name of PG_SEARCH_INDEXES) await client.query(`DROP INDEX ${name}`);
    let id = 0;
    for (const rows of batches(total, 10_000, start)) {
      const ids = rows.map(() => ++id);
      const col = <T>(f: (r: SearchRow) => T): T[] => rows.map(f);
      await client.query(
        `INSERT INTO messages (id, channel, sender, control_id, content_type, raw, ordering_key,
           message_type, source_meta, search_keys, status, received_at, updated_at, error_code,
           attempts)
         SELECT *, 1 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
           $6::bytea[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
           $12::bigint[], $12::bigint[], $13::text[])`,
        [
          ids,
          col((r) => r.channel),
          col((r) => r.sender),
          col((r) => r.controlId),
          col((r) => r.contentType),
          col((r) => r.raw),
          col((r) => r.orderingKey),
          col((r) => r.messageType),
          col((r) => r.sourceMeta),
          col((r) => JSON.stringify(r.searchKeys)),
          col((r) => r.status),
          col((r) => r.receivedAt),
          col((r) => r.errorCode),
        ],
      );
      const keys = rows.flatMap((r, n) =>
        Object.entries(r.searchKeys).map(([k, v]) => [k, v, ids[n]]),
      );
      await client.query(
        `INSERT INTO message_search (name, value, message_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`,
        [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
      );
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), $1)`, [id]);
    const built = performance.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    for (const d of defs) await client.query(d.indexdef);
    const ms = performance.now() - built;
    await client.query('VACUUM ANALYZE messages');
    await client.query('VACUUM ANALYZE message_search');
    return ms;
  } finally {
    await client.end();
  }
}
