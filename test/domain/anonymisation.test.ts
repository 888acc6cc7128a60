import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addressParts, findIdentifiers, markIdentifiers, nameParts, phoneDigits, redact, type CasePerson } from '../../src/domain/anonymisation.ts';

const complainant: CasePerson = {
  role: 'the complainant',
  fullName: 'Mrs Jane O’Brien-Smith',
  email: 'jane.obrien@example.com',
  phone: '07700 900123',
  address: 'Flat 2, 12 Acacia Avenue\nExampleton, EX1 2AB',
};
const representative: CasePerson = { role: 'the representative', fullName: 'Will Carter', email: null, phone: '+44 (0)1632 960 555', address: null };

const found = (text: string, people: CasePerson[] = [complainant, representative]) =>
  findIdentifiers(text, people).map((i) => ({ kind: i.kind, text: i.text, known: i.known }));

describe('the parts of a name worth looking for', () => {
  it('drops titles, initials and particles and splits double-barrelled names', () => {
    expect(nameParts('Mrs Jane O’Brien-Smith')).toEqual(['Jane', 'O’Brien-Smith', 'O’Brien', 'Smith']);
    expect(nameParts('Dr J. A. van der Berg')).toEqual(['Berg']);
    expect(nameParts('  ')).toEqual([]);
  });
});

describe('phone digits', () => {
  it('reads national and international forms of a UK number alike', () => {
    expect(phoneDigits('+44 (0)1632 960 555')).toBe('01632960555');
    expect(phoneDigits('0044 7700 900123')).toBe('07700900123');
    expect(phoneDigits('(01632) 960555')).toBe('01632960555');
    expect(phoneDigits('+33 1 23 45 67 89')).toBe('33123456789');
  });
});

describe('address parts', () => {
  it('keeps the street lines and postcode, not the town', () => {
    expect(addressParts('Flat 2, 12 Acacia Avenue\nExampleton, EX1 2AB')).toEqual({ streets: ['12 Acacia Avenue', 'Acacia Avenue'], postcodes: ['EX1 2AB'] });
    expect(addressParts('Rose Cottage, Mill Lane, Little Snoring, NR21 0AA')).toEqual({ streets: ['Rose Cottage', 'Mill Lane'], postcodes: ['NR21 0AA'] });
  });
});

describe('finding what identifies someone', () => {
  it('finds the case’s people’s names, whole and in parts, however spaced or cased', () => {
    expect(found('Mrs  Jane O’Brien-Smith complained. Mrs Smith said JANE was upset; Mr Carter agreed.')).toEqual([
      { kind: 'name', text: 'Mrs  Jane O’Brien-Smith', known: true },
      { kind: 'name', text: 'Smith', known: true },
      { kind: 'name', text: 'JANE', known: true },
      { kind: 'name', text: 'Carter', known: true },
    ]);
  });

  it('treats a straight apostrophe as the curly one in names', () => {
    expect(found("Ms O'Brien wrote to us.")).toEqual([{ kind: 'name', text: "O'Brien", known: true }]);
  });

  it('flags a first name that is also a word only when written as a name', () => {
    expect(found('The council will review its policy.')).toEqual([]);
    expect(found('Will asked the council to review its policy.')).toEqual([{ kind: 'name', text: 'Will', known: true }]);
  });

  it('does not flag a name inside a longer word', () => {
    expect(found('The Smithson report and the blacksmith.')).toEqual([]);
  });

  it('finds the case’s contact details in any format, and labels them as the case’s', () => {
    const text = 'Contact jane.obrien@EXAMPLE.com, 077009 00123 or 01632-960-555, at 12 Acacia Avenue (EX12AB); she walked along Acacia Avenue.';
    const result = findIdentifiers(text, [complainant, representative]);
    expect(result.map((i) => [i.kind, i.text, i.reason])).toEqual([
      ['email', 'jane.obrien@EXAMPLE.com', 'The complainant’s email address'],
      ['phone', '077009 00123', 'The complainant’s phone number'],
      ['phone', '01632-960-555', 'The representative’s phone number'],
      ['address', '12 Acacia Avenue', 'The complainant’s address'],
      ['postcode', 'EX12AB', 'The complainant’s postcode'],
      ['address', 'Acacia Avenue', 'The complainant’s address'],
    ]);
  });

  it('finds anyone’s email, UK phone number, postcode, street address and National Insurance number by pattern', () => {
    const text = [
      'Mr Y (y.person@mail.example.org) rang on +44 20 7946 0000 and (0161) 496 0000 from 221B Baker Street, NW1 6XE.',
      'His NI number is QQ 12 34 56 C.',
    ].join(' ');
    expect(found(text, [])).toEqual([
      { kind: 'email', text: 'y.person@mail.example.org', known: false },
      { kind: 'phone', text: '+44 20 7946 0000', known: false },
      { kind: 'phone', text: '(0161) 496 0000', known: false },
      { kind: 'address', text: '221B Baker Street', known: false },
      { kind: 'postcode', text: 'NW1 6XE', known: false },
      { kind: 'national-insurance-number', text: 'QQ 12 34 56 C', known: false },
    ]);
  });

  it('leaves dates, sums of money, case references and counts alone', () => {
    const text = 'On 01/02/2020 the council paid £1,050.00 (case 17 004 213) within 20 working days, 3 times, at 10.30am on 0 occasions.';
    expect(found(text, [])).toEqual([]);
  });

  it('prefers the case’s own detail to a pattern over the same words', () => {
    const result = findIdentifiers('Call 07700 900123.', [complainant]);
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ kind: 'phone', known: true, reason: 'The complainant’s phone number' });
  });

  it('finds nothing in an empty text or for people with no details', () => {
    expect(found('')).toEqual([]);
    expect(found('Some text.', [{ role: 'the complainant', fullName: null, email: null, phone: null, address: null }])).toEqual([]);
  });
});

