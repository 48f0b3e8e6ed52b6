// Watches the services a service needs (needs/, issue 13), pushed not polled: a subscription to
// each needed service's event/ fifodir (core/fifodir.ts), so every event there (a start,
// readiness, a death) makes the supervisor read that service's status again; plus a slow poll
// for what sends no events: a needed service that does not exist yet, has no event/ (under
// daemontools' supervise), or whose event/ was made again.
import { EVENT_DIR, Subscription } from '@fortress/core/fifodir';
import { dup, setCloseOnExec } from '@fortress/core/libc';
import { neededServiceDir } from '@fortress/core/needs';

const { existsSync } = process.getBuiltinModule('node:fs');
const net = process.getBuiltinModule('node:net');

/** How often the needed services are read again without an event. */
export const NEEDS_POLL_MS = 1000;

interface Listening {
  subscription: Subscription;
  socket: import('node:net').Socket;
}

export class NeedsWatch {
  readonly #scanDir: string;
  readonly #names: readonly string[];
  readonly #onChange: () => void;
  readonly #listening = new Map<string, Listening>();
  #timer: NodeJS.Timeout | undefined;

  /** Watches NAMES, entries of SCANDIR; ONCHANGE runs after each event and each poll. */
  constructor(scanDir: string, names: readonly string[], onChange: () => void) {
    this.#scanDir = scanDir;
    this.#names = names;
    this.#onChange = onChange;
    this.#subscribeAll();
    this.#timer = setInterval(() => {
      this.#subscribeAll();
      this.#onChange();
    }, NEEDS_POLL_MS);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const name of [...this.#listening.keys()]) this.#unsubscribe(name);
  }

  #subscribeAll(): void {
    for (const name of this.#names) {
      const held = this.#listening.get(name);
      // Our FIFO gone (the directory removed, event/ made anew): subscribe again.
      if (held && existsSync(held.subscription.path)) continue;
      if (held) this.#unsubscribe(name);
      this.#subscribe(name);
    }
  }

  #subscribe(name: string): void {
    let subscription: Subscription;
    try {
      subscription = Subscription.subscribe(`${neededServiceDir(this.#scanDir, name)}/${EVENT_DIR}`);
    } catch {
      return; // no such service or no event/ (yet): the poll covers it
    }
    let socket: import('node:net').Socket;
    try {
      // A copy of the read end for the event loop (the subscription keeps and closes its own),
      // close-on-exec like every descriptor of supervise's: ./run must not inherit it.
      const fd = dup(subscription.fd);
      setCloseOnExec(fd, true);
      socket = new net.Socket({ fd, readable: true, writable: false });
    } catch {
      subscription.close();
      return;
    }
    socket.on('data', () => this.#onChange());
    socket.on('error', () => this.#unsubscribe(name));
    this.#listening.set(name, { subscription, socket });
  }

  #unsubscribe(name: string): void {
    const held = this.#listening.get(name);
    if (!held) return;
    this.#listening.delete(name);
    held.socket.destroy();
    held.subscription.close();
  }
}
