import { useInfiniteQuery, type InfiniteData } from '@tanstack/react-query';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useClient, type AtelierError } from '../../api';
import { GAP, gridLayout, needsMore, rowCount } from './grid.layout';
import { ImageCard, SkeletonCard } from './ImageCard';
import { nextOffset, PAGE_SIZE, type ImageItem, type ImageList } from './images.pages';
import type { ImageFilters } from './images.search';
import styles from './Images.module.css';
import { useDocumentTop, useWidth } from '../../components/useGridGeometry';

/**
 * Pages of `images.list`, loaded as the grid scrolls. The key starts with the method name, so
 * `invalidates: ['images.list']` and the reaction cache updates reach it like any other list.
 */
export function useImagePages(filters: ImageFilters) {
  const client = useClient();
  return useInfiniteQuery<ImageList, AtelierError, InfiniteData<ImageList>, readonly unknown[], number>({
    queryKey: ['images.list', filters, 'pages'],
    queryFn: ({ pageParam }) =>
      client.invoke('images.list', { ...filters, offset: pageParam, limit: PAGE_SIZE }),
    initialPageParam: 0,
    getNextPageParam: (_last, pages) => nextOffset(pages),
  });
}

/**
 * A windowed grid: only the rows near the viewport exist in the DOM, so 100k images scroll like 100.
 * Rows have one fixed height per width, so positions are exact without measuring cards.
 */
export function ImageGrid({
  items,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onOpen,
}: {
  items: readonly ImageItem[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  onOpen: (id: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useWidth(ref);
  const top = useDocumentTop(ref);
  const { columns, rowHeight } = gridLayout(width);
  const loadedRows = rowCount(items.length, columns);
  // One row of placeholders past the loaded ones shows that more is coming while it loads.
  const rows = loadedRows + (hasNextPage ? 1 : 0);

  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => rowHeight,
    overscan: 3,
    scrollMargin: top,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const virtualRows = virtualizer.getVirtualItems();
  const lastVisible = virtualRows.at(-1)?.index ?? -1;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && needsMore(lastVisible, loadedRows)) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, lastVisible, loadedRows, fetchNextPage]);

  return (
    <div
      ref={ref}
      className={styles.grid}
      role="list"
      aria-label="Images"
      aria-busy={isFetchingNextPage}
      style={{ height: width === 0 ? undefined : virtualizer.getTotalSize() }}
    >
      {width === 0
        ? null
        : virtualRows.map((row) => {
            const start = row.index * columns;
            const cards = items.slice(start, start + columns);
            const skeletons = row.index >= loadedRows ? columns : 0;
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
                {cards.map((item) => (
                  <ImageCard key={item.id} item={item} onOpen={onOpen} />
                ))}
                {Array.from({ length: skeletons }, (_, index) => (
                  <SkeletonCard key={`skeleton-${index}`} />
                ))}
              </div>
            );
          })}
    </div>
  );
}
