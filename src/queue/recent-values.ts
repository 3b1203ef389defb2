/** The most recent `size` values of a measured series, with the statistics the write limit reads. */
export class RecentValues {
  readonly #values: number[] = [];
  constructor(private readonly size: number) {}

  push(value: number): void {
    this.#values.push(value);
    if (this.#values.length > this.size) this.#values.shift();
  }

  /** How many values are kept (at most `size`). */
  get count(): number {
    return this.#values.length;
  }

  get min(): number | undefined {
    return this.#values.length ? Math.min(...this.#values) : undefined;
  }

  get median(): number | undefined {
    if (this.#values.length === 0) return undefined;
    const sorted = [...this.#values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}
