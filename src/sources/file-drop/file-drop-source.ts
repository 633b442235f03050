import { watch, type FSWatcher } from 'chokidar';
import { lstat, mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errorReportCsv, type CsvProblem } from '../../formats/csv/index.js';
// Someone watching error/ on the share never sees a half-written report.
import { writeFileAtomically as writeAtomically } from '../../core/atomic-write.js';
import { EngineError } from '../../core/errors.js';
import type { MessageStore } from '../../core/store-types.js';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../core/plugins.js';
import { mappingPending, mappingProblems, REPORT_LIMIT, type FileRecords } from './file-report.js';
import { LOCK_FILE, lockFolder, sharedStoreKey, type FolderLock } from './folder-lock.js';
import { fileProblem, fileSender, scanFile, storeFileRecords } from './read-file.js';
import { isIgnored, processedName, type FileDropConfig } from './schema.js';
import { isStable, observe, type Seen } from './stability.js';

/** A file whose records are all stored, waiting for their mapping before its report is final. */
interface Awaiting extends FileRecords {
  readonly name: string;
  readonly problems: readonly CsvProblem[];
}

/** The durable record of a file's progress (`file:<channel>:<sha256>`), read back on resume. */
interface Checkpoint {
  readonly file: string;
  readonly done: number;
  readonly state: 'reading' | 'stored' | 'done';
  readonly problems?: readonly CsvProblem[];
}

const LOCK_HEARTBEAT_MS = 5_000;
const LOCK_STALE_MS = 30_000;

/**
 * Watches a share folder by polling. A complete file is claimed by renaming it into processing/
 * (atomic on one share), every record is stored durably, and the file stays there until every
 * record has been through mapping; then it moves to processed/, or to error/ with
 * `<name>.errors.csv` beside it (read errors, bad rows and mapping failures). Files in processing/
 * at start are resumed from the store. The folder is locked: one engine per folder.
 */
