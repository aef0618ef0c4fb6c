import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { methodKey, useClient, type AtelierError } from '../../api';
import { GAP, gridLayout, rowCount } from './grid.layout';
import { LoraCard, SkeletonCard } from './LoraCard';
import { itemAt, PAGE_SIZE, pagesFor, type LoraList } from './library.pages';
import type { LoraFilters } from './library.search';
import styles from './Library.module.css';
import { useDocumentTop, useWidth } from '../../components/useGridGeometry';

function pageKey(filters: LoraFilters, page: number) {
  return methodKey('loras.list', { ...filters, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
}

/**
 * The first page of a view: it carries `total`, which sizes the whole scroll area at once. The key is
 * the plain `loras.list` key, so `useRefreshOnJobDone(['loras.list'])` refreshes it with the rest.
 */
export function useFirstPage(filters: LoraFilters) {
  const client = useClient();
  return useQuery<LoraList, AtelierError>({
    queryKey: pageKey(filters, 0),
    queryFn: () => client.invoke('loras.list', { ...filters, offset: 0, limit: PAGE_SIZE }),
    // Typing in the search box keeps the old cards until the new answer is in, instead of blinking.
    placeholderData: keepPreviousData,
  });
}

let firstCardsMarked = false;

/**
 * A windowed grid over the whole library: `total` sizes it, only the rows near the viewport exist in the
 * DOM, and the 500-item pages under them load as they come into view (cached per offset), so jumping to
 * the end of 30,000 LoRAs loads one page, not sixty.
 */
export function LoraGrid({
  filters,
  first,
  selectedId,
  onOpen,
}: {
  filters: LoraFilters;
  first: LoraList;
  selectedId: number | undefined;
  onOpen: (id: number) => void;
}) {
  const client = useClient();
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const top = useDocumentTop(ref);
  const { columns, rowHeight } = gridLayout(width);
  const total = first.total;
  const rows = rowCount(total, columns);

  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => rowHeight,
    overscan: 2,
    scrollMargin: top,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const virtualRows = virtualizer.getVirtualItems();
  const firstIndex = (virtualRows[0]?.index ?? 0) * columns;
  const lastIndex = ((virtualRows.at(-1)?.index ?? -1) + 1) * columns - 1;
  const wanted = pagesFor(firstIndex, lastIndex, total);
  const rest = wanted.filter((page) => page !== 0);

  const queries = useQueries({
    queries: rest.map((page) => ({
      queryKey: pageKey(filters, page),
      queryFn: () => client.invoke('loras.list', { ...filters, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
    })),
  });
  // A handful of pages at most: cheap to rebuild, and the items keep their identity for the memoized cards.
  const pages = new Map<number, LoraList>([[0, first]]);
  rest.forEach((page, i) => {
    const data = queries[i]?.data;
    if (data) pages.set(page, data);
  });

  useEffect(() => {
    if (firstCardsMarked || width === 0 || total === 0) return;
    firstCardsMarked = true;
    performance.mark('library:first-cards');
  }, [width, total]);

  return (
    <div
      ref={ref}
      className={styles.grid}
      role="list"
      aria-label="LoRAs"
      style={{ height: width === 0 ? undefined : virtualizer.getTotalSize() }}
    >
      {width === 0
        ? null
        : virtualRows.map((row) => {
            const start = row.index * columns;
            const end = Math.min(start + columns, total);
            const cells = [];
            for (let index = start; index < end; index++) {
              const item = itemAt(pages, index);
              cells.push(
                item ? (
                  <LoraCard
                    key={item.id}
                    item={item}
                    index={index}
                    selected={item.id === selectedId}
                    onOpen={onOpen}
                  />
                ) : (
                  <SkeletonCard key={`skeleton-${index}`} />
                ),
              );
            }
            return (
              <div
                key={row.key}
                className={styles.row}
                style={{
                  height: rowHeight - GAP,
                  transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
                  gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                }}
              >
                {cells}
              </div>
            );
          })}
    </div>
  );
}
