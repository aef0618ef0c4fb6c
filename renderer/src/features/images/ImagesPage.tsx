import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useMethodQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { LinkButton } from '../../components/LinkButton';
import { ErrorNotice } from '../../components/Notice';
import { ScanButton } from '../../components/ScanButton';
import { useDebouncedValue } from '../../components/useDebouncedValue';
import { useRefreshOnJobDone } from '../../components/useRefreshOnJobDone';
import { ImageDetail } from './ImageDetail';
import { ImageGrid, useImagePages } from './ImageGrid';
import { imageCountLabel, reactionLabels } from './images.format';
import { flattenPages, totalOf, type ImageItem } from './images.pages';
import { filtersOf, hasFilters, REACTION_KINDS, type ImageSource, type ImagesSearch } from './images.search';
import { ReactionIcon } from './ReactionIcon';
import styles from './Images.module.css';

const route = getRouteApi('/images');
const SEARCH_DELAY_MS = 250;

export function ImagesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filters = useMemo(() => filtersOf(search), [search]);
  const pages = useImagePages(filters);
  const items = useMemo(() => flattenPages(pages.data), [pages.data]);
  const total = totalOf(pages.data);
  useRefreshOnJobDone(['images.list', 'images.get']);
  // Before the first scan there is nothing to search or filter: the empty state is the whole page.
  const nothingYet = total?.count === 0 && !hasFilters(search);

  const setSearch = useCallback(
    (patch: Partial<ImagesSearch>, replace = true) =>
      void navigate({ search: (previous) => ({ ...previous, ...patch }), replace }),
    [navigate],
  );
  const open = useCallback((id: number) => setSearch({ image: id }, false), [setSearch]);
  const close = useCallback(() => setSearch({ image: undefined }), [setSearch]);

  const openIndex = search.image === undefined ? -1 : items.findIndex((item) => item.id === search.image);
  const step = useCallback(
    (delta: -1 | 1) => {
      const next = items[openIndex + delta];
      if (next) setSearch({ image: next.id });
    },
    [items, openIndex, setSearch],
  );

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div>
          <h1>Images</h1>
          <p className={styles.description}>
            Everything generated with your LoRAs, and the ImageGem dataset once it is imported. React to what
            you like; the feed learns from it.
          </p>
        </div>
        {nothingYet ? null : <ScanButton />}
      </header>
      {nothingYet ? null : <Toolbar search={search} setSearch={setSearch} total={total} items={items} />}
      {pages.error ? (
        <ErrorNotice error={pages.error} />
      ) : pages.isPending ? (
        <p className="hint">Loading images…</p>
      ) : total?.count === 0 ? (
        hasFilters(search) ? (
          <EmptyState
            icon="image"
            title="No images match"
            action={
              <button
                type="button"
                className="button"
                onClick={() =>
                  setSearch({ q: undefined, source: undefined, reaction: undefined, lora: undefined })
                }
              >
                Clear filters
              </button>
            }
          >
            Try fewer words, or another source or reaction.
          </EmptyState>
        ) : (
          <NoImages />
        )
      ) : (
        <ImageGrid
          items={items}
          hasNextPage={pages.hasNextPage}
          isFetchingNextPage={pages.isFetchingNextPage}
          fetchNextPage={pages.fetchNextPage}
          onOpen={open}
        />
      )}
      {search.image !== undefined ? (
        <ImageDetail
          key="detail"
          id={search.image}
          loaded={items[openIndex]}
          onClose={close}
          onStep={openIndex === -1 ? undefined : step}
        />
      ) : null}
    </div>
  );
}

