import { planYearName, SMALL_NUMBERS, type Rate } from './body-statistics.ts';
import { formatLondonDate, type IsoDate } from './london-time.ts';

export { planYearName, planYearPeriod, rate, SMALL_NUMBERS, type Rate } from './body-statistics.ts';

/**
 * The annual review letter each council gets for a plan year: what it says, worked out from the
 * year's figures alone. Pure: the service gathers the figures, this module chooses the words, and
 * the PDF renderer (and the staff preview) lay them out. The figures are snapshotted with the
 * letter, so the same snapshot always gives the same letter.
 *
 * Honest wording: a rate over no cases is "no investigations" (never 0% or NaN); a rate over fewer
 * than SMALL_NUMBERS cases carries a caution and is not compared with other councils.
 */

/** One council's figures for a period, as defined in issue 5 and computed by body-statistics. */
export interface CouncilFigures {
  received: number;
  decisions: number;
  investigations: number;
  upheld: number;
  upheld_rate: Rate;
  remedied_by_body: Rate;
  compliance: Rate;
}

/** A group of councils (similar councils, England): totals, how many councils, and pooled rates. */
export interface GroupFigures extends CouncilFigures {
  councils: number;
}

export interface RemedyCount {
  kind: string;
  count: number;
}

/** The remedies a council agreed after our final decisions in the year. */
export interface AgreedRemedies {
  byKind: RemedyCount[];
  /** What each agreed service improvement is: published, unlike a personal remedy's wording. */
  serviceImprovements: string[];
}

/** Everything a letter is made from, stored with it (annual_letters.figures) so it never changes once written. */
export interface LetterFigures {
  version: 1;
  planYear: number;
  period: { from: IsoDate; to: IsoDate };
  council: { code: string; name: string; councilType: string | null };
  figures: CouncilFigures;
  /** Councils of the same type, this one included; null when the council's type is not known. */
  similar: GroupFigures | null;
  england: GroupFigures;
  remedies: AgreedRemedies;
}

/** The longest statement the Ombudsman can write on a letter: it is meant to be short. */
export const STATEMENT_MAX_LENGTH = 3_000;

/** The statement every letter of a year carries until the Ombudsman writes another. */
export const DEFAULT_STATEMENT =
  'Each year we write to every council with a summary of the complaints we received about it and the decisions we made. ' +
  'We hope the figures help the council, its members and the public to see how well complaints are dealt with locally, ' +
  'and where services can improve.\n\n' +
  'The figures that matter most are not how many complaints we receive, but what we find when we investigate them and ' +
  'how councils respond. I am grateful for the improvements councils have agreed to make as a result of our work.';

// ---------------------------------------------------------------------------------------------
// Numbers in words

/** A rate as a whole percentage, halves rounded up ("67%"); undefined when there is nothing to divide. */
export function percentage(r: Rate): string | undefined {
  if (r.denominator <= 0) return undefined;
  return `${wholePercent(r)}%`;
}

function wholePercent(r: Rate): number {
  // Integer arithmetic, so 1/8 = 12.5% rounds to 13% and never to 12% through a floating-point error.
  return Math.floor((200 * r.numerator + r.denominator) / (2 * r.denominator));
}

/** "1 complaint", "3 complaints": numerals as GOV.UK style has them. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? singular : plural}`;
}

/**
 * How one rate compares with another, judged on the whole percentages people read, so the words
 * never contradict the numbers beside them.
 */
export function comparedWith(mine: Rate, theirs: Rate): 'higher than' | 'lower than' | 'the same as' | undefined {
  if (mine.denominator <= 0 || theirs.denominator <= 0) return undefined;
  const a = wholePercent(mine);
  const b = wholePercent(theirs);
  return a > b ? 'higher than' : a < b ? 'lower than' : 'the same as';
}

// ---------------------------------------------------------------------------------------------
// Groups of councils

/** A count per council in a group, to one decimal place ("12.3"); "0" for an empty group. */
export function averagePerCouncil(total: number, councils: number): string {
  if (councils <= 0) return '0';
  const tenths = Math.floor((20 * total + councils) / (2 * councils));
  return (tenths / 10).toLocaleString('en-GB', { minimumFractionDigits: tenths % 10 === 0 ? 0 : 1, maximumFractionDigits: 1 });
}

const councilTypeGroups: Record<string, string> = {
  county: 'county councils',
  district: 'district councils',
  unitary: 'unitary councils',
  metropolitan: 'metropolitan borough councils',
  'london-borough': 'London borough councils',
};

