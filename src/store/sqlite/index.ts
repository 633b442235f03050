// store/sqlite: the embedded default MessageStore (better-sqlite3, WAL, group commit; the writer
// thread commits NORMAL and answers after its own fdatasync of the WAL, decision 210).
export { SqliteMessageStore, type SqliteStoreOptions } from './store.js';
export { SQLITE_SCHEMA_VERSION } from './migrations.js';
