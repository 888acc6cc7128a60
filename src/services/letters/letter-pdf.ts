import PDFDocument from 'pdfkit';
import type { LetterBlock, LetterContent } from '../../domain/annual-letters.ts';

/**
 * Lays an annual review letter out as an A4 PDF: a tagged PDF (headings, paragraphs, lists and a
 * table with header cells in the structure tree, the letterhead rule and page numbers marked as
 * artifacts), in British English, with its title shown in the reader's title bar.
 *
 * The same content and date always give the same bytes (the creation date is the letter's date,
 * not the moment of rendering), so a letter regenerated without changes keeps its checksum.
 */

export interface LetterLayoutOptions {
  organisation: string;
  /** The letter's date, also the PDF's creation date. */
  createdAt: Date;
  /** Tests render uncompressed so the text can be read back from the bytes. */
  compress?: boolean;
}

const INK = '#0b0c0c';
const MUTED = '#505a5f';
const RULE = '#1d70b8';
const TABLE_HEAD = '#f3f2f1';
const MARGIN = { top: 56, bottom: 64, left: 64, right: 64 };
const BODY_SIZE = 10.5;
const LINE_GAP = 2.5;

// The standard PDF fonts (Helvetica) encode text as WinAnsi: Latin-1 and these typographic marks.
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const NEAREST: Record<string, string> = { '≥': '>=', '≤': '<=', '≠': '!=', '−': '-', '′': "'", '″': '"', 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ı': 'i' };

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return char === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
}

/**
 * Text the standard fonts can show: a character they cannot is replaced by its nearest plain form
 * (accents removed, "≥" as ">=") or "?", never by a wrong glyph, as pdfkit would otherwise draw.
 */
export function printable(text: string): string {
  let result = '';
  for (const char of text) {
    if (isWinAnsi(char)) {
      result += char;
      continue;
    }
    const plain = NEAREST[char] ?? char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    result += [...plain].every(isWinAnsi) && plain.length > 0 ? plain : '?';
  }
  return result;
}

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/** Text under `parent` in the structure tree, as an element of type `tag`. */
function tagged(doc: Doc, parent: Struct, tag: string, draw: () => void): void {
  const element = doc.struct(tag, {}, draw);
  parent.add(element);
  element.end();
}

export function renderLetterPdf(content: LetterContent, options: LetterLayoutOptions): Promise<Buffer> {
  content = printableContent(content);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    compress: options.compress ?? true,
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    pdfVersion: '1.7',
    bufferPages: true,
    info: { Title: content.title, Author: options.organisation, Subject: content.title, Creator: 'Redress', Producer: 'Redress', CreationDate: options.createdAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const width = doc.page.width - MARGIN.left - MARGIN.right;

  letterhead(doc, root, printable(options.organisation), width);
  addressBlock(doc, root, content, width);

  tagged(doc, root, 'P', () => {
    doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(INK).text(content.salutation, MARGIN.left, doc.y, { width, lineGap: LINE_GAP });
  });
  doc.moveDown(0.8);
  tagged(doc, root, 'H1', () => {
    doc.font('Helvetica-Bold').fontSize(15).fillColor(INK).text(content.heading, { width, lineGap: 2 });
  });
  doc.moveDown(0.6);

  for (const block of content.opening) drawBlock(doc, root, block, width);
  for (const section of content.sections) {
    // A heading goes to the next page with the start of its section, never alone at the foot of one.
    keepWithNext(doc, 40 + heightToKeep(section.blocks[0]));
    doc.moveDown(0.4);
    tagged(doc, root, 'H2', () => {
      doc.font('Helvetica-Bold').fontSize(12.5).fillColor(INK).text(section.heading, MARGIN.left, doc.y, { width });
    });
    doc.moveDown(0.4);
    for (const block of section.blocks) drawBlock(doc, root, block, width);
  }
  for (const block of content.closing) drawBlock(doc, root, block, width);

  keepWithNext(doc, 110);
  doc.moveDown(0.4);
  tagged(doc, root, 'P', () => {
    doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(INK).text(content.signOff, MARGIN.left, doc.y, { width });
  });
  doc.moveDown(2.2);
  tagged(doc, root, 'P', () => {
    const [first, ...rest] = content.signatory;
    doc.font('Helvetica-Bold').fontSize(BODY_SIZE).text(first ?? '', MARGIN.left, doc.y, { width });
    doc.font('Helvetica').text(rest.join('\n'), { width, lineGap: LINE_GAP });
  });

  root.end();
  pageFooters(doc, content.title, width);
  doc.end();
  return done;
}

function printableContent(content: LetterContent): LetterContent {
  const block = (b: LetterBlock): LetterBlock =>
    b.kind === 'paragraph' ? { ...b, text: printable(b.text) }
      : b.kind === 'list' ? { ...b, items: b.items.map(printable) }
        : { ...b, caption: printable(b.caption), head: b.head.map(printable), rows: b.rows.map((r) => r.map(printable)) };
  return {
    ...content,
    title: printable(content.title),
    heading: printable(content.heading),
    recipient: content.recipient.map(printable),
    opening: content.opening.map(block),
    sections: content.sections.map((s) => ({ heading: printable(s.heading), blocks: s.blocks.map(block) })),
    closing: content.closing.map(block),
    signatory: content.signatory.map(printable),
  };
}

function letterhead(doc: Doc, root: Struct, organisation: string, width: number): void {
  tagged(doc, root, 'P', () => {
    doc.font('Helvetica-Bold').fontSize(17).fillColor(INK).text(organisation, MARGIN.left, MARGIN.top, { width });
  });
  doc.markContent('Artifact', { type: 'Layout' });
  const ruleY = doc.y + 6;
  doc.save().lineWidth(3).strokeColor(RULE).moveTo(MARGIN.left, ruleY).lineTo(MARGIN.left + width, ruleY).stroke().restore();
  doc.endMarkedContent();
  doc.y = ruleY + 28;
}

/** The date on the right, the recipient on the left, as a British business letter has them. */
function addressBlock(doc: Doc, root: Struct, content: LetterContent, width: number): void {
  const top = doc.y;
  tagged(doc, root, 'P', () => {
    doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(INK).text(content.date, MARGIN.left, top, { width, align: 'right' });
  });
  tagged(doc, root, 'P', () => {
    doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(INK).text(content.recipient.join('\n'), MARGIN.left, top, { width: width * 0.6, lineGap: LINE_GAP });
  });
  doc.moveDown(2);
}

/** Starts a new page when less than `height` points remain, so a heading is never left alone at the foot of a page. */
function keepWithNext(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN.bottom) doc.addPage();
}

