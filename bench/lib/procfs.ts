// What the kernel says about processes and the machine: CPU time, peak resident memory,
// the process tree of a server, and the machine's total CPU use (to see other people's load);
// and which cores a server may run on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node.js runs on

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds a process has used (user + system), or undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  if (fields === undefined) return undefined;
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of this process's children that have exited and been waited for (wrk, say). */
export function reapedChildrenCpuSeconds(): number {
  const fields = statFields(process.pid);
  if (fields === undefined) return 0;
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** `pid` and all its descendants (cluster workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && found.length < 1024) {
    const next = queue.shift() as number;
    if (read(`/proc/${next}/stat`) === undefined) continue;
    found.push(next);
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${next}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const children = read(`/proc/${next}/task/${tid}/children`) ?? '';
      for (const child of children.split(' ').filter((s) => s.trim() !== '')) queue.push(Number(child));
    }
  }
  return found;
}

/** A field of /proc/<pid>/status in kB (VmHWM: peak RSS, VmRSS: RSS now), as MB. */
export function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(read(`/proc/${pid}/status`) ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
}

/** Resets a process's peak RSS (VmHWM) to its current RSS; false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Lets `pid`'s threads run only on `cpus` (taskset's list: "1", "0-2"); threads it starts
 * later inherit that. False when taskset is missing or refuses.
 */
