// A TextSink over a Node file write stream that honours backpressure (used by the CLI and the bench).
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { TextSink } from './csv-out';

export class FileSink implements TextSink {
  private readonly stream: WriteStream;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
