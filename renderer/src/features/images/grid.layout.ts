import { cardGridLayout } from '../../components/grid.layout';
import type { GridLayout } from '../../components/grid.layout';

export { needsMore, rowCount } from '../../components/grid.layout';

export const MIN_CARD_WIDTH = 200;
export const MAX_COLUMNS = 8;
export const GAP = 16;
/** Thumbnails are 4:5, the usual portrait crop of SDXL output (832×1216 is close enough to crop well). */
export const THUMB_ASPECT = 5 / 4;
/** The strip under a thumbnail: LoRA chips and the reaction buttons. */
export const CARD_FOOTER_HEIGHT = 82;

export function gridLayout(containerWidth: number): GridLayout {
  return cardGridLayout(containerWidth, {
    minCardWidth: MIN_CARD_WIDTH,
    maxColumns: MAX_COLUMNS,
    gap: GAP,
    aspect: THUMB_ASPECT,
    footerHeight: CARD_FOOTER_HEIGHT,
  });
}
