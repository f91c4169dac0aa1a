// CPU per message for npm run bench: each process's user + system time (from /proc) over a row's
// measured window, divided by the messages of that window. It shows where a message's cost is (the
// accepting edge, the delivering edge, the proxy, the broker) and makes a before/after comparable
// when the rates differ.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every Linux this runs on. */
const TICKS = 100;

/** CPU seconds a process has used so far, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** Every live process of a stack, by name, from its pid files (supervisors left out). */
export function stackProcesses(runDir: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(runDir)) return out;
  for (const file of readdirSync(runDir)) {
    if (!file.endsWith('.pid') || file.endsWith('.supervisor.pid')) continue;
    const pid = Number(readFileSync(join(runDir, file), 'utf8').trim());
    if (pid > 0 && cpuSeconds(pid) !== undefined) out.set(file.slice(0, -'.pid'.length), pid);
  }
  return out;
}

export interface CpuPerMessage {
  /** µs of CPU per message, per process, largest first. */
  byProcess: Array<[string, number]>;
  total: number;
  messages: number;
}

/** Starts counting now; `end(messages)` gives each process's CPU per message since. */
export function cpuWindow(processes: Map<string, number>): { end(messages: number): CpuPerMessage } {
  const start = new Map<string, number>();
  for (const [name, pid] of processes) {
    const s = cpuSeconds(pid);
    if (s !== undefined) start.set(name, s);
  }
  return {
    end(messages: number): CpuPerMessage {
      const byProcess: Array<[string, number]> = [];
      for (const [name, before] of start) {
        const after = cpuSeconds(processes.get(name)!);
        if (after === undefined || messages <= 0) continue;
        byProcess.push([name, ((after - before) * 1e6) / messages]);
      }
      byProcess.sort((a, b) => b[1] - a[1]);
      return { byProcess, total: byProcess.reduce((sum, [, us]) => sum + us, 0), messages };
    },
  };
}
