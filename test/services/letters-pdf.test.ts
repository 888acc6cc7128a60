import { describe, expect, it } from 'vitest';
import { letterContent, planYearPeriod, rate, type LetterFigures } from '../../src/domain/annual-letters.ts';
import { printable, renderLetterPdf } from '../../src/services/letters/letter-pdf.ts';
import { pdfText } from './letters-support.ts';

const figures: LetterFigures = {
  version: 1,
  planYear: 2017,
  period: planYearPeriod(2017),
  council: { code: 'X99000002', name: 'Sampleton District Council', councilType: 'district' },
  figures: { received: 31, decisions: 28, investigations: 12, upheld: 9, upheld_rate: rate(9, 12), remedied_by_body: rate(1, 9), compliance: rate(7, 8) },
  similar: { councils: 2, received: 40, decisions: 35, investigations: 15, upheld: 10, upheld_rate: rate(10, 15), remedied_by_body: rate(1, 10), compliance: rate(8, 9) },
  england: { councils: 6, received: 200, decisions: 180, investigations: 60, upheld: 33, upheld_rate: rate(33, 60), remedied_by_body: rate(4, 33), compliance: rate(30, 32) },
  remedies: { byKind: [{ kind: 'apology', count: 4 }, { kind: 'service-improvement', count: 2 }], serviceImprovements: ['Publish the repairs timetable', 'Review the housing allocations letter'] },
};
const content = letterContent(figures, { statement: 'A statement from the Ombudsman.', date: '2018-07-18', signatoryName: 'Olive Ombudsman', organisation: 'Local Government Ombudsman' });
const layout = { organisation: 'Local Government Ombudsman', createdAt: new Date('2018-07-17T23:00:00Z') };

describe('the annual letter PDF', () => {
  it('is a real PDF holding the council’s name, its figures and the statement', async () => {
    const pdf = await renderLetterPdf(content, { ...layout, compress: false });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF/);
    const text = pdfText(pdf);
    for (const phrase of [
      'Local Government Ombudsman', '18 July 2018', 'The Chief Executive', 'Sampleton District Council', 'Dear Chief Executive',
      'Annual review letter 2017-18', 'A statement from the Ombudsman.', 'We received 31 complaints and enquiries about the council and made 28 decisions.',
      'upheld 9 of them: an upheld rate of 75%', '75% (9 of 12)', '88% (7 of 8)', 'Publish the repairs timetable', '4 apologies',
      'Yours sincerely', 'Olive Ombudsman', 'Page 1 of',
    ]) {
      expect(text, phrase).toContain(phrase);
    }
  });

  it('is tagged, in British English, titled and authored', async () => {
    const raw = (await renderLetterPdf(content, { ...layout, compress: false })).toString('latin1');
    expect(raw).toContain('/StructTreeRoot');
    expect(raw).toMatch(/\/Marked true/);
    expect(raw).toMatch(/\/Lang \(en-GB\)/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    // The document information and the XMP metadata both carry the title and the author.
    expect(raw).toMatch(/\/Title \d+ 0 R/);
    expect(raw).toContain('(Annual review letter 2017-18: Sampleton District Council)');
    expect(raw).toMatch(/<dc:title>\s*<rdf:Alt>\s*<rdf:li xml:lang="x-default">Annual review letter 2017-18: Sampleton District Council<\/rdf:li>/);
    expect(raw).toMatch(/<dc:creator>\s*<rdf:Seq>\s*<rdf:li>Local Government Ombudsman<\/rdf:li>/);
    for (const tag of ['/H1', '/H2', '/P', '/L', '/LI', '/Table', '/TH', '/TD']) expect(raw, tag).toContain(`/S ${tag}`);
    expect(raw).toContain('/Artifact');
  });

  it('gives the same bytes for the same letter (so an unchanged letter keeps its checksum), compressed by default', async () => {
    const [a, b] = await Promise.all([renderLetterPdf(content, layout), renderLetterPdf(content, layout)]);
    expect(a.equals(b)).toBe(true);
    const uncompressed = await renderLetterPdf(content, { ...layout, compress: false });
    expect(a.length).toBeLessThan(uncompressed.length);
    expect(pdfText(a)).toContain('Sampleton District Council');
  });

  it('draws characters the standard fonts cannot show as their nearest plain form, never as a wrong glyph', async () => {
    expect(printable('Ynys Môn: ≥ 10 cases — £250 “quoted” ‘q’ € Łódź ŵ 😀')).toBe('Ynys Môn: >= 10 cases — £250 “quoted” ‘q’ € Lódz w ?');
    const statement = 'We expect ≥ 90% compliance from Łódź Council — and 😀.';
    const pdf = await renderLetterPdf(letterContent(figures, { statement, date: '2018-07-18', signatoryName: null, organisation: 'O' }), { ...layout, compress: false });
    expect(pdfText(pdf)).toContain('We expect >= 90% compliance from Lódz Council — and ?.');
  });
});