describe('redacting', () => {
  it('replaces each finding with a placeholder, one X for a whole name', () => {
    const text = 'Mrs Jane Smith (jane.obrien@example.com, 07700 900123) of 12 Acacia Avenue, EX1 2AB, complained.';
    expect(redact(text, findIdentifiers(text, [complainant]))).toBe(
      'Mrs X ([email address removed], [phone number removed]) of [address removed], [postcode removed], complained.',
    );
  });
});

// Names made of letters that cannot collide with the placeholders' words.
const nameWord = fc
  .tuple(fc.constantFrom(...'BCDFGHJKLMNPQRSTVWZ'), fc.stringMatching(/^[aeiou][bcdfghjklmnpqrstvwz][aeiou][bcdfghjklmnpqrstvwz]{0,3}$/))
  .map(([first, rest]) => first + rest);
const filler = fc.array(fc.constantFrom('the', 'council', 'did', 'not', 'reply', 'to', 'letters', 'about', 'housing', 'and', '.', ','), { maxLength: 12 }).map((words) => words.join(' '));

describe('properties', () => {
  it('finds a complainant’s name wherever it is put in a text', () => {
    fc.assert(
      fc.property(nameWord, nameWord, filler, filler, (first, last, before, after) => {
        const person: CasePerson = { role: 'the complainant', fullName: `${first} ${last}`, email: null, phone: null, address: null };
        const text = `${before} ${first} ${last} ${after}`;
        const names = findIdentifiers(text, [person]).filter((i) => i.kind === 'name');
        expect(names.map((i) => i.text)).toContain(`${first} ${last}`);
      }),
    );
  });

  it('returns findings in order, inside the text, not overlapping, each exactly the text it covers', () => {
    fc.assert(
      fc.property(nameWord, fc.array(fc.oneof(filler, nameWord, fc.constant('07700 900123'), fc.constant('a@b.example'), fc.constant('EX1 2AB')), { maxLength: 8 }), (last, pieces) => {
        const text = pieces.join(' ');
        const person: CasePerson = { role: 'the complainant', fullName: `Ann ${last}`, email: 'a@b.example', phone: '07700900123', address: '1 High Street, EX1 2AB' };
        const result = findIdentifiers(text, [person]);
        result.forEach((identifier, index) => {
          expect(text.slice(identifier.start, identifier.end)).toBe(identifier.text);
          if (index > 0) expect(identifier.start).toBeGreaterThanOrEqual((result[index - 1] as { end: number }).end);
        });
      }),
    );
  });

  it('leaves none of the case’s details behind once redacted', () => {
    fc.assert(
      fc.property(nameWord, nameWord, fc.array(fc.oneof(filler, nameWord), { maxLength: 10 }), (first, last, pieces) => {
        const person: CasePerson = { role: 'the complainant', fullName: `${first} ${last}`, email: `${first.toLowerCase()}@example.com`, phone: '01632 960 123', address: `4 ${last} Road, EX2 3CD` };
        const text = [...pieces, `${first} ${last}`, person.email, 'on 01632960123 at', `4 ${last} Road`, 'EX2 3CD', last].join(' ');
        const redacted = redact(text, findIdentifiers(text, [person]));
        expect(findIdentifiers(redacted, [person])).toEqual([]);
      }),
    );
  });
});

describe('marking findings in place', () => {
  it('cuts the text into plain and flagged pieces that join up to the whole', () => {
    const text = 'Mrs Smith rang 07700 900123 twice.';
    const pieces = markIdentifiers(text, findIdentifiers(text, [complainant]));
    expect(pieces.map((p) => [p.text, p.identifier?.kind])).toEqual([
      ['Mrs ', undefined], ['Smith', 'name'], [' rang ', undefined], ['07700 900123', 'phone'], [' twice.', undefined],
    ]);
    expect(markIdentifiers('', [])).toEqual([]);
  });
});