/** "county councils", the words for a council type's group; "councils of the same type" when not known. */
export function similarCouncilsName(councilType: string | null): string {
  return (councilType && councilTypeGroups[councilType]) || 'councils of the same type';
}

// ---------------------------------------------------------------------------------------------
// Remedies

const remedyKindPlurals: Record<string, [string, string]> = {
  apology: ['apology', 'apologies'],
  'financial-payment': ['financial payment', 'financial payments'],
  'service-improvement': ['service improvement', 'service improvements'],
  'procedure-review': ['review of a procedure', 'reviews of procedures'],
  training: ['commitment to train staff', 'commitments to train staff'],
  other: ['other remedy', 'other remedies'],
};

/** "3 apologies", "1 financial payment". */
export function remedyCountPhrase(kind: string, count: number): string {
  const [singular, plural] = remedyKindPlurals[kind] ?? [`${kind} remedy`, `${kind} remedies`];
  return countOf(count, singular, plural);
}

const remedyKindOrder = Object.keys(remedyKindPlurals);

// ---------------------------------------------------------------------------------------------
// The letter's content

export type LetterBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption: string; head: string[]; rows: string[][] };

export interface LetterSection {
  heading: string;
  blocks: LetterBlock[];
}

export interface LetterContent {
  /** The PDF's title: the heading and the council's name. */
  title: string;
  heading: string;
  date: string;
  recipient: string[];
  salutation: string;
  /** Opening paragraphs, then the Ombudsman's statement, before the sections. */
  opening: LetterBlock[];
  sections: LetterSection[];
  closing: LetterBlock[];
  signOff: string;
  signatory: string[];
}

export interface LetterOptions {
  /** The Ombudsman's statement: paragraphs separated by blank lines. */
  statement: string;
  /** The date the letter bears. */
  date: IsoDate | Date;
  /** Who signs it: the Ombudsman's name when known. */
  signatoryName: string | null;
  organisation: string;
}

