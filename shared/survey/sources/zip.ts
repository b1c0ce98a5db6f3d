// Random access to the parts of a zip archive (yauzl: maintained, streams each entry through node:zlib, checks
// sizes and CRCs), over a spooled drop (spool.ts).
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Spooled } from './spool';

export interface ZipArchive {
  /** Entry names (as stored, `/`-separated). */
  names(): string[];
  has(name: string): boolean;
  /** Uncompressed size as the directory declares it. */
  size(name: string): number;
  /** The entry's bytes, inflated as they are read. */
  open(name: string): Promise<Readable>;
  close(): void;
}

export async function openZip(src: Spooled): Promise<ZipArchive> {
  const opts = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };
  const zip = src.buffer ? await yauzl.fromBufferPromise(src.buffer, opts) : await yauzl.openPromise(src.file!, opts);
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      // Part names are case-insensitive in OPC; keep the first spelling seen.
      const k = e.fileName.replace(/^\/+/, '');
      if (!entries.has(k.toLowerCase())) entries.set(k.toLowerCase(), e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return {
    names: () => [...entries.values()].map((e) => e.fileName),
    has: (name) => entries.has(name.toLowerCase()),
    size: (name) => entries.get(name.toLowerCase())?.uncompressedSize ?? 0,
    open: (name) => {
      const e = entries.get(name.toLowerCase());
      if (!e) return Promise.reject(new Error(`no part ${name} in the archive`));
      return zip.openReadStreamPromise(e);
    },
    close: () => zip.close(),
  };
}
