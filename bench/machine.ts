/** The machine and runtime a benchmark ran on: figures mean little without them. */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  node: string;
  v8: string;
  os: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine inflates wall times. */
  loadAverage1m: number;
}

export function machine(): Machine {
  const cpu = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export const describeMachine = (m: Machine) =>
  `Node ${m.node} (V8 ${m.v8}) on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} ${m.arch}; load average ${m.loadAverage1m} at the start`;

export const currentLoadAverage = () => Math.round(loadavg()[0]! * 100) / 100;
