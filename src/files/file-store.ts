import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where documents live: outside the database, addressed by a key, with a content hash. */
export interface FileStore {
  put(content: Buffer): Promise<{ key: string; sha256: string; size: number }>;
  get(key: string): Promise<Buffer>;
}

/** Documents on local disk, written to a temporary name then renamed, so a crash never leaves half a file. */
export function localFileStore(root: string): FileStore {
  return {
    async put(content) {
      const sha256 = createHash('sha256').update(content).digest('hex');
      const key = `${sha256.slice(0, 2)}/${randomUUID()}`;
      const path = join(root, key);
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.partial`;
      await writeFile(temporary, content, { flush: true });
      await rename(temporary, path);
      return { key, sha256, size: content.length };
    },
    async get(key) {
      if (key.includes('..')) throw new Error('Invalid file key');
      return readFile(join(root, key));
    },
  };
}
