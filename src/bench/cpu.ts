// CPU time of this process, the bench parts' measure where wall time depends on what else runs.

/** CPU time (user and system, every thread of this process) since `from`, ms. */
export function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}