/** The Ombudsman's statement as paragraphs: blank lines separate them, single line breaks join. */
export function statementParagraphs(statement: string): string[] {
  return statement
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/** The words of a council's annual review letter. */
export function letterContent(letter: LetterFigures, options: LetterOptions): LetterContent {
  const year = planYearName(letter.planYear);
  const ends = formatLondonDate(letter.period.to);
  const name = letter.council.name;
  const paragraph = (text: string): LetterBlock => ({ kind: 'paragraph', text });

  return {
    title: `Annual review letter ${year}: ${name}`,
    heading: `Annual review letter ${year}`,
    date: formatLondonDate(options.date),
    recipient: ['The Chief Executive', name],
    salutation: 'Dear Chief Executive',
    opening: [
      paragraph(
        `I am writing with our annual summary of the complaints we received about ${name} and the decisions we made ` +
          `in the year ending ${ends}. I hope the figures help the council to learn from complaints and to improve its services.`,
      ),
      ...statementParagraphs(options.statement).map(paragraph),
    ],
    sections: [
      { heading: `Complaints and decisions in ${year}`, blocks: figuresBlocks(letter) },
      { heading: 'How the council compares', blocks: [comparisonTable(letter), ...comparisonSentences(letter).map(paragraph)] },
      { heading: 'Remedies and service improvements', blocks: remedyBlocks(letter) },
      { heading: 'About these figures', blocks: aboutTheFigures(letter).map(paragraph) },
    ],
    closing: [
      paragraph(
        'I would be grateful if you would share this letter with the council’s elected members, and with those responsible ' +
          'for scrutiny in particular. The council’s figures, and those of every other council, are published on our website ' +
          'with the decisions we made.',
      ),
    ],
    signOff: 'Yours sincerely',
    signatory: [options.signatoryName, options.signatoryName ? 'Ombudsman' : 'The Ombudsman', options.organisation].filter((line): line is string => Boolean(line)),
  };
}

/** The council's own figures, in sentences. */
export function figuresBlocks(letter: LetterFigures): LetterBlock[] {
  const f = letter.figures;
  const year = planYearName(letter.planYear);
  const paragraphs: string[] = [];
  if (f.received === 0 && f.decisions === 0) {
    paragraphs.push(`We received no complaints or enquiries about the council in ${year}, and made no decisions about it.`);
  } else {
    const received = f.received === 0 ? 'no complaints or enquiries' : countOf(f.received, 'complaint or enquiry', 'complaints and enquiries');
    const decisions = f.decisions === 0 ? 'made no decisions' : `made ${countOf(f.decisions, 'decision')}`;
    paragraphs.push(`We received ${received} about the council and ${decisions}.`);
  }
  paragraphs.push(upheldSentence(f));
  const remedied = remediedSentence(f);
  if (remedied) paragraphs.push(remedied);
  paragraphs.push(complianceSentence(f, year));
  return paragraphs.map((text) => ({ kind: 'paragraph', text }));
}

export function upheldSentence(f: CouncilFigures): string {
  if (f.investigations === 0) {
    return 'We did not carry out any detailed investigations of complaints about the council, so there is no upheld rate for the year.';
  }
  const upheld =
    f.investigations === 1 ? (f.upheld === 1 ? 'upheld it' : 'did not uphold it')
      : f.upheld === 0 ? 'upheld none of them'
        : f.upheld === f.investigations ? 'upheld all of them'
          : `upheld ${f.upheld} of them`;
  const share = percentage(f.upheld_rate);
  const caution = f.investigations < SMALL_NUMBERS ? ' This is a small number of investigations, so the rate should be read with caution.' : '';
  return `We carried out ${countOf(f.investigations, 'detailed investigation')} and ${upheld}: an upheld rate of ${share}.${caution}`;
}

export function remediedSentence(f: CouncilFigures): string | undefined {
  if (f.upheld === 0) return undefined;
  const r = f.remedied_by_body;
  if (r.denominator === 1) {
    return `In the one complaint we upheld, the council had ${r.numerator === 1 ? 'already' : 'not'} offered a satisfactory remedy before the complaint reached us.`;
  }
  if (r.numerator === 0) {
    return `In none of the ${r.denominator} complaints we upheld had the council already offered a satisfactory remedy before the complaint reached us.`;
  }
  return `In ${r.numerator} of the ${r.denominator} complaints we upheld (${percentage(r)}), the council had already offered a satisfactory remedy before the complaint reached us.`;
}

export function complianceSentence(f: CouncilFigures, year: string): string {
  const c = f.compliance;
  if (c.denominator === 0) {
    return `No remedies we recommended to the council were both due and settled in ${year}, so there is no compliance rate for the year.`;
  }
  const caution = c.denominator < SMALL_NUMBERS ? ' This is a small number of remedies, so the rate should be read with caution.' : '';
  if (c.denominator === 1) {
    return `The one remedy we recommended that fell due in ${year} was ${c.numerator === 1 ? 'carried out' : 'not carried out'}: a compliance rate of ${percentage(c)}.${caution}`;
  }
  const done = c.numerator === c.denominator ? `all ${c.denominator} of the` : `${c.numerator} of the ${c.denominator}`;
  return `The council carried out ${done} remedies we recommended that fell due in ${year} and were settled: a compliance rate of ${percentage(c)}.${caution}`;
}

function rateCell(r: Rate, none: string): string {
  const share = percentage(r);
  if (share === undefined) return none;
  return `${share} (${r.numerator.toLocaleString('en-GB')} of ${r.denominator.toLocaleString('en-GB')})`;
}

/** The council beside the average for similar councils and for England. */
export function comparisonTable(letter: LetterFigures): LetterBlock {
  const f = letter.figures;
  const groups = [letter.similar, letter.england].filter((g): g is GroupFigures => g !== null);
  const similarHead = letter.similar ? [`${capitalise(similarCouncilsName(letter.council.councilType))} (average of ${letter.similar.councils})`] : [];
  const head = ['Measure', 'This council', ...similarHead, `England (average of ${letter.england.councils} councils)`];
  const countRow = (label: string, pick: (c: CouncilFigures) => number) => [label, pick(f).toLocaleString('en-GB'), ...groups.map((g) => averagePerCouncil(pick(g), g.councils))];
  const rateRow = (label: string, pick: (c: CouncilFigures) => Rate, none: string) => [label, rateCell(pick(f), none), ...groups.map((g) => rateCell(pick(g), none))];
  return {
    kind: 'table',
    caption: `${letter.council.name} compared with ${letter.similar ? `the average for ${similarCouncilsName(letter.council.councilType)} and ` : ''}for England, ${planYearName(letter.planYear)}`,
    head,
    rows: [
      countRow('Complaints and enquiries received', (c) => c.received),
      countRow('Decisions made', (c) => c.decisions),
      countRow('Detailed investigations', (c) => c.investigations),
      rateRow('Upheld rate', (c) => c.upheld_rate, 'No investigations'),
      rateRow('Compliance with our recommendations', (c) => c.compliance, 'No remedies due'),
      rateRow('Remedied by the council before reaching us', (c) => c.remedied_by_body, 'No upheld complaints'),
    ],
  };
}

/** "higher than the average for similar councils (54%)" sentences, or why there is no comparison. */
export function comparisonSentences(letter: LetterFigures): string[] {
  const similarName = similarCouncilsName(letter.council.councilType);
  const measures: { rate: (c: CouncilFigures) => Rate; what: string; small: string; none: string }[] = [
    { rate: (c) => c.upheld_rate, what: 'upheld rate', small: 'investigations', none: 'no investigations' },
    { rate: (c) => c.compliance, what: 'compliance rate', small: 'remedies due', none: 'no remedies due' },
  ];
  return measures.flatMap((m) => {
    const mine = m.rate(letter.figures);
    if (mine.denominator === 0) return [];
    const capitalised = `The council’s ${m.what}`;
    if (mine.denominator < SMALL_NUMBERS) {
      return [`${capitalised} is based on fewer than ${SMALL_NUMBERS} ${m.small}, too few to compare fairly with other councils.`];
    }
    const parts: string[] = [];
    const compare = (group: GroupFigures | null, groupName: string) => {
      if (!group || group.councils < 2) return;
      const word = comparedWith(mine, m.rate(group));
      if (word) parts.push(`${word} the average for ${groupName} (${percentage(m.rate(group))})`);
    };
    compare(letter.similar, similarName);
    compare(letter.england, 'England');
    if (parts.length === 0) return [`There are no other councils with ${m.small} to compare the council’s ${m.what} with.`];
    return [`${capitalised} of ${percentage(mine)} is ${parts.join(', and ')}.`];
  });
}

export function remedyBlocks(letter: LetterFigures): LetterBlock[] {
  const year = planYearName(letter.planYear);
  const kinds = letter.remedies.byKind
    .filter((r) => r.count > 0)
    .sort((a, b) => orderOf(a.kind) - orderOf(b.kind) || a.kind.localeCompare(b.kind));
  const total = kinds.reduce((sum, r) => sum + r.count, 0);
  if (total === 0) {
    return [{ kind: 'paragraph', text: `The council did not need to agree to any remedies after our decisions in ${year}.` }];
  }
  const blocks: LetterBlock[] = [
    { kind: 'paragraph', text: `After our decisions in ${year}, the council agreed to ${countOf(total, 'remedy', 'remedies')}:` },
    { kind: 'list', items: kinds.map((r) => remedyCountPhrase(r.kind, r.count)) },
  ];
  const improvements = letter.remedies.serviceImprovements.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (improvements.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: 'I welcome the changes the council agreed to make to its services for everyone, not only for the people who complained:' },
      { kind: 'list', items: improvements },
    );
  } else {
    blocks.push({ kind: 'paragraph', text: 'None of the remedies this year was a change to the council’s services or procedures.' });
  }
  blocks.push({ kind: 'paragraph', text: 'We do not publish the details of remedies for individual people, such as apologies and payments, to protect their privacy.' });
  return blocks;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function orderOf(kind: string): number {
  const index = remedyKindOrder.indexOf(kind);
  return index < 0 ? remedyKindOrder.length : index;
}

export function aboutTheFigures(letter: LetterFigures): string[] {
  const similar = letter.similar
    ? `Similar councils are the ${countOf(letter.similar.councils, 'council')} of the same type as this one (${similarCouncilsName(letter.council.councilType)}), this council included. `
    : '';
  return [
    `The figures cover ${formatLondonDate(letter.period.from)} to ${formatLondonDate(letter.period.to)}. ` +
      'Decisions are those we made in the year, whenever the complaint reached us. ' +
      'Detailed investigations are decisions made after investigating whether there was fault; the upheld rate is the share of them in which we found fault. ' +
      'Compliance counts the remedies we recommended that fell due in the year and were settled, and the share of them the council carried out; remedies not yet due are left out.',
    `${similar}Averages for groups of councils are per council for counts, and pooled across the group for rates. ` +
      `A rate over fewer than ${SMALL_NUMBERS} cases can change a great deal with one case, so it should be read with caution. ` +
      'Complaints that were incomplete or invalid are left out of the rates.',
  ];
}
