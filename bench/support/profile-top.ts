/**
 * `tsx bench/support/profile-top.ts FILE.cpuprofile [N]`: the top frames of a V8 CPU profile (as
 * `node --cpu-prof` writes, e.g. via BENCH_ENGINE_NODE_ARGS in the engine bench), by self time and
 * by total time (a frame counted once per sample however deep it recurses), with the share of all
 * samples. Paths are shortened to the repo or the package.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\/.*\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|bench)\//, '$1/')
    .replace(/^node:/, '');

function frameName(n: ProfileNode): string {
  const f = n.callFrame;
  const where = f.url === '' ? '' : ` ${shortUrl(f.url)}:${f.lineNumber + 1}`;
  return `${f.functionName || '(anonymous)'}${where}`;
}

export function topFrames(profile: Profile, count: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const perNode = new Map<number, number>();
  for (const s of profile.samples) perNode.set(s, (perNode.get(s) ?? 0) + 1);
  for (const [id, hits] of perNode) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + hits);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (n === undefined) break;
      const key = frameName(n);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + hits);
    }
  }
  const all = profile.samples.length;
  const fmt = (m: Map<string, number>): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([k, v]) => `${((v / all) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return [`${all} samples`, '-- self', ...fmt(self), '-- total', ...fmt(total)];
}

const [file, n] = process.argv.slice(2);
if (file !== undefined)
  console.log(
    topFrames(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(n ?? 25)).join('\n'),
  );
