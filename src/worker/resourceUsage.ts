/**
 * Resource usage in mediasoup's `WorkerResourceUsage` shape (getrusage names,
 * times in ms). In thread mode the CPU times and context switches are the
 * worker thread's own, read from /proc/thread-self (Linux); memory figures are
 * the process's, which threads share.
 */
import { readFileSync } from 'node:fs';

export interface WorkerResourceUsage {
  ru_utime: number;
  ru_stime: number;
  ru_maxrss: number;
  ru_ixrss: number;
  ru_idrss: number;
  ru_isrss: number;
  ru_minflt: number;
  ru_majflt: number;
  ru_nswap: number;
  ru_inblock: number;
  ru_oublock: number;
  ru_msgsnd: number;
  ru_msgrcv: number;
  ru_nsignals: number;
  ru_nvcsw: number;
  ru_nivcsw: number;
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux (USER_HZ). */
const USER_HZ = 100;

export function getResourceUsage(threadMode: boolean): WorkerResourceUsage {
  const u = process.resourceUsage();
  const usage: WorkerResourceUsage = {
    ru_utime: u.userCPUTime / 1000,
    ru_stime: u.systemCPUTime / 1000,
    ru_maxrss: u.maxRSS,
    ru_ixrss: u.sharedMemorySize,
    ru_idrss: u.unsharedDataSize,
    ru_isrss: u.unsharedStackSize,
    ru_minflt: u.minorPageFault,
    ru_majflt: u.majorPageFault,
    ru_nswap: u.swappedOut,
    ru_inblock: u.fsRead,
    ru_oublock: u.fsWrite,
    ru_msgsnd: u.ipcSent,
    ru_msgrcv: u.ipcReceived,
    ru_nsignals: u.signalsCount,
    ru_nvcsw: u.voluntaryContextSwitches,
    ru_nivcsw: u.involuntaryContextSwitches,
  };
  if (threadMode) Object.assign(usage, readThreadUsage());
  return usage;
}

function readThreadUsage(): Partial<WorkerResourceUsage> {
  try {
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of proc(5) stat.
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    const field = (name: string): number => {
      const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
      return match ? Number(match[1]) : 0;
    };
    return {
      ru_utime: (Number(fields[11]) * 1000) / USER_HZ,
      ru_stime: (Number(fields[12]) * 1000) / USER_HZ,
      ru_nvcsw: field('voluntary_ctxt_switches'),
      ru_nivcsw: field('nonvoluntary_ctxt_switches'),
    };
  } catch {
    return {};
  }
}
