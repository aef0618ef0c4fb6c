/** What one run did, for its summary; problems are kept as a few examples, not one per bad row. */
export class ImportTally {
  modelRows = 0;
  imageRows = 0;
  usersAdded = 0;
  skippedRows = 0;
  placeholderVersions = 0;
  private readonly examples: string[] = [];
  private unlisted = 0;

  constructor(private readonly maxExamples: number) {}

  skip(table: string, row: number, why: string): void {
    this.skippedRows++;
    this.problem(`${table} row ${row + 1} skipped: ${why}`);
  }

  note(table: string, row: number, what: string): void {
    this.problem(`${table} row ${row + 1}: ${what}`);
  }

  private problem(text: string): void {
    if (this.examples.length < this.maxExamples) this.examples.push(text);
    else this.unlisted++;
  }

  problems(): string[] {
    const list = [...this.examples];
    if (this.unlisted > 0) list.push(`… and ${this.unlisted} more problems like these`);
    if (this.placeholderVersions > 0) {
      list.push(
        `${this.placeholderVersions} LoRA versions used by images are not in the models table; each has a ` +
          'placeholder model until a models table that lists it is imported',
      );
    }
    return list;
  }
}
