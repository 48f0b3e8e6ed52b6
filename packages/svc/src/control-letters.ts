// svc's option letters. Each letter is also the byte written to supervise/control, as in
// daemontools 0.76; q 1 2 are the extensions of runit and daemontools-encore. No `w`: it is
// s6's "wait" letter (svc -wu: wait until up), not a signal, and must not send one meanwhile.

export interface ControlLetter {
  letter: string;
  /** The word svc's usage line gives it. */
  word: string;
  /** What supervise does on receiving the byte. */
  effect: string;
}

export const CONTROL_LETTERS: readonly ControlLetter[] = [
  { letter: 'u', word: 'up', effect: 'want up; start ./run, restart it whenever it exits' },
  { letter: 'd', word: 'down', effect: 'want down; send TERM then CONT, do not restart' },
  { letter: 'o', word: 'once', effect: 'start ./run if down, never restart it' },
  { letter: 'x', word: 'exit', effect: 'supervise exits once the service is down' },
  { letter: 'p', word: 'pause', effect: 'send STOP' },
  { letter: 'c', word: 'continue', effect: 'send CONT' },
  { letter: 'h', word: 'hup', effect: 'send HUP' },
  { letter: 'a', word: 'alarm', effect: 'send ALRM' },
  { letter: 'i', word: 'interrupt', effect: 'send INT' },
  { letter: 't', word: 'term', effect: 'send TERM' },
  { letter: 'k', word: 'kill', effect: 'send KILL' },
  { letter: 'q', word: 'quit', effect: 'send QUIT' },
  { letter: '1', word: 'usr1', effect: 'send USR1' },
  { letter: '2', word: 'usr2', effect: 'send USR2' },
];

/** The getopt string: the 0.76 letters in their order, then the extensions. */
export const OPTION_LETTERS = 'udopchaitkxq12';

/** svc's usage text (0.76's, with the extension letters appended). */
export const SVC_USAGE = `svc options: ${CONTROL_LETTERS.map((l) => `${l.letter} ${l.word}`).join(', ')}`;

/** At most this many command bytes, as 0.76's 20-byte buffer. */
export const MAX_COMMANDS = 20;

/** Command bytes from option letters: command-line order, duplicates dropped. */
export function commandBytes(flags: readonly string[]): string {
  let data = '';
  for (const flag of flags) {
    if (data.length < MAX_COMMANDS && !data.includes(flag)) data += flag;
  }
  return data;
}
