import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  averagePerCouncil, comparedWith, comparisonSentences, comparisonTable, complianceSentence, countOf, figuresBlocks,
  letterContent, percentage, planYearName, planYearPeriod, rate, remedyBlocks, remediedSentence, statementParagraphs,
  upheldSentence, type CouncilFigures, type GroupFigures, type LetterBlock, type LetterFigures,
} from '../../src/domain/annual-letters.ts';

/** A council's figures from counts: received, decisions, investigations, upheld, remedied by the body, remedies [complied, settled]. */
function council(received: number, decisions: number, investigations: number, upheld: number, remedied: number, compliance: [number, number]): CouncilFigures {
  return {
    received, decisions, investigations, upheld,
    upheld_rate: rate(upheld, investigations), remedied_by_body: rate(remedied, upheld), compliance: rate(compliance[0], compliance[1]),
  };
}

/** Councils taken together as the statistics do: counts summed, rates pooled. */
function groupFigures(councils: CouncilFigures[]): GroupFigures {
  const sum = (pick: (c: CouncilFigures) => number) => councils.reduce((total, c) => total + pick(c), 0);
  return {
    councils: councils.length,
    received: sum((c) => c.received), decisions: sum((c) => c.decisions), investigations: sum((c) => c.investigations), upheld: sum((c) => c.upheld),
    upheld_rate: rate(sum((c) => c.upheld_rate.numerator), sum((c) => c.upheld_rate.denominator)),
    remedied_by_body: rate(sum((c) => c.remedied_by_body.numerator), sum((c) => c.remedied_by_body.denominator)),
    compliance: rate(sum((c) => c.compliance.numerator), sum((c) => c.compliance.denominator)),
  };
}

const exampleshire = council(84, 79, 24, 15, 2, [11, 12]);
const otherCounty = council(120, 110, 40, 22, 3, [20, 20]);
const smallCounty = council(60, 58, 10, 4, 0, [5, 6]);
const aDistrict = council(30, 31, 5, 2, 1, [3, 3]);

function letterFor(figures: CouncilFigures, overrides: Partial<LetterFigures> = {}): LetterFigures {
  return {
    version: 1, planYear: 2017, period: planYearPeriod(2017),
    council: { code: 'X99000001', name: 'Exampleshire County Council', councilType: 'county' },
    figures,
    similar: groupFigures([figures, otherCounty, smallCounty]),
    england: groupFigures([figures, otherCounty, smallCounty, aDistrict]),
    remedies: { byKind: [], serviceImprovements: [] },
    ...overrides,
  };
}

const texts = (blocks: LetterBlock[]) => blocks.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : b.kind === 'list' ? b.items : []));

describe('plan years', () => {
  it('run 1 April to 31 March and are named by their first year', () => {
    expect(planYearPeriod(2017)).toEqual({ from: '2017-04-01', to: '2018-03-31' });
    expect(planYearName(2017)).toBe('2017-18');
    expect(planYearName(1999)).toBe('1999-00');
  });
});

