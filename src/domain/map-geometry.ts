/**
 * Plane geometry for the map, on shapes already projected onto a grid: simplifying borders that
 * neighbours share without opening gaps between them, the outline of a group of shapes (a county
 * drawn from its districts), and compact SVG path data.
 */

/** A point on the drawing grid. Points are compared by value, so shared borders meet exactly. */
export type PlanePoint = readonly [number, number];
/** A closed ring: the last point joins the first, and is not repeated. */
export type PlaneRing = readonly PlanePoint[];

export interface PlaneShape {
  id: string;
  /** Outer rings and holes alike; they are drawn with the even-odd rule, so direction does not matter. */
  rings: readonly PlaneRing[];
}

const keyOf = (p: PlanePoint) => `${p[0]},${p[1]}`;

/** Drops repeated consecutive points (and a last point equal to the first); keeps rings of three or more points. */
export function cleanRings(rings: readonly PlaneRing[]): PlaneRing[] {
  const kept: PlaneRing[] = [];
  for (const ring of rings) {
    const out: PlanePoint[] = [];
    for (const point of ring) {
      const last = out[out.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
    }
    const first = out[0];
    const last = out[out.length - 1];
    if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
    if (out.length >= 3) kept.push(out);
  }
  return kept;
}

/**
 * Removes the points that matter least (Visvalingam: smallest triangle with their two neighbours
 * first) until every remaining one makes a triangle of at least `minArea`. Works on all shapes at
 * once: a point is removed from every ring through it or from none, and only points on a plain
 * border (exactly two neighbours in the whole map) can go, so the points where three shapes meet
 * stay and neighbours keep sharing one border. Every ring keeps at least three points.
 */
export function simplifyTogether(shapes: readonly PlaneShape[], minArea: number): PlaneShape[] {
  const cleaned = shapes.map((shape) => ({ id: shape.id, rings: cleanRings(shape.rings) }));
  const points = new Map<string, PlanePoint>();
  const neighbours = new Map<string, Set<string>>();
  const ringsThrough = new Map<string, number[]>();
  const ringSize: number[] = [];
  const link = (a: string, b: string) => {
    let set = neighbours.get(a);
    if (!set) neighbours.set(a, (set = new Set()));
    set.add(b);
  };
  let ringIndex = 0;
  for (const shape of cleaned) {
    for (const ring of shape.rings) {
      ringSize.push(ring.length);
      ring.forEach((point, i) => {
        const key = keyOf(point);
        points.set(key, point);
        const next = ring[(i + 1) % ring.length] as PlanePoint;
        link(key, keyOf(next));
        link(keyOf(next), key);
        const through = ringsThrough.get(key);
        if (through) through.push(ringIndex);
        else ringsThrough.set(key, [ringIndex]);
      });
      ringIndex++;
    }
  }

  const areaOf = (key: string): number | undefined => {
    const around = neighbours.get(key);
    if (!around || around.size !== 2) return undefined;
    const [a, b] = [...around] as [string, string];
    // Removing the point would join a and b; if they are joined already, two edges would coincide.
    if (neighbours.get(a)?.has(b)) return undefined;
    const p = points.get(key) as PlanePoint;
    const pa = points.get(a) as PlanePoint;
    const pb = points.get(b) as PlanePoint;
    return Math.abs((pa[0] - p[0]) * (pb[1] - p[1]) - (pb[0] - p[0]) * (pa[1] - p[1])) / 2;
  };

  const heap = new MinHeap();
  const current = new Map<string, number>();
  for (const key of points.keys()) {
    const area = areaOf(key);
    if (area !== undefined) {
      current.set(key, area);
      heap.push(area, key);
    }
  }
  const removed = new Set<string>();
  for (let top = heap.pop(); top; top = heap.pop()) {
    const [area, key] = top;
    if (area >= minArea) break;
    if (removed.has(key) || current.get(key) !== area) continue; // a stale entry
    const through = ringsThrough.get(key) ?? [];
    if (through.some((r) => (ringSize[r] as number) <= 3)) {
      current.delete(key);
      continue;
    }
    const [a, b] = [...(neighbours.get(key) as Set<string>)] as [string, string];
    removed.add(key);
    current.delete(key);
    for (const r of through) ringSize[r] = (ringSize[r] as number) - 1;
    const setA = neighbours.get(a) as Set<string>;
    const setB = neighbours.get(b) as Set<string>;
    setA.delete(key);
    setA.add(b);
    setB.delete(key);
    setB.add(a);
    for (const end of [a, b]) {
      const next = areaOf(end);
      if (next === undefined) current.delete(end);
      else {
        // A neighbour's triangle can only grow by what was removed next to it, never be skipped.
        const value = Math.max(next, area);
        current.set(end, value);
        heap.push(value, end);
      }
    }
  }
  return cleaned.map((shape) => ({
    id: shape.id,
    rings: shape.rings.map((ring) => ring.filter((point) => !removed.has(keyOf(point)))),
  }));
}

/**
 * The outline of shapes drawn together: every edge that only one of them has. Edges two of them
 * share are inside the group (a border between two of a county's districts) and left out.
 * Returned as open lines, each a run of consecutive outline edges along one ring.
 */
export function outlineOf(shapes: readonly PlaneShape[]): PlanePoint[][] {
  const edgeKey = (a: PlanePoint, b: PlanePoint) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
  };
  const count = new Map<string, number>();
  const rings = shapes.flatMap((shape) => shape.rings);
  for (const ring of rings) {
    ring.forEach((point, i) => {
      const key = edgeKey(point, ring[(i + 1) % ring.length] as PlanePoint);
      count.set(key, (count.get(key) ?? 0) + 1);
    });
  }
  const lines: PlanePoint[][] = [];
  for (const ring of rings) {
    const outer = ring.map((point, i) => count.get(edgeKey(point, ring[(i + 1) % ring.length] as PlanePoint)) === 1);
    if (outer.every(Boolean)) {
      lines.push([...ring, ring[0] as PlanePoint]);
      continue;
    }
    // Start just after an inner edge, so no run is split in two at the ring's first point.
    const start = outer.indexOf(false) + 1;
    let run: PlanePoint[] = [];
    for (let step = 0; step < ring.length; step++) {
      const i = (start + step) % ring.length;
      if (outer[i]) {
        if (run.length === 0) run.push(ring[i] as PlanePoint);
        run.push(ring[(i + 1) % ring.length] as PlanePoint);
      } else if (run.length > 0) {
        lines.push(run);
        run = [];
      }
    }
    if (run.length > 0) lines.push(run);
  }
  return lines;
}

