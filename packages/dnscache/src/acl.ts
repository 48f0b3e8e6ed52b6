// Which clients may ask (okclient.c): allowed when ip/a.b.c.d, ip/a.b.c, ip/a.b or ip/a exists,
// checked for every query so a new file counts at once. Decisions are remembered per address
// only while the ip/ directory's modification time stays the same (creating, removing or
// renaming a file in it changes that time), which saves up to four stat calls per query;
// the directory itself is looked at once per event-loop turn.
import { existsSync, statSync } from 'node:fs';

export class Acl {
  private stamp = -1;
  private readonly known = new Map<string, boolean>();

  private readonly dir: string;

  constructor(dir = 'ip') {
    this.dir = dir;
  }

  /** The original's check, without remembering anything. */
  check(ip: string): boolean {
    let fn = `${this.dir}/${ip}`;
    for (;;) {
      if (existsSync(fn)) return true;
      const dot = fn.lastIndexOf('.');
      if (dot < this.dir.length) return false;
      fn = fn.slice(0, dot);
    }
  }

  private checkedThisTurn = false;
  private readonly endTurn = (): void => {
    this.checkedThisTurn = false;
  };

  allowed(ip: string): boolean {
    // One stat of ip/ per event-loop turn: packets handled in the same turn arrived together.
    if (!this.checkedThisTurn) {
      this.checkedThisTurn = true;
      setImmediate(this.endTurn);
      const st = statSync(this.dir, { throwIfNoEntry: false });
      const stamp = st ? st.mtimeMs + st.ctimeMs * 3 + st.ino : -2;
      if (stamp !== this.stamp) {
        this.known.clear();
        this.stamp = stamp;
      }
    }
    let ok = this.known.get(ip);
    if (ok === undefined) {
      ok = this.check(ip);
      if (this.known.size > 4096) this.known.clear();
      this.known.set(ip, ok);
    }
    return ok;
  }
}
