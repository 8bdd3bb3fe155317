/**
 * A set of pod class ids (see `PodClass`): sparse (sorted ids) when it holds few of the
 * classes, a bitset when it holds many, so that a rule matching one class costs one entry and
 * a rule matching every class costs one bit per class.
 */
export class ClassSet {
  /** Number of classes in the set. */
  readonly size: number;
  private readonly sorted: Int32Array | undefined;
  private readonly bits: Uint32Array | undefined;

  private constructor(size: number, sorted: Int32Array | undefined, bits: Uint32Array | undefined) {
    this.size = size;
    this.sorted = sorted;
    this.bits = bits;
  }

  /**
   * The set of `ids` (ascending, without duplicates) among `universe` classes.
   * @default universe - one more than the largest id
   */
  static of(ids: readonly number[], universe: number = ids.length === 0 ? 0 : ids[ids.length - 1]! + 1): ClassSet {
    if (ids.length * 32 < universe) return new ClassSet(ids.length, Int32Array.from(ids), undefined);
    const bits = new Uint32Array((universe + 31) >>> 5);
    for (const id of ids) bits[id >>> 5] = bits[id >>> 5]! | (1 << (id & 31));
    return new ClassSet(ids.length, undefined, bits);
  }

  static readonly EMPTY: ClassSet = ClassSet.of([]);

  has(id: number): boolean {
    if (this.bits !== undefined) return id >= 0 && (id >>> 5) < this.bits.length && (this.bits[id >>> 5]! & (1 << (id & 31))) !== 0;
    const s = this.sorted!;
    let lo = 0;
    let hi = s.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = s[mid]!;
      if (v === id) return true;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** Calls `fn` with every id, ascending. */
  forEach(fn: (id: number) => void): void {
    if (this.sorted !== undefined) {
      for (const id of this.sorted) fn(id);
      return;
    }
    const bits = this.bits!;
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        fn((w << 5) + 31 - Math.clz32(low));
        word ^= low;
      }
    }
  }

  /** The ids, ascending. */
  ids(): number[] {
    const out: number[] = [];
    this.forEach((id) => out.push(id));
    return out;
  }
}
