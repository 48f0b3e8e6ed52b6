// A failure while setting up (opening, locking, creating): multilog reports it and exits 111.

export class StartupError extends Error {
  readonly text: string;
  override readonly cause: unknown;
  constructor(text: string, cause: unknown) {
    super(text);
    this.text = text;
    this.cause = cause;
  }
}
