/** The measures of one card grid: cards at least `minCardWidth` wide, a picture of `aspect` (h/w) above a footer. */
export interface CardGridSpec {
  readonly minCardWidth: number;
  readonly maxColumns: number;
  readonly gap: number;
  readonly aspect: number;
  readonly footerHeight: number;
}

export interface GridLayout {
  columns: number;
  cardWidth: number;
  /** One row: a card plus the gap below it. */
  rowHeight: number;
}

/** Columns and row height for a windowed grid: rows have one fixed height so the virtualizer needs no measuring. */
export function cardGridLayout(containerWidth: number, spec: CardGridSpec): GridLayout {
  const width = Math.max(containerWidth, spec.minCardWidth);
  const columns = Math.min(
    spec.maxColumns,
    Math.max(1, Math.floor((width + spec.gap) / (spec.minCardWidth + spec.gap))),
  );
  const cardWidth = (width - spec.gap * (columns - 1)) / columns;
  const rowHeight = Math.round(cardWidth * spec.aspect) + spec.footerHeight + spec.gap;
  return { columns, cardWidth, rowHeight };
}

export function rowCount(items: number, columns: number): number {
  return Math.ceil(items / columns);
}

/** Whether the grid is close enough to the end of what is loaded to ask for the next page. */
export function needsMore(lastVisibleRow: number, loadedRows: number, lookahead = 4): boolean {
  return lastVisibleRow >= loadedRows - lookahead;
}
