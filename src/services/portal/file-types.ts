import { fileTypeFromBuffer } from 'file-type';

/**
 * What kind of file an upload really is, judged by its content alone: the name and the type the
 * browser claims are not trusted. Only documents people send us about a complaint are accepted.
 */
export interface AcceptedType {
  /** The canonical extension, e.g. 'pdf'. */
  ext: string;
  mime: string;
  /** What to call it in words: "PDF", "Word document". */
  label: string;
  /** Extensions a file of this kind may already carry; otherwise `ext` is added to its name. */
  extensions: readonly string[];
}

export const acceptedTypesSentence =
  'a PDF, a Word, Excel or PowerPoint document, an OpenDocument or rich text file, a picture (JPG, PNG, GIF, WebP, HEIC or TIFF), an email (EML or MSG) or a plain text file';

const byFileType: Record<string, Omit<AcceptedType, 'ext' | 'mime'>> = {
  pdf: { label: 'PDF', extensions: ['pdf'] },
  jpg: { label: 'JPG picture', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  png: { label: 'PNG picture', extensions: ['png'] },
  gif: { label: 'GIF picture', extensions: ['gif'] },
  webp: { label: 'WebP picture', extensions: ['webp'] },
  heic: { label: 'HEIC picture', extensions: ['heic', 'heif'] },
  tif: { label: 'TIFF picture', extensions: ['tif', 'tiff'] },
  docx: { label: 'Word document', extensions: ['docx'] },
  xlsx: { label: 'Excel spreadsheet', extensions: ['xlsx'] },
  pptx: { label: 'PowerPoint presentation', extensions: ['pptx'] },
  odt: { label: 'OpenDocument text', extensions: ['odt'] },
  ods: { label: 'OpenDocument spreadsheet', extensions: ['ods'] },
  odp: { label: 'OpenDocument presentation', extensions: ['odp'] },
  rtf: { label: 'rich text file', extensions: ['rtf'] },
};

const oleKinds = {
  doc: { mime: 'application/msword', label: 'Word document', extensions: ['doc', 'dot'] },
  xls: { mime: 'application/vnd.ms-excel', label: 'Excel spreadsheet', extensions: ['xls', 'xlt'] },
  ppt: { mime: 'application/vnd.ms-powerpoint', label: 'PowerPoint presentation', extensions: ['ppt', 'pps', 'pot'] },
  msg: { mime: 'application/vnd.ms-outlook', label: 'Outlook email', extensions: ['msg'] },
} as const;

export type SniffResult = { accepted: true; type: AcceptedType } | { accepted: false; detected?: string };

/** Identifies `content`; accepted only when it is one of the kinds in `acceptedTypesSentence`. */
export async function sniffFileType(content: Buffer): Promise<SniffResult> {
  const found = await fileTypeFromBuffer(content);
  if (found) {
    if (found.ext === 'cfb') {
      const kind = oleDocumentKind(content);
      return kind ? { accepted: true, type: { ext: kind, ...oleKinds[kind] } } : { accepted: false, detected: 'cfb' };
    }
    const known = byFileType[found.ext];
    return known ? { accepted: true, type: { ext: found.ext, mime: found.mime, ...known } } : { accepted: false, detected: found.ext };
  }
  const text = decodeText(content);
  if (text === undefined) return { accepted: false };
  if (looksLikeEmail(text)) return { accepted: true, type: { ext: 'eml', mime: 'message/rfc822', label: 'email', extensions: ['eml'] } };
  if (looksLikeMarkupOrScript(text)) return { accepted: false, detected: 'markup' };
  return { accepted: true, type: { ext: 'txt', mime: 'text/plain', label: 'text file', extensions: ['txt', 'text', 'csv', 'log'] } };
}

/** The file name to keep: path parts and control characters removed, and the real type's extension added when it differs. */
export function safeFileName(name: string, type: AcceptedType): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '_').trim().slice(0, 200) || 'document';
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(base)?.[1]?.toLowerCase();
  return extension && type.extensions.includes(extension) ? base : `${base}.${type.ext}`;
}

