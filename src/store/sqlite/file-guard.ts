import { statSync } from 'node:fs';

/**
 * The store file opened: a write is refused once the path no longer leads to it (data dir
 * deleted or replaced), because commits to an unlinked file are lost at the next restart.
 */
export class StoreFileGuard {
  private readonly identity: { dev: number; ino: number } | undefined;

  constructor(private readonly file: string) {
    this.identity = file === ':memory:' ? undefined : fileIdentity(file);
  }

  /** Why the store file can no longer take durable writes, if it cannot. */
  problem(): string | undefined {
    if (this.identity === undefined) return undefined;
    const now = fileIdentity(this.file);
    if (now === undefined) return `the store file ${this.file} is gone (data folder deleted?)`;
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino)
      return `the store file ${this.file} was replaced while open`;
    return undefined;
  }
}

function fileIdentity(file: string): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(file);
    return { dev, ino };
  } catch {
    return undefined;
  }
}
