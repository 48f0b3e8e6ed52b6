// Names of finished files: `@` + TAI64N label of the moment they were finished, never repeated.
import { formatTai64nLabel, type WallTime, wallTime } from '@fortress/core/tai64n';

let last: WallTime = { seconds: 0, nanoseconds: 0 };

/** A label for "now", strictly later than every label this process handed out before. */
export function nextLabel(): string {
  let now = wallTime();
  if (now.seconds < last.seconds || (now.seconds === last.seconds && now.nanoseconds <= last.nanoseconds)) {
    now =
      last.nanoseconds >= 999_999_999
        ? { seconds: last.seconds + 1, nanoseconds: 0 }
        : { seconds: last.seconds, nanoseconds: last.nanoseconds + 1 };
  }
  last = now;
  return formatTai64nLabel(now);
}
