import type { WorkSpec } from './work-spec.ts';

interface Entry {
  spec: WorkSpec;
  arrival: number;
}

/**
 * A binary heap of specs ordered by priority, then arrival: lower priority first, first-in
 * first-out among equals. Push and pop cost O(log n), so scheduling one event stays cheap with
 * tens of thousands of specs queued.
 */
export class PriorityQueue {
  readonly #heap: Entry[] = [];
  readonly #ids = new Set<string>();
  #arrivals = 0;

  get size(): number {
    return this.#heap.length;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  push(spec: WorkSpec): void {
    this.#heap.push({ spec, arrival: this.#arrivals++ });
    this.#ids.add(spec.id);
    this.#siftUp(this.#heap.length - 1);
  }

  /** The spec that would run next, left in the queue. */
  peek(): WorkSpec | undefined {
    return this.#heap[0]?.spec;
  }

  pop(): WorkSpec | undefined {
    return this.#heap.length > 0 ? this.#removeAt(0) : undefined;
  }

  /**
   * Removes the spec with this id wherever it sits. O(1) for the head, O(n) otherwise, which only
   * happens when a journal is replayed over a queue a person reordered.
   */
  remove(id: string): WorkSpec | undefined {
    if (!this.#ids.has(id)) return undefined;
    const index = this.#heap[0]?.spec.id === id ? 0 : this.#heap.findIndex((e) => e.spec.id === id);
    return this.#removeAt(index);
  }

  /** The queued specs in the order they would run. Costs O(n log n); used for views only. */
  ordered(): WorkSpec[] {
    return [...this.#heap].sort(compare).map((entry) => entry.spec);
  }

  #removeAt(index: number): WorkSpec {
    const removed = this.#heap[index]!;
    const last = this.#heap.pop()!;
    if (index < this.#heap.length) {
      this.#heap[index] = last;
      this.#siftDown(index);
      this.#siftUp(index);
    }
    this.#ids.delete(removed.spec.id);
    return removed.spec;
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (compare(heap[index]!, heap[parent]!) >= 0) return;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && compare(heap[left]!, heap[smallest]!) < 0) smallest = left;
      if (right < heap.length && compare(heap[right]!, heap[smallest]!) < 0) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

function compare(a: Entry, b: Entry): number {
  return a.spec.priority - b.spec.priority || a.arrival - b.arrival;
}
