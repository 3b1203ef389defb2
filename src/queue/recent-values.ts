/** The most recent `size` values of a measured series, with the statistics the write limit reads. */
export class RecentValues {
  readonly #values: number[] = [];
  #sorted: number[] = [];
  // Read on every queue turn, written once per answer: computed when a value comes in.
  #min: number | undefined;
  #median: number | undefined;
  #lowerMedian: number | undefined;
  constructor(private readonly size: number) {}

  push(value: number): void {
    this.#values.push(value);
    if (this.#values.length > this.size) this.#values.shift();
    const sorted = [...this.#values].sort((a, b) => a - b);
    this.#sorted = sorted;
    this.#min = sorted[0];
    this.#median = sorted[Math.floor(sorted.length / 2)];
    this.#lowerMedian = sorted[Math.floor((sorted.length - 1) / 2)];
  }

  /** How many values are kept (at most `size`). */
  get count(): number {
    return this.#values.length;
  }

  get min(): number | undefined {
    return this.#min;
  }

  /** The smallest value not below `floor`. */
  lowest(floor: number): number | undefined {
    return this.#sorted.find((value) => value >= floor);
  }

  /** The middle value; of an even count, the higher of the two middle ones. */
  get median(): number | undefined {
    return this.#median;
  }

  /** The middle value; of an even count, the lower of the two middle ones (of two, a high outlier does not count). */
  get lowerMedian(): number | undefined {
    return this.#lowerMedian;
  }
}