function Toolbar({
  search,
  setSearch,
  total,
  items,
}: {
  search: ImagesSearch;
  setSearch: (patch: Partial<ImagesSearch>) => void;
  total: { count: number; lowerBound: boolean } | undefined;
  items: readonly ImageItem[];
}) {
  const searchId = useId();
  const reactionId = useId();
  const [text, setText] = useState(search.q ?? '');
  const settled = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const current = search.q ?? '';
  // What this field last asked for; a URL change from elsewhere (Back, Clear filters) is not a new query.
  const pushed = useRef(settled);

  useEffect(() => {
    if (settled === pushed.current) return;
    pushed.current = settled;
    if (settled !== current) setSearch({ q: settled === '' ? undefined : settled });
  }, [settled, current, setSearch]);

  const [seen, setSeen] = useState(current);
  if (seen !== current) {
    // The URL moved on its own: show what it says.
    setSeen(current);
    if (current !== text.trim()) setText(current);
  }

  return (
    <div className={styles.toolbar}>
      <div className={styles.searchField}>
        <label htmlFor={searchId} className="visually-hidden">
          Search prompts
        </label>
        <span className={styles.searchIcon}>
          <ReactionIcon kind="search" size={16} />
        </span>
        <input
          id={searchId}
          className={`input ${styles.searchInput}`}
          type="search"
          placeholder="Search prompts"
          value={text}
          onChange={(event) => setText(event.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      <SourceSwitch value={search.source} onChange={(source) => setSearch({ source })} />
      <label htmlFor={reactionId} className="visually-hidden">
        Reaction
      </label>
      <select
        id={reactionId}
        className={`select ${styles.reactionSelect}`}
        value={search.reaction ?? ''}
        onChange={(event) =>
          setSearch({
            reaction: REACTION_KINDS.find((kind) => kind === event.target.value),
          })
        }
      >
        <option value="">Any reaction</option>
        {REACTION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {reactionLabels[kind].by}
          </option>
        ))}
      </select>
      {search.lora !== undefined ? (
        <LoraFilter id={search.lora} items={items} onClear={() => setSearch({ lora: undefined })} />
      ) : null}
      <span className={styles.total} aria-live="polite">
        {total === undefined ? '' : imageCountLabel(total.count, total.lowerBound)}
      </span>
    </div>
  );
}

const sourceOptions: { value: ImageSource | undefined; label: string }[] = [
  { value: undefined, label: 'All' },
  { value: 'local', label: 'Mine' },
  { value: 'imagegem', label: 'ImageGem' },
];

function SourceSwitch({
  value,
  onChange,
}: {
  value: ImageSource | undefined;
  onChange: (value: ImageSource | undefined) => void;
}) {
  return (
    <div className={styles.segmented} role="radiogroup" aria-label="Source">
      {sourceOptions.map((option) => (
        <button
          key={option.label}
          type="button"
          role="radio"
          aria-checked={value === option.value}
          className={`${styles.segment} ${value === option.value ? styles.segmentOn : ''}`}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

/** The LoRA the grid is narrowed to, named from the loaded images when one of them links it. */
function LoraFilter({
  id,
  items,
  onClear,
}: {
  id: number;
  items: readonly ImageItem[];
  onClear: () => void;
}) {
  const named = items.flatMap((item) => item.loras).find((lora) => lora.loraFileId === id)?.name;
  return (
    <span className={styles.filterChip}>
      <span className={styles.filterChipLabel}>LoRA</span>
      {named ?? `file ${id}`}
      <button
        type="button"
        className={styles.filterChipClear}
        aria-label="Clear the LoRA filter"
        onClick={onClear}
      >
        <Icon name="close" size={12} />
      </button>
    </span>
  );
}

function NoImages() {
  const folders = useMethodQuery('folders.list', {});
  const imageFolders = folders.data?.filter((folder) => folder.kind !== 'loras').length ?? 0;
  return (
    <EmptyState
      icon="image"
      title="No images yet"
      action={
        <div className={styles.emptyActions}>
          <ScanButton primary />
          <LinkButton to="/settings" primary={false}>
            Open Settings
          </LinkButton>
        </div>
      }
    >
      Images you generate appear here. Add your ComfyUI or A1111 output folder in Settings, then Scan.
      {imageFolders > 0
        ? ` Atelier reads ${imageFolders === 1 ? '1 folder' : `${imageFolders} folders`} that can hold images.`
        : ''}
    </EmptyState>
  );
}