/**
 * SVG path data for rings (closed with "z") or lines, in relative moves after the first point, so
 * small integer steps keep it short: "M10 20l3-1 2 4z".
 */
export function pathData(parts: readonly (readonly PlanePoint[])[], options: { closed: boolean }): string {
  let d = '';
  for (const part of parts) {
    const [first, ...rest] = part;
    if (!first) continue;
    d += `M${num(first[0])}${sep(first[1])}${num(first[1])}`;
    let [x, y] = first;
    if (rest.length > 0) {
      d += 'l';
      let firstPair = true;
      for (const [px, py] of rest) {
        const dx = round(px - x);
        const dy = round(py - y);
        d += `${firstPair ? '' : sep(dx)}${num(dx)}${sep(dy)}${num(dy)}`;
        firstPair = false;
        [x, y] = [px, py];
      }
    }
    if (options.closed) d += 'z';
  }
  return d;
}

// Grid steps can be fractional when a finer grid is asked for; two decimals at most.
const round = (n: number) => Math.round(n * 100) / 100;
const num = (n: number) => String(round(n)).replace(/^(-?)0\./, '$1.');
/** Negative numbers carry their own separator, the minus sign. */
const sep = (next: number) => (round(next) < 0 ? '' : ' ');

/** A binary min-heap of [priority, key]. */
class MinHeap {
  private items: [number, string][] = [];

  push(priority: number, key: string): void {
    const items = this.items;
    items.push([priority, key]);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as [number, string])[0] <= priority) break;
      [items[i], items[parent]] = [items[parent] as [number, string], items[i] as [number, string]];
      i = parent;
    }
  }

  pop(): [number, string] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last || items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && (items[left] as [number, string])[0] < (items[smallest] as [number, string])[0]) smallest = left;
      if (right < items.length && (items[right] as [number, string])[0] < (items[smallest] as [number, string])[0]) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest] as [number, string], items[i] as [number, string]];
      i = smallest;
    }
    return top;
  }
}
