import type { FastifyRequest } from 'fastify';
import type { FormBody } from '../forms.ts';

export interface FormWithFile {
  fields: FormBody;
  /** The file chosen, if any: a file input left empty sends a part with no name, which is no file. */
  file?: { fileName: string; content: Buffer; truncated: boolean };
}

/**
 * Reads a form that has text fields and one optional file (multipart/form-data), keeping every
 * field as text and the file in memory up to `maxBytes` (a larger one comes back truncated, for the
 * service to refuse with a message). A form sent without a file input is read as a plain form.
 */
export async function readFormWithFile(request: FastifyRequest, maxBytes: number): Promise<FormWithFile> {
  if (!request.isMultipart()) return { fields: (request.body ?? {}) as FormBody };
  const fields: FormBody = {};
  let file: FormWithFile['file'];
  // throwFileSizeLimit is read by parts() as by file(), though its type does not say so.
  const options: Parameters<FastifyRequest['parts']>[0] & { throwFileSizeLimit: boolean } = { limits: { fileSize: maxBytes, files: 1 }, throwFileSizeLimit: false };
  for await (const part of request.parts(options)) {
    if (part.type === 'file') {
      const content = await part.toBuffer();
      if (part.filename) file = { fileName: part.filename, content, truncated: part.file.truncated };
    } else if (typeof part.value === 'string') {
      fields[part.fieldname] = part.value;
    }
  }
  return { fields, ...(file ? { file } : {}) };
}
