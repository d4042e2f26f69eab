// The adapter behind RunCommand: runs reg.exe / plutil without a shell and with a deadline, and
// gives back what they printed. A missing tool is a thrown error, which the readers turn into a
// damaged policy (fail closed), never into "no policy".
import { execFile } from 'node:child_process';
import type { CommandResult, RunCommand } from './windows-policy';

export function execCommandPort(timeoutMs = 10_000): RunCommand {
  return (command, args) =>
    new Promise<CommandResult>((resolve, reject) => {
      execFile(command, [...args], { timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      });
    });
}
