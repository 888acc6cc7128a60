import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanRings, outlineOf, pathData, simplifyTogether, type PlanePoint, type PlaneShape } from '../../src/domain/map-geometry.ts';

const square = (x: number, y: number, size: number): PlanePoint[] => [[x, y], [x + size, y], [x + size, y + size], [x, y + size]];

/** Undirected edges of a shape's rings, as "x,y|x,y" with the smaller end first. */
function edges(shape: PlaneShape): Set<string> {
  const out = new Set<string>();
  for (const ring of shape.rings) {
    ring.forEach((p, i) => {
      const q = ring[(i + 1) % ring.length] as PlanePoint;
      const [a, b] = [`${p[0]},${p[1]}`, `${q[0]},${q[1]}`].sort();
      out.add(`${a}|${b}`);
    });
  }
  return out;
}

describe('cleanRings', () => {
  it('drops repeated points and a closing point, and rings left with fewer than three points', () => {
    expect(cleanRings([[[0, 0], [0, 0], [2, 0], [2, 2], [0, 0]], [[5, 5], [5, 5], [6, 6]]])).toEqual([[[0, 0], [2, 0], [2, 2]]]);
  });
});

describe('pathData', () => {
  it('writes the first point absolute and the rest as relative steps, closing rings', () => {
    expect(pathData([square(10, 20, 5)], { closed: true })).toBe('M10 20l5 0 0 5-5 0z');
  });

  it('lets a minus sign separate numbers and leaves lines open', () => {
    expect(pathData([[[3, -4], [1, -6]]], { closed: false })).toBe('M3-4l-2-2');
  });

  it('writes each part with its own move', () => {
    expect(pathData([square(0, 0, 1), square(5, 5, 1)], { closed: true })).toBe('M0 0l1 0 0 1-1 0zM5 5l1 0 0 1-1 0z');
  });
});

describe('outlineOf', () => {
  it('leaves out the border two shapes share', () => {
    // Two 2x2 squares side by side; the right one lists the shared edge's middle point too, as
    // the left one does, so they share two edges.
    const left: PlaneShape = { id: 'L', rings: [[[0, 0], [2, 0], [2, 1], [2, 2], [0, 2]]] };
    const right: PlaneShape = { id: 'R', rings: [[[2, 0], [4, 0], [4, 2], [2, 2], [2, 1]]] };
    const lines = outlineOf([left, right]);
    const drawn = edges({ id: 'outline', rings: [] });
    for (const line of lines) {
      for (let i = 0; i + 1 < line.length; i++) {
        const [a, b] = [`${line[i]![0]},${line[i]![1]}`, `${line[i + 1]![0]},${line[i + 1]![1]}`].sort();
        drawn.add(`${a}|${b}`);
      }
    }
    expect([...drawn].sort()).toEqual(['0,0|2,0', '0,0|0,2', '0,2|2,2', '2,0|4,0', '4,0|4,2', '2,2|4,2'].sort());
  });

  it('gives a lone shape its whole ring, closed', () => {
    expect(outlineOf([{ id: 'A', rings: [square(0, 0, 3)] }])).toEqual([[[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]]]);
  });
});

describe('simplifyTogether', () => {
  it('drops points that make almost no difference and keeps corners', () => {
    const ring: PlanePoint[] = [[0, 0], [5, 0], [10, 0], [10, 10], [5, 10.2], [0, 10]];
    const [shape] = simplifyTogether([{ id: 'A', rings: [ring] }], 2);
    expect(shape!.rings).toEqual([[[0, 0], [10, 0], [10, 10], [0, 10]]]);
  });

  it('keeps every ring to at least three points', () => {
    const tiny: PlanePoint[] = [[0, 0], [1, 0], [1, 1], [0, 1]];
    const [shape] = simplifyTogether([{ id: 'A', rings: [tiny] }], 1_000);
    expect(shape!.rings[0]!.length).toBe(3);
  });

  it('keeps the points where three shapes meet', () => {
    // A T-junction at (2,2): left, right and a bottom shape spanning both.
    const left: PlaneShape = { id: 'L', rings: [[[0, 0], [2, 0], [2, 2], [0, 2]]] };
    const right: PlaneShape = { id: 'R', rings: [[[2, 0], [4, 0], [4, 2], [2, 2]]] };
    const bottom: PlaneShape = { id: 'B', rings: [[[0, 2], [2, 2], [4, 2], [4, 4], [0, 4]]] };
    const simplified = simplifyTogether([left, right, bottom], 100);
    for (const shape of simplified) expect(shape.rings.flat().some(([x, y]) => x === 2 && y === 2)).toBe(true);
  });

  /** Two shapes either side of a jagged border from (0,0) down to (0,n): the border's points are shared. */
  const jaggedBorder = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 3, maxLength: 40 }).map((wiggles) => {
    const border: PlanePoint[] = wiggles.map((dx, i) => [dx, (i + 1) * 2]);
    const bottom = (wiggles.length + 1) * 2;
    const west: PlaneShape = { id: 'W', rings: [[[0, 0], ...border, [0, bottom], [-10, bottom], [-10, 0]]] };
    const east: PlaneShape = { id: 'E', rings: [[[0, 0], [10, 0], [10, bottom], [0, bottom], ...[...border].reverse()]] };
    return [west, east];
  });

  it('keeps a shared border shared: both sides keep the same border points in the same order (property)', () => {
    fc.assert(
      fc.property(jaggedBorder, fc.double({ min: 0.1, max: 20, noNaN: true }), (shapes, minArea) => {
        const [west, east] = simplifyTogether(shapes, minArea) as [PlaneShape, PlaneShape];
        const borderKeys = new Set(shapes[0]!.rings[0]!.filter(([x]) => Math.abs(x) <= 3).map(([x, y]) => `${x},${y}`));
        const onBorder = (ring: readonly PlanePoint[]) => ring.map(([x, y]) => `${x},${y}`).filter((k) => borderKeys.has(k));
        // West walks the border from (0,0) down; east walks it back up, starting at (0,0) too.
        const westWay = onBorder(west.rings[0]!);
        const [eastStart, ...eastRest] = onBorder(east.rings[0]!);
        expect([...eastRest, eastStart].reverse()).toEqual(westWay);
        expect(westWay[0]).toBe('0,0');
      }),
    );
  });

  it('removes a point from every ring through it or from none (property)', () => {
    fc.assert(
      fc.property(jaggedBorder, fc.double({ min: 0.1, max: 20, noNaN: true }), (shapes, minArea) => {
        const [west, east] = simplifyTogether(shapes, minArea) as [PlaneShape, PlaneShape];
        const keys = (s: PlaneShape) => new Set(s.rings.flat().map(([x, y]) => `${x},${y}`));
        const [w, e] = [keys(west), keys(east)];
        for (const [x, y] of shapes[0]!.rings[0]!) {
          const k = `${x},${y}`;
          if (shapes[1]!.rings[0]!.some(([x2, y2]) => x2 === x && y2 === y)) expect(w.has(k)).toBe(e.has(k));
        }
      }),
    );
  });
});