export function createFileDropSource(
  config: FileDropConfig,
  factory: PluginFactoryContext,
): Source {
  const folder = isAbsolute(config.folder)
    ? config.folder
    : resolve(factory.dataDir, config.folder);
  const dirs = {
    processing: join(folder, 'processing'),
    processed: join(folder, 'processed'),
    error: join(folder, 'error'),
  };
  const sender = fileSender(config);
  const seen = new Map<string, Seen>();
  const awaiting = new Map<string, Awaiting>();
  /** Files in processing/ whose store write failed: retried from this time (ms), with backoff. */
  const retryAt = new Map<string, { at: number; delayMs: number }>();
  let ctx: SourceContext | undefined;
  let lock: FolderLock | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let current: { file: string; done: number } | null = null;
  let watcher: FSWatcher | undefined;
  let lastProgressLog = 0;
  let lastFinishCheck = 0;
  const log = factory.logger.child({ stage: 'source', folder });
  const checkpointKey = (sha256: string) => `file:${factory.channelId}:${sha256}`;

  const refuse = async (name: string, reason: string): Promise<void> => {
    // The name is ours to log; the content never is.
    log.warn({ file: name, reason, code: 'SOURCE_PATH_REFUSED' }, 'file refused');
    await rename(join(folder, name), join(dirs.error, name)).catch(() => undefined);
    await writeAtomically(
      join(dirs.error, `${name}.errors.csv`),
      `row,column,value,reason\r\nfile,,,"SOURCE_PATH_REFUSED: ${reason.replace(/"/g, '""')}"\r\n`,
    ).catch(() => undefined);
  };

  /** Links may point anywhere: only a regular file inside the folder is read. */
  const confined = async (name: string): Promise<string | null> => {
    const path = join(folder, name);
    const stat = await lstat(path);
    if (stat.isSymbolicLink()) {
      const target = await realpath(path).catch(() => null);
      const root = await realpath(folder);
      if (
        target === null ||
        relative(root, target).startsWith('..') ||
        isAbsolute(relative(root, target))
      )
        return 'a link pointing outside the drop folder';
      return null;
    }
    if (!stat.isFile()) return 'not a regular file (device, socket or folder)';
    if (stat.size > config.maxFileBytes) return `larger than maxFileBytes (${config.maxFileBytes})`;
    return null;
  };

  /**
   * The report first, then the file beside it, then the checkpoint: a crash between any two
   * leaves the file in processing/, and resuming writes the same report again.
   */
  const finish = async (
    name: string,
    problems: readonly CsvProblem[],
    sha256?: string,
  ): Promise<void> => {
    const from = join(dirs.processing, name);
    if (problems.length > 0) {
      await writeAtomically(join(dirs.error, `${name}.errors.csv`), errorReportCsv(problems));
      await rename(from, join(dirs.error, name));
      log.warn(
        { file: name, problems: problems.length, codes: [...new Set(problems.map((p) => p.code))] },
        'file finished with problems; report written',
      );
    } else {
      await rename(from, join(dirs.processed, processedName(name, new Date())));
      log.info({ file: name }, 'file finished');
    }
    if (sha256 !== undefined && ctx) {
      const prior = (await ctx.services.store.getCheckpoint(checkpointKey(sha256))) as
        Checkpoint | undefined;
      await ctx.services.store.setCheckpoint(checkpointKey(sha256), {
        file: name,
        done: prior?.done ?? 0,
        state: 'done',
        problems: problems.length,
      });
    }
  };

  const processClaimed = async (name: string, resumed: boolean): Promise<void> => {
    if (!ctx || awaiting.has(name)) return;
    const store = ctx.services.store;
    const path = join(dirs.processing, name);
    let scanned;
    try {
      scanned = await scanFile(path, config.format === 'csv' ? config.csv.quote : '');
    } catch (error) {
      log.warn({ file: name, err: (error as NodeJS.ErrnoException).code }, 'file unreadable');
      await finish(name, [fileProblem(error, 0)]);
      return;
    }
    const hash = scanned.sha256;
    const key = checkpointKey(hash);
    const records: FileRecords = { channel: factory.channelId, sender, sha256: hash };
    const prior = (await store.getCheckpoint(key)) as Checkpoint | undefined;
    if (resumed && prior?.state === 'stored' && prior.file === name) {
      // Every record was stored before the restart: only the report is still to come.
      awaiting.set(name, { ...records, name, problems: prior.problems ?? [] });
      return;
    }
    current = { file: name, done: 0 };
    let lastCheckpoint = 0;
    const outcome = await storeFileRecords(path, name, scanned, config, ctx, async (done) => {
      current = { file: name, done };
      // Progress for the dashboard, at most once a second: each checkpoint is a commit of its
      // own, and resuming does not need it (stored records are found by their control ids).
      if (Date.now() - lastCheckpoint >= 1000) {
        lastCheckpoint = Date.now();
        await store.setCheckpoint(key, { file: name, done, state: 'reading' });
      }
      if (Date.now() - lastProgressLog > 5000) {
        lastProgressLog = Date.now();
        log.info({ file: name, recordsStored: done }, 'file in progress');
      }
    }).finally(() => {
      current = null;
    });
    if (!resumed && outcome.stored === 0 && outcome.alreadyStored > 0) {
      log.warn(
        { file: name, records: outcome.alreadyStored },
        'the same content was dropped before; nothing stored again',
      );
      await finish(name, [
        {
          row: null,
          column: '',
          value: '',
          reason: 'already processed: every record of this content was stored before',
        },
      ]);
      return;
    }
    const problems = outcome.problems.slice(0, REPORT_LIMIT);
    await store.setCheckpoint(key, {
      file: name,
      done: outcome.stored + outcome.alreadyStored,
      state: 'stored',
      problems,
    } satisfies Checkpoint);
    log.info(
      { file: name, stored: outcome.stored, resumed: outcome.alreadyStored },
      'file stored; its report is final once every record is mapped',
    );
    awaiting.set(name, { ...records, name, problems });
  };

  /** One waiting file: its report once no record of it waits for mapping. */
  const finishOne = async (store: MessageStore, file: Awaiting): Promise<void> => {
    if (await mappingPending(store, file)) return;
    const mapping = await mappingProblems(store, file);
    // Record order, whatever found each problem (header and file lines first).
    const problems = [...file.problems, ...mapping.problems].sort(
      (a, b) => (a.row ?? 0) - (b.row ?? 0),
    );
    if (mapping.more > 0) {
      problems.push({
        row: null,
        column: '',
        value: '',
        reason: `${mapping.more} more failed records are not listed; see messages list --file`,
      });
    }
    await finish(file.name, problems, file.sha256);
    awaiting.delete(file.name);
  };

  /** Files whose records have all been mapped get their final report and leave processing/. */
  const finishMapped = async (): Promise<void> => {
    const store = ctx?.services.store;
    if (!store || awaiting.size === 0) return;
    // Each check is a query per waiting file: once a second is soon enough for a report.
    if (Date.now() - lastFinishCheck < Math.max(config.pollIntervalMs, 1000)) return;
    lastFinishCheck = Date.now();
    for (const file of [...awaiting.values()]) {
      try {
        await finishOne(store, file);
      } catch (error) {
        // The store or the share failed: the file stays in processing/ and is asked about again.
        const err = (error as Error).message;
        log.error({ file: file.name, err }, 'file report not written yet');
      }
    }
  };

  /**
   * Stores a claimed file. The file's own faults (unreadable, malformed) are handled inside and
   * send it to error/; anything escaping is the store's or the share's (a failed write, a failed
   * move), so the file stays in processing/ and is tried again, backing off to once a minute.
   */
  const attempt = async (name: string, resumed: boolean): Promise<void> => {
    try {
      await processClaimed(name, resumed);
      retryAt.delete(name);
    } catch (error) {
      const delayMs = Math.min((retryAt.get(name)?.delayMs ?? config.pollIntervalMs) * 2, 60_000);
      retryAt.set(name, { at: Date.now() + delayMs, delayMs });
      const err = (error as Error).message;
      log.error({ file: name, err, retryInMs: delayMs }, 'file kept in processing/ for a retry');
    }
  };

  /** Claimed files not yet stored: interrupted by a crash or a failed store write. */
  const resumeClaimed = async (): Promise<void> => {
    for (const name of await readdir(dirs.processing)) {
      if (!ctx || awaiting.has(name)) continue;
      const retry = retryAt.get(name);
      if (retry && Date.now() < retry.at) continue;
      log.info({ file: name }, 'resuming a file left in processing/');
      await attempt(name, true);
    }
  };

  const scan = async (): Promise<void> => {
    if (lock && !(await lock.stillHeld())) {
      // Another engine took the folder over (this one's heartbeat stalled): it is theirs now.
      log.error({ code: 'SOURCE_FOLDER_LOCKED' }, 'drop folder lock lost; scanning stopped');
      ctx = undefined;
      return;
    }
    await resumeClaimed();
    await finishMapped();
    const now = Date.now();
    const entries = await readdir(folder, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    for (const entry of entries) {
      const name = entry.name;
      if (!ctx) return;
      if (entry.isDirectory() && Object.values(dirs).includes(join(folder, name))) continue;
      if (name === LOCK_FILE) continue;
      if (isIgnored(name, config.ignore) || name.includes(sep) || name.includes('..')) continue;
      const problem = await confined(name);
      if (problem) {
        await refuse(name, problem);
        continue;
      }
      const stat = await lstat(join(folder, name));
      const s = observe(seen.get(name), stat.size, stat.mtimeMs, now);
      seen.set(name, s);
      const ready =
        config.completion === 'marker'
          ? names.has(`${name}.done`)
          : isStable(s, now, config.stableMs);
      // A file of the same name still in processing/ (awaiting its report) is not overwritten.
      if (!ready || awaiting.has(name) || retryAt.has(name)) continue;
      seen.delete(name);
      await rename(join(folder, name), join(dirs.processing, name));
      if (config.completion === 'marker') await rm(join(folder, `${name}.done`), { force: true });
      await attempt(name, false);
    }
  };

  const tick = (): void => {
    running = running
      .then(scan)
      .catch((error: unknown) => {
        log.error(
          {
            err: (error as Error).message,
            code: error instanceof EngineError ? error.code : undefined,
          },
          'file drop scan failed',
        );
      })
      .finally(() => {
        if (ctx) timer = setTimeout(tick, config.pollIntervalMs);
      });
  };

  return {
    async start(context) {
      await mkdir(folder, { recursive: true });
      const share = sharedStoreKey(factory.services.settings.store);
      lock = await lockFolder({
        folder,
        channel: factory.channelId,
        heartbeatMs: LOCK_HEARTBEAT_MS,
        staleMs: LOCK_STALE_MS,
        ...(share === undefined ? {} : { share }),
      });
      ctx = context;
      for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
      // Files a previous run left in processing/ are taken up by the first scan, which never
      // throws: a file that cannot be read goes to error/, and the channel runs on.
      tick();
      if (config.events) {
        watcher = watch(folder, { depth: 0, ignoreInitial: true });
        watcher.on('add', () => {
          // An event only brings the next scan forward; the scan still checks completeness.
          clearTimeout(timer);
          tick();
        });
      }
    },
    async stop() {
      ctx = undefined;
      await watcher?.close();
      clearTimeout(timer);
      await running;
      awaiting.clear();
      await lock?.release();
      lock = undefined;
    },
    status(): SourceStatus {
      return {
        type: 'file',
        endpoint: `folder ${folder}`,
        listening: ctx !== undefined,
        detail: { format: config.format, current, awaitingMapping: [...awaiting.keys()] },
      };
    },
  };
}
