import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How busy the machine was with work that is not the benchmark's: on a shared machine another
 * job's load would otherwise pass for the app's slowness. Linux only (/proc); elsewhere it reports
 * nothing.
 */
export class MachineLoad {
  private readonly ticksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on
  private start: { busy: number; ours: number; at: number } | undefined;

  /** `postmasterPidFile`: the embedded server's, so its backends count as ours. */
  constructor(
    private readonly ownPids: () => number[],
    private readonly postmasterPidFile?: string,
  ) {}

  begin(): void {
    this.start = this.sample();
  }

  /** Share of the machine's CPU (0–1) used by other processes since begin(), or undefined. */
  async end(): Promise<number | undefined> {
    const start = this.start;
    // Backends that just closed count once the server has reaped them (into its children's time).
    await new Promise((done) => setTimeout(done, 150));
    const now = this.sample();
    if (!start || !now) return undefined;
    const seconds = (now.at - start.at) / 1000;
    const cpus = this.cpuCount();
    if (seconds <= 0 || cpus === 0) return undefined;
    const others = now.busy - start.busy - (now.ours - start.ours);
    return Math.max(0, others / this.ticksPerSecond / (seconds * cpus));
  }

  private sample(): { busy: number; ours: number; at: number } | undefined {
    if (!existsSync('/proc/stat')) return undefined;
    try {
      const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
      const [user, nice, system, , , irq, softirq, steal] = cpu.map(Number);
      const busy = user + nice + system + irq + softirq + (steal || 0);
      let ours = 0;
      for (const pid of this.pids()) ours += processTicks(pid);
      return { busy, ours, at: Date.now() };
    } catch {
      return undefined;
    }
  }

  private pids(): number[] {
    const pids = new Set(this.ownPids());
    if (this.postmasterPidFile && existsSync(this.postmasterPidFile)) {
      const postmaster = Number(readFileSync(this.postmasterPidFile, 'utf8').split('\n')[0]);
      if (postmaster > 0) {
        pids.add(postmaster);
        for (const entry of readdirSync('/proc')) {
          if (!/^\d+$/.test(entry)) continue;
          if (parentOf(Number(entry)) === postmaster) pids.add(Number(entry));
        }
      }
    }
    return [...pids];
  }

  private cpuCount(): number {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line)).length;
  }
}

/** utime + stime of a process and of its waited-for children, in ticks. */
function processTicks(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // Fields after the command: state is [0], utime [11], stime [12], cutime [13], cstime [14].
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(join('/proc', String(pid), 'stat'), 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