describe('numbers', () => {
  it('percentages are whole, halves rounded up, and absent over nothing', () => {
    expect(percentage(rate(15, 24))).toBe('63%'); // 62.5%
    expect(percentage(rate(1, 8))).toBe('13%'); // 12.5%
    expect(percentage(rate(2, 3))).toBe('67%');
    expect(percentage(rate(0, 4))).toBe('0%');
    expect(percentage(rate(0, 0))).toBeUndefined();
  });
  it('percentages agree with rounding the exact value to the nearest whole, halves up', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (d, n0) => {
      const n = n0 % (d + 1);
      const exact = (100 * n) / d;
      const whole = Number(percentage(rate(n, d))?.slice(0, -1));
      expect(Math.abs(whole - exact)).toBeLessThanOrEqual(0.5);
      if (Math.abs(whole - exact) === 0.5) expect(whole).toBeGreaterThan(exact);
    }));
  });
  it('counts are singular for one', () => {
    expect(countOf(1, 'complaint')).toBe('1 complaint');
    expect(countOf(2, 'complaint')).toBe('2 complaints');
    expect(countOf(1200, 'remedy', 'remedies')).toBe('1,200 remedies');
  });
  it('averages per council have one decimal place at most', () => {
    expect(averagePerCouncil(264, 3)).toBe('88');
    expect(averagePerCouncil(247, 3)).toBe('82.3');
    expect(averagePerCouncil(294, 4)).toBe('73.5');
    expect(averagePerCouncil(5, 0)).toBe('0');
  });
  it('comparisons follow the whole percentages printed beside them', () => {
    expect(comparedWith(rate(15, 24), rate(41, 74))).toBe('higher than'); // 63% and 55%
    expect(comparedWith(rate(11, 12), rate(36, 38))).toBe('lower than'); // 92% and 95%
    expect(comparedWith(rate(1, 3), rate(333, 1000))).toBe('the same as'); // 33% and 33%
    expect(comparedWith(rate(1, 3), rate(0, 0))).toBeUndefined();
    fc.assert(fc.property(fc.nat(200), fc.integer({ min: 1, max: 200 }), fc.nat(200), fc.integer({ min: 1, max: 200 }), (a, b, c, d) => {
      const mine = rate(a % (b + 1), b);
      const theirs = rate(c % (d + 1), d);
      const [p, q] = [parseInt(percentage(mine) ?? ''), parseInt(percentage(theirs) ?? '')];
      expect(comparedWith(mine, theirs)).toBe(p > q ? 'higher than' : p < q ? 'lower than' : 'the same as');
    }));
  });
});

describe('the council’s figures in words', () => {
  it('states the hand-worked figures', () => {
    expect(texts(figuresBlocks(letterFor(exampleshire)))).toEqual([
      'We received 84 complaints and enquiries about the council and made 79 decisions.',
      'We carried out 24 detailed investigations and upheld 15 of them: an upheld rate of 63%.',
      'In 2 of the 15 complaints we upheld (13%), the council had already offered a satisfactory remedy before the complaint reached us.',
      'The council carried out 11 of the 12 remedies we recommended that fell due in 2017-18 and were settled: a compliance rate of 92%.',
    ]);
  });

  it('says "no investigations", never 0% or NaN, when there were none', () => {
    const none = council(3, 2, 0, 0, 0, [0, 0]);
    const words = texts(figuresBlocks(letterFor(none))).join(' ');
    expect(words).toContain('We did not carry out any detailed investigations of complaints about the council, so there is no upheld rate for the year.');
    expect(words).toContain('No remedies we recommended to the council were both due and settled in 2017-18, so there is no compliance rate for the year.');
    expect(words).not.toMatch(/NaN|0%|undefined/);
    expect(remediedSentence(none)).toBeUndefined();
    const table = comparisonTable(letterFor(none));
    expect(table.kind === 'table' && table.rows.find((r) => r[0] === 'Upheld rate')?.[1]).toBe('No investigations');
    expect(comparisonSentences(letterFor(none))).toEqual([]);
  });

  it('says when nothing at all came in', () => {
    expect(texts(figuresBlocks(letterFor(council(0, 0, 0, 0, 0, [0, 0]))))[0]).toBe('We received no complaints or enquiries about the council in 2017-18, and made no decisions about it.');
  });

  it('words small numbers honestly, with a caution and without comparing', () => {
    const small = council(5, 4, 3, 2, 0, [1, 1]);
    expect(upheldSentence(small)).toBe('We carried out 3 detailed investigations and upheld 2 of them: an upheld rate of 67%. This is a small number of investigations, so the rate should be read with caution.');
    expect(complianceSentence(small, '2017-18')).toBe('The one remedy we recommended that fell due in 2017-18 was carried out: a compliance rate of 100%. This is a small number of remedies, so the rate should be read with caution.');
    expect(comparisonSentences(letterFor(small))).toEqual([
      'The council’s upheld rate is based on fewer than 10 investigations, too few to compare fairly with other councils.',
      'The council’s compliance rate is based on fewer than 10 remedies due, too few to compare fairly with other councils.',
    ]);
  });

  it('words one investigation and one upheld complaint in the singular', () => {
    expect(upheldSentence(council(1, 1, 1, 1, 1, [0, 0]))).toBe('We carried out 1 detailed investigation and upheld it: an upheld rate of 100%. This is a small number of investigations, so the rate should be read with caution.');
    expect(upheldSentence(council(1, 1, 1, 0, 0, [0, 0]))).toContain('and did not uphold it: an upheld rate of 0%.');
    expect(remediedSentence(council(1, 1, 1, 1, 1, [0, 0]))).toBe('In the one complaint we upheld, the council had already offered a satisfactory remedy before the complaint reached us.');
    expect(remediedSentence(council(1, 1, 1, 1, 0, [0, 0]))).toBe('In the one complaint we upheld, the council had not offered a satisfactory remedy before the complaint reached us.');
    expect(remediedSentence(council(9, 9, 4, 3, 0, [0, 0]))).toBe('In none of the 3 complaints we upheld had the council already offered a satisfactory remedy before the complaint reached us.');
    expect(complianceSentence(council(9, 9, 4, 3, 0, [0, 1]), '2017-18')).toContain('was not carried out: a compliance rate of 0%.');
    expect(upheldSentence(council(20, 20, 12, 12, 0, [0, 0]))).toBe('We carried out 12 detailed investigations and upheld all of them: an upheld rate of 100%.');
    expect(complianceSentence(council(20, 20, 12, 12, 0, [10, 10]), '2017-18')).toBe('The council carried out all 10 of the remedies we recommended that fell due in 2017-18 and were settled: a compliance rate of 100%.');
  });
});