/** Room a block needs at the foot of a page: a whole table (it is short), or a few lines of text. */
function heightToKeep(block: LetterBlock | undefined): number {
  if (block?.kind === 'table') return 40 + 26 * (block.rows.length + 1);
  return 45;
}

function drawBlock(doc: Doc, root: Struct, block: LetterBlock, width: number): void {
  doc.font('Helvetica').fontSize(BODY_SIZE).fillColor(INK);
  if (block.kind === 'paragraph') {
    tagged(doc, root, 'P', () => {
      doc.text(block.text, MARGIN.left, doc.y, { width, lineGap: LINE_GAP });
    });
    doc.moveDown(0.7);
    return;
  }
  if (block.kind === 'list') {
    const list = doc.struct('L');
    root.add(list);
    doc.list(block.items, MARGIN.left + 4, doc.y, {
      width: width - 4,
      lineGap: LINE_GAP,
      bulletRadius: 2,
      textIndent: 14,
      paragraphGap: 3,
      structParent: list,
    } as PDFKit.Mixins.TextOptions);
    list.end();
    doc.x = MARGIN.left;
    doc.moveDown(0.7);
    return;
  }
  drawTable(doc, root, block, width);
}

function drawTable(doc: Doc, root: Struct, table: Extract<LetterBlock, { kind: 'table' }>, width: number): void {
  keepWithNext(doc, heightToKeep(table));
  tagged(doc, root, 'Caption', () => {
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor(MUTED).text(table.caption, MARGIN.left, doc.y, { width });
  });
  doc.moveDown(0.4);
  const others = table.head.length - 1;
  const first = others > 2 ? width * 0.31 : width * 0.4;
  const rest = (width - first) / others;
  const cell = { padding: [5, 6, 5, 6], border: { top: 0, left: 0, right: 0, bottom: 0.75 }, borderColor: '#b1b4b6', fontSize: 9 };
  doc.font('Helvetica').fontSize(9).fillColor(INK);
  // structParent (a tagged table) and per-cell fonts are pdfkit 0.17 options @types/pdfkit does not list yet.
  const options = {
    position: { x: MARGIN.left, y: doc.y },
    maxWidth: width,
    columnStyles: [first, ...Array.from({ length: others }, () => rest)],
    defaultStyle: cell,
    data: [
      table.head.map((text) => ({ text, type: 'TH' as const, font: { src: 'Helvetica-Bold', size: 9 }, backgroundColor: TABLE_HEAD, border: { top: 0, left: 0, right: 0, bottom: 1.5 }, borderColor: INK })),
      ...table.rows.map((row) => row.map((text, index) => (index === 0 ? { text, type: 'TH' as const, font: { src: 'Helvetica-Bold', size: 9 } } : { text }))),
    ],
    structParent: root,
  };
  doc.table(options as unknown as PDFKit.Mixins.TableOptionsWithData);
  doc.x = MARGIN.left;
  doc.moveDown(0.9);
}

/** "Page 2 of 3" and the letter's title at the foot of every page, marked as pagination artifacts. */
function pageFooters(doc: Doc, title: string, width: number): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    const y = doc.page.height - MARGIN.bottom + 24;
    // Writing below the bottom margin would otherwise start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font('Helvetica').fontSize(8).fillColor(MUTED);
    doc.text(title, MARGIN.left, y, { width: width * 0.75, lineBreak: false });
    doc.text(`Page ${index - range.start + 1} of ${range.count}`, MARGIN.left, y, { width, align: 'right', lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
}
