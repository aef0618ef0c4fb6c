/** Cards never get narrower than this; wider windows get more columns, not bigger cards. */
export const MIN_CARD_WIDTH = 200;
export const MAX_COLUMNS = 8;
export const GAP = 16;
/** Thumbnails are 4:5, the usual portrait crop of SDXL output (832×1216 is close enough to crop well). */
export const THUMB_ASPECT = 5 / 4;
/** The strip under a thumbnail: LoRA chips and the reaction buttons. */
export const CARD_FOOTER_HEIGHT = 82;

export interface GridLayout {
  columns: number;
  cardWidth: number;
  /** One row: a card plus the gap below it. */
  rowHeight: number;
}

export function gridLayout(containerWidth: number): GridLayout {
  const width = Math.max(containerWidth, MIN_CARD_WIDTH);
  const columns = Math.min(MAX_COLUMNS, Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP))));
  const cardWidth = (width - GAP * (columns - 1)) / columns;
  const rowHeight = Math.round(cardWidth * THUMB_ASPECT) + CARD_FOOTER_HEIGHT + GAP;
  return { columns, cardWidth, rowHeight };
}

export function rowCount(items: number, columns: number): number {
  return Math.ceil(items / columns);
}

/** Whether the grid is close enough to the end of what is loaded to ask for the next page. */
export function needsMore(lastVisibleRow: number, loadedRows: number, lookahead = 4): boolean {
  return lastVisibleRow >= loadedRows - lookahead;
}