describe('comparison with similar councils and England', () => {
  it('says "higher than" and "lower than" the averages (hand-worked)', () => {
    expect(comparisonSentences(letterFor(exampleshire))).toEqual([
      'The council’s upheld rate of 63% is higher than the average for county councils (55%), and higher than the average for England (54%).',
      // 11 of 12 is 92%; similar councils 36 of 38 (95%); England 39 of 41 (95%). 12 remedies is not a small number.
      'The council’s compliance rate of 92% is lower than the average for county councils (95%), and lower than the average for England (95%).',
    ]);
  });

  it('puts the council beside the group averages in a table', () => {
    const table = comparisonTable(letterFor(exampleshire));
    expect(table).toEqual({
      kind: 'table',
      caption: 'Exampleshire County Council compared with the average for county councils and for England, 2017-18',
      head: ['Measure', 'This council', 'County councils (average of 3)', 'England (average of 4 councils)'],
      rows: [
        ['Complaints and enquiries received', '84', '88', '73.5'],
        ['Decisions made', '79', '82.3', '69.5'],
        ['Detailed investigations', '24', '24.7', '19.8'],
        ['Upheld rate', '63% (15 of 24)', '55% (41 of 74)', '54% (43 of 79)'],
        ['Compliance with our recommendations', '92% (11 of 12)', '95% (36 of 38)', '95% (39 of 41)'],
        ['Remedied by the council before reaching us', '13% (2 of 15)', '12% (5 of 41)', '14% (6 of 43)'],
      ],
    });
  });

  it('does not compare a council with a group of itself alone, and leaves the similar column out when its type is unknown', () => {
    const alone = letterFor(exampleshire, { similar: groupFigures([exampleshire]), england: groupFigures([exampleshire]) });
    expect(comparisonSentences(alone)[0]).toBe('There are no other councils with investigations to compare the council’s upheld rate with.');
    const untyped = letterFor(exampleshire, { council: { code: 'X1', name: 'Somewhere Council', councilType: null }, similar: null });
    const table = comparisonTable(untyped);
    expect(table.kind === 'table' && table.head).toEqual(['Measure', 'This council', 'England (average of 4 councils)']);
    expect(comparisonSentences(untyped)[0]).toBe('The council’s upheld rate of 63% is higher than the average for England (54%).');
  });
});

