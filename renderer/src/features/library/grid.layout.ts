/** Cards never get narrower than this; wider windows get more columns, not bigger cards. */
export const MIN_CARD_WIDTH = 188;
export const MAX_COLUMNS = 10;
export const GAP = 14;
/** Previews are 4:5, the usual portrait crop of SDXL sample images. */
export const PREVIEW_ASPECT = 5 / 4;
/** Name, badges and tags under the preview. */
export const CARD_FOOTER_HEIGHT = 70;

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
  const rowHeight = Math.round(cardWidth * PREVIEW_ASPECT) + CARD_FOOTER_HEIGHT + GAP;
  return { columns, cardWidth, rowHeight };
}

export function rowCount(items: number, columns: number): number {
  return Math.ceil(items / columns);
}
