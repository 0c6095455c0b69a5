import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** A long-running server started by Graft: its pid lives in a file so another process can stop it. */
export interface ManagedProcess {
  readonly name: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export function readPid(proc: ManagedProcess): number | undefined {
  try {
    const pid = Number(fs.readFileSync(proc.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts `command` detached in a process group of its own (so stopping it
 * reaches any children too), with stdout and stderr appended to its log.
 */
export function startDetached(proc: ManagedProcess, command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const log = fs.openSync(proc.logFile, 'a');
  fs.writeSync(log, `\n--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${proc.name} (${command})`);
  child.unref();
  fs.writeFileSync(proc.pidFile, `${child.pid}\n`);
  return child.pid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM the process group, wait up to `graceMs`, then SIGKILL what is left. */
export async function stopProcessGroup(proc: ManagedProcess, graceMs = 15_000): Promise<'stopped' | 'killed' | 'not-running'> {
  const pid = readPid(proc);
  if (pid === undefined || !isAlive(pid)) {
    fs.rmSync(proc.pidFile, { force: true });
    return 'not-running';
  }
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) && !groupHasMembers(pid)) {
      fs.rmSync(proc.pidFile, { force: true });
      return 'stopped';
    }
    await sleep(200);
  }
  signalGroup('SIGKILL');
  await sleep(300);
  fs.rmSync(proc.pidFile, { force: true });
  return 'killed';
}

/** True while any process in group `pgid` is alive (Linux /proc). */
export function groupHasMembers(pgid: number): boolean {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the command name
      // (field 2) may hold spaces, so split after its closing parenthesis.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}
