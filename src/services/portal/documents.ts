import { appendEvent } from '../../data/repositories/cases.ts';
import { findComplainantDocument, insertPortalDocument } from '../../data/repositories/portal.ts';
import type { VirusScanner } from '../../files/virus-scan.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { ServiceDeps } from '../deps.ts';
import { findOwnCase } from './complaints.ts';
import { acceptedTypesSentence, safeFileName, sniffFileType } from './file-types.ts';

/**
 * Documents the complainant sends from the portal. The type is judged by content, the size is
 * limited (MAX_UPLOAD_MB, default 10), and every file is virus-scanned before it is kept. A file
 * with a virus is still recorded, as 'quarantined' (we never lose something we acknowledged, and
 * staff can see it arrived), but it is never offered for download.
 */
export const DEFAULT_MAX_UPLOAD_MB = 10;

/** The largest upload allowed, in bytes, from MAX_UPLOAD_MB (megabytes; default 10). */
export function maxUploadBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.MAX_UPLOAD_MB ?? DEFAULT_MAX_UPLOAD_MB);
  return Math.round((Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_MAX_UPLOAD_MB) * 1_048_576);
}

export function sizeInWords(bytes: number): string {
  const mb = bytes / 1_048_576;
  return Number.isInteger(mb) ? `${mb}MB` : `${Math.round(mb * 10) / 10}MB`;
}

export const uploadMessages = {
  missing: 'Select a file',
  empty: 'The selected file is empty',
  tooLarge: (max: number) => `The selected file must be smaller than ${sizeInWords(max)}`,
  wrongType: `The selected file must be ${acceptedTypesSentence}`,
  virus: (name: string) => `The file ${name} contains a virus and has been quarantined`,
  scanFailed: 'We could not check the file for viruses. Try again later',
} as const;

/** The virus scanner could not give an answer: nothing was kept, the person should try again. */
export class ScanUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('conflict', uploadMessages.scanFailed, { document: uploadMessages.scanFailed });
    this.cause = cause;
  }
}

export interface PortalUpload {
  fileName: string;
  content: Buffer;
  /** True when the upload was cut off at the size limit. */
  truncated?: boolean;
}

export type UploadOutcome =
  | { quarantined: false; documentId: number; fileName: string; scanStatus: 'clean' | 'not-scanned' }
  | { quarantined: true; documentId: number; fileName: string; signature: string; message: string };

export async function uploadPortalDocument(
  deps: ServiceDeps,
  scanner: VirusScanner,
  email: string,
  reference: string,
  upload: PortalUpload,
  maxBytes: number,
): Promise<UploadOutcome> {
  const own = await findOwnCase(deps, email, reference);
  if (upload.truncated || upload.content.length > maxBytes) throw invalid({ document: uploadMessages.tooLarge(maxBytes) });
  if (upload.content.length === 0) throw invalid({ document: uploadMessages.empty });
  const sniffed = await sniffFileType(upload.content);
  if (!sniffed.accepted) throw invalid({ document: uploadMessages.wrongType });
  const fileName = safeFileName(upload.fileName, sniffed.type);

  let verdict;
  try {
    verdict = await scanner.scan(upload.content);
  } catch (error) {
    throw new ScanUnavailableError(error);
  }
  const scanStatus = !verdict.clean ? 'quarantined' : verdict.skipped ? 'not-scanned' : 'clean';
  const signature = verdict.clean ? undefined : (verdict.signature ?? 'unknown virus');

  // Stored before the row is written: a crash leaves at worst an unreferenced file, never a row without its file.
  const stored = await deps.files.put(upload.content);
  const now = deps.clock.now();
  const documentId = await deps.db.transaction().execute(async (trx) => {
    const id = await insertPortalDocument(trx, {
      caseId: own.id, fileName, contentType: sniffed.type.mime, size: stored.size, sha256: stored.sha256, key: stored.key, personId: own.person_id, at: now, scanStatus,
    });
    await appendEvent(trx, {
      caseId: own.id, kind: 'document-added', occurredAt: now, actorId: null,
      facts: { documentId: id, sha256: stored.sha256, size: stored.size, type: sniffed.type.ext, fromPersonId: own.person_id, from: own.role, scanStatus, ...(signature ? { signature } : {}) },
      detail: fileName,
    });
    return id;
  });
  if (signature) return { quarantined: true, documentId, fileName, signature, message: uploadMessages.virus(fileName) };
  return { quarantined: false, documentId, fileName, scanStatus: scanStatus as 'clean' | 'not-scanned' };
}

/** A document the complainant's side sent on their own case; anything else is "not found". */
export async function getPortalDocument(deps: ServiceDeps, email: string, reference: string, documentId: number) {
  const own = await findOwnCase(deps, email, reference);
  const document = Number.isSafeInteger(documentId) ? await findComplainantDocument(deps.db, own.id, documentId) : undefined;
  if (!document) throw notFound('Document');
  return { document, content: await deps.files.get(document.storage_key) };
}