describe('remedies and service improvements', () => {
  it('counts remedies by kind in a fixed order and lists the service improvements', () => {
    const blocks = remedyBlocks(letterFor(exampleshire, {
      remedies: {
        byKind: [{ kind: 'service-improvement', count: 2 }, { kind: 'apology', count: 3 }, { kind: 'financial-payment', count: 1 }, { kind: 'training', count: 0 }],
        serviceImprovements: ['Publish the criteria for\n repairs priorities.', '  ', 'Train housing staff on the allocations policy.'],
      },
    }));
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'After our decisions in 2017-18, the council agreed to 6 remedies:' },
      { kind: 'list', items: ['3 apologies', '1 financial payment', '2 service improvements'] },
      { kind: 'paragraph', text: 'I welcome the changes the council agreed to make to its services for everyone, not only for the people who complained:' },
      { kind: 'list', items: ['Publish the criteria for repairs priorities.', 'Train housing staff on the allocations policy.'] },
      { kind: 'paragraph', text: 'We do not publish the details of remedies for individual people, such as apologies and payments, to protect their privacy.' },
    ]);
  });

  it('says so when there were no remedies, or no service improvements', () => {
    expect(texts(remedyBlocks(letterFor(exampleshire)))).toEqual(['The council did not need to agree to any remedies after our decisions in 2017-18.']);
    const personalOnly = texts(remedyBlocks(letterFor(exampleshire, { remedies: { byKind: [{ kind: 'apology', count: 1 }], serviceImprovements: [] } })));
    expect(personalOnly).toContain('None of the remedies this year was a change to the council’s services or procedures.');
  });
});

describe('the whole letter', () => {
  const content = letterContent(letterFor(exampleshire), {
    statement: 'First paragraph\nof the statement.\r\n\r\n  Second paragraph.  \n\n\n',
    date: '2018-07-18',
    signatoryName: 'Olive Ombudsman',
    organisation: 'Local Government Ombudsman',
  });

  it('is addressed to the chief executive, dated, titled and signed', () => {
    expect(content).toMatchObject({
      title: 'Annual review letter 2017-18: Exampleshire County Council',
      heading: 'Annual review letter 2017-18',
      date: '18 July 2018',
      recipient: ['The Chief Executive', 'Exampleshire County Council'],
      salutation: 'Dear Chief Executive',
      signOff: 'Yours sincerely',
      signatory: ['Olive Ombudsman', 'Ombudsman', 'Local Government Ombudsman'],
    });
    expect(content.sections.map((s) => s.heading)).toEqual(['Complaints and decisions in 2017-18', 'How the council compares', 'Remedies and service improvements', 'About these figures']);
  });

  it('carries the Ombudsman’s statement as paragraphs after the opening', () => {
    expect(texts(content.opening).slice(1)).toEqual(['First paragraph of the statement.', 'Second paragraph.']);
    expect(statementParagraphs('  \n\n ')).toEqual([]);
  });

  it('is signed by "The Ombudsman" when no name is known', () => {
    const unsigned = letterContent(letterFor(exampleshire), { statement: '', date: '2018-07-18', signatoryName: null, organisation: 'Local Government Ombudsman' });
    expect(unsigned.signatory).toEqual(['The Ombudsman', 'Local Government Ombudsman']);
  });

  it('never prints NaN, undefined or a rate over nothing, whatever the figures', () => {
    const counts = fc.nat(30);
    fc.assert(fc.property(counts, counts, counts, counts, counts, counts, counts, (received, decisions, investigations, upheld0, remedied0, settled, complied0) => {
      const upheld = Math.min(upheld0, investigations);
      const figures = council(received, decisions, investigations, upheld, Math.min(remedied0, upheld), [Math.min(complied0, settled), settled]);
      const letter = letterContent(letterFor(figures, { similar: groupFigures([figures]), england: groupFigures([figures]) }), { statement: 'S', date: '2018-07-18', signatoryName: null, organisation: 'O' });
      const all = JSON.stringify(letter);
      expect(all).not.toMatch(/NaN|undefined|Infinity|null/);
    }));
  });
});