/** UTF-8 text (with or without a byte-order mark) that has no control characters but tab, newlines and form feed. */
function decodeText(content: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- looking for binary content
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return undefined;
  return text;
}

const EMAIL_HEADERS = new Set(['from', 'to', 'cc', 'subject', 'date', 'message-id', 'mime-version', 'received', 'return-path', 'reply-to', 'content-type', 'sender', 'delivered-to']);

/** An RFC 822 message: starts with header lines (folded lines allowed) including at least From and one other well-known header. */
function looksLikeEmail(text: string): boolean {
  const names = new Set<string>();
  for (const line of text.slice(0, 64 * 1024).split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && names.size > 0) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*):/.exec(line);
    if (!match) return false;
    names.add((match[1] as string).toLowerCase());
  }
  const known = [...names].filter((n) => EMAIL_HEADERS.has(n));
  return names.has('from') && known.length >= 2;
}

/** Web pages, pictures made of markup and scripts: text, but not letters or notes. */
function looksLikeMarkupOrScript(text: string): boolean {
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 1024).toLowerCase();
  return /^<(!doctype|html|head|body|script|svg|\?xml|iframe|object)\b/.test(start) || start.startsWith('#!') || /<script\b/i.test(text.slice(0, 64 * 1024));
}

const FREE = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;

/**
 * Which Office file an OLE compound file holds, read from its stream names: Word, Excel,
 * PowerPoint or an Outlook message. Anything else (an installer, a Visio drawing) is refused.
 */
export function oleDocumentKind(content: Buffer): keyof typeof oleKinds | undefined {
  const names = new Set(oleStreamNames(content).map((n) => n.toLowerCase()));
  if (names.has('worddocument')) return 'doc';
  if (names.has('workbook') || names.has('book')) return 'xls';
  if (names.has('powerpoint document')) return 'ppt';
  if (names.has('__properties_version1.0') || [...names].some((n) => n.startsWith('__substg1.0_'))) return 'msg';
  return undefined;
}

/** The names in a compound file's directory, following its FAT chain (bounded, so a malformed file cannot loop). */
export function oleStreamNames(content: Buffer): string[] {
  if (content.length < 512 || content.readUInt32LE(0) !== 0xe011cfd0 || content.readUInt32LE(4) !== 0xe11ab1a1) return [];
  const sectorShift = content.readUInt16LE(30);
  if (sectorShift !== 9 && sectorShift !== 12) return [];
  const sectorSize = 1 << sectorShift;
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize;
  // The first 109 FAT sectors are listed in the header; documents that need more are very large.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const sector = content.readUInt32LE(76 + i * 4);
    if (sector === FREE || sector === END_OF_CHAIN) break;
    fatSectors.push(sector);
  }
  const entriesPerSector = sectorSize / 4;
  const next = (sector: number): number => {
    const fatSector = fatSectors[Math.floor(sector / entriesPerSector)];
    if (fatSector === undefined) return END_OF_CHAIN;
    const at = sectorOffset(fatSector) + (sector % entriesPerSector) * 4;
    return at + 4 <= content.length ? content.readUInt32LE(at) : END_OF_CHAIN;
  };
  const names: string[] = [];
  let sector = content.readUInt32LE(48);
  for (let hops = 0; sector < 0xfffffffa && hops < 1024; hops++) {
    const start = sectorOffset(sector);
    if (start + sectorSize > content.length) break;
    for (let entry = start; entry < start + sectorSize; entry += 128) {
      const nameLength = content.readUInt16LE(entry + 64);
      const type = content.readUInt8(entry + 66);
      if (type === 0 || nameLength < 2 || nameLength > 64) continue;
      names.push(content.toString('utf16le', entry, entry + nameLength - 2));
    }
    sector = next(sector);
  }
  return names;
}
