import { watch, type FSWatcher } from 'chokidar';
import { lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EngineError } from '../../engine/errors.js';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../engine/plugins.js';
import { storeFileRecords, sha256File } from './read-file.js';
import { isIgnored, processedName, type FileDropConfig } from './schema.js';
import { isStable, observe, type Seen } from './stability.js';

/** Someone watching error/ on the share never sees a half-written report. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(temp, text);
  await rename(temp, path);
}

/**
 * Watches a share folder by polling. A complete file is claimed by renaming it into processing/
 * (atomic on one share), every record is stored durably, and only then is the file moved to
 * processed/ (or error/, with `<name>.errors.csv` beside it). Files found in processing/ at start
 * are resumed; the store's dedup keeps their records from being stored twice.
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
  const seen = new Map<string, Seen>();
  let ctx: SourceContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let current: { file: string; done: number } | null = null;
  let watcher: FSWatcher | undefined;
  let lastProgressLog = 0;
  const log = factory.logger.child({ stage: 'source', folder });

  const refuse = async (name: string, reason: string): Promise<void> => {
    // The name is ours to log; the content never is.
    log.warn({ file: name, reason, code: 'SOURCE_PATH_REFUSED' }, 'file refused');
    await rename(join(folder, name), join(dirs.error, name)).catch(() => undefined);
    await writeAtomically(
      join(dirs.error, `${name}.errors.csv`),
      `row,column,value,reason\r\nfile,,,"${reason.replace(/"/g, '""')}"\r\n`,
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

  const processClaimed = async (name: string, resumed: boolean): Promise<void> => {
    if (!ctx) return;
    const path = join(dirs.processing, name);
    const hash = await sha256File(path);
    current = { file: name, done: 0 };
    const key = `file:${factory.channelId}:${hash}`;
    let lastCheckpoint = 0;
    const outcome = await storeFileRecords(path, name, hash, config, ctx, async (done) => {
      current = { file: name, done };
      // Progress for the dashboard, at most once a second: each checkpoint is a commit of its
      // own, and resuming does not need it (stored records are found by their control ids).
      if (Date.now() - lastCheckpoint >= 1000) {
        lastCheckpoint = Date.now();
        await ctx?.services.store.setCheckpoint(key, { file: name, done, state: 'reading' });
      }
      if (Date.now() - lastProgressLog > 5000) {
        lastProgressLog = Date.now();
        log.info({ file: name, recordsStored: done }, 'file in progress');
      }
    });
    const duplicate = !resumed && outcome.stored === 0 && outcome.alreadyStored > 0;
    await ctx.services.store.setCheckpoint(key, {
      file: name,
      done: outcome.stored + outcome.alreadyStored,
      state: 'done',
      problems: outcome.problems.length,
    });
    if (duplicate) {
      log.warn(
        { file: name, records: outcome.alreadyStored },
        'the same content was dropped before; nothing stored again',
      );
      // The original moves first, so whoever sees the report finds the file beside it.
      await rename(path, join(dirs.error, name));
      await writeAtomically(
        join(dirs.error, `${name}.errors.csv`),
        'row,column,value,reason\r\nfile,,,already processed: every record of this content was stored before\r\n',
      );
    } else if (outcome.report !== null) {
      await rename(path, join(dirs.error, name));
      await writeAtomically(join(dirs.error, `${name}.errors.csv`), outcome.report);
      log.warn(
        { file: name, stored: outcome.stored, problems: outcome.problems.length },
        'file stored with problems; report written',
      );
    } else {
      await rename(path, join(dirs.processed, processedName(name, new Date())));
      log.info(
        { file: name, stored: outcome.stored, resumed: outcome.alreadyStored },
        'file stored',
      );
    }
    current = null;
  };

  const scan = async (): Promise<void> => {
    const now = Date.now();
    const entries = await readdir(folder, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    for (const entry of entries) {
      const name = entry.name;
      if (entry.isDirectory() && Object.values(dirs).includes(join(folder, name))) continue;
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
      if (!ready) continue;
      seen.delete(name);
      await rename(join(folder, name), join(dirs.processing, name));
      if (config.completion === 'marker') await rm(join(folder, `${name}.done`), { force: true });
      await processClaimed(name, false);
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
      ctx = context;
      for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
      // Resume files a previous run claimed but did not finish.
      for (const name of await readdir(dirs.processing)) {
        log.info({ file: name }, 'resuming a file left in processing/');
        running = running.then(() => processClaimed(name, true));
      }
      await running;
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
    },
    status(): SourceStatus {
      return {
        type: 'file',
        endpoint: `folder ${folder}`,
        listening: ctx !== undefined,
        detail: { format: config.format, current },
      };
    },
  };
}
