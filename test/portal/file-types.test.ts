import { describe, expect, it } from 'vitest';
import { oleDocumentKind, oleStreamNames, safeFileName, sniffFileType, type AcceptedType } from '../../src/services/portal/file-types.ts';
import { eicar, fixture } from './helpers.ts';

const pdf: AcceptedType = { ext: 'pdf', mime: 'application/pdf', label: 'PDF', extensions: ['pdf'] };
const text: AcceptedType = { ext: 'txt', mime: 'text/plain', label: 'text file', extensions: ['txt', 'csv'] };

describe('judging an upload by its content', () => {
  it.each([
    ['letter.pdf', 'pdf'], ['photo.jpg', 'jpg'], ['photo.png', 'png'], ['photo.gif', 'gif'], ['letter.docx', 'docx'], ['costs.xlsx', 'xlsx'],
    ['letter.doc', 'doc'], ['costs.xls', 'xls'], ['email.msg', 'msg'], ['email.eml', 'eml'], ['notes.txt', 'txt'],
  ])('accepts %s as %s', async (name, ext) => {
    const result = await sniffFileType(fixture(name));
    expect(result.accepted && result.type.ext).toBe(ext);
  });

  it.each([['program.exe', 'exe'], ['archive.zip', 'zip'], ['drawing.svg', 'xml'], ['installer.msi', 'cfb'], ['page.html', 'markup'], ['script.sh', 'markup']])(
    'refuses %s (%s)',
    async (name, detected) => {
      expect(await sniffFileType(fixture(name))).toEqual({ accepted: false, detected });
    },
  );

  it('treats the EICAR test string as text: only the virus scan can stop it', async () => {
    const result = await sniffFileType(eicar());
    expect(result.accepted && result.type.mime).toBe('text/plain');
  });

  it('accepts UTF-8 text with a byte-order mark, refuses other encodings and binary', async () => {
    expect((await sniffFileType(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Dear Sir, £10 please')]))).accepted).toBe(true);
    expect((await sniffFileType(Buffer.from('Caf\xe9', 'latin1'))).accepted).toBe(false);
    expect((await sniffFileType(Buffer.from('text\u0000with a nul'))).accepted).toBe(false);
  });

  it('tells an email from a note that happens to start with a colon', async () => {
    const note = await sniffFileType(Buffer.from('Note: the council phoned.\nFrom: my diary\n'));
    expect(note.accepted && note.type.ext).toBe('txt');
    const folded = await sniffFileType(Buffer.from('Received: from mx\n by mx2\nFrom: a@b.example\nSubject: Hi\n\nBody'));
    expect(folded.accepted && folded.type.ext).toBe('eml');
  });

  it('reads the stream names of a compound file, and copes with a broken one', () => {
    expect(oleStreamNames(fixture('letter.doc'))).toEqual(['Root Entry', 'WordDocument', '\u0005SummaryInformation']);
    expect(oleDocumentKind(fixture('installer.msi'))).toBeUndefined();
    const truncated = fixture('letter.doc').subarray(0, 700);
    expect(oleStreamNames(truncated)).toEqual([]);
    const looping = Buffer.from(fixture('letter.doc'));
    looping.writeUInt32LE(1, 512 + 4); // the directory sector's FAT entry points at itself
    expect(oleStreamNames(looping).length).toBeLessThanOrEqual(1024 * 4);
  });
});

describe('the name a file is kept under', () => {
  it('keeps a matching extension and adds the real one otherwise', () => {
    expect(safeFileName('Letter.PDF', pdf)).toBe('Letter.PDF');
    expect(safeFileName('letter.exe', pdf)).toBe('letter.exe.pdf');
    expect(safeFileName('letter', pdf)).toBe('letter.pdf');
    expect(safeFileName('costs.csv', text)).toBe('costs.csv');
  });

  it('drops folders, quotes and control characters', () => {
    expect(safeFileName('C:\\Users\\pat\\letter.pdf', pdf)).toBe('letter.pdf');
    expect(safeFileName('../../etc/letter.pdf', pdf)).toBe('letter.pdf');
    expect(safeFileName('my "best"\r\nletter.pdf', pdf)).toBe('my _best___letter.pdf');
    expect(safeFileName('', pdf)).toBe('document.pdf');
    expect(safeFileName(`${'a'.repeat(300)}.pdf`, pdf).length).toBeLessThanOrEqual(204);
  });
});
