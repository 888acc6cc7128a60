import type { VirusScanner } from '../../files/virus-scan.ts';
import { insertLinkOfficerDocument } from '../../data/repositories/link-officers.ts';
import type { ActionContext } from '../case-action.ts';
import type { ServiceDeps } from '../deps.ts';
import { invalid } from '../errors.ts';
import { ScanUnavailableError, uploadMessages, type PortalUpload } from '../portal/documents.ts';
import { safeFileName, sniffFileType } from '../portal/file-types.ts';

/**
 * A document a link officer sends with an answer or as evidence that a remedy was done, checked
 * exactly as a complainant's upload is: type judged by content, size limited, virus-scanned
 * before it is kept. A file with a virus is recorded as quarantined (we keep what we were sent,
 * and staff can see it arrived) but is never offered for download, and the answer it came with
 * is not taken: the officer is asked to send it again.
 */
export type EvidenceUpload = PortalUpload;

/** A checked, scanned and stored file, ready to be recorded on the case in the action's transaction. */
export interface StoredEvidence {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  key: string;
  type: string;
  scanStatus: 'clean' | 'not-scanned' | 'quarantined';
  signature?: string;
}

/** A file that passed the checks that need no scanner: not empty, not too large, a kind we take. */
export interface CheckedEvidence {
  fileName: string;
  content: Buffer;
  contentType: string;
  type: string;
}

/** Checks size and kind; throws `invalid` (field `document`) for a file we do not take. Nothing is stored. */
export async function checkEvidenceFile(upload: EvidenceUpload, maxBytes: number): Promise<CheckedEvidence> {
  if (upload.truncated || upload.content.length > maxBytes) throw invalid({ document: uploadMessages.tooLarge(maxBytes) });
  if (upload.content.length === 0) throw invalid({ document: uploadMessages.empty });
  const sniffed = await sniffFileType(upload.content);
  if (!sniffed.accepted) throw invalid({ document: uploadMessages.wrongType });
  return { fileName: safeFileName(upload.fileName, sniffed.type), content: upload.content, contentType: sniffed.type.mime, type: sniffed.type.ext };
}

/**
 * Scans and stores a checked file. A scanner that cannot answer is a ScanUnavailableError and
 * nothing is kept; a file with a virus is stored and comes back with scanStatus 'quarantined'.
 */
export async function scanAndStoreEvidence(deps: Pick<ServiceDeps, 'files'>, scanner: VirusScanner, checked: CheckedEvidence): Promise<StoredEvidence> {
  let verdict;
  try {
    verdict = await scanner.scan(checked.content);
  } catch (error) {
    throw new ScanUnavailableError(error);
  }
  // Stored before any row is written: a crash leaves at worst an unreferenced file, never a row without its file.
  const stored = await deps.files.put(checked.content);
  return {
    fileName: checked.fileName, contentType: checked.contentType, size: stored.size, sha256: stored.sha256, key: stored.key, type: checked.type,
    scanStatus: !verdict.clean ? 'quarantined' : verdict.skipped ? 'not-scanned' : 'clean',
    ...(verdict.clean ? {} : { signature: verdict.signature ?? 'unknown virus' }),
  };
}

/** Records the stored file on the case as sent by the acting link officer, with its timeline event; returns its id. */
export async function recordEvidenceDocument(context: ActionContext, linkOfficerId: number, evidence: StoredEvidence): Promise<number> {
  const documentId = await insertLinkOfficerDocument(context.trx, {
    caseId: context.caseRow.id, fileName: evidence.fileName, contentType: evidence.contentType, size: evidence.size, sha256: evidence.sha256, key: evidence.key,
    linkOfficerId, at: context.now, scanStatus: evidence.scanStatus,
  });
  await context.record('document-added', {
    documentId, sha256: evidence.sha256, size: evidence.size, type: evidence.type, scanStatus: evidence.scanStatus, ...(evidence.signature ? { signature: evidence.signature } : {}),
  }, evidence.fileName);
  return documentId;
}

/** The message for a quarantined file, as the complainant portal says it. */
export function quarantinedMessage(evidence: StoredEvidence): string {
  return uploadMessages.virus(evidence.fileName);
}
