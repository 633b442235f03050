// store/sqlite: the embedded default MessageStore (better-sqlite3, WAL, synchronous=FULL, group commit).
export { SqliteMessageStore, type SqliteStoreOptions } from './store.js';
export { SQLITE_SCHEMA_VERSION } from './migrations.js';
