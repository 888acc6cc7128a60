import type { Db } from './cases.ts';

export async function insertDocument(
  db: Db,
  d: { caseId: number; fileName: string; contentType: string; size: number; sha256: string; key: string; uploadedBy: number | null; at: Date },
): Promise<number> {
  const row = await db
    .insertInto('documents')
    .values({ case_id: d.caseId, file_name: d.fileName, content_type: d.contentType, size_bytes: d.size, sha256: d.sha256, storage_key: d.key, uploaded_by: d.uploadedBy, uploaded_at: d.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