export function pinProcess(pid: number, cpus: string): boolean {
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Machine-wide CPU seconds, busy and total, summed over all cores (from /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(read('/proc/cpuinfo') ?? '')?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    nproc: os.availableParallelism(),
    cpuModel: model.trim(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: os.release(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

let storageNames: readonly string[] = [];

/** Which processes count as storage (by command name), e.g. `postgres` and `redis-server`. */
export function countAsStorage(names: readonly string[]): void {
  storageNames = names;
}

/** Processes running one of the storage commands (PostgreSQL's backends come and go; read each time). */
export function storagePids(): number[] {
  if (storageNames.length === 0) return [];
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = read(`/proc/${entry}/comm`)?.trim();
    if (name !== undefined && storageNames.includes(name)) pids.push(Number(entry));
  }
  return pids;
}

/** CPU and memory of a server's process tree, the client and the machine over one measurement. */
export interface Usage {
  wallSeconds: number;
  /** CPU seconds used by the server's processes. */
  serverCpuSeconds: number;
  /** CPU seconds used by the load generator (this process and the wrk it ran). */
  clientCpuSeconds: number;
  /** CPU seconds used by the storage servers (PostgreSQL, Redis), whoever asked them. */
  storageCpuSeconds: number;
  /** CPU seconds used by everything else on the machine (other people's work). */
  otherCpuSeconds: number;
  /** Share of the machine's capacity (all cores) that everything else used, 0–1. */
  otherShare: number;
  /** Largest peak RSS of one server process (MB), and the sum over them. */
  peakRssMb: number;
  peakRssSumMb: number;
  processes: number;
}

/**
 * Measures a server's process tree while `work` runs: CPU by reading /proc before and after,
 * peak RSS by resetting VmHWM first (where allowed) and polling it (also catches workers
 * that start late). Client CPU counts this process and the children it reaped meanwhile.
 */
export async function measureUsage<T>(
  serverPid: number,
  work: () => Promise<T>,
): Promise<{ value: T; usage: Usage }> {
  const tree = processTree(serverPid);
  const storageBefore = new Map(storagePids().map((pid) => [pid, processCpuSeconds(pid) ?? 0]));
  for (const pid of tree) resetPeakRss(pid);
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  const peaks = new Map<number, number>();
  const poll = () => {
    for (const pid of processTree(serverPid)) {
      const hwm = statusMb(pid, 'VmHWM');
      if (hwm !== undefined) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwm));
    }
  };
  poll();
  const serverBefore = cpuOf(tree);
  const selfBefore = process.cpuUsage();
  const childrenBefore = reapedChildrenCpuSeconds();
  const machineBefore = machineCpuSeconds();
  const started = performance.now();
  const poller = setInterval(poll, 200);
  let value: T;
  try {
    value = await work();
  } finally {
    clearInterval(poller);
  }
  poll();
  const wallSeconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = cpuOf(processTree(serverPid)) - serverBefore;
  const self = process.cpuUsage(selfBefore);
  // When the work runs in this very process (the hasher floor), this process is the server, not a client.
  const selfSeconds = serverPid === process.pid ? 0 : (self.user + self.system) / 1e6;
  const clientCpuSeconds = selfSeconds + (reapedChildrenCpuSeconds() - childrenBefore);
  const machineAfter = machineCpuSeconds();
  const machineBusy = machineAfter.busy - machineBefore.busy;
  const capacity = Math.max(machineAfter.total - machineBefore.total, 1e-9);
  // Backends that started meanwhile count from zero; ones that ended are lost (little: the pools keep theirs).
  const storageCpuSeconds = storagePids().reduce(
    (sum, pid) => sum + Math.max(0, (processCpuSeconds(pid) ?? 0) - (storageBefore.get(pid) ?? 0)),
    0,
  );
  const otherCpuSeconds = Math.max(0, machineBusy - serverCpuSeconds - clientCpuSeconds - storageCpuSeconds);
  const peakValues = [...peaks.values()];
  return {
    value,
    usage: {
      wallSeconds,
      serverCpuSeconds,
      clientCpuSeconds,
      storageCpuSeconds,
      otherCpuSeconds,
      otherShare: otherCpuSeconds / capacity,
      peakRssMb: Math.max(0, ...peakValues),
      peakRssSumMb: peakValues.reduce((a, b) => a + b, 0),
      processes: peaks.size,
    },
  };
}

/**
 * Waits until a server's processes have used less than `threshold` of a core in each of
 * three 200 ms intervals in a row — the work a finished load left behind is done — or
 * `maxSeconds` pass. Returns the seconds waited.
 */
export async function waitIdle(serverPid: number, threshold = 0.1, maxSeconds = 60): Promise<number> {
  const started = performance.now();
  const cpu = () => processTree(serverPid).reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
  let last = cpu();
  let quiet = 0;
  while (quiet < 3 && performance.now() - started < maxSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = cpu();
    quiet = now - last < threshold * 0.2 ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - started) / 1000;
}

/** What kind of memory a mapping of /proc/<pid>/smaps is, from its name and size (MB). */
function mappingKind(name: string, sizeMb: number): string {
  if (name.startsWith('/')) return 'files';
  if (name === '[heap]') return 'malloc heap (main)';
  if (name.startsWith('[stack')) return 'stacks';
  if (name !== '') return name;
  if (sizeMb >= 1024) return 'anon ≥ 1 GB (mimalloc arenas)';
  if (sizeMb < 1) return 'anon < 1 MB';
  if (sizeMb < 8) return 'anon 1–8 MB';
  if (sizeMb < 32) return 'anon 8–32 MB';
  return sizeMb <= 64 ? 'anon 32–64 MB' : 'anon > 64 MB';
}

/**
 * A process's resident memory by kind of mapping, from /proc/<pid>/smaps, in MB: files,
 * the main thread's malloc heap ([heap]), stacks, and anonymous mappings by their size.
 * mimalloc (inside @napi-rs/canvas) reserves 1 GB arenas; V8 maps its pages in 256 KB
 * chunks (adjacent ones merge); a thread's glibc arena is one 64 MB reservation whose used
 * part is a mapping of its own, so of any size up to 64 MB.
 */
export function residentByMapping(pid: number): Record<string, number> {
  const text = read(`/proc/${pid}/smaps`);
  const sums: Record<string, number> = {};
  if (text === undefined) return sums;
  let kind = '';
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      kind = mappingKind(head[3] ?? '', (parseInt(head[2]!, 16) - parseInt(head[1]!, 16)) / 2 ** 20);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) sums[kind] = (sums[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return sums;
}
