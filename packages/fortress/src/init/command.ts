// The image's command (CMD), started once the services are: searched in PATH, in init's own
// process group (a terminal's ^C reaches it as it would without init), with init's stdio and
// environment. Its pid is claimed through supervise's child-exits, so the reaper leaves it be.
import { spawn } from '@fortress/core/libc';
import { onChildExit } from '@fortress/supervise/child-exits';

const { constants } = process.getBuiltinModule('node:os');

export interface RunningCommand {
  pid: number;
  /** Resolves with the exit code as a shell gives it: the code, or 128 + the signal number. */
  exited: Promise<number>;
  /** Whether it has exited. */
  done(): boolean;
}

/** Throws a SystemError (ENOENT, EACCES, ...) when it cannot be started. */
export function startCommand(argv: readonly string[], env: NodeJS.ProcessEnv): RunningCommand {
  const envp: string[] = [];
  for (const key in env) {
    const value = env[key];
    if (value !== undefined) envp.push(`${key}=${value}`);
  }
  // Moves through spare descriptors: they clear the close-on-exec flag Node may have set on 0-2.
  const pid = spawn(argv[0]!, [...argv], envp, {
    moves: [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
  });
  let finished = false;
  const exited = new Promise<number>((resolve) => {
    onChildExit(pid, (code, signal) => {
      finished = true;
      resolve(signal !== null ? 128 + (constants.signals[signal] ?? 0) : (code ?? 0));
    });
  });
  return { pid, exited, done: () => finished };
}

/** TERM (and CONT), then KILL after `graceMs`; resolves with its exit code. */
export async function stopCommand(command: RunningCommand, graceMs: number): Promise<number> {
  if (!command.done()) {
    signal(command.pid, 'SIGTERM');
    signal(command.pid, 'SIGCONT');
    const timer = setTimeout(() => signal(command.pid, 'SIGKILL'), graceMs);
    await command.exited;
    clearTimeout(timer);
  }
  return command.exited;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already (a zombie until child-exits reaps it)
  }
}
