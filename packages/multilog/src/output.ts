// Where selected lines go: log directories and standard output share this buffered interface.

export interface Output {
  /** Queues `src[start..end)`; may write at once when the batch is large (then a promise: `src` must stay as it is until it settles). */
  write(src: Buffer, start: number, end: number): Promise<void> | undefined;
  /** Writes everything queued (called before every read of input, so nothing waits in memory). */
  flush(): Promise<void>;
}

/** Batching shared by outputs: small pieces are copied into one buffer, large ones go straight through. */
export abstract class BufferedOutput implements Output {
  private readonly pending: Buffer;
  private pendingLength = 0;

  constructor(capacity: number) {
    this.pending = Buffer.allocUnsafe(capacity);
  }

  write(src: Buffer, start: number, end: number): Promise<void> | undefined {
    const length = end - start;
    if (this.pendingLength + length > this.pending.length) return this.writeAfterFlush(src, start, end);
    src.copy(this.pending, this.pendingLength, start, end);
    this.pendingLength += length;
    return undefined;
  }

  private async writeAfterFlush(src: Buffer, start: number, end: number): Promise<void> {
    await this.flush();
    const length = end - start;
    if (length >= this.pending.length) {
      await this.writeThrough(src, start, end);
      return;
    }
    src.copy(this.pending, this.pendingLength, start, end);
    this.pendingLength += length;
  }

  async flush(): Promise<void> {
    if (this.pendingLength === 0) return;
    const length = this.pendingLength;
    this.pendingLength = 0;
    await this.writeThrough(this.pending, 0, length);
  }

  protected get queued(): number {
    return this.pendingLength;
  }

  /** Writes `src[start..end)` now; never loses it. */
  protected abstract writeThrough(src: Buffer, start: number, end: number): Promise<void>;
}
