// `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a V8 CPU
// profile (from `npm run bench -- --cpu-prof`) spends its time — self time by function
// and by package or source file, so a report can say what bounds a scenario.
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `node_modules/<package>` or a path inside the project, for grouping. */
export function ownerOf(url: string): string {
  if (url === '') return '(native/V8)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return url;
  const file = url.replace(/^file:\/\//, '');
  const root = path.resolve(import.meta.dirname, '..');
  return file.startsWith(root) ? path.relative(root, file) : file;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byFunction: { name: string; ms: number }[];
  byOwner: { name: string; ms: number }[];
  /** Time in a project function and everything it called (src/ and bench/ only). */
  inclusive: { name: string; ms: number }[];
}

/**
 * The server runs as one bundle (dist/main.cjs), so a frame's URL would name the bundle for
 * the project's code and for every package bundled with it. Through the bundle's source map
 * each frame gets back the file (and line) it came from: src/…, node_modules/<package>/….
 */
function sourceMapped(): (frame: CallFrame) => CallFrame {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      let map: SourceMap | null = null;
      try {
        const file = fileURLToPath(url);
        const payload = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<
          typeof SourceMap
        >[0] & { sources: string[] };
        payload.sources = payload.sources.map((source) =>
          /^[a-z]+:/.test(source) ? source : pathToFileURL(path.resolve(path.dirname(file), source)).href,
        );
        map = new SourceMap(payload);
      } catch {
        map = null; // not a file URL, or no map beside it
      }
      maps.set(url, map);
    }
    return maps.get(url) ?? null;
  };
  return (frame) => {
    if (!frame.url.startsWith('file:')) return frame;
    const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
    if (entry === undefined || !('originalSource' in entry)) return frame;
    return { ...frame, url: entry.originalSource, lineNumber: entry.originalLine };
  };
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const original = sourceMapped();
  const byId = new Map(
    profile.nodes.map((node) => [node.id, { ...node, callFrame: original(node.callFrame) }]),
  );
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    total += ms;
    if (frame.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const where = ownerOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    owner.set(where, (owner.get(where) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) =>
    [...map]
      .map(([name, ms]) => ({ name, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  // Inclusive time: each sample counts once for every distinct project function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || !/\/(src|bench)\//.test(frame.url) || frame.url.includes('node_modules'))
        continue;
      const name = `${frame.functionName || '(anonymous)'} ${ownerOf(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  }
  return {
    totalMs: total,
    idleMs: idle,
    byFunction: sorted(fn),
    byOwner: sorted(owner),
    inclusive: sorted(inclusive),
  };
}

function print(summary: ProfileSummary): void {
  const busy = summary.totalMs - summary.idleMs;
  const pct = (ms: number) => `${((100 * ms) / Math.max(busy, 1e-9)).toFixed(1).padStart(5)}%`;
  console.log(`sampled ${summary.totalMs.toFixed(0)} ms, of which idle ${summary.idleMs.toFixed(0)} ms`);
  console.log('\nself time by package / file (share of non-idle time):');
  for (const { name, ms } of summary.byOwner) console.log(`  ${pct(ms)}  ${name}`);
  console.log('\nself time by function:');
  for (const { name, ms } of summary.byFunction) console.log(`  ${pct(ms)}  ${name}`);
  console.log('\ninclusive time of project functions (synchronous part of each call):');
  for (const { name, ms } of summary.inclusive) console.log(`  ${pct(ms)}  ${name}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  print(summariseProfile(profile, Number(process.argv[3] ?? 25)));
}
