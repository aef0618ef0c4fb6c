import { cardGridLayout } from '../../components/grid.layout';
import type { GridLayout } from '../../components/grid.layout';

export { rowCount } from '../../components/grid.layout';

export const GAP = 14;

export function gridLayout(containerWidth: number): GridLayout {
  return cardGridLayout(containerWidth, {
    minCardWidth: 188,
    maxColumns: 10,
    gap: GAP,
    // Previews are 4:5, the usual portrait crop of SDXL sample images; name, badges and tags below.
    aspect: 5 / 4,
    footerHeight: 70,
  });
}
